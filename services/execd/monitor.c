/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-monitor: one tiny process per container, in the manner of conmon.
 * It puts the container in its cgroup, creates the init in its namespaces,
 * tells execd when the program runs (or why not), holds the container's
 * stdio (pipes, or a pty), writes its json-file log and copies output to
 * attached clients, serves Attach/Resize/Exec on RUN/exec/ID/ctl, reaps the
 * init and every orphan below it (it is a subreaper: PID 1 here never
 * reaps), records the exit code in a file and tells execd, then removes the
 * cgroup. It outlives execd: a vanished peer is not an error. */
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include "exec-util.h"
#include "fs-util.h"
#include "monitor-io.h"
#include "monitor-linux.h"
#include "monitor-oci.h"

#define MAX_CONFIG_SIZE (16u * 1024u * 1024u)
#define CONNS_MAX 32
#define EXECS_MAX 32
#define POLL_MAX 256

typedef struct Exec {
        pid_t pid;
        int conn;               /* the control connection that asked; -EBADF when gone */
        Session session;        /* with a terminal only */
} Exec;

static struct {
        const char *id;
        char *bundle;           /* absolute state directory: the OCI bundle */
        ExecSpec spec;
        Cgroup cgroup;
        int dirfd, listen_fd, sigfd, own_pidns;
        pid_t init_pid;
        int init_pidfd;
        bool init_done;
        Session init;
        JsonLog log;
        int conns[CONNS_MAX];
        Exec execs[EXECS_MAX];
} M;

static int read_config_fd(int fd, ExecSpec *ret) {
        _cleanup_(freep) char *buf = NULL;
        struct stat st;
        size_t n = 0;

        if (fstat(fd, &st) < 0)
                return -errno;
        if (st.st_size <= 0 || (uint64_t) st.st_size > MAX_CONFIG_SIZE)
                return -EBADMSG;
        buf = malloc(st.st_size);
        if (!buf)
                return -ENOMEM;
        while (n < (size_t) st.st_size) {
                ssize_t k = pread(fd, buf + n, st.st_size - n, n);
                if (k < 0 && errno == EINTR)
                        continue;
                if (k <= 0)
                        return k < 0 ? -errno : -EBADMSG;
                n += k;
        }
        return exec_spec_deserialize(buf, n, ret);
}

/* Writes "name" in the state directory atomically (RUN is a tmpfs: no fsync). */
static void write_state_file(const char *name, const char *text) {
        char tmp[64];
        int fd;

        snprintf(tmp, sizeof(tmp), ".%s.tmp", name);
        fd = openat(M.dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd < 0)
                return;
        if (loop_write(fd, text, strlen(text)) < 0) {
                close(fd);
                (void) unlinkat(M.dirfd, tmp, 0);
                return;
        }
        close(fd);
        (void) renameat(M.dirfd, tmp, M.dirfd, name);
}

static void send_message(int fd, const MonitorMessage *m, int pass_fd) {
        /* execd may be gone (EPIPE): the state files still tell */
        if (fd >= 0)
                (void) monitor_send_fd(fd, m, pass_fd);
}

static pid_t clone_child(unsigned long flags, int *ret_pidfd, int cgroup_fd) {
        struct clone_args args = {
                .flags = flags | (ret_pidfd ? CLONE_PIDFD : 0) | (cgroup_fd >= 0 ? CLONE_INTO_CGROUP : 0),
                .pidfd = (uint64_t) (uintptr_t) ret_pidfd,
                .exit_signal = SIGCHLD,
                .cgroup = cgroup_fd >= 0 ? (uint64_t) cgroup_fd : 0,
        };
        pid_t pid;

        /* fork-like: no new stack, the child continues here on a copy */
        pid = (pid_t) syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0 && errno == ENOSYS && cgroup_fd < 0)
                pid = (pid_t) syscall(SYS_clone, flags | (ret_pidfd ? CLONE_PIDFD : 0) | SIGCHLD, NULL,
                                      ret_pidfd, NULL, NULL);
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

/* Waits for the child's verdict on errfd: EOF when it exec'd. A pty master
 * it sends on the way is returned in *ret_master. Returns 0, or -1 with the
 * failure in *ret_failure. */
