/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Copying between the container and its clients (see monitor-io.h). Output
 * goes to the clients with blocking writes: a client that stops reading
 * holds up its container, as with docker attach. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs-util.h"
#include "macro.h"
#include "monitor-io.h"

#define BUF_SIZE 16384
#define IN_CHUNK 4096   /* PIPE_BUF: a POLLOUT pipe takes it whole */

enum {
        TAG_OUT = 0,
        TAG_ERR = 1,
        TAG_IN = 2,             /* the container's stdin turned writable */
        TAG_CLIENT = 16,        /* + index: a client's stdin readable */
};

void session_init(Session *s) {
        *s = (Session) { .out = -EBADF, .err = -EBADF, .in = -EBADF };
}

int session_add_client(Session *s, int in, int out, int err, bool primary) {
        if (s->n_clients >= SESSION_CLIENTS_MAX)
                return -EMFILE;
        s->clients[s->n_clients++] = (SessionClient) { .in = in, .out = out, .err = err, .primary = primary };
        return 0;
}

void session_fill_poll(Session *s, struct pollfd *p, int *tags, size_t *n, size_t max) {
#define ADD(fd_, ev_, tag_) do {                                        \
                if (*n < max) {                                         \
                        p[*n] = (struct pollfd) { .fd = (fd_), .events = (ev_) }; \
                        tags[(*n)++] = (tag_);                          \
                }                                                       \
        } while (0)

        if (s->out >= 0)
                ADD(s->out, POLLIN, TAG_OUT);
        if (s->err >= 0)
                ADD(s->err, POLLIN, TAG_ERR);
        if (s->in < 0)
                return;
        if (s->pending_len > 0) {
                ADD(s->in, POLLOUT, TAG_IN);
                return;
        }
        for (size_t i = 0; i < s->n_clients; i++)
                if (s->clients[i].in >= 0)
                        ADD(s->clients[i].in, POLLIN, TAG_CLIENT + (int) i);
#undef ADD
}

/* Blocking write to a client fd that may be non-blocking (a shared tty). */
static int client_write(int fd, const char *buf, size_t len) {
        while (len > 0) {
                ssize_t k = write(fd, buf, len);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN) {
                                struct pollfd p = { .fd = fd, .events = POLLOUT };
                                if (poll(&p, 1, 5000) <= 0)
                                        return -EAGAIN;
                                continue;
                        }
                        return -errno;
                }
                buf += k;
                len -= k;
        }
        return 0;
}

static void close_stdin(Session *s) {
        /* a pty master is also our output: keep it */
        if (!s->terminal)
                s->in = safe_close(s->in);
        free(s->pending);
        s->pending = NULL;
        s->pending_len = 0;
}

/* Returns false at EOF or error. */
static bool pump_output(Session *s, int which) {
        static char buf[BUF_SIZE];
        int *fd = which == TAG_OUT ? &s->out : &s->err;
        ssize_t n;

        n = read(*fd, buf, sizeof(buf));
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return true;
        if (n <= 0) {
                /* EOF, or EIO from a pty master whose slave is gone */
                if (s->log)
                        (void) json_log_flush(s->log, which == TAG_OUT ? LOG_STREAM_STDOUT : LOG_STREAM_STDERR);
                if (s->terminal && which == TAG_OUT)
                        s->in = -EBADF; /* the same fd */
                *fd = safe_close(*fd);
                return false;
        }
        if (s->log)
                (void) json_log_write(s->log, which == TAG_OUT ? LOG_STREAM_STDOUT : LOG_STREAM_STDERR, buf, n);
        for (size_t i = 0; i < s->n_clients; i++) {
                SessionClient *c = &s->clients[i];
                int *cfd = which == TAG_OUT ? &c->out : &c->err;
                if (*cfd >= 0 && client_write(*cfd, buf, n) < 0)
                        *cfd = safe_close(*cfd);
        }
        return true;
}

static void feed(Session *s, const char *buf, size_t len) {
        ssize_t k = write(s->in, buf, len);

        if (k < 0) {
                if (errno != EAGAIN && errno != EINTR) {
                        close_stdin(s); /* EPIPE: nobody reads */
                        return;
                }
                k = 0;
        }
        if ((size_t) k < len) {
                char *p = realloc(s->pending, s->pending_len + len - k);
                if (!p)
                        return;
                memcpy(p + s->pending_len, buf + k, len - k);
                s->pending = p;
                s->pending_len += len - k;
        }
}

void session_dispatch(Session *s, int tag, short revents) {
        if (tag == TAG_OUT || tag == TAG_ERR) {
                (void) pump_output(s, tag);
                return;
        }
        if (tag == TAG_IN) {
                if (revents & (POLLERR | POLLHUP)) {
                        close_stdin(s);
                        return;
                }
                char *p = TAKE_PTR(s->pending);
                size_t l = s->pending_len;
                s->pending_len = 0;
                feed(s, p, l);
                free(p);
                return;
        }

        SessionClient *c = &s->clients[tag - TAG_CLIENT];
        char buf[IN_CHUNK];
        ssize_t n = read(c->in, buf, sizeof(buf));

        if (n < 0 && (errno == EINTR || errno == EAGAIN))
                return;
        if (n <= 0) {
                c->in = safe_close(c->in);
                /* docker run -i: the client's EOF is the container's */
                if (c->primary && !s->keep_stdin)
                        close_stdin(s);
                return;
        }
        feed(s, buf, n);
}

void session_drain(Session *s) {
        for (int which = TAG_OUT; which <= TAG_ERR; which++) {
                int *fd = which == TAG_OUT ? &s->out : &s->err;
                if (*fd < 0)
                        continue;
                (void) fcntl(*fd, F_SETFL, fcntl(*fd, F_GETFL) | O_NONBLOCK);
                while (*fd >= 0) {
                        struct pollfd p = { .fd = *fd, .events = POLLIN };
                        /* only what is there already: a background process
                         * may hold the pipe open forever */
                        if (poll(&p, 1, 0) <= 0)
                                break;
                        if (!pump_output(s, which))
                                break;
                }
        }
        if (s->log) {
                (void) json_log_flush(s->log, LOG_STREAM_STDOUT);
                (void) json_log_flush(s->log, LOG_STREAM_STDERR);
        }
}

void session_done(Session *s) {
        if (s->terminal && s->in == s->out)
                s->in = -EBADF;
        safe_close(s->out);
        safe_close(s->err);
        safe_close(s->in);
        for (size_t i = 0; i < s->n_clients; i++) {
                safe_close(s->clients[i].in);
                safe_close(s->clients[i].out);
                safe_close(s->clients[i].err);
        }
        free(s->pending);
        session_init(s);
}
