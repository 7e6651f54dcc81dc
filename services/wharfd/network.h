/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Container networking on the engine's side (network.c): the Engine1
 * network methods (forwarded to netd's Net1), a container's network
 * configuration (ROOT/engine/containers/<id>/network.json, written at
 * create), its sandbox at start, and the /etc/hosts, /etc/hostname and
 * /etc/resolv.conf that wharfd writes beside it and bind-mounts into the
 * container. */

#include <systemd/sd-bus.h>

#include "container.h"
#include "manager.h"

/* The NetworkMode to record for what the client sent ("" or "default":
 * default_mode, the engine's DefaultNetwork, see config.h). -EINVAL for a
 * malformed one (docker checks names at start, when netd knows them). */
int network_mode_normalize(const char *mode, const char *default_mode, char **ret);

/* Writes network.json from the client's NetworkConfig option (JSON:
 * PortBindings, PublishAllPorts, Dns, ExtraHosts, MacAddress, IPAddress,
 * Aliases) and, for PublishAllPorts, the image's ExposedPorts. */
int network_config_save(Manager *m, const Container *c, const char *network_config, const char *image_config);
/* Checks a NetworkConfig option at create: -EINVAL with *ret_error. */
int network_config_check(const char *network_config, char **ret_error);

/* Net1.CreateSandboxWithOptions for c; callback gets (netns, settings). */
int network_sandbox_create(Manager *m, const Container *c, sd_bus_message_handler_t callback, void *userdata,
                           char **ret_error);
/* After the netns path has been read from the reply: keep the settings,
 * write the container's etc files. */
int network_sandbox_finish(Manager *m, const Container *c, sd_bus_message *reply);
/* Adds the bind mounts of the etc files to an OCI spec (JSON, replaced). */
int network_spec_add_mounts(Manager *m, const Container *c, char **spec);

int method_create_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_remove_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_inspect_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_list_networks(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_prune_networks(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_connect_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_disconnect_network(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_get_network_settings(sd_bus_message *message, void *userdata, sd_bus_error *error);
