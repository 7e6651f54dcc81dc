/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "id.h"
#include "link.h"
#include "macro.h"
#include "netns.h"
#include "sandbox.h"

static const char *const net_mode_table[_NET_MODE_MAX] = {
        [NET_MODE_NONE]   = "none",
        [NET_MODE_HOST]   = "host",
        [NET_MODE_BRIDGE] = "bridge",
};

const char *net_mode_to_string(NetMode m) {
        if (m < 0 || m >= _NET_MODE_MAX)
                return NULL;
        return net_mode_table[m];
}

NetMode net_mode_from_string(const char *s) {
        if (!s)
                return _NET_MODE_INVALID;
        for (NetMode m = 0; m < _NET_MODE_MAX; m++)
                if (streq(net_mode_table[m], s))
                        return m;
        return _NET_MODE_INVALID;
}

bool net_mode_is_supported(NetMode m) {
        return m >= 0 && m < _NET_MODE_MAX;
}

int sandbox_path(const char *netns_dir, const char *id, char **ret) {
        char *p;

        if (!id_is_valid(id))
                return -EINVAL;
        if (asprintf(&p, "%s/%s", netns_dir, id) < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

/* What a failing child sends its parent: one write, well below PIPE_BUF. */
typedef struct ChildError {
        int32_t error;
        char step[60];
} ChildError;

static int child_setup_veths(const SandboxPlan *plan, int host_fd, const char **step) {
        _cleanup_(closep) int sandbox_fd = -EBADF;
        int r;

        *step = "open the sandbox's namespace";
        sandbox_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (sandbox_fd < 0)
                return -errno;
        for (size_t i = 0; i < plan->n_veths; i++) {
                r = link_veth_setup(plan->veths + i, host_fd, sandbox_fd, step);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int child_create(const char *path, const SandboxPlan *plan, const char **step) {
        _cleanup_(closep) int host_fd = -EBADF;
        int r;

        if (plan && plan->join) {
                /* host and container: modes share a namespace that exists */
                *step = "pin the shared network namespace";
                if (mount(plan->join, path, NULL, MS_BIND, NULL) < 0)
                        return -errno;
                return 0;
        }

        *step = "open the host's namespace";
        host_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (host_fd < 0)
                return -errno;
        r = netns_new_pinned(path, step);
        if (r < 0)
                return r;
        if (plan)
                return child_setup_veths(plan, host_fd, step);
        return 0;
}

static int child_attach(const char *path, const SandboxPlan *plan, const char **step) {
        _cleanup_(closep) int host_fd = -EBADF, fd = -EBADF;

        *step = "open the host's namespace";
        host_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (host_fd < 0)
                return -errno;
        *step = "enter the sandbox's namespace";
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        if (setns(fd, CLONE_NEWNET) < 0)
                return -errno;
        return child_setup_veths(plan, host_fd, step);
}

static _noreturn_ void child_run(const char *path, const SandboxPlan *plan, bool attach, int errfd) {
        const char *step = NULL;
        ChildError ce = {};
        int r;

        r = attach ? child_attach(path, plan, &step) : child_create(path, plan, &step);
        if (r >= 0)
                _exit(EXIT_SUCCESS);

        ce.error = -r;
        snprintf(ce.step, sizeof ce.step, "%s", strempty(step));
        (void) !write(errfd, &ce, sizeof ce);
        _exit(EXIT_FAILURE);
}

typedef struct ChildArgs {
        const char *path;
        const SandboxPlan *plan;
        bool attach;
        int errfd;
} ChildArgs;

static int child_main(void *userdata) {
        const ChildArgs *a = userdata;

        child_run(a->path, a->plan, a->attach, a->errfd);
}

/* The helper is a process of its own (its own network namespace, its own
 * pid for the caller to wait on) that shares netd's memory and runs while
 * netd waits, as posix_spawn's child does (CLONE_VM | CLONE_VFORK): a
 * fork would copy netd's page tables and then fault in each page netd
 * writes afterwards, which costs more than the helper's work (~1 ms) on a
 * slow machine. Safe because netd has one thread, which the kernel stops
 * until the helper exits. */
static int child_fork(const char *path, const SandboxPlan *plan, bool attach,
                      pid_t *ret_pid, int *ret_errfd) {
        static uint8_t stack[256 * 1024] __attribute__((aligned(16)));
        ChildArgs args = { .path = path, .plan = plan, .attach = attach };
        int pipefd[2];
        pid_t pid;

        if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) < 0)
                return -errno;
        args.errfd = pipefd[1];
        pid = clone(child_main, stack + sizeof stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
        if (pid < 0) {
                int r = -errno;
                safe_close(pipefd[0]);
                safe_close(pipefd[1]);
                return r;
        }
        safe_close(pipefd[1]);
        *ret_pid = pid;
        *ret_errfd = pipefd[0];
        return 0;
}

int sandbox_attach_start(const char *netns_dir, const char *id, const SandboxPlan *plan,
                         pid_t *ret_pid, int *ret_errfd) {
        _cleanup_(freep) char *path = NULL;
        int r;

        r = sandbox_path(netns_dir, id, &path);
        if (r < 0)
                return r;
        if (netns_is_pinned(path) <= 0)
                return -ENOENT;
        return child_fork(path, plan, true, ret_pid, ret_errfd);
}

int sandbox_attach_finish(int code, int status, int errfd, char **ret_message) {
        ChildError ce = {};
        char *msg = NULL;
        int r;

        if (code == CLD_EXITED && status == EXIT_SUCCESS)
                return 0;
        if (code == CLD_EXITED && read(errfd, &ce, sizeof ce) == (ssize_t) sizeof ce && ce.error > 0) {
                ce.step[sizeof ce.step - 1] = 0;
                r = -ce.error;
                if (asprintf(&msg, "%s: %s", ce.step, strerror(ce.error)) < 0)
                        msg = NULL;
        } else {
                r = -EPROTO;
                if (asprintf(&msg, "sandbox helper %s %d",
                             code == CLD_EXITED ? "exited with status" : "killed by signal", status) < 0)
                        msg = NULL;
        }
        if (ret_message)
                *ret_message = msg;
        else
                free(msg);
        return r;
}

int sandbox_create_start(const char *netns_dir, const char *id, NetMode mode,
                         pid_t *ret_pid, int *ret_errfd) {
        if (mode != NET_MODE_NONE)
                return -EOPNOTSUPP;     /* the others need a plan */
        return sandbox_create_start_plan(netns_dir, id, NULL, ret_pid, ret_errfd);
}

int sandbox_create_start_plan(const char *netns_dir, const char *id, const SandboxPlan *plan,
                              pid_t *ret_pid, int *ret_errfd) {
        _cleanup_(freep) char *path = NULL;
        _cleanup_(closep) int fd = -EBADF;
        int r;

        r = sandbox_path(netns_dir, id, &path);
        if (r < 0)
                return r;

        /* the mount target; O_EXCL makes a second create of the same id fail */
        fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0444);
        if (fd < 0)
                return -errno;
        fd = safe_close(fd);

        r = child_fork(path, plan, false, ret_pid, ret_errfd);
        if (r < 0)
                (void) unlink(path);
        return r;
}

int sandbox_create_finish(const char *netns_dir, const char *id, int code, int status,
                          int errfd, char **ret_message) {
        _cleanup_(freep) char *path = NULL;
        ChildError ce = {};
        char *msg = NULL;
        int r;

        r = sandbox_path(netns_dir, id, &path);
        if (r < 0)
                return r;

        if (code == CLD_EXITED && status == EXIT_SUCCESS) {
                /* belt and braces: a zero exit must have left a pin */
                if (netns_is_pinned(path) > 0)
                        return 0;
                r = -EIO;
                msg = strdup("pin network namespace: nothing mounted after the helper succeeded");
        } else if (code == CLD_EXITED && read(errfd, &ce, sizeof ce) == (ssize_t) sizeof ce &&
                   ce.error > 0) {
                ce.step[sizeof ce.step - 1] = 0;
                r = -ce.error;
                if (asprintf(&msg, "%s: %s", ce.step, strerror(ce.error)) < 0)
                        msg = NULL;
        } else {
                r = -EPROTO;
                if (asprintf(&msg, "sandbox helper %s %d",
                             code == CLD_EXITED ? "exited with status" : "killed by signal",
                             status) < 0)
                        msg = NULL;
        }

        (void) netns_unpin(path);
        if (ret_message)
                *ret_message = msg;
        else
                free(msg);
        return r;
}

int sandbox_remove(const char *netns_dir, const char *id) {
        _cleanup_(freep) char *path = NULL;
        int r;

        r = sandbox_path(netns_dir, id, &path);
        if (r < 0)
                return r;
        return netns_unpin(path);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

int sandbox_list(const char *netns_dir, char ***ret_ids) {
        _cleanup_(strv_freep) char **ids = NULL;
        DIR *d;
        int r = 0;

        ids = calloc(1, sizeof(char *));
        if (!ids)
                return -ENOMEM;

        d = opendir(netns_dir);
        if (!d) {
                if (errno != ENOENT)
                        return -errno;
                *ret_ids = TAKE_PTR(ids);
                return 0;
        }
        for (struct dirent *de; (de = readdir(d)); ) {
                _cleanup_(freep) char *path = NULL;

                if (sandbox_path(netns_dir, de->d_name, &path) < 0)
                        continue;       /* not a container id: not ours */
                if (netns_is_pinned(path) <= 0)
                        continue;       /* being created, or stale */
                r = strv_extend(&ids, de->d_name);
                if (r < 0)
                        break;
        }
        closedir(d);
        if (r < 0)
                return r;

        qsort(ids, strv_length(ids), sizeof(char *), cmp_str);
        *ret_ids = TAKE_PTR(ids);
        return 0;
}

int sandbox_reconcile(const char *netns_dir) {
        DIR *d;
        int r = 0, removed = 0;

        d = opendir(netns_dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        for (struct dirent *de; (de = readdir(d)); ) {
                _cleanup_(freep) char *path = NULL;
                struct stat st;
                int k;

                if (sandbox_path(netns_dir, de->d_name, &path) < 0)
                        continue;
                if (netns_is_pinned(path) > 0)
                        continue;
                if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
                        continue;
                k = netns_unpin(path);
                if (k < 0) {
                        r = k;  /* report it, but tidy up the rest */
                        continue;
                }
                removed++;
        }
        closedir(d);
        return r < 0 ? r : removed;
}
