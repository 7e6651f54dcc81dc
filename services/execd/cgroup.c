/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Backend choice, the saved form of a container's cgroup, and helpers
 * shared by cgroup-v1.c and cgroup-v2.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "fs-util.h"
#include "macro.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

static const char * const controller_names[_CGROUP_CONTROLLER_MAX] = {
        [CGROUP_CPU] = "cpu", [CGROUP_CPUACCT] = "cpuacct", [CGROUP_CPUSET] = "cpuset",
        [CGROUP_MEMORY] = "memory", [CGROUP_PIDS] = "pids", [CGROUP_FREEZER] = "freezer",
        [CGROUP_BLKIO] = "blkio",
};

const char *cgroup_controller_to_string(CgroupController c) {
        return c >= 0 && c < _CGROUP_CONTROLLER_MAX ? controller_names[c] : NULL;
}

int cgroup_detect(const CgroupOps **ret_ops, const char **ret_root) {
        const char *root = getenv("WHARF_CGROUP_ROOT") ?: "/sys/fs/cgroup";
        const char *version = getenv("WHARF_CGROUP_VERSION");
        struct statfs sfs;

        if (version && (streq(version, "1") || streq(version, "2")))
                *ret_ops = version[0] == '2' ? &cgroup_v2_ops : &cgroup_v1_ops;
        else {
                if (statfs(root, &sfs) < 0)
                        return -errno;
                *ret_ops = sfs.f_type == CGROUP2_SUPER_MAGIC ? &cgroup_v2_ops : &cgroup_v1_ops;
        }
        *ret_root = root;
        return 0;
}

int cgroup_create(Cgroup *cg, const char *path) {
        const CgroupOps *ops;
        const char *root;
        int r;

        r = cgroup_detect(&ops, &root);
        if (r < 0)
                return r;
        *cg = (Cgroup) { .ops = ops };
        r = ops->create(cg, root, "/proc/self/cgroup", path);
        if (r < 0)
                cgroup_done(cg);
        return r;
}

void cgroup_done(Cgroup *cg) {
        for (int i = 0; i < _CGROUP_CONTROLLER_MAX; i++) {
                free(cg->paths[i]);
                cg->paths[i] = NULL;
        }
}

int cgroup_destroy(Cgroup *cg) {
        int r = 0;

        for (int i = 0; i < _CGROUP_CONTROLLER_MAX; i++) {
                if (!cg->paths[i])
                        continue;
                /* the last exit is seen before the kernel empties the group:
                 * give it a moment (rarely needed) */
                for (int tries = 0; ; tries++) {
                        if (rmdir(cg->paths[i]) >= 0 || errno == ENOENT)
                                break;
                        if (errno != EBUSY || tries >= 200) {
                                r = -errno;
                                break;
                        }
                        nanosleep(&(struct timespec) { .tv_nsec = 5 * 1000 * 1000 }, NULL);
                }
        }
        return r;
}

int cgroup_save(const Cgroup *cg, char **ret) {
        size_t n = 8;
        char *s, *p;

        for (int i = 0; i < _CGROUP_CONTROLLER_MAX; i++)
                if (cg->paths[i])
                        n += strlen(cg->paths[i]) + 16;
        s = p = malloc(n);
        if (!s)
                return -ENOMEM;
        p += sprintf(p, "%s\n", cg->ops->name);
        for (int i = 0; i < _CGROUP_CONTROLLER_MAX; i++)
                if (cg->paths[i])
                        p += sprintf(p, "%s %s\n", cg->ops == &cgroup_v2_ops ? "unified" : controller_names[i],
                                     cg->paths[i]);
        *ret = s;
        return 0;
}

int cgroup_load(Cgroup *cg, const char *text) {
        const char *nl = strchr(text, '\n');

        *cg = (Cgroup) {};
        if (!nl)
                return -EBADMSG;
        if (strncmp(text, "v1\n", 3) == 0)
                cg->ops = &cgroup_v1_ops;
        else if (strncmp(text, "v2\n", 3) == 0)
                cg->ops = &cgroup_v2_ops;
        else
                return -EBADMSG;

        for (const char *l = nl + 1; *l; ) {
                const char *e = strchrnul(l, '\n'), *sp = memchr(l, ' ', e - l);
                int c = -1;

                if (!sp || sp[1] != '/') {
                        cgroup_done(cg);
                        return -EBADMSG;
                }
                if (cg->ops == &cgroup_v2_ops && (size_t) (sp - l) == strlen("unified") &&
                    strncmp(l, "unified", sp - l) == 0)
                        c = CGROUP_UNIFIED;
                for (int i = 0; c < 0 && i < _CGROUP_CONTROLLER_MAX; i++)
                        if (cg->ops == &cgroup_v1_ops && strlen(controller_names[i]) == (size_t) (sp - l) &&
                            strncmp(l, controller_names[i], sp - l) == 0)
                                c = i;
                if (c >= 0) {
                        free(cg->paths[c]);
                        cg->paths[c] = strndup(sp + 1, e - sp - 1);
                        if (!cg->paths[c]) {
                                cgroup_done(cg);
                                return -ENOMEM;
                        }
                }
                l = *e ? e + 1 : e;
        }
        return 0;
}

