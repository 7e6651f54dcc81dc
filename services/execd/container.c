/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Containers as execd sees them: a monitor process to spawn and watch, a
 * state folder RUN/exec/<id> (config.json, state, exit), and a table rebuilt
 * from those folders when execd starts again. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "bus-errors.h"
#include "exec-util.h"
#include "execd.h"
#include "runtime-oci.h"
#include "fs-util.h"
#include "log.h"
#include "monitor-proto.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(DIR *, closedir);

static const char * const container_state_table[_CONTAINER_STATE_MAX] = {
        [CONTAINER_STARTING] = "starting",
        [CONTAINER_RUNNING]  = "running",
        [CONTAINER_STOPPED]  = "stopped",
};

const char *container_state_to_string(ContainerState s) {
        return s >= 0 && s < _CONTAINER_STATE_MAX ? container_state_table[s] : NULL;
}

bool container_id_is_valid(const char *id) {
        size_t l = strlen(id);

        /* a file name of its own: no '/', no dot files, bounded */
        if (l == 0 || l > 128 || id[0] == '.' || id[0] == '-')
                return false;
        return strspn(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == l;
}

static int pidfd_open(pid_t pid) {
        return (int) syscall(SYS_pidfd_open, pid, 0);
}

Container *manager_get_container(Manager *m, const char *id) {
        for (Container *c = m->containers; c; c = c->next)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

int container_new(Manager *m, const char *id, Container **ret) {
        Container *c;

        c = calloc(1, sizeof(Container));
        if (!c)
                return -ENOMEM;
        *c = (Container) {
                .manager = m,
                .init_pidfd = -EBADF,
                .monitor_pidfd = -EBADF,
                .sync_fd = -EBADF,
        };
        c->id = strdup(id);
        c->dir = path_join(m->state_dir, id);
        if (!c->id || !c->dir) {
                free(c->id);
                free(c->dir);
                free(c);
                return -ENOMEM;
        }
        c->next = m->containers;
        m->containers = c;
        *ret = c;
        return 0;
}

static void container_release_process(Container *c) {
        c->sync_source = sd_event_source_disable_unref(c->sync_source);
        c->monitor_source = sd_event_source_disable_unref(c->monitor_source);
        c->sync_fd = safe_close(c->sync_fd);
        c->init_pidfd = safe_close(c->init_pidfd);
        c->monitor_pidfd = safe_close(c->monitor_pidfd);
}

Container *container_free(Container *c) {
        if (!c)
                return NULL;

        for (Container **p = &c->manager->containers; *p; p = &(*p)->next)
                if (*p == c) {
                        *p = c->next;
                        break;
                }
        container_release_process(c);
        if (c->run_message) {
                (void) sd_bus_reply_method_errorf(c->run_message, SD_BUS_ERROR_FAILED,
                                                  "Container %s went away while starting", c->id);
                sd_bus_message_unref(c->run_message);
        }
        free(c->start_failure);
        free(c->id);
        free(c->dir);
        free(c);
        return NULL;
}

static void container_mark_reported(Container *c) {
        _cleanup_(freep) char *p = path_join(c->dir, MONITOR_REPORTED_FILE);

        if (p)
                (void) run_file_write(p, "1\n", 2, 0644);
}

static void container_exited(Container *c, int code) {
        if (c->state == CONTAINER_STOPPED)
                return;

        c->state = CONTAINER_STOPPED;
        c->exit_code = code;
        c->init_pidfd = safe_close(c->init_pidfd);
        log_info("Container %s exited with %d.", c->id, code);

        int r = sd_bus_emit_signal(c->manager->bus, EXEC1_PATH, EXEC1_INTERFACE, "Exited", "si", c->id, code);
        if (r < 0)
                log_warning_errno(r, "Failed to emit Exited for %s: %m", c->id);
        else
                container_mark_reported(c);
}

void manager_report_exits(Manager *m) {
        for (Container *c = m->containers; c; c = c->next) {
                if (!c->exit_unreported)
                        continue;
                c->exit_unreported = false;
                log_info("Container %s exited with %d while execd was away.", c->id, c->exit_code);
                int r = sd_bus_emit_signal(m->bus, EXEC1_PATH, EXEC1_INTERFACE, "Exited", "si", c->id, c->exit_code);
                if (r >= 0)
                        container_mark_reported(c);
        }
}

int container_get_cgroup(Container *c, Cgroup *ret) {
        _cleanup_(freep) char *p = path_join(c->dir, MONITOR_CGROUP_FILE), *text = NULL;
        int r;

        if (!p)
                return -ENOMEM;
        r = read_full_file(p, &text, NULL, 65536);
        if (r < 0)
                return r == -ENOENT ? -ESRCH : r;
        return cgroup_load(ret, text);
}

static uint64_t file_mtime_usec(Container *c, const char *name) {
        _cleanup_(freep) char *p = path_join(c->dir, name);
        struct stat st;

        if (!p || stat(p, &st) < 0)
                return 0;
        return (uint64_t) st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000;
}

void container_get_times(Container *c, uint64_t *ret_started, uint64_t *ret_finished) {
        *ret_started = file_mtime_usec(c, MONITOR_STATE_FILE);
        *ret_finished = c->state == CONTAINER_STOPPED ? file_mtime_usec(c, MONITOR_EXIT_FILE) : 0;
}

bool container_oom_killed(Container *c) {
        _cleanup_(freep) char *p = path_join(c->dir, MONITOR_OOM_FILE);

        return p && access(p, F_OK) >= 0;
}

/* The exit file is the record of truth; a monitor that died without one was
 * killed itself, and the container with it (the init dies with its pid ns). */
static int container_read_exit_file(Container *c) {
        _cleanup_(freep) char *p = path_join(c->dir, MONITOR_EXIT_FILE), *text = NULL;
        int code;

        if (!p)
                return -ENOMEM;
        if (read_full_file(p, &text, NULL, 64) < 0 || sscanf(text, "%d", &code) != 1)
                return -ENOENT;
        return code;
}

const char *monitor_error_name(const MonitorMessage *msg) {
        if (msg->stage == MONITOR_STAGE_EXEC) {
                if (msg->error == ENOENT)
                        return WHARF_ERROR_COMMAND_NOT_FOUND;
                if (msg->error == EACCES || msg->error == ENOEXEC || msg->error == EISDIR ||
                    msg->error == EPERM || msg->error == ENOTDIR)
                        return WHARF_ERROR_COMMAND_NOT_EXECUTABLE;
        }
        return SD_BUS_ERROR_FAILED;
}

static void container_reply_failed(Container *c, const MonitorMessage *msg) {
        const char *name = monitor_error_name(msg);

        log_info("Container %s failed to start: %s", c->id, msg->text);
        if (c->run_message) {
                (void) sd_bus_reply_method_errorf(c->run_message, name, "%s", msg->text);
                c->run_message = sd_bus_message_unref(c->run_message);
        }
}

static void container_handle_message(Container *c, const MonitorMessage *msg, int fd) {
        switch (msg->type) {
        case MONITOR_STARTED:
                if (c->state != CONTAINER_STARTING)
                        break;
                c->state = CONTAINER_RUNNING;
                c->init_pid = msg->pid;
                safe_close(c->init_pidfd);
                c->init_pidfd = TAKE_FD(fd);
                log_info("Container %s started, pid %d.", c->id, (int) c->init_pid);
                if (c->run_message) {
                        int r = sd_bus_reply_method_return(c->run_message, "u", (uint32_t) c->init_pid);
                        if (r < 0)
                                log_warning_errno(r, "Failed to reply to Run for %s: %m", c->id);
                        c->run_message = sd_bus_message_unref(c->run_message);
                }
                break;
        case MONITOR_FAILED:
                /* answered when the monitor has exited and the container is
                 * forgotten, so that the caller's clean-up (Delete) does not
                 * find it still there */
                if (c->state == CONTAINER_STARTING && !c->start_failure) {
                        c->start_failure = malloc(sizeof *msg);
                        if (c->start_failure)
                                *c->start_failure = *msg;
                        else
                                container_reply_failed(c, msg);
                }
                break;
        case MONITOR_EXITED:
                container_exited(c, msg->code);
                break;
        default:
                log_warning("Container %s: unknown monitor message %d.", c->id, msg->type);
        }
        safe_close(fd);
}

/* Returns 1 when a message was handled, 0 at EOF or when nothing is queued. */
static int container_read_sync(Container *c) {
        union {
                struct cmsghdr h;
                char buf[CMSG_SPACE(sizeof(int))];
        } control;
        MonitorMessage msg = {};
        struct iovec iov = { .iov_base = &msg, .iov_len = sizeof(msg) };
        struct msghdr mh = {
                .msg_iov = &iov, .msg_iovlen = 1,
                .msg_control = &control, .msg_controllen = sizeof(control),
        };
        int fd = -EBADF;
        ssize_t n;

        if (c->sync_fd < 0)
                return 0;
        n = recvmsg(c->sync_fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0)
                return errno == EAGAIN || errno == EINTR ? 0 : -errno;
        for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
                if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
                    cm->cmsg_len == CMSG_LEN(sizeof(int)))
                        memcpy(&fd, CMSG_DATA(cm), sizeof(int));
        if (n == 0) {
                /* EOF: the monitor is gone; its exit event does the rest */
                safe_close(fd);
                c->sync_source = sd_event_source_disable_unref(c->sync_source);
                c->sync_fd = safe_close(c->sync_fd);
                return 0;
        }
        if ((size_t) n != sizeof(msg)) {
                safe_close(fd);
                log_warning("Container %s: short monitor message.", c->id);
                return 1;
        }
        msg.text[sizeof(msg.text) - 1] = 0;
        container_handle_message(c, &msg, fd);
        return 1;
}

static int on_sync(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Container *c = userdata;
        int r = container_read_sync(c);

        if (r < 0) {
                log_warning_errno(r, "Container %s: reading from the monitor failed: %m", c->id);
                c->sync_source = sd_event_source_disable_unref(c->sync_source);
                c->sync_fd = safe_close(c->sync_fd);
        }
        return 0;
}

/* The monitor is gone: whatever it said is in the socket and the exit file. */
static void container_monitor_gone(Container *c, const char *how) {
        while (container_read_sync(c) > 0)
                ;
        container_release_process(c);
        c->monitor_pid = 0;

        if (c->state == CONTAINER_STARTING) {
                /* unanswered: the monitor died before it could say why */
                (void) rm_rf(c->dir);
                if (c->start_failure)
                        container_reply_failed(c, c->start_failure);
                else if (c->run_message) {
                        MonitorMessage msg = { .type = MONITOR_FAILED, .stage = MONITOR_STAGE_SETUP, .error = EIO };
                        snprintf(msg.text, sizeof(msg.text), "container monitor %s before the container started", how);
                        container_reply_failed(c, &msg);
                }
                container_free(c);
                return;
        }
        if (c->state == CONTAINER_RUNNING) {
                int code = container_read_exit_file(c);
                if (code < 0) {
                        /* killed along with its monitor: record that */
                        log_warning("Container %s: monitor %s without recording an exit code.", c->id, how);
                        code = 128 + SIGKILL;
                        _cleanup_(freep) char *p = path_join(c->dir, MONITOR_EXIT_FILE);
                        if (p)
                                (void) run_file_write(p, "137\n", 4, 0644);
                }
                container_exited(c, code);
        }
}

static int on_monitor_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Container *c = userdata;
        char how[64];

        if (si->si_code == CLD_EXITED)
                snprintf(how, sizeof(how), "exited with status %d", si->si_status);
        else
                snprintf(how, sizeof(how), "was killed by signal %d", si->si_status);
        log_debug("Container %s: monitor %d %s.", c->id, (int) si->si_pid, how);
        container_monitor_gone(c, how);
        return 0;
}

