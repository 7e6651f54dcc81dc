/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "macro.h"
#include "monitor-proto.h"
#include "spec.h"

/* Report a failure as a MonitorMessage on fd (a pipe or the sync socket). */
void monitor_report_failure(int fd, MonitorStage stage, int error, const char *fmt, ...) _printf_(4, 5);

/* The container init, running in its fresh namespaces: sets up the rootfs,
 * pivots into it, switches user and capabilities and execs process.args.
 * Never returns; on failure writes a FAILED message to errfd (a CLOEXEC
 * pipe, so a successful execve shows as EOF) and exits. */
_noreturn_ void container_init(const ExecSpec *s, int errfd);
