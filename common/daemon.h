/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What every wharf daemon does at start-up: parse the common options, make
 * its state directories, set up sd-event with SIGTERM/SIGINT, connect to the
 * system bus (which honours DBUS_SYSTEM_BUS_ADDRESS), and run. */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#define WHARF_DEFAULT_ROOT "/var/lib/wharf"
#define WHARF_DEFAULT_RUN  "/run/wharf"

typedef struct DaemonArgs {
        char *root;   /* persistent state, e.g. /var/lib/wharf */
        char *run;    /* runtime state, e.g. /run/wharf */
        char *user;   /* --user, for daemons that switch user */
} DaemonArgs;

void daemon_args_done(DaemonArgs *a);

/* Parses --root DIR, --run DIR, --state DIR (= DIR/lib + DIR/run), --user U,
 * --debug, --help, --version. Returns 0 to go on, >0 when the program should
 * exit 0 (help/version printed), <0 on bad usage (message printed). */
int daemon_parse_args(int argc, char *argv[], const char *program, const char *description,
                      DaemonArgs *ret);

/* sd_event with SIGTERM and SIGINT ending the loop. */
int daemon_event_new(sd_event **ret);

/* System bus attached to event; registers the wharf error map. */
int daemon_bus_open(sd_event *event, sd_bus **ret);

/* Request the well-known name (after the vtables are added). */
int daemon_bus_request_name(sd_bus *bus, const char *name);

/* The Version property every daemon serves (PACKAGE_VERSION). */
int bus_property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error);

/* Answers call with one string array (an "as" reply). */
int bus_reply_method_return_strv(sd_bus_message *call, char * const *l);

/* Runs the loop; returns the exit code for main(). */
int daemon_run(sd_event *event);

/* sd-bus.h and sd-event.h already provide sd_bus_flush_close_unrefp,
 * sd_bus_message_unrefp, sd_event_unrefp, ... for _cleanup_. */