/* Adopted monitors are not our children: their pidfd turns readable on exit. */
static int on_adopted_monitor_exit(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        container_monitor_gone(userdata, "exited");
        return 0;
}

static int make_config_memfd(const ExecSpec *spec) {
        _cleanup_(freep) char *buf = NULL;
        _cleanup_(closep) int fd = -EBADF;
        size_t size;
        int r;

        r = exec_spec_serialize(spec, &buf, &size);
        if (r < 0)
                return r;
        fd = memfd_create("wharf-monitor-config", MFD_CLOEXEC | MFD_ALLOW_SEALING);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, buf, size);
        if (r < 0)
                return r;
        (void) fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
        return TAKE_FD(fd);
}

static int spawn_monitor(Container *c, int fds[5], pid_t *ret) {
        posix_spawn_file_actions_t fa;
        posix_spawnattr_t attr;
        sigset_t none, all;
        int moved[5], r;
        pid_t pid;

        /* above every target number, so no dup2 overwrites a later source */
        for (int i = 0; i < 5; i++)
                moved[i] = -EBADF;
        for (int i = 0; i < 5; i++) {
                moved[i] = fcntl(fds[i], F_DUPFD_CLOEXEC, 10);
                if (moved[i] < 0) {
                        r = -errno;
                        goto finish;
                }
        }

        sigemptyset(&none);
        /* only ignored signals survive execve (glibc resets the handled ones
         * itself): naming just those saves a sigaction per signal */
        sigemptyset(&all);
        for (int sig = 1; sig < SIGRTMIN; sig++) {
                struct sigaction sa;
                if (sigaction(sig, NULL, &sa) >= 0 && sa.sa_handler == SIG_IGN)
                        sigaddset(&all, sig);
        }
        posix_spawn_file_actions_init(&fa);
        posix_spawnattr_init(&attr);
        for (int i = 0; i < 5; i++)
                posix_spawn_file_actions_adddup2(&fa, moved[i], i);
        /* our SIGCHLD/SIGTERM are blocked and SIGPIPE ignored: not the monitor's */
        posix_spawnattr_setsigmask(&attr, &none);
        posix_spawnattr_setsigdefault(&attr, &all);
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSID);

        char *argv[] = { (char *) "wharf-monitor", c->id, c->dir, NULL };
        char *envp[] = { (char *) "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL };
        r = -posix_spawn(&pid, c->manager->monitor_path, &fa, &attr, argv, envp);
        posix_spawn_file_actions_destroy(&fa);
        posix_spawnattr_destroy(&attr);
        if (r == 0)
                *ret = pid;
finish:
        for (int i = 0; i < 5; i++)
                safe_close(moved[i]);
        return r;
}

