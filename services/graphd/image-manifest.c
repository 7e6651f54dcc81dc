/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>
#include <stdio.h>

#include "blob-store.h"
#include "fs-util.h"
#include "image-manifest.h"
#include "image-store.h"
#include "layer-store.h"
#include "layer-unpack.h"
#include "macro.h"

#define MANIFEST_READ_MAX (4U * 1024U * 1024U)

static const char *layer_media_type_for(LayerCompression c, bool oci) {
        switch (c) {
        case LAYER_COMPRESSION_GZIP:
                return oci ? LAYER_MEDIA_OCI_GZIP : LAYER_MEDIA_DOCKER_GZIP;
        case LAYER_COMPRESSION_ZSTD:
                return oci ? LAYER_MEDIA_OCI_ZSTD : LAYER_MEDIA_DOCKER_ZSTD;
        default:
                return oci ? LAYER_MEDIA_OCI_TAR : LAYER_MEDIA_DOCKER_TAR;
        }
}

static json_object *descriptor(const char *media_type, const char *digest, uint64_t size) {
        json_object *o = json_object_new_object();

        if (!o)
                return NULL;
        json_object_object_add(o, "mediaType", json_object_new_string(media_type));
        json_object_object_add(o, "size", json_object_new_int64((int64_t) size));
        json_object_object_add(o, "digest", json_object_new_string(digest));
        return o;
}

int image_manifest_generate(Graph *g, const char *config, char **layers, char **ret) {
        json_object *m = NULL, *a = NULL, *d;
        Layer *ls = NULL;
        size_t n = strv_length(layers);
        char config_digest[DIGEST_STRING_MAX];
        bool oci = false;
        int r;

        r = sha256_digest(config, strlen(config), config_digest);
        if (r < 0)
                return r;
        ls = calloc(n + 1, sizeof(Layer));
        if (!ls)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                r = layer_load(g, layers[i], &ls[i]);
                if (r < 0)
                        goto finish;
                if (isempty(ls[i].blob_digest) || !blob_exists(g, ls[i].blob_digest)) {
                        r = -ENOENT;
                        goto finish;
                }
                if (layer_media_type_compression(ls[i].media_type) == LAYER_COMPRESSION_ZSTD)
                        oci = true;
        }

        r = -ENOMEM;
        m = json_object_new_object();
        a = json_object_new_array();
        if (!m || !a)
                goto finish;
        json_object_object_add(m, "schemaVersion", json_object_new_int(2));
        json_object_object_add(m, "mediaType", json_object_new_string(oci ? MEDIA_OCI_MANIFEST : MEDIA_DOCKER_MANIFEST));
        d = descriptor(oci ? MEDIA_OCI_CONFIG : MEDIA_DOCKER_CONFIG, config_digest, strlen(config));
        if (!d)
                goto finish;
        json_object_object_add(m, "config", d);
        for (size_t i = 0; i < n; i++) {
                d = descriptor(layer_media_type_for(layer_media_type_compression(ls[i].media_type), oci),
                               ls[i].blob_digest, ls[i].compressed_size);
                if (!d)
                        goto finish;
                json_object_array_add(a, d);
        }
        json_object_object_add(m, "layers", TAKE_PTR(a));

        *ret = strdup(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        r = *ret ? 0 : -ENOMEM;
finish:
        for (size_t i = 0; i < n; i++)
                layer_done(&ls[i]);
        free(ls);
        if (a)
                json_object_put(a);
        if (m)
                json_object_put(m);
        return r;
}

int image_manifest_get(Graph *g, const char *id, char **ret_manifest,
                       char ret_digest[static DIGEST_STRING_MAX]) {
        _cleanup_(freep) char *p = NULL, *text = NULL, *config = NULL;
        _cleanup_(image_done) Image img = {};
        const char *hex = graph_id_hex(id);
        size_t size;
        int r;

        if (!hex)
                return -EINVAL;
        if (asprintf(&p, "%s/%s/manifest.json", g->images, hex) < 0)
                return -ENOMEM;
        r = read_full_file(p, &text, &size, MANIFEST_READ_MAX);
        if (r == -ENOENT) {
                r = image_load(g, id, &img);
                if (r >= 0)
                        r = image_read_config(g, id, &config);
                if (r >= 0)
                        r = image_manifest_generate(g, config, img.layers, &text);
                if (r >= 0)
                        size = strlen(text);
        }
        if (r < 0)
                return r;
        r = sha256_digest(text, size, ret_digest);
        if (r < 0)
                return r;
        *ret_manifest = TAKE_PTR(text);
        return 0;
}
