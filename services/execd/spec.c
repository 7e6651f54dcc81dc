/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI runtime spec (config.json) -> ExecSpec, with json-c. Only what wharf
 * honours is read; unknown keys are ignored, as runc and crun do. */
#include <json-c/json.h>
#include <limits.h>
#include <stdarg.h>
#include <sys/mount.h>

#include "exec-util.h"
#include "macro.h"
#include "cap-names.h"
#include "spec.h"
#include <sys/resource.h>

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static const struct {
        const char *name;
        bool clear;
        unsigned long flag;
} mount_flags[] = {
        { "ro",          false, MS_RDONLY      }, { "rw",            true,  MS_RDONLY      },
        { "nosuid",      false, MS_NOSUID      }, { "suid",          true,  MS_NOSUID      },
        { "nodev",       false, MS_NODEV       }, { "dev",           true,  MS_NODEV       },
        { "noexec",      false, MS_NOEXEC      }, { "exec",          true,  MS_NOEXEC      },
        { "sync",        false, MS_SYNCHRONOUS }, { "async",         true,  MS_SYNCHRONOUS },
        { "dirsync",     false, MS_DIRSYNC     }, { "remount",       false, MS_REMOUNT     },
        { "noatime",     false, MS_NOATIME     }, { "atime",         true,  MS_NOATIME     },
        { "nodiratime",  false, MS_NODIRATIME  }, { "diratime",      true,  MS_NODIRATIME  },
        { "relatime",    false, MS_RELATIME    }, { "norelatime",    true,  MS_RELATIME    },
        { "strictatime", false, MS_STRICTATIME }, { "nostrictatime", true,  MS_STRICTATIME },
        { "bind",        false, MS_BIND        }, { "rbind",         false, MS_BIND | MS_REC },
        /* propagation: every container mount is private already */
        { "private",     false, 0 }, { "rprivate",   false, 0 }, { "shared",  false, 0 },
        { "rshared",     false, 0 }, { "slave",      false, 0 }, { "rslave",  false, 0 },
        { "unbindable",  false, 0 }, { "runbindable", false, 0 },
};

int mount_options_parse(char * const *options, unsigned long *ret_flags, char **ret_data) {
        _cleanup_(freep) char *data = NULL;
        unsigned long flags = 0;
        size_t n = 0;

        STRV_FOREACH(o, options) {
                bool found = false;

                for (size_t i = 0; i < ELEMENTSOF(mount_flags); i++)
                        if (streq(*o, mount_flags[i].name)) {
                                if (mount_flags[i].clear)
                                        flags &= ~mount_flags[i].flag;
                                else
                                        flags |= mount_flags[i].flag;
                                found = true;
                                break;
                        }
                if (found)
                        continue;

                size_t l = strlen(*o);
                char *d = realloc(data, n + l + 2);
                if (!d)
                        return -ENOMEM;
                data = d;
                if (n > 0)
                        data[n++] = ',';
                memcpy(data + n, *o, l + 1);
                n += l;
        }

        *ret_flags = flags;
        *ret_data = TAKE_PTR(data);
        return 0;
}

/* error reporting: the first error wins, as a one-line reason */
typedef struct Parser {
        char *error;
} Parser;

_printf_(3, 4)
static int parser_fail(Parser *p, int r, const char *fmt, ...) {
        va_list ap;

        if (!p->error) {
                va_start(ap, fmt);
                if (vasprintf(&p->error, fmt, ap) < 0)
                        p->error = NULL;
                va_end(ap);
        }
        return r;
}

static json_object *get(json_object *o, const char *key) {
        json_object *v = NULL;

        if (!o || !json_object_object_get_ex(o, key, &v))
                return NULL;
        return json_object_is_type(v, json_type_null) ? NULL : v;
}

static int get_object(Parser *p, json_object *o, const char *key, const char *where, json_object **ret) {
        json_object *v = get(o, key);

        if (v && !json_object_is_type(v, json_type_object))
                return parser_fail(p, -EINVAL, "%s%s: expected an object", where, key);
        *ret = v;
        return 0;
}

/* strings must not carry NUL bytes: they end up in argv, env and paths */
static int check_string(Parser *p, json_object *v, const char *what, const char **ret) {
        if (!json_object_is_type(v, json_type_string))
                return parser_fail(p, -EINVAL, "%s: expected a string", what);
        const char *s = json_object_get_string(v);
        if (strlen(s) != (size_t) json_object_get_string_len(v))
                return parser_fail(p, -EINVAL, "%s: embedded NUL byte", what);
        *ret = s;
        return 0;
}

