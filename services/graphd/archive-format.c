/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive-format.h"
#include "macro.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static int fail(char **ret_error, const char *message) {
        if (ret_error)
                *ret_error = strdup(message);
        return -EBADMSG;
}

static int strv_from_array(json_object *a, char ***ret) {
        char **l = NULL;

        if (!a || json_object_is_type(a, json_type_null)) {
                *ret = NULL;
                return 0;
        }
        if (!json_object_is_type(a, json_type_array))
                return -EBADMSG;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *s = json_object_array_get_idx(a, i);
                if (!json_object_is_type(s, json_type_string) || strv_extend(&l, json_object_get_string(s)) < 0) {
                        strv_free(l);
                        return -EBADMSG;
                }
        }
        *ret = l;
        return 0;
}

static json_object *array_from_strv(char **l) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(s, l)
                json_object_array_add(a, json_object_new_string(*s));
        return a;
}

void docker_archive_entries_free(DockerArchiveEntry *e, size_t n) {
        for (size_t i = 0; e && i < n; i++) {
                free(e[i].config);
                strv_free(e[i].repo_tags);
                strv_free(e[i].layers);
        }
        free(e);
}

int docker_manifest_parse(const char *json, DockerArchiveEntry **ret, size_t *ret_n, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(json);
        DockerArchiveEntry *e;
        size_t n;

        if (!o || !json_object_is_type(o, json_type_array))
                return fail(ret_error, "invalid archive: manifest.json is not a JSON array");
        n = json_object_array_length(o);
        if (n == 0)
                return fail(ret_error, "invalid archive: manifest.json names no image");
        e = calloc(n, sizeof *e);
        if (!e)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *x = json_object_array_get_idx(o, i), *v;

                if (!json_object_is_type(x, json_type_object) ||
                    !json_object_object_get_ex(x, "Config", &v) || !json_object_is_type(v, json_type_string) ||
                    !(e[i].config = strdup(json_object_get_string(v))) ||
                    strv_from_array(json_object_object_get_ex(x, "RepoTags", &v) ? v : NULL, &e[i].repo_tags) < 0 ||
                    !json_object_object_get_ex(x, "Layers", &v) || strv_from_array(v, &e[i].layers) < 0) {
                        docker_archive_entries_free(e, n);
                        return fail(ret_error, "invalid archive: manifest.json entry without valid Config, RepoTags, Layers");
                }
        }
        *ret = e;
        *ret_n = n;
        return 0;
}

int docker_manifest_generate(const DockerArchiveEntry *e, size_t n, char **ret) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();
        char *s;

        if (!a)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *x = json_object_new_object();
                json_object_object_add(x, "Config", json_object_new_string(e[i].config));
                json_object_object_add(x, "RepoTags", e[i].repo_tags ? array_from_strv(e[i].repo_tags) : NULL);
                json_object_object_add(x, "Layers", array_from_strv(e[i].layers));
                json_object_array_add(a, x);
        }
        s = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

void oci_descriptors_free(OciDescriptor *d, size_t n) {
        for (size_t i = 0; d && i < n; i++) {
                free(d[i].media_type);
                free(d[i].name);
        }
        free(d);
}

static int descriptor_parse(json_object *x, OciDescriptor *d) {
        json_object *v;

        if (!json_object_is_type(x, json_type_object))
                return -EBADMSG;
        if (!json_object_object_get_ex(x, "digest", &v) || !json_object_is_type(v, json_type_string) ||
            !digest_is_valid(json_object_get_string(v)))
                return -EBADMSG;
        strcpy(d->digest, json_object_get_string(v));
        if (!json_object_object_get_ex(x, "size", &v) || !json_object_is_type(v, json_type_int) ||
            json_object_get_int64(v) < 0)
                return -EBADMSG;
        d->size = (uint64_t) json_object_get_int64(v);
        if (json_object_object_get_ex(x, "mediaType", &v) && json_object_is_type(v, json_type_string))
                d->media_type = strdup(json_object_get_string(v));
        return 0;
}

static json_object *descriptor_new(const OciDescriptor *d) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "mediaType", json_object_new_string(d->media_type));
        json_object_object_add(o, "digest", json_object_new_string(d->digest));
        json_object_object_add(o, "size", json_object_new_int64((int64_t) d->size));
        return o;
}

