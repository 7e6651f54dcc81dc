/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "blob-store.h"
#include "bus-errors.h"
#include "fs-util.h"
#include "graph-limits.h"
#include "id.h"
#include "image-manifest.h"
#include "image-store.h"
#include "layer-store.h"
#include "macro.h"
#include "reference.h"
#include "rootfs.h"

#define CONFIG_MAX (8U * 1024U * 1024U)
#define METADATA_MAX (8U * 1024U * 1024U)
#define IMAGE_LAYERS_MAX 256U

static void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

static int strcmp_ptr(const char **a, const char **b) {
        return strcmp(*a, *b);
}

_printf_(2, 3)
static int strv_extendf(char ***l, const char *format, ...) {
        _cleanup_(freep) char *s = NULL;
        va_list ap;
        int n;

        va_start(ap, format);
        n = vasprintf(&s, format, ap);
        va_end(ap);
        if (n < 0)
                return -ENOMEM;
        return strv_extend(l, s);
}

static const char *json_text(json_object *o) {
        return json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
}

void image_done(Image *i) {
        strv_free(i->layers);
        free(i->manifest_digest);
        strv_free(i->tags);
        strv_free(i->digests);
        *i = (Image) {};
}

void images_free(Image *images, size_t n) {
        for (size_t i = 0; i < n; i++)
                image_done(&images[i]);
        free(images);
}

int parse_rfc3339(const char *s, int64_t *ret) {
        struct tm tm = {};
        const char *p;
        int64_t t, offset = 0;

        if (isempty(s))
                return -EINVAL;
        p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!p)
                return -EINVAL;
        if (*p == '.')
                for (p++; *p >= '0' && *p <= '9'; p++)
                        ;
        if (*p == 'Z' || *p == 'z')
                p++;
        else if (*p == '+' || *p == '-') {
                unsigned h, m;
                int n = 0;
                if (sscanf(p + 1, "%2u:%2u%n", &h, &m, &n) != 2 || n != 5 || h > 23 || m > 59)
                        return -EINVAL;
                offset = (int64_t) (h * 3600 + m * 60) * (*p == '+' ? 1 : -1);
                p += 1 + n;
        } else
                return -EINVAL;
        if (*p)
                return -EINVAL;

        t = (int64_t) timegm(&tm);
        *ret = t - offset;
        return 0;
}

/* ---- repositories.json ---- */

typedef struct Repositories {
        json_object *root;
        json_object *tags;     /* borrowed from root */
        json_object *digests;  /* borrowed from root */
} Repositories;

static void repositories_done(Repositories *r) {
        json_object_putp(&r->root);
        *r = (Repositories) {};
}

static json_object *object_child(json_object *o, const char *key) {
        json_object *v;

        if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object))
                return v;
        v = json_object_new_object();
        if (!v || json_object_object_add(o, key, v) < 0)
                return NULL;
        return v;
}

static int repositories_load(Graph *g, Repositories *ret) {
        _cleanup_(freep) char *text = NULL;
        json_object *o = NULL;
        int r;

        r = read_full_file(g->repositories, &text, NULL, METADATA_MAX);
        if (r >= 0) {
                o = json_tokener_parse(text);
                if (!o || !json_object_is_type(o, json_type_object)) {
                        json_object_putp(&o);
                        return -EBADMSG;
                }
        } else if (r == -ENOENT) {
                o = json_object_new_object();
                if (!o)
                        return -ENOMEM;
        } else
                return r;

        ret->root = o;
        ret->tags = object_child(o, "tags");
        ret->digests = object_child(o, "digests");
        if (!ret->tags || !ret->digests) {
                repositories_done(ret);
                return -ENOMEM;
        }
        return 0;
}

static int repositories_save(Graph *g, Repositories *r) {
        const char *text = json_text(r->root);

        return text ? write_file_atomic(g->repositories, text, strlen(text), 0600) : -ENOMEM;
}

/* the keys of o whose value is id, sorted */
static char **repositories_names_of(json_object *o, const char *id) {
        _cleanup_(strv_freep) char **l = NULL;

        json_object_object_foreach(o, key, val)
                if (streq_ptr(json_object_get_string(val), id) && strv_extend(&l, key) < 0)
                        return NULL;
        if (!l)
                l = calloc(1, sizeof(char *));
        if (l)
                qsort(l, strv_length(l), sizeof(char *),
                      (int (*)(const void *, const void *)) strcmp_ptr);
        return TAKE_PTR(l);
}

