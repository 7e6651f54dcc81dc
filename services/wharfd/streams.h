/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Streams of a running container, handed to clients as file descriptors:
 * Attach and Resize (passed on to execd's monitor), OpenLogs (read-only
 * fds of the json-file logs: the client reads and parses them itself),
 * Exec (docker exec; ExecExited passed on). No container bytes go through
 * wharfd. */

#include <systemd/sd-bus.h>

#include "manager.h"

int method_attach(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_resize(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_open_logs(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_exec(sd_bus_message *message, void *userdata, sd_bus_error *error);

/* Exec1.ExecExited -> Engine1.ExecExited */
int streams_subscribe(Manager *m);

/* ROOT/engine/containers/<id>/<id>-json.log (docker's LogPath) */
char *container_log_path(Manager *m, const char *id);
