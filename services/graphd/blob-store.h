/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Content-addressed blobs: ROOT/graph/blobs/sha256/<hex> holds the bytes of
 * every layer as pulled (compressed), every image config and manifest. A
 * blob lives as long as something refers to it: a layer's layer.json
 * (blob_digest), an image's config (its id) or its stored manifest. */

#include <stdbool.h>
#include <stdint.h>

#include "digest.h"
#include "graph.h"

#define MEDIA_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_DOCKER_CONFIG   "application/vnd.docker.container.image.v1+json"
#define MEDIA_OCI_MANIFEST    "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_OCI_CONFIG      "application/vnd.oci.image.config.v1+json"

/* blobs/sha256/<hex>; NULL on OOM or an invalid digest */
char *blob_path(Graph *g, const char *digest);
bool blob_exists(Graph *g, const char *digest);

/* Move a complete file into the store under digest. When the blob is
 * already there the file is removed and the stored copy kept. Not synced:
 * the caller marks it first (store_sync_mark()). */
int blob_publish_file(Graph *g, const char *path, const char *digest);

/* Store data (temp + fsync + rename); its digest in ret_digest. */
int blob_write(Graph *g, const void *data, size_t size, char ret_digest[static DIGEST_STRING_MAX]);

/* Read-only fd and size of a stored blob; -ENOENT when absent. */
int blob_open(Graph *g, const char *digest, int *ret_fd, uint64_t *ret_size);

/* Is digest referred to by a layer or an image? */
int blob_in_use(Graph *g, const char *digest);

/* Remove the blob unless something still refers to it. */
int blob_unref(Graph *g, const char *digest);

/* Remove blobs nothing refers to (left by a crash between storing a blob and
 * publishing what refers to it); returns how many. */
int blob_gc(Graph *g);

/* The media type a stored blob is known under (layer, config or manifest);
 * -ENOENT when nothing refers to it. */
int blob_media_type(Graph *g, const char *digest, char **ret);
