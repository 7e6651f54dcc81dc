/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The manifest of a stored image: the one it was pulled with, or one
 * generated from its layers' stored blobs (loaded, imported and committed
 * images): Docker schema2, or OCI when a layer is zstd (which schema2 cannot
 * name). */

#include "digest.h"
#include "graph.h"

/* Generate a manifest for config (whose digest is id) over the layers
 * (chain ids, base first). -ENOENT when a layer has no stored blob. */
int image_manifest_generate(Graph *g, const char *config, char **layers, char **ret);

/* The stored manifest of image id (generated when none is stored) and the
 * digest of exactly those bytes. */
int image_manifest_get(Graph *g, const char *id, char **ret_manifest,
                       char ret_digest[static DIGEST_STRING_MAX]);
