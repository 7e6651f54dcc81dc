/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-init: the container's pid 1 with `--init` (as tini/docker-init).
 * Runs argv[1..] as its child, forwards the signals a pid 1 would swallow,
 * reaps every zombie and exits with the child's status (128+signal when
 * killed). Static and libc only: bind-mounted into any image.
 *   wharf-init [--] PROGRAM [ARGS...] */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char *argv[]) {
        sigset_t all, old;
        pid_t child;
        int i = 1;

        if (argc > 1 && strcmp(argv[1], "--") == 0)
                i++;
        if (i >= argc) {
                fprintf(stderr, "Usage: wharf-init [--] PROGRAM [ARGS...]\n");
                return 2;
        }

        /* every signal waits for sigwait below: forwarded, not lost */
        sigfillset(&all);
        sigprocmask(SIG_SETMASK, &all, &old);

        child = fork();
        if (child < 0) {
                perror("wharf-init: fork");
                return 125;
        }
        if (child == 0) {
                sigprocmask(SIG_SETMASK, &old, NULL);
                /* a process group of its own gets the terminal's signals too */
                (void) setpgid(0, 0);
                (void) tcsetpgrp(STDIN_FILENO, getpid());
                execvp(argv[i], argv + i);
                fprintf(stderr, "wharf-init: exec %s: %s\n", argv[i], strerror(errno));
                _exit(errno == ENOENT ? 127 : 126);
        }

        for (;;) {
                siginfo_t si;
                int sig = sigwaitinfo(&all, &si);

                if (sig < 0)
                        continue;
                if (sig != SIGCHLD) {
                        /* to the whole group, as tini -g: shells' children too */
                        if (kill(-child, sig) < 0)
                                (void) kill(child, sig);
                        continue;
                }
                for (;;) {
                        int status;
                        pid_t p = waitpid(-1, &status, WNOHANG);
                        if (p <= 0)
                                break;
                        if (p == child)
                                return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                }
        }
}
