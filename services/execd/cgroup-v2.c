/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v2: the unified hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "fs-util.h"
#include "macro.h"

/* Delegates what the parent offers to each new level; refusals (processes
 * in an inner node, controllers bound to v1) only leave files missing, and
 * apply() says which. */
static void enable_controllers(const char *dir) {
        _cleanup_(freep) char *avail = NULL;
        char want[256] = "";

        if (cgroup_read(dir, "cgroup.controllers", &avail) < 0)
                return;
        for (char *w = strtok(avail, " \n"); w; w = strtok(NULL, " \n"))
                if (streq(w, "cpu") || streq(w, "cpuset") || streq(w, "memory") || streq(w, "pids") ||
                    streq(w, "io")) {
                        strcat(want, "+");
                        strcat(want, w);
                        strcat(want, " ");
                }
        if (want[0])
                (void) cgroup_write(dir, "cgroup.subtree_control", want);
}

static int v2_create(Cgroup *cg, const char *root, const char *own_file, const char *path) {
        _cleanup_(freep) char *self = NULL, *own = NULL;
        char p[4096];
        size_t l;
        int r;

        r = read_full_file(own_file, &self, NULL, 65536);
        if (r < 0)
                return r;
        r = cgroup_parse_own(self, "", &own);
        if (r < 0)
                return r;
        l = snprintf(p, sizeof(p), "%s%s", root, streq(own, "/") ? "" : own);
        if (l + strlen(path) + 2 >= sizeof(p))
                return -ENAMETOOLONG;
        for (const char *c = path; *c; ) {
                const char *e = strchrnul(c, '/');
                if (e > c) {
                        enable_controllers(p);
                        p[l++] = '/';
                        memcpy(p + l, c, e - c);
                        l += e - c;
                        p[l] = 0;
                        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                                return -errno;
                }
                c = *e ? e + 1 : e;
        }
        cg->paths[CGROUP_UNIFIED] = strdup(p);
        return cg->paths[CGROUP_UNIFIED] ? 0 : -ENOMEM;
}

static int set(Cgroup *cg, const char *file, const char *value, char **ret_what) {
        int r = cgroup_write(cg->paths[CGROUP_UNIFIED], file, value);

        if (r == -ENOENT)
                r = -EOPNOTSUPP; /* controller not enabled for us */
        if (r < 0 && ret_what)
                *ret_what = strdup(file);
        return r;
}

static int v2_apply(Cgroup *cg, const ExecResources *res, char **ret_what) {
        char s[64];
        int r;

        if (res->memory_limit > 0) {
                snprintf(s, sizeof(s), "%" PRIi64, res->memory_limit);
                if ((r = set(cg, "memory.max", s, ret_what)) < 0)
                        return r;
        }
        if (res->memory_swap != 0) {
                /* v2 limits swap alone; OCI gives memory+swap */
                if (res->memory_swap < 0 || res->memory_limit <= 0)
                        strcpy(s, "max");
                else
                        snprintf(s, sizeof(s), "%" PRIi64, res->memory_swap - res->memory_limit);
                if ((r = set(cg, "memory.swap.max", s, ret_what)) < 0)
                        return r;
        }
        if (res->cpu_shares > 0) {
                snprintf(s, sizeof(s), "%" PRIu64, cgroup_shares_to_weight(res->cpu_shares));
                if ((r = set(cg, "cpu.weight", s, ret_what)) < 0)
                        return r;
        }
        if (res->cpu_quota != 0 || res->cpu_period > 0) {
                uint64_t period = res->cpu_period ?: 100000;
                if (res->cpu_quota > 0)
                        snprintf(s, sizeof(s), "%" PRIi64 " %" PRIu64, res->cpu_quota, period);
                else
                        snprintf(s, sizeof(s), "max %" PRIu64, period);
                if ((r = set(cg, "cpu.max", s, ret_what)) < 0)
                        return r;
        }
        if (res->pids_limit != 0) {
                if (res->pids_limit < 0)
                        strcpy(s, "max");
                else
                        snprintf(s, sizeof(s), "%" PRIi64, res->pids_limit);
                if ((r = set(cg, "pids.max", s, ret_what)) < 0)
                        return r;
        }
        if (res->cpuset_cpus && (r = set(cg, "cpuset.cpus", res->cpuset_cpus, ret_what)) < 0)
                return r;
        if (res->cpuset_mems && (r = set(cg, "cpuset.mems", res->cpuset_mems, ret_what)) < 0)
                return r;
        return 0;
}