/* ---- images ---- */

static char *image_path(Graph *g, const char *id, const char *sub) {
        const char *hex = graph_id_hex(id);
        char *p;

        if (!hex)
                return NULL;
        if (asprintf(&p, "%s/%s%s%s", g->images, hex, sub ? "/" : "", strempty(sub)) < 0)
                return NULL;
        return p;
}

static int strv_from_json(json_object *a, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        size_t n;

        if (!json_object_is_type(a, json_type_array))
                return -EBADMSG;
        n = json_object_array_length(a);
        if (n > IMAGE_LAYERS_MAX)
                return -E2BIG;
        l = calloc(n + 1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                const char *s = json_object_get_string(json_object_array_get_idx(a, i));
                if (!digest_is_valid(s))
                        return -EBADMSG;
                l[i] = strdup(s);
                if (!l[i])
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

int image_load(Graph *g, const char *id, Image *ret) {
        _cleanup_(freep) char *p = NULL, *text = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_(image_done) Image i = {};
        json_object *v;
        int r;

        p = image_path(g, id, "image.json");
        if (!p)
                return -EINVAL;
        r = read_full_file(p, &text, NULL, METADATA_MAX);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!o)
                return -EBADMSG;

        if (!json_object_object_get_ex(o, "id", &v) || !digest_is_valid(json_object_get_string(v)))
                return -EBADMSG;
        strcpy(i.id, json_object_get_string(v));
        if (!json_object_object_get_ex(o, "layers", &v))
                return -EBADMSG;
        r = strv_from_json(v, &i.layers);
        if (r < 0)
                return r;
        if (json_object_object_get_ex(o, "manifest_digest", &v) && !isempty(json_object_get_string(v))) {
                i.manifest_digest = strdup(json_object_get_string(v));
                if (!i.manifest_digest)
                        return -ENOMEM;
        }
        if (json_object_object_get_ex(o, "created", &v))
                i.created = json_object_get_int64(v);
        if (json_object_object_get_ex(o, "size", &v))
                i.size = json_object_get_uint64(v);

        *ret = i;
        i = (Image) {};
        return 0;
}

int image_read_config(Graph *g, const char *id, char **ret) {
        _cleanup_(freep) char *p = image_path(g, id, "config.json");

        if (!p)
                return -EINVAL;
        return read_full_file(p, ret, NULL, CONFIG_MAX);
}

static int image_metadata_write(const char *dir, const Image *i, char **diff_ids) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        _cleanup_(freep) char *p = path_join(dir, "image.json");
        json_object *layers, *diffs;
        const char *text;

        if (!o || !p)
                return -ENOMEM;
        layers = json_object_new_array();
        diffs = json_object_new_array();
        if (!layers || !diffs) {
                json_object_putp(&layers);
                json_object_putp(&diffs);
                return -ENOMEM;
        }
        STRV_FOREACH(l, i->layers)
                json_object_array_add(layers, json_object_new_string(*l));
        STRV_FOREACH(d, diff_ids)
                json_object_array_add(diffs, json_object_new_string(*d));
        json_object_object_add(o, "id", json_object_new_string(i->id));
        json_object_object_add(o, "manifest_digest", json_object_new_string(strempty(i->manifest_digest)));
        json_object_object_add(o, "layers", layers);
        json_object_object_add(o, "diff_ids", diffs);
        json_object_object_add(o, "created", json_object_new_int64(i->created));
        json_object_object_add(o, "size", json_object_new_uint64(i->size));

        text = json_text(o);
        return text ? write_file_atomic(p, text, strlen(text), 0600) : -ENOMEM;
}

static int write_blob(const char *dir, const char *name, const char *data) {
        _cleanup_(freep) char *p = path_join(dir, name);

        return p ? write_file_atomic(p, data, strlen(data), 0600) : -ENOMEM;
}

