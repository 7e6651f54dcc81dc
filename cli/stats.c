/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf top, stats */
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "cli.h"
#include "format.h"
#include "fs-util.h"
#include "inspect.h"
#include "ps-format.h"
#include "top-stats.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* docker top's tabwriter: minwidth 20, padding 3 */
#define TOP_MINWIDTH 20

static int64_t boot_time(void) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/stat", "re");
        char line[256];
        long long v;

        while (f && fgets(line, sizeof line, f))
                if (sscanf(line, "btime %lld", &v) == 1)
                        return v;
        return 0;
}

static int add_process(Table *t, uint32_t pid, uint32_t ppid, uint32_t uid, const char *cmd, int64_t now) {
        char path[64], buf[1024], user[32], c[16], stime[16], tty[32], ttime[32], spid[16], sppid[16];
        unsigned long long utime = 0, stime_ticks = 0, start = 0;
        unsigned long tty_nr = 0;
        long hz = sysconf(_SC_CLK_TCK);
        struct passwd *pw;
        const char *rest;
        FILE *f;

        snprintf(path, sizeof path, "/proc/%" PRIu32 "/stat", pid);
        f = fopen(path, "re");
        if (f) {
                size_t n = fread(buf, 1, sizeof buf - 1, f);
                buf[n] = 0;
                fclose(f);
                /* after the command name in parentheses: state ppid pgrp session tty_nr ... */
                rest = strrchr(buf, ')');
                if (rest)
                        (void) sscanf(rest + 2, "%*c %*d %*d %*d %lu %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
                                      &tty_nr, &utime, &stime_ticks, &start);
        }
        pw = getpwuid(uid);
        if (pw)
                snprintf(user, sizeof user, "%s", pw->pw_name);
        else
                snprintf(user, sizeof user, "%" PRIu32, uid);
        int64_t started = boot_time() + (int64_t) (start / (unsigned long long) hz);
        uint64_t elapsed = now > started ? (uint64_t) (now - started) * (uint64_t) hz : 0;
        snprintf(c, sizeof c, "%u", top_cpu_percent(utime + stime_ticks, elapsed));
        top_format_stime(started, now, stime);
        top_format_tty(tty_nr, tty);
        top_format_time((utime + stime_ticks) / (unsigned long long) hz, ttime);
        snprintf(spid, sizeof spid, "%" PRIu32, pid);
        snprintf(sppid, sizeof sppid, "%" PRIu32, ppid);
        return table_add_row(t, (const char *[]) { user, spid, sppid, c, stime, tty, ttime, cmd });
}

int cmd_top(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        int64_t now = time(NULL);
        const char *cmd;
        uint32_t pid, ppid, uid;
        int c, r;

        opterr = 0;
        optind = 0;
        /* "+": ps options after the container are ps's */
        while ((c = getopt_long(argc, argv, "+:h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("\nUsage:  wharf top CONTAINER [ps OPTIONS]\n\n"
                               "Display the running processes of a container\n");
                        return 0;
                default:
                        usage_getopt_error("top", c, argv);
                        return 1;
                }
        if (optind >= argc) {
                usage_error("top", "'wharf top' requires at least 1 argument.");
                return 1;
        }
        if (argc - optind > 1 && !(argc - optind == 2 && streq(argv[optind + 1], "-ef"))) {
                fputs("Error: only the default ps options (-ef) are supported\n", stderr);
                return 1;
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;
        r = engine_call(e, "TopContainer", 0, &reply, NULL, false, "s", argv[optind]);
        if (r < 0)
                return 1;

        t = table_new(8, TOP_MINWIDTH, TABLE_DOCKER_PADDING);
        if (!t || table_add_row(t, (const char *[]) { "UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD" }) < 0)
                goto oom;
        r = sd_bus_message_enter_container(reply, 'a', "(uuus)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(uuus)", &pid, &ppid, &uid, &cmd)) > 0)
                if (add_process(t, pid, ppid, uid, cmd, now) < 0)
                        goto oom;
        if (r < 0) {
                fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
                return 1;
        }
        table_print(t, stdout);
        return 0;
oom:
        fputs("Error: out of memory\n", stderr);
        return 1;
}

static uint64_t host_memory(void) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/meminfo", "re");
        char line[256];
        unsigned long long kb;

        while (f && fgets(line, sizeof line, f))
                if (sscanf(line, "MemTotal: %llu kB", &kb) == 1)
                        return (uint64_t) kb * 1024;
        return 0;
}

static uint64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * UINT64_C(1000000000) + (uint64_t) ts.tv_nsec;
}

/* print: the error line on failure (once per container and run) */
static int sample(Engine *e, const char *id, StatsSample *s, bool print) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *key;
        uint64_t v;
        int r;

        *s = (StatsSample) {};
        r = sd_bus_call_method(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, "ContainerStats", &error,
                               &reply, "s", id);
        if (r < 0) {
                if (print)
                        engine_print_error(&error, r, NULL, false);
                return r;
        }
        s->when_ns = now_ns();
        r = sd_bus_message_enter_container(reply, 'a', "{st}");
        while (r >= 0 && (r = sd_bus_message_read(reply, "{st}", &key, &v)) > 0) {
                s->valid = true;
                if (streq(key, "cpu_usage_ns"))
                        s->cpu_ns = v;
                else if (streq(key, "memory_usage"))
                        s->mem_usage = v;
                else if (streq(key, "memory_limit")) {
                        s->mem_limit = v;
                        s->has_mem_limit = true;
                } else if (streq(key, "pids_current"))
                        s->pids = v;
                else if (streq(key, "net_rx_bytes"))
                        s->net_rx = v;
                else if (streq(key, "net_tx_bytes"))
                        s->net_tx = v;
                else if (streq(key, "blkio_read_bytes"))
                        s->blk_read = v;
                else if (streq(key, "blkio_write_bytes"))
                        s->blk_write = v;
        }
        return r < 0 ? r : 0;
}

