/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth-config.h"
#include "base64.h"
#include "fs-util.h"
#include "macro.h"
#include "registry-server.h"

#define AUTH_CONFIG_MAX (4U * 1024U * 1024U)

static void erase_free(char *s) {
        if (s) {
                explicit_bzero(s, strlen(s));
                free(s);
        }
}

char *auth_config_path(void) {
        const char *d = getenv("DOCKER_CONFIG"), *home;
        char *p;

        if (!isempty(d)) {
                if (asprintf(&p, "%s/config.json", d) < 0)
                        return NULL;
                return p;
        }
        home = getenv("HOME");
        if (isempty(home))
                home = "/root";
        if (asprintf(&p, "%s/.docker/config.json", home) < 0)
                return NULL;
        return p;
}

int auth_config_parse(const char *text, json_object **ret) {
        json_object *o;
        enum json_tokener_error err;

        if (isempty(text)) {
                o = json_object_new_object();
                if (!o)
                        return -ENOMEM;
                *ret = o;
                return 0;
        }
        o = json_tokener_parse_verbose(text, &err);
        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return -EBADMSG;
        }
        *ret = o;
        return 0;
}

int auth_config_load(const char *path, json_object **ret) {
        _cleanup_(freep) char *text = NULL;
        int r;

        r = read_full_file(path, &text, NULL, AUTH_CONFIG_MAX);
        if (r < 0 && r != -ENOENT)
                return r;
        r = auth_config_parse(text, ret);
        if (text)
                explicit_bzero(text, strlen(text));
        return r;
}

int auth_config_save(const char *path, json_object *cfg) {
        _cleanup_(freep) char *dir = strdup(path), *tmp = NULL;
        _cleanup_(closep) int fd = -EBADF;
        const char *text;
        char *slash;
        size_t n;
        int r;

        if (!dir)
                return -ENOMEM;
        slash = strrchr(dir, '/');
        if (slash && slash != dir) {
                *slash = 0;
                if (mkdir(dir, 0700) < 0 && errno != EEXIST)
                        return -errno;
        }
        if (asprintf(&tmp, "%s.tmp-XXXXXX", path) < 0)
                return -ENOMEM;
        fd = mkostemp(tmp, O_CLOEXEC);
        if (fd < 0)
                return -errno;
        /* mkostemp makes it 0600 already; say so for whoever reads this */
        if (fchmod(fd, 0600) < 0)
                goto fail_errno;
        text = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_PRETTY_TAB |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!text) {
                r = -ENOMEM;
                goto fail;
        }
        n = strlen(text);
        for (size_t done = 0; done < n; ) {
                ssize_t k = write(fd, text + done, n - done);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        goto fail_errno;
                }
                done += (size_t) k;
        }
        if (write(fd, "\n", 1) != 1 || fsync(fd) < 0)
                goto fail_errno;
        if (rename(tmp, path) < 0)
                goto fail_errno;
        return 0;

fail_errno:
        r = -errno;
fail:
        (void) unlink(tmp);
        return r;
}

static int key_names_registry(const char *key, const char *registry) {
        _cleanup_(freep) char *n = NULL;
        int r = registry_server_normalize(key, &n);
        if (r < 0)
                return r;
        return streq(n, registry);
}

int auth_config_get(json_object *cfg, const char *registry, char **ret_user, char **ret_password) {
        json_object *auths, *best = NULL;
        const char *b64;
        char *up = NULL, *colon;
        size_t size;
        int r;

        if (!json_object_object_get_ex(cfg, "auths", &auths) || !json_object_is_type(auths, json_type_object))
                return -ENOENT;
        json_object_object_foreach(auths, key, val) {
                r = key_names_registry(key, registry);
                if (r < 0)
                        return r;
                if (!r)
                        continue;
                /* the exact key docker writes wins over other spellings */
                if (!best || streq(key, registry_server_config_key(registry)))
                        best = val;
        }
        if (!best)
                return -ENOENT;
        if (!json_object_is_type(best, json_type_object))
                return -EBADMSG;

        json_object *a;
        if (json_object_object_get_ex(best, "auth", &a) && json_object_is_type(a, json_type_string) &&
            !isempty(b64 = json_object_get_string(a))) {
                r = base64_decode(b64, &up, &size);
                if (r < 0)
                        return -EBADMSG;
                colon = strchr(up, ':');
                if (!colon || strlen(up) != size) {
                        erase_free(up);
                        return -EBADMSG;
                }
                *colon = 0;
                *ret_user = strdup(up);
                *ret_password = strdup(colon + 1);
                erase_free(up);
        } else {
                /* older files: separate fields */
                json_object *u, *p;
                if (!json_object_object_get_ex(best, "username", &u) ||
                    !json_object_object_get_ex(best, "password", &p))
                        return -ENOENT;
                *ret_user = strdup(json_object_get_string(u));
                *ret_password = strdup(json_object_get_string(p));
        }
        if (!*ret_user || !*ret_password) {
                free(*ret_user);
                erase_free(*ret_password);
                return -ENOMEM;
        }
        return 0;
}

int auth_config_remove(json_object *cfg, const char *registry) {
        json_object *auths;
        bool found = false;
        int r;

        if (!json_object_object_get_ex(cfg, "auths", &auths) || !json_object_is_type(auths, json_type_object))
                return -ENOENT;
        for (;;) {
                char *victim = NULL;
                json_object_object_foreach(auths, key, val) {
                        (void) val;
                        r = key_names_registry(key, registry);
                        if (r < 0)
                                return r;
                        if (r) {
                                victim = key;
                                break;
                        }
                }
                if (!victim)
                        break;
                json_object_object_del(auths, victim);
                found = true;
        }
        return found ? 0 : -ENOENT;
}

int auth_config_set(json_object *cfg, const char *registry, const char *user, const char *password) {
        _cleanup_(freep) char *b64 = NULL;
        json_object *auths, *entry;
        char *up;
        int r;

        r = auth_config_remove(cfg, registry);
        if (r < 0 && r != -ENOENT)
                return r;
        if (!json_object_object_get_ex(cfg, "auths", &auths) || !json_object_is_type(auths, json_type_object)) {
                auths = json_object_new_object();
                if (!auths)
                        return -ENOMEM;
                if (json_object_object_add(cfg, "auths", auths) < 0) {
                        json_object_put(auths);
                        return -ENOMEM;
                }
        }
        if (asprintf(&up, "%s:%s", user, password) < 0)
                return -ENOMEM;
        b64 = base64_encode(up, strlen(up));
        erase_free(up);
        if (!b64)
                return -ENOMEM;
        entry = json_object_new_object();
        if (!entry)
                return -ENOMEM;
        if (json_object_object_add(entry, "auth", json_object_new_string(b64)) < 0 ||
            json_object_object_add(auths, registry_server_config_key(registry), entry) < 0) {
                json_object_put(entry);
                return -ENOMEM;
        }
        explicit_bzero(b64, strlen(b64));
        return 0;
}

char *auth_config_registry_auth(const char *registry, const char *user, const char *password) {
        json_object *o = json_object_new_object();
        const char *text;
        char *r = NULL;

        if (!o)
                return NULL;
        if (json_object_object_add(o, "username", json_object_new_string(user)) >= 0 &&
            json_object_object_add(o, "password", json_object_new_string(password)) >= 0 &&
            json_object_object_add(o, "serveraddress", json_object_new_string(registry)) >= 0 &&
            (text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN))) {
                r = base64url_encode(text, strlen(text));
                explicit_bzero((char *) text, strlen(text));
        }
        json_object_put(o);
        return r;
}