/* Split the tags argument into tags and repo digests, normalized. */
static int commit_names(char **names, const char *manifest_digest, char ***ret_tags,
                        char ***ret_digests, sd_bus_error *error) {
        _cleanup_(strv_freep) char **tags = NULL, **digests = NULL;

        STRV_FOREACH(n, names) {
                _cleanup_(reference_done) Reference ref = {};
                _cleanup_(freep) char *norm = NULL, *name = NULL, *rd = NULL;

                if (reference_parse(*n, &ref) < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE,
                                                 "invalid reference format: %s", *n);
                name = reference_name(&ref);
                if (!name)
                        return -ENOMEM;
                if (ref.digest) {
                        if (asprintf(&rd, "%s@%s", name, ref.digest) < 0)
                                return -ENOMEM;
                        if (!strv_contains(digests, rd) && strv_extend(&digests, rd) < 0)
                                return -ENOMEM;
                        free(TAKE_PTR(rd));
                }
                if (ref.tag) {
                        norm = reference_normalized_tag(&ref);
                        if (!norm)
                                return -ENOMEM;
                        if (!strv_contains(tags, norm) && strv_extend(&tags, norm) < 0)
                                return -ENOMEM;
                }
                /* a pulled manifest's digest is a repo digest of every repository it came by */
                if (!isempty(manifest_digest)) {
                        if (asprintf(&rd, "%s@%s", name, manifest_digest) < 0)
                                return -ENOMEM;
                        if (!strv_contains(digests, rd) && strv_extend(&digests, rd) < 0)
                                return -ENOMEM;
                }
        }
        *ret_tags = TAKE_PTR(tags);
        *ret_digests = TAKE_PTR(digests);
        return 0;
}

int image_commit(Graph *g, const char *manifest_digest, const char *manifest, const char *config,
                 char **names, char ret_id[static DIGEST_STRING_MAX], sd_bus_error *error) {
        _cleanup_(json_object_putp) json_object *c = NULL, *m = NULL;
        _cleanup_(strv_freep) char **diff_ids = NULL, **tags = NULL, **digests = NULL;
        _cleanup_(freep) char *dir = NULL, *tmp = NULL;
        _cleanup_(image_done) Image img = {};
        _cleanup_(repositories_done) Repositories repos = {};
        _cleanup_(freep) char *generated = NULL;
        json_object *rootfs, *v;
        char parent[DIGEST_STRING_MAX] = "", blob[DIGEST_STRING_MAX];
        GraphLimits limits;
        int r;

        if (!isempty(manifest_digest) && !digest_is_valid(manifest_digest))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST,
                                         "invalid manifest digest: %s", manifest_digest);

        c = json_tokener_parse(strempty(config));
        if (!c || !json_object_is_type(c, json_type_object))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST,
                                         "invalid image config: not a JSON object");
        graph_limits_load(g, &limits);
        if (json_object_object_get_ex(c, "rootfs", &rootfs) &&
            json_object_object_get_ex(rootfs, "diff_ids", &v) &&
            json_object_is_type(v, json_type_array) &&
            json_object_array_length(v) > limits.max_layers)
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST,
                                         "image has %zu layers, more than the limit of %u",
                                         json_object_array_length(v), limits.max_layers);
        if (!json_object_object_get_ex(c, "rootfs", &rootfs) ||
            !json_object_object_get_ex(rootfs, "type", &v) ||
            !streq_ptr(json_object_get_string(v), "layers") ||
            !json_object_object_get_ex(rootfs, "diff_ids", &v) ||
            strv_from_json(v, &diff_ids) < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST,
                                         "invalid image config: no valid rootfs.diff_ids");
        if (json_object_object_get_ex(c, "created", &v))
                (void) parse_rfc3339(json_object_get_string(v), &img.created);

        r = sha256_digest(config, strlen(config), img.id);
        if (r < 0)
                return r;

        if (!isempty(manifest)) {
                json_object *cd, *layers;

                m = json_tokener_parse(manifest);
                if (!m || !json_object_is_type(m, json_type_object))
                        return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST,
                                                 "invalid manifest: not a JSON object");
                if (!json_object_object_get_ex(m, "config", &cd) ||
                    !json_object_object_get_ex(cd, "digest", &v))
                        return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST,
                                                 "invalid manifest: no config.digest");
                if (!streq_ptr(json_object_get_string(v), img.id))
                        return sd_bus_error_setf(error, WHARF_ERROR_DIGEST_MISMATCH,
                                                 "digest mismatch: manifest names config %s, got %s",
                                                 strempty(json_object_get_string(v)), img.id);
                if (json_object_object_get_ex(m, "layers", &layers) &&
                    json_object_is_type(layers, json_type_array) &&
                    json_object_array_length(layers) != strv_length(diff_ids))
                        return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST,
                                                 "invalid manifest: %zu layers, config has %zu diff_ids",
                                                 json_object_array_length(layers), strv_length(diff_ids));
        }

        r = commit_names(names, manifest_digest, &tags, &digests, error);
        if (r < 0)
                return r;

        STRV_FOREACH(d, diff_ids) {
                _cleanup_(layer_done) Layer l = {};
                char chain[DIGEST_STRING_MAX];

                r = chain_id(parent, *d, chain);
                if (r < 0)
                        return r;
                r = layer_load(g, chain, &l);
                if (r == -ENOENT)
                        return sd_bus_error_setf(error, WHARF_ERROR_INVALID_LAYER,
                                                 "layer %s (diff_id %s) is not present", chain, *d);
                if (r < 0)
                        return r;
                img.size += l.size;
                r = strv_extend(&img.layers, chain);
                if (r < 0)
                        return r;
                strcpy(parent, chain);
        }
        if (!isempty(manifest_digest)) {
                img.manifest_digest = strdup(manifest_digest);
                if (!img.manifest_digest)
                        return -ENOMEM;
        }

        /* the image directory appears whole or not at all */
        dir = image_path(g, img.id, NULL);
        if (!dir)
                return -ENOMEM;
        if (access(dir, F_OK) < 0) {
                /* no manifest (load, import): one over the stored layer blobs,
                 * so the image can be pushed and saved like a pulled one */
                if (isempty(manifest)) {
                        r = image_manifest_generate(g, config, img.layers, &generated);
                        if (r < 0 && r != -ENOENT)
                                return r;
                        manifest = generated;
                }
                /* blobs before the image that refers to them */
                r = blob_write(g, config, strlen(config), blob);
                if (r >= 0 && !isempty(manifest))
                        r = blob_write(g, manifest, strlen(manifest), blob);
                if (r < 0)
                        return r;

                r = graph_mkdtemp(g, "image", &tmp);
                if (r < 0)
                        return r;
                r = write_blob(tmp, "config.json", config);
                if (r >= 0 && !isempty(manifest))
                        r = write_blob(tmp, "manifest.json", manifest);
                if (r >= 0)
                        r = image_metadata_write(tmp, &img, diff_ids);
                if (r >= 0)
                        (void) chmod(tmp, 0700);
                if (r >= 0 && rename(tmp, dir) < 0 && errno != EEXIST && errno != ENOTEMPTY)
                        r = -errno;
                (void) rm_rf(tmp);
                if (r < 0)
                        return r;
        }

        r = repositories_load(g, &repos);
        if (r < 0)
                return r;
        STRV_FOREACH(t, tags)
                json_object_object_add(repos.tags, *t, json_object_new_string(img.id));
        STRV_FOREACH(d, digests)
                json_object_object_add(repos.digests, *d, json_object_new_string(img.id));
        r = repositories_save(g, &repos);
        if (r < 0)
                return r;

        strcpy(ret_id, img.id);
        return 0;
}