int container_start(Container *c, const ExecSpec *spec, const char *spec_json,
                    int stdio[3], sd_bus_message *run_message) {
        _cleanup_(freep) char *config = NULL;
        _cleanup_(closep) int memfd = -EBADF;
        int pair[2], r;
        pid_t pid;

        r = mkdir_p(c->manager->state_dir, 0711);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", c->manager->state_dir);
        if (mkdir(c->dir, 0700) < 0)
                return log_error_errno(errno, "Failed to create %s: %m", c->dir);

        /* the bundle stays inspectable, and runnable by another runtime */
        config = path_join(c->dir, "config.json");
        if (!config)
                return log_oom();
        r = run_file_write(config, spec_json, strlen(spec_json), 0600);
        if (r < 0)
                return log_error_errno(r, "Failed to write %s: %m", config);

        memfd = make_config_memfd(spec);
        if (memfd < 0)
                return log_error_errno(memfd, "Failed to pass the spec to the monitor: %m");

        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0)
                return log_error_errno(errno, "Failed to create the sync socket: %m");
        c->sync_fd = pair[0];

        r = spawn_monitor(c, (int[]) { stdio[0], stdio[1], stdio[2], pair[1], memfd }, &pid);
        safe_close(pair[1]);
        if (r < 0)
                return log_error_errno(r, "Failed to spawn %s: %m", c->manager->monitor_path);
        c->monitor_pid = pid;

        r = sd_event_add_child(c->manager->event, &c->monitor_source, pid, WEXITED, on_monitor_exit, c);
        if (r < 0) {
                (void) kill(pid, SIGKILL);
                return log_error_errno(r, "Failed to watch monitor %d: %m", (int) pid);
        }
        r = sd_event_add_io(c->manager->event, &c->sync_source, c->sync_fd, EPOLLIN, on_sync, c);
        if (r >= 0)
                /* messages first, so an exit never overtakes a STARTED */
                r = sd_event_source_set_priority(c->sync_source, SD_EVENT_PRIORITY_NORMAL - 1);
        if (r < 0) {
                (void) kill(pid, SIGKILL);
                return log_error_errno(r, "Failed to watch the sync socket: %m");
        }

        c->state = CONTAINER_STARTING;
        c->run_message = sd_bus_message_ref(run_message);
        log_debug("Container %s: monitor %d spawned.", c->id, (int) pid);
        return 0;
}

