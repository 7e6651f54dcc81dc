/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Finding a local image the way docker does: as a reference first, then
 * as an image id or unique id prefix. */

#include <systemd/sd-bus.h>

#include "manager.h"

typedef struct ImageLookup ImageLookup;

/* r == 0: found (key = what matched: normalized reference or id);
 * r == -ENOENT: no such image; else error is the backend's failure. */
typedef void (*ImageLookupHandler)(ImageLookup *l, int r, const char *key, const char *image_id,
                                   const char *config, const sd_bus_error *error, void *userdata);

/* The keys to try for what a client typed; -EINVAL when it is neither a
 * valid reference nor an id. ret_normalized: the normalized reference, if any. */
int image_lookup_keys(const char *input, char ***ret_keys, char **ret_normalized);

int image_lookup_start(Manager *m, const char *input, ImageLookupHandler handler, void *userdata,
                       ImageLookup **ret);
ImageLookup *image_lookup_free(ImageLookup *l);
DEFINE_TRIVIAL_CLEANUP_FUNC(ImageLookup *, image_lookup_free);
