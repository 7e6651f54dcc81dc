/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define _GNU_SOURCE 1
#include <ftw.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>

#include "fs-util.h"
#include "id.h"
#include "image-inspect.h"
#include "image-store.h"
#include "layer-store.h"
#include "macro.h"
#include "reference.h"

static json_object *json_get(json_object *o, const char *key) {
        json_object *v;

        return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static json_object *string_or_empty(json_object *o, const char *key) {
        json_object *v = json_get(o, key);

        return json_object_is_type(v, json_type_string) ? json_object_get(v) : json_object_new_string("");
}

static json_object *familiar_array(char **names) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(n, names) {
                _cleanup_(freep) char *f = reference_familiar(*n);
                json_object_array_add(a, json_object_new_string(f ?: *n));
        }
        return a;
}

int image_inspect_json(Graph *g, const char *id, char **ret) {
        _cleanup_(image_done) Image img = {};
        _cleanup_(freep) char *config = NULL;
        _cleanup_(strv_freep) char **tags = NULL, **digests = NULL;
        json_object *c, *o, *rootfs, *layers, *v;
        int r;

        r = image_load(g, id, &img);
        if (r >= 0)
                r = image_read_config(g, id, &config);
        if (r >= 0)
                r = image_names(g, id, &tags, &digests);
        if (r < 0)
                return r;
        c = json_tokener_parse(config);
        if (!c)
                return -EBADMSG;

        o = json_object_new_object();
        json_object_object_add(o, "Id", json_object_new_string(img.id));
        json_object_object_add(o, "RepoTags", familiar_array(tags));
        json_object_object_add(o, "RepoDigests", familiar_array(digests));
        json_object_object_add(o, "Parent", string_or_empty(c, "parent"));
        json_object_object_add(o, "Comment", string_or_empty(c, "comment"));
        json_object_object_add(o, "Created", string_or_empty(c, "created"));
        json_object_object_add(o, "DockerVersion", string_or_empty(c, "docker_version"));
        json_object_object_add(o, "Author", string_or_empty(c, "author"));
        v = json_get(c, "config");
        json_object_object_add(o, "Config", v ? json_object_get(v) : NULL);
        json_object_object_add(o, "Architecture", string_or_empty(c, "architecture"));
        if ((v = json_get(c, "variant")))
                json_object_object_add(o, "Variant", json_object_get(v));
        json_object_object_add(o, "Os", string_or_empty(c, "os"));
        json_object_object_add(o, "Size", json_object_new_int64((int64_t) img.size));

        rootfs = json_object_new_object();
        layers = json_object_new_array();
        json_object_object_add(rootfs, "Type", json_object_new_string("layers"));
        v = json_get(json_get(c, "rootfs"), "diff_ids");
        for (size_t i = 0; v && i < json_object_array_length(v); i++)
                json_object_array_add(layers, json_object_get(json_object_array_get_idx(v, i)));
        json_object_object_add(rootfs, "Layers", layers);
        json_object_object_add(o, "RootFS", rootfs);

        v = json_object_new_object();
        json_object_object_add(v, "LastTagTime", json_object_new_string("0001-01-01T00:00:00Z"));
        json_object_object_add(o, "Metadata", v);

        *ret = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        json_object_put(c);
        return *ret ? 0 : -ENOMEM;
}

void history_rows_free(HistoryRow *rows, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(rows[i].id);
                free(rows[i].created_by);
                free(rows[i].comment);
        }
        free(rows);
}

