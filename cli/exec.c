/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf exec: Engine1.Exec with our stdio (or, with -t, socket pairs for
 * the detach keys), then the exit code from ExecExited. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-errors.h"
#include "bus.h"
#include "cli.h"
#include "log.h"
#include "run-options.h"
#include "stream.h"

typedef struct ExecWatch {
        char *id;
        uint32_t pid;           /* 0 until Exec replied */
        bool exited;
        int exit_code;
        /* ExecExited that came before the reply told us the pid */
        uint32_t early_pids[16];
        int early_codes[16];
        size_t n_early;
} ExecWatch;

static int match_exec_exited(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        ExecWatch *w = userdata;
        const char *id;
        uint32_t pid;
        int32_t code;

        if (sd_bus_message_read(m, "sui", &id, &pid, &code) < 0 || !streq(id, w->id))
                return 0;
        if (w->pid == 0) {
                if (w->n_early < ELEMENTSOF(w->early_pids)) {
                        w->early_pids[w->n_early] = pid;
                        w->early_codes[w->n_early++] = code;
                }
                return 0;
        }
        if (pid == w->pid) {
                w->exit_code = code;
                w->exited = true;
        }
        return 0;
}

static void exec_watch_set_pid(ExecWatch *w, uint32_t pid) {
        w->pid = pid;
        for (size_t i = 0; i < w->n_early; i++)
                if (w->early_pids[i] == pid) {
                        w->exit_code = w->early_codes[i];
                        w->exited = true;
                }
}

static void exec_help(void) {
        printf("\nUsage:  wharf exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
               "Execute a command in a running container\n\n"
               "Options:\n"
               "  -d, --detach               Detached mode: run command in the background\n"
               "      --detach-keys string   Override the key sequence for detaching a container\n"
               "  -e, --env list             Set environment variables\n"
               "  -i, --interactive          Keep STDIN open even if not attached\n"
               "      --privileged           Give extended privileges to the command\n"
               "  -t, --tty                  Allocate a pseudo-TTY\n"
               "  -u, --user string          Username or UID (format: \"<name|uid>[:<group|gid>]\")\n"
               "  -w, --workdir string       Working directory inside the container\n");
}

