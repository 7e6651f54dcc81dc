/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Signal names as docker takes them (--stop-signal, kill -s): "SIGTERM",
 * "TERM", "term", "15", "SIGRTMIN+3". */

/* the signal number, or -EINVAL */
int signal_from_string(const char *s);
/* "SIGTERM"; NULL when unnamed (real-time signals) */
const char *signal_to_string(int sig);