static int get_string(Parser *p, json_object *o, const char *key, const char *what, char **ret) {
        json_object *v = get(o, key);
        const char *s;
        int r;

        if (!v)
                return 0;
        r = check_string(p, v, what, &s);
        if (r < 0)
                return r;
        char *c = strdup(s);
        if (!c)
                return -ENOMEM;
        free(*ret);
        *ret = c;
        return 1;
}

static int get_bool(Parser *p, json_object *o, const char *key, const char *what, bool *ret) {
        json_object *v = get(o, key);

        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_boolean))
                return parser_fail(p, -EINVAL, "%s: expected a boolean", what);
        *ret = json_object_get_boolean(v);
        return 1;
}

static int id_from_json(Parser *p, json_object *v, const char *what, uint32_t *ret) {
        if (!v || !json_object_is_type(v, json_type_int))
                return parser_fail(p, -EINVAL, "%s: expected an integer", what);
        int64_t i = json_object_get_int64(v);
        if (i < 0 || i >= UINT32_MAX)
                return parser_fail(p, -ERANGE, "%s: out of range", what);
        *ret = (uint32_t) i;
        return 0;
}

static int get_strv(Parser *p, json_object *o, const char *key, const char *what, bool *present, char ***ret) {
        json_object *v = get(o, key);
        _cleanup_(strv_freep) char **l = NULL;
        int r;

        if (present)
                *present = v;
        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_array))
                return parser_fail(p, -EINVAL, "%s: expected an array of strings", what);

        size_t n = json_object_array_length(v);
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *s;

                r = check_string(p, json_object_array_get_idx(v, i), what, &s);
                if (r < 0)
                        return r;
                l[i] = strdup(s);
                if (!l[i])
                        return -ENOMEM;
        }
        strv_free(*ret);
        *ret = TAKE_PTR(l);
        return 0;
}

static int parse_capabilities(Parser *p, json_object *caps, ExecSpec *s) {
        static const char * const set_names[_CAP_SET_MAX] = {
                [CAP_SET_BOUNDING] = "bounding",
                [CAP_SET_EFFECTIVE] = "effective",
                [CAP_SET_PERMITTED] = "permitted",
                [CAP_SET_INHERITABLE] = "inheritable",
                [CAP_SET_AMBIENT] = "ambient",
        };
        int r;

        for (CapSet c = 0; c < _CAP_SET_MAX; c++) {
                _cleanup_(strv_freep) char **l = NULL;
                char what[64];

                snprintf(what, sizeof(what), "process.capabilities.%s", set_names[c]);
                r = get_strv(p, caps, set_names[c], what, NULL, &l);
                if (r < 0)
                        return r;
                s->caps[c] = 0;
                STRV_FOREACH(n, l) {
                        int cap = cap_name_to_number(*n);
                        if (cap < 0)
                                return parser_fail(p, -EINVAL, "%s: unknown capability %s", what, *n);
                        s->caps[c] |= UINT64_C(1) << cap;
                }
        }
        return 0;
}