static int await_exec(int errfd, MonitorMessage *ret_failure, int *ret_master) {
        for (;;) {
                MonitorMessage m = {};
                int fd;
                ssize_t n = monitor_recv(errfd, &m, sizeof(m), &fd, 1);

                if (n == 0)
                        return 0;
                if (n < 0 || (size_t) n < sizeof(m)) {
                        safe_close(fd);
                        *ret_failure = (MonitorMessage) { .type = MONITOR_FAILED, .error = EIO };
                        snprintf(ret_failure->text, sizeof(ret_failure->text), "container init: short message");
                        return -1;
                }
                m.text[sizeof(m.text) - 1] = 0;
                if (m.type == MONITOR_TERMINAL && fd >= 0) {
                        safe_close(*ret_master);
                        *ret_master = fd;
                        continue;
                }
                safe_close(fd);
                *ret_failure = m;
                return -1;
        }
}

static void set_nonblock(int fd) {
        (void) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

/* --- control requests --- */

static Session *find_session(pid_t pid) {
        if (pid == 0 || pid == M.init_pid)
                return M.init_done ? NULL : &M.init;
        for (size_t i = 0; i < EXECS_MAX; i++)
                if (M.execs[i].pid == pid)
                        return &M.execs[i].session;
        return NULL;
}

static void reply_failure(int conn, int error, const char *text) {
        MonitorMessage m = { .type = MONITOR_FAILED, .error = error };

        snprintf(m.text, sizeof(m.text), "%s", text);
        send_message(conn, &m, -EBADF);
}

static void handle_exec(int conn, int fds[4]) {
        _cleanup_(exec_spec_done) ExecSpec e = {};
        MonitorMessage fail = {};
        int sock[2], master = -EBADF, r;
        unsigned long join = 0;
        size_t slot;
        pid_t pid;

        for (slot = 0; slot < EXECS_MAX && M.execs[slot].pid > 0; slot++)
                ;
        if (slot == EXECS_MAX)
                return reply_failure(conn, EMFILE, "too many exec processes");
        r = read_config_fd(fds[3], &e);
        if (r < 0)
                return reply_failure(conn, -r, "exec: bad process");
        /* docker exec runs under the container's seccomp profile */
        if (M.spec.seccomp_bpf_size > 0) {
                e.seccomp_bpf = malloc(M.spec.seccomp_bpf_size);
                if (!e.seccomp_bpf)
                        return reply_failure(conn, ENOMEM, "exec: out of memory");
                memcpy(e.seccomp_bpf, M.spec.seccomp_bpf, M.spec.seccomp_bpf_size);
                e.seccomp_bpf_size = M.spec.seccomp_bpf_size;
        }
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++)
                if (M.spec.ns[t] && t != NAMESPACE_PID)
                        join |= namespace_type_to_clone_flag(t);
        join |= CLONE_NEWNS;

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0)
                return reply_failure(conn, errno, "exec: socketpair failed");

        /* children we clone from now on are born in the container's pid ns */
        if (M.spec.ns[NAMESPACE_PID] && setns(M.init_pidfd, CLONE_NEWPID) < 0) {
                r = errno;
                close(sock[0]);
                close(sock[1]);
                return reply_failure(conn, r, "exec: the container is not running");
        }
        pid = clone_child(0, NULL, -EBADF);
        if (pid == 0) {
                InitContext ctx = {
                        .errfd = sock[1],
                        .stdio = { fds[0], fds[1], fds[2] },
                        .cgroup = &M.cgroup,
                        .join_pidfd = M.init_pidfd,
                        .join_flags = join,
                };
                close(sock[0]);
                container_exec_init(&e, &ctx);
        }
        r = errno;
        if (M.spec.ns[NAMESPACE_PID])
                (void) setns(M.own_pidns, CLONE_NEWPID);
        close(sock[1]);
        if (pid < 0) {
                close(sock[0]);
                return reply_failure(conn, r, "exec: clone failed");
        }
        r = await_exec(sock[0], &fail, &master);
        close(sock[0]);
        if (r < 0) {
                safe_close(master);
                (void) waitpid(pid, NULL, 0);
                return send_message(conn, &fail, -EBADF);
        }

        Exec *x = &M.execs[slot];
        *x = (Exec) { .pid = pid, .conn = conn };
        session_init(&x->session);
        if (e.terminal && master >= 0) {
                set_nonblock(master);
                x->session.out = x->session.in = master;
                x->session.terminal = true;
                /* the client fds are the session's now */
                (void) session_add_client(&x->session, fds[0], fds[1], fds[2], true);
                fds[0] = fds[1] = fds[2] = -EBADF;
        }
        send_message(conn, &(MonitorMessage) { .type = MONITOR_STARTED, .pid = pid }, -EBADF);
}

