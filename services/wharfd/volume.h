/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Volumes: graphd stores them (Graph1.CreateVolume ...); wharfd knows
 * which container uses which. A container's volumes are its record's
 * "MountPoints" (inspect's Mounts shape, mounts.h), named and given their
 * Source by graphd at create, filled from the image at start (docker's
 * copy-up), removed with the container when anonymous and the container
 * goes with --rm or rm -v. */

#include <json-c/json.h>
#include <systemd/sd-bus.h>

#include "manager.h"

typedef struct VolumeOp VolumeOp;

/* r < 0: message says why (one line, may be NULL on OOM). */
typedef void (*VolumeOpDone)(int r, const char *message, void *userdata);

VolumeOp *volume_op_free(VolumeOp *op);
DEFINE_TRIVIAL_CLEANUP_FUNC(VolumeOp *, volume_op_free);

/* Creates (or finds) each volume mount_points asks for, one after the
 * other, and fills in its Name (anonymous ones get graphd's) and Source.
 * done is called once, unless *ret is freed first. */
int volumes_create(Manager *m, json_object *mount_points, VolumeOpDone done, void *userdata, VolumeOp **ret);

/* Copies the image's files at each Destination into its volume, where the
 * volume is empty (graphd checks) and NoCopy is not set. */
int volumes_populate(Manager *m, const char *container_id, json_object *mount_points,
                     VolumeOpDone done, void *userdata, VolumeOp **ret);

/* The container's MountPoints (borrowed), NULL when it has none. */
json_object *container_mount_points(const Container *c);

/* Removes the container's anonymous volumes (their failure is logged). */
void volumes_drop_anonymous(Manager *m, const Container *c);

/* Engine1 methods */
int method_create_volume(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_inspect_volume(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_list_volumes(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_remove_volume(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_prune_volumes(sd_bus_message *message, void *userdata, sd_bus_error *error);
