/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "containers.h"
#include "log.h"
#include "run-flags.h"
#include "stream.h"

#define BUF_SIZE 8192

typedef struct Output {
        StreamProxy *proxy;
        int fd;                  /* our end */
        int target;              /* STDOUT_FILENO / STDERR_FILENO */
        sd_event_source *source;
} Output;

struct StreamProxy {
        Engine *engine;
        StreamOptions options;
        char *id;
        int in_fd;               /* our end of the container's stdin */
        Output out[2];
        sd_event_source *stdin_source, *winch_source, *post_source;
        unsigned char keys[16];
        size_t n_keys, matched;
        struct termios saved;
        bool raw;
        bool detached;
        bool done;
};

int terminal_size(int fd, unsigned short *ret_rows, unsigned short *ret_cols) {
        struct winsize ws = {};

        if (ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_row == 0)
                return 0;
        *ret_rows = ws.ws_row;
        *ret_cols = ws.ws_col;
        return 1;
}

static void send_resize(StreamProxy *p) {
        unsigned short rows, cols;

        if (!p->options.tty || terminal_size(STDIN_FILENO, &rows, &cols) <= 0)
                return;
        /* best effort: a resize that does not arrive is no reason to stop */
        (void) sd_bus_call_method_async(p->engine->bus, NULL, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                        "Resize", NULL, NULL, "suqq", p->id, p->options.exec_pid, rows, cols);
}

static int write_all(int fd, const void *buf, size_t n) {
        const char *b = buf;

        while (n > 0) {
                ssize_t k = write(fd, b, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                b += k;
                n -= (size_t) k;
        }
        return 0;
}

static void stdin_stop(StreamProxy *p) {
        p->stdin_source = sd_event_source_disable_unref(p->stdin_source);
        /* EOF for the container: shut our side so the monitor sees it */
        if (p->in_fd >= 0)
                (void) shutdown(p->in_fd, SHUT_WR);
}

/* docker's detach-key scan: bytes matching a prefix of the keys are held
 * back; a mismatch releases them */
static int on_stdin(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        StreamProxy *p = userdata;
        unsigned char buf[BUF_SIZE], out[BUF_SIZE + sizeof p->keys];
        size_t n_out = 0;
        ssize_t n;

        n = read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0) {
                stdin_stop(p);
                return 0;
        }
        for (ssize_t i = 0; i < n; i++) {
                if (p->n_keys > 0 && buf[i] == p->keys[p->matched]) {
                        if (++p->matched == p->n_keys) {
                                p->detached = true;
                                p->done = true;
                                return 0;
                        }
                        continue;
                }
                memcpy(out + n_out, p->keys, p->matched);
                n_out += p->matched;
                p->matched = 0;
                if (p->n_keys > 0 && buf[i] == p->keys[0]) {
                        p->matched = 1;
                        continue;
                }
                out[n_out++] = buf[i];
        }
        if (n_out > 0 && write_all(p->in_fd, out, n_out) < 0)
                stdin_stop(p);
        return 0;
}

static int on_output(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Output *o = userdata;
        char buf[BUF_SIZE];
        ssize_t n;

        n = read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return 0;
        if (n <= 0) {
                o->source = sd_event_source_disable_unref(o->source);
                o->fd = safe_close(o->fd);
                return 0;
        }
        (void) write_all(o->target, buf, (size_t) n);
        return 0;
}

static int on_winch(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        send_resize(userdata);
        return 0;
}

static int on_post(sd_event_source *s, void *userdata) {
        StreamProxy *p = userdata;
        bool open = p->out[0].fd >= 0 || p->out[1].fd >= 0;

        if (p->detached || (!open && *p->options.exited))
                p->done = true;
        return 0;
}

static int socket_pair(int ret[2]) {
        return socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ret) < 0 ? -errno : 0;
}

