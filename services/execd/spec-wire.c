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
        strv_free(s->masked_paths);
        strv_free(s->readonly_paths);
        *s = (ExecSpec) {};
}

/* record tags */
enum {
        TAG_ARG = 'a', TAG_ENV = 'e', TAG_CWD = 'c', TAG_UID = 'u', TAG_GID = 'g',
        TAG_GROUP = 'G', TAG_NNP = 'S', TAG_CAPS = 'C', TAG_ROOT = 'r', TAG_READONLY = 'R',
        TAG_HOSTNAME = 'h', TAG_NS = 'n', TAG_MOUNT = 'm', TAG_MOUNT_TYPE = 't',
        TAG_MOUNT_SOURCE = 's', TAG_MOUNT_FLAGS = 'f', TAG_MOUNT_DATA = 'o',
        TAG_MASKED = 'k', TAG_READONLY_PATH = 'K',
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
        STRV_FOREACH(p, s->masked_paths)
                put(&b, TAG_MASKED, "%s", *p);
        STRV_FOREACH(p, s->readonly_paths)
                put(&b, TAG_READONLY_PATH, "%s", *p);

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
        if (r >= 0 && (strv_length(s.args) == 0 || !s.root_path))
                r = -EBADMSG;
        if (r < 0) {
                exec_spec_done(&s);
                return r;
        }
        *ret = s;
        return 0;
}
