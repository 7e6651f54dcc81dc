/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "format.h"
#include "top-stats.h"

char *top_format_stime(int64_t start, int64_t now, char buf[static 16]) {
        time_t t = (time_t) start;
        struct tm tm;

        if (!localtime_r(&t, &tm)) {
                strcpy(buf, "?");
                return buf;
        }
        if (now - start < 24 * 3600)
                strftime(buf, 16, "%H:%M", &tm);
        else if (now - start < 365 * 24 * 3600)
                strftime(buf, 16, "%b%d", &tm);
        else
                strftime(buf, 16, "%Y", &tm);
        return buf;
}

char *top_format_time(uint64_t s, char buf[static 32]) {
        uint64_t days = s / 86400;

        if (days > 0)
                snprintf(buf, 32, "%" PRIu64 "-%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, days, s / 3600 % 24,
                         s / 60 % 60, s % 60);
        else
                snprintf(buf, 32, "%02" PRIu64 ":%02" PRIu64 ":%02" PRIu64, s / 3600, s / 60 % 60, s % 60);
        return buf;
}

char *top_format_tty(unsigned long tty_nr, char buf[static 32]) {
        unsigned maj = major(tty_nr), min = minor(tty_nr);

        if (tty_nr == 0)
                strcpy(buf, "?");
        else if (maj >= 136 && maj <= 143)
                snprintf(buf, 32, "pts/%u", (maj - 136) * 256 + min);
        else if (maj == 4 && min < 64)
                snprintf(buf, 32, "tty%u", min);
        else if (maj == 4)
                snprintf(buf, 32, "ttyS%u", min - 64);
        else
                strcpy(buf, "?");
        return buf;
}

unsigned top_cpu_percent(uint64_t cpu_ticks, uint64_t elapsed_ticks) {
        if (elapsed_ticks == 0)
                return 0;
        /* procps: pcpu in tenths, C shows the integer part */
        return (unsigned) (cpu_ticks * 100 / elapsed_ticks);
}

void stats_format(const StatsSample *prev, const StatsSample *cur, uint64_t host_mem,
                  char cpu[static 64], char mem[static 64], char mem_pct[static 64],
                  char net[static 64], char blk[static 64], char pids[static 64]) {
        char a[HUMAN_SIZE_MAX], b[HUMAN_SIZE_MAX];
        uint64_t limit;
        double pct = 0;

        if (prev && prev->valid && cur->valid && cur->when_ns > prev->when_ns && cur->cpu_ns >= prev->cpu_ns)
                pct = (double) (cur->cpu_ns - prev->cpu_ns) / (double) (cur->when_ns - prev->when_ns) * 100.0;
        snprintf(cpu, 64, "%.2f%%", pct);

        limit = cur->has_mem_limit && cur->mem_limit > 0 && (host_mem == 0 || cur->mem_limit < host_mem) ?
                cur->mem_limit : host_mem;
        snprintf(mem, 64, "%s / %s", format_bytes_size(cur->mem_usage, a), format_bytes_size(limit, b));
        snprintf(mem_pct, 64, "%.2f%%", limit > 0 ? (double) cur->mem_usage / (double) limit * 100.0 : 0.0);
        snprintf(net, 64, "%s / %s", format_human_size(cur->net_rx, a), format_human_size(cur->net_tx, b));
        snprintf(blk, 64, "%s / %s", format_human_size(cur->blk_read, a), format_human_size(cur->blk_write, b));
        snprintf(pids, 64, "%" PRIu64, cur->pids);
}