static void handle_request(int conn) {
        MonitorRequest req = {};
        int fds[4];
        ssize_t n = monitor_recv(conn, &req, sizeof(req), fds, 4);

        if (n <= 0) {
                /* the peer is gone: execs it started go on unreported */
                for (size_t i = 0; i < EXECS_MAX; i++)
                        if (M.execs[i].conn == conn)
                                M.execs[i].conn = -EBADF;
                for (size_t i = 0; i < CONNS_MAX; i++)
                        if (M.conns[i] == conn)
                                M.conns[i] = -EBADF;
                close(conn);
                return;
        }
        if ((size_t) n != sizeof(req))
                reply_failure(conn, EBADMSG, "bad request");
        else if (req.type == MONITOR_REQUEST_ATTACH) {
                if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0)
                        reply_failure(conn, EBADF, "attach: three fds needed");
                else if (M.init_done)
                        reply_failure(conn, ESRCH, "the container is not running");
                else if (session_add_client(&M.init, fds[0], fds[1], fds[2], false) < 0)
                        reply_failure(conn, EMFILE, "too many attached clients");
                else {
                        fds[0] = fds[1] = fds[2] = -EBADF;
                        send_message(conn, &(MonitorMessage) { .type = MONITOR_OK }, -EBADF);
                }
        } else if (req.type == MONITOR_REQUEST_RESIZE) {
                Session *s = find_session(req.pid);
                struct winsize ws = { .ws_row = req.rows, .ws_col = req.cols };
                if (!s)
                        reply_failure(conn, ESRCH, "no such process");
                else if (!s->terminal || s->out < 0)
                        reply_failure(conn, ENOTTY, "the process has no terminal");
                else if (ioctl(s->out, TIOCSWINSZ, &ws) < 0)
                        reply_failure(conn, errno, "resize failed");
                else
                        send_message(conn, &(MonitorMessage) { .type = MONITOR_OK }, -EBADF);
        } else if (req.type == MONITOR_REQUEST_EXEC) {
                if (fds[0] < 0 || fds[1] < 0 || fds[2] < 0 || fds[3] < 0)
                        reply_failure(conn, EBADF, "exec: four fds needed");
                else if (M.init_done)
                        reply_failure(conn, ESRCH, "the container is not running");
                else
                        handle_exec(conn, fds);
        } else
                reply_failure(conn, EOPNOTSUPP, "unknown request");
        for (int i = 0; i < 4; i++)
                safe_close(fds[i]);
}

static void accept_conn(void) {
        int fd = accept4(M.listen_fd, NULL, NULL, SOCK_CLOEXEC);

        if (fd < 0)
                return;
        for (size_t i = 0; i < CONNS_MAX; i++)
                if (M.conns[i] < 0) {
                        M.conns[i] = fd;
                        return;
                }
        close(fd);
}

/* --- exits --- */

/* Without a pid namespace, the init's death leaves its children running:
 * end them, as runc does, so the cgroup empties. */
static void kill_cgroup(void) {
        const char *dir;
        _cleanup_(freep) char *procs = NULL;

        if (!M.cgroup.ops || !(dir = M.cgroup.ops->procs_dir(&M.cgroup)))
                return;
        if (cgroup_read(dir, "cgroup.procs", &procs) < 0)
                return;
        for (char *p = procs; *p; ) {
                int pid = atoi(p);
                if (pid > 0)
                        (void) kill(pid, SIGKILL);
                p = strchrnul(p, '\n');
                if (*p)
                        p++;
        }
}

static void init_exited(int status) {
        MonitorMessage m = {
                .type = MONITOR_EXITED,
                .pid = M.init_pid,
                .code = exit_code_from_status(status),
        };
        uint64_t ooms = 0;
        char text[16];

        session_drain(&M.init);
        if (M.cgroup.ops && M.cgroup.ops->oom_kills(&M.cgroup, &ooms) >= 0 && ooms > 0)
                write_state_file(MONITOR_OOM_FILE, "1\n");
        /* before anyone hears of the exit: a Delete then finds nothing of
         * the runtime's (state, cgroups of controllers we do not manage) */
        if (M.spec.runtime_path)
                oci_delete(M.spec.runtime_path, M.bundle, M.id);
        snprintf(text, sizeof(text), "%d\n", m.code);
        write_state_file(MONITOR_EXIT_FILE, text);
        send_message(MONITOR_FD_SYNC, &m, -EBADF);
        session_done(&M.init);
        M.init_pidfd = safe_close(M.init_pidfd);
        M.init_done = true;
        if (!M.spec.ns[NAMESPACE_PID] || M.spec.ns_path[NAMESPACE_PID])
                kill_cgroup();
}

