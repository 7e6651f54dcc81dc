/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "container-config.h"

/* Parses CreateContainer's a{sv} (docker API names); unknown keys are
 * ignored, wrong types are an error. */
int container_options_parse(sd_bus_message *message, ContainerOptions *o, sd_bus_error *error);

/* The CreateContainer method: a "create" job, pulling the image when it is
 * not local. */
int method_create_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