int cmd_stats(int argc, char *argv[]) {
        enum { ARG_NO_STREAM = 0x100, ARG_NO_TRUNC };
        static const struct option options[] = {
                { "all",       no_argument, NULL, 'a'           },
                { "no-stream", no_argument, NULL, ARG_NO_STREAM },
                { "no-trunc",  no_argument, NULL, ARG_NO_TRUNC  },
                { "help",      no_argument, NULL, 'h'           },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(json_object_putp) json_object *list = NULL;
        _cleanup_(strv_freep) char **ids = NULL, **names = NULL;
        _cleanup_(freep) StatsSample *prev = NULL, *cur = NULL;
        _cleanup_(freep) bool *failed = NULL;
        bool all = false, no_stream = false, no_trunc = false;
        uint64_t host_mem = host_memory();
        size_t n;
        int c, ret = 0;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":ah", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case ARG_NO_STREAM:
                        no_stream = true;
                        break;
                case ARG_NO_TRUNC:
                        no_trunc = true;
                        break;
                case 'h':
                        printf("\nUsage:  wharf stats [OPTIONS] [CONTAINER...]\n\n"
                               "Display a live stream of container(s) resource usage statistics\n\n"
                               "Options:\n"
                               "  -a, --all         Show all containers (default shows just running)\n"
                               "      --no-stream   Disable streaming stats and only pull the first result\n"
                               "      --no-trunc    Do not truncate output\n");
                        return 0;
                default:
                        usage_getopt_error("stats", c, argv);
                        return 1;
                }
        if (engine_connect(&e, NULL) < 0)
                return 1;

        ids = calloc(1, sizeof(char *));
        names = calloc(1, sizeof(char *));
        if (!ids || !names)
                goto oom;
        if (optind < argc) {
                for (int i = optind; i < argc; i++) {
                        _cleanup_(json_object_putp) json_object *o = NULL;
                        const char *name;

                        if (engine_inspect_container(e, argv[i], NULL, &o) < 0) {
                                ret = 1;
                                continue;
                        }
                        name = json_path_string(o, "Name", NULL);
                        if (strv_extend(&ids, json_path_string(o, "Id", NULL)) < 0 ||
                            strv_extend(&names, name && name[0] == '/' ? name + 1 : strempty(name)) < 0)
                                goto oom;
                }
                if (ret != 0)
                        return ret;
        } else {
                if (engine_inspect_containers(e, all, &list) < 0)
                        return 1;
                for (size_t i = 0; i < json_object_array_length(list); i++) {
                        json_object *o = json_object_array_get_idx(list, i);
                        const char *name = json_path_string(o, "Name", NULL);
                        if (strv_extend(&ids, json_path_string(o, "Id", NULL)) < 0 ||
                            strv_extend(&names, name && name[0] == '/' ? name + 1 : strempty(name)) < 0)
                                goto oom;
                }
        }
        n = strv_length(ids);
        prev = calloc(n + 1, sizeof(StatsSample));
        cur = calloc(n + 1, sizeof(StatsSample));
        failed = calloc(n + 1, sizeof(bool));
        if (!prev || !cur || !failed)
                goto oom;

        /* CPU % needs two samples: docker's first result carries the one
         * taken a second before */
        for (size_t i = 0; i < n; i++)
                (void) sample(e, ids[i], &prev[i], false);
        for (;;) {
                _cleanup_(table_freep) Table *t = table_new(8, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);

                if (n > 0)
                        sleep(1);
                if (!t || table_add_row(t, (const char *[]) { "CONTAINER ID", "NAME", "CPU %", "MEM USAGE / LIMIT",
                                                              "MEM %", "NET I/O", "BLOCK I/O", "PIDS" }) < 0)
                        goto oom;
                for (size_t i = 0; i < n; i++) {
                        char cpu[64], mem[64], pct[64], net[64], blk[64], pids[64], id[65];

                        if (sample(e, ids[i], &cur[i], !failed[i]) < 0) {
                                /* gone meanwhile, or execd cannot tell */
                                cur[i] = (StatsSample) {};
                                failed[i] = true;
                                ret = 1;
                        }
                        stats_format(&prev[i], &cur[i], host_mem, cpu, mem, pct, net, blk, pids);
                        snprintf(id, sizeof id, "%.*s", no_trunc ? 64 : 12, ids[i]);
                        if (table_add_row(t, (const char *[]) { id, names[i], cpu, mem, pct, net, blk, pids }) < 0)
                                goto oom;
                        prev[i] = cur[i];
                }
                if (!no_stream)
                        /* docker's streaming display: clear and redraw */
                        fputs("\033[2J\033[H", stdout);
                table_print(t, stdout);
                fflush(stdout);
                if (no_stream)
                        break;
        }
        return ret;
oom:
        fputs("Error: out of memory\n", stderr);
        return 1;
}
