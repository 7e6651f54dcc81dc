/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Images (images/<id-hex>/{config.json,manifest.json,image.json}) and the
 * names pointing at them (repositories.json:
 *   { "tags":    { "127.0.0.1:5000/library/busybox:latest": "sha256:<id>" },
 *     "digests": { "127.0.0.1:5000/library/busybox@sha256:<m>": "sha256:<id>" } }).
 * Errors are named org.wharf.Error.* in the sd_bus_error, with one line. */

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "digest.h"
#include "graph.h"

typedef struct Image {
        char id[DIGEST_STRING_MAX];  /* "sha256:<hex>" */
        char **layers;               /* chain ids, base first */
        char *manifest_digest;       /* NULL when committed without one */
        int64_t created;             /* unix seconds from the config, 0 if unknown */
        uint64_t size;               /* sum of the layers' unpacked sizes */
        char **tags;                 /* normalized, filled by image_list() */
        char **digests;              /* repo digests, filled by image_list() */
} Image;

void image_done(Image *i);
void images_free(Image *images, size_t n);

/* RFC 3339 ("2024-01-02T03:04:05.123Z", "+01:00" offsets) -> unix seconds */
int parse_rfc3339(const char *s, int64_t *ret);

int image_load(Graph *g, const char *id, Image *ret);

/* Verify and record an image; tags may hold "registry/repo:tag" and
 * "registry/repo@sha256:..." references. */
int image_commit(Graph *g, const char *manifest_digest, const char *manifest, const char *config,
                 char **tags, char ret_id[static DIGEST_STRING_MAX], sd_bus_error *error);

/* By normalized tag, repo digest, full id ("sha256:hex" or hex) or unique
 * hex prefix. */
int image_resolve(Graph *g, const char *reference, char ret_id[static DIGEST_STRING_MAX],
                  sd_bus_error *error);

/* config.json of an image */
int image_read_config(Graph *g, const char *id, char **ret);

int image_list(Graph *g, Image **ret, size_t *ret_n);

/* docker rmi: returns "Untagged: ..." / "Deleted: ..." lines */
int image_remove(Graph *g, const char *reference, bool force, char ***ret_messages,
                 sd_bus_error *error);

/* docker tag: target is a reference with a tag (normalized here). */
int image_tag(Graph *g, const char *source, const char *target, sd_bus_error *error);

/* docker image prune: delete untagged images, with all every image no
 * container uses; keep: image ids the engine's containers use. */
int image_prune(Graph *g, bool all, char **keep, char ***ret_messages, uint64_t *ret_reclaimed);

/* Tags and repo digests (normalized) of one image. */
int image_names(Graph *g, const char *id, char ***ret_tags, char ***ret_digests);