static const struct {
        const char *name;
        int resource;
} rlimit_table[] = {
        { "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
        { "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
        { "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
        { "RLIMIT_RSS", RLIMIT_RSS }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
        { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int rlimit_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(rlimit_table); i++)
                if (streq(name, rlimit_table[i].name))
                        return rlimit_table[i].resource;
        return -EINVAL;
}

static int get_u64(Parser *p, json_object *o, const char *key, const char *what, uint64_t *ret) {
        json_object *v = get(o, key);

        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_int))
                return parser_fail(p, -EINVAL, "%s: expected an integer", what);
        /* json-c keeps unsigned 64-bit values apart from signed ones */
        errno = 0;
        int64_t i = json_object_get_int64(v);
        if (i < 0)
                return parser_fail(p, -ERANGE, "%s: must not be negative", what);
        *ret = i == INT64_MAX ? json_object_get_uint64(v) : (uint64_t) i;
        return 1;
}

static int get_i64(Parser *p, json_object *o, const char *key, const char *what, int64_t *ret) {
        json_object *v = get(o, key);

        if (!v)
                return 0;
        if (!json_object_is_type(v, json_type_int))
                return parser_fail(p, -EINVAL, "%s: expected an integer", what);
        *ret = json_object_get_int64(v);
        return 1;
}

static int parse_rlimits(Parser *p, json_object *l, ExecSpec *s) {
        int r;

        if (!l)
                return 0;
        if (!json_object_is_type(l, json_type_array))
                return parser_fail(p, -EINVAL, "process.rlimits: expected an array");
        size_t n = json_object_array_length(l);
        s->rlimits = calloc(MAX(n, 1u), sizeof(ExecRlimit));
        if (!s->rlimits)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *o = json_object_array_get_idx(l, i);
                _cleanup_(freep) char *type = NULL;
                ExecRlimit *rl = &s->rlimits[s->n_rlimits];

                if (!json_object_is_type(o, json_type_object))
                        return parser_fail(p, -EINVAL, "process.rlimits[%zu]: expected an object", i);
                r = get_string(p, o, "type", "process.rlimits[].type", &type);
                if (r < 0)
                        return r;
                if (!type)
                        return parser_fail(p, -EINVAL, "process.rlimits[%zu]: type missing", i);
                rl->resource = rlimit_from_name(type);
                if (rl->resource < 0)
                        return parser_fail(p, -EINVAL, "process.rlimits: unknown type %s", type);
                if ((r = get_u64(p, o, "soft", "process.rlimits[].soft", &rl->soft)) < 0 ||
                    (r = get_u64(p, o, "hard", "process.rlimits[].hard", &rl->hard)) < 0)
                        return r;
                if (rl->soft > rl->hard)
                        return parser_fail(p, -EINVAL, "process.rlimits: %s soft limit above the hard limit", type);
                s->n_rlimits++;
        }
        return 0;
}

static int parse_resources(Parser *p, json_object *res, ExecSpec *s) {
        json_object *mem = NULL, *cpu = NULL, *pids = NULL;
        ExecResources *r = &s->resources;
        int k;

        if (!res)
                return 0;
        if (!json_object_is_type(res, json_type_object))
                return parser_fail(p, -EINVAL, "linux.resources: expected an object");
        if ((k = get_object(p, res, "memory", "linux.resources.", &mem)) < 0 ||
            (k = get_object(p, res, "cpu", "linux.resources.", &cpu)) < 0 ||
            (k = get_object(p, res, "pids", "linux.resources.", &pids)) < 0)
                return k;
        if ((k = get_i64(p, mem, "limit", "linux.resources.memory.limit", &r->memory_limit)) < 0 ||
            (k = get_i64(p, mem, "swap", "linux.resources.memory.swap", &r->memory_swap)) < 0 ||
            (k = get_i64(p, cpu, "quota", "linux.resources.cpu.quota", &r->cpu_quota)) < 0 ||
            (k = get_u64(p, cpu, "period", "linux.resources.cpu.period", &r->cpu_period)) < 0 ||
            (k = get_u64(p, cpu, "shares", "linux.resources.cpu.shares", &r->cpu_shares)) < 0 ||
            (k = get_string(p, cpu, "cpus", "linux.resources.cpu.cpus", &r->cpuset_cpus)) < 0 ||
            (k = get_string(p, cpu, "mems", "linux.resources.cpu.mems", &r->cpuset_mems)) < 0 ||
            (k = get_i64(p, pids, "limit", "linux.resources.pids.limit", &r->pids_limit)) < 0)
                return k;
        if (r->memory_limit < -1)
                return parser_fail(p, -EINVAL, "linux.resources.memory.limit: invalid");
        if (r->memory_limit > 0 && r->memory_limit < 6 * 1024 * 1024)
                /* docker's floor, and its message */
                return parser_fail(p, -EINVAL, "linux.resources.memory.limit: Minimum memory limit allowed is 6MB");
        if (r->memory_swap > 0 && r->memory_limit > 0 && r->memory_swap < r->memory_limit)
                return parser_fail(p, -EINVAL, "linux.resources.memory.swap: Minimum memoryswap limit should be larger than memory limit");
        if (r->memory_limit == -1)
                r->memory_limit = 0;
        if (r->cpu_period && (r->cpu_period < 1000 || r->cpu_period > 1000000))
                return parser_fail(p, -EINVAL, "linux.resources.cpu.period: must be between 1ms and 1s");
        if (r->cpu_quota > 0 && r->cpu_quota < 1000)
                return parser_fail(p, -EINVAL, "linux.resources.cpu.quota: must be at least 1ms");
        if (r->cpuset_cpus && r->cpuset_cpus[strspn(r->cpuset_cpus, "0123456789,-")])
                return parser_fail(p, -EINVAL, "linux.resources.cpu.cpus: invalid list \"%s\"", r->cpuset_cpus);
        if (r->cpuset_mems && r->cpuset_mems[strspn(r->cpuset_mems, "0123456789,-")])
                return parser_fail(p, -EINVAL, "linux.resources.cpu.mems: invalid list \"%s\"", r->cpuset_mems);
        if (r->pids_limit == 0)
                r->pids_limit = 0; /* docker: 0 means unset */
        return 0;
}

