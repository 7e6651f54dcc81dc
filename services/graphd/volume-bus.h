/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Graph1.CreateVolume / ListVolumes / InspectVolume / RemoveVolume /
 * PopulateVolume over volume-store.h. Whether a container uses a volume is
 * wharfd's to check before RemoveVolume. */

#include <systemd/sd-bus.h>

#include "manager.h"

int method_create_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_list_volumes(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_inspect_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_remove_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* Replies once the copy-up (volume-copy.h), done in a child, ends; a call
 * for a volume already being populated gets that copy-up's result. */
int method_populate_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error);

/* At exit: waits for the copy-ups in flight, without replying. */
void volume_populates_finish(Manager *m);
