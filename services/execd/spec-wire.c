/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* ExecSpec basics shared by execd and wharf-monitor, and its flat wire form:
 * a sequence of "<tag><value>\0" records that execd writes into a memfd and
 * the monitor reads back. Plain libc, so the monitor needs no JSON parser. */
#include <inttypes.h>
#include <sched.h>
#include <stdarg.h>

#include "macro.h"
#include "spec.h"

#define CAP(c) (UINT64_C(1) << (c))
const uint64_t exec_default_caps =
        CAP(0)  /* CHOWN */ | CAP(1) /* DAC_OVERRIDE */ | CAP(3) /* FOWNER */ |
        CAP(4)  /* FSETID */ | CAP(5) /* KILL */ | CAP(6) /* SETGID */ | CAP(7) /* SETUID */ |
        CAP(8)  /* SETPCAP */ | CAP(10) /* NET_BIND_SERVICE */ | CAP(13) /* NET_RAW */ |
        CAP(18) /* SYS_CHROOT */ | CAP(27) /* MKNOD */ | CAP(29) /* AUDIT_WRITE */ |
        CAP(31) /* SETFCAP */;

static const struct {
        const char *name;
        int flag;
} namespace_table[_NAMESPACE_TYPE_MAX] = {
        [NAMESPACE_PID]     = { "pid",     CLONE_NEWPID    },
        [NAMESPACE_MOUNT]   = { "mount",   CLONE_NEWNS     },
        [NAMESPACE_IPC]     = { "ipc",     CLONE_NEWIPC    },
        [NAMESPACE_UTS]     = { "uts",     CLONE_NEWUTS    },
        [NAMESPACE_NETWORK] = { "network", CLONE_NEWNET    },
        [NAMESPACE_CGROUP]  = { "cgroup",  CLONE_NEWCGROUP },
};

const char *namespace_type_to_string(NamespaceType t) {
        return t >= 0 && t < _NAMESPACE_TYPE_MAX ? namespace_table[t].name : NULL;
}

NamespaceType namespace_type_from_string(const char *s) {
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++)
                if (streq(s, namespace_table[t].name))
                        return t;
        return _NAMESPACE_TYPE_INVALID;
}

int namespace_type_to_clone_flag(NamespaceType t) {
        return t >= 0 && t < _NAMESPACE_TYPE_MAX ? namespace_table[t].flag : 0;
}

void exec_spec_done(ExecSpec *s) {
        free(s->oci_version);
        strv_free(s->args);
        strv_free(s->env);
        free(s->cwd);
        free(s->additional_gids);
        free(s->root_path);
        free(s->hostname);
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++)
                free(s->ns_path[t]);
        for (size_t i = 0; i < s->n_mounts; i++) {
                free(s->mounts[i].destination);
                free(s->mounts[i].type);
                free(s->mounts[i].source);
                free(s->mounts[i].data);
        }
        free(s->mounts);
        for (size_t i = 0; i < s->n_devices; i++)
                free(s->devices[i].path);
        free(s->devices);
        strv_free(s->masked_paths);
        strv_free(s->readonly_paths);
        free(s->rlimits);
        free(s->resources.cpuset_cpus);
        free(s->resources.cpuset_mems);
        free(s->cgroups_path);
        free(s->seccomp_bpf);
        free(s->seccomp_json);
        free(s->log_path);
        free(s->runtime);
        free(s->runtime_path);
        *s = (ExecSpec) {};
}

/* record tags */
enum {
        TAG_ARG = 'a', TAG_ENV = 'e', TAG_CWD = 'c', TAG_UID = 'u', TAG_GID = 'g',
        TAG_GROUP = 'G', TAG_NNP = 'S', TAG_CAPS = 'C', TAG_ROOT = 'r', TAG_READONLY = 'R',
        TAG_HOSTNAME = 'h', TAG_NS = 'n', TAG_MOUNT = 'm', TAG_MOUNT_TYPE = 't',
        TAG_MOUNT_SOURCE = 's', TAG_MOUNT_FLAGS = 'f', TAG_MOUNT_DATA = 'o',
        TAG_MASKED = 'k', TAG_READONLY_PATH = 'K', TAG_TERMINAL = 'T', TAG_RLIMIT = 'l',
        TAG_RESOURCE = 'x', TAG_CGROUPS_PATH = 'P', TAG_SECCOMP = 'X', TAG_LOG_PATH = 'L',
        TAG_LOG_SIZE = 'z', TAG_LOG_FILES = 'Z', TAG_KEEP_STDIN = 'I',
        TAG_RUNTIME_PATH = 'E', TAG_DEVICE = 'D',
};