static void exec_exited(Exec *x, int status) {
        MonitorMessage m = {
                .type = MONITOR_EXEC_EXITED,
                .pid = x->pid,
                .code = exit_code_from_status(status),
        };

        session_drain(&x->session);
        session_done(&x->session);
        send_message(x->conn, &m, -EBADF);
        x->pid = 0;
        x->conn = -EBADF;
}

/* Returns false once everything below us is gone and the init is done. */
static bool reap(void) {
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG | __WALL);

                if (pid < 0) {
                        if (errno == EINTR)
                                continue;
                        return !M.init_done; /* ECHILD: all gone */
                }
                if (pid == 0)
                        return true;
                if (pid == M.init_pid && !M.init_done) {
                        init_exited(status);
                        continue;
                }
                for (size_t i = 0; i < EXECS_MAX; i++)
                        if (M.execs[i].pid == pid)
                                exec_exited(&M.execs[i], status);
        }
}

static void loop(void) {
        struct pollfd p[POLL_MAX];
        int tags[POLL_MAX];
        Session *owner[POLL_MAX];

        for (;;) {
                size_t n = 0, before;

                p[n] = (struct pollfd) { .fd = M.sigfd, .events = POLLIN };
                tags[n] = -1, owner[n++] = NULL;
                p[n] = (struct pollfd) { .fd = M.listen_fd, .events = POLLIN };
                tags[n] = -2, owner[n++] = NULL;
                for (size_t i = 0; i < CONNS_MAX; i++)
                        if (M.conns[i] >= 0) {
                                p[n] = (struct pollfd) { .fd = M.conns[i], .events = POLLIN };
                                tags[n] = -3, owner[n++] = NULL;
                        }
                before = n;
                if (!M.init_done)
                        session_fill_poll(&M.init, p, tags, &n, POLL_MAX);
                for (size_t i = before; i < n; i++)
                        owner[i] = &M.init;
                for (size_t k = 0; k < EXECS_MAX; k++) {
                        if (M.execs[k].pid <= 0)
                                continue;
                        before = n;
                        session_fill_poll(&M.execs[k].session, p, tags, &n, POLL_MAX);
                        for (size_t i = before; i < n; i++)
                                owner[i] = &M.execs[k].session;
                }

                if (poll(p, n, -1) < 0) {
                        if (errno == EINTR)
                                continue;
                        return;
                }
                for (size_t i = 0; i < n; i++) {
                        if (!p[i].revents)
                                continue;
                        if (tags[i] == -1) {
                                struct signalfd_siginfo si;
                                while (read(M.sigfd, &si, sizeof(si)) > 0)
                                        ;
                                if (!reap())
                                        return;
                                /* the sessions may be gone: poll afresh */
                                break;
                        } else if (tags[i] == -2)
                                accept_conn();
                        else if (tags[i] == -3)
                                handle_request(p[i].fd);
                        else if (owner[i] && (owner[i] != &M.init || !M.init_done))
                                session_dispatch(owner[i], tags[i], p[i].revents);
                }
        }
}

static int listen_control(void) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        /* through our directory fd: RUN/exec/<64 hex>/ctl may not fit */
        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", M.dirfd, MONITOR_CONTROL_SOCKET);
        fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlinkat(M.dirfd, MONITOR_CONTROL_SOCKET, 0);
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 16) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

static int fail(int error, const char *what) {
        monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, error, "%s: %s", what, strerror(error));
        return 1;
}

static void cleanup_cgroup(void) {
        if (!M.cgroup.ops)
                return;
        (void) cgroup_destroy(&M.cgroup);
        (void) unlinkat(M.dirfd, MONITOR_CGROUP_FILE, 0);
        cgroup_done(&M.cgroup);
}

/* An external OCI runtime creates and starts the container; its init is
 * then our child like our own. The cgroup it made (same path rules as ours:
 * linux.cgroupsPath below the runtime's own cgroup, which is ours) is
 * recorded for execd's Pause/Stats/ListProcesses and our Exec. */
