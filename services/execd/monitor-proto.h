/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* execd <-> wharf-monitor. execd spawns the monitor as
 *     wharf-monitor ID STATE_DIR
 * with the container's stdin/stdout/stderr on fds 0-2, a SOCK_SEQPACKET sync
 * socket on fd 3 and a memfd holding the flattened spec (spec-wire.c) on fd 4.
 * The monitor answers with MonitorMessages on the sync socket: STARTED (with
 * the init's pidfd as SCM_RIGHTS) or FAILED, then EXITED. The exit code is
 * also written to STATE_DIR/exit, so it survives execd's absence. */

#include <stdint.h>

#define MONITOR_FD_SYNC   3
#define MONITOR_FD_CONFIG 4

#define MONITOR_STATE_FILE "state"   /* "monitor=PID\ninit=PID\n" */
#define MONITOR_EXIT_FILE  "exit"    /* "CODE\n" */

typedef enum MonitorMessageType {
        MONITOR_STARTED = 'S',  /* pid: the container init, in the monitor's pid namespace */
        MONITOR_FAILED  = 'F',  /* error, stage, text */
        MONITOR_EXITED  = 'X',  /* code */
} MonitorMessageType;

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
