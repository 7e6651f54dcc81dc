/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Signal names as docker reads them (moby/sys/signal): "TERM", "SIGTERM",
 * "sigterm", "15", "RTMIN+3" all name a signal; 0 and unknown names do not. */

/* Returns the signal number, -EINVAL for "Invalid signal: X" (no number,
 * unknown name, 0), -ERANGE for a number the platform has no signal for
 * ("the linux daemon does not support signal N"). */
int signal_parse(const char *s);

/* "TERM" for 15, "RTMIN+3"; NULL for numbers without a name. */
const char *signal_name(int sig);
