/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The pure parts of top and stats: ps -ef's columns from /proc/PID/stat
 * fields, docker stats' cells from Exec1.Stats keys. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* ps's STIME: "HH:MM" within a day, "MonDD" within a year, else the year.
 * Times in unix seconds, local time. buf: 16 bytes. */
char *top_format_stime(int64_t start, int64_t now, char buf[static 16]);
/* ps's TIME: "HH:MM:SS" (days as "D-HH:MM:SS"). buf: 32 bytes. */
char *top_format_time(uint64_t cpu_seconds, char buf[static 32]);
/* ps's TTY from tty_nr: "pts/3", "tty1", "?". buf: 32 bytes. */
char *top_format_tty(unsigned long tty_nr, char buf[static 32]);
/* ps's C: integer percent of CPU over the process's life. */
unsigned top_cpu_percent(uint64_t cpu_ticks, uint64_t elapsed_ticks);

typedef struct StatsSample {
        bool valid;
        uint64_t cpu_ns, when_ns;
        uint64_t mem_usage, mem_limit;
        uint64_t net_rx, net_tx, blk_read, blk_write;
        uint64_t pids;
        bool has_mem_limit, has_pids;
} StatsSample;

/* docker stats' cells: CPU %, "MEM USAGE / LIMIT", MEM %, NET I/O, BLOCK I/O,
 * PIDS. prev may be invalid (CPU 0.00%). host_mem: the limit when none is
 * set (or it exceeds the host's). Each cell at most 64 bytes. */
void stats_format(const StatsSample *prev, const StatsSample *cur, uint64_t host_mem,
                  char cpu[static 64], char mem[static 64], char mem_pct[static 64],
                  char net[static 64], char blk[static 64], char pids[static 64]);
