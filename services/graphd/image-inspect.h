/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What `docker image inspect`, `docker history` and `docker system df` show,
 * computed from the store. */

#include <stdint.h>

#include "graph.h"

/* docker's image inspect object (one, not the array) as JSON text */
int image_inspect_json(Graph *g, const char *id, char **ret);

typedef struct HistoryRow {
        char *id;            /* the image id on the top row, else "<missing>" */
        int64_t created;     /* unix seconds, 0 unknown */
        char *created_by;
        uint64_t size;       /* unpacked size of the layer the step made, 0 for empty_layer */
        char *comment;
} HistoryRow;

void history_rows_free(HistoryRow *rows, size_t n);

/* Newest first, as docker history; steps without a history entry (images
 * built without one) get a row per layer. */
int image_history(Graph *g, const char *id, HistoryRow **ret, size_t *ret_n);

typedef struct DiskUsage {
        uint32_t images;
        uint32_t active;             /* images in active */
        uint64_t size;               /* unique layers of all images */
        uint64_t reclaimable;        /* unique layers no active image uses */
} DiskUsage;

int image_disk_usage(Graph *g, char **active, DiskUsage *ret);

/* bytes in a container's writable layer; -ENOENT when it has none */
int container_layer_size(Graph *g, const char *container_id, uint64_t *ret);
