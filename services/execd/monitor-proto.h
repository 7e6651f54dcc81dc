/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* execd <-> wharf-monitor. execd spawns the monitor as
 *     wharf-monitor ID STATE_DIR
 * with the container's stdin/stdout/stderr on fds 0-2, a SOCK_SEQPACKET sync
 * socket on fd 3 and a memfd holding the flattened spec (spec-wire.c) on fd 4.
 * The monitor answers with MonitorMessages on the sync socket: STARTED (with
 * the init's pidfd as SCM_RIGHTS) or FAILED, then EXITED. The exit code is
 * also written to STATE_DIR/exit, so it survives execd's absence. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MONITOR_FD_SYNC   3
#define MONITOR_FD_CONFIG 4

#define MONITOR_STATE_FILE "state"   /* "monitor=PID\ninit=PID\n"; mtime: started */
#define MONITOR_EXIT_FILE  "exit"    /* "CODE\n" */

typedef enum MonitorMessageType {
        MONITOR_STARTED = 'S',  /* pid: the container init, in the monitor's pid namespace */
        MONITOR_FAILED  = 'F',  /* error, stage, text */
        MONITOR_EXITED  = 'X',  /* code */
        MONITOR_TERMINAL = 'T', /* init -> monitor: the pty master as SCM_RIGHTS */
        MONITOR_OK      = 'O',  /* control: request done */
        MONITOR_EXEC_EXITED = 'x', /* control: pid, code of an Exec'd process */
} MonitorMessageType;

/* The control socket RUN/exec/ID/ctl (SOCK_SEQPACKET), served by the monitor
 * for as long as the container runs; a restarted execd finds it there.
 * Requests are MonitorRequests, fds as SCM_RIGHTS; answers MonitorMessages
 * (OK or FAILED; for EXEC: STARTED or FAILED, later EXEC_EXITED on the same
 * connection). */
#define MONITOR_CONTROL_SOCKET "ctl"
#define MONITOR_CGROUP_FILE "cgroup"  /* cgroup_save() text */
#define MONITOR_OOM_FILE "oom"        /* present: the container was OOM killed */
#define MONITOR_REPORTED_FILE "reported" /* execd emitted Exited */

typedef enum MonitorRequestType {
        MONITOR_REQUEST_ATTACH = 'A',   /* fds: stdin, stdout, stderr */
        MONITOR_REQUEST_RESIZE = 'Z',   /* pid (0: the init), rows, cols */
        MONITOR_REQUEST_EXEC   = 'E',   /* fds: stdin, stdout, stderr, memfd (spec-wire process) */
} MonitorRequestType;

typedef struct MonitorRequest {
        int32_t type;
        int32_t pid;
        uint16_t rows, cols;
} MonitorRequest;

typedef enum MonitorStage {
        MONITOR_STAGE_SETUP,    /* anything before execve */
        MONITOR_STAGE_EXEC,     /* looking up or executing process.args[0] */
} MonitorStage;

typedef struct MonitorMessage {
        int32_t type;
        int32_t pid;
        int32_t error;          /* positive errno */
        int32_t stage;
        int32_t code;
        char text[512];         /* NUL-terminated: "pivot_root: Invalid argument" */
} MonitorMessage;

/* Sends m with fd (if >= 0) as SCM_RIGHTS. */
int monitor_send_fd(int sock, const MonitorMessage *m, int fd);
/* Receives one message and up to n_fds fds (-EBADF where none; extra ones
 * are closed). Returns the byte count, 0 at EOF, or -errno. */
ssize_t monitor_recv(int sock, void *buf, size_t size, int *fds, size_t n_fds);
