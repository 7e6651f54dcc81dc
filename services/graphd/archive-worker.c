/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive-format.h"
#include "archive-worker.h"
#include "blob-store.h"
#include "fs-util.h"
#include "host-platform.h"
#include "image-store.h"
#include "layer-store.h"
#include "layer-unpack.h"
#include "macro.h"
#include "reference.h"

#define ARCHIVE_BUFFER_SIZE (128U * 1024U)
#define ARCHIVE_ENTRIES_MAX 65536U
#define ARCHIVE_LINK_DEPTH 16

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static inline void *mfree(void *p) {
        free(p);
        return NULL;
}

_printf_(2, 3)
static int failf(char **ret_error, const char *format, ...) {
        va_list ap;

        va_start(ap, format);
        if (vasprintf(ret_error, format, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return -EBADMSG;
}

/* ---- the plan ---- */

void archive_plan_done(ArchivePlan *p) {
        for (size_t i = 0; i < p->n_images; i++) {
                ArchivePlanImage *im = &p->images[i];
                free(im->config_path);
                strv_free(im->tags);
                for (size_t k = 0; k < im->n_layers; k++) {
                        free(im->layers[k].path);
                        free(im->layers[k].media_type);
                }
                free(im->layers);
        }
        free(p->images);
        *p = (ArchivePlan) {};
}

int archive_plan_write(const ArchivePlan *p, const char *dir) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_array();
        _cleanup_(freep) char *path = path_join(dir, "plan.json");
        const char *s;

        if (!o || !path)
                return -ENOMEM;
        for (size_t i = 0; i < p->n_images; i++) {
                const ArchivePlanImage *im = &p->images[i];
                json_object *x = json_object_new_object(), *t = json_object_new_array(), *l = json_object_new_array();

                json_object_object_add(x, "config", json_object_new_string(im->config_path));
                STRV_FOREACH(tag, im->tags)
                        json_object_array_add(t, json_object_new_string(*tag));
                json_object_object_add(x, "tags", t);
                for (size_t k = 0; k < im->n_layers; k++) {
                        const ArchivePlanLayer *y = &im->layers[k];
                        json_object *e = json_object_new_object();
                        json_object_object_add(e, "path", json_object_new_string(y->path));
                        json_object_object_add(e, "digest", json_object_new_string(y->digest));
                        json_object_object_add(e, "diff_id", json_object_new_string(y->diff_id));
                        json_object_object_add(e, "media_type", json_object_new_string(y->media_type));
                        json_object_object_add(e, "size", json_object_new_int64((int64_t) y->size));
                        json_object_array_add(l, e);
                }
                json_object_object_add(x, "layers", l);
                json_object_array_add(o, x);
        }
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        return write_file_atomic(path, s, strlen(s), 0600);
}

static const char *json_str(json_object *o, const char *key) {
        json_object *v;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

int archive_plan_read(const char *dir, ArchivePlan *ret) {
        _cleanup_(freep) char *path = path_join(dir, "plan.json"), *text = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        ArchivePlan p = {};
        int r;

        if (!path)
                return -ENOMEM;
        r = read_full_file(path, &text, NULL, 16U * 1024U * 1024U);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!o || !json_object_is_type(o, json_type_array))
                return -EBADMSG;
        p.n_images = json_object_array_length(o);
        p.images = calloc(p.n_images + 1, sizeof(ArchivePlanImage));
        if (!p.images)
                return -ENOMEM;
        for (size_t i = 0; i < p.n_images; i++) {
                json_object *x = json_object_array_get_idx(o, i), *t, *l;
                ArchivePlanImage *im = &p.images[i];
                const char *c = json_str(x, "config");

                if (!c || !json_object_object_get_ex(x, "tags", &t) || !json_object_object_get_ex(x, "layers", &l))
                        goto bad;
                im->config_path = strdup(c);
                for (size_t k = 0; k < json_object_array_length(t); k++)
                        if (strv_extend(&im->tags, json_object_get_string(json_object_array_get_idx(t, k))) < 0)
                                goto bad;
                im->n_layers = json_object_array_length(l);
                im->layers = calloc(im->n_layers + 1, sizeof(ArchivePlanLayer));
                if (!im->layers || !im->config_path)
                        goto bad;
                for (size_t k = 0; k < im->n_layers; k++) {
                        json_object *e = json_object_array_get_idx(l, k), *v;
                        ArchivePlanLayer *y = &im->layers[k];
                        const char *pa = json_str(e, "path"), *d = json_str(e, "digest"),
                                   *di = json_str(e, "diff_id"), *mt = json_str(e, "media_type");
                        if (!pa || !digest_is_valid(d) || !digest_is_valid(di) || !mt ||
                            !json_object_object_get_ex(e, "size", &v))
                                goto bad;
                        y->path = strdup(pa);
                        y->media_type = strdup(mt);
                        strcpy(y->digest, d);
                        strcpy(y->diff_id, di);
                        y->size = (uint64_t) json_object_get_int64(v);
                        if (!y->path || !y->media_type)
                                goto bad;
                }
        }
        *ret = p;
        return 0;
bad:
        archive_plan_done(&p);
        return -EBADMSG;
}

/* ---- reading an archive into the work directory ---- */

typedef struct Entry {
        char *path;        /* normalized archive path */
        char *file;        /* local file, for regular files */
        char *link;        /* normalized target, for symlinks and hard links */
        char digest[DIGEST_STRING_MAX];
        uint64_t size;
} Entry;

typedef struct Extract {
        const char *dir;
        Entry *entries;
        size_t n;
} Extract;

static void extract_done(Extract *x) {
        for (size_t i = 0; i < x->n; i++) {
                free(x->entries[i].path);
                free(x->entries[i].file);
                free(x->entries[i].link);
        }
        free(x->entries);
}

static const Entry *extract_find(const Extract *x, const char *path) {
        for (unsigned depth = 0; depth < ARCHIVE_LINK_DEPTH; depth++) {
                const Entry *e = NULL;

                /* the last entry of a name wins, as tar extraction would have it */
                for (size_t i = x->n; i > 0; i--)
                        if (streq(x->entries[i - 1].path, path)) {
                                e = &x->entries[i - 1];
                                break;
                        }
                if (!e || e->file)
                        return e;
                path = e->link;
        }
        return NULL;
}

static bool is_metadata_name(const char *path) {
        size_t n = strlen(path);
        return streq(path, "manifest.json") || streq(path, "index.json") || streq(path, "repositories") ||
               streq(path, "oci-layout") || (n > 5 && streq(path + n - 5, ".json"));
}

static int copy_data(struct archive *a, int out, Sha256 *h, uint64_t *ret_size, char **ret_error) {
        static uint8_t buf[ARCHIVE_BUFFER_SIZE];
        uint64_t total = 0;

        for (;;) {
                la_ssize_t n = archive_read_data(a, buf, sizeof buf);
                if (n < 0)
                        return failf(ret_error, "invalid archive: %s", archive_error_string(a) ?: "read error");
                if (n == 0)
                        break;
                if (sha256_update(h, buf, n) < 0)
                        return -ENOMEM;
                if (loop_write(out, buf, n) < 0)
                        return failf(ret_error, "cannot store archive: %m");
                total += n;
        }
        *ret_size = total;
        return 0;
}

static int extract_entry(Extract *x, struct archive *a, struct archive_entry *ae, char **ret_error) {
        const char *name = archive_entry_pathname(ae), *hard = archive_entry_hardlink(ae);
        _cleanup_(freep) char *path = NULL;
        mode_t type = archive_entry_filetype(ae);
        Entry e = {};
        int r;

        if (!name)
                return failf(ret_error, "invalid archive: entry without a name");
        if (name[0] == '/')
                return failf(ret_error, "invalid archive: absolute path %s", name);
        r = archive_path_normalize(NULL, name, &path);
        if (r == -ENOMEM)
                return r;
        if (r < 0) {
                if (type == AE_IFDIR)
                        return 0;  /* "./" */
                return failf(ret_error, "invalid archive: path %s leaves the archive", name);
        }
        if (type == AE_IFDIR && !hard)
                return 0;
        if (x->n >= ARCHIVE_ENTRIES_MAX)
                return failf(ret_error, "invalid archive: more than %u entries", ARCHIVE_ENTRIES_MAX);

        if (hard || type == AE_IFLNK) {
                _cleanup_(freep) char *base = NULL;
                const char *target = hard ?: archive_entry_symlink(ae);
                char *slash;

                if (!target || target[0] == '/')
                        return failf(ret_error, "invalid archive: link %s points outside the archive", name);
                if (!hard) {
                        /* symlinks resolve against their directory, hard links against the top */
                        base = strdup(path);
                        if (!base)
                                return -ENOMEM;
                        slash = strrchr(base, '/');
                        if (slash)
                                *slash = 0;
                        else
                                base = mfree(base);
                }
                r = archive_path_normalize(base, target, &e.link);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return failf(ret_error, "invalid archive: link %s points outside the archive", name);
        } else if (type == AE_IFREG) {
                _cleanup_(sha256_freep) Sha256 *h = NULL;
                _cleanup_(closep) int fd = -EBADF;

                if (is_metadata_name(path) && archive_entry_size(ae) > (la_int64_t) ARCHIVE_METADATA_MAX)
                        return failf(ret_error, "invalid archive: %s is larger than %u bytes", path,
                                     ARCHIVE_METADATA_MAX);
                if (asprintf(&e.file, "%s/f%zu", x->dir, x->n) < 0)
                        return -ENOMEM;
                fd = open(e.file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
                if (fd < 0 || sha256_new(&h) < 0) {
                        free(e.file);
                        return failf(ret_error, "cannot store archive: %m");
                }
                r = copy_data(a, fd, h, &e.size, ret_error);
                if (r >= 0)
                        r = sha256_final(h, e.digest);
                if (r < 0) {
                        free(e.file);
                        return r;
                }
        } else
                return failf(ret_error, "invalid archive: %s is not a regular file, directory or link", path);

        Entry *n = realloc(x->entries, (x->n + 1) * sizeof(Entry));
        if (!n) {
                free(e.file);
                free(e.link);
                return -ENOMEM;
        }
        x->entries = n;
        e.path = TAKE_PTR(path);
        x->entries[x->n++] = e;
        return 0;
}

static int extract_all(Extract *x, int fd, char **ret_error) {
        struct archive *a = archive_read_new();
        struct archive_entry *ae;
        int r = 0;

        if (!a)
                return -ENOMEM;
        archive_read_support_filter_all(a);
        archive_read_support_format_tar(a);
        if (archive_read_open_fd(a, fd, ARCHIVE_BUFFER_SIZE) != ARCHIVE_OK) {
                r = failf(ret_error, "invalid archive: %s", archive_error_string(a) ?: "cannot read");
                goto finish;
        }
        for (;;) {
                int k = archive_read_next_header(a, &ae);
                if (k == ARCHIVE_EOF)
                        break;
                if (k < ARCHIVE_WARN) {
                        r = failf(ret_error, "invalid archive: %s", archive_error_string(a) ?: "read error");
                        goto finish;
                }
                r = extract_entry(x, a, ae, ret_error);
                if (r < 0)
                        goto finish;
        }
        if (x->n == 0)
                r = failf(ret_error, "invalid archive: empty");
finish:
        archive_read_free(a);
        return r;
}

static int entry_read(const Entry *e, char **ret, char **ret_error) {
        if (e->size > ARCHIVE_METADATA_MAX)
                return failf(ret_error, "invalid archive: %s is larger than %u bytes", e->path, ARCHIVE_METADATA_MAX);
        int r = read_full_file(e->file, ret, NULL, ARCHIVE_METADATA_MAX);
        if (r < 0)
                return failf(ret_error, "cannot read %s: %s", e->path, strerror(-r));
        if (strlen(*ret) != e->size) {
                *ret = mfree(*ret);
                return failf(ret_error, "invalid archive: %s is not text", e->path);
        }
        return 0;
}

static const char *media_type_sniff(const char *file) {
        uint8_t m[4] = {};
        int fd = open(file, O_RDONLY | O_CLOEXEC);

        if (fd >= 0) {
                (void) !read(fd, m, sizeof m);
                close(fd);
        }
        if (m[0] == 0x1f && m[1] == 0x8b)
                return LAYER_MEDIA_DOCKER_GZIP;
        if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
                return LAYER_MEDIA_OCI_ZSTD;
        return LAYER_MEDIA_DOCKER_TAR;
}

static int normalize_tag(const char *name, char ***tags, char **ret_error) {
        _cleanup_(reference_done) Reference ref = {};
        _cleanup_(freep) char *n = NULL;

        if (reference_parse(name, &ref) < 0 || ref.digest || !(n = reference_normalized_tag(&ref)))
                return failf(ret_error, "invalid archive: invalid tag %s", name);
        if (strv_contains(*tags, n))
                return 0;
        return strv_extend(tags, n);
}

/* One image: config entry, its layer entries, checked against each other. */
static int plan_image(const Extract *x, const Entry *config, const char *config_name,
                      const char *expect_config, char **layer_names, const OciDescriptor *descs,
                      size_t n_layers, ArchivePlanImage *im, char **ret_error) {
        _cleanup_(freep) char *text = NULL;
        _cleanup_(strv_freep) char **diff_ids = NULL;
        int r;

        if (!config)
                return failf(ret_error, "invalid archive: config %s is missing", config_name);
        if (expect_config && !streq(expect_config, config->digest))
                return failf(ret_error, "digest mismatch: config %s: expected %s, got %s", config_name,
                             expect_config, config->digest);
        r = entry_read(config, &text, ret_error);
        if (r < 0)
                return r;
        r = image_config_diff_ids(text, &diff_ids, ret_error);
        if (r < 0)
                return r;
        if (strv_length(diff_ids) != n_layers)
                return failf(ret_error, "invalid archive: config %s names %zu layers, the manifest %zu",
                             config_name, strv_length(diff_ids), n_layers);
        im->config_path = strdup(config->file);
        im->layers = calloc(n_layers + 1, sizeof(ArchivePlanLayer));
        if (!im->config_path || !im->layers)
                return -ENOMEM;
        im->n_layers = n_layers;
        for (size_t k = 0; k < n_layers; k++) {
                ArchivePlanLayer *y = &im->layers[k];
                char expect[DIGEST_STRING_MAX], blob_name[16 + DIGEST_STRING_MAX];
                const char *name = layer_names ? layer_names[k] : NULL;
                const Entry *e;

                if (descs) {
                        snprintf(blob_name, sizeof blob_name, "blobs/sha256/%s", digest_hex(descs[k].digest));
                        name = blob_name;
                }
                e = extract_find(x, name);
                if (!e)
                        return failf(ret_error, "invalid archive: layer %s is missing", name);
                if (archive_path_digest(name, expect) > 0 && !streq(expect, e->digest))
                        return failf(ret_error, "digest mismatch: layer %s: expected %s, got %s", name, expect,
                                     e->digest);
                if (descs && descs[k].size != e->size)
                        return failf(ret_error, "invalid archive: layer %s has %" PRIu64 " bytes, the manifest says %" PRIu64,
                                     name, e->size, descs[k].size);
                y->path = strdup(e->file);
                y->media_type = strdup(descs && layer_media_type_compression(descs[k].media_type) >= 0
                                       ? descs[k].media_type : media_type_sniff(e->file));
                if (!y->path || !y->media_type)
                        return -ENOMEM;
                strcpy(y->digest, e->digest);
                strcpy(y->diff_id, diff_ids[k]);
                y->size = e->size;
        }
        return 0;
}

static int plan_docker(const Extract *x, const Entry *manifest, ArchivePlan *p, char **ret_error) {
        _cleanup_(freep) char *text = NULL;
        DockerArchiveEntry *d = NULL;
        size_t n = 0;
        int r;

        r = entry_read(manifest, &text, ret_error);
        if (r < 0)
                return r;
        r = docker_manifest_parse(text, &d, &n, ret_error);
        if (r < 0)
                return r;
        p->images = calloc(n + 1, sizeof(ArchivePlanImage));
        if (!p->images) {
                r = -ENOMEM;
                goto finish;
        }
        p->n_images = n;
        for (size_t i = 0; i < n; i++) {
                char expect[DIGEST_STRING_MAX];
                bool named = archive_path_digest(d[i].config, expect) > 0;

                r = plan_image(x, extract_find(x, d[i].config), d[i].config, named ? expect : NULL, d[i].layers,
                               NULL, strv_length(d[i].layers), &p->images[i], ret_error);
                if (r < 0)
                        goto finish;
                STRV_FOREACH(t, d[i].repo_tags)
                        if ((r = normalize_tag(*t, &p->images[i].tags, ret_error)) < 0)
                                goto finish;
        }
finish:
        docker_archive_entries_free(d, n);
        return r;
}

static const Entry *find_blob(const Extract *x, const char *digest) {
        char name[16 + DIGEST_STRING_MAX];
        snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(digest));
        return extract_find(x, name);
}

static int plan_oci(const Extract *x, const Entry *index, ArchivePlan *p, char **ret_error) {
        _cleanup_(freep) char *text = NULL;
        OciDescriptor *m = NULL;
        size_t n = 0;
        int r;

        r = entry_read(index, &text, ret_error);
        if (r < 0)
                return r;
        r = oci_index_parse(text, &m, &n, ret_error);
        if (r < 0)
                return r;
        p->images = calloc(n + 1, sizeof(ArchivePlanImage));
        if (!p->images) {
                r = -ENOMEM;
                goto finish;
        }
        p->n_images = n;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(freep) char *mtext = NULL;
                OciDescriptor config = {}, *layers = NULL;
                const Entry *e = find_blob(x, m[i].digest);
                size_t nl = 0;

                char want[DIGEST_STRING_MAX];

                strcpy(want, m[i].digest);
                /* an entry that is an image index: its entry for this host, as docker */
                for (unsigned depth = 0;; depth++) {
                        OciDescriptor sel = {};

                        if (!e) {
                                r = failf(ret_error, "invalid archive: manifest %s is missing", want);
                                goto finish;
                        }
                        if (!streq(e->digest, want)) {
                                r = failf(ret_error, "digest mismatch: manifest: expected %s, got %s", want, e->digest);
                                goto finish;
                        }
                        mtext = mfree(mtext);
                        r = entry_read(e, &mtext, ret_error);
                        if (r < 0 || !oci_is_index(mtext))
                                break;
                        if (depth >= OCI_INDEX_NESTING_MAX) {
                                r = failf(ret_error, "invalid archive: image indexes nested deeper than %d",
                                          OCI_INDEX_NESTING_MAX);
                                goto finish;
                        }
                        r = oci_index_select_platform(mtext, "linux", host_architecture(), &sel, ret_error);
                        if (r < 0)
                                goto finish;
                        free(sel.media_type);
                        strcpy(want, sel.digest);
                        e = find_blob(x, want);
                }
                if (r >= 0)
                        r = oci_manifest_parse(mtext, &config, &layers, &nl, ret_error);
                if (r >= 0) {
                        char name[16 + DIGEST_STRING_MAX];
                        snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(config.digest));
                        r = plan_image(x, find_blob(x, config.digest), name, config.digest, NULL, layers, nl,
                                       &p->images[i], ret_error);
                }
                free(config.media_type);
                oci_descriptors_free(layers, nl);
                if (r >= 0 && m[i].name)
                        r = normalize_tag(m[i].name, &p->images[i].tags, ret_error);
                if (r < 0)
                        goto finish;
        }
