/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "macro.h"
#include "signal-util.h"

static const struct {
        const char *name;
        int sig;
} signals[] = {
        { "ABRT", SIGABRT }, { "ALRM", SIGALRM }, { "BUS", SIGBUS }, { "CHLD", SIGCHLD },
        { "CLD", SIGCHLD }, { "CONT", SIGCONT }, { "FPE", SIGFPE }, { "HUP", SIGHUP },
        { "ILL", SIGILL }, { "INT", SIGINT }, { "IO", SIGIO }, { "IOT", SIGIOT },
        { "KILL", SIGKILL }, { "PIPE", SIGPIPE }, { "POLL", SIGPOLL }, { "PROF", SIGPROF },
        { "PWR", SIGPWR }, { "QUIT", SIGQUIT }, { "SEGV", SIGSEGV }, { "STKFLT", SIGSTKFLT },
        { "STOP", SIGSTOP }, { "SYS", SIGSYS }, { "TERM", SIGTERM }, { "TRAP", SIGTRAP },
        { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU }, { "URG", SIGURG },
        { "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "VTALRM", SIGVTALRM }, { "WINCH", SIGWINCH },
        { "XCPU", SIGXCPU }, { "XFSZ", SIGXFSZ },
};

static int parse_small(const char *s, int max) {
        char *end;
        long v;

        if (!*s || strspn(s, "0123456789") != strlen(s))
                return -EINVAL;
        v = strtol(s, &end, 10);
        return v >= 0 && v <= max ? (int) v : -EINVAL;
}

int signal_from_string(const char *s) {
        const char *p;
        int v;

        if (isempty(s))
                return -EINVAL;
        if (s[0] >= '0' && s[0] <= '9') {
                v = parse_small(s, SIGRTMAX);
                /* docker (signal.ParseSignal) refuses 0 */
                return v > 0 ? v : -EINVAL;
        }
        p = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
        for (size_t i = 0; i < ELEMENTSOF(signals); i++)
                if (strcasecmp(p, signals[i].name) == 0)
                        return signals[i].sig;
        if (strncasecmp(p, "RTMIN", 5) == 0) {
                if (!p[5])
                        return SIGRTMIN;
                if (p[5] == '+' && (v = parse_small(p + 6, SIGRTMAX - SIGRTMIN)) >= 0)
                        return SIGRTMIN + v;
        }
        if (strncasecmp(p, "RTMAX", 5) == 0) {
                if (!p[5])
                        return SIGRTMAX;
                if (p[5] == '-' && (v = parse_small(p + 6, SIGRTMAX - SIGRTMIN)) >= 0)
                        return SIGRTMAX - v;
        }
        return -EINVAL;
}

const char *signal_to_string(int sig) {
        static const char *const names[] = {
                [SIGHUP] = "SIGHUP", [SIGINT] = "SIGINT", [SIGQUIT] = "SIGQUIT", [SIGILL] = "SIGILL",
                [SIGTRAP] = "SIGTRAP", [SIGABRT] = "SIGABRT", [SIGBUS] = "SIGBUS", [SIGFPE] = "SIGFPE",
                [SIGKILL] = "SIGKILL", [SIGUSR1] = "SIGUSR1", [SIGSEGV] = "SIGSEGV", [SIGUSR2] = "SIGUSR2",
                [SIGPIPE] = "SIGPIPE", [SIGALRM] = "SIGALRM", [SIGTERM] = "SIGTERM", [SIGSTKFLT] = "SIGSTKFLT",
                [SIGCHLD] = "SIGCHLD", [SIGCONT] = "SIGCONT", [SIGSTOP] = "SIGSTOP", [SIGTSTP] = "SIGTSTP",
                [SIGTTIN] = "SIGTTIN", [SIGTTOU] = "SIGTTOU", [SIGURG] = "SIGURG", [SIGXCPU] = "SIGXCPU",
                [SIGXFSZ] = "SIGXFSZ", [SIGVTALRM] = "SIGVTALRM", [SIGPROF] = "SIGPROF",
                [SIGWINCH] = "SIGWINCH", [SIGIO] = "SIGIO", [SIGPWR] = "SIGPWR", [SIGSYS] = "SIGSYS",
        };

        return sig > 0 && (size_t) sig < ELEMENTSOF(names) ? names[sig] : NULL;
}