int container_kill(Container *c, int sig) {
        if (c->state != CONTAINER_RUNNING || c->init_pidfd < 0)
                return -ESRCH;
        if (syscall(SYS_pidfd_send_signal, c->init_pidfd, sig, NULL, 0) < 0)
                return -errno;
        return 0;
}

int container_remove(Container *c) {
        int r;

        if (c->state != CONTAINER_STOPPED)
                return -EBUSY;
        r = rm_rf(c->dir);
        if (r < 0)
                return r;
        container_free(c);
        return 0;
}

/* Is pid the wharf-monitor of this container? Compares argv, not just the
 * pid, since pids are recycled. */
static bool monitor_matches(pid_t pid, const char *id) {
        char p[64];
        _cleanup_(freep) char *cmdline = NULL;
        size_t n;

        snprintf(p, sizeof(p), "/proc/%d/cmdline", (int) pid);
        if (read_full_file(p, &cmdline, &n, 4096) < 0 || n == 0)
                return false;
        const char *argv0 = cmdline, *argv1 = cmdline + strlen(cmdline) + 1;
        if (argv1 >= cmdline + n)
                return false;
        const char *base = strrchr(argv0, '/');
        return streq(base ? base + 1 : argv0, "wharf-monitor") && streq(argv1, id);
}