static int parse_annotations(Parser *p, json_object *a, ExecSpec *s) {
        _cleanup_(freep) char *size = NULL, *files = NULL, *keep = NULL;
        int r;

        if (!a)
                return 0;
        if (!json_object_is_type(a, json_type_object))
                return parser_fail(p, -EINVAL, "annotations: expected an object");
        if ((r = get_string(p, a, "org.wharf.log.path", "annotations.org.wharf.log.path", &s->log_path)) < 0 ||
            (r = get_string(p, a, "org.wharf.log.max-size", "annotations.org.wharf.log.max-size", &size)) < 0 ||
            (r = get_string(p, a, "org.wharf.log.max-file", "annotations.org.wharf.log.max-file", &files)) < 0 ||
            (r = get_string(p, a, "org.wharf.stdin.keep-open", "annotations.org.wharf.stdin.keep-open", &keep)) < 0 ||
            (r = get_string(p, a, "org.wharf.runtime", "annotations.org.wharf.runtime", &s->runtime)) < 0)
                return r;
        if (s->log_path && s->log_path[0] != '/')
                return parser_fail(p, -EINVAL, "annotations: org.wharf.log.path must be absolute");
        if (size) {
                r = log_size_parse(size, &s->log_max_size);
                if (r < 0)
                        return parser_fail(p, r, "annotations: org.wharf.log.max-size: invalid size \"%s\"", size);
        }
        s->log_max_file = 1;
        if (files) {
                char *end;
                errno = 0;
                unsigned long n = strtoul(files, &end, 10);
                if (errno || end == files || *end || n < 1 || n > 1000)
                        return parser_fail(p, -EINVAL, "annotations: org.wharf.log.max-file: invalid number \"%s\"", files);
                s->log_max_file = n;
        }
        s->stdin_keep_open = keep && streq(keep, "true");
        return 0;
}

static int parse_process(Parser *p, json_object *proc, ExecSpec *s) {
        json_object *user, *caps;
        int r;

        if (!proc)
                return parser_fail(p, -EINVAL, "process: missing");
        if (!json_object_is_type(proc, json_type_object))
                return parser_fail(p, -EINVAL, "process: expected an object");

        r = get_strv(p, proc, "args", "process.args", NULL, &s->args);
        if (r < 0)
                return r;
        if (strv_length(s->args) == 0 || isempty(s->args[0]))
                return parser_fail(p, -EINVAL, "process.args: must not be empty");

        r = get_strv(p, proc, "env", "process.env", NULL, &s->env);
        if (r < 0)
                return r;
        STRV_FOREACH(e, s->env)
                if (!strchr(*e, '=') || **e == '=')
                        return parser_fail(p, -EINVAL, "process.env: \"%s\" is not NAME=VALUE", *e);

        r = get_string(p, proc, "cwd", "process.cwd", &s->cwd);
        if (r < 0)
                return r;
        if (s->cwd[0] != '/')
                return parser_fail(p, -EINVAL, "process.cwd: must be an absolute path");

        r = get_bool(p, proc, "terminal", "process.terminal", &s->terminal);
        if (r < 0)
                return r;

        r = get_bool(p, proc, "noNewPrivileges", "process.noNewPrivileges", &s->no_new_privs);
        if (r < 0)
                return r;

        r = get_object(p, proc, "user", "process.", &user);
        if (r < 0)
                return r;
        if (user) {
                json_object *v, *gids;

                if ((v = get(user, "uid")) && (r = id_from_json(p, v, "process.user.uid", &s->uid)) < 0)
                        return r;
                if ((v = get(user, "gid")) && (r = id_from_json(p, v, "process.user.gid", &s->gid)) < 0)
                        return r;
                gids = get(user, "additionalGids");
                if (gids) {
                        if (!json_object_is_type(gids, json_type_array))
                                return parser_fail(p, -EINVAL, "process.user.additionalGids: expected an array");
                        size_t n = json_object_array_length(gids);
                        if (n > 65536)
                                return parser_fail(p, -E2BIG, "process.user.additionalGids: too many");
                        s->additional_gids = calloc(MAX(n, 1u), sizeof(gid_t));
                        if (!s->additional_gids)
                                return -ENOMEM;
                        for (size_t i = 0; i < n; i++) {
                                r = id_from_json(p, json_object_array_get_idx(gids, i),
                                                 "process.user.additionalGids", &s->additional_gids[i]);
                                if (r < 0)
                                        return r;
                        }
                        s->n_additional_gids = n;
                }
        }

        r = parse_rlimits(p, get(proc, "rlimits"), s);
        if (r < 0)
                return r;

        r = get_object(p, proc, "capabilities", "process.", &caps);
        if (r < 0)
                return r;
        if (caps)
                return parse_capabilities(p, caps, s);

        s->caps[CAP_SET_BOUNDING] = exec_default_caps;
        s->caps[CAP_SET_PERMITTED] = exec_default_caps;
        s->caps[CAP_SET_EFFECTIVE] = exec_default_caps;
        return 0;
}

