/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>

#include "container-config.h"
#include "macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

void container_options_done(ContainerOptions *o) {
        free(o->name);
        strv_free(o->env);
        strv_free(o->entrypoint);
        free(o->workdir);
        free(o->hostname);
        free(o->network_mode);
        free(o->network_config);
        free(o->user);
        host_config_done(&o->host);
        pull_options_done(&o->pull);
        *o = (ContainerOptions) {};
}

void container_config_done(ContainerConfig *c) {
        strv_free(c->entrypoint);
        strv_free(c->cmd);
        strv_free(c->env);
        free(c->workdir);
        free(c->hostname);
        free(c->user);
        *c = (ContainerConfig) {};
}

static size_t env_name_len(const char *e) {
        const char *eq = strchr(e, '=');
        return eq ? (size_t) (eq - e) : strlen(e);
}

const char *env_get(char * const *env, const char *name) {
        size_t n = strlen(name);

        STRV_FOREACH(e, env)
                if (strncmp(*e, name, n) == 0 && (*e)[n] == '=')
                        return *e;
        return NULL;
}

static int env_set(char ***env, const char *entry) {
        size_t n = env_name_len(entry);

        for (char **e = *env; e && *e; e++)
                if (env_name_len(*e) == n && strncmp(*e, entry, n) == 0) {
                        char *c = strdup(entry);
                        if (!c)
                                return -ENOMEM;
                        free(*e);
                        *e = c;
                        return 0;
                }
        return strv_extend(env, entry);
}

char **env_merge(char * const *a, char * const *b) {
        _cleanup_(strv_freep) char **r = NULL;

        r = calloc(1, sizeof(char *));
        if (!r)
                return NULL;
        for (unsigned pass = 0; pass < 2; pass++)
                STRV_FOREACH(e, pass == 0 ? a : b) {
                        if (!strchr(*e, '=') || **e == '=')
                                continue;
                        if (env_set(&r, *e) < 0)
                                return NULL;
                }
        return TAKE_PTR(r);
}

/* a JSON array of strings as a strv; NULL or a non-array gives an empty one */
static int json_to_strv(json_object *a, char ***ret) {
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));
        size_t n;

        if (!l)
                return -ENOMEM;
        if (a && json_object_is_type(a, json_type_array)) {
                n = json_object_array_length(a);
                for (size_t i = 0; i < n; i++) {
                        json_object *s = json_object_array_get_idx(a, i);
                        if (!json_object_is_type(s, json_type_string))
                                return -EBADMSG;
                        if (strv_extend(&l, json_object_get_string(s)) < 0)
                                return -ENOMEM;
                }
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static char **strv_copy_nonnull(char * const *l) {
        return l ? strv_copy(l) : calloc(1, sizeof(char *));
}

int container_config_merge(const char *image_config, char * const *cmd, const ContainerOptions *o,
                           ContainerConfig *ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *root = NULL;
        _cleanup_(strv_freep) char **image_env = NULL, **image_entrypoint = NULL, **image_cmd = NULL;
        _cleanup_(container_config_done) ContainerConfig c = {};
        json_object *ic = NULL, *v;
        const char *image_workdir = NULL, *image_user = NULL;
        int r;

        root = json_tokener_parse(image_config ?: "{}");
        if (!root || !json_object_is_type(root, json_type_object)) {
                if (ret_error)
                        *ret_error = strdup("invalid image config: not a JSON object");
                return -EBADMSG;
        }
        /* "config" is the runtime part; absent for images without defaults */
        if (json_object_object_get_ex(root, "config", &ic) && json_object_is_type(ic, json_type_object)) {
                r = json_to_strv(json_object_object_get_ex(ic, "Env", &v) ? v : NULL, &image_env);
                if (r >= 0)
                        r = json_to_strv(json_object_object_get_ex(ic, "Entrypoint", &v) ? v : NULL, &image_entrypoint);
                if (r >= 0)
                        r = json_to_strv(json_object_object_get_ex(ic, "Cmd", &v) ? v : NULL, &image_cmd);
                if (r < 0) {
                        if (r == -EBADMSG && ret_error)
                                *ret_error = strdup("invalid image config: Env, Entrypoint and Cmd must be string arrays");
                        return r;
                }
                if (json_object_object_get_ex(ic, "WorkingDir", &v) && json_object_is_type(v, json_type_string))
                        image_workdir = json_object_get_string(v);
                if (json_object_object_get_ex(ic, "User", &v) && json_object_is_type(v, json_type_string))
                        image_user = json_object_get_string(v);
        }

        if (o->entrypoint_set) {
                c.entrypoint = strv_copy_nonnull(o->entrypoint);
                /* docker: a new entrypoint drops the image's Cmd */
                c.cmd = strv_copy_nonnull(cmd);
        } else {
                c.entrypoint = strv_copy_nonnull(image_entrypoint);
                c.cmd = strv_length(cmd) > 0 ? strv_copy(cmd) : strv_copy_nonnull(image_cmd);
        }
        c.env = env_merge(image_env, o->env);
        c.workdir = strdup(!isempty(o->workdir) ? o->workdir : !isempty(image_workdir) ? image_workdir : "/");
        c.hostname = strdup(strempty(o->hostname));
        c.user = strdup(!isempty(o->user) ? o->user : strempty(image_user));
        c.tty = o->tty;
        if (!c.entrypoint || !c.cmd || !c.env || !c.workdir || !c.hostname || !c.user)
                return -ENOMEM;

        if (strv_length(c.entrypoint) + strv_length(c.cmd) == 0) {
                if (ret_error)
                        *ret_error = strdup("no command specified");
                return -EINVAL;
        }
        if (c.workdir[0] != '/') {
                if (ret_error && asprintf(ret_error, "the working directory '%s' is invalid, it needs to be an absolute path", c.workdir) < 0)
                        *ret_error = NULL;
                return -EINVAL;
        }

        *ret = c;
        c = (ContainerConfig) {};
        return 0;
}

char **container_config_args(const ContainerConfig *c) {
        _cleanup_(strv_freep) char **l = strv_copy_nonnull(c->entrypoint);

        if (!l)
                return NULL;
        STRV_FOREACH(s, c->cmd)
                if (strv_extend(&l, *s) < 0)
                        return NULL;
        return TAKE_PTR(l);
}

char *args_to_string(char * const *args) {
        size_t len = 1;
        char *s, *p;

        STRV_FOREACH(a, args)
                len += strlen(*a) + 1;
        s = p = malloc(len);
        if (!s)
                return NULL;
        *p = 0;
        STRV_FOREACH(a, args) {
                if (p != s)
                        *p++ = ' ';
                p = stpcpy(p, *a);
        }
        return s;
}
