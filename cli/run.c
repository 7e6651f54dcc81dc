/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf run, create, start */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-errors.h"
#include "bus.h"
#include "inspect.h"
#include "cli.h"
#include "containers.h"
#include "log.h"
#include "registry.h"
#include "run-options.h"
#include "stream.h"

/* docker's form for run/create/start: "wharf: Error response from daemon: ...." */
#define RUN_ERROR_PREFIX "wharf: "

static int append_options(sd_bus_message *m, const RunOptions *o) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r < 0)
                return r;

#define APPEND_STRING(key, value)                                                       \
        if ((value) && (r = sd_bus_message_append(m, "{sv}", key, "s", value)) < 0)     \
                return r;

        APPEND_STRING("Name", o->name);
        if (o->rm && (r = sd_bus_message_append(m, "{sv}", "AutoRemove", "b", 1)) < 0)
                return r;
        APPEND_STRING("WorkingDir", o->workdir);
        APPEND_STRING("Hostname", o->hostname);
        APPEND_STRING("NetworkMode", o->network);
        APPEND_STRING("User", o->user);
        APPEND_STRING("Platform", o->platform);
#undef APPEND_STRING
        /* credentials for the pull, if the image is not local */
        r = registry_auth_append_entry(m, o->image);
        if (r < 0)
                return r;

        if (o->env && o->env[0]) {
                if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0 ||
                    (r = sd_bus_message_append(m, "s", "Env")) < 0 ||
                    (r = sd_bus_message_open_container(m, 'v', "as")) < 0 ||
                    (r = sd_bus_message_append_strv(m, o->env)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0)
                        return r;
        }
        {
                _cleanup_(freep) char *net = NULL;
                r = net_options_to_json(&o->net, &net);
                if (r < 0)
                        return r;
                if (net && (r = sd_bus_message_append(m, "{sv}", "NetworkConfig", "s", net)) < 0)
                        return r;
        }
        if (o->entrypoint_set) {
                /* --entrypoint "" clears the image's entrypoint */
                if (isempty(o->entrypoint))
                        r = sd_bus_message_append(m, "{sv}", "Entrypoint", "as", 0);
                else
                        r = sd_bus_message_append(m, "{sv}", "Entrypoint", "as", 1, o->entrypoint);
                if (r < 0)
                        return r;
        }
        if (o->tty && (r = sd_bus_message_append(m, "{sv}", "Tty", "b", 1)) < 0)
                return r;
        if (o->interactive && (r = sd_bus_message_append(m, "{sv}", "OpenStdin", "b", 1)) < 0)
                return r;
        if (o->interactive && !o->detach && (r = sd_bus_message_append(m, "{sv}", "AttachStdin", "b", 1)) < 0)
                return r;
        r = run_flags_append(m, &o->flags);
        if (r < 0)
                return r;

        return sd_bus_message_close_container(m);
}

/* CreateContainer, following its job (pull progress to stderr). Returns the
 * container id, or an exit code through *ret_exit. */
static int container_create(Engine *e, const RunOptions *o, char **ret_id, int *ret_exit) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(job_freep) Job *j = NULL;
        int r;

        *ret_exit = EXIT_ENGINE_ERROR;

        r = job_watch(e, stderr, &j);
        if (r >= 0)
                /* "Unable to find image" and the pull progress, as docker shows
                 * them, but only if the create succeeds: an error is one line */
                r = progress_hold(&j->progress);
        if (r < 0) {
                engine_print_error(NULL, r, RUN_ERROR_PREFIX, false);
                return r;
        }

        r = engine_new_call(e, "CreateContainer", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", o->image);
        if (r >= 0)
                r = sd_bus_message_append_strv(m, o->cmd);
        if (r >= 0)
                r = append_options(m, o);
        if (r < 0) {
                fprintf(stderr, RUN_ERROR_PREFIX "Error: %s.\n", strerror(-r));
                return r;
        }

        r = engine_call_message(e, m, 0, &reply, RUN_ERROR_PREFIX, true);
        if (r < 0)
                return r;
        r = job_attach(j, reply);
        if (r < 0) {
                fprintf(stderr, RUN_ERROR_PREFIX "Error: unexpected reply from the engine: %s.\n", strerror(-r));
                return r;
        }
        r = job_finish(j, RUN_ERROR_PREFIX, true);
        if (r == -EINTR)
                *ret_exit = 128 + e->signal;
        if (r < 0)
                return r;

        log_debug("Created container %s", j->subject);
        *ret_id = TAKE_PTR(j->subject);
        return 0;
}