static int container_recover(Container *c) {
        _cleanup_(freep) char *state_path = path_join(c->dir, MONITOR_STATE_FILE), *text = NULL;
        int monitor = 0, init = 0, code, r;

        if (!state_path)
                return -ENOMEM;

        code = container_read_exit_file(c);
        if (code >= 0) {
                _cleanup_(freep) char *reported = path_join(c->dir, MONITOR_REPORTED_FILE);
                c->state = CONTAINER_STOPPED;
                c->exit_code = code;
                c->exit_unreported = reported && access(reported, F_OK) < 0;
                return 0;
        }

        if (read_full_file(state_path, &text, NULL, 4096) < 0 ||
            sscanf(text, "monitor=%d\ninit=%d", &monitor, &init) != 2 || monitor <= 0 || init <= 0)
                return -ENOENT; /* never got as far as running: nothing to keep */

        c->monitor_pidfd = pidfd_open(monitor);
        if (c->monitor_pidfd < 0 || !monitor_matches(monitor, c->id)) {
                /* monitor gone without an exit file: it was killed */
                c->monitor_pidfd = safe_close(c->monitor_pidfd);
                c->state = CONTAINER_STOPPED;
                c->exit_code = 128 + SIGKILL;
                c->exit_unreported = true;
                _cleanup_(freep) char *p = path_join(c->dir, MONITOR_EXIT_FILE);
                if (p)
                        (void) run_file_write(p, "137\n", 4, 0644);
                return 0;
        }

        c->state = CONTAINER_RUNNING;
        c->monitor_pid = monitor;
        c->init_pid = init;
        /* the init is the monitor's child, so its pid is not free for reuse
         * while the monitor lives: check the parent after opening the pidfd */
        c->init_pidfd = pidfd_open(init);
        if (c->init_pidfd >= 0) {
                char p[64];
                _cleanup_(freep) char *stat = NULL;
                int ppid = 0;
                snprintf(p, sizeof(p), "/proc/%d/stat", init);
                const char *e;
                if (read_full_file(p, &stat, NULL, 4096) < 0 || !(e = strrchr(stat, ')')) ||
                    sscanf(e, ") %*c %d", &ppid) != 1 || ppid != monitor)
                        c->init_pidfd = safe_close(c->init_pidfd);
        }

        r = sd_event_add_io(c->manager->event, &c->monitor_source, c->monitor_pidfd, EPOLLIN,
                            on_adopted_monitor_exit, c);
        if (r < 0)
                return r;
        return 0;
}

int manager_recover(Manager *m) {
        _cleanup_(closedirp) DIR *d = NULL;

        d = opendir(m->state_dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;

        for (struct dirent *de; (de = readdir(d)); ) {
                Container *c;
                int r;

                if (de->d_type != DT_DIR || !container_id_is_valid(de->d_name))
                        continue;
                /* RUN/exec/runc: an external runtime's own state, not a container */
                if (oci_runtime_is_state_root(de->d_name))
                        continue;
                r = container_new(m, de->d_name, &c);
                if (r < 0)
                        return r;
                r = container_recover(c);
                if (r == -ENOENT) {
                        log_warning("Removing %s: the container never started.", c->dir);
                        (void) rm_rf(c->dir);
                        container_free(c);
                        continue;
                }
                if (r < 0) {
                        log_warning_errno(r, "Failed to recover container %s, ignoring: %m", de->d_name);
                        container_free(c);
                        continue;
                }
                log_info("Recovered container %s (%s).", c->id, container_state_to_string(c->state));
        }
        return 0;
}