static int parse_mounts(Parser *p, json_object *mounts, ExecSpec *s) {
        int r;

        if (!mounts)
                return 0;
        if (!json_object_is_type(mounts, json_type_array))
                return parser_fail(p, -EINVAL, "mounts: expected an array");

        size_t n = json_object_array_length(mounts);
        s->mounts = calloc(MAX(n, 1u), sizeof(ExecMount));
        if (!s->mounts)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                json_object *m = json_object_array_get_idx(mounts, i);
                ExecMount *em = &s->mounts[s->n_mounts++];
                _cleanup_(strv_freep) char **options = NULL;

                if (!json_object_is_type(m, json_type_object))
                        return parser_fail(p, -EINVAL, "mounts[%zu]: expected an object", i);
                r = get_string(p, m, "destination", "mounts[].destination", &em->destination);
                if (r < 0)
                        return r;
                if (!em->destination || em->destination[0] != '/')
                        return parser_fail(p, -EINVAL, "mounts[%zu].destination: must be an absolute path", i);
                r = get_string(p, m, "type", "mounts[].type", &em->type);
                if (r >= 0)
                        r = get_string(p, m, "source", "mounts[].source", &em->source);
                if (r >= 0)
                        r = get_strv(p, m, "options", "mounts[].options", NULL, &options);
                if (r < 0)
                        return r;
                r = mount_options_parse(options, &em->flags, &em->data);
                if (r < 0)
                        return r;
                if (em->type && streq(em->type, "bind"))
                        em->flags |= MS_BIND;
                if (!em->type && !(em->flags & MS_BIND))
                        return parser_fail(p, -EINVAL, "mounts[%zu]: type missing", i);
                if ((em->flags & MS_BIND) && (!em->source || em->source[0] != '/'))
                        return parser_fail(p, -EINVAL, "mounts[%zu].source: bind mounts need an absolute path", i);
        }
        return 0;
}

/* no "." or ".." component, so the node stays where the path says */
static bool device_path_is_normal(const char *path) {
        for (const char *c = path; *c; ) {
                size_t l = strcspn(c, "/");
                if ((l == 1 && c[0] == '.') || (l == 2 && c[0] == '.' && c[1] == '.'))
                        return false;
                c += l;
                c += strspn(c, "/");
        }
        return true;
}

