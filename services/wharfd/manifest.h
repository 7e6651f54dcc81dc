/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The layer list of an image: an image manifest (Docker schema 2 or OCI)
 * paired with its config's rootfs.diff_ids, with chain ids computed. */

#include <stdint.h>

#include "digest.h"

typedef struct ManifestLayer {
        char *digest;       /* blob digest, as served */
        char *media_type;
        uint64_t size;
        char *diff_id;      /* uncompressed digest, from the config */
        char chain_id[DIGEST_STRING_MAX];
        char parent_chain_id[DIGEST_STRING_MAX]; /* "" for the base layer */
} ManifestLayer;

void manifest_layers_free(ManifestLayer *layers, size_t n);

/* On failure returns negative errno and, for bad input, a one-line reason in
 * *ret_error (malloc'd). */
/* The administrator's bound on layers of one image is graphd's (its MaxLayers
 * property, limits.conf max_layers): more fails with one line. */
int manifest_check_layer_count(size_t n, unsigned max_layers, char **ret_error);

int manifest_parse_layers(const char *manifest, const char *config,
                          ManifestLayer **ret, size_t *ret_n, char **ret_error);
