/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Published layers: layers/<chain-hex>/diff (the unpacked tree) and
 * layers/<chain-hex>/layer.json, keyed by chain ID. */

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "graph.h"

typedef struct Layer {
        char chain_id[DIGEST_STRING_MAX];
        char diff_id[DIGEST_STRING_MAX];
        char parent[DIGEST_STRING_MAX];      /* parent chain id, "" for a base layer */
        char blob_digest[DIGEST_STRING_MAX];
        char *media_type;
        uint64_t size;                       /* unpacked content */
        uint64_t compressed_size;
} Layer;

void layer_done(Layer *l);

/* layers/<hex> or layers/<hex>/sub; NULL on OOM or an invalid chain id */
char *layer_path(Graph *g, const char *chain_id, const char *sub);
bool layer_exists(Graph *g, const char *chain_id);
int layer_load(Graph *g, const char *chain_id, Layer *ret);

/* dir/layer.json, not synced: it is published and synced with its layer */
int layer_metadata_write(const char *dir, const Layer *l);

/* Rename dir (holding diff/ and layer.json) to layers/<hex>. Returns 0 when
 * published, 1 when the layer was already there (dir untouched: discard it). */
int layer_publish(Graph *g, const char *dir, const char *chain_id);
