/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error-message.h"
#include "fs-util.h"
#include "macro.h"
#include "mounts.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

typedef struct Bind {
        char *source, *destination;   /* source: a host path, a volume name, "" (anonymous) */
        bool readonly;
        bool volume;                  /* a named or anonymous volume, not a host path */
        bool nocopy;                  /* a new volume gets no copy of the image's files */
        const char *propagation;      /* docker's default: rprivate */
        char *mode;                   /* as given, "" if none */
} Bind;

static void bind_done(Bind *b) {
        free(b->source);
        free(b->destination);
        free(b->mode);
}

static const char *const propagations[] = {
        "private", "rprivate", "shared", "rshared", "slave", "rslave",
};

static bool mode_is_valid(const char *mode) {
        _cleanup_(freep) char *m = strdup(mode);
        char *save = NULL;

        if (!m)
                return false;
        for (char *o = strtok_r(m, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                bool known = streq(o, "ro") || streq(o, "rw") || streq(o, "z") || streq(o, "Z") || streq(o, "nocopy");

                for (size_t i = 0; !known && i < ELEMENTSOF(propagations); i++)
                        known = streq(o, propagations[i]);
                if (!known)
                        return false;
        }
        return true;
}

/* "SRC:DST[:MODE]" with SRC a host path (a bind) or a volume name; "DST"
 * or "DST:MODE" alone is an anonymous volume. MODE is a comma list of ro,
 * rw, z, Z, nocopy and a propagation. */
static int bind_parse(const char *spec, Bind *ret, char **ret_error) {
        _cleanup_(freep) char *copy = strdup(spec);
        char *src, *dst, *mode, *save = NULL;
        Bind b = { .propagation = "rprivate" };

        if (!copy)
                return -ENOMEM;
        src = copy;
        dst = strchr(copy, ':');
        if (dst == copy)
                return error_message(ret_error, "invalid volume specification: '%s'", spec);
        if (dst)
                *dst++ = 0;
        mode = dst ? strchr(dst, ':') : NULL;
        if (mode)
                *mode++ = 0;
        if (!dst || (!mode && copy[0] == '/' && dst[0] != '/' && mode_is_valid(dst))) {
                /* "/data" or "/data:ro": an anonymous volume */
                mode = dst;
                dst = copy;
                src = (char *) "";
                b.volume = true;
        } else if (copy[0] != '/')
                b.volume = true;
        if (dst[0] != '/')
                return error_message(ret_error, "invalid volume specification: '%s': invalid mount config: "
                            "destination must be an absolute path", spec);
        if (streq(dst, "/"))
                return error_message(ret_error, "invalid volume specification: '%s': invalid mount config for type \"bind\": "
                            "invalid specification: destination can't be '/'", spec);
        if (mode) {
                _cleanup_(freep) char *m = strdup(mode);
                if (!m)
                        return -ENOMEM;
                for (char *o = strtok_r(m, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
                        bool known = false;

                        if (streq(o, "ro") || streq(o, "rw")) {
                                b.readonly = streq(o, "ro");
                                continue;
                        }
                        if (streq(o, "nocopy")) {
                                b.nocopy = true;
                                continue;
                        }
                        if (streq(o, "z") || streq(o, "Z"))
                                continue;       /* no SELinux labels */
                        for (size_t i = 0; i < ELEMENTSOF(propagations); i++)
                                if (streq(o, propagations[i])) {
                                        b.propagation = propagations[i];
                                        known = true;
                                }
                        if (!known)
                                return error_message(ret_error, "invalid mode: %s", mode);
                }
        }
        b.source = strdup(src);
        b.destination = strdup(dst);
        b.mode = strdup(strempty(mode));
        if (!b.source || !b.destination || !b.mode) {
                bind_done(&b);
                return -ENOMEM;
        }
        *ret = b;
        return 0;
}

/* "DST[:OPTIONS]" */
static int tmpfs_parse(const char *spec, char **ret_destination, char **ret_options, char **ret_error) {
        const char *colon = strchr(spec, ':');
        char *d;

        d = colon ? strndup(spec, colon - spec) : strdup(spec);
        if (!d)
                return -ENOMEM;
        if (d[0] != '/' || streq(d, "/")) {
                free(d);
                return error_message(ret_error, "invalid tmpfs mount: '%s': the destination must be an absolute path, not /", spec);
        }
        *ret_destination = d;
        if (ret_options) {
                *ret_options = strdup(colon ? colon + 1 : "");
                if (!*ret_options) {
                        free(d);
                        return -ENOMEM;
                }
        }
        return 0;
}

int mounts_check(char * const *binds, char * const *tmpfs, char **ret_error) {
        _cleanup_(strv_freep) char **seen = NULL;
        int r;

        STRV_FOREACH(s, binds) {
                _cleanup_(bind_done) Bind b = {};

                r = bind_parse(*s, &b, ret_error);
                if (r < 0)
                        return r;
                if (strv_contains(seen, b.destination))
                        return error_message(ret_error, "Duplicate mount point: %s", b.destination);
                if (strv_extend(&seen, b.destination) < 0)
                        return -ENOMEM;
        }
        STRV_FOREACH(s, tmpfs) {
                _cleanup_(freep) char *d = NULL;

                r = tmpfs_parse(*s, &d, NULL, ret_error);
                if (r < 0)
                        return r;
                if (strv_contains(seen, d))
                        return error_message(ret_error, "Duplicate mount point: %s", d);
                if (strv_extend(&seen, d) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static json_object *mount_json(const char *destination, const char *type, const char *source, char **options) {
        json_object *m = json_object_new_object(), *o = json_object_new_array();

        STRV_FOREACH(x, options)
                json_object_array_add(o, json_object_new_string(*x));
        json_object_object_add(m, "destination", json_object_new_string(destination));
        json_object_object_add(m, "type", json_object_new_string(type));
        json_object_object_add(m, "source", json_object_new_string(source));
        json_object_object_add(m, "options", o);
        return m;
}

static json_object *spec_mounts(json_object *spec) {
        json_object *a;

        if (json_object_object_get_ex(spec, "mounts", &a) && json_object_is_type(a, json_type_array))
                return a;
        a = json_object_new_array();
        json_object_object_add(spec, "mounts", a);
        return a;
}

int mounts_spec_add(json_object *spec, char * const *binds, char * const *tmpfs, char **ret_error) {
        json_object *mounts = NULL;
        int r;

        if (strv_length(binds) + strv_length(tmpfs) == 0)
                return 0;
        mounts = spec_mounts(spec);
        STRV_FOREACH(s, binds) {
                _cleanup_(bind_done) Bind b = {};
                char *options[4] = { (char *) "rbind" };
                struct stat st;

                r = bind_parse(*s, &b, ret_error);
                if (r < 0)
                        return r;
                if (b.volume)
                        continue;       /* mounts_spec_add_volumes() */
                /* docker's -v makes a missing host directory */
                if (stat(b.source, &st) < 0) {
                        r = errno == ENOENT ? mkdir_p(b.source, 0755) : -errno;
                        if (r < 0)
                                return error_message(ret_error, "error while creating mount source path '%s': %s",
                                            b.source, strerror(-r));
                }
                options[1] = (char *) b.propagation;
                options[2] = b.readonly ? (char *) "ro" : NULL;
                json_object_array_add(mounts, mount_json(b.destination, "bind", b.source, options));
        }
        STRV_FOREACH(s, tmpfs) {
                _cleanup_(freep) char *d = NULL, *opts = NULL;
                _cleanup_(strv_freep) char **options = NULL;
                char *save = NULL;

                r = tmpfs_parse(*s, &d, &opts, ret_error);
                if (r < 0)
                        return r;
                /* docker's defaults, then what was given */
                if (strv_extend(&options, "nosuid") < 0 || strv_extend(&options, "nodev") < 0 ||
                    strv_extend(&options, "noexec") < 0)
                        return -ENOMEM;
                for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
                        if (strv_extend(&options, o) < 0)
                                return -ENOMEM;
                json_object_array_add(mounts, mount_json(d, "tmpfs", "tmpfs", options));
        }
        return 0;
}

json_object *mounts_inspect_json(char * const *binds) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(s, binds) {
                _cleanup_(bind_done) Bind b = {};
                _cleanup_(freep) char *error = NULL;
                json_object *m;

                if (bind_parse(*s, &b, &error) < 0 || b.volume)
                        continue;
                m = json_object_new_object();
                json_object_object_add(m, "Type", json_object_new_string("bind"));
                json_object_object_add(m, "Source", json_object_new_string(b.source));
                json_object_object_add(m, "Destination", json_object_new_string(b.destination));
                json_object_object_add(m, "Mode", json_object_new_string(b.mode));
                json_object_object_add(m, "RW", json_object_new_boolean(!b.readonly));
                json_object_object_add(m, "Propagation", json_object_new_string(b.propagation));
                json_object_array_add(a, m);
        }
        return a;
}

int mounts_volume_requests(char * const *binds, json_object **ret) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();

        if (!a)
                return -ENOMEM;
        STRV_FOREACH(s, binds) {
                _cleanup_(bind_done) Bind b = {};
                _cleanup_(freep) char *error = NULL;
                json_object *v;
                int r;

                r = bind_parse(*s, &b, &error);
                if (r == -ENOMEM)
                        return r;
                if (r < 0 || !b.volume)
                        continue;       /* checked at create; binds go elsewhere */
                v = json_object_new_object();
                if (!v || json_object_array_add(a, v) < 0) {
                        json_object_put(v);
                        return -ENOMEM;
                }
                json_object_object_add(v, "Type", json_object_new_string("volume"));
                json_object_object_add(v, "Name", json_object_new_string(b.source));
                json_object_object_add(v, "Source", json_object_new_string(""));
                json_object_object_add(v, "Destination", json_object_new_string(b.destination));
                json_object_object_add(v, "Driver", json_object_new_string("local"));
                json_object_object_add(v, "Mode", json_object_new_string(isempty(b.mode) ? "z" : b.mode));
                json_object_object_add(v, "RW", json_object_new_boolean(!b.readonly));
                json_object_object_add(v, "Propagation", json_object_new_string(""));
                json_object_object_add(v, "Anonymous", json_object_new_boolean(isempty(b.source)));
                json_object_object_add(v, "NoCopy", json_object_new_boolean(b.nocopy));
        }
        *ret = TAKE_PTR(a);
        return 0;
}

/* Whether dst is taken by a -v entry (bind or volume) or a --tmpfs. */
static bool destination_taken(char * const *binds, char * const *tmpfs, const char *dst) {
        STRV_FOREACH(s, binds) {
                _cleanup_(bind_done) Bind b = {};
                _cleanup_(freep) char *error = NULL;

                if (bind_parse(*s, &b, &error) >= 0 && streq(b.destination, dst))
                        return true;
        }
        STRV_FOREACH(s, tmpfs) {
                _cleanup_(freep) char *d = NULL;

                if (tmpfs_parse(*s, &d, NULL, NULL) >= 0 && streq(d, dst))
                        return true;
        }
        return false;
}

int mounts_image_volumes(const char *image_config, char * const *binds, char * const *tmpfs, char ***ret) {
        _cleanup_(json_object_putp) json_object *root = json_tokener_parse(strempty(image_config));
        _cleanup_(strv_freep) char **l = NULL;
        json_object *config, *volumes;

        if (!root || !json_object_object_get_ex(root, "config", &config) ||
            !json_object_object_get_ex(config, "Volumes", &volumes) || !json_object_is_type(volumes, json_type_object)) {
                *ret = NULL;
                return 0;
        }
        json_object_object_foreach(volumes, path, v) {
                (void) v;
                /* docker skips what the user mounted there, and paths it cannot mount */
                if (path[0] != '/' || streq(path, "/") || destination_taken(binds, tmpfs, path))
                        continue;
                if (strv_extend(&l, path) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

const char *mount_point_string(json_object *v, const char *key) {
        json_object *x;

        return json_object_object_get_ex(v, key, &x) && json_object_is_type(x, json_type_string) ?
                json_object_get_string(x) : NULL;
}

bool mount_point_bool(json_object *v, const char *key) {
        json_object *x;

        return json_object_object_get_ex(v, key, &x) && json_object_get_boolean(x);
}

void mounts_spec_add_volumes(json_object *spec, json_object *mount_points) {
        size_t n = mount_points ? json_object_array_length(mount_points) : 0;
        json_object *mounts;

        if (n == 0)
                return;
        mounts = spec_mounts(spec);
        for (size_t i = 0; i < n; i++) {
                json_object *v = json_object_array_get_idx(mount_points, i);
                const char *source = mount_point_string(v, "Source"), *dst = mount_point_string(v, "Destination");
                char *options[4] = { (char *) "rbind", (char *) "rprivate" };

                if (isempty(source) || isempty(dst))
                        continue;
                options[2] = mount_point_bool(v, "RW") ? NULL : (char *) "ro";
                json_object_array_add(mounts, mount_json(dst, "bind", source, options));
        }
}

void mounts_inspect_add_volumes(json_object *mounts, json_object *mount_points) {
        size_t n = mount_points ? json_object_array_length(mount_points) : 0;

        for (size_t i = 0; i < n; i++) {
                json_object *m = NULL;

                if (json_object_deep_copy(json_object_array_get_idx(mount_points, i), &m, NULL) < 0)
                        return;
                /* wharf's own keys */
                json_object_object_del(m, "Anonymous");
                json_object_object_del(m, "NoCopy");
                json_object_array_add(mounts, m);
        }
}

static json_object *api_member(json_object *o, const char *key, const char *sub) {
        json_object *v, *w;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_object) ||
            !json_object_object_get_ex(v, sub, &w))
                return NULL;
        return w;
}

/* One HostConfig.Mounts entry as the -v or --tmpfs text it means. */
static int mount_expand_one(json_object *m, bool check_sources, char ***binds, char ***tmpfs, char **ret_error) {
        const char *type = strempty(mount_point_string(m, "Type")), *src = strempty(mount_point_string(m, "Source")),
                *dst = strempty(mount_point_string(m, "Target"));
        json_object *ro = NULL, *x;
        _cleanup_(freep) char *text = NULL;
        bool readonly;
        int r;

        (void) json_object_object_get_ex(m, "ReadOnly", &ro);
        readonly = ro && json_object_get_boolean(ro);
        if (isempty(type))
                type = "volume";
        if (isempty(dst))
                return error_message(ret_error, "invalid mount config for type \"%s\": field Target must not be empty", type);
        if (streq(type, "bind")) {
                const char *propagation = (x = api_member(m, "BindOptions", "Propagation")) ? json_object_get_string(x) : "";
                struct stat st;

                if (isempty(src))
                        return error_message(ret_error, "invalid mount config for type \"bind\": field Source must not be empty");
                if (src[0] != '/')
                        return error_message(ret_error, "invalid mount config for type \"bind\": invalid mount path: '%s' mount path must be absolute", src);
                /* unlike -v, --mount makes no missing host path */
                if (check_sources && stat(src, &st) < 0)
                        return error_message(ret_error, "invalid mount config for type \"bind\": bind source path does not exist: %s", src);
                r = asprintf(&text, "%s:%s%s%s%s%s", src, dst, readonly || !isempty(propagation) ? ":" : "",
                             readonly ? "ro" : "", readonly && !isempty(propagation) ? "," : "", strempty(propagation));
                if (r < 0)
                        return -ENOMEM;
                return strv_extend(binds, text);
        }
        if (streq(type, "volume")) {
                bool nocopy = (x = api_member(m, "VolumeOptions", "NoCopy")) && json_object_get_boolean(x);

                r = asprintf(&text, "%s%s%s%s%s%s%s", src, isempty(src) ? "" : ":", dst, readonly || nocopy ? ":" : "",
                             readonly ? "ro" : "", readonly && nocopy ? "," : "", nocopy ? "nocopy" : "");
                if (r < 0)
                        return -ENOMEM;
                return strv_extend(binds, text);
        }
        if (streq(type, "tmpfs")) {
                json_object *size = api_member(m, "TmpfsOptions", "SizeBytes"), *mode = api_member(m, "TmpfsOptions", "Mode");
                char opts[96] = "";

                if (!isempty(src))
                        return error_message(ret_error, "invalid mount config for type \"tmpfs\": field Source must not be specified");
                if (size && json_object_get_int64(size) > 0)
                        snprintf(opts + strlen(opts), sizeof opts - strlen(opts), "size=%" PRIi64,
                                 (int64_t) json_object_get_int64(size));
                if (mode && json_object_get_int64(mode) > 0)
                        snprintf(opts + strlen(opts), sizeof opts - strlen(opts), "%smode=%" PRIo64,
                                 opts[0] ? "," : "", (uint64_t) json_object_get_int64(mode));
                if (readonly)
                        snprintf(opts + strlen(opts), sizeof opts - strlen(opts), "%sro", opts[0] ? "," : "");
                r = asprintf(&text, "%s%s%s", dst, opts[0] ? ":" : "", opts);
                if (r < 0)
                        return -ENOMEM;
                return strv_extend(tmpfs, text);
        }
        return error_message(ret_error, "invalid mount config for type \"%s\": mount type unknown", type);
}

int mounts_expand(const char *mounts_json, bool check_sources, char ***binds, char ***tmpfs, char **ret_error) {
        _cleanup_(json_object_putp) json_object *a = NULL;
        int r;

        if (isempty(mounts_json))
                return 0;
        a = json_tokener_parse(mounts_json);
        if (!a || !json_object_is_type(a, json_type_array))
                return error_message(ret_error, "invalid Mounts: not a JSON array");
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *m = json_object_array_get_idx(a, i);

                if (!json_object_is_type(m, json_type_object))
                        return error_message(ret_error, "invalid Mounts: an entry is not an object");
                r = mount_expand_one(m, check_sources, binds, tmpfs, ret_error);
                if (r < 0)
                        return r;
        }
        return 0;
}
