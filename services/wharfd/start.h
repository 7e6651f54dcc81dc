/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's life on the backends: start (rootfs, sandbox, spec, run),
 * exit (record, release, ContainerExited) and removal. */

#include <systemd/sd-bus.h>

#include "manager.h"

int method_start_container(sd_bus_message *message, void *userdata, sd_bus_error *error);

/* Called once a start ends: error_name NULL on success. */
typedef void (*StartDone)(Manager *m, const char *id, const char *error_name, const char *message, void *userdata);

/* Starts c (created or exited): request NULL means nobody waits (restart
 * policies, `restart`): stdio is /dev/null, the log keeps the output; else
 * request is answered and fds (its stdio) used. done may be NULL. */
int container_start(Manager *m, Container *c, sd_bus_message *request, const int fds[3],
                    StartDone done, void *userdata);
int method_remove_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
/* (container, force, volumes): rm -v takes the anonymous volumes along */
int method_remove_container_with_options(sd_bus_message *message, void *userdata, sd_bus_error *error);

/* Exec1.Exited */
void container_dispatch_exited(Manager *m, const char *id, int exit_code);

/* Records an exit (State), then cleans up (rootfs, sandbox, execd) and
 * emits ContainerExited. */
void container_handle_exit(Manager *m, Container *c, int exit_code);

/* reconcile.c: at start-up, containers recorded as running whose exit we
 * missed, and the restart policies' containers to bring back. 1: the
 * check is under way (the bus name is taken when it ends), 0: nothing to
 * check. */
int containers_reconcile(Manager *m);
/* reconcile.c: a backend left the bus; for execd, check the containers
 * again once it is back (activated by that check). */
void containers_backend_vanished(Manager *m, int backend);