int cgroup_parse_own(const char *text, const char *controller, char **ret) {
        /* lines "ID:CONTROLLERS:PATH", controllers comma separated */
        for (const char *l = text; l && *l; ) {
                const char *e = strchrnul(l, '\n');
                const char *c1 = memchr(l, ':', e - l);
                const char *c2 = c1 ? memchr(c1 + 1, ':', e - c1 - 1) : NULL;

                if (c2) {
                        bool match = false;
                        if (!*controller)
                                match = c2 == c1 + 1 && strncmp(l, "0:", 2) == 0;
                        else
                                for (const char *w = c1 + 1; w < c2; ) {
                                        const char *we = memchr(w, ',', c2 - w) ?: c2;
                                        if ((size_t) (we - w) == strlen(controller) &&
                                            strncmp(w, controller, we - w) == 0)
                                                match = true;
                                        w = we + 1;
                                }
                        if (match) {
                                char *p = strndup(c2 + 1, e - c2 - 1);
                                if (!p)
                                        return -ENOMEM;
                                if (p[0] != '/') {
                                        free(p);
                                        return -EBADMSG;
                                }
                                *ret = p;
                                return 0;
                        }
                }
                l = *e ? e + 1 : NULL;
        }
        return -ENOENT;
}

int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret) {
        size_t kl = strlen(key);

        for (const char *l = text; l && *l; ) {
                if (strncmp(l, key, kl) == 0 && l[kl] == ' ') {
                        char *end;
                        errno = 0;
                        unsigned long long v = strtoull(l + kl + 1, &end, 10);
                        if (errno || end == l + kl + 1)
                                return -EBADMSG;
                        *ret = v;
                        return 0;
                }
                l = strchr(l, '\n');
                if (l)
                        l++;
        }
        return -ENOENT;
}

uint64_t cgroup_shares_to_weight(uint64_t shares) {
        if (shares == 0)
                return 0;
        if (shares < 2)
                shares = 2;
        if (shares > 262144)
                shares = 262144;
        return 1 + ((shares - 2) * 9999) / 262142;
}

void cgroup_parse_blkio_v1(const char *text, uint64_t *ret_read, uint64_t *ret_write) {
        uint64_t rd = 0, wr = 0;

        /* "8:0 Read 1234" lines, and a "Total N" line */
        for (const char *l = text; l && *l; ) {
                char op[16];
                unsigned long long v;
                if (sscanf(l, "%*u:%*u %15s %llu", op, &v) == 2) {
                        if (streq(op, "Read"))
                                rd += v;
                        else if (streq(op, "Write"))
                                wr += v;
                }
                l = strchr(l, '\n');
                if (l)
                        l++;
        }
        *ret_read = rd;
        *ret_write = wr;
}

void cgroup_parse_io_stat(const char *text, uint64_t *ret_read, uint64_t *ret_write) {
        uint64_t rd = 0, wr = 0;

        /* "8:0 rbytes=1 wbytes=2 rios=..." */
        for (const char *l = text; l && *l; ) {
                const char *e = strchrnul(l, '\n');
                for (const char *w = l; w && w < e; ) {
                        unsigned long long v;
                        if (sscanf(w, "rbytes=%llu", &v) == 1)
                                rd += v;
                        else if (sscanf(w, "wbytes=%llu", &v) == 1)
                                wr += v;
                        w = memchr(w, ' ', e - w);
                        if (w)
                                w++;
                }
                l = *e ? e + 1 : NULL;
        }
        *ret_read = rd;
        *ret_write = wr;
}

int cgroup_write(const char *dir, const char *file, const char *value) {
        char p[4096];
        int fd, r = 0;

        if ((size_t) snprintf(p, sizeof(p), "%s/%s", dir, file) >= sizeof(p))
                return -ENAMETOOLONG;
        fd = open(p, O_WRONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (write(fd, value, strlen(value)) < 0)
                r = -errno;
        close(fd);
        return r;
}

int cgroup_read(const char *dir, const char *file, char **ret) {
        char p[4096];

        if ((size_t) snprintf(p, sizeof(p), "%s/%s", dir, file) >= sizeof(p))
                return -ENAMETOOLONG;
        return read_full_file(p, ret, NULL, 1 << 20);
}

int cgroup_read_u64(const char *dir, const char *file, uint64_t *ret) {
        char *s = NULL, *end;
        int r;

        r = cgroup_read(dir, file, &s);
        if (r < 0)
                return r;
        if (strncmp(s, "max", 3) == 0) {
                *ret = UINT64_MAX;
                free(s);
                return 0;
        }
        errno = 0;
        unsigned long long v = strtoull(s, &end, 10);
        r = errno || end == s ? -EBADMSG : 0;
        free(s);
        if (r == 0)
                *ret = v;
        return r;
}