/* Further --network: connected before the first start (wharfd records them
 * and netd joins them at start), as docker >= 25 does at create. On failure
 * the container goes: the create failed as a whole. */
static int container_connect_networks(Engine *e, const char *id, char **networks, char **options) {
        for (size_t i = 0; networks && networks[i]; i++) {
                int r = engine_call(e, "ConnectNetwork", 0, NULL, RUN_ERROR_PREFIX, true, "sss", id, networks[i],
                                    options && options[i] ? options[i] : "{}");
                if (r < 0) {
                        (void) sd_bus_call_method(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                                  "RemoveContainer", NULL, NULL, "sb", id, 1);
                        return r;
                }
        }
        return 0;
}

/* StartContainer with the given stdio. Exit code on failure: 127 command
 * not found, 126 not executable, 125 anything else (docker's). */
static int container_start(Engine *e, const char *id, int fd_in, int fd_out, int fd_err, const char *prefix,
                           int *ret_exit) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        log_debug("Calling %s.StartContainer %s", ENGINE_INTERFACE, id);
        r = engine_new_call(e, "StartContainer", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "shhh", id, fd_in, fd_out, fd_err);
        if (r >= 0)
                /* the engine replies once the process exec'd: rootfs, sandbox
                 * and runtime come first, which may outlast the default 25 s */
                r = sd_bus_call(e->bus, m, ENGINE_SLOW_CALL_USEC, &error, NULL);
        if (r >= 0)
                return 0;

        log_debug("StartContainer failed: %s (%s)", strempty(error.message), strempty(error.name));
        engine_print_error(&error, r, prefix, !isempty(prefix));
        if (sd_bus_error_has_name(&error, WHARF_ERROR_COMMAND_NOT_FOUND))
                *ret_exit = EXIT_NOT_FOUND;
        else if (sd_bus_error_has_name(&error, WHARF_ERROR_COMMAND_NOT_EXECUTABLE))
                *ret_exit = EXIT_NOT_EXECUTABLE;
        else
                *ret_exit = EXIT_ENGINE_ERROR;
        return r;
}

/* Start with the client's own fds and wait for ContainerExited: the exit
 * code of the process. */
static int container_attach(Engine *e, const char *id, bool interactive, bool auto_remove, bool sig_proxy) {
        _cleanup_(container_watch_freep) ContainerWatch *w = NULL;
        _cleanup_(closep) int null_fd = -EBADF;
        int r, ret;

        if (!interactive) {
                /* docker gives a container without -i no stdin at all */
                null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (null_fd < 0) {
                        fprintf(stderr, RUN_ERROR_PREFIX "Error: open /dev/null: %m.\n");
                        return EXIT_ENGINE_ERROR;
                }
        }

        r = container_watch(e, id, &w);
        if (r < 0) {
                engine_print_error(NULL, r, RUN_ERROR_PREFIX, true);
                return EXIT_ENGINE_ERROR;
        }

        /* a signal from the moment the container may run is its own */
        if (sig_proxy) {
                r = engine_proxy_signals(e);
                if (r < 0) {
                        engine_print_error(NULL, r, RUN_ERROR_PREFIX, true);
                        return EXIT_ENGINE_ERROR;
                }
        }
        fflush(stdout);
        fflush(stderr);
        r = container_start(e, id, interactive ? STDIN_FILENO : null_fd, STDOUT_FILENO, STDERR_FILENO,
                            RUN_ERROR_PREFIX, &ret);
        if (r < 0) {
                if (auto_remove)
                        /* in case the engine kept the never-started container */
                        (void) sd_bus_call_method(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                                  "RemoveContainer", NULL, NULL, "sb", id, 1);
                return ret;
        }

        for (;;) {
                r = container_wait(w);
                if (r != -EINTR || !sig_proxy)
                        break;
                /* --sig-proxy (docker's default without -t): the signals are
                 * the container's, and we wait on for its exit */
                engine_forward_signals(e, id);
        }
        if (r == -EINTR)
                /* --sig-proxy=false: leave quietly, the container runs on */
                return 128 + e->signal;
        if (r == -ECONNRESET) {
                fputs(RUN_ERROR_PREFIX "Error response from daemon: the wharf engine exited while the container ran.\n",
                      stderr);
                return EXIT_ENGINE_ERROR;
        }
        if (r < 0) {
                fprintf(stderr, RUN_ERROR_PREFIX "Error: %s.\n", strerror(-r));
                return EXIT_ENGINE_ERROR;
        }
        log_debug("Container %s exited with %d", id, w->exit_code);
        return w->exit_code;
}