static int v2_enter(Cgroup *cg, pid_t pid) {
        char s[16];

        snprintf(s, sizeof(s), "%d", (int) pid);
        return cgroup_write(cg->paths[CGROUP_UNIFIED], "cgroup.procs", s);
}

static int v2_frozen(Cgroup *cg) {
        _cleanup_(freep) char *s = NULL;
        uint64_t v;
        int r;

        r = cgroup_read(cg->paths[CGROUP_UNIFIED], "cgroup.events", &s);
        if (r < 0)
                return r;
        r = cgroup_parse_keyed(s, "frozen", &v);
        return r < 0 ? r : v > 0;
}

static int v2_freeze(Cgroup *cg, bool freeze) {
        int r;

        r = cgroup_write(cg->paths[CGROUP_UNIFIED], "cgroup.freeze", freeze ? "1" : "0");
        if (r < 0)
                return r == -ENOENT ? -EOPNOTSUPP : r;
        /* "frozen 1" once every task stopped; bounded */
        for (int i = 0; i < 1000; i++) {
                r = v2_frozen(cg);
                if (r < 0 || r == freeze)
                        return r < 0 ? r : 0;
                nanosleep(&(struct timespec) { .tv_nsec = 1000 * 1000 }, NULL);
        }
        if (freeze)
                (void) cgroup_write(cg->paths[CGROUP_UNIFIED], "cgroup.freeze", "0");
        return -EBUSY;
}

static int v2_oom_kills(Cgroup *cg, uint64_t *ret) {
        _cleanup_(freep) char *s = NULL;
        int r;

        r = cgroup_read(cg->paths[CGROUP_UNIFIED], "memory.events", &s);
        if (r < 0)
                return r == -ENOENT ? -EOPNOTSUPP : r;
        return cgroup_parse_keyed(s, "oom_kill", ret);
}

static int v2_stats(Cgroup *cg, CgroupStats *st) {
        const char *d = cg->paths[CGROUP_UNIFIED];
        _cleanup_(freep) char *cpu = NULL, *io = NULL;
        uint64_t usec;

        memset(st, 0xff, sizeof(*st));
        (void) cgroup_read_u64(d, "memory.current", &st->memory_usage);
        (void) cgroup_read_u64(d, "memory.max", &st->memory_limit);
        (void) cgroup_read_u64(d, "memory.peak", &st->memory_max_usage);
        (void) v2_oom_kills(cg, &st->oom_kills);
        if (cgroup_read(d, "cpu.stat", &cpu) >= 0 && cgroup_parse_keyed(cpu, "usage_usec", &usec) >= 0)
                st->cpu_usage_ns = usec * 1000;
        (void) cgroup_read_u64(d, "pids.current", &st->pids_current);
        (void) cgroup_read_u64(d, "pids.max", &st->pids_limit);
        if (cgroup_read(d, "io.stat", &io) >= 0)
                cgroup_parse_io_stat(io, &st->blkio_read_bytes, &st->blkio_write_bytes);
        return 0;
}

static const char *v2_procs_dir(Cgroup *cg) {
        return cg->paths[CGROUP_UNIFIED];
}

static int v2_open_for_clone(Cgroup *cg) {
        int fd = open(cg->paths[CGROUP_UNIFIED], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return fd < 0 ? -errno : fd;
}

const CgroupOps cgroup_v2_ops = {
        .name = "v2",
        .create = v2_create,
        .apply = v2_apply,
        .enter = v2_enter,
        .freeze = v2_freeze,
        .frozen = v2_frozen,
        .stats = v2_stats,
        .oom_kills = v2_oom_kills,
        .procs_dir = v2_procs_dir,
        .open_for_clone = v2_open_for_clone,
};