/* linux.resources as "name=value" records */
enum {
        RES_MEMORY, RES_SWAP, RES_QUOTA, RES_PERIOD, RES_SHARES, RES_PIDS, RES_CPUS, RES_MEMS,
};
static const char * const resource_names[] = {
        [RES_MEMORY] = "memory", [RES_SWAP] = "swap", [RES_QUOTA] = "quota", [RES_PERIOD] = "period",
        [RES_SHARES] = "shares", [RES_PIDS] = "pids", [RES_CPUS] = "cpus", [RES_MEMS] = "mems",
};

typedef struct Buffer {
        char *data;
        size_t size, alloc;
        int error;
} Buffer;

_printf_(3, 4)
static void put(Buffer *b, char tag, const char *fmt, ...) {
        va_list ap;
        int n;

        if (b->error < 0)
                return;
        for (;;) {
                size_t avail = b->alloc - b->size;
                if (avail > 1) {
                        b->data[b->size] = tag;
                        va_start(ap, fmt);
                        n = vsnprintf(b->data + b->size + 1, avail - 1, fmt, ap);
                        va_end(ap);
                        if (n < 0) {
                                b->error = -EINVAL;
                                return;
                        }
                        if ((size_t) n + 2 <= avail) {
                                b->size += n + 2; /* tag, text, NUL */
                                return;
                        }
                } else
                        n = 0;
                size_t na = MAX(b->alloc * 2, b->size + n + 64);
                char *d = realloc(b->data, na);
                if (!d) {
                        b->error = -ENOMEM;
                        return;
                }
                b->data = d;
                b->alloc = na;
        }
}