finish:
        oci_descriptors_free(m, n);
        return r;
}

int archive_prepare_load(int fd, const char *dir, char **ret_error) {
        Extract x = { .dir = dir };
        ArchivePlan p = {};
        const Entry *e;
        int r;

        r = extract_all(&x, fd, ret_error);
        if (r < 0)
                goto finish;
        /* docker prefers manifest.json when both are there; so do we */
        if ((e = extract_find(&x, "manifest.json")))
                r = plan_docker(&x, e, &p, ret_error);
        else if ((e = extract_find(&x, "index.json")))
                r = plan_oci(&x, e, &p, ret_error);
        else
                r = failf(ret_error, "invalid archive: no manifest.json or index.json");
        if (r >= 0)
                r = archive_plan_write(&p, dir);
finish:
        archive_plan_done(&p);
        extract_done(&x);
        return r;
}

/* ---- import: one rootfs tarball ---- */

static int hash_file_decompressed(const char *path, char ret[static DIGEST_STRING_MAX], char **ret_error) {
        static uint8_t buf[ARCHIVE_BUFFER_SIZE];
        _cleanup_(sha256_freep) Sha256 *h = NULL;
        struct archive *a = archive_read_new();
        struct archive_entry *ae;
        int r = 0;

        if (!a || sha256_new(&h) < 0)
                return -ENOMEM;
        archive_read_support_filter_all(a);
        archive_read_support_format_raw(a);
        if (archive_read_open_filename(a, path, ARCHIVE_BUFFER_SIZE) != ARCHIVE_OK ||
            archive_read_next_header(a, &ae) != ARCHIVE_OK) {
                r = failf(ret_error, "invalid tarball: %s", archive_error_string(a) ?: "cannot read");
                goto finish;
        }
        for (;;) {
                la_ssize_t n = archive_read_data(a, buf, sizeof buf);
                if (n < 0) {
                        r = failf(ret_error, "invalid tarball: %s", archive_error_string(a) ?: "read error");
                        goto finish;
                }
                if (n == 0)
                        break;
                if (sha256_update(h, buf, n) < 0) {
                        r = -ENOMEM;
                        goto finish;
                }
        }
        r = sha256_final(h, ret);
finish:
        archive_read_free(a);
        return r;
}

