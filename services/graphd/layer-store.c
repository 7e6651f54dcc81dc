/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>
#include <stdio.h>
#include <unistd.h>

#include "fs-util.h"
#include "layer-store.h"
#include "macro.h"

#define LAYER_METADATA_MAX (64U * 1024U)

void layer_done(Layer *l) {
        free(l->media_type);
        *l = (Layer) {};
}

char *layer_path(Graph *g, const char *chain_id, const char *sub) {
        const char *hex = digest_hex(chain_id);
        char *p;

        if (!hex)
                return NULL;
        if (asprintf(&p, "%s/%s%s%s", g->layers, hex, sub ? "/" : "", strempty(sub)) < 0)
                return NULL;
        return p;
}

bool layer_exists(Graph *g, const char *chain_id) {
        _cleanup_(freep) char *p = layer_path(g, chain_id, "layer.json");

        return p && access(p, F_OK) >= 0;
}

static int copy_digest(char dst[static DIGEST_STRING_MAX], json_object *o, const char *key, bool optional) {
        json_object *v;
        const char *s;

        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return optional ? 0 : -EBADMSG;
        s = json_object_get_string(v);
        if (isempty(s) && optional)
                return 0;
        if (!digest_is_valid(s))
                return -EBADMSG;
        strcpy(dst, s);
        return 0;
}

int layer_load(Graph *g, const char *chain_id, Layer *ret) {
        _cleanup_(freep) char *p = NULL, *text = NULL;
        _cleanup_(layer_done) Layer l = {};
        json_object *o, *v;
        int r;

        p = layer_path(g, chain_id, "layer.json");
        if (!p)
                return digest_is_valid(chain_id) ? -ENOMEM : -EINVAL;
        r = read_full_file(p, &text, NULL, LAYER_METADATA_MAX);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!o)
                return -EBADMSG;

        r = copy_digest(l.chain_id, o, "chain_id", false);
        if (r >= 0)
                r = copy_digest(l.diff_id, o, "diff_id", false);
        if (r >= 0)
                r = copy_digest(l.parent, o, "parent", true);
        if (r >= 0)
                r = copy_digest(l.blob_digest, o, "blob_digest", true);
        if (r >= 0 && json_object_object_get_ex(o, "media_type", &v)) {
                l.media_type = strdup(json_object_get_string(v) ?: "");
                if (!l.media_type)
                        r = -ENOMEM;
        }
        if (json_object_object_get_ex(o, "size", &v))
                l.size = json_object_get_uint64(v);
        if (json_object_object_get_ex(o, "compressed_size", &v))
                l.compressed_size = json_object_get_uint64(v);
        json_object_put(o);
        if (r < 0)
                return r;

        *ret = l;
        l = (Layer) {};
        return 0;
}

int layer_metadata_write(const char *dir, const Layer *l) {
        _cleanup_(freep) char *p = path_join(dir, "layer.json");
        json_object *o;
        const char *text;
        int r;

        if (!p)
                return -ENOMEM;
        o = json_object_new_object();
        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "chain_id", json_object_new_string(l->chain_id));
        json_object_object_add(o, "diff_id", json_object_new_string(l->diff_id));
        json_object_object_add(o, "parent", json_object_new_string(l->parent));
        json_object_object_add(o, "blob_digest", json_object_new_string(l->blob_digest));
        json_object_object_add(o, "media_type", json_object_new_string(strempty(l->media_type)));
        json_object_object_add(o, "size", json_object_new_uint64(l->size));
        json_object_object_add(o, "compressed_size", json_object_new_uint64(l->compressed_size));

        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        r = text ? write_file_atomic_nosync(p, text, strlen(text), 0644) : -ENOMEM;
        json_object_put(o);
        return r;
}

int layer_publish(Graph *g, const char *dir, const char *chain_id) {
        _cleanup_(freep) char *target = layer_path(g, chain_id, NULL);

        if (!target)
                return -EINVAL;
        if (rename(dir, target) < 0) {
                /* a concurrent ingest of the same layer won: ours is a copy */
                if (errno == EEXIST || errno == ENOTEMPTY)
                        return 1;
                return -errno;
        }
        return 0;
}