int image_history(Graph *g, const char *id, HistoryRow **ret, size_t *ret_n) {
        _cleanup_(image_done) Image img = {};
        _cleanup_(freep) char *config = NULL;
        json_object *c, *h;
        HistoryRow *rows = NULL;
        size_t n = 0, n_hist, n_layers, layer = 0;
        int r;

        r = image_load(g, id, &img);
        if (r >= 0)
                r = image_read_config(g, id, &config);
        if (r < 0)
                return r;
        c = json_tokener_parse(config);
        if (!c)
                return -EBADMSG;
        h = json_get(c, "history");
        n_hist = json_object_is_type(h, json_type_array) ? json_object_array_length(h) : 0;
        n_layers = strv_length(img.layers);

        rows = calloc(n_hist + n_layers + 1, sizeof(HistoryRow));
        if (!rows) {
                json_object_put(c);
                return -ENOMEM;
        }
        /* oldest first here, reversed at the end */
        for (size_t i = 0; i < n_hist; i++) {
                json_object *e = json_object_array_get_idx(h, i), *v;
                HistoryRow *row = &rows[n++];

                row->created_by = strdup(json_object_get_string(json_get(e, "created_by")) ?: "");
                row->comment = strdup(json_object_get_string(json_get(e, "comment")) ?: "");
                (void) parse_rfc3339(json_object_get_string(json_get(e, "created")), &row->created);
                v = json_get(e, "empty_layer");
                if (!(v && json_object_get_boolean(v)) && layer < n_layers) {
                        _cleanup_(layer_done) Layer l = {};
                        if (layer_load(g, img.layers[layer], &l) >= 0)
                                row->size = l.size;
                        layer++;
                }
        }
        /* layers the history does not account for */
        for (; layer < n_layers; layer++) {
                _cleanup_(layer_done) Layer l = {};
                HistoryRow *row = &rows[n++];

                row->created_by = strdup("");
                row->comment = strdup("");
                if (layer_load(g, img.layers[layer], &l) >= 0)
                        row->size = l.size;
        }
        for (size_t i = 0; i < n / 2; i++) {
                HistoryRow t = rows[i];
                rows[i] = rows[n - 1 - i];
                rows[n - 1 - i] = t;
        }
        for (size_t i = 0; i < n; i++)
                rows[i].id = strdup(i == 0 ? img.id : "<missing>");
        json_object_put(c);
        for (size_t i = 0; i < n; i++)
                if (!rows[i].id || !rows[i].created_by || !rows[i].comment) {
                        history_rows_free(rows, n);
                        return -ENOMEM;
                }
        *ret = rows;
        *ret_n = n;
        return 0;
}

int image_disk_usage(Graph *g, char **active, DiskUsage *ret) {
        _cleanup_(strv_freep) char **all = NULL, **used = NULL;
        Image *images = NULL;
        size_t n = 0;
        DiskUsage du = {};
        int r;

        r = image_list(g, &images, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                bool is_active = strv_contains(active, images[i].id);

                du.images++;
                if (is_active)
                        du.active++;
                STRV_FOREACH(l, images[i].layers) {
                        if (!strv_contains(all, *l) && strv_extend(&all, *l) < 0)
                                goto oom;
                        if (is_active && !strv_contains(used, *l) && strv_extend(&used, *l) < 0)
                                goto oom;
                }
        }
        STRV_FOREACH(l, all) {
                _cleanup_(layer_done) Layer layer = {};

                if (layer_load(g, *l, &layer) < 0)
                        continue;
                du.size += layer.size;
                if (!strv_contains(used, *l))
                        du.reclaimable += layer.size;
        }
        images_free(images, n);
        *ret = du;
        return 0;
oom:
        images_free(images, n);
        return -ENOMEM;
}

static uint64_t tree_size;

static int tree_size_add(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        if (flag == FTW_F && S_ISREG(st->st_mode))
                tree_size += st->st_size;
        return 0;
}

int container_layer_size(Graph *g, const char *container_id, uint64_t *ret) {
        _cleanup_(freep) char *p = NULL;

        if (!id_is_valid(container_id))
                return -EINVAL;
        if (asprintf(&p, "%s/%s/upper", g->containers, container_id) < 0)
                return -ENOMEM;
        if (access(p, F_OK) < 0)
                return -errno;
        tree_size = 0;
        if (nftw(p, tree_size_add, 16, FTW_PHYS | FTW_MOUNT) < 0)
                return -errno;
        *ret = tree_size;
        return 0;
}
