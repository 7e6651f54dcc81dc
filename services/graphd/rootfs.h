/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Container root file systems: containers/<cid>/{upper,work} plus an
 * overlayfs mounted at RUN/graph/mounts/<cid>. containers/<cid>/rootfs.json
 * records the image and its layers, so images and layers a container still
 * uses are never deleted under it. */

#include <stdbool.h>
#include <systemd/sd-bus.h>

#include "graph.h"

typedef struct ContainerRef {
        char *container_id;
        char *image_id;     /* "sha256:<hex>" */
        char **layers;      /* chain ids, base first */
} ContainerRef;

void container_refs_free(ContainerRef *refs, size_t n);
/* every container that has a writable layer here */
int container_refs_load(Graph *g, ContainerRef **ret, size_t *ret_n);

/* Mounted with overlayfs' "volatile": no syncs of the writable layer (a
 * container removed when it exits). */
#define ROOTFS_VOLATILE (1U << 0)

/* Both idempotent. */
int rootfs_create(Graph *g, const char *container_id, const char *image_id, unsigned flags,
                  char **ret_path, sd_bus_error *error);
int rootfs_release(Graph *g, const char *container_id, bool remove, sd_bus_error *error);

/* RUN/graph/mounts/<cid> when that rootfs is mounted: -EINVAL for an
 * invalid id, -ENOENT when not mounted. */
int rootfs_mounted_path(Graph *g, const char *container_id, char **ret);