static char *now_rfc3339(void) {
        char buf[64];
        struct timespec ts;
        struct tm tm;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        char *s;
        if (asprintf(&s, "%s.%09ldZ", buf, ts.tv_nsec) < 0)
                return NULL;
        return s;
}

int archive_prepare_import(int fd, const char *dir, char **tags, const char *source, char **ret_error) {
        static uint8_t buf[ARCHIVE_BUFFER_SIZE];
        _cleanup_(sha256_freep) Sha256 *h = NULL;
        _cleanup_(freep) char *layer = path_join(dir, "layer"), *config_path = path_join(dir, "config.json");
        _cleanup_(freep) char *created = now_rfc3339(), *comment = NULL;
        _cleanup_(json_object_putp) json_object *c = NULL;
        _cleanup_(closep) int out = -EBADF;
        ArchivePlanLayer y = {};
        ArchivePlanImage im = {};
        ArchivePlan p = { .images = &im, .n_images = 1 };
        const char *s;
        int r;

        if (!layer || !config_path || !created || sha256_new(&h) < 0)
                return -ENOMEM;
        out = open(layer, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (out < 0)
                return failf(ret_error, "cannot store tarball: %m");
        for (;;) {
                ssize_t n = read(fd, buf, sizeof buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return failf(ret_error, "cannot read tarball: %m");
                }
                if (n == 0)
                        break;
                if (sha256_update(h, buf, n) < 0)
                        return -ENOMEM;
                if (loop_write(out, buf, n) < 0)
                        return failf(ret_error, "cannot store tarball: %m");
                y.size += n;
        }
        if (y.size == 0)
                return failf(ret_error, "invalid tarball: empty");
        r = sha256_final(h, y.digest);
        if (r < 0)
                return r;
        r = hash_file_decompressed(layer, y.diff_id, ret_error);
        if (r < 0)
                return r;
        y.path = layer;
        y.media_type = (char *) media_type_sniff(layer);

        /* docker import's config: no command, one history entry */
        if (asprintf(&comment, "Imported from %s", source) < 0)
                return -ENOMEM;
        c = json_object_new_object();
        json_object *rootfs = json_object_new_object(), *ids = json_object_new_array(),
                    *hist = json_object_new_array(), *he = json_object_new_object();
        json_object_object_add(c, "architecture", json_object_new_string("amd64"));
        json_object_object_add(c, "config", json_object_new_object());
        json_object_object_add(c, "created", json_object_new_string(created));
        json_object_object_add(he, "created", json_object_new_string(created));
        json_object_object_add(he, "comment", json_object_new_string(comment));
        json_object_array_add(hist, he);
        json_object_object_add(c, "history", hist);
        json_object_object_add(c, "os", json_object_new_string("linux"));
        json_object_array_add(ids, json_object_new_string(y.diff_id));
        json_object_object_add(rootfs, "type", json_object_new_string("layers"));
        json_object_object_add(rootfs, "diff_ids", ids);
        json_object_object_add(c, "rootfs", rootfs);
        s = json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        r = write_file_atomic(config_path, s, strlen(s), 0600);
        if (r < 0)
                return failf(ret_error, "cannot store config: %s", strerror(-r));

        im.config_path = config_path;
        im.tags = tags;
        im.layers = &y;
        im.n_layers = 1;
        return archive_plan_write(&p, dir);
}

/* ---- save ---- */

typedef struct Save {
        Graph *g;
        struct archive *a;
        const char *workdir;
        char **written;                      /* digests already in the tar */
        char *error;
} Save;

static int save_entry(Save *s, const char *name, const void *data, size_t size, const char *file, uint64_t file_size) {
        static uint8_t buf[ARCHIVE_BUFFER_SIZE];
        struct archive_entry *ae = archive_entry_new();
        _cleanup_(closep) int fd = -EBADF;
        int r = 0;

        if (!ae)
                return -ENOMEM;
        archive_entry_set_pathname(ae, name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, file ? (la_int64_t) file_size : (la_int64_t) size);
        archive_entry_set_mtime(ae, 0, 0);
        if (file && (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
                r = failf(&s->error, "cannot read %s: %m", file);
                goto finish;
        }
        if (archive_write_header(s->a, ae) != ARCHIVE_OK) {
                r = failf(&s->error, "cannot write archive: %s", archive_error_string(s->a));
                goto finish;
        }
        if (!file) {
                if (archive_write_data(s->a, data, size) != (la_ssize_t) size)
                        r = failf(&s->error, "cannot write archive: %s", archive_error_string(s->a) ?: "short write");
                goto finish;
        }
        for (uint64_t left = file_size; left > 0;) {
                ssize_t n = read(fd, buf, MIN(sizeof buf, left));
                if (n <= 0) {
                        r = failf(&s->error, "cannot read %s: %s", file, n < 0 ? strerror(errno) : "short file");
                        goto finish;
                }
                if (archive_write_data(s->a, buf, n) != n) {
                        r = failf(&s->error, "cannot write archive: %s", archive_error_string(s->a) ?: "short write");
                        goto finish;
                }
                left -= n;
        }
finish:
        archive_entry_free(ae);
        return r;
}

static int save_blob_data(Save *s, const char *digest, const char *data, size_t size) {
        char name[16 + DIGEST_STRING_MAX];

        if (strv_contains(s->written, digest))
                return 0;
        snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(digest));
        int r = save_entry(s, name, data, size, NULL, 0);
        return r < 0 ? r : strv_extend(&s->written, digest);
}

/* A stored layer blob as the uncompressed tar docker's archives carry (its
 * digest is the diff_id); returns its size. */
static int save_layer(Save *s, const Layer *l, uint64_t *ret_size) {
        static uint8_t buf[ARCHIVE_BUFFER_SIZE];
        _cleanup_(freep) char *blob = blob_path(s->g, l->blob_digest), *tmp = NULL;
        char name[16 + DIGEST_STRING_MAX];
        struct archive *a = NULL;
        struct archive_entry *ae;
        struct stat st;
        const char *file;
        int r;

        if (!blob || isempty(l->blob_digest))
                return failf(&s->error, "layer %s has no stored blob (pull the image again)", l->chain_id);
        if (layer_media_type_compression(l->media_type) == LAYER_COMPRESSION_NONE)
                file = blob;
        else {
                _cleanup_(closep) int out = -EBADF;

                if (asprintf(&tmp, "%s/%s", s->workdir, digest_hex(l->diff_id)) < 0)
                        return -ENOMEM;
                out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                a = archive_read_new();
                if (out < 0 || !a) {
                        if (a)
                                archive_read_free(a);
                        return failf(&s->error, "cannot decompress layer %s: %m", l->chain_id);
                }
                archive_read_support_filter_all(a);
                archive_read_support_format_raw(a);
                if (archive_read_open_filename(a, blob, ARCHIVE_BUFFER_SIZE) != ARCHIVE_OK ||
                    archive_read_next_header(a, &ae) != ARCHIVE_OK) {
                        r = failf(&s->error, "cannot decompress layer %s: %s", l->chain_id, archive_error_string(a));
                        archive_read_free(a);
                        return r;
                }
                for (;;) {
                        la_ssize_t n = archive_read_data(a, buf, sizeof buf);
                        if (n < 0 || (n > 0 && loop_write(out, buf, n) < 0)) {
                                r = failf(&s->error, "cannot decompress layer %s: %s", l->chain_id,
                                          n < 0 ? archive_error_string(a) : strerror(errno));
                                archive_read_free(a);
                                return r;
                        }
                        if (n == 0)
                                break;
                }
                archive_read_free(a);
                file = tmp;
        }
        if (stat(file, &st) < 0)
                return failf(&s->error, "cannot read layer %s: %m", l->chain_id);
        *ret_size = st.st_size;
        if (!strv_contains(s->written, l->diff_id)) {
                snprintf(name, sizeof name, "blobs/sha256/%s", digest_hex(l->diff_id));
                r = save_entry(s, name, NULL, 0, file, st.st_size);
                if (r >= 0)
                        r = strv_extend(&s->written, l->diff_id);
        } else
                r = 0;
        if (tmp)
                (void) unlink(tmp);
        return r;
}

static int save_all(Save *s, const ArchiveSaveItem *items, size_t n) {
        DockerArchiveEntry *entries = calloc(n + 1, sizeof(DockerArchiveEntry));
        OciDescriptor *index = calloc(n + 1, sizeof(OciDescriptor));
        _cleanup_(freep) char (*index_ids)[DIGEST_STRING_MAX] = calloc(n + 1, DIGEST_STRING_MAX);
        _cleanup_(json_object_putp) json_object *repos = json_object_new_object();
        _cleanup_(freep) char *manifest_json = NULL, *index_json = NULL;
        size_t n_entries = 0, n_index = 0;
        const char *text;
        int r = 0;

        if (!entries || !index || !repos || !index_ids) {
                r = -ENOMEM;
                goto finish;
        }
        for (size_t i = 0; i < n; i++) {
                _cleanup_(image_done) Image img = {};
                _cleanup_(freep) char *config = NULL, *manifest = NULL;
                OciDescriptor cd = { .media_type = (char *) MEDIA_OCI_CONFIG }, *ld = NULL;
                char mdigest[DIGEST_STRING_MAX], path[16 + DIGEST_STRING_MAX];
                size_t nl, k, msize;
                bool seen = false;

                /* a second name for an image already written only adds a tag */
                for (k = 0; k < i; k++)
                        if (streq(items[k].id, items[i].id)) {
                                seen = true;
                                break;
                        }
                if (seen) {
                        size_t e;
                        for (e = 0; e < n_entries; e++)
                                if (streq(entries[e].config + strlen("blobs/sha256/"), digest_hex(items[i].id)))
                                        break;
                        if (items[i].tag) {
                                _cleanup_(freep) char *f = reference_familiar(items[i].tag);
                                if (!f || strv_extend(&entries[e].repo_tags, f) < 0) {
                                        r = -ENOMEM;
                                        goto finish;
                                }
                        }
                } else {
                        r = image_load(s->g, items[i].id, &img);
                        if (r >= 0)
                                r = image_read_config(s->g, items[i].id, &config);
                        if (r < 0) {
                                r = failf(&s->error, "cannot read image %s: %s", items[i].id, strerror(-r));
                                goto finish;
                        }
                        r = save_blob_data(s, items[i].id, config, strlen(config));
                        if (r < 0)
                                goto finish;
                        strcpy(cd.digest, items[i].id);
                        cd.size = strlen(config);
                        nl = strv_length(img.layers);
                        ld = calloc(nl + 1, sizeof(OciDescriptor));
                        if (!ld) {
                                r = -ENOMEM;
                                goto finish;
                        }
                        snprintf(path, sizeof path, "blobs/sha256/%s", digest_hex(items[i].id));
                        entries[n_entries].config = strdup(path);
                        for (k = 0; k < nl; k++) {
                                _cleanup_(layer_done) Layer l = {};
                                r = layer_load(s->g, img.layers[k], &l);
                                if (r < 0) {
                                        r = failf(&s->error, "cannot read layer %s: %s", img.layers[k], strerror(-r));
                                        break;
                                }
                                r = save_layer(s, &l, &ld[k].size);
                                if (r < 0)
                                        break;
                                ld[k].media_type = (char *) LAYER_MEDIA_OCI_TAR;
                                strcpy(ld[k].digest, l.diff_id);
                                snprintf(path, sizeof path, "blobs/sha256/%s", digest_hex(l.diff_id));
                                if ((r = strv_extend(&entries[n_entries].layers, path)) < 0)
                                        break;
                        }
                        if (r >= 0)
                                r = oci_manifest_generate(&cd, ld, nl, &manifest);
                        if (r >= 0 && !entries[n_entries].layers)
                                entries[n_entries].layers = calloc(1, sizeof(char *));
                        if (r >= 0 && img.layers && nl > 0) {
                                /* repositories: {repo: {tag: top layer id}} as docker writes it */
                                if (items[i].tag) {
                                        _cleanup_(freep) char *f = reference_familiar(items[i].tag);
                                        char *colon = f ? strrchr(f, ':') : NULL;
                                        if (colon) {
                                                json_object *t;
                                                *colon = 0;
                                                if (!json_object_object_get_ex(repos, f, &t)) {
                                                        t = json_object_new_object();
                                                        json_object_object_add(repos, f, t);
                                                }
                                                json_object_object_add(t, colon + 1,
                                                                       json_object_new_string(digest_hex(ld[nl - 1].digest)));
                                        }
                                }
                        }
                        free(ld);
                        if (r < 0)
                                goto finish;
                        r = sha256_digest(manifest, strlen(manifest), mdigest);
                        if (r >= 0)
                                r = save_blob_data(s, mdigest, manifest, strlen(manifest));
                        if (r < 0)
                                goto finish;
                        if (items[i].tag) {
                                _cleanup_(freep) char *f = reference_familiar(items[i].tag);
                                if (!f || strv_extend(&entries[n_entries].repo_tags, f) < 0) {
                                        r = -ENOMEM;
                                        goto finish;
                                }
                        }
                        n_entries++;
                }
                /* index.json: one descriptor per name (or one without) */
                if (seen) {
                        size_t q;
                        if (!items[i].tag)
                                continue;
                        for (q = 0; q < n_index; q++)
                                if (streq(index_ids[q], items[i].id))
                                        break;
                        if (!index[q].name) {
                                index[q].name = strdup(items[i].tag);
                                continue;
                        }
                        strcpy(mdigest, index[q].digest);
                        msize = index[q].size;
                } else
                        msize = strlen(manifest);
                strcpy(index_ids[n_index], items[i].id);
                strcpy(index[n_index].digest, mdigest);
                index[n_index].size = msize;
                index[n_index].media_type = strdup(MEDIA_OCI_MANIFEST);
                index[n_index].name = items[i].tag ? strdup(items[i].tag) : NULL;
                n_index++;
        }

        r = oci_index_generate(index, n_index, &index_json);
        if (r >= 0)
                r = docker_manifest_generate(entries, n_entries, &manifest_json);
        if (r < 0)
                goto finish;
        text = json_object_to_json_string_ext(repos, JSON_C_TO_STRING_PLAIN);
        if ((r = save_entry(s, "index.json", index_json, strlen(index_json), NULL, 0)) < 0 ||
            (r = save_entry(s, "manifest.json", manifest_json, strlen(manifest_json), NULL, 0)) < 0 ||
            (r = save_entry(s, "oci-layout", OCI_LAYOUT_CONTENT, strlen(OCI_LAYOUT_CONTENT), NULL, 0)) < 0)
                goto finish;
        if (json_object_object_length(repos) > 0)
                r = save_entry(s, "repositories", text, strlen(text), NULL, 0);
finish:
        docker_archive_entries_free(entries, n_entries + 1);
        oci_descriptors_free(index, n_index + 1);
        return r;
}

int archive_save(Graph *g, const ArchiveSaveItem *items, size_t n, int fd, const char *workdir,
                 char **ret_error) {
        Save s = { .g = g, .workdir = workdir };
        int r;

        s.a = archive_write_new();
        if (!s.a)
                return -ENOMEM;
        archive_write_set_format_pax_restricted(s.a);
        archive_write_set_bytes_in_last_block(s.a, 1);
        if (archive_write_open_fd(s.a, fd) != ARCHIVE_OK) {
                r = failf(ret_error, "cannot write archive: %s", archive_error_string(s.a));
                archive_write_free(s.a);
                return r;
        }
        r = save_all(&s, items, n);
        if (r >= 0 && archive_write_close(s.a) != ARCHIVE_OK)
                r = failf(&s.error, "cannot write archive: %s", archive_error_string(s.a));
        archive_write_free(s.a);
        strv_free(s.written);
        if (r < 0)
                *ret_error = s.error ?: strdup(strerror(-r));
        else
                free(s.error);
        return r;
}

/* ---- the worker process ---- */

typedef struct ArchiveReport {
        int error;
        char message[1024];
} ArchiveReport;

int archive_worker_spawn(ArchiveWorkerFunc fn, void *userdata, pid_t *ret_pid, int *ret_report_fd) {
        int report[2];
        pid_t pid;

        pid_t parent = getpid();

        if (pipe2(report, O_CLOEXEC) < 0)
                return -errno;
        pid = fork();
        if (pid < 0) {
                int r = -errno;
                safe_close(report[0]);
                safe_close(report[1]);
                return r;
        }
        if (pid == 0) {
                ArchiveReport rep = {};
                char *error = NULL;

                /* never outlive graphd: its successor empties tmp/ at start-up */
                (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
                if (getppid() != parent)
                        _exit(EXIT_FAILURE);
                safe_close(report[0]);
                /* a reader that went away must fail the write, not kill us silently */
                signal(SIGPIPE, SIG_IGN);
                rep.error = fn(userdata, &error);
                if (rep.error > 0)
                        rep.error = 0;
                if (rep.error < 0)
                        snprintf(rep.message, sizeof rep.message, "%s", error ?: strerror(-rep.error));
                (void) loop_write(report[1], &rep, sizeof rep);
                _exit(rep.error < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        }
        safe_close(report[1]);
        *ret_pid = pid;
        *ret_report_fd = report[0];
        return 0;
}

int archive_report_read(int report_fd, char **ret_error) {
        ArchiveReport rep;
        size_t got = 0;

        *ret_error = NULL;
        while (got < sizeof rep) {
                ssize_t n = read(report_fd, (uint8_t *) &rep + got, sizeof rep - got);
                if (n < 0 && errno == EINTR)
                        continue;
                if (n <= 0)
                        return -EIO;
                got += n;
        }
        rep.message[sizeof rep.message - 1] = 0;
        if (rep.error < 0) {
                *ret_error = strdup(rep.message);
                return rep.error;
        }
        return 0;
}