/* ids of stored images starting with prefix (hex) */
static int images_find(Graph *g, const char *prefix, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        DIR *d;

        d = opendir(g->images);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d)); ) {
                if (!id_is_valid(de->d_name) || !startswith(de->d_name, prefix))
                        continue;
                if (strv_extend(&l, de->d_name) < 0) {
                        closedir(d);
                        return -ENOMEM;
                }
        }
        closedir(d);
        *ret = TAKE_PTR(l);
        return 0;
}

static bool image_exists(Graph *g, const char *id) {
        _cleanup_(freep) char *p = image_path(g, id, "image.json");

        return p && access(p, F_OK) >= 0;
}

/* ret_name: the tags/digests key it was found by, NULL when by id */
static int image_resolve_full(Graph *g, Repositories *repos, const char *reference,
                              char ret_id[static DIGEST_STRING_MAX], char **ret_name,
                              sd_bus_error *error) {
        _cleanup_(reference_done) Reference ref = {};
        _cleanup_(freep) char *norm = NULL;
        _cleanup_(strv_freep) char **found = NULL;
        const char *hex, *id = NULL, *name = NULL;
        json_object *v;
        int r;

        if (isempty(reference))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid reference format: empty");

        hex = startswith(reference, DIGEST_PREFIX) ?: reference;
        if (id_is_valid(hex) && image_exists(g, hex)) {
                snprintf(ret_id, DIGEST_STRING_MAX, DIGEST_PREFIX "%s", hex);
                *ret_name = NULL;
                return 0;
        }

        if (json_object_object_get_ex(repos->tags, reference, &v) ||
            json_object_object_get_ex(repos->digests, reference, &v))
                name = reference;
        else if (!startswith(reference, DIGEST_PREFIX) && reference_parse(reference, &ref) >= 0) {
                norm = reference_normalized(&ref);
                if (!norm)
                        return -ENOMEM;
                if (json_object_object_get_ex(repos->tags, norm, &v) ||
                    json_object_object_get_ex(repos->digests, norm, &v))
                        name = norm;
        }
        if (name) {
                id = json_object_get_string(v);
                if (!digest_is_valid(id) || !image_exists(g, id))
                        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_IMAGE,
                                                 "No such image: %s", reference);
                strcpy(ret_id, id);
                *ret_name = strdup(name);
                return *ret_name ? 0 : -ENOMEM;
        }

        if (id_prefix_is_valid(hex)) {
                r = images_find(g, hex, &found);
                if (r < 0)
                        return r;
                if (strv_length(found) > 1)
                        return sd_bus_error_setf(error, WHARF_ERROR_AMBIGUOUS,
                                                 "image id prefix %s is ambiguous (%zu images)",
                                                 hex, strv_length(found));
                if (strv_length(found) == 1) {
                        snprintf(ret_id, DIGEST_STRING_MAX, DIGEST_PREFIX "%s", found[0]);
                        *ret_name = NULL;
                        return 0;
                }
        }
        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_IMAGE, "No such image: %s", reference);
}

