/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <signal.h>

#include "bus-errors.h"
#include "daemon.h"
#include "fs-util.h"
#include "log.h"

#include "config.h"

void daemon_args_done(DaemonArgs *a) {
        free(a->root);
        free(a->run);
        free(a->user);
        *a = (DaemonArgs) {};
}

static int set_string(char **p, const char *fmt, const char *arg) {
        free(*p);
        if (asprintf(p, fmt, arg) < 0) {
                *p = NULL;
                return -ENOMEM;
        }
        return 0;
}

int daemon_parse_args(int argc, char *argv[], const char *program, const char *description,
                      DaemonArgs *ret) {
        enum { ARG_ROOT = 0x100, ARG_RUN, ARG_STATE, ARG_USER, ARG_DEBUG, ARG_VERSION };
        static const struct option options[] = {
                { "root",    required_argument, NULL, ARG_ROOT    },
                { "run",     required_argument, NULL, ARG_RUN     },
                { "state",   required_argument, NULL, ARG_STATE   },
                { "user",    required_argument, NULL, ARG_USER    },
                { "debug",   no_argument,       NULL, ARG_DEBUG   },
                { "help",    no_argument,       NULL, 'h'         },
                { "version", no_argument,       NULL, ARG_VERSION },
                {}
        };
        DaemonArgs a = {};
        int c, r = 0;

        log_open(program);

        while (r >= 0 && (c = getopt_long(argc, argv, "h", options, NULL)) >= 0)
                switch (c) {
                case ARG_ROOT:  r = set_string(&a.root, "%s", optarg); break;
                case ARG_RUN:   r = set_string(&a.run, "%s", optarg); break;
                case ARG_USER:  r = set_string(&a.user, "%s", optarg); break;
                case ARG_STATE:
                        r = set_string(&a.root, "%s/lib", optarg);
                        if (r >= 0)
                                r = set_string(&a.run, "%s/run", optarg);
                        break;
                case ARG_DEBUG: log_set_max_level(LOG_DEBUG); break;
                case 'h':
                        printf("%s [OPTIONS...]\n\n%s\n\n"
                               "  --root DIR    persistent state (default " WHARF_DEFAULT_ROOT ")\n"
                               "  --run DIR     runtime state (default " WHARF_DEFAULT_RUN ")\n"
                               "  --state DIR   both, as DIR/lib and DIR/run\n"
                               "  --user USER   user to switch to (daemons that drop to one)\n"
                               "  --debug       verbose logging\n"
                               "  -h --help     this help\n"
                               "     --version  print the version\n", program, description);
                        daemon_args_done(&a);
                        return 1;
                case ARG_VERSION:
                        printf("%s %s\n", program, PACKAGE_VERSION);
                        daemon_args_done(&a);
                        return 1;
                default:
                        daemon_args_done(&a);
                        return -EINVAL;
                }
        if (r >= 0 && optind < argc) {
                log_error("Unexpected argument: %s", argv[optind]);
                r = -EINVAL;
        }
        if (r >= 0 && !a.root)
                r = set_string(&a.root, "%s", WHARF_DEFAULT_ROOT);
        if (r >= 0 && !a.run)
                r = set_string(&a.run, "%s", WHARF_DEFAULT_RUN);
        if (r >= 0 && (r = mkdir_p(a.root, 0711)) < 0)
                log_error_errno(r, "Failed to create %s: %m", a.root);
        if (r >= 0 && (r = mkdir_p(a.run, 0711)) < 0)
                log_error_errno(r, "Failed to create %s: %m", a.run);
        if (r < 0) {
                daemon_args_done(&a);
                return r;
        }
        *ret = a;
        return 0;
}

int daemon_event_new(sd_event **ret) {
        sd_event *e = NULL;
        sigset_t ss;
        int r;

        r = sd_event_default(&e);
        if (r < 0)
                return r;

        sigemptyset(&ss);
        sigaddset(&ss, SIGTERM);
        sigaddset(&ss, SIGINT);
        sigaddset(&ss, SIGCHLD);
        /* SIGCHLD blocked too, so sd_event_add_child() works in every daemon */
        if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0) {
                sd_event_unref(e);
                return -errno;
        }
        (void) signal(SIGPIPE, SIG_IGN);

        r = sd_event_add_signal(e, NULL, SIGTERM, NULL, NULL);
        if (r >= 0)
                r = sd_event_add_signal(e, NULL, SIGINT, NULL, NULL);
        if (r < 0) {
                sd_event_unref(e);
                return r;
        }
        *ret = e;
        return 0;
}

int daemon_bus_open(sd_event *event, sd_bus **ret) {
        sd_bus *bus = NULL;
        int r;

        (void) bus_errors_register();

        r = sd_bus_open_system(&bus);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(bus, event, SD_EVENT_PRIORITY_NORMAL);
        if (r < 0) {
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

int daemon_bus_request_name(sd_bus *bus, const char *name) {
        return sd_bus_request_name(bus, name, 0);
}

int bus_property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

int daemon_run(sd_event *event) {
        int r = sd_event_loop(event);
        if (r < 0)
                return log_error_errno(r, "Event loop failed: %m"), 1;
        return r;
}

int bus_reply_method_return_strv(sd_bus_message *call, char * const *l) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_message_new_method_return(call, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, (char **) l);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        return r;
}