/* runc's --console-socket: a stream socket in the bundle, bound through our
 * directory fd (RUN/exec/<64 hex>/... may not fit sun_path); the runtime
 * runs in the bundle and gets the relative name. */
#define MONITOR_CONSOLE_SOCKET "console.sock"

static int listen_console(void) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd;

        snprintf(sa.sun_path, sizeof(sa.sun_path), "/proc/self/fd/%d/%s", M.dirfd, MONITOR_CONSOLE_SOCKET);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlinkat(M.dirfd, MONITOR_CONSOLE_SOCKET, 0);
        if (bind(fd, (struct sockaddr *) &sa, sizeof(sa)) < 0 || listen(fd, 1) < 0) {
                int r = -errno;
                close(fd);
                return r;
        }
        return fd;
}

/* The pty master the runtime sent (with the pty's name) while `create` ran:
 * queued on the socket, so it is read once create has exited. */
static int receive_console(int listen_fd) {
        char name[4096];
        int conn, fd;
        ssize_t n;

        conn = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
        if (conn < 0)
                return errno == EAGAIN ? -ENOTCONN : -errno;
        n = monitor_recv(conn, name, sizeof(name), &fd, 1);
        close(conn);
        if (n < 0)
                return (int) n;
        return fd >= 0 ? fd : -EBADMSG;
}

static int start_oci(const char *cgroup_path, const int stdio[3], int errfd, pid_t *ret_pid, int *ret_master) {
        _cleanup_(closep) int console = -EBADF, err_read = -EBADF;
        MonitorMessage failure = {};
        int err_pipe[2], r;
        pid_t pid;

        if (M.spec.terminal) {
                /* the container's stdio is the pty: the runtime's complaints
                 * come through a pipe of our own */
                console = listen_console();
                if (console < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
                        oci_failure_from_text("console socket failed", &failure);
                        goto fail;
                }
                err_read = err_pipe[0];
                r = oci_create(M.spec.runtime_path, M.bundle, M.id, (int[]) { -1, -1, err_pipe[1] },
                               err_read, MONITOR_CONSOLE_SOCKET, &pid, &failure);
                close(err_pipe[1]);
                (void) unlinkat(M.dirfd, MONITOR_CONSOLE_SOCKET, 0);
                if (r < 0)
                        goto fail;
                *ret_master = receive_console(console);
                if (*ret_master < 0) {
                        char text[128];
                        snprintf(text, sizeof(text), "OCI runtime create: no terminal on the console socket: %s",
                                 strerror(-*ret_master));
                        oci_failure_from_text(text, &failure);
                        failure.stage = MONITOR_STAGE_SETUP;
                        *ret_master = -EBADF;
                        goto fail;
                }
        } else if (oci_create(M.spec.runtime_path, M.bundle, M.id, stdio, errfd, NULL, &pid, &failure) < 0)
                goto fail;
        M.init_pidfd = (int) syscall(SYS_pidfd_open, pid, 0);
        if (M.init_pidfd < 0) {
                oci_failure_from_text("pidfd_open of the container init failed", &failure);
                goto fail;
        }
        if (cgroup_create(&M.cgroup, cgroup_path) >= 0) {
                _cleanup_(freep) char *saved = NULL;
                if (cgroup_save(&M.cgroup, &saved) >= 0)
                        write_state_file(MONITOR_CGROUP_FILE, saved);
        } else
                cgroup_done(&M.cgroup);
        if (oci_start(M.spec.runtime_path, M.bundle, M.id, &failure) < 0)
                goto fail;
        *ret_pid = pid;
        return 0;

fail:
        /* clean first: the failure's receiver may look for leftovers at once */
        *ret_master = safe_close(*ret_master);
        (void) unlinkat(M.dirfd, MONITOR_CONSOLE_SOCKET, 0);
        M.init_pidfd = safe_close(M.init_pidfd);
        oci_delete(M.spec.runtime_path, M.bundle, M.id);
        /* reap what the runtime left to us */
        while (waitpid(-1, NULL, WNOHANG | __WALL) > 0)
                ;
        cleanup_cgroup();
        (void) unlinkat(M.dirfd, MONITOR_CONTROL_SOCKET, 0);
        send_message(MONITOR_FD_SYNC, &failure, -EBADF);
        return -1;
}

