/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's life on the backends: start (rootfs, sandbox, spec, run),
 * exit (record, release, ContainerExited) and removal. */

#include <systemd/sd-bus.h>

#include "manager.h"

int method_start_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_remove_container(sd_bus_message *message, void *userdata, sd_bus_error *error);

/* Exec1.Exited */
void container_dispatch_exited(Manager *m, const char *id, int exit_code);

/* At start-up: containers recorded as running whose exit we missed. */
int containers_reconcile(Manager *m);