/* -d: the output goes to the log only; prints the id */
static int container_run_detached(Engine *e, const char *id, bool auto_remove) {
        _cleanup_(closep) int null_fd = -EBADF;
        int r, ret;

        null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null_fd < 0) {
                fprintf(stderr, RUN_ERROR_PREFIX "Error: open /dev/null: %m.\n");
                return EXIT_ENGINE_ERROR;
        }
        r = container_start(e, id, null_fd, null_fd, null_fd, RUN_ERROR_PREFIX, &ret);
        if (r < 0) {
                if (auto_remove)
                        (void) sd_bus_call_method(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                                  "RemoveContainer", NULL, NULL, "sb", id, 1);
                return ret;
        }
        printf("%s\n", id);
        return 0;
}

/* -t: the container's terminal through our socket pairs (stream.h), so
 * that the detach keys leave it running */
static int container_run_tty(Engine *e, const char *id, const RunOptions *o, bool created_here) {
        _cleanup_(container_watch_freep) ContainerWatch *w = NULL;
        _cleanup_(stream_proxy_freep) StreamProxy *p = NULL;
        _cleanup_(closep) int in = -EBADF, out = -EBADF, err = -EBADF, null_fd = -EBADF;
        int r, ret;

        if (o->interactive && !isatty(STDIN_FILENO)) {
                fputs(RUN_ERROR_PREFIX "the input device is not a TTY\n", stderr);
                if (created_here)
                        (void) sd_bus_call_method(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                                  "RemoveContainer", NULL, NULL, "sb", id, 1);
                return 1;
        }
        r = container_watch(e, id, &w);
        if (r >= 0)
                r = stream_proxy_new(e, &(StreamOptions) {
                                .id = id,
                                .stdin_ = o->interactive,
                                .tty = true,
                                .detach_keys = o->flags.detach_keys,
                                .exited = &w->exited,
                        }, &p, &in, &out, &err);
        if (r >= 0 && in < 0) {
                null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
                if (null_fd < 0)
                        r = -errno;
        }
        if (r < 0) {
                fprintf(stderr, RUN_ERROR_PREFIX "Error: %s.\n", strerror(-r));
                return EXIT_ENGINE_ERROR;
        }

        r = container_start(e, id, in >= 0 ? in : null_fd, out, out, RUN_ERROR_PREFIX, &ret);
        /* the monitor has its copies now */
        in = safe_close(in);
        out = safe_close(out);
        if (r < 0) {
                if (o->rm)
                        (void) sd_bus_call_method(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                                  "RemoveContainer", NULL, NULL, "sb", id, 1);
                return ret;
        }

        r = stream_proxy_run(p);
        if (r == 1)
                return 0;   /* detached: the container runs on */
        if (r == -EINTR)
                return 128 + e->signal;
        if (r == -ECONNRESET) {
                fputs(RUN_ERROR_PREFIX "Error response from daemon: the wharf engine exited while the container ran.\n",
                      stderr);
                return EXIT_ENGINE_ERROR;
        }
        if (r < 0) {
                fprintf(stderr, RUN_ERROR_PREFIX "Error: %s.\n", strerror(-r));
                return EXIT_ENGINE_ERROR;
        }
        return w->exit_code;
}