int exec_spec_serialize(const ExecSpec *s, char **ret, size_t *ret_size) {
        Buffer b = {};

        STRV_FOREACH(a, s->args)
                put(&b, TAG_ARG, "%s", *a);
        STRV_FOREACH(e, s->env)
                put(&b, TAG_ENV, "%s", *e);
        put(&b, TAG_CWD, "%s", s->cwd ?: "/");
        put(&b, TAG_UID, "%" PRIu32, (uint32_t) s->uid);
        put(&b, TAG_GID, "%" PRIu32, (uint32_t) s->gid);
        for (size_t i = 0; i < s->n_additional_gids; i++)
                put(&b, TAG_GROUP, "%" PRIu32, (uint32_t) s->additional_gids[i]);
        if (s->no_new_privs)
                put(&b, TAG_NNP, "1");
        for (CapSet c = 0; c < _CAP_SET_MAX; c++)
                put(&b, TAG_CAPS, "%d:%" PRIx64, (int) c, s->caps[c]);
        if (s->root_path)
                put(&b, TAG_ROOT, "%s", s->root_path);
        if (s->root_readonly)
                put(&b, TAG_READONLY, "1");
        if (s->hostname)
                put(&b, TAG_HOSTNAME, "%s", s->hostname);
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++)
                if (s->ns[t])
                        put(&b, TAG_NS, "%s%s%s", namespace_type_to_string(t),
                            s->ns_path[t] ? "=" : "", strempty(s->ns_path[t]));
        for (size_t i = 0; i < s->n_mounts; i++) {
                const ExecMount *m = &s->mounts[i];
                put(&b, TAG_MOUNT, "%s", m->destination);
                if (m->type)
                        put(&b, TAG_MOUNT_TYPE, "%s", m->type);
                if (m->source)
                        put(&b, TAG_MOUNT_SOURCE, "%s", m->source);
                put(&b, TAG_MOUNT_FLAGS, "%lx", m->flags);
                if (m->data)
                        put(&b, TAG_MOUNT_DATA, "%s", m->data);
        }
        /* the path last: it may hold ':' */
        for (size_t i = 0; i < s->n_devices; i++) {
                const ExecDevice *d = &s->devices[i];
                put(&b, TAG_DEVICE, "%c:%" PRIu32 ":%" PRIu32 ":%" PRIo32 ":%" PRIu32 ":%" PRIu32 ":%s",
                    d->type, d->major, d->minor, d->mode, (uint32_t) d->uid, (uint32_t) d->gid, d->path);
        }
        STRV_FOREACH(p, s->masked_paths)
                put(&b, TAG_MASKED, "%s", *p);
        STRV_FOREACH(p, s->readonly_paths)
                put(&b, TAG_READONLY_PATH, "%s", *p);
        if (s->terminal)
                put(&b, TAG_TERMINAL, "1");
        for (size_t i = 0; i < s->n_rlimits; i++)
                put(&b, TAG_RLIMIT, "%d:%" PRIu64 ":%" PRIu64, s->rlimits[i].resource,
                    s->rlimits[i].soft, s->rlimits[i].hard);
        const ExecResources *res = &s->resources;
        if (res->memory_limit)
                put(&b, TAG_RESOURCE, "memory=%" PRIi64, res->memory_limit);
        if (res->memory_swap)
                put(&b, TAG_RESOURCE, "swap=%" PRIi64, res->memory_swap);
        if (res->cpu_quota)
                put(&b, TAG_RESOURCE, "quota=%" PRIi64, res->cpu_quota);
        if (res->cpu_period)
                put(&b, TAG_RESOURCE, "period=%" PRIu64, res->cpu_period);
        if (res->cpu_shares)
                put(&b, TAG_RESOURCE, "shares=%" PRIu64, res->cpu_shares);
        if (res->pids_limit)
                put(&b, TAG_RESOURCE, "pids=%" PRIi64, res->pids_limit);
        if (res->cpuset_cpus)
                put(&b, TAG_RESOURCE, "cpus=%s", res->cpuset_cpus);
        if (res->cpuset_mems)
                put(&b, TAG_RESOURCE, "mems=%s", res->cpuset_mems);
        if (s->cgroups_path)
                put(&b, TAG_CGROUPS_PATH, "%s", s->cgroups_path);
        if (s->seccomp_bpf_size > 0) {
                /* hex: records are NUL-terminated text */
                char *hex = malloc(s->seccomp_bpf_size * 2 + 1);
                if (!hex)
                        b.error = -ENOMEM;
                else {
                        static const char digits[] = "0123456789abcdef";
                        for (size_t i = 0; i < s->seccomp_bpf_size; i++) {
                                uint8_t x = ((const uint8_t *) s->seccomp_bpf)[i];
                                hex[2 * i] = digits[x >> 4];
                                hex[2 * i + 1] = digits[x & 15];
                        }
                        hex[2 * s->seccomp_bpf_size] = 0;
                        put(&b, TAG_SECCOMP, "%s", hex);
                        free(hex);
                }
        }
        if (s->log_path) {
                put(&b, TAG_LOG_PATH, "%s", s->log_path);
                put(&b, TAG_LOG_SIZE, "%" PRIu64, s->log_max_size);
                put(&b, TAG_LOG_FILES, "%u", s->log_max_file);
        }
        if (s->stdin_keep_open)
                put(&b, TAG_KEEP_STDIN, "1");
        if (s->runtime_path)
                put(&b, TAG_RUNTIME_PATH, "%s", s->runtime_path);

        if (b.error < 0) {
                free(b.data);
                return b.error;
        }
        *ret = b.data;
        *ret_size = b.size;
        return 0;
}

static int parse_u32(const char *v, uint32_t *ret) {
        char *end;

        errno = 0;
        unsigned long long n = strtoull(v, &end, 10);
        if (errno != 0 || end == v || *end || n > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t) n;
        return 0;
}

