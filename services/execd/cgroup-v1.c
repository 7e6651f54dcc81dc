/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* cgroup v1: one hierarchy per controller, /sys/fs/cgroup/<controller>. */
#include <errno.h>
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

/* cpuset refuses tasks until cpus and mems are set: each new level takes
 * its parent's. */
static int cpuset_inherit(const char *dir) {
        _cleanup_(freep) char *parent = strdup(dir), *cpus = NULL, *mems = NULL, *cur = NULL;
        char *slash;
        int r;

        if (!parent)
                return -ENOMEM;
        slash = strrchr(parent, '/');
        if (!slash || slash == parent)
                return 0;
        *slash = 0;
        if (cgroup_read(dir, "cpuset.cpus", &cur) >= 0 && cur[0] != '\n' && cur[0] != 0)
                return 0;
        r = cgroup_read(parent, "cpuset.cpus", &cpus);
        if (r >= 0)
                r = cgroup_read(parent, "cpuset.mems", &mems);
        if (r >= 0)
                r = cgroup_write(dir, "cpuset.cpus", cpus);
        if (r >= 0)
                r = cgroup_write(dir, "cpuset.mems", mems);
        return r;
}

static int mkdir_levels(const char *base, const char *rel, bool cpuset) {
        char p[4096];
        size_t bl = strlen(base);

        if (bl + strlen(rel) + 2 >= sizeof(p))
                return -ENAMETOOLONG;
        memcpy(p, base, bl + 1);
        for (const char *c = rel; *c; ) {
                const char *e = strchrnul(c, '/');
                if (e > c) {
                        p[bl++] = '/';
                        memcpy(p + bl, c, e - c);
                        bl += e - c;
                        p[bl] = 0;
                        if (mkdir(p, 0755) < 0 && errno != EEXIST)
                                return -errno;
                        if (cpuset) {
                                int r = cpuset_inherit(p);
                                if (r < 0)
                                        return r;
                        }
                }
                c = *e ? e + 1 : e;
        }
        return 0;
}

