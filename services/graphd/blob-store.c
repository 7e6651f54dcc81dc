/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob-store.h"
#include "fs-util.h"
#include "id.h"
#include "layer-store.h"
#include "macro.h"

#define MANIFEST_FILE_MAX (4U * 1024U * 1024U)

/* "sha256:" + the 64 hex digits of a (valid) name */
static void digest_from_hex(char out[static DIGEST_STRING_MAX], const char *hex) {
        memcpy(out, DIGEST_PREFIX, strlen(DIGEST_PREFIX));
        memcpy(out + strlen(DIGEST_PREFIX), hex, DIGEST_HEX_LEN);
        out[DIGEST_STRING_MAX - 1] = 0;
}

char *blob_path(Graph *g, const char *digest) {
        const char *hex = digest_hex(digest);

        return hex ? path_join(g->blobs, hex) : NULL;
}

bool blob_exists(Graph *g, const char *digest) {
        _cleanup_(freep) char *p = blob_path(g, digest);

        return p && access(p, F_OK) >= 0;
}

int blob_publish_file(Graph *g, const char *path, const char *digest) {
        _cleanup_(freep) char *target = blob_path(g, digest);

        if (!target)
                return -EINVAL;
        if (access(target, F_OK) >= 0) {
                (void) unlink(path);
                return 0;
        }
        (void) chmod(path, 0644);
        if (rename(path, target) < 0)
                return -errno;
        return 0;
}

int blob_write(Graph *g, const void *data, size_t size, char ret_digest[static DIGEST_STRING_MAX]) {
        _cleanup_(freep) char *p = NULL;
        int r;

        r = sha256_digest(data, size, ret_digest);
        if (r < 0)
                return r;
        p = blob_path(g, ret_digest);
        if (!p)
                return -ENOMEM;
        if (access(p, F_OK) >= 0)
                return 0;
        return write_file_atomic(p, data, size, 0644);
}

int blob_open(Graph *g, const char *digest, int *ret_fd, uint64_t *ret_size) {
        _cleanup_(freep) char *p = blob_path(g, digest);
        _cleanup_(closep) int fd = -EBADF;
        struct stat st;

        if (!p)
                return digest_is_valid(digest) ? -ENOMEM : -EINVAL;
        fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        if (fstat(fd, &st) < 0)
                return -errno;
        if (!S_ISREG(st.st_mode))
                return -EBADMSG;
        *ret_fd = TAKE_FD(fd);
        *ret_size = st.st_size;
        return 0;
}

/* Calls f for every stored layer and image's blob references: the layer's
 * blob and media type; the image's config and manifest blobs with theirs.
 * Stops when f returns non-zero and passes that on. */
typedef int (*BlobRefFunc)(const char *digest, const char *media_type, void *userdata);

static int json_string_at(json_object *o, const char *k1, const char *k2, const char **ret) {
        json_object *v;

        if (!json_object_object_get_ex(o, k1, &v))
                return -ENOENT;
        if (k2 && !json_object_object_get_ex(v, k2, &v))
                return -ENOENT;
        if (!json_object_is_type(v, json_type_string))
                return -ENOENT;
        *ret = json_object_get_string(v);
        return 0;
}

static int image_blob_refs(Graph *g, const char *hex, BlobRefFunc f, void *userdata) {
        _cleanup_(freep) char *p = NULL, *text = NULL;
        char config[DIGEST_STRING_MAX], manifest[DIGEST_STRING_MAX];
        const char *config_type = MEDIA_DOCKER_CONFIG, *manifest_type = MEDIA_DOCKER_MANIFEST;
        json_object *o = NULL;
        size_t size;
        int r;

        digest_from_hex(config, hex);
        if (asprintf(&p, "%s/%s/manifest.json", g->images, hex) < 0)
                return -ENOMEM;
        r = read_full_file(p, &text, &size, MANIFEST_FILE_MAX);
        if (r == -ENOENT)
                return f(config, config_type, userdata);
        if (r < 0)
                return r;
        r = sha256_digest(text, size, manifest);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (o) {
                (void) json_string_at(o, "mediaType", NULL, &manifest_type);
                (void) json_string_at(o, "config", "mediaType", &config_type);
        }
        r = f(config, config_type, userdata);
        if (r == 0)
                r = f(manifest, manifest_type, userdata);
        json_object_put(o);
        return r;
}

static int blob_refs_foreach(Graph *g, BlobRefFunc f, void *userdata) {
        DIR *d;
        int r = 0;

        d = opendir(g->layers);
        if (!d)
                return -errno;
        for (struct dirent *de; r == 0 && (de = readdir(d)); ) {
                _cleanup_(layer_done) Layer l = {};
                char chain[DIGEST_STRING_MAX];

                if (!id_is_valid(de->d_name))
                        continue;
                digest_from_hex(chain, de->d_name);
                if (layer_load(g, chain, &l) < 0 || isempty(l.blob_digest))
                        continue;
                r = f(l.blob_digest, strempty(l.media_type), userdata);
        }
        closedir(d);
        if (r != 0)
                return r;

        d = opendir(g->images);
        if (!d)
                return -errno;
        for (struct dirent *de; r == 0 && (de = readdir(d)); )
                if (id_is_valid(de->d_name))
                        r = image_blob_refs(g, de->d_name, f, userdata);
        closedir(d);
        return r;
}

typedef struct BlobQuery {
        const char *digest;
        char *media_type;
} BlobQuery;

static int blob_ref_match(const char *digest, const char *media_type, void *userdata) {
        BlobQuery *q = userdata;

        if (!streq(digest, q->digest))
                return 0;
        q->media_type = strdup(media_type);
        return q->media_type ? 1 : -ENOMEM;
}

int blob_media_type(Graph *g, const char *digest, char **ret) {
        BlobQuery q = { .digest = digest };
        int r;

        r = blob_refs_foreach(g, blob_ref_match, &q);
        if (r < 0)
                return r;
        if (r == 0)
                return -ENOENT;
        *ret = q.media_type;
        return 0;
}

int blob_in_use(Graph *g, const char *digest) {
        _cleanup_(freep) char *type = NULL;
        int r;

        r = blob_media_type(g, digest, &type);
        if (r == -ENOENT)
                return false;
        return r < 0 ? r : true;
}

int blob_unref(Graph *g, const char *digest) {
        _cleanup_(freep) char *p = blob_path(g, digest);
        int r;

        if (!p)
                return -EINVAL;
        r = blob_in_use(g, digest);
        if (r != 0)
                return r < 0 ? r : 0;
        if (unlink(p) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

static int blob_ref_collect(const char *digest, const char *media_type, void *userdata) {
        char ***l = userdata;

        return strv_contains(*l, digest) ? 0 : (strv_extend(l, digest) < 0 ? -ENOMEM : 0);
}

int blob_gc(Graph *g) {
        _cleanup_(strv_freep) char **used = NULL;
        DIR *d;
        int r, n = 0;

        r = blob_refs_foreach(g, blob_ref_collect, &used);
        if (r < 0)
                return r;
        d = opendir(g->blobs);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d)); ) {
                char digest[DIGEST_STRING_MAX];

                if (de->d_name[0] == '.')
                        continue;
                /* temp files of write_file_atomic() and foreign names too */
                if (id_is_valid(de->d_name)) {
                        digest_from_hex(digest, de->d_name);
                        if (strv_contains(used, digest))
                                continue;
                }
                if (unlinkat(dirfd(d), de->d_name, 0) >= 0)
                        n++;
        }
        closedir(d);
        return n;
}