int image_resolve(Graph *g, const char *reference, char ret_id[static DIGEST_STRING_MAX],
                  sd_bus_error *error) {
        _cleanup_(repositories_done) Repositories repos = {};
        _cleanup_(freep) char *name = NULL;
        int r;

        r = repositories_load(g, &repos);
        if (r < 0)
                return r;
        return image_resolve_full(g, &repos, reference, ret_id, &name, error);
}

int image_list(Graph *g, Image **ret, size_t *ret_n) {
        _cleanup_(repositories_done) Repositories repos = {};
        _cleanup_(strv_freep) char **ids = NULL;
        Image *l = NULL;
        size_t n = 0;
        int r;

        r = repositories_load(g, &repos);
        if (r < 0)
                return r;
        r = images_find(g, "", &ids);
        if (r < 0)
                return r;

        l = calloc(strv_length(ids) + 1, sizeof(Image));
        if (!l)
                return -ENOMEM;
        STRV_FOREACH(id, ids) {
                Image *i = &l[n];

                /* half-removed or foreign directories are not images */
                if (image_load(g, *id, i) < 0)
                        continue;
                n++;
                i->tags = repositories_names_of(repos.tags, i->id);
                i->digests = repositories_names_of(repos.digests, i->id);
                if (!i->tags || !i->digests) {
                        images_free(l, n);
                        return -ENOMEM;
                }
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

/* Is the layer used by any image but `except`, or by any container? */
static int layer_in_use(Graph *g, const char *chain, const char *except,
                        const ContainerRef *refs, size_t n_refs) {
        _cleanup_(strv_freep) char **ids = NULL;
        int r;

        for (size_t i = 0; i < n_refs; i++)
                if (strv_contains(refs[i].layers, chain))
                        return true;

        r = images_find(g, "", &ids);
        if (r < 0)
                return r;
        STRV_FOREACH(id, ids) {
                _cleanup_(image_done) Image img = {};

                if (streq(*id, graph_id_hex(except)))
                        continue;
                r = image_load(g, *id, &img);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return r;
                if (strv_contains(img.layers, chain))
                        return true;
        }
        return false;
}

static int image_delete(Graph *g, const char *id, const ContainerRef *refs, size_t n_refs,
                        char ***messages) {
        _cleanup_(image_done) Image img = {};
        _cleanup_(freep) char *dir = NULL, *manifest = NULL;
        char manifest_blob[DIGEST_STRING_MAX];
        int r;

        r = image_load(g, id, &img);
        if (r < 0)
                return r;
        dir = image_path(g, id, NULL);
        if (!dir)
                return -ENOMEM;
        r = image_manifest_get(g, id, &manifest, manifest_blob);
        if (r < 0)
                manifest_blob[0] = 0;
        r = graph_discard(g, dir);
        if (r < 0)
                return r;
        r = strv_extendf(messages, "Deleted: %s", img.id);
        if (r < 0)
                return r;

        /* Chain ids include every parent: the first layer still used below
         * the top keeps all layers under it in use too. */
        for (size_t i = strv_length(img.layers); i > 0; i--) {
                const char *chain = img.layers[i - 1];
                _cleanup_(layer_done) Layer l = {};
                _cleanup_(freep) char *p = NULL;

                r = layer_in_use(g, chain, img.id, refs, n_refs);
                if (r < 0)
                        return r;
                if (r > 0)
                        break;
                p = layer_path(g, chain, NULL);
                if (!p)
                        return -ENOMEM;
                if (layer_load(g, chain, &l) < 0)
                        l.blob_digest[0] = 0;
                r = graph_discard(g, p);
                if (r < 0)
                        return r;
                r = strv_extendf(messages, "Deleted: %s", chain);
                if (r < 0)
                        return r;
                /* the blob goes with its last layer (another chain may share it) */
                if (!isempty(l.blob_digest))
                        (void) blob_unref(g, l.blob_digest);
        }
        (void) blob_unref(g, img.id);
        if (!isempty(manifest_blob))
                (void) blob_unref(g, manifest_blob);
        return 0;
}

static int untag(Repositories *repos, json_object *map, const char *name, char ***messages) {
        _cleanup_(freep) char *f = reference_familiar(name);

        if (!f)
                return -ENOMEM;
        json_object_object_del(map, name);
        return strv_extendf(messages, "Untagged: %s", f);
}

int image_remove(Graph *g, const char *reference, bool force, char ***ret_messages,
                 sd_bus_error *error) {
        _cleanup_(repositories_done) Repositories repos = {};
        _cleanup_(strv_freep) char **messages = NULL, **tags = NULL, **digests = NULL;
        _cleanup_(freep) char *name = NULL;
        ContainerRef *refs = NULL;
        size_t n_refs = 0;
        const char *user = NULL;
        char id[DIGEST_STRING_MAX];
        bool delete;
        int r;

        r = repositories_load(g, &repos);
        if (r < 0)
                return r;
        r = image_resolve_full(g, &repos, reference, id, &name, error);
        if (r < 0)
                return r;
        r = container_refs_load(g, &refs, &n_refs);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n_refs && !user; i++)
                if (streq(refs[i].image_id, id))
                        user = refs[i].container_id;

        tags = repositories_names_of(repos.tags, id);
        digests = repositories_names_of(repos.digests, id);
        if (!tags || !digests) {
                r = -ENOMEM;
                goto finish;
        }

        if (name) {
                bool is_tag = strv_contains(tags, name);
                size_t left = is_tag ? strv_length(tags) - 1 : strv_length(tags) + strv_length(digests) - 1;

                if (left == 0 && user && !force) {
                        r = sd_bus_error_setf(error, WHARF_ERROR_IMAGE_IN_USE,
                                              "conflict: unable to remove repository reference \"%s\" (must force) - container %.12s is using its referenced image %.12s",
                                              reference, user, graph_id_hex(id));
                        goto finish;
                }
                r = untag(&repos, is_tag ? repos.tags : repos.digests, name, &messages);
                if (r < 0)
                        goto finish;
                /* no tag left: the repo digests go with the image, as in docker */
                if (left == 0)
                        STRV_FOREACH(d, digests)
                                if (!streq(*d, name) && (r = untag(&repos, repos.digests, *d, &messages)) < 0)
                                        goto finish;
                delete = left == 0;
        } else {
                if (strv_length(tags) > 1 && !force) {
                        r = sd_bus_error_setf(error, WHARF_ERROR_IMAGE_IN_USE,
                                              "conflict: unable to delete %.12s (must be forced) - image is referenced in multiple repositories",
                                              graph_id_hex(id));
                        goto finish;
                }
                if (user && !force) {
                        r = sd_bus_error_setf(error, WHARF_ERROR_IMAGE_IN_USE,
                                              "conflict: unable to delete %.12s (must be forced) - image is being used by container %.12s",
                                              graph_id_hex(id), user);
                        goto finish;
                }
                STRV_FOREACH(t, tags)
                        if ((r = untag(&repos, repos.tags, *t, &messages)) < 0)
                                goto finish;
                STRV_FOREACH(d, digests)
                        if ((r = untag(&repos, repos.digests, *d, &messages)) < 0)
                                goto finish;
                delete = true;
        }

        r = repositories_save(g, &repos);
        if (r < 0)
                goto finish;
        /* a container still needs it: it stays, untagged, as docker leaves it */
        if (delete && !user) {
                r = image_delete(g, id, refs, n_refs, &messages);
                if (r < 0)
                        goto finish;
        }
        *ret_messages = TAKE_PTR(messages);
        r = 0;
finish:
        container_refs_free(refs, n_refs);
        return r;
}

int image_names(Graph *g, const char *id, char ***ret_tags, char ***ret_digests) {
        _cleanup_(repositories_done) Repositories repos = {};
        int r;

        r = repositories_load(g, &repos);
        if (r < 0)
                return r;
        *ret_tags = repositories_names_of(repos.tags, id);
        *ret_digests = repositories_names_of(repos.digests, id);
        if (!*ret_tags || !*ret_digests) {
                strv_free(*ret_tags);
                strv_free(*ret_digests);
                *ret_tags = *ret_digests = NULL;
                return -ENOMEM;
        }
        return 0;
}

int image_tag(Graph *g, const char *source, const char *target, sd_bus_error *error) {
        _cleanup_(repositories_done) Repositories repos = {};
        _cleanup_(reference_done) Reference ref = {};
        _cleanup_(freep) char *name = NULL, *norm = NULL;
        char id[DIGEST_STRING_MAX];
        int r;

        if (reference_parse(target, &ref) < 0 || ref.digest)
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE,
                                         "invalid reference format: %s", target);
        norm = reference_normalized_tag(&ref);
        if (!norm)
                return -ENOMEM;
        r = repositories_load(g, &repos);
        if (r < 0)
                return r;
        r = image_resolve_full(g, &repos, source, id, &name, error);
        if (r < 0)
                return r;
        json_object_object_add(repos.tags, norm, json_object_new_string(id));
        return repositories_save(g, &repos);
}