static int deserialize_resource(ExecResources *r, const char *v) {
        const char *eq = strchr(v, '=');
        char *end;
        size_t i;

        if (!eq)
                return -EINVAL;
        for (i = 0; i < ELEMENTSOF(resource_names); i++)
                if (strlen(resource_names[i]) == (size_t) (eq - v) && strncmp(v, resource_names[i], eq - v) == 0)
                        break;
        v = eq + 1;
        switch (i) {
        case RES_CPUS:
        case RES_MEMS: {
                char *c = strdup(v), **f = i == RES_CPUS ? &r->cpuset_cpus : &r->cpuset_mems;
                if (!c)
                        return -ENOMEM;
                free(*f);
                *f = c;
                return 0;
        }
        case RES_PERIOD:
        case RES_SHARES:
                *(i == RES_PERIOD ? &r->cpu_period : &r->cpu_shares) = strtoull(v, &end, 10);
                break;
        case RES_MEMORY:
        case RES_SWAP:
        case RES_QUOTA:
        case RES_PIDS:
                *(i == RES_MEMORY ? &r->memory_limit : i == RES_SWAP ? &r->memory_swap :
                  i == RES_QUOTA ? &r->cpu_quota : &r->pids_limit) = strtoll(v, &end, 10);
                break;
        default:
                return -EINVAL;
        }
        return *end ? -EINVAL : 0;
}


