/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The monitor's byte pumps, conmon-style: a Session is a process whose
 * output (pipes, or a pty master) the monitor reads, logs (the init only)
 * and copies to every attached client, and whose input it feeds from the
 * clients' stdin. */

#include <poll.h>
#include <stdbool.h>
#include <sys/types.h>

#include "json-log.h"

#define SESSION_CLIENTS_MAX 16

typedef struct SessionClient {
        int in, out, err;       /* -EBADF once closed */
        bool primary;           /* Run's own: its stdin EOF closes the container's */
} SessionClient;

typedef struct Session {
        pid_t pid;
        int out, err;           /* read ends (err: -EBADF with a terminal) */
        int in;                 /* write end, or the pty master */
        bool terminal;
        bool keep_stdin;        /* stdin EOF does not close the container's */
        JsonLog *log;
        SessionClient clients[SESSION_CLIENTS_MAX];
        size_t n_clients;
        char *pending;          /* stdin bytes the container has not taken yet */
        size_t pending_len;
} Session;

void session_init(Session *s);
int session_add_client(Session *s, int in, int out, int err, bool primary);
/* Adds the fds to poll; tags tell session_dispatch which is which. */
void session_fill_poll(Session *s, struct pollfd *p, int *tags, size_t *n, size_t max);
void session_dispatch(Session *s, int tag, short revents);
/* Reads what the process left in its pipes (after its exit), flushes the
 * log's unfinished lines. */
void session_drain(Session *s);
/* Closes every fd of the session. */
void session_done(Session *s);
