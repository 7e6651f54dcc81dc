/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The client's end of a container's (or exec's) terminal: the container
 * gets socket ends, never our terminal, so that we see the detach keys
 * (docker's Ctrl-P Ctrl-Q) in what we type and can leave the container
 * running; our terminal is in raw mode meanwhile and SIGWINCH becomes
 * Engine1.Resize. Bytes go between our stdio and the monitor only, never
 * through a daemon. */

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#define DETACH_KEYS_DEFAULT "ctrl-p,ctrl-q"

typedef struct StreamProxy StreamProxy;

typedef struct StreamOptions {
        const char *id;          /* container, for Resize */
        uint32_t exec_pid;       /* 0: the container's init */
        bool stdin_;             /* forward our stdin */
        bool tty;                /* raw mode, resize, detach keys */
        const char *detach_keys; /* NULL: docker's default */
        const bool *exited;      /* set when the process ended (its signal came) */
        bool sig_proxy;          /* signals caught (engine_proxy_signals()) go to id */
} StreamOptions;

/* Makes the socket pairs: *ret_in (the container's stdin, or -EBADF without
 * stdin_), *ret_out (its stdout, also to be its stderr with a tty) and,
 * without a tty, *ret_err. The caller passes them to the engine and closes
 * them once the call returned. */
int stream_proxy_new(Engine *e, const StreamOptions *o, StreamProxy **ret, int *ret_in, int *ret_out, int *ret_err);

/* Copies until the output ended and *exited, or the detach keys. Returns 1
 * when detached, 0 when done, -EINTR/-ECONNRESET as engine_wait. Restores
 * the terminal. */
int stream_proxy_run(StreamProxy *p);

StreamProxy *stream_proxy_free(StreamProxy *p);
static inline void stream_proxy_freep(StreamProxy **p) { if (*p) stream_proxy_free(*p); }

/* The terminal size of fd, 0 if not a terminal */
int terminal_size(int fd, unsigned short *ret_rows, unsigned short *ret_cols);

/* The full id of a container given by id, name or unique prefix (what
 * ContainerExited names); prints docker's error. */
int container_resolve_id(Engine *e, const char *ref, char **ret);