int main(int argc, char *argv[]) {
        int sock[2], ctr_in[2] = { -EBADF, -EBADF }, ctr_out[2] = { -EBADF, -EBADF },
            ctr_err[2] = { -EBADF, -EBADF }, master = -EBADF, cgroup_fd = -EBADF, r;
        unsigned long flags = CLONE_NEWNS;
        MonitorMessage failure = {};
        _cleanup_(freep) char *cgroup_path = NULL, *what = NULL;
        bool cgroup_ns = false;
        char text[64];
        sigset_t mask;
        pid_t pid;

        if (argc != 3) {
                fprintf(stderr, "Usage: wharf-monitor ID STATE_DIR (started by wharf-execd)\n");
                return 2;
        }
        M.id = argv[1];
        M.init_pidfd = M.listen_fd = M.sigfd = M.own_pidns = -EBADF;
        for (size_t i = 0; i < CONNS_MAX; i++)
                M.conns[i] = -EBADF;
        for (size_t i = 0; i < EXECS_MAX; i++)
                M.execs[i].conn = -EBADF;
        session_init(&M.init);

        (void) setsid();
        (void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        (void) signal(SIGPIPE, SIG_IGN);
        (void) signal(SIGHUP, SIG_IGN);
        (void) fcntl(MONITOR_FD_SYNC, F_SETFD, FD_CLOEXEC);
        (void) fcntl(MONITOR_FD_CONFIG, F_SETFD, FD_CLOEXEC);

        M.dirfd = open(argv[2], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (M.dirfd < 0 || chdir("/") < 0)
                return fail(errno, "open state directory");
        r = read_config_fd(MONITOR_FD_CONFIG, &M.spec);
        (void) close(MONITOR_FD_CONFIG);
        if (r < 0 || !M.spec.root_path)
                return fail(r < 0 ? -r : EBADMSG, "read config");

        /* the cgroup first: limits hold from the first instruction */
        if (M.spec.cgroups_path)
                cgroup_path = strdup(M.spec.cgroups_path);
        else
                r = asprintf(&cgroup_path, "wharf/%s", M.id);
        if (!cgroup_path)
                return fail(ENOMEM, "cgroup");
        if (M.spec.runtime_path) {
                /* the external runtime makes the cgroup and the namespaces */
                M.bundle = realpath(argv[2], NULL);
                if (!M.bundle)
                        return fail(errno, "bundle");
                goto pipes;
        }
        r = cgroup_create(&M.cgroup, cgroup_path);
        if (r < 0) {
                cleanup_cgroup();
                return fail(-r, "create the cgroup");
        }
        r = M.cgroup.ops->apply(&M.cgroup, &M.spec.resources, &what);
        if (r < 0) {
                cleanup_cgroup();
                monitor_report_failure(MONITOR_FD_SYNC, MONITOR_STAGE_SETUP, -r, "cgroup %s: %s",
                                       what ?: "?", r == -EOPNOTSUPP ? "controller not available" : strerror(-r));
                return 1;
        }
        {
                _cleanup_(freep) char *saved = NULL;
                if (cgroup_save(&M.cgroup, &saved) >= 0)
                        write_state_file(MONITOR_CGROUP_FILE, saved);
        }
        cgroup_fd = M.cgroup.ops->open_for_clone(&M.cgroup);

        if (join_namespaces(&M.spec) < 0) {
                cleanup_cgroup();
                return 1;
        }
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++)
                if (M.spec.ns[t] && !M.spec.ns_path[t])
                        flags |= namespace_type_to_clone_flag(t);
        if (M.spec.ns_path[NAMESPACE_MOUNT])
                flags &= ~CLONE_NEWNS;
        /* a cgroup ns is rooted where its creator is: made inside, by the init */
        cgroup_ns = flags & CLONE_NEWCGROUP;
        flags &= ~CLONE_NEWCGROUP;

pipes:

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0 ||
            (!M.spec.terminal && (pipe2(ctr_in, O_CLOEXEC) < 0 || pipe2(ctr_out, O_CLOEXEC) < 0 ||
                                  pipe2(ctr_err, O_CLOEXEC) < 0))) {
                cleanup_cgroup();
                return fail(errno, "pipe");
        }
        M.listen_fd = listen_control();
        if (M.listen_fd < 0) {
                cleanup_cgroup();
                return fail(-M.listen_fd, "control socket");
        }
        if (M.spec.ns[NAMESPACE_PID])
                M.own_pidns = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);

        /* SIGCHLD through a signalfd; the children reset their mask */
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        (void) sigprocmask(SIG_BLOCK, &mask, NULL);

        if (M.spec.runtime_path) {
                r = start_oci(cgroup_path, (int[]) { ctr_in[0], ctr_out[1], ctr_err[1] }, ctr_err[0], &pid, &master);
                close(sock[0]);
                close(sock[1]);
                safe_close(ctr_in[0]);
                safe_close(ctr_out[1]);
                safe_close(ctr_err[1]);
                if (r < 0)
                        return 1;
                goto started;
        }
        pid = clone_child(flags, &M.init_pidfd, cgroup_fd);
        if (pid < 0 && cgroup_fd >= 0) {
                /* CLONE_INTO_CGROUP refused (old kernel): the child moves itself */
                cgroup_fd = safe_close(cgroup_fd);
                pid = clone_child(flags, &M.init_pidfd, -EBADF);
        }
        if (pid < 0) {
                cleanup_cgroup();
                return fail(errno, "clone");
        }
        if (pid == 0) {
                InitContext ctx = {
                        .errfd = sock[1],
                        .stdio = { ctr_in[0], ctr_out[1], ctr_err[1] },
                        .cgroup = &M.cgroup,
                        .in_cgroup = cgroup_fd >= 0,
                        .cgroup_ns = cgroup_ns,
                };
                close(sock[0]);
                container_init(&M.spec, &ctx);
        }
        safe_close(cgroup_fd);
        close(sock[1]);
        safe_close(ctr_in[0]);
        safe_close(ctr_out[1]);
        safe_close(ctr_err[1]);

        r = await_exec(sock[0], &failure, &master);
        close(sock[0]);
        if (r < 0) {
                send_message(MONITOR_FD_SYNC, &failure, -EBADF);
                safe_close(master);
                (void) waitpid(pid, NULL, __WALL);
                cleanup_cgroup();
                (void) unlinkat(M.dirfd, MONITOR_CONTROL_SOCKET, 0);
                return 1;
        }