static int parse_devices(Parser *p, json_object *devices, ExecSpec *s) {
        int r;

        if (!devices)
                return 0;
        if (!json_object_is_type(devices, json_type_array))
                return parser_fail(p, -EINVAL, "linux.devices: expected an array");

        size_t n = json_object_array_length(devices);
        if (n > 65536)
                return parser_fail(p, -E2BIG, "linux.devices: too many");
        s->devices = calloc(MAX(n, 1u), sizeof(ExecDevice));
        if (!s->devices)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                json_object *d = json_object_array_get_idx(devices, i), *v;
                ExecDevice *ed = &s->devices[s->n_devices++];
                _cleanup_(freep) char *type = NULL;
                uint64_t u;

                if (!json_object_is_type(d, json_type_object))
                        return parser_fail(p, -EINVAL, "linux.devices[%zu]: expected an object", i);
                r = get_string(p, d, "path", "linux.devices[].path", &ed->path);
                if (r >= 0)
                        r = get_string(p, d, "type", "linux.devices[].type", &type);
                if (r < 0)
                        return r;
                if (!ed->path || ed->path[0] != '/' || !ed->path[1] || !device_path_is_normal(ed->path))
                        return parser_fail(p, -EINVAL, "linux.devices[%zu].path: must be a normal absolute path", i);
                if (!type || strlen(type) != 1 || !strchr("cbup", type[0]))
                        return parser_fail(p, -EINVAL, "linux.devices[%zu].type: must be c, b, u or p", i);
                ed->type = type[0];
                for (int k = 0; k < 2; k++) {
                        const char *key = k == 0 ? "major" : "minor";
                        r = get_u64(p, d, key, k == 0 ? "linux.devices[].major" : "linux.devices[].minor", &u);
                        if (r < 0)
                                return r;
                        if (r == 0 && ed->type != 'p')
                                return parser_fail(p, -EINVAL, "linux.devices[%zu].%s: missing", i, key);
                        if (u > UINT32_MAX)
                                return parser_fail(p, -ERANGE, "linux.devices[%zu].%s: out of range", i, key);
                        *(k == 0 ? &ed->major : &ed->minor) = r > 0 ? (uint32_t) u : 0;
                }
                ed->mode = 0666;
                r = get_u64(p, d, "fileMode", "linux.devices[].fileMode", &u);
                if (r < 0)
                        return r;
                if (r > 0) {
                        if (u > 07777)
                                return parser_fail(p, -ERANGE, "linux.devices[%zu].fileMode: out of range", i);
                        ed->mode = (uint32_t) u;
                }
                if ((v = get(d, "uid")) && (r = id_from_json(p, v, "linux.devices[].uid", &ed->uid)) < 0)
                        return r;
                if ((v = get(d, "gid")) && (r = id_from_json(p, v, "linux.devices[].gid", &ed->gid)) < 0)
                        return r;
        }
        return 0;
}

static const char * const default_masked_paths[] = {
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/devices/virtual/powercap", NULL
};

static const char * const default_readonly_paths[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL
};

static int parse_linux(Parser *p, json_object *linux_, ExecSpec *s) {
        json_object *nss;
        bool present;
        int r;

        nss = get(linux_, "namespaces");
        if (nss) {
                if (!json_object_is_type(nss, json_type_array))
                        return parser_fail(p, -EINVAL, "linux.namespaces: expected an array");
                for (size_t i = 0; i < json_object_array_length(nss); i++) {
                        json_object *ns = json_object_array_get_idx(nss, i);
                        _cleanup_(freep) char *type = NULL, *path = NULL;

                        if (!json_object_is_type(ns, json_type_object))
                                return parser_fail(p, -EINVAL, "linux.namespaces[%zu]: expected an object", i);
                        r = get_string(p, ns, "type", "linux.namespaces[].type", &type);
                        if (r >= 0)
                                r = get_string(p, ns, "path", "linux.namespaces[].path", &path);
                        if (r < 0)
                                return r;
                        if (!type)
                                return parser_fail(p, -EINVAL, "linux.namespaces[%zu]: type missing", i);
                        NamespaceType t = namespace_type_from_string(type);
                        if (t < 0)
                                return parser_fail(p, -EOPNOTSUPP, "linux.namespaces: type \"%s\" not supported", type);
                        if (s->ns[t])
                                return parser_fail(p, -EINVAL, "linux.namespaces: \"%s\" listed twice", type);
                        if (path && path[0] != '/')
                                return parser_fail(p, -EINVAL, "linux.namespaces: %s path must be absolute", type);
                        s->ns[t] = true;
                        s->ns_path[t] = TAKE_PTR(path);
                }
        }

        r = parse_resources(p, get(linux_, "resources"), s);
        if (r < 0)
                return r;
        r = parse_devices(p, get(linux_, "devices"), s);
        if (r < 0)
                return r;
        r = get_string(p, linux_, "cgroupsPath", "linux.cgroupsPath", &s->cgroups_path);
        if (r < 0)
                return r;
        if (s->cgroups_path && (strstr(s->cgroups_path, "..") || strchr(s->cgroups_path, ':')))
                return parser_fail(p, -EINVAL, "linux.cgroupsPath: \"%s\" not supported", s->cgroups_path);
        json_object *sc = get(linux_, "seccomp");
        if (sc) {
                if (!json_object_is_type(sc, json_type_object))
                        return parser_fail(p, -EINVAL, "linux.seccomp: expected an object");
                s->seccomp_json = strdup(json_object_to_json_string_ext(sc, JSON_C_TO_STRING_PLAIN));
                if (!s->seccomp_json)
                        return -ENOMEM;
        }

        /* absent lists mean docker's defaults; an empty list means none */
        r = get_strv(p, linux_, "maskedPaths", "linux.maskedPaths", &present, &s->masked_paths);
        if (r < 0)
                return r;
        if (!present && !(s->masked_paths = strv_copy((char **) default_masked_paths)))
                return -ENOMEM;
        r = get_strv(p, linux_, "readonlyPaths", "linux.readonlyPaths", &present, &s->readonly_paths);
        if (r < 0)
                return r;
        if (!present && !(s->readonly_paths = strv_copy((char **) default_readonly_paths)))
                return -ENOMEM;
        return 0;
}

