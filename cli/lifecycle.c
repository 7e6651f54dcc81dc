/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf stop, kill, restart, pause, unpause, wait, rename */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "cli.h"
#include "inspect.h"
#include "log.h"
#include "ps-format.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* stop and restart wait for the grace period, then for the clean-up */
#define STOP_CALL_USEC(t) (ENGINE_SLOW_CALL_USEC + (uint64_t) ((t) > 0 ? (t) : 10) * UINT64_C(1000000))

static int parse_seconds(const char *command, const char *flag, const char *s, int *ret) {
        char *end;
        long v;

        errno = 0;
        v = strtol(s, &end, 10);
        if (isempty(s) || *end || errno || v < INT_MIN || v > INT_MAX)
                return usage_error(command, "invalid argument \"%s\" for \"%s\" flag: strconv.ParseInt: parsing \"%s\": invalid syntax",
                                   s, flag, s);
        *ret = (int) v;
        return 0;
}

/* The commands that take containers, call one method each and print the
 * name on success (docker's stop, kill, restart, pause, unpause). */
static int each_container(int argc, char *argv[], int first, const char *method, uint64_t usec,
                          const char *types, int timeout, const char *signal) {
        _cleanup_(engine_freep) Engine *e = NULL;
        int ret = 0, r;

        if (engine_connect(&e, NULL) < 0)
                return 1;
        for (int i = first; i < argc; i++) {
                if (streq(types, "si"))
                        r = engine_call(e, method, usec, NULL, NULL, false, types, argv[i], (int32_t) timeout);
                else if (streq(types, "ss"))
                        r = engine_call(e, method, usec, NULL, NULL, false, types, argv[i], signal);
                else
                        r = engine_call(e, method, usec, NULL, NULL, false, types, argv[i]);
                if (r == -EHOSTDOWN)
                        return 1;
                if (r < 0) {
                        ret = 1;
                        continue;
                }
                printf("%s\n", argv[i]);
                fflush(stdout);
        }
        return ret;
}

static int stop_or_restart(int argc, char *argv[], bool restart) {
        static const struct option options[] = {
                { "time", required_argument, NULL, 't' },
                { "help", no_argument,       NULL, 'h' },
                {}
        };
        const char *command = restart ? "restart" : "stop";
        int timeout = -1, c;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":t:h", options, NULL)) >= 0)
                switch (c) {
                case 't':
                        if (parse_seconds(command, "-t, --time", optarg, &timeout) < 0)
                                return 1;
                        break;
                case 'h':
                        printf("\nUsage:  wharf %s [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                               "%s\n\n"
                               "Options:\n"
                               "  -t, --time int   Seconds to wait before killing the container\n",
                               command, restart ? "Restart one or more containers" : "Stop one or more running containers");
                        return 0;
                default:
                        usage_getopt_error(command, c, argv);
                        return 1;
                }
        if (optind >= argc) {
                usage_error(command, "'wharf %s' requires at least 1 argument.", command);
                return 1;
        }
        return each_container(argc, argv, optind, restart ? "RestartContainer" : "StopContainer",
                              STOP_CALL_USEC(timeout), "si", timeout, NULL);
}

int cmd_stop(int argc, char *argv[]) {
        return stop_or_restart(argc, argv, false);
}

int cmd_restart(int argc, char *argv[]) {
        return stop_or_restart(argc, argv, true);
}

int cmd_kill(int argc, char *argv[]) {
        static const struct option options[] = {
                { "signal", required_argument, NULL, 's' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        const char *signal = "KILL";
        int c;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":s:h", options, NULL)) >= 0)
                switch (c) {
                case 's':
                        signal = optarg;
                        break;
                case 'h':
                        printf("\nUsage:  wharf kill [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                               "Kill one or more running containers\n\n"
                               "Options:\n"
                               "  -s, --signal string   Signal to send to the container (default \"KILL\")\n");
                        return 0;
                default:
                        usage_getopt_error("kill", c, argv);
                        return 1;
                }
        if (optind >= argc) {
                usage_error("kill", "'wharf kill' requires at least 1 argument.");
                return 1;
        }
        return each_container(argc, argv, optind, "KillContainer", ENGINE_SLOW_CALL_USEC, "ss", 0, signal);
}

static int pause_or_unpause(int argc, char *argv[], bool pause) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        const char *command = pause ? "pause" : "unpause";
        int c;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("\nUsage:  wharf %s CONTAINER [CONTAINER...]\n\n%s\n", command,
                               pause ? "Pause all processes within one or more containers" :
                                       "Unpause all processes within one or more containers");
                        return 0;
                default:
                        usage_getopt_error(command, c, argv);
                        return 1;
                }
        if (optind >= argc) {
                usage_error(command, "'wharf %s' requires at least 1 argument.", command);
                return 1;
        }
        return each_container(argc, argv, optind, pause ? "PauseContainer" : "UnpauseContainer", 0, "s", 0, NULL);
}

