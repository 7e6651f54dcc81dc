/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Engine1's image commands beyond pull/list/rmi (issue 3, store side):
 * tag, inspect, history, prune and system df. The image is looked up the
 * docker way (image.c), then graphd does the work; prune and df add what
 * only the engine knows: which images its containers use. */

#include <systemd/sd-bus.h>

int method_tag_image(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_inspect_image(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_image_history(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_prune_images(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_system_disk_usage(sd_bus_message *message, void *userdata, sd_bus_error *error);
