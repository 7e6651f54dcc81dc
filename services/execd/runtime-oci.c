/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* External OCI runtimes: name -> binary, and the config.json they run. */
#include <ctype.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <unistd.h>

#include "cap-names.h"
#include "exec-util.h"
#include "macro.h"
#include "runtime-oci.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

int oci_runtime_resolve(const char *name, char **ret_path) {
        char var[64], buf[4096];
        const char *env;
        size_t n;
        int r;

        *ret_path = NULL;
        if (!name || !*name || streq(name, OCI_RUNTIME_DEFAULT))
                return 0;

        n = strlen(name);
        if (n > 32)
                return -EINVAL;
        snprintf(var, sizeof(var), "WHARF_RUNTIME_");
        for (size_t i = 0; i < n; i++) {
                if (!isalnum((unsigned char) name[i]) && name[i] != '-' && name[i] != '_')
                        return -EINVAL;
                var[14 + i] = name[i] == '-' ? '_' : toupper((unsigned char) name[i]);
        }
        var[14 + n] = 0;

        /* configured by the administrator: WHARF_RUNTIME_CRUN=/usr/bin/crun */
        env = getenv(var);
        if (env && *env) {
                if (env[0] != '/')
                        return -EINVAL;
                if (access(env, X_OK) < 0)
                        return -ENOENT;
                *ret_path = strdup(env);
                return *ret_path ? 0 : -ENOMEM;
        }
        if (!streq(name, "runc"))
                return -EINVAL;
        r = exec_path_lookup("runc", getenv("PATH") ?: EXEC_DEFAULT_PATH, buf, sizeof(buf));
        if (r < 0)
                return r;
        *ret_path = strdup(buf);
        return *ret_path ? 0 : -ENOMEM;
}

static json_object *strv_to_json(char * const *l) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(i, l)
                json_object_array_add(a, json_object_new_string(*i));
        return a;
}

static json_object *caps_to_json(uint64_t caps) {
        json_object *a = json_object_new_array();

        for (int c = 0; c < 64; c++)
                if ((caps & (UINT64_C(1) << c)) && cap_number_to_name(c))
                        json_object_array_add(a, json_object_new_string(cap_number_to_name(c)));
        return a;
}

static json_object *mount_new(const char *destination, const char *type, const char *source, const char *options) {
        json_object *m = json_object_new_object(), *o = json_object_new_array();
        _cleanup_(freep) char *copy = strdup(options);
        char *save = NULL;

        json_object_object_add(m, "destination", json_object_new_string(destination));
        json_object_object_add(m, "type", json_object_new_string(type));
        json_object_object_add(m, "source", json_object_new_string(source));
        for (char *w = copy ? strtok_r(copy, ",", &save) : NULL; w; w = strtok_r(NULL, ",", &save))
                json_object_array_add(o, json_object_new_string(w));
        json_object_object_add(m, "options", o);
        return m;
}

static bool has_destination(json_object *mounts, const char *destination) {
        size_t n = mounts ? json_object_array_length(mounts) : 0;

        for (size_t i = 0; i < n; i++) {
                json_object *d;
                if (json_object_object_get_ex(json_object_array_get_idx(mounts, i), "destination", &d) &&
                    json_object_is_type(d, json_type_string) && streq(json_object_get_string(d), destination))
                        return true;
        }
        return false;
}

/* docker's default mounts (oci.DefaultSpec), in its order */
static const struct {
        const char *destination, *type, *source, *options;
} default_mounts[] = {
        { "/proc",       "proc",   "proc",   "nosuid,noexec,nodev" },
        { "/dev",        "tmpfs",  "tmpfs",  "nosuid,strictatime,mode=755,size=65536k" },
        { "/dev/pts",    "devpts", "devpts", "nosuid,noexec,newinstance,ptmxmode=0666,mode=0620,gid=5" },
        { "/sys",        "sysfs",  "sysfs",  "nosuid,noexec,nodev,ro" },
        { "/dev/mqueue", "mqueue", "mqueue", "nosuid,noexec,nodev" },
        { "/dev/shm",    "tmpfs",  "shm",    "nosuid,noexec,nodev,mode=1777,size=65536k" },
};

int oci_spec_complete(const char *json, const ExecSpec *spec, const char *cgroups_path, char **ret) {
        _cleanup_(json_object_putp) json_object *root = json_tokener_parse(json);
        json_object *mounts = NULL, *all, *process, *linux_, *caps, *v;
        const char *text;

        if (!root || !json_object_is_type(root, json_type_object))
                return -EINVAL;

        /* the defaults first: later spec mounts (e.g. /sys/fs/cgroup) land on them */
        (void) json_object_object_get_ex(root, "mounts", &mounts);
        if (mounts && !json_object_is_type(mounts, json_type_array))
                return -EINVAL;
        all = json_object_new_array();
        if (!all)
                return -ENOMEM;
        for (size_t i = 0; i < ELEMENTSOF(default_mounts); i++)
                if (!has_destination(mounts, default_mounts[i].destination))
                        json_object_array_add(all, mount_new(default_mounts[i].destination, default_mounts[i].type,
                                                             default_mounts[i].source, default_mounts[i].options));
        for (size_t i = 0, n = mounts ? json_object_array_length(mounts) : 0; i < n; i++)
                json_object_array_add(all, json_object_get(json_object_array_get_idx(mounts, i)));
        json_object_object_add(root, "mounts", all);

        if (!json_object_object_get_ex(root, "process", &process) || !json_object_is_type(process, json_type_object))
                return -EINVAL;
        if (!json_object_object_get_ex(process, "capabilities", &v)) {
                static const char * const sets[_CAP_SET_MAX] = {
                        [CAP_SET_BOUNDING] = "bounding", [CAP_SET_EFFECTIVE] = "effective",
                        [CAP_SET_PERMITTED] = "permitted", [CAP_SET_INHERITABLE] = "inheritable",
                        [CAP_SET_AMBIENT] = "ambient",
                };
                caps = json_object_new_object();
                for (CapSet c = 0; c < _CAP_SET_MAX; c++)
                        json_object_object_add(caps, sets[c], caps_to_json(spec->caps[c]));
                json_object_object_add(process, "capabilities", caps);
        }

        if (!json_object_object_get_ex(root, "linux", &linux_) || !json_object_is_type(linux_, json_type_object))
                return -EINVAL;
        if (!json_object_object_get_ex(linux_, "maskedPaths", &v))
                json_object_object_add(linux_, "maskedPaths", strv_to_json(spec->masked_paths));
        if (!json_object_object_get_ex(linux_, "readonlyPaths", &v))
                json_object_object_add(linux_, "readonlyPaths", strv_to_json(spec->readonly_paths));
        if (cgroups_path && !json_object_object_get_ex(linux_, "cgroupsPath", &v))
                json_object_object_add(linux_, "cgroupsPath", json_object_new_string(cgroups_path));

        text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!text)
                return -ENOMEM;
        *ret = strdup(text);
        return *ret ? 0 : -ENOMEM;
}

bool oci_runtime_is_state_root(const char *name) {
        _cleanup_(freep) char *path = NULL;
        const char *base;

        if (oci_runtime_resolve(name, &path) < 0 || !path)
                return false;
        base = strrchr(path, '/');
        return streq(base ? base + 1 : path, name);
}