int exec_spec_parse(const char *json, ExecSpec *ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *root = NULL;
        json_object *root_obj, *linux_;
        ExecSpec s = {};
        Parser p = {};
        enum json_tokener_error jerr;
        int r;

        root = json_tokener_parse_verbose(json, &jerr);
        if (!root) {
                r = parser_fail(&p, -EINVAL, "not valid JSON: %s", json_tokener_error_desc(jerr));
                goto fail;
        }
        if (!json_object_is_type(root, json_type_object)) {
                r = parser_fail(&p, -EINVAL, "expected a JSON object");
                goto fail;
        }

        s.cwd = strdup("/");
        if (!s.cwd) {
                r = -ENOMEM;
                goto fail;
        }

        r = get_string(&p, root, "ociVersion", "ociVersion", &s.oci_version);
        if (r >= 0)
                r = parse_process(&p, get(root, "process"), &s);
        if (r >= 0)
                r = get_object(&p, root, "root", "", &root_obj);
        if (r >= 0) {
                r = get_string(&p, root_obj, "path", "root.path", &s.root_path);
                if (r >= 0 && !s.root_path)
                        r = parser_fail(&p, -EINVAL, "root.path: missing");
        }
        if (r >= 0)
                r = get_bool(&p, root_obj, "readonly", "root.readonly", &s.root_readonly);
        if (r >= 0)
                r = get_string(&p, root, "hostname", "hostname", &s.hostname);
        if (r >= 0)
                r = parse_mounts(&p, get(root, "mounts"), &s);
        if (r >= 0)
                r = parse_annotations(&p, get(root, "annotations"), &s);
        if (r >= 0)
                r = get_object(&p, root, "linux", "", &linux_);
        if (r >= 0)
                r = parse_linux(&p, linux_, &s);
        if (r >= 0 && s.hostname && (!s.ns[NAMESPACE_UTS] || s.ns_path[NAMESPACE_UTS]))
                r = parser_fail(&p, -EINVAL, "hostname: needs a new uts namespace");
        if (r < 0)
                goto fail;

        *ret = s;
        if (ret_error)
                *ret_error = NULL;
        return 0;

fail:
        exec_spec_done(&s);
        if (r == -ENOMEM && !p.error)
                p.error = strdup("out of memory");
        if (ret_error)
                *ret_error = p.error;
        else
                free(p.error);
        return r;
}

int exec_process_parse(const char *json, ExecSpec *ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *root = NULL;
        enum json_tokener_error jerr;
        ExecSpec s = {};
        Parser p = {};
        int r;

        root = json_tokener_parse_verbose(json, &jerr);
        if (!root)
                r = parser_fail(&p, -EINVAL, "not valid JSON: %s", json_tokener_error_desc(jerr));
        else if (!(s.cwd = strdup("/")))
                r = -ENOMEM;
        else
                r = parse_process(&p, root, &s);
        if (r < 0) {
                exec_spec_done(&s);
                if (r == -ENOMEM && !p.error)
                        p.error = strdup("out of memory");
                if (ret_error)
                        *ret_error = p.error;
                else
                        free(p.error);
                return r;
        }
        *ret = s;
        if (ret_error)
                *ret_error = NULL;
        return 0;
}
