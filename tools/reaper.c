/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-reaper: run a command as a child subreaper.
 *
 * PID 1 on the test machines never reaps orphans, so everything tools/stack
 * starts (dbus-daemon, the daemons it activates, their monitors and
 * containers) runs below this process: orphans are reparented to us and
 * reaped here instead of piling up as zombies.
 *
 *   wharf-reaper [--linger SECONDS] COMMAND [ARG...]
 *
 * Closes inherited fds above 2. Forwards SIGTERM/SIGINT/SIGHUP to COMMAND. Once COMMAND has exited, keeps
 * reaping until no child is left or --linger seconds (default 10) have passed,
 * then exits with COMMAND's status (128+signal if it was killed). */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int status_to_code(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 255;
}

/* Reap every exited child without blocking; returns false once none are left. */
static bool reap_all(pid_t main_pid, bool *main_done, int *main_code) {
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG);
                if (pid < 0)
                        return errno != ECHILD;
                if (pid == 0)
                        return true;
                if (pid == main_pid) {
                        *main_done = true;
                        *main_code = status_to_code(status);
                }
        }
}

int main(int argc, char *argv[]) {
        long linger = 10;
        int i = 1;

        if (i + 1 < argc && strcmp(argv[i], "--linger") == 0) {
                linger = strtol(argv[i + 1], NULL, 10);
                i += 2;
        }
        if (i < argc && strcmp(argv[i], "--") == 0)
                i++;
        if (i >= argc) {
                fprintf(stderr, "usage: %s [--linger SECONDS] COMMAND [ARG...]\n", argv[0]);
                return 2;
        }

        /* Our caller's pipes (bats keeps fd 3 open until every holder is
         * gone) must not leak into long-lived daemons. */
        (void) close_range(3, ~0U, 0);

        if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
                fprintf(stderr, "wharf-reaper: PR_SET_CHILD_SUBREAPER: %m\n");
                return 1;
        }

        /* Block the signals we wait for before forking, so none is lost. */
        sigset_t mask, old;
        sigemptyset(&mask);
        sigaddset(&mask, SIGCHLD);
        sigaddset(&mask, SIGTERM);
        sigaddset(&mask, SIGINT);
        sigaddset(&mask, SIGHUP);
        sigaddset(&mask, SIGALRM);
        if (sigprocmask(SIG_BLOCK, &mask, &old) < 0) {
                fprintf(stderr, "wharf-reaper: sigprocmask: %m\n");
                return 1;
        }

        pid_t main_pid = fork();
        if (main_pid < 0) {
                fprintf(stderr, "wharf-reaper: fork: %m\n");
                return 1;
        }
        if (main_pid == 0) {
                sigprocmask(SIG_SETMASK, &old, NULL);
                execvp(argv[i], argv + i);
                fprintf(stderr, "wharf-reaper: exec %s: %m\n", argv[i]);
                _exit(127);
        }

        bool main_done = false;
        int main_code = 0;
        struct timespec deadline = {};

        for (;;) {
                bool children_left = reap_all(main_pid, &main_done, &main_code);

                if (main_done) {
                        struct timespec now;
                        clock_gettime(CLOCK_MONOTONIC, &now);
                        if (deadline.tv_sec == 0) {
                                deadline = now;
                                deadline.tv_sec += linger;
                        }
                        if (!children_left || now.tv_sec >= deadline.tv_sec)
                                return main_code;
                }

                /* Wake at least every second to check the linger deadline. */
                struct timespec timeout = { .tv_sec = 1 };
                siginfo_t si;
                int sig = sigtimedwait(&mask, &si, &timeout);
                if (sig < 0)
                        continue;
                if ((sig == SIGTERM || sig == SIGINT || sig == SIGHUP) && !main_done)
                        (void) kill(main_pid, sig);
        }
}
