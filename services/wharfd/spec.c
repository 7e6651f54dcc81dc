/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>

#include "id.h"
#include "macro.h"
#include "spec-host.h"
#include "spec.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

char **spec_environment(const ContainerConfig *c, const char *hostname, const char *home) {
        _cleanup_(strv_freep) char **base = NULL, **env = NULL;
        _cleanup_(freep) char *h = NULL;

        if (asprintf(&h, "HOSTNAME=%s", hostname) < 0)
                return NULL;
        if (strv_extend(&base, DEFAULT_PATH_ENV) < 0 || strv_extend(&base, h) < 0)
                return NULL;
        env = env_merge(base, c->env);
        if (!env)
                return NULL;
        if (!env_get(env, "HOME")) {
                free(h);
                if (asprintf(&h, "HOME=%s", isempty(home) ? "/" : home) < 0) {
                        h = NULL;
                        return NULL;
                }
                if (strv_extend(&env, h) < 0)
                        return NULL;
        }
        return TAKE_PTR(env);
}

static json_object *strv_to_json(char * const *l) {
        json_object *a = json_object_new_array();

        if (!a)
                return NULL;
        STRV_FOREACH(s, l)
                if (json_object_array_add(a, json_object_new_string(*s)) < 0) {
                        json_object_put(a);
                        return NULL;
                }
        return a;
}

static json_object *namespace_new(const char *type, const char *path) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "type", json_object_new_string(type));
        if (path)
                json_object_object_add(o, "path", json_object_new_string(path));
        return o;
}

int spec_build(const SpecInput *in, char **ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *spec = NULL;
        _cleanup_(strv_freep) char **args = NULL, **env = NULL, **caps = NULL;
        json_object *process, *user, *root, *linux_, *ns, *gids, *mounts, *cg, *opts;
        int r;
        char hostname[13];
        const char *s;

        if (!in->config || !in->rootfs || !in->user || !in->id)
                return -EINVAL;

        if (!isempty(in->config->hostname))
                s = in->config->hostname;
        else {
                snprintf(hostname, sizeof hostname, "%.12s", in->id);
                s = hostname;
        }

        args = container_config_args(in->config);
        if (!args)
                return -ENOMEM;
        if (!args[0])
                return -EINVAL;
        env = spec_environment(in->config, s, in->user->home);
        if (!env)
                return -ENOMEM;

        spec = json_object_new_object();
        if (!spec)
                return -ENOMEM;
        json_object_object_add(spec, "ociVersion", json_object_new_string("1.0.2"));

        process = json_object_new_object();
        json_object_object_add(spec, "process", process);
        /* with a terminal, execd's monitor allocates the pty */
        json_object_object_add(process, "terminal", json_object_new_boolean(in->config->tty));
        user = json_object_new_object();
        json_object_object_add(process, "user", user);
        json_object_object_add(user, "uid", json_object_new_int64(in->user->uid));
        json_object_object_add(user, "gid", json_object_new_int64(in->user->gid));
        if (in->user->n_gids > 0) {
                gids = json_object_new_array();
                for (size_t i = 0; i < in->user->n_gids; i++)
                        json_object_array_add(gids, json_object_new_int64(in->user->gids[i]));
                json_object_object_add(user, "additionalGids", gids);
        }
        json_object_object_add(process, "args", strv_to_json(args));
        json_object_object_add(process, "env", strv_to_json(env));
        json_object_object_add(process, "cwd", json_object_new_string(in->config->workdir ?: "/"));
        caps = spec_capabilities(NULL, 0);
        if (!caps)
                return -ENOMEM;
        json_object_object_add(process, "capabilities", spec_capabilities_json(caps, in->user->uid));

        root = json_object_new_object();
        json_object_object_add(spec, "root", root);
        json_object_object_add(root, "path", json_object_new_string(in->rootfs));
        json_object_object_add(root, "readonly", json_object_new_boolean(false));

        json_object_object_add(spec, "hostname", json_object_new_string(s));

        linux_ = json_object_new_object();
        json_object_object_add(spec, "linux", linux_);
        ns = json_object_new_array();
        json_object_object_add(linux_, "namespaces", ns);
        json_object_array_add(ns, namespace_new("pid", NULL));
        json_object_array_add(ns, namespace_new("mount", NULL));
        json_object_array_add(ns, namespace_new("ipc", NULL));
        json_object_array_add(ns, namespace_new("uts", NULL));
        json_object_array_add(ns, namespace_new("network", in->netns));
        /* the container sees its own cgroup as the root (docker's private cgroupns) */
        json_object_array_add(ns, namespace_new("cgroup", NULL));

        /* docker's read-only /sys/fs/cgroup: the limits can be read inside */
        mounts = json_object_new_array();
        json_object_object_add(spec, "mounts", mounts);
        cg = json_object_new_object();
        json_object_object_add(cg, "destination", json_object_new_string("/sys/fs/cgroup"));
        json_object_object_add(cg, "type", json_object_new_string("cgroup"));
        json_object_object_add(cg, "source", json_object_new_string("cgroup"));
        opts = json_object_new_array();
        json_object_array_add(opts, json_object_new_string("ro"));
        json_object_array_add(opts, json_object_new_string("nosuid"));
        json_object_array_add(opts, json_object_new_string("noexec"));
        json_object_array_add(opts, json_object_new_string("nodev"));
        json_object_object_add(cg, "options", opts);
        json_object_array_add(mounts, cg);

        if (in->host) {
                r = spec_apply_host_config(spec, &(SpecHostInput) {
                                .host = in->host,
                                .uid = in->user->uid,
                                .host_caps = in->host_caps,
                                .log_path = in->log_path,
                                .init_path = in->init_path,
                                .volumes = in->volumes,
                        }, ret_error);
                if (r < 0)
                        return r;
        }

        s = json_object_to_json_string_ext(spec, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s)
                return -ENOMEM;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}
