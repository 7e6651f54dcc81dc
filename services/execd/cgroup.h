/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's cgroup, on cgroup v1 (one hierarchy per controller under
 * /sys/fs/cgroup/<controller>) or v2 (one unified hierarchy). Backends in
 * the manner of crun: one file per flavour (cgroup-v1.c, cgroup-v2.c) behind
 * CgroupOps. Used by wharf-monitor (create, enter, limits, OOM, removal) and
 * by execd (freeze, stats, processes). Plain libc.
 *
 * The container's directories are "<our own cgroup>/<path>", path being
 * linux.cgroupsPath or "wharf/<id>": nested where the runtime runs, so a
 * parent's limits and accounting still hold. The monitor records the
 * directories in RUN/exec/<id>/cgroup (cgroup_save) for execd. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec.h"

typedef enum CgroupController {
        CGROUP_CPU,
        CGROUP_CPUACCT,
        CGROUP_CPUSET,
        CGROUP_MEMORY,
        CGROUP_PIDS,
        CGROUP_FREEZER,
        CGROUP_BLKIO,
        _CGROUP_CONTROLLER_MAX,
        CGROUP_UNIFIED = 0,     /* v2: everything in paths[0] */
} CgroupController;

typedef struct CgroupOps CgroupOps;

typedef struct Cgroup {
        const CgroupOps *ops;
        char *paths[_CGROUP_CONTROLLER_MAX];    /* absolute directories; NULL: not mounted */
} Cgroup;

typedef struct CgroupStats {
        /* UINT64_MAX: unknown */
        uint64_t memory_usage, memory_limit, memory_max_usage, cpu_usage_ns;
        uint64_t pids_current, pids_limit, oom_kills, blkio_read_bytes, blkio_write_bytes;
} CgroupStats;

struct CgroupOps {
        const char *name;       /* "v1", "v2": first word of the saved file */
        /* makes the directories below each hierarchy's own cgroup */
        int (*create)(Cgroup *cg, const char *root, const char *own_cgroup_file, const char *path);
        int (*apply)(Cgroup *cg, const ExecResources *r, char **ret_what);
        /* moves pid (0: the caller, which must be single-threaded) in */
        int (*enter)(Cgroup *cg, pid_t pid);
        int (*freeze)(Cgroup *cg, bool freeze);
        /* 1 frozen, 0 thawed */
        int (*frozen)(Cgroup *cg);
        int (*stats)(Cgroup *cg, CgroupStats *ret);
        int (*oom_kills)(Cgroup *cg, uint64_t *ret);
        /* the directory whose cgroup.procs lists every process */
        const char *(*procs_dir)(Cgroup *cg);
        /* directory fd for clone3(CLONE_INTO_CGROUP), or -EOPNOTSUPP */
        int (*open_for_clone)(Cgroup *cg);
};

extern const CgroupOps cgroup_v1_ops;
extern const CgroupOps cgroup_v2_ops;

/* v2 when ROOT is a cgroup2 mount ("unified" hosts), else v1. The
 * environment variable WHARF_CGROUP_ROOT overrides ROOT (default
 * /sys/fs/cgroup), WHARF_CGROUP_VERSION ("1", "2") the detection: tests use
 * them to drive the v2 backend on a hybrid host's /sys/fs/cgroup/unified. */
int cgroup_detect(const CgroupOps **ret_ops, const char **ret_root);

/* Creates the container cgroup "<own>/<path>" with the detected backend. */
int cgroup_create(Cgroup *cg, const char *path);
void cgroup_done(Cgroup *cg);
/* Removes the directories (empty by now; retries briefly on EBUSY). */
int cgroup_destroy(Cgroup *cg);

/* "v1\ncpu /sys/fs/cgroup/cpu/x/wharf/ID\n..." / "v2\nunified /sys/...\n" */
int cgroup_save(const Cgroup *cg, char **ret);
int cgroup_load(Cgroup *cg, const char *text);

/* --- pure helpers (unit tested) --- */
const char *cgroup_controller_to_string(CgroupController c);
/* The cgroup of "controller" ("" for v2's "0::") in /proc/self/cgroup text;
 * ret is malloc'd, "/" for the root. */
int cgroup_parse_own(const char *proc_self_cgroup, const char *controller, char **ret);
/* "KEY VALUE" lines (memory.stat, cpu.stat, memory.events): the value of key */
int cgroup_parse_keyed(const char *text, const char *key, uint64_t *ret);
/* v1 cpu.shares (2..262144) to v2 cpu.weight (1..10000), as crun and runc */
uint64_t cgroup_shares_to_weight(uint64_t shares);
/* blkio.throttle.io_service_bytes / io.stat sums */
void cgroup_parse_blkio_v1(const char *text, uint64_t *ret_read, uint64_t *ret_write);
void cgroup_parse_io_stat(const char *text, uint64_t *ret_read, uint64_t *ret_write);

/* file helpers shared by the backends */
int cgroup_write(const char *dir, const char *file, const char *value);
int cgroup_read(const char *dir, const char *file, char **ret);
int cgroup_read_u64(const char *dir, const char *file, uint64_t *ret);
