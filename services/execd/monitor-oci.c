/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-monitor: containers run by an external OCI runtime (runc). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "macro.h"
#include "monitor-oci.h"

/* RUN/exec/<runtime's name>: beside the bundles, one state root a runtime */
static int state_root(const char *runtime, const char *bundle, char *buf, size_t size) {
        char b[4096], r[4096];

        snprintf(b, sizeof(b), "%s", bundle);
        snprintf(r, sizeof(r), "%s", runtime);
        if ((size_t) snprintf(buf, size, "%s/%s", dirname(b), basename(r)) >= size)
                return -ENAMETOOLONG;
        return 0;
}

/* Runs the runtime with args after its global options; stdio NULL: /dev/null.
 * Returns its wait status, or -errno. */
static int run_runtime(const char *runtime, const char *bundle, const int stdio[3], char * const *args) {
        char root[4096], log[4096];
        const char *argv[16];
        size_t n = 0;
        pid_t pid;
        int status;

        if (state_root(runtime, bundle, root, sizeof(root)) < 0)
                return -ENAMETOOLONG;
        snprintf(log, sizeof(log), "%s/runtime.log", bundle);
        argv[n++] = runtime;
        argv[n++] = "--root";
        argv[n++] = root;
        argv[n++] = "--log";
        argv[n++] = log;
        for (; *args && n < ELEMENTSOF(argv) - 1; args++)
                argv[n++] = *args;
        argv[n] = NULL;

        pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0) {
                sigset_t none;
                int null = open("/dev/null", O_RDWR);

                sigemptyset(&none);
                (void) sigprocmask(SIG_SETMASK, &none, NULL);
                /* in the bundle: relative paths (the console socket) are short */
                if (chdir(bundle) < 0)
                        _exit(127);
                (void) signal(SIGPIPE, SIG_DFL);
                (void) signal(SIGHUP, SIG_DFL);
                for (int fd = 0; fd < 3; fd++) {
                        int from = stdio && stdio[fd] >= 0 ? stdio[fd] : null;
                        /* dup2 onto itself keeps CLOEXEC: clear it by hand */
                        if (from == fd)
                                (void) fcntl(fd, F_SETFD, 0);
                        else if (dup2(from, fd) < 0)
                                _exit(127);
                }
                execv(runtime, (char **) argv);
                dprintf(2, "exec %s: %m\n", runtime);
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        return status;
}

void oci_failure_from_text(const char *text, MonitorMessage *ret) {
        *ret = (MonitorMessage) { .type = MONITOR_FAILED, .stage = MONITOR_STAGE_SETUP, .error = EIO };
        snprintf(ret->text, sizeof(ret->text), "%s", text && *text ? text : "the OCI runtime failed");
        if (!text)
                return;
        /* as docker does with the runtime's message: 127 and 126 */
        if (strstr(text, "executable file not found") || strstr(text, "no such file or directory"))
                ret->stage = MONITOR_STAGE_EXEC, ret->error = ENOENT;
        else if (strstr(text, "permission denied"))
                ret->stage = MONITOR_STAGE_EXEC, ret->error = EACCES;
}

/* The runtime's last line of complaint, from the container's stderr pipe. */
static void read_failure(int errfd, const char *what, int status, MonitorMessage *ret) {
        char buf[4096], *line = NULL;
        ssize_t n = -1;

        if (errfd >= 0) {
                (void) fcntl(errfd, F_SETFL, fcntl(errfd, F_GETFL) | O_NONBLOCK);
                n = read(errfd, buf, sizeof(buf) - 1);
        }
        if (n > 0) {
                buf[n] = 0;
                while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
                        buf[--n] = 0;
                line = strrchr(buf, '\n');
                line = line ? line + 1 : buf;
        }
        if (line && *line)
                oci_failure_from_text(line, ret);
        else {
                char text[128];
                snprintf(text, sizeof(text), "OCI runtime %s failed (status %d)", what, status);
                oci_failure_from_text(text, ret);
                ret->stage = MONITOR_STAGE_SETUP;
        }
}

int oci_create(const char *runtime, const char *bundle, const char *id, const int stdio[3], int errfd,
               const char *console_socket, pid_t *ret_pid, MonitorMessage *ret_failure) {
        char pidfile[4096], text[32] = {};
        int status, fd;
        ssize_t n;

        snprintf(pidfile, sizeof(pidfile), "%s/runtime.pid", bundle);
        (void) unlink(pidfile);
        if (console_socket)
                status = run_runtime(runtime, bundle, stdio,
                                     (char *[]) { (char *) "create", (char *) "--bundle", (char *) bundle,
                                                  (char *) "--pid-file", pidfile,
                                                  (char *) "--console-socket", (char *) console_socket,
                                                  (char *) id, NULL });
        else
                status = run_runtime(runtime, bundle, stdio,
                                     (char *[]) { (char *) "create", (char *) "--bundle", (char *) bundle,
                                                  (char *) "--pid-file", pidfile, (char *) id, NULL });
        if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                read_failure(errfd, "create", status, ret_failure);
                return -1;
        }
        fd = open(pidfile, O_RDONLY | O_CLOEXEC);
        n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
        if (fd >= 0)
                close(fd);
        if (n <= 0 || atoi(text) <= 0) {
                oci_failure_from_text("OCI runtime create: no pid file", ret_failure);
                return -1;
        }
        *ret_pid = atoi(text);
        return 0;
}

int oci_start(const char *runtime, const char *bundle, const char *id, MonitorMessage *ret_failure) {
        int p[2], status;

        /* its complaints through a pipe of our own: the container's are its */
        if (pipe2(p, O_CLOEXEC) < 0)
                return oci_failure_from_text("pipe failed", ret_failure), -1;
        status = run_runtime(runtime, bundle, (int[]) { -1, -1, p[1] },
                             (char *[]) { (char *) "start", (char *) id, NULL });
        close(p[1]);
        if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
                read_failure(p[0], "start", status, ret_failure);
                close(p[0]);
                return -1;
        }
        close(p[0]);
        return 0;
}

void oci_delete(const char *runtime, const char *bundle, const char *id) {
        (void) run_runtime(runtime, bundle, NULL,
                           (char *[]) { (char *) "delete", (char *) "--force", (char *) id, NULL });
}