int cmd_pause(int argc, char *argv[]) {
        return pause_or_unpause(argc, argv, true);
}

int cmd_unpause(int argc, char *argv[]) {
        return pause_or_unpause(argc, argv, false);
}

int cmd_rename(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        int c;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("\nUsage:  wharf rename CONTAINER NEW_NAME\n\nRename a container\n");
                        return 0;
                default:
                        usage_getopt_error("rename", c, argv);
                        return 1;
                }
        if (argc - optind != 2) {
                usage_error("rename", "'wharf rename' requires exactly 2 arguments.");
                return 1;
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_call(e, "RenameContainer", 0, NULL, NULL, false, "ss", argv[optind], argv[optind + 1]) < 0)
                return 1;
        return 0;
}

/* wait: ContainerExited, never a long-held call */

typedef struct Exit {
        char *id;
        int code;
} Exit;

typedef struct Exits {
        Exit *items;
        size_t n;
        const char *want;     /* the id waited for */
        bool seen;
        int code;
} Exits;

static int match_exited(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Exits *x = userdata;
        const char *id;
        int32_t code;
        Exit *l;

        if (sd_bus_message_read(m, "si", &id, &code) < 0)
                return 0;
        if (x->want && streq(x->want, id)) {
                x->seen = true;
                x->code = code;
        }
        l = realloc(x->items, (x->n + 1) * sizeof(Exit));
        if (!l)
                return 0;
        x->items = l;
        x->items[x->n] = (Exit) { .id = strdup(id), .code = code };
        if (x->items[x->n].id)
                x->n++;
        return 0;
}

static void exits_done(Exits *x) {
        for (size_t i = 0; i < x->n; i++)
                free(x->items[i].id);
        free(x->items);
}

/* The container's state; 1: still running (or restarting), 0: *ret_code is
 * its exit code. */
static int wait_inspect(Engine *e, const char *ref, char **ret_id, int *ret_code) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        json_object *v;
        const char *id;
        int r;

        r = engine_inspect_container(e, ref, NULL, &o);
        if (r < 0)
                return r;
        id = json_path_string(o, "Id", NULL);
        if (!id)
                return -EBADMSG;
        free(*ret_id);
        *ret_id = strdup(id);
        if (!*ret_id)
                return -ENOMEM;
        v = json_path(o, "State", "ExitCode", NULL);
        *ret_code = v ? json_object_get_int(v) : 0;
        v = json_path(o, "State", "Running", NULL);
        if (v && json_object_get_boolean(v))
                return 1;
        v = json_path(o, "State", "Restarting", NULL);
        return v && json_object_get_boolean(v) ? 1 : 0;
}

int cmd_wait(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        Exits x = {};
        int c, r, ret = 0;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("\nUsage:  wharf wait CONTAINER [CONTAINER...]\n\n"
                               "Block until one or more containers stop, then print their exit codes\n");
                        return 0;
                default:
                        usage_getopt_error("wait", c, argv);
                        return 1;
                }
        if (optind >= argc) {
                usage_error("wait", "'wharf wait' requires at least 1 argument.");
                return 1;
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;
        /* before asking for the state: an exit in between is not missed */
        r = sd_bus_match_signal(e->bus, &slot, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, "ContainerExited",
                                match_exited, &x);
        if (r < 0) {
                engine_print_error(NULL, r, NULL, false);
                return 1;
        }

        for (int i = optind; i < argc; i++) {
                _cleanup_(freep) char *id = NULL;
                int code = 0;

                x.want = NULL;
                x.seen = false;
                r = wait_inspect(e, argv[i], &id, &code);
                if (r == -EHOSTDOWN) {
                        ret = 1;
                        break;
                }
                if (r < 0) {
                        ret = 1;
                        continue;
                }
                if (r > 0) {
                        /* an exit that came while we asked */
                        for (size_t k = 0; k < x.n; k++)
                                if (streq(x.items[k].id, id)) {
                                        x.seen = true;
                                        x.code = x.items[k].code;
                                }
                        x.want = id;
                        while (!x.seen) {
                                r = engine_wait(e, &x.seen);
                                if (r == -ECONNRESET) {
                                        /* wharfd went away: its successor records the
                                         * exit (reconciliation), ask it */
                                        e->lost = false;
                                        (void) usleep(500 * 1000);
                                        r = wait_inspect(e, id, &id, &code);
                                        if (r < 0)
                                                break;
                                        if (r == 0) {
                                                x.seen = true;
                                                x.code = code;
                                        }
                                        x.want = id;
                                        continue;
                                }
                                if (r < 0)
                                        break;
                        }
                        if (r < 0) {
                                if (r == -EINTR)
                                        return 128 + e->signal;
                                ret = 1;
                                continue;
                        }
                        code = x.code;
                }
                printf("%d\n", code);
                fflush(stdout);
        }
        exits_done(&x);
        return ret;
}
