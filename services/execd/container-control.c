/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* execd's side of a monitor's control socket (RUN/exec/ID/ctl): Attach and
 * Resize are quick requests answered at once; Exec stays connected until
 * the process ends (ExecExited). A restarted execd uses the same socket. */
#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "bus-errors.h"
#include "execd.h"
#include "fs-util.h"
#include "log.h"

#define CONTROL_TIMEOUT_MS 10000

static int control_connect(Container *c) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        _cleanup_(closep) int dirfd = -EBADF, fd = -EBADF;

        if (c->state != CONTAINER_RUNNING)
                return -ESRCH;
        dirfd = open(c->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0)
                return -errno;
        /* through the directory fd: the full path may not fit sun_path */
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", dirfd, MONITOR_CONTROL_SOCKET);
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (connect(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return errno == ENOENT || errno == ECONNREFUSED ? -ESRCH : -errno;
        return TAKE_FD(fd);
}

static int control_send(int fd, const MonitorRequest *req, const int *fds, size_t n_fds) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int) * 4)];
        } control = {};
        struct iovec iov = { .iov_base = (void *) req, .iov_len = sizeof(*req) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (n_fds > 0) {
                mh.msg_control = &control;
                mh.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
                struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
                cm->cmsg_level = SOL_SOCKET;
                cm->cmsg_type = SCM_RIGHTS;
                cm->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
                memcpy(CMSG_DATA(cm), fds, sizeof(int) * n_fds);
        }
        if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
                return -errno;
        return 0;
}

/* The monitor answers these at once; bounded, so a wedged monitor cannot
 * hold the event loop for long. */
int container_control_call(Container *c, const MonitorRequest *req, const int *fds, size_t n_fds,
                           MonitorMessage *ret) {
        _cleanup_(closep) int fd = -EBADF;
        struct pollfd p;
        int r;

        fd = control_connect(c);
        if (fd < 0)
                return fd;
        r = control_send(fd, req, fds, n_fds);
        if (r < 0)
                return r;
        p = (struct pollfd) { .fd = fd, .events = POLLIN };
        r = poll(&p, 1, CONTROL_TIMEOUT_MS);
        if (r < 0)
                return -errno;
        if (r == 0)
                return -ETIMEDOUT;
        ssize_t n = monitor_recv(fd, ret, sizeof(*ret), NULL, 0);
        if (n < 0)
                return (int) n;
        if ((size_t) n != sizeof(*ret))
                return -ESRCH; /* the monitor went away */
        ret->text[sizeof(ret->text) - 1] = 0;
        return 0;
}

/* --- Exec --- */

typedef struct ExecSession {
        Manager *manager;
        char *id;
        int fd;
        pid_t pid;
        sd_event_source *source;
        sd_bus_message *message;        /* the pending Exec call */
} ExecSession;

static ExecSession *exec_session_free(ExecSession *x) {
        if (!x)
                return NULL;
        sd_event_source_disable_unref(x->source);
        safe_close(x->fd);
        if (x->message) {
                (void) sd_bus_reply_method_errorf(x->message, SD_BUS_ERROR_FAILED,
                                                  "The container's monitor went away");
                sd_bus_message_unref(x->message);
        }
        free(x->id);
        free(x);
        return NULL;
}

static int on_exec_message(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        ExecSession *x = userdata;
        MonitorMessage m = {};
        ssize_t n = monitor_recv(fd, &m, sizeof(m), NULL, 0);
        int r;

        if (n == -EAGAIN || n == -EINTR)
                return 0;
        if (n <= 0 || (size_t) n != sizeof(m)) {
                exec_session_free(x);
                return 0;
        }
        m.text[sizeof(m.text) - 1] = 0;
        switch (m.type) {
        case MONITOR_STARTED:
                x->pid = m.pid;
                log_info("Container %s: exec'd pid %d.", x->id, (int) m.pid);
                if (x->message) {
                        r = sd_bus_reply_method_return(x->message, "u", (uint32_t) m.pid);
                        if (r < 0)
                                log_warning_errno(r, "Failed to reply to Exec: %m");
                        x->message = sd_bus_message_unref(x->message);
                }
                break;
        case MONITOR_FAILED:
                if (x->message) {
                        (void) sd_bus_reply_method_errorf(x->message, monitor_error_name(&m), "%s", m.text);
                        x->message = sd_bus_message_unref(x->message);
                }
                exec_session_free(x);
                break;
        case MONITOR_EXEC_EXITED:
                r = sd_bus_emit_signal(x->manager->bus, EXEC1_PATH, EXEC1_INTERFACE, "ExecExited", "sui",
                                       x->id, (uint32_t) m.pid, m.code);
                if (r < 0)
                        log_warning_errno(r, "Failed to emit ExecExited: %m");
                exec_session_free(x);
                break;
        }
        return 0;
}

int container_exec(Container *c, const ExecSpec *process, int stdio[3], sd_bus_message *message) {
        _cleanup_(freep) char *buf = NULL;
        _cleanup_(closep) int memfd = -EBADF;
        ExecSession *x;
        size_t size;
        int r;

        r = exec_spec_serialize(process, &buf, &size);
        if (r < 0)
                return r;
        memfd = memfd_create("wharf-exec-process", MFD_CLOEXEC);
        if (memfd < 0)
                return -errno;
        r = loop_write(memfd, buf, size);
        if (r < 0)
                return r;

        x = calloc(1, sizeof(ExecSession));
        if (!x)
                return -ENOMEM;
        *x = (ExecSession) { .manager = c->manager, .fd = -EBADF };
        x->id = strdup(c->id);
        if (!x->id) {
                exec_session_free(x);
                return -ENOMEM;
        }
        x->fd = control_connect(c);
        if (x->fd < 0) {
                r = x->fd;
                exec_session_free(x);
                return r;
        }
        MonitorRequest req = { .type = MONITOR_REQUEST_EXEC };
        r = control_send(x->fd, &req, (int[]) { stdio[0], stdio[1], stdio[2], memfd }, 4);
        if (r >= 0)
                r = sd_event_add_io(c->manager->event, &x->source, x->fd, EPOLLIN, on_exec_message, x);
        if (r < 0) {
                exec_session_free(x);
                return r;
        }
        x->message = sd_bus_message_ref(message);
        return 0;
}