static int descriptor_array_parse(json_object *a, bool names, OciDescriptor **ret, size_t *ret_n) {
        OciDescriptor *d;
        size_t n;

        if (!json_object_is_type(a, json_type_array))
                return -EBADMSG;
        n = json_object_array_length(a);
        d = calloc(n + 1, sizeof *d);
        if (!d)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *x = json_object_array_get_idx(a, i), *an, *v;

                if (descriptor_parse(x, &d[i]) < 0) {
                        oci_descriptors_free(d, n);
                        return -EBADMSG;
                }
                if (!names || !json_object_object_get_ex(x, "annotations", &an))
                        continue;
                if (json_object_object_get_ex(an, CONTAINERD_ANNOTATION_IMAGE_NAME, &v) &&
                    json_object_is_type(v, json_type_string))
                        d[i].name = strdup(json_object_get_string(v));
                else if (json_object_object_get_ex(an, OCI_ANNOTATION_REF_NAME, &v) &&
                         json_object_is_type(v, json_type_string) &&
                         strpbrk(json_object_get_string(v), "/:"))
                        /* a bare "latest" names no repository: no tag */
                        d[i].name = strdup(json_object_get_string(v));
        }
        *ret = d;
        *ret_n = n;
        return 0;
}

int oci_index_parse(const char *json, OciDescriptor **ret, size_t *ret_n, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(json);
        json_object *a;
        int r;

        if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "manifests", &a))
                return fail(ret_error, "invalid archive: index.json is not an OCI image index");
        r = descriptor_array_parse(a, true, ret, ret_n);
        if (r == -EBADMSG)
                return fail(ret_error, "invalid archive: index.json has an invalid descriptor");
        if (r >= 0 && *ret_n == 0) {
                oci_descriptors_free(*ret, 0);
                return fail(ret_error, "invalid archive: index.json names no image");
        }
        return r;
}

int oci_index_generate(const OciDescriptor *d, size_t n, char **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *a = json_object_new_array();
        char *s;

        json_object_object_add(o, "schemaVersion", json_object_new_int(2));
        json_object_object_add(o, "mediaType", json_object_new_string("application/vnd.oci.image.index.v1+json"));
        json_object_object_add(o, "manifests", a);
        for (size_t i = 0; i < n; i++) {
                json_object *x = descriptor_new(&d[i]);

                if (d[i].name) {
                        json_object *an = json_object_new_object();
                        const char *slash = strrchr(d[i].name, '/'), *colon;

                        colon = strrchr(slash ?: d[i].name, ':');
                        json_object_object_add(an, CONTAINERD_ANNOTATION_IMAGE_NAME, json_object_new_string(d[i].name));
                        if (colon)
                                json_object_object_add(an, OCI_ANNOTATION_REF_NAME, json_object_new_string(colon + 1));
                        json_object_object_add(x, "annotations", an);
                }
                json_object_array_add(a, x);
        }
        s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

bool oci_is_index(const char *json) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(json);
        json_object *v;

        return o && json_object_is_type(o, json_type_object) && json_object_object_get_ex(o, "manifests", &v);
}

static bool string_member_is(json_object *o, const char *key, const char *value) {
        json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) &&
               streq(json_object_get_string(v), value);
}

int oci_index_select_platform(const char *json, const char *os, const char *architecture,
                              OciDescriptor *ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(json);
        json_object *a;

        if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "manifests", &a) ||
            !json_object_is_type(a, json_type_array))
                return fail(ret_error, "invalid archive: nested image index is not valid");
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *x = json_object_array_get_idx(a, i), *pl;
                OciDescriptor d = {};

                /* entries without a platform (attestations) are not images to run */
                if (!json_object_object_get_ex(x, "platform", &pl) || !string_member_is(pl, "os", os) ||
                    !string_member_is(pl, "architecture", architecture))
                        continue;
                if (descriptor_parse(x, &d) < 0) {
                        free(d.media_type);
                        return fail(ret_error, "invalid archive: nested image index has an invalid descriptor");
                }
                *ret = d;
                return 0;
        }
        if (ret_error && asprintf(ret_error, "invalid archive: no image for %s/%s in a nested image index",
                                  os, architecture) < 0)
                *ret_error = NULL;
        return -ENOENT;
}