int cmd_exec(int argc, char *argv[]) {
        enum { ARG_PRIVILEGED = 0x100, ARG_DETACH_KEYS };
        static const struct option options[] = {
                { "detach",      no_argument,       NULL, 'd'             },
                { "detach-keys", required_argument, NULL, ARG_DETACH_KEYS },
                { "env",         required_argument, NULL, 'e'             },
                { "interactive", no_argument,       NULL, 'i'             },
                { "privileged",  no_argument,       NULL, ARG_PRIVILEGED  },
                { "tty",         no_argument,       NULL, 't'             },
                { "user",        required_argument, NULL, 'u'             },
                { "workdir",     required_argument, NULL, 'w'             },
                { "help",        no_argument,       NULL, 'h'             },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        _cleanup_(stream_proxy_freep) StreamProxy *p = NULL;
        _cleanup_(strv_freep) char **env = NULL;
        _cleanup_(closep) int in = -EBADF, out = -EBADF, err = -EBADF, null_fd = -EBADF;
        _cleanup_(freep) char *id = NULL;
        const char *user = NULL, *workdir = NULL, *detach_keys = NULL;
        bool detach = false, interactive = false, tty = false, privileged = false;
        ExecWatch w = {};
        uint32_t pid;
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+:de:itu:w:h", options, NULL)) >= 0)
                switch (c) {
                case 'd':
                        detach = true;
                        break;
                case ARG_DETACH_KEYS:
                        detach_keys = optarg;
                        break;
                case 'e': {
                        _cleanup_(freep) char *kv = NULL;
                        if (env_resolve(optarg, &kv) < 0) {
                                usage_error("exec", "invalid argument \"%s\" for \"-e, --env\" flag: invalid environment variable: %s",
                                            optarg, optarg);
                                return 1;
                        }
                        if (strv_extend(&env, kv) < 0)
                                return log_oom(), 1;
                        break;
                }
                case 'i':
                        interactive = true;
                        break;
                case ARG_PRIVILEGED:
                        privileged = true;
                        break;
                case 't':
                        tty = true;
                        break;
                case 'u':
                        user = optarg;
                        break;
                case 'w':
                        workdir = optarg;
                        break;
                case 'h':
                        exec_help();
                        return 0;
                default:
                        usage_getopt_error("exec", c, argv);
                        return 1;
                }
        if (argc - optind < 2) {
                usage_error("exec", "\"wharf exec\" requires at least 2 arguments.");
                return 1;
        }
        if (tty && interactive && !detach && !isatty(STDIN_FILENO)) {
                fputs("the input device is not a TTY\n", stderr);
                return 1;
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (container_resolve_id(e, argv[optind], &id) < 0)
                return 1;
        w.id = id;
        r = sd_bus_match_signal(e->bus, &slot, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, "ExecExited",
                                match_exec_exited, &w);
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", strerror(-r));
                return 1;
        }

        if (!detach && (tty || interactive)) {
                r = stream_proxy_new(e, &(StreamOptions) {
                                .id = id,
                                .stdin_ = interactive,
                                .tty = tty,
                                .detach_keys = detach_keys,
                                .exited = &w.exited,
                        }, &p, &in, &out, &err);
                if (r < 0) {
                        fprintf(stderr, "Error: %s\n", strerror(-r));
                        return 1;
                }
        }
        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd < 0) {
                fprintf(stderr, "Error: open /dev/null: %m\n");
                return 1;
        }

        r = engine_new_call(e, "Exec", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", id);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, argv + optind + 1);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && env) {
                if ((r = sd_bus_message_open_container(m, 'e', "sv")) >= 0 &&
                    (r = sd_bus_message_append(m, "s", "Env")) >= 0 &&
                    (r = sd_bus_message_open_container(m, 'v', "as")) >= 0 &&
                    (r = sd_bus_message_append_strv(m, env)) >= 0 &&
                    (r = sd_bus_message_close_container(m)) >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0 && user)
                r = sd_bus_message_append(m, "{sv}", "User", "s", user);
        if (r >= 0 && workdir)
                r = sd_bus_message_append(m, "{sv}", "WorkingDir", "s", workdir);
        if (r >= 0 && tty)
                r = sd_bus_message_append(m, "{sv}", "Tty", "b", 1);
        if (r >= 0 && privileged)
                r = sd_bus_message_append(m, "{sv}", "Privileged", "b", 1);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r >= 0) {
                int fi, fo, fe;

                if (detach)
                        fi = fo = fe = null_fd;
                else if (p) {
                        fi = in >= 0 ? in : null_fd;
                        fo = out;
                        fe = err >= 0 ? err : out;
                } else {
                        fi = null_fd;
                        fo = STDOUT_FILENO;
                        fe = STDERR_FILENO;
                }
                fflush(stdout);
                r = sd_bus_message_append(m, "hhh", fi, fo, fe);
        }
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", strerror(-r));
                return 1;
        }
        r = sd_bus_call(e->bus, m, ENGINE_SLOW_CALL_USEC, &error, &reply);
        in = safe_close(in);
        out = safe_close(out);
        err = safe_close(err);
        if (r < 0) {
                engine_print_error(&error, r, "", false);
                if (sd_bus_error_has_name(&error, WHARF_ERROR_COMMAND_NOT_FOUND))
                        return EXIT_NOT_FOUND;
                if (sd_bus_error_has_name(&error, WHARF_ERROR_COMMAND_NOT_EXECUTABLE))
                        return EXIT_NOT_EXECUTABLE;
                return engine_error_is_unreachable(&error, r) ? 1 : EXIT_ENGINE_ERROR;
        }
        r = sd_bus_message_read(reply, "u", &pid);
        if (r < 0) {
                fprintf(stderr, "Error: unexpected Exec reply: %s\n", strerror(-r));
                return 1;
        }
        exec_watch_set_pid(&w, pid);
        if (detach)
                return 0;

        if (p)
                r = stream_proxy_run(p);
        else
                r = engine_wait(e, &w.exited);
        if (r == 1)
                return 0;
        if (r == -EINTR)
                return 128 + e->signal;
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", r == -ECONNRESET ? "the wharf engine exited" : strerror(-r));
                return 1;
        }
        return w.exit_code;
}