static int hex_value(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

static int deserialize_record(ExecSpec *s, char tag, const char *v) {
        ExecMount *m = s->n_mounts > 0 ? &s->mounts[s->n_mounts - 1] : NULL;
        char **field = NULL;
        char *end;

        switch (tag) {
        case TAG_ARG:
                return strv_extend(&s->args, v);
        case TAG_ENV:
                return strv_extend(&s->env, v);
        case TAG_MASKED:
                return strv_extend(&s->masked_paths, v);
        case TAG_READONLY_PATH:
                return strv_extend(&s->readonly_paths, v);
        case TAG_CWD:
                field = &s->cwd;
                break;
        case TAG_ROOT:
                field = &s->root_path;
                break;
        case TAG_HOSTNAME:
                field = &s->hostname;
                break;
        case TAG_UID:
                return parse_u32(v, &s->uid);
        case TAG_GID:
                return parse_u32(v, &s->gid);
        case TAG_GROUP: {
                gid_t *g = realloc(s->additional_gids, sizeof(gid_t) * (s->n_additional_gids + 1));
                if (!g)
                        return -ENOMEM;
                s->additional_gids = g;
                return parse_u32(v, &g[s->n_additional_gids++]);
        }
        case TAG_NNP:
                s->no_new_privs = true;
                return 0;
        case TAG_READONLY:
                s->root_readonly = true;
                return 0;
        case TAG_TERMINAL:
                s->terminal = true;
                return 0;
        case TAG_KEEP_STDIN:
                s->stdin_keep_open = true;
                return 0;
        case TAG_CGROUPS_PATH:
                field = &s->cgroups_path;
                break;
        case TAG_LOG_PATH:
                field = &s->log_path;
                break;
        case TAG_RUNTIME_PATH:
                field = &s->runtime_path;
                break;
        case TAG_LOG_SIZE:
                s->log_max_size = strtoull(v, &end, 10);
                return *end ? -EINVAL : 0;
        case TAG_LOG_FILES:
                return parse_u32(v, &s->log_max_file);
        case TAG_RLIMIT: {
                ExecRlimit rl = {};
                if (sscanf(v, "%d:%" SCNu64 ":%" SCNu64, &rl.resource, &rl.soft, &rl.hard) != 3)
                        return -EINVAL;
                ExecRlimit *n = realloc(s->rlimits, sizeof(ExecRlimit) * (s->n_rlimits + 1));
                if (!n)
                        return -ENOMEM;
                s->rlimits = n;
                n[s->n_rlimits++] = rl;
                return 0;
        }
        case TAG_RESOURCE:
                return deserialize_resource(&s->resources, v);
        case TAG_DEVICE: {
                ExecDevice d = {};
                uint32_t uid, gid;
                int n = 0;

                if (sscanf(v, "%c:%" SCNu32 ":%" SCNu32 ":%" SCNo32 ":%" SCNu32 ":%" SCNu32 ":%n",
                           &d.type, &d.major, &d.minor, &d.mode, &uid, &gid, &n) != 6 || n == 0 || v[n] != '/')
                        return -EINVAL;
                d.uid = uid;
                d.gid = gid;
                ExecDevice *nd = realloc(s->devices, sizeof(ExecDevice) * (s->n_devices + 1));
                if (!nd)
                        return -ENOMEM;
                s->devices = nd;
                if (!(d.path = strdup(v + n)))
                        return -ENOMEM;
                nd[s->n_devices++] = d;
                return 0;
        }
        case TAG_SECCOMP: {
                size_t l = strlen(v);
                if (l % 2 != 0 || l == 0)
                        return -EINVAL;
                uint8_t *bpf = malloc(l / 2);
                if (!bpf)
                        return -ENOMEM;
                /* by hand: sscanf() would measure the rest of the string at
                 * each byte, quadratic over a filter of thousands of bytes */
                for (size_t i = 0; i < l / 2; i++) {
                        int hi = hex_value(v[2 * i]), lo = hex_value(v[2 * i + 1]);
                        if (hi < 0 || lo < 0) {
                                free(bpf);
                                return -EINVAL;
                        }
                        bpf[i] = (uint8_t) (hi << 4 | lo);
                }
                free(s->seccomp_bpf);
                s->seccomp_bpf = bpf;
                s->seccomp_bpf_size = l / 2;
                return 0;
        }
        case TAG_CAPS: {
                int c = (int) strtol(v, &end, 10);
                if (*end != ':' || c < 0 || c >= _CAP_SET_MAX)
                        return -EINVAL;
                s->caps[c] = strtoull(end + 1, &end, 16);
                return *end ? -EINVAL : 0;
        }
        case TAG_NS: {
                const char *eq = strchr(v, '=');
                char name[16];
                size_t l = eq ? (size_t) (eq - v) : strlen(v);

                if (l >= sizeof(name))
                        return -EINVAL;
                memcpy(name, v, l);
                name[l] = 0;
                NamespaceType t = namespace_type_from_string(name);
                if (t < 0)
                        return -EINVAL;
                s->ns[t] = true;
                if (eq && !(s->ns_path[t] = strdup(eq + 1)))
                        return -ENOMEM;
                return 0;
        }
        case TAG_MOUNT: {
                ExecMount *nm = realloc(s->mounts, sizeof(ExecMount) * (s->n_mounts + 1));
                if (!nm)
                        return -ENOMEM;
                s->mounts = nm;
                nm[s->n_mounts] = (ExecMount) { .destination = strdup(v) };
                if (!nm[s->n_mounts++].destination)
                        return -ENOMEM;
                return 0;
        }
        case TAG_MOUNT_TYPE:
        case TAG_MOUNT_SOURCE:
        case TAG_MOUNT_DATA:
                if (!m)
                        return -EINVAL;
                field = tag == TAG_MOUNT_TYPE ? &m->type :
                        tag == TAG_MOUNT_SOURCE ? &m->source : &m->data;
                break;
        case TAG_MOUNT_FLAGS:
                if (!m)
                        return -EINVAL;
                m->flags = strtoul(v, &end, 16);
                return *end ? -EINVAL : 0;
        default:
                return -EBADMSG;
        }

        char *c = strdup(v);
        if (!c)
                return -ENOMEM;
        free(*field);
        *field = c;
        return 0;
}

int exec_spec_deserialize(const char *buf, size_t size, ExecSpec *ret) {
        ExecSpec s = {};
        int r = 0;

        if (size > 0 && buf[size - 1] != 0)
                return -EBADMSG;

        for (size_t i = 0; i < size; ) {
                const char *rec = buf + i;
                size_t l = strlen(rec);

                if (l == 0) {
                        r = -EBADMSG;
                        break;
                }
                r = deserialize_record(&s, rec[0], rec + 1);
                if (r < 0)
                        break;
                i += l + 1;
        }
        /* an exec process has no root */
        if (r >= 0 && strv_length(s.args) == 0)
                r = -EBADMSG;
        if (r < 0) {
                exec_spec_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}
