/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "backend.h"
#include "bus-errors.h"
#include "digest.h"
#include "id.h"
#include "image.h"
#include "reference.h"

struct ImageLookup {
        Manager *manager;
        char **keys;
        size_t next;
        sd_bus_slot *slot;
        ImageLookupHandler handler;
        void *userdata;
};

static bool looks_like_id(const char *s) {
        const char *hex = startswith(s, DIGEST_PREFIX);
        return id_prefix_is_valid(hex ?: s);
}

int image_lookup_keys(const char *input, char ***ret_keys, char **ret_normalized) {
        _cleanup_(reference_done) Reference ref = {};
        _cleanup_(strv_freep) char **keys = NULL;
        _cleanup_(freep) char *normalized = NULL;

        if (reference_parse(input, &ref) >= 0) {
                normalized = reference_normalized(&ref);
                if (!normalized || strv_extend(&keys, normalized) < 0)
                        return -ENOMEM;
        }
        /* docker: a name first, then an id (prefix) */
        if (looks_like_id(input) && strv_extend(&keys, input) < 0)
                return -ENOMEM;
        if (!keys)
                return -EINVAL;
        *ret_keys = TAKE_PTR(keys);
        if (ret_normalized)
                *ret_normalized = TAKE_PTR(normalized);
        return 0;
}

ImageLookup *image_lookup_free(ImageLookup *l) {
        if (!l)
                return NULL;
        sd_bus_slot_unref(l->slot);
        strv_free(l->keys);
        free(l);
        return NULL;
}

static int image_lookup_next(ImageLookup *l);

static int on_get_image(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        ImageLookup *l = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *key = l->keys[l->next - 1], *id, *config;
        int r;

        l->slot = sd_bus_slot_unref(l->slot);
        if (e) {
                if (sd_bus_error_has_name(e, WHARF_ERROR_NO_SUCH_IMAGE)) {
                        r = image_lookup_next(l);
                        if (r < 0)
                                l->handler(l, r, NULL, NULL, NULL, NULL, l->userdata);
                        return 0;
                }
                l->handler(l, -EIO, NULL, NULL, NULL, e, l->userdata);
                return 0;
        }
        r = sd_bus_message_read(reply, "ss", &id, &config);
        if (r < 0) {
                l->handler(l, r, NULL, NULL, NULL, NULL, l->userdata);
                return 0;
        }
        l->handler(l, 0, key, id, config, NULL, l->userdata);
        return 0;
}

/* 0 when a call went out, -ENOENT when no key is left */
static int image_lookup_next(ImageLookup *l) {
        if (!l->keys[l->next])
                return -ENOENT;
        return backend_call(l->manager, BACKEND_GRAPH, &l->slot, "GetImage", BACKEND_TIMEOUT_USEC,
                            on_get_image, l, "s", l->keys[l->next++]);
}

int image_lookup_start(Manager *m, const char *input, ImageLookupHandler handler, void *userdata,
                       ImageLookup **ret) {
        _cleanup_(image_lookup_freep) ImageLookup *l = NULL;
        int r;

        l = calloc(1, sizeof *l);
        if (!l)
                return -ENOMEM;
        l->manager = m;
        l->handler = handler;
        l->userdata = userdata;
        r = image_lookup_keys(input, &l->keys, NULL);
        if (r < 0)
                return r;
        r = image_lookup_next(l);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}