int stream_proxy_new(Engine *e, const StreamOptions *o, StreamProxy **ret, int *ret_in, int *ret_out, int *ret_err) {
        _cleanup_(stream_proxy_freep) StreamProxy *p = NULL;
        int in[2] = { -EBADF, -EBADF }, out[2], err[2] = { -EBADF, -EBADF }, r;

        p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        p->engine = e;
        p->options = *o;
        p->in_fd = p->out[0].fd = p->out[1].fd = -EBADF;
        p->id = strdup(o->id);
        if (!p->id)
                return -ENOMEM;
        if (o->tty) {
                r = detach_keys_parse(o->detach_keys ?: DETACH_KEYS_DEFAULT, p->keys, sizeof p->keys);
                if (r < 0)
                        return r;
                p->n_keys = (size_t) r;
        }

        if (o->stdin_ && (r = socket_pair(in)) < 0)
                return r;
        p->in_fd = in[0];
        if ((r = socket_pair(out)) < 0)
                goto fail;
        p->out[0] = (Output) { .proxy = p, .fd = out[0], .target = STDOUT_FILENO };
        if (!o->tty) {
                if ((r = socket_pair(err)) < 0) {
                        safe_close(out[1]);
                        goto fail;
                }
                p->out[1] = (Output) { .proxy = p, .fd = err[0], .target = STDERR_FILENO };
        }
        /* stdin goes one way: the container's end only reads (it sees EOF
         * when we shut our side) */
        if (in[1] >= 0)
                (void) shutdown(in[1], SHUT_WR);

        for (int i = 0; i < 2; i++)
                if (p->out[i].fd >= 0) {
                        r = sd_event_add_io(e->event, &p->out[i].source, p->out[i].fd, EPOLLIN, on_output, &p->out[i]);
                        if (r < 0)
                                goto fail_all;
                }
        r = sd_event_add_post(e->event, &p->post_source, on_post, p);
        if (r < 0)
                goto fail_all;

        *ret_in = in[1];
        *ret_out = out[1];
        *ret_err = err[1];
        *ret = TAKE_PTR(p);
        return 0;

fail_all:
        safe_close(out[1]);
        safe_close(err[1]);
fail:
        safe_close(in[1]);
        return r;
}

static void terminal_restore(StreamProxy *p) {
        if (!p->raw)
                return;
        (void) tcsetattr(STDIN_FILENO, TCSADRAIN, &p->saved);
        p->raw = false;
}

int stream_proxy_run(StreamProxy *p) {
        Engine *e = p->engine;
        int r;

        if (p->options.tty && isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &p->saved) >= 0) {
                struct termios raw = p->saved;

                cfmakeraw(&raw);
                /* keep output post-processing as docker does: the container's
                 * pty already did it */
                if (tcsetattr(STDIN_FILENO, TCSADRAIN, &raw) >= 0)
                        p->raw = true;
        }
        if (p->options.tty) {
                sigset_t ss;

                sigemptyset(&ss);
                sigaddset(&ss, SIGWINCH);
                (void) sigprocmask(SIG_BLOCK, &ss, NULL);
                (void) sd_event_add_signal(e->event, &p->winch_source, SIGWINCH, on_winch, p);
                send_resize(p);
        }
        if (p->in_fd >= 0) {
                r = sd_event_add_io(e->event, &p->stdin_source, STDIN_FILENO, EPOLLIN, on_stdin, p);
                if (r == -EPERM) {
                        /* a regular file or /dev/null cannot be polled: copy it at once */
                        char buf[BUF_SIZE];
                        ssize_t n;

                        while ((n = read(STDIN_FILENO, buf, sizeof buf)) > 0)
                                if (write_all(p->in_fd, buf, (size_t) n) < 0)
                                        break;
                        stdin_stop(p);
                } else if (r < 0) {
                        terminal_restore(p);
                        return r;
                }
        }

        for (;;) {
                r = engine_wait(e, &p->done);
                if (r != -EINTR || !p->options.sig_proxy)
                        break;
                engine_forward_signals(e, p->options.id);
        }
        terminal_restore(p);
        if (r < 0)
                return r;
        return p->detached ? 1 : 0;
}

StreamProxy *stream_proxy_free(StreamProxy *p) {
        if (!p)
                return NULL;
        terminal_restore(p);
        sd_event_source_disable_unref(p->stdin_source);
        sd_event_source_disable_unref(p->winch_source);
        sd_event_source_disable_unref(p->post_source);
        for (int i = 0; i < 2; i++) {
                sd_event_source_disable_unref(p->out[i].source);
                safe_close(p->out[i].fd);
        }
        safe_close(p->in_fd);
        free(p->id);
        free(p);
        return NULL;
}

int container_resolve_id(Engine *e, const char *ref, char **ret) {
        ContainerInfo *l = NULL;
        const ContainerInfo *ci;
        size_t n = 0;

        if (container_list(e, true, "", false, &l, &n) < 0)
                return -EIO;
        ci = container_find(l, n, ref);
        if (!ci) {
                fprintf(stderr, "Error response from daemon: No such container: %s\n", ref);
                container_list_free(l, n);
                return -ESRCH;
        }
        *ret = strdup(ci->id);
        container_list_free(l, n);
        return *ret ? 0 : -ENOMEM;
}
