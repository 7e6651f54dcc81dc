/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Net1's network methods (netd-network.c), added to the vtable in
 * netd-bus.c. */

#include <systemd/sd-bus.h>

typedef struct Manager Manager;
typedef struct Creation Creation;

int method_create_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_remove_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_prune_networks(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_inspect_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_list_networks(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_get_sandbox(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_disconnect_sandbox(sd_bus_message *message, void *userdata, sd_bus_error *error);

int manager_sandbox_connect_prepare(Manager *m, Creation *c, const char *network, const char *options,
                                    sd_bus_error *error);
void manager_sandbox_connect_undo(Manager *m, Creation *c);
int manager_sandbox_disconnect(Manager *m, const char *id, const char *network, sd_bus_error *error);