started:
        M.init_pid = pid;

        snprintf(text, sizeof(text), "monitor=%d\ninit=%d\n", (int) getpid(), (int) pid);
        write_state_file(MONITOR_STATE_FILE, text);
        /* execd keeps its own pidfd of the init */
        send_message(MONITOR_FD_SYNC, &(MonitorMessage) { .type = MONITOR_STARTED, .pid = pid }, M.init_pidfd);

        /* stdio: Run's fds are the first client; the container has its own */
        if (M.spec.terminal) {
                M.init.out = M.init.in = master;
                M.init.terminal = true;
                set_nonblock(master);
        } else {
                M.init.in = ctr_in[1];
                M.init.out = ctr_out[0];
                M.init.err = ctr_err[0];
                set_nonblock(ctr_in[1]);
                set_nonblock(ctr_out[0]);
                set_nonblock(ctr_err[0]);
        }
        M.init.keep_stdin = M.spec.stdin_keep_open;
        if (M.spec.log_path && json_log_open(&M.log, M.spec.log_path, M.spec.log_max_size, M.spec.log_max_file) >= 0)
                M.init.log = &M.log;
        for (int fd = 0; fd < 3; fd++) {
                int d = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                if (d < 0)
                        d = -EBADF;
                if (fd == 0)
                        ctr_in[0] = d;
                else if (fd == 1)
                        ctr_out[1] = d;
                else
                        ctr_err[1] = d;
        }
        (void) session_add_client(&M.init, ctr_in[0], ctr_out[1], ctr_err[1], true);
        {
                /* our own 0-2 no longer hold the client's files */
                int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
                for (int fd = 0; fd < 3 && devnull >= 0; fd++)
                        (void) dup2(devnull, fd);
                safe_close(devnull);
        }

        M.sigfd = signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK);
        if (M.sigfd < 0) {
                (void) kill(pid, SIGKILL);
                return 1;
        }
        if (reap())
                loop();

        for (size_t i = 0; i < CONNS_MAX; i++)
                safe_close(M.conns[i]);
        safe_close(M.listen_fd);
        (void) unlinkat(M.dirfd, MONITOR_CONTROL_SOCKET, 0);
        json_log_close(&M.log);
        cleanup_cgroup();
        return 0;
}