int oci_manifest_parse(const char *json, OciDescriptor *ret_config, OciDescriptor **ret_layers,
                       size_t *ret_n, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(json);
        json_object *c, *l, *v;
        OciDescriptor config = {};
        int r;

        if (!o || !json_object_is_type(o, json_type_object))
                return fail(ret_error, "invalid archive: image manifest is not a JSON object");
        if (json_object_object_get_ex(o, "manifests", &v))
                return fail(ret_error, "invalid archive: nested image indexes are not supported");
        if (!json_object_object_get_ex(o, "config", &c) || descriptor_parse(c, &config) < 0) {
                free(config.media_type);
                return fail(ret_error, "invalid archive: image manifest without a valid config");
        }
        if (!json_object_object_get_ex(o, "layers", &l)) {
                free(config.media_type);
                return fail(ret_error, "invalid archive: image manifest without layers");
        }
        r = descriptor_array_parse(l, false, ret_layers, ret_n);
        if (r < 0) {
                free(config.media_type);
                return r == -EBADMSG ? fail(ret_error, "invalid archive: image manifest has an invalid layer") : r;
        }
        *ret_config = config;
        return 0;
}

int oci_manifest_generate(const OciDescriptor *config, const OciDescriptor *layers, size_t n, char **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *a = json_object_new_array();
        char *s;

        json_object_object_add(o, "schemaVersion", json_object_new_int(2));
        json_object_object_add(o, "mediaType", json_object_new_string("application/vnd.oci.image.manifest.v1+json"));
        json_object_object_add(o, "config", descriptor_new(config));
        for (size_t i = 0; i < n; i++)
                json_object_array_add(a, descriptor_new(&layers[i]));
        json_object_object_add(o, "layers", a);
        s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int image_config_diff_ids(const char *config, char ***ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(config);
        json_object *rootfs, *v;
        char **l = NULL;

        if (!o || !json_object_is_type(o, json_type_object) ||
            !json_object_object_get_ex(o, "rootfs", &rootfs) ||
            !json_object_object_get_ex(rootfs, "diff_ids", &v) || strv_from_array(v, &l) < 0)
                return fail(ret_error, "invalid archive: image config without valid rootfs.diff_ids");
        STRV_FOREACH(d, l)
                if (!digest_is_valid(*d)) {
                        strv_free(l);
                        return fail(ret_error, "invalid archive: image config has an invalid diff_id");
                }
        *ret = l;
        return 0;
}

static bool is_hex64(const char *s, size_t n) {
        if (n != DIGEST_HEX_LEN)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!isdigit((unsigned char) s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
                        return false;
        return true;
}

int archive_path_digest(const char *path, char ret[static DIGEST_STRING_MAX]) {
        static const char blobs[] = "blobs/sha256/";
        const size_t n = strlen(path), nb = sizeof blobs - 1;
        const char *hex = NULL;

        /* lengths from path itself: gcc's overread check cannot follow startswith() */
        if (n > nb && strncmp(path, blobs, nb) == 0 && is_hex64(path + nb, n - nb))
                hex = path + nb;
        else if (n == DIGEST_HEX_LEN + 5 && is_hex64(path, DIGEST_HEX_LEN) &&
                 (streq(path + DIGEST_HEX_LEN, ".json")))
                hex = path;
        if (!hex)
                return 0;
        snprintf(ret, DIGEST_STRING_MAX, DIGEST_PREFIX "%.64s", hex);
        return 1;
}

int archive_path_normalize(const char *base, const char *path, char **ret) {
        _cleanup_(freep) char *copy = NULL, *out = NULL;
        char *save = NULL;
        size_t len = 0;

        if (path[0] == '/')
                return -EINVAL;
        if (asprintf(&copy, "%s%s%s", strempty(base), isempty(base) ? "" : "/", path) < 0)
                return -ENOMEM;
        out = calloc(1, strlen(copy) + 1);
        if (!out)
                return -ENOMEM;
        for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (streq(c, "."))
                        continue;
                if (streq(c, "..")) {
                        char *slash;
                        if (len == 0)
                                return -EINVAL;
                        slash = strrchr(out, '/');
                        len = slash ? (size_t) (slash - out) : 0;
                        out[len] = 0;
                        continue;
                }
                if (len > 0)
                        out[len++] = '/';
                strcpy(out + len, c);
                len += strlen(c);
        }
        if (len == 0)
                return -EINVAL;
        *ret = TAKE_PTR(out);
        return 0;
}