static int v1_create(Cgroup *cg, const char *root, const char *own_file, const char *path) {
        _cleanup_(freep) char *self = NULL;
        int r;

        r = read_full_file(own_file, &self, NULL, 65536);
        if (r < 0)
                return r;
        for (CgroupController c = 0; c < _CGROUP_CONTROLLER_MAX; c++) {
                _cleanup_(freep) char *own = NULL;
                char base[4096];
                struct stat st;

                if (cgroup_parse_own(self, cgroup_controller_to_string(c), &own) < 0)
                        continue; /* not mounted here */
                if ((size_t) snprintf(base, sizeof(base), "%s/%s%s", root, cgroup_controller_to_string(c),
                                      streq(own, "/") ? "" : own) >= sizeof(base))
                        return -ENAMETOOLONG;
                if (stat(base, &st) < 0)
                        continue;
                r = mkdir_levels(base, path, c == CGROUP_CPUSET);
                if (r < 0)
                        return r;
                while (*path == '/')
                        path++;
                if (asprintf(&cg->paths[c], "%s/%s", base, path) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int write_i64(Cgroup *cg, CgroupController c, const char *file, int64_t v, char **ret_what) {
        char s[32];
        int r;

        if (!cg->paths[c]) {
                r = -EOPNOTSUPP;
                goto fail;
        }
        snprintf(s, sizeof(s), "%" PRIi64, v);
        r = cgroup_write(cg->paths[c], file, s);
        if (r >= 0)
                return 0;
fail:
        if (ret_what)
                *ret_what = strdup(file);
        return r;
}

static int v1_apply(Cgroup *cg, const ExecResources *res, char **ret_what) {
        int r;

        if (res->memory_limit > 0 && (r = write_i64(cg, CGROUP_MEMORY, "memory.limit_in_bytes", res->memory_limit, ret_what)) < 0)
                return r;
        if (res->memory_swap != 0 &&
            (r = write_i64(cg, CGROUP_MEMORY, "memory.memsw.limit_in_bytes", res->memory_swap, ret_what)) < 0)
                return r;
        if (res->cpu_shares > 0 && (r = write_i64(cg, CGROUP_CPU, "cpu.shares", res->cpu_shares, ret_what)) < 0)
                return r;
        if (res->cpu_period > 0 && (r = write_i64(cg, CGROUP_CPU, "cpu.cfs_period_us", res->cpu_period, ret_what)) < 0)
                return r;
        if (res->cpu_quota != 0 && (r = write_i64(cg, CGROUP_CPU, "cpu.cfs_quota_us", res->cpu_quota, ret_what)) < 0)
                return r;
        if (res->pids_limit != 0) {
                if (!cg->paths[CGROUP_PIDS])
                        r = -EOPNOTSUPP;
                else
                        r = res->pids_limit < 0 ? cgroup_write(cg->paths[CGROUP_PIDS], "pids.max", "max") :
                                write_i64(cg, CGROUP_PIDS, "pids.max", res->pids_limit, NULL);
                if (r < 0) {
                        if (ret_what)
                                *ret_what = strdup("pids.max");
                        return r;
                }
        }
        const struct { const char *file, *value; } cpuset[] = {
                { "cpuset.cpus", res->cpuset_cpus }, { "cpuset.mems", res->cpuset_mems },
        };
        for (size_t i = 0; i < ELEMENTSOF(cpuset); i++) {
                if (!cpuset[i].value)
                        continue;
                r = cg->paths[CGROUP_CPUSET] ? cgroup_write(cg->paths[CGROUP_CPUSET], cpuset[i].file, cpuset[i].value)
                                             : -EOPNOTSUPP;
                if (r < 0) {
                        if (ret_what)
                                *ret_what = strdup(cpuset[i].file);
                        return r;
                }
        }
        return 0;
}

static int v1_enter(Cgroup *cg, pid_t pid) {
        /* pid 0 is the caller, a freshly cloned single-threaded init: moving
         * its one thread through "tasks" is the same move, and the kernel
         * then skips the global threadgroup lock, whose write side waits for
         * an RCU grace period (~10 ms a start, measured here) */
        const char *file = pid == 0 ? "tasks" : "cgroup.procs";
        char s[16];

        snprintf(s, sizeof(s), "%d", (int) pid);
        for (int i = 0; i < _CGROUP_CONTROLLER_MAX; i++)
                if (cg->paths[i]) {
                        int r = cgroup_write(cg->paths[i], file, s);
                        if (r < 0)
                                return r;
                }
        return 0;
}

static int v1_frozen(Cgroup *cg) {
        _cleanup_(freep) char *s = NULL;
        int r;

        if (!cg->paths[CGROUP_FREEZER])
                return -EOPNOTSUPP;
        r = cgroup_read(cg->paths[CGROUP_FREEZER], "freezer.state", &s);
        if (r < 0)
                return r;
        return startswith(s, "FROZEN") ? 1 : 0;
}

static int v1_freeze(Cgroup *cg, bool freeze) {
        int r;

        if (!cg->paths[CGROUP_FREEZER])
                return -EOPNOTSUPP;
        r = cgroup_write(cg->paths[CGROUP_FREEZER], "freezer.state", freeze ? "FROZEN" : "THAWED");
        if (r < 0 || !freeze)
                return r;
        /* FREEZING until every task stopped; bounded */
        for (int i = 0; i < 1000; i++) {
                r = v1_frozen(cg);
                if (r != 0)
                        return r < 0 ? r : 0;
                nanosleep(&(struct timespec) { .tv_nsec = 1000 * 1000 }, NULL);
                if (i % 100 == 99)
                        (void) cgroup_write(cg->paths[CGROUP_FREEZER], "freezer.state", "FROZEN");
        }
        (void) cgroup_write(cg->paths[CGROUP_FREEZER], "freezer.state", "THAWED");
        return -EBUSY;
}

static int v1_oom_kills(Cgroup *cg, uint64_t *ret) {
        _cleanup_(freep) char *s = NULL;
        int r;

        if (!cg->paths[CGROUP_MEMORY])
                return -EOPNOTSUPP;
        r = cgroup_read(cg->paths[CGROUP_MEMORY], "memory.oom_control", &s);
        if (r < 0)
                return r;
        return cgroup_parse_keyed(s, "oom_kill", ret);
}

static int v1_stats(Cgroup *cg, CgroupStats *st) {
        const char *mem = cg->paths[CGROUP_MEMORY], *pids = cg->paths[CGROUP_PIDS];

        memset(st, 0xff, sizeof(*st));
        if (mem) {
                (void) cgroup_read_u64(mem, "memory.usage_in_bytes", &st->memory_usage);
                (void) cgroup_read_u64(mem, "memory.limit_in_bytes", &st->memory_limit);
                (void) cgroup_read_u64(mem, "memory.max_usage_in_bytes", &st->memory_max_usage);
                (void) v1_oom_kills(cg, &st->oom_kills);
        }
        if (cg->paths[CGROUP_CPUACCT])
                (void) cgroup_read_u64(cg->paths[CGROUP_CPUACCT], "cpuacct.usage", &st->cpu_usage_ns);
        if (pids) {
                (void) cgroup_read_u64(pids, "pids.current", &st->pids_current);
                (void) cgroup_read_u64(pids, "pids.max", &st->pids_limit);
        }
        if (cg->paths[CGROUP_BLKIO]) {
                _cleanup_(freep) char *s = NULL;
                if (cgroup_read(cg->paths[CGROUP_BLKIO], "blkio.throttle.io_service_bytes", &s) >= 0)
                        cgroup_parse_blkio_v1(s, &st->blkio_read_bytes, &st->blkio_write_bytes);
        }
        return 0;
}

static const char *v1_procs_dir(Cgroup *cg) {
        if (cg->paths[CGROUP_PIDS])
                return cg->paths[CGROUP_PIDS];
        for (int i = 0; i < _CGROUP_CONTROLLER_MAX; i++)
                if (cg->paths[i])
                        return cg->paths[i];
        return NULL;
}

static int v1_open_for_clone(Cgroup *cg) {
        return -EOPNOTSUPP; /* one process, many hierarchies: moved by hand */
}

const CgroupOps cgroup_v1_ops = {
        .name = "v1",
        .create = v1_create,
        .apply = v1_apply,
        .enter = v1_enter,
        .freeze = v1_freeze,
        .frozen = v1_frozen,
        .stats = v1_stats,
        .oom_kills = v1_oom_kills,
        .procs_dir = v1_procs_dir,
        .open_for_clone = v1_open_for_clone,
};