int image_prune(Graph *g, bool all, char **keep, char ***ret_messages, uint64_t *ret_reclaimed) {
        _cleanup_(strv_freep) char **messages = NULL;
        ContainerRef *refs = NULL;
        Image *images = NULL;
        size_t n = 0, n_refs = 0;
        uint64_t reclaimed = 0;
        int r;

        r = image_list(g, &images, &n);
        if (r < 0)
                return r;
        r = container_refs_load(g, &refs, &n_refs);
        if (r < 0)
                goto finish;

        for (size_t i = 0; i < n; i++) {
                _cleanup_(repositories_done) Repositories repos = {};
                _cleanup_(freep) uint64_t *sizes = NULL;
                Image *img = &images[i];
                bool used = strv_contains(keep, img->id);
                size_t n_layers = strv_length(img->layers);

                for (size_t k = 0; k < n_refs && !used; k++)
                        used = streq(refs[k].image_id, img->id);
                if (used)
                        continue;
                if (!all && strv_length(img->tags) > 0)
                        continue;

                sizes = calloc(n_layers + 1, sizeof(uint64_t));
                if (!sizes) {
                        r = -ENOMEM;
                        goto finish;
                }
                for (size_t k = 0; k < n_layers; k++) {
                        _cleanup_(layer_done) Layer l = {};
                        if (layer_load(g, img->layers[k], &l) >= 0)
                                sizes[k] = l.size;
                }

                r = repositories_load(g, &repos);
                if (r < 0)
                        goto finish;
                STRV_FOREACH(t, img->tags)
                        if ((r = untag(&repos, repos.tags, *t, &messages)) < 0)
                                goto finish;
                STRV_FOREACH(d, img->digests)
                        if ((r = untag(&repos, repos.digests, *d, &messages)) < 0)
                                goto finish;
                r = repositories_save(g, &repos);
                if (r < 0)
                        goto finish;
                r = image_delete(g, img->id, refs, n_refs, &messages);
                if (r < 0)
                        goto finish;
                /* what the deleted layers held (shared ones stay) */
                for (size_t k = 0; k < n_layers; k++)
                        if (!layer_exists(g, img->layers[k]))
                                reclaimed += sizes[k];
        }
        *ret_messages = TAKE_PTR(messages);
        *ret_reclaimed = reclaimed;
        r = 0;
finish:
        container_refs_free(refs, n_refs);
        images_free(images, n);
        return r;
}
