/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>
#include <stdarg.h>

#include "macro.h"
#include "manifest.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

void manifest_layers_free(ManifestLayer *layers, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(layers[i].digest);
                free(layers[i].media_type);
                free(layers[i].diff_id);
        }
        free(layers);
}

_printf_(2, 3)
static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return -EBADMSG;
}

static const char *json_string_member(json_object *o, const char *key) {
        json_object *v;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

int manifest_check_layer_count(size_t n, unsigned max_layers, char **ret_error) {
        if (n > max_layers)
                return fail(ret_error, "image has %zu layers, more than the limit of %u", n, max_layers);
        return 0;
}

int manifest_parse_layers(const char *manifest, const char *config,
                          ManifestLayer **ret, size_t *ret_n, char **ret_error) {
        _cleanup_(json_object_putp) json_object *mj = NULL, *cj = NULL;
        json_object *layers, *rootfs, *diff_ids, *v;
        ManifestLayer *l = NULL;
        size_t n, nd;
        int r;

        mj = json_tokener_parse(manifest);
        if (!mj || !json_object_is_type(mj, json_type_object))
                return fail(ret_error, "invalid manifest: not a JSON object");
        if (!json_object_object_get_ex(mj, "schemaVersion", &v) || json_object_get_int(v) != 2)
                return fail(ret_error, "unsupported manifest: schemaVersion is not 2");
        if (!json_object_object_get_ex(mj, "layers", &layers) || !json_object_is_type(layers, json_type_array))
                return fail(ret_error, "invalid manifest: no layers");

        cj = json_tokener_parse(config);
        if (!cj || !json_object_is_type(cj, json_type_object))
                return fail(ret_error, "invalid image config: not a JSON object");
        if (!json_object_object_get_ex(cj, "rootfs", &rootfs) ||
            !json_object_object_get_ex(rootfs, "diff_ids", &diff_ids) ||
            !json_object_is_type(diff_ids, json_type_array))
                return fail(ret_error, "invalid image config: no rootfs.diff_ids");
        if (!streq_ptr(json_string_member(rootfs, "type"), "layers"))
                return fail(ret_error, "invalid image config: rootfs.type is not \"layers\"");

        n = json_object_array_length(layers);
        nd = json_object_array_length(diff_ids);
        if (n != nd)
                return fail(ret_error, "invalid image: %zu layers in the manifest but %zu diff_ids in the config", n, nd);
        if (n == 0)
                return fail(ret_error, "invalid image: no layers");

        l = calloc(n, sizeof *l);
        if (!l)
                return -ENOMEM;

        for (size_t i = 0; i < n; i++) {
                json_object *e = json_object_array_get_idx(layers, i), *sz;
                const char *digest, *media_type, *diff_id;
                int64_t size;

                digest = json_object_is_type(e, json_type_object) ? json_string_member(e, "digest") : NULL;
                if (!digest || !digest_is_valid(digest)) {
                        r = fail(ret_error, "invalid manifest: layer %zu has no valid sha256 digest", i);
                        goto fail;
                }
                media_type = json_string_member(e, "mediaType");
                if (!media_type) {
                        r = fail(ret_error, "invalid manifest: layer %zu has no mediaType", i);
                        goto fail;
                }
                if (!json_object_object_get_ex(e, "size", &sz) || !json_object_is_type(sz, json_type_int) ||
                    (size = json_object_get_int64(sz)) < 0) {
                        r = fail(ret_error, "invalid manifest: layer %zu has no valid size", i);
                        goto fail;
                }
                v = json_object_array_get_idx(diff_ids, i);
                diff_id = json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
                if (!diff_id || !digest_is_valid(diff_id)) {
                        r = fail(ret_error, "invalid image config: diff_id %zu is not a sha256 digest", i);
                        goto fail;
                }

                l[i].digest = strdup(digest);
                l[i].media_type = strdup(media_type);
                l[i].diff_id = strdup(diff_id);
                if (!l[i].digest || !l[i].media_type || !l[i].diff_id) {
                        r = -ENOMEM;
                        goto fail;
                }
                l[i].size = (uint64_t) size;

                strcpy(l[i].parent_chain_id, i > 0 ? l[i - 1].chain_id : "");
                r = chain_id(l[i].parent_chain_id, diff_id, l[i].chain_id);
                if (r < 0)
                        goto fail;
        }

        *ret = l;
        *ret_n = n;
        return 0;

fail:
        manifest_layers_free(l, n);
        return r;
}
