/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The monitor's side of an external OCI runtime (runc): the container is
 * created and started as containerd's runc shim does, `create` then
 * `start`, so its init ends up our child (we are a subreaper) and is reaped,
 * attached and logged exactly like our own. The runtime keeps its state
 * under RUN/exec/<runtime name> (`--root`); the bundle is RUN/exec/ID. */

#include <sys/types.h>

#include "monitor-proto.h"

/* `RUNTIME --root R --log BUNDLE/runtime.log create --bundle BUNDLE
 * --pid-file BUNDLE/runtime.pid [--console-socket SOCKET] ID` with the
 * container's stdio as its own (passed through to the container), run in
 * the bundle directory (SOCKET may be relative to it). With process.terminal
 * the runtime sends the pty master over SOCKET (SCM_RIGHTS) before it
 * exits. errfd: the read end of stdio[2], where
 * the runtime prints why it failed. Returns 0 and the init's pid, or -1
 * with *ret_failure filled (docker's mapping of the runtime's message: "not
 * found" -> exec stage ENOENT, "permission denied" -> exec stage EACCES). */
int oci_create(const char *runtime, const char *bundle, const char *id, const int stdio[3], int errfd,
               const char *console_socket, pid_t *ret_pid, MonitorMessage *ret_failure);
/* `RUNTIME start ID`: the init execs process.args. */
int oci_start(const char *runtime, const char *bundle, const char *id, MonitorMessage *ret_failure);
/* `RUNTIME delete --force ID`: its state folder and cgroup go. */
void oci_delete(const char *runtime, const char *bundle, const char *id);

/* docker's mapping of a runtime's start error text (daemon/start.go) */
void oci_failure_from_text(const char *text, MonitorMessage *ret);
