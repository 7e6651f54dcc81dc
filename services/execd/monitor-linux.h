/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "cgroup.h"
#include "macro.h"
#include "monitor-proto.h"
#include "spec.h"

/* Report a failure as a MonitorMessage on fd (a pipe or the sync socket). */
void monitor_report_failure(int fd, MonitorStage stage, int error, const char *fmt, ...) _printf_(4, 5);

/* What the monitor hands its child besides the spec. */
typedef struct InitContext {
        int errfd;              /* SOCK_SEQPACKET, CLOEXEC: FAILED, or TERMINAL + master fd; EOF on exec */
        int stdio[3];           /* dup2'd to 0-2 unless the spec wants a terminal */
        Cgroup *cgroup;         /* entered first unless already in (clone3 CLONE_INTO_CGROUP) */
        bool in_cgroup;
        bool cgroup_ns;         /* unshare(CLONE_NEWCGROUP) once inside the cgroup */
        /* exec only: the container init's pidfd and which namespaces to join */
        int join_pidfd;
        unsigned long join_flags;
} InitContext;

/* The container init, running in its fresh namespaces: sets up the rootfs,
 * pivots into it, switches user and capabilities and execs process.args.
 * Never returns; on failure writes a FAILED message to errfd and exits. */
_noreturn_ void container_init(const ExecSpec *s, const InitContext *ctx);

/* A process joining a running container (docker exec): enters its cgroup
 * and namespaces (pid already, through the monitor), then as above without
 * the rootfs set-up. */
_noreturn_ void container_exec_init(const ExecSpec *s, const InitContext *ctx);

