/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-monitor: one tiny process per container, in the manner of conmon.
 * It creates the container init in its namespaces, tells execd when the
 * program runs (or why not), reaps the init and every orphan below it (it is
 * a subreaper: PID 1 here never reaps), records the exit code in a file and
 * tells execd. It outlives execd: a vanished peer is not an error. */
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "exec-util.h"
#include "fs-util.h"
#include "monitor-linux.h"

#define MAX_CONFIG_SIZE (16u * 1024u * 1024u)

static int read_config(ExecSpec *ret) {
        _cleanup_(freep) char *buf = NULL;
        struct stat st;
        size_t n = 0;

        if (fstat(MONITOR_FD_CONFIG, &st) < 0)
                return -errno;
        if (st.st_size <= 0 || (uint64_t) st.st_size > MAX_CONFIG_SIZE)
                return -EBADMSG;
        buf = malloc(st.st_size);
        if (!buf)
                return -ENOMEM;
        while (n < (size_t) st.st_size) {
                ssize_t k = pread(MONITOR_FD_CONFIG, buf + n, st.st_size - n, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return k < 0 ? -errno : -EBADMSG;
                n += k;
        }
        (void) close(MONITOR_FD_CONFIG);
        return exec_spec_deserialize(buf, n, ret);
}

/* Writes "name" in the state directory atomically. */
static void write_state_file(int dirfd, const char *name, const char *text) {
        char tmp[64];
        int fd;

        snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
        fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        if (loop_write(fd, text, strlen(text)) < 0 || fsync(fd) < 0) {
                close(fd);
                (void) unlinkat(dirfd, tmp, 0);
                return;
        }
        close(fd);
        (void) renameat(dirfd, tmp, dirfd, name);
}

static void send_message(const MonitorMessage *m, int pass_fd) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control = {};
        struct iovec iov = { .iov_base = (void *) m, .iov_len = sizeof(*m) };
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

        if (pass_fd >= 0) {
                mh.msg_control = &control;
                mh.msg_controllen = sizeof(control.buf);
                struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
                c->cmsg_level = SOL_SOCKET;
                c->cmsg_type = SCM_RIGHTS;
                c->cmsg_len = CMSG_LEN(sizeof(int));
                memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
        }
        /* execd may be gone (EPIPE): the state files still tell */
        while (sendmsg(MONITOR_FD_SYNC, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
                ;
}

static pid_t clone_init(unsigned long flags, int *ret_pidfd) {
        struct clone_args args = {
                .flags = flags | CLONE_PIDFD,
                .pidfd = (uint64_t) (uintptr_t) ret_pidfd,
                .exit_signal = SIGCHLD,
        };
        pid_t pid;

        /* fork-like: no new stack, the child continues here on a copy */
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0 && errno == ENOSYS)
                pid = (pid_t) syscall(SYS_clone, flags | CLONE_PIDFD | SIGCHLD, NULL, ret_pidfd, NULL, NULL);
        return pid;
}

static int join_namespaces(const ExecSpec *s) {
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++) {
                /* the mount namespace is joined by the init: we keep ours to
                 * write the state files */
                if (!s->ns_path[t] || t == NAMESPACE_MOUNT)
                        continue;
                int fd = open(s->ns_path[t], O_RDONLY | O_CLOEXEC);
                if (fd < 0 || setns(fd, namespace_type_to_clone_flag(t)) < 0) {
                        monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, errno,
                                               "setns %s %s: %m", namespace_type_to_string(t), s->ns_path[t]);
                        return -1;
                }
                close(fd);
        }
        return 0;
}

static void reap(pid_t init, int dirfd) {
        bool done = false;

        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, __WALL);

                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        break; /* ECHILD: nothing left below us */
                }
                if (pid != init || done)
                        continue;

                MonitorMessage m = {
                        .type = MONITOR_EXITED,
                        .pid = init,
                        .code = exit_code_from_status(status),
                };
                char text[16];

                snprintf(text, sizeof(text), "%d\n", m.code);
                write_state_file(dirfd, MONITOR_EXIT_FILE, text);
                send_message(&m, -EBADF);
                done = true;
        }
}

int main(int argc, char *argv[]) {
        _cleanup_(exec_spec_done) ExecSpec spec = {};
        MonitorMessage m = {};
        unsigned long flags = CLONE_NEWNS;
        int errpipe[2], pidfd = -EBADF, dirfd, devnull;
        char text[64];
        pid_t pid;
        ssize_t n;

        if (argc != 3) {
                fprintf(stderr, "Usage: wharf-monitor ID STATE_DIR (started by wharf-execd)\n");
                return 2;
        }

        (void) setsid();
        (void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        (void) signal(SIGPIPE, SIG_IGN);
        (void) signal(SIGHUP, SIG_IGN);
        (void) fcntl(MONITOR_FD_SYNC, F_SETFD, FD_CLOEXEC);

        dirfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd < 0 || chdir("/") < 0) {
                monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, errno, "open %s: %m", argv[2]);
                return 1;
        }
        int r = read_config(&spec);
        if (r < 0) {
                monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, -r, "read config: %s", strerror(-r));
                return 1;
        }

        if (join_namespaces(&spec) < 0)
                return 1;
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++)
                if (spec.ns[t] && !spec.ns_path[t])
                        flags |= namespace_type_to_clone_flag(t);
        if (spec.ns_path[NAMESPACE_MOUNT])
                flags &= ~CLONE_NEWNS;

        if (pipe2(errpipe, O_CLOEXEC) < 0) {
                monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, errno, "pipe: %m");
                return 1;
        }

        pid = clone_init(flags, &pidfd);
        if (pid < 0) {
                monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, errno, "clone: %m");
                return 1;
        }
        if (pid == 0) {
                close(errpipe[0]);
                close(MONITOR_FD_SYNC);
                close(dirfd);
                container_init(&spec, errpipe[1]);
        }
        close(errpipe[1]);

        /* EOF: the CLOEXEC pipe closed in a successful execve */
        do
                n = read(errpipe[0], &m, sizeof(m));
        while (n < 0 && errno == EINTR);
        close(errpipe[0]);
        if (n > 0) {
                if ((size_t) n < sizeof(m))
                        monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, EIO, "container init: short message");
                else {
                        m.text[sizeof(m.text) - 1] = 0;
                        send_message(&m, -EBADF);
                }
                (void) waitpid(pid, NULL, __WALL);
                return 1;
        }

        snprintf(text, sizeof(text), "monitor=%d\ninit=%d\n", (int) getpid(), (int) pid);
        write_state_file(dirfd, MONITOR_STATE_FILE, text);
        send_message(&(MonitorMessage) { .type = MONITOR_STARTED, .pid = pid }, pidfd);
        safe_close(pidfd);

        /* the container's stdio belongs to the container alone: readers see
         * EOF when it is done, not when we are */
        devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
        for (int fd = 0; fd < 3 && devnull >= 0; fd++)
                (void) dup2(devnull, fd);
        safe_close(devnull);

        reap(pid, dirfd);
        return 0;
}