static int run_or_create(int argc, char *argv[], bool run) {
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(freep) char *id = NULL;
        int r, ret;

        r = run_options_parse(argc, argv, &o);
        if (r == -ENOMEM)
                fputs(RUN_ERROR_PREFIX "Error: out of memory.\n", stderr);
        if (r < 0)
                return EXIT_ENGINE_ERROR;
        if (r > 0)
                return 0;

        if (engine_connect(&e, RUN_ERROR_PREFIX) < 0)
                return EXIT_ENGINE_ERROR;

        if (container_create(e, &o, &id, &ret) < 0)
                return ret;
        if (container_connect_networks(e, id, o.extra_networks, o.extra_network_options) < 0)
                return EXIT_ENGINE_ERROR;

        if (!run) {
                printf("%s\n", id);
                return 0;
        }
        if (o.detach)
                return container_run_detached(e, id, o.rm);
        if (o.tty)
                return container_run_tty(e, id, &o, true);
        return container_attach(e, id, o.interactive, o.rm, !o.no_sig_proxy);
}

int cmd_run(int argc, char *argv[]) {
        return run_or_create(argc, argv, true);
}

int cmd_create(int argc, char *argv[]) {
        return run_or_create(argc, argv, false);
}

int cmd_start(int argc, char *argv[]) {
        static const struct option options[] = {
                { "attach",      no_argument, NULL, 'a' },
                { "interactive", no_argument, NULL, 'i' },
                { "help",        no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        ContainerInfo *l = NULL;
        size_t n = 0;
        bool attach = false, interactive = false, found = false, running = false;
        int c, r, ret = 0;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":aih", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        attach = true;
                        break;
                case 'i':
                        interactive = true;
                        break;
                case 'h':
                        printf("\nUsage:  wharf start [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                               "Start one or more stopped containers\n\n"
                               "Options:\n"
                               "  -a, --attach        Attach STDOUT/STDERR and forward signals\n"
                               "  -i, --interactive   Attach container's STDIN\n");
                        return 0;
                default:
                        usage_getopt_error("start", c, argv);
                        return usage_exit_code("start");
                }
        if (optind >= argc) {
                usage_error("start", "'wharf start' requires at least 1 argument.");
                return usage_exit_code("start");
        }
        if ((attach || interactive) && argc - optind > 1) {
                fputs(RUN_ERROR_PREFIX "you cannot start and attach multiple containers at once\n", stderr);
                return EXIT_ENGINE_ERROR;
        }

        if (engine_connect(&e, (attach || interactive) ? RUN_ERROR_PREFIX : NULL) < 0)
                return 1;

        if (attach || interactive) {
                const ContainerInfo *ci;
                _cleanup_(freep) char *id = NULL;

                /* ContainerExited names the full id: resolve what was given */
                if (container_list(e, true, RUN_ERROR_PREFIX, true, &l, &n) < 0)
                        return EXIT_ENGINE_ERROR;
                ci = container_find(l, n, argv[optind]);
                id = strdup(ci ? ci->id : argv[optind]);
                found = ci != NULL;
                running = ci && streq_ptr(ci->state, "running");
                container_list_free(l, n);
                if (!id)
                        return EXIT_ENGINE_ERROR;
                /* a -t container gets the terminal proxy, as run -t: raw
                 * mode, detach keys; docker attaches to a running one */
                if (found && container_has_tty(e, id)) {
                        if (running)
                                return container_attach_running(e, id, !interactive, NULL, false);
                        return container_run_tty(e, id, &(RunOptions) { .interactive = interactive, .tty = true },
                                                 false);
                }
                return container_attach(e, id, interactive, false, true);
        }

        /* detached: the output has nowhere to go yet */
        for (int i = optind; i < argc; i++) {
                _cleanup_(closep) int null_fd = -EBADF;
                int code;

                null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
                if (null_fd < 0) {
                        fprintf(stderr, "Error: open /dev/null: %m\n");
                        return 1;
                }
                r = container_start(e, argv[i], null_fd, null_fd, null_fd, NULL, &code);
                if (r < 0) {
                        ret = 1;
                        continue;
                }
                printf("%s\n", argv[i]);
        }
        return ret;
}
