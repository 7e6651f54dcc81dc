/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include "macro.h"
#include "signal-util.h"

/* moby/sys/signal's SignalMap for linux (without the RT range, computed) */
static const struct {
        const char *name;
        int sig;
} signal_table[] = {
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

/* moby names the real-time signals by what the kernel numbers them (34..64),
 * not by glibc's SIGRTMIN, which reserves two for itself */
#define RT_MIN 34
#define RT_MAX 64

static bool signal_known(int sig) {
        if (sig >= RT_MIN && sig <= RT_MAX)
                return true;
        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (signal_table[i].sig == sig)
                        return true;
        return false;
}

static int parse_int(const char *s, long *ret) {
        char *end;
        long v;

        if (isempty(s) || isspace((unsigned char) s[0]))
                return -EINVAL;
        errno = 0;
        v = strtol(s, &end, 10);
        if (*end || errno)
                return -EINVAL;
        *ret = v;
        return 0;
}

int signal_parse(const char *s) {
        const char *name;
        long v;

        if (!s)
                return -EINVAL;
        if (parse_int(s, &v) >= 0) {
                if (v == 0)
                        return -EINVAL;
                if (v < 0 || v > INT_MAX || !signal_known((int) v))
                        return -ERANGE;
                return (int) v;
        }

        name = s;
        if (strncasecmp(name, "SIG", 3) == 0)
                name += 3;
        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (strcasecmp(signal_table[i].name, name) == 0)
                        return signal_table[i].sig;

        /* RTMIN, RTMIN+1 .. RTMIN+15, RTMAX-14 .. RTMAX-1, RTMAX */
        if (strncasecmp(name, "RTMIN", 5) == 0 || strncasecmp(name, "RTMAX", 5) == 0) {
                bool min = strncasecmp(name, "RTMIN", 5) == 0;
                const char *rest = name + 5;

                if (!*rest)
                        return min ? RT_MIN : RT_MAX;
                if ((min && rest[0] != '+') || (!min && rest[0] != '-') || !isdigit((unsigned char) rest[1]))
                        return -EINVAL;
                if (parse_int(rest + 1, &v) < 0 || v < 1 || v > (min ? 15 : 14) || (rest[1] == '0'))
                        return -EINVAL;
                return min ? RT_MIN + (int) v : RT_MAX - (int) v;
        }
        return -EINVAL;
}

const char *signal_name(int sig) {
        static char buf[16];

        for (size_t i = 0; i < ELEMENTSOF(signal_table); i++)
                if (signal_table[i].sig == sig)
                        return signal_table[i].name;
        if (sig == RT_MIN)
                return "RTMIN";
        if (sig == RT_MAX)
                return "RTMAX";
        if (sig > RT_MIN && sig <= RT_MIN + 15) {
                snprintf(buf, sizeof buf, "RTMIN+%d", sig - RT_MIN);
                return buf;
        }
        if (sig < RT_MAX && sig >= RT_MAX - 14) {
                snprintf(buf, sizeof buf, "RTMAX-%d", RT_MAX - sig);
                return buf;
        }
        return NULL;
}
