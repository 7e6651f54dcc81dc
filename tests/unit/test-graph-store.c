/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphd's image store: commit checks, lookups, listing and docker rmi
 * semantics, on layers made by hand (no unpacking, no root needed). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "bus-errors.h"
#include "digest.h"
#include "fs-util.h"
#include "blob-store.h"
#include "graph-limits.h"
#include "image-inspect.h"
#include "image-manifest.h"
#include "image-store.h"
#include "layer-store.h"
#include "macro.h"
#include "store-sync.h"

#define STRV_MAKE(...) ((char *[]) { __VA_ARGS__, NULL })

typedef struct Fixture {
        char dir[64];
        Graph *graph;
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof *f);
        _cleanup_(freep) char *run = NULL;

        assert_non_null(f);
        strcpy(f->dir, "/tmp/wharf-test-store-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        run = path_join(f->dir, "run");
        assert_int_equal(graph_open(f->dir, run, &f->graph), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        graph_free(f->graph);
        assert_int_equal(rm_rf(f->dir), 0);
        free(f);
        return 0;
}

/* Publish a fake layer for diff on top of parent; returns its chain id. */
static void make_layer(Fixture *f, const char *parent, const char *diff, uint64_t size,
                       char chain[static DIGEST_STRING_MAX]) {
        _cleanup_(freep) char *dir = NULL, *sub = NULL;
        Layer l = { .size = size, .media_type = (char *) "application/vnd.oci.image.layer.v1.tar" };

        assert_int_equal(chain_id(parent, diff, chain), 0);
        strcpy(l.chain_id, chain);
        strcpy(l.diff_id, diff);
        strcpy(l.parent, strempty(parent));
        strcpy(l.blob_digest, diff);
        assert_int_equal(graph_mkdtemp(f->graph, "ingest", &dir), 0);
        sub = path_join(dir, "diff");
        assert_int_equal(mkdir(sub, 0755), 0);
        assert_int_equal(layer_metadata_write(dir, &l), 0);
        assert_int_equal(layer_publish(f->graph, dir, chain), 0);
}

static void diff_of(const char *s, char out[static DIGEST_STRING_MAX]) {
        assert_int_equal(sha256_digest(s, strlen(s), out), 0);
}

static char *config_for(const char *d1, const char *d2, const char *extra) {
        char *c;
        assert_true(asprintf(&c, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-02T03:04:05.678Z\","
                             "\"config\":{\"Cmd\":[\"sh\"],\"Extra\":\"%s\"},"
                             "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"%s%s%s]}}",
                             extra, d1, d2 ? ",\"" : "", d2 ?: "", d2 ? "\"" : "") > 0);
        return c;
}

static void test_rfc3339(void **state) {
        int64_t t;

        assert_int_equal(parse_rfc3339("1970-01-01T00:00:00Z", &t), 0);
        assert_int_equal(t, 0);
        assert_int_equal(parse_rfc3339("2024-01-02T03:04:05.678901234Z", &t), 0);
        assert_int_equal(t, 1704164645);
        assert_int_equal(parse_rfc3339("2024-01-02T04:04:05+01:00", &t), 0);
        assert_int_equal(t, 1704164645);
        assert_int_equal(parse_rfc3339("2024-01-02T02:34:05-00:30", &t), 0);
        assert_int_equal(t, 1704164645);
        assert_true(parse_rfc3339("2024-01-02 03:04:05", &t) < 0);
        assert_true(parse_rfc3339("2024-01-02T03:04:05", &t) < 0);
        assert_true(parse_rfc3339("", &t) < 0);
}

static void test_tmp_emptied(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *stale = NULL, *run = NULL;
        Graph *g;

        stale = path_join(f->graph->tmp, "ingest-half/diff/file");
        assert_int_equal(mkdir_p(stale, 0755), 0);
        run = path_join(f->dir, "run");
        assert_int_equal(graph_open(f->dir, run, &g), 0);
        assert_int_equal(access(stale, F_OK), -1);
        assert_int_equal(access(g->tmp, F_OK), 0);
        graph_free(g);
}

static void test_publish_race(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *a = NULL, *b = NULL;
        Layer l = {};
        char d[DIGEST_STRING_MAX];

        diff_of("race", d);
        strcpy(l.chain_id, d);
        strcpy(l.diff_id, d);
        assert_int_equal(graph_mkdtemp(f->graph, "ingest", &a), 0);
        assert_int_equal(graph_mkdtemp(f->graph, "ingest", &b), 0);
        assert_int_equal(layer_metadata_write(a, &l), 0);
        assert_int_equal(layer_metadata_write(b, &l), 0);
        assert_false(layer_exists(f->graph, d));
        assert_int_equal(layer_publish(f->graph, a, d), 0);
        /* the loser is told, and its copy stays where it was for discarding */
        assert_int_equal(layer_publish(f->graph, b, d), 1);
        assert_int_equal(access(b, F_OK), 0);
        assert_int_equal(graph_discard(f->graph, b), 0);
        assert_int_equal(access(b, F_OK), -1);
        assert_true(layer_exists(f->graph, d));
}

static void test_commit_and_lookup(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *config = NULL, *manifest = NULL, *bad = NULL, *got = NULL;
        char d1[DIGEST_STRING_MAX], d2[DIGEST_STRING_MAX], c1[DIGEST_STRING_MAX], c2[DIGEST_STRING_MAX];
        char id[DIGEST_STRING_MAX], expect[DIGEST_STRING_MAX], found[DIGEST_STRING_MAX], prefix[16];
        char *tags[] = { (char *) "127.0.0.1:5000/library/busybox:latest", (char *) "busybox:1", NULL };
        const char *mdigest = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        sd_bus_error error = SD_BUS_ERROR_NULL;
        Image *list = NULL;
        size_t n;

        diff_of("layer one", d1);
        diff_of("layer two", d2);
        config = config_for(d1, d2, "x");
        assert_int_equal(sha256_digest(config, strlen(config), expect), 0);

        /* layers missing */
        assert_true(image_commit(f->graph, "", "", config, tags, id, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_INVALID_LAYER);
        sd_bus_error_free(&error);

        make_layer(f, NULL, d1, 100, c1);
        make_layer(f, c1, d2, 23, c2);

        /* manifest naming another config */
        assert_true(asprintf(&bad, "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\"},\"layers\":[{},{}]}", d1) > 0);
        assert_true(image_commit(f->graph, mdigest, bad, config, tags, id, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_DIGEST_MISMATCH);
        sd_bus_error_free(&error);
        assert_true(image_commit(f->graph, "", "", "{\"rootfs\":{}}", tags, id, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_INVALID_MANIFEST);
        sd_bus_error_free(&error);
        char *badtags[] = { (char *) "UPPER/case", NULL };
        assert_true(image_commit(f->graph, "", "", config, badtags, id, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_INVALID_REFERENCE);
        sd_bus_error_free(&error);

        assert_true(asprintf(&manifest, "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\"},\"layers\":[{},{}]}", expect) > 0);
        assert_int_equal(image_commit(f->graph, mdigest, manifest, config, tags, id, &error), 0);
        assert_string_equal(id, expect);

        /* every way to name it */
        const char *names[] = {
                "127.0.0.1:5000/library/busybox:latest",
                "docker.io/library/busybox:1",
                "busybox:1",
                "127.0.0.1:5000/library/busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111",
                "docker.io/library/busybox@sha256:1111111111111111111111111111111111111111111111111111111111111111",
                expect,
                expect + strlen(DIGEST_PREFIX),
        };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                assert_int_equal(image_resolve(f->graph, names[i], found, &error), 0);
                assert_string_equal(found, expect);
        }
        snprintf(prefix, sizeof prefix, "%.10s", expect + strlen(DIGEST_PREFIX));
        assert_int_equal(image_resolve(f->graph, prefix, found, &error), 0);
        assert_string_equal(found, expect);

        assert_true(image_resolve(f->graph, "busybox:2", found, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_NO_SUCH_IMAGE);
        assert_string_equal(error.message, "No such image: busybox:2");
        sd_bus_error_free(&error);

        assert_int_equal(image_read_config(f->graph, expect, &got), 0);
        assert_string_equal(got, config);

        assert_int_equal(image_list(f->graph, &list, &n), 0);
        assert_int_equal(n, 1);
        assert_string_equal(list[0].id, expect);
        assert_int_equal(strv_length(list[0].tags), 2);
        assert_string_equal(list[0].tags[0], "127.0.0.1:5000/library/busybox:latest");
        assert_string_equal(list[0].tags[1], "docker.io/library/busybox:1");
        assert_int_equal(strv_length(list[0].digests), 2);
        assert_int_equal(list[0].created, 1704164645);
        assert_int_equal(list[0].size, 123);
        assert_int_equal(strv_length(list[0].layers), 2);
        assert_string_equal(list[0].layers[1], c2);
        images_free(list, n);
}

static void test_ambiguous_prefix(void **state) {
        Fixture *f = *state;
        char d[DIGEST_STRING_MAX], c[DIGEST_STRING_MAX], id[DIGEST_STRING_MAX], first[20][DIGEST_STRING_MAX];
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char prefix[2] = {};

        diff_of("base", d);
        make_layer(f, NULL, d, 1, c);
        /* 17 images: two share a first hex digit */
        for (int i = 0; i < 17 && !prefix[0]; i++) {
                _cleanup_(freep) char *config = NULL;
                char extra[16];

                snprintf(extra, sizeof extra, "%d", i);
                config = config_for(d, NULL, extra);
                assert_int_equal(image_commit(f->graph, "", "", config, NULL, id, &error), 0);
                strcpy(first[i], id);
                for (int j = 0; j < i; j++)
                        if (first[j][7] == id[7])
                                prefix[0] = id[7];
        }
        assert_true(prefix[0] != 0);
        assert_true(image_resolve(f->graph, prefix, id, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_AMBIGUOUS);
        sd_bus_error_free(&error);
        assert_true(image_resolve(f->graph, "sha256:0000000000000000000000000000000000000000000000000000000000000000", id, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_NO_SUCH_IMAGE);
        sd_bus_error_free(&error);
}

static void write_container_ref(Fixture *f, const char *cid, const char *image, const char *layer) {
        _cleanup_(freep) char *dir = NULL, *p = NULL, *json = NULL;

        dir = path_join(f->graph->containers, cid);
        assert_int_equal(mkdir_p(dir, 0755), 0);
        p = path_join(dir, "rootfs.json");
        assert_true(asprintf(&json, "{\"container_id\":\"%s\",\"image_id\":\"%s\",\"layers\":[\"%s\"]}",
                             cid, image, layer) > 0);
        assert_int_equal(write_file_atomic(p, json, strlen(json), 0644), 0);
}

static void test_remove(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *ca = NULL, *cb = NULL;
        _cleanup_(strv_freep) char **m = NULL;
        char d1[DIGEST_STRING_MAX], d2[DIGEST_STRING_MAX], d3[DIGEST_STRING_MAX];
        char c1[DIGEST_STRING_MAX], c2[DIGEST_STRING_MAX], c3[DIGEST_STRING_MAX];
        char a[DIGEST_STRING_MAX], b[DIGEST_STRING_MAX], found[DIGEST_STRING_MAX];
        sd_bus_error error = SD_BUS_ERROR_NULL;
        char *tags_a[] = { (char *) "127.0.0.1:5000/a:latest", (char *) "127.0.0.1:5000/a:v1", NULL };
        char *tags_b[] = { (char *) "127.0.0.1:5000/b:latest", NULL };
        const char *cid = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

        /* a = base + top_a, b = base + top_b: they share the base layer */
        diff_of("base", d1);
        diff_of("top a", d2);
        diff_of("top b", d3);
        make_layer(f, NULL, d1, 1, c1);
        make_layer(f, c1, d2, 1, c2);
        make_layer(f, c1, d3, 1, c3);
        ca = config_for(d1, d2, "a");
        cb = config_for(d1, d3, "b");
        assert_int_equal(image_commit(f->graph, "", "", ca, tags_a, a, &error), 0);
        assert_int_equal(image_commit(f->graph, "", "", cb, tags_b, b, &error), 0);

        /* an id with two tags needs force */
        assert_true(image_remove(f->graph, a, false, &m, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_IMAGE_IN_USE);
        assert_non_null(strstr(error.message, "referenced in multiple repositories"));
        sd_bus_error_free(&error);

        /* untag one: the image stays */
        assert_int_equal(image_remove(f->graph, "127.0.0.1:5000/a:v1", false, &m, &error), 0);
        assert_int_equal(strv_length(m), 1);
        assert_string_equal(m[0], "Untagged: 127.0.0.1:5000/a:v1");
        strv_free(TAKE_PTR(m));
        assert_int_equal(image_resolve(f->graph, a, found, &error), 0);

        /* a container uses a: its last tag cannot go without force */
        write_container_ref(f, cid, a, c2);
        assert_true(image_remove(f->graph, "127.0.0.1:5000/a:latest", false, &m, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_IMAGE_IN_USE);
        assert_non_null(strstr(error.message, "is using its referenced image"));
        sd_bus_error_free(&error);
        /* forced: untagged, but image and layers stay for the container */
        assert_int_equal(image_remove(f->graph, "127.0.0.1:5000/a:latest", true, &m, &error), 0);
        assert_int_equal(strv_length(m), 1);
        strv_free(TAKE_PTR(m));
        assert_int_equal(image_resolve(f->graph, a, found, &error), 0);
        assert_true(layer_exists(f->graph, c2));

        /* container gone: removing by id deletes a and its own top layer only */
        _cleanup_(freep) char *cdir = path_join(f->graph->containers, cid);
        assert_int_equal(rm_rf(cdir), 0);
        assert_int_equal(image_remove(f->graph, a + 7, false, &m, &error), 0);
        assert_int_equal(strv_length(m), 2);
        assert_string_equal(m[0] + strlen("Deleted: "), a);
        assert_string_equal(m[1] + strlen("Deleted: "), c2);
        strv_free(TAKE_PTR(m));
        assert_false(layer_exists(f->graph, c2));
        assert_true(layer_exists(f->graph, c1));
        assert_true(image_resolve(f->graph, a, found, &error) < 0);
        sd_bus_error_free(&error);

        /* b by its last tag: untag, delete image, then both its layers */
        assert_int_equal(image_remove(f->graph, "127.0.0.1:5000/b:latest", false, &m, &error), 0);
        assert_int_equal(strv_length(m), 4);
        assert_string_equal(m[0], "Untagged: 127.0.0.1:5000/b:latest");
        assert_string_equal(m[1] + strlen("Deleted: "), b);
        assert_string_equal(m[2] + strlen("Deleted: "), c3);
        assert_string_equal(m[3] + strlen("Deleted: "), c1);
        assert_false(layer_exists(f->graph, c1));

        assert_true(image_remove(f->graph, "127.0.0.1:5000/b:latest", false, &m, &error) < 0);
        assert_string_equal(error.name, WHARF_ERROR_NO_SUCH_IMAGE);
        sd_bus_error_free(&error);
}

static void test_limits_parse(void **state) {
        GraphLimits l = { .max_decompression_ratio = 200, .decompression_ratio_floor = 64, .max_layers = 128 };

        graph_limits_parse("# comment\n max_layers = 3 # three\nmax_decompression_ratio=10\n"
                           "decompression_ratio_floor = 0\nbogus = 1\n", &l);
        assert_int_equal(l.max_layers, 3);
        assert_int_equal(l.max_decompression_ratio, 10);
        assert_int_equal(l.decompression_ratio_floor, 0);
        /* bad values leave what was there */
        graph_limits_parse("max_layers = -1\nmax_layers = 0\nmax_decompression_ratio = x\n", &l);
        assert_int_equal(l.max_layers, 3);
        assert_int_equal(l.max_decompression_ratio, 10);
}

/* blobs live as long as a layer or image refers to them; generated
 * manifests name the stored blobs; tag, history, prune */
static void test_blobs_tag_prune(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *c1 = NULL, *c2 = NULL, *manifest = NULL, *json = NULL;
        _cleanup_(strv_freep) char **messages = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char d1[DIGEST_STRING_MAX], d2[DIGEST_STRING_MAX], ch1[DIGEST_STRING_MAX], ch2[DIGEST_STRING_MAX];
        char id1[DIGEST_STRING_MAX], id2[DIGEST_STRING_MAX], b[DIGEST_STRING_MAX], md[DIGEST_STRING_MAX];
        HistoryRow *rows = NULL;
        size_t n_rows;
        uint64_t reclaimed = 0;
        DiskUsage du;

        diff_of("one", d1);
        diff_of("two", d2);
        make_layer(f, NULL, d1, 100, ch1);
        make_layer(f, ch1, d2, 20, ch2);
        assert_int_equal(blob_write(f->graph, "one", 3, b), 0);
        assert_string_equal(b, d1);
        assert_int_equal(blob_write(f->graph, "two", 3, b), 0);

        c1 = config_for(d1, NULL, "a");
        c2 = config_for(d1, d2, "b");
        assert_int_equal(image_commit(f->graph, "", "", c1, STRV_MAKE("example.com/a:1"), id1, &error), 0);
        assert_int_equal(image_commit(f->graph, "", "", c2, STRV_MAKE("example.com/b:1"), id2, &error), 0);
        assert_true(blob_exists(f->graph, id1));
        assert_true(blob_exists(f->graph, id2));

        /* a generated manifest over the stored layer blobs, itself stored */
        assert_int_equal(image_manifest_get(f->graph, id2, &manifest, md), 0);
        assert_non_null(strstr(manifest, d1));
        assert_non_null(strstr(manifest, d2));
        assert_non_null(strstr(manifest, id2));
        assert_true(blob_exists(f->graph, md));
        assert_int_equal(blob_in_use(f->graph, md), 1);
        assert_int_equal(blob_gc(f->graph), 0);

        assert_int_equal(image_tag(f->graph, id1, "example.com/a:2", &error), 0);
        assert_true(image_tag(f->graph, id1, "UPPER/x", &error) < 0);
        sd_bus_error_free(&error);

        assert_int_equal(image_history(f->graph, id2, &rows, &n_rows), 0);
        assert_int_equal(n_rows, 2);
        assert_string_equal(rows[0].id, id2);
        assert_int_equal(rows[0].size, 20);
        assert_string_equal(rows[1].id, "<missing>");
        history_rows_free(rows, n_rows);

        assert_int_equal(image_inspect_json(f->graph, id1, &json), 0);
        assert_non_null(strstr(json, "\"RepoTags\":[\"example.com/a:1\",\"example.com/a:2\"]"));
        assert_non_null(strstr(json, "\"RootFS\":{\"Type\":\"layers\""));

        assert_int_equal(image_disk_usage(f->graph, STRV_MAKE(id1), &du), 0);
        assert_int_equal(du.images, 2);
        assert_int_equal(du.active, 1);
        assert_int_equal(du.size, 120);
        assert_int_equal(du.reclaimable, 20);

        /* nothing dangling: prune keeps both; -a with id1 in use removes id2 only */
        assert_int_equal(image_prune(f->graph, false, NULL, &messages, &reclaimed), 0);
        assert_null(messages ? messages[0] : NULL);
        strv_free(TAKE_PTR(messages));
        assert_int_equal(image_prune(f->graph, true, STRV_MAKE(id1), &messages, &reclaimed), 0);
        assert_true(strv_contains(messages, "Untagged: example.com/b:1"));
        assert_int_equal(reclaimed, 20);
        assert_true(layer_exists(f->graph, ch1));
        assert_false(layer_exists(f->graph, ch2));
        /* the blobs went with what referred to them, the shared one stayed */
        assert_false(blob_exists(f->graph, id2));
        assert_false(blob_exists(f->graph, d2));
        assert_false(blob_exists(f->graph, md));
        assert_true(blob_exists(f->graph, d1));
        assert_true(blob_exists(f->graph, id1));

        /* an orphan blob (a crash before its layer was published) is collected */
        assert_int_equal(blob_write(f->graph, "orphan", 6, b), 0);
        assert_int_equal(blob_gc(f->graph), 1);
        assert_false(blob_exists(f->graph, b));
}

static void test_too_many_layers(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *c = NULL, *conf = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char d1[DIGEST_STRING_MAX], d2[DIGEST_STRING_MAX], ch[DIGEST_STRING_MAX], id[DIGEST_STRING_MAX];

        diff_of("one", d1);
        diff_of("two", d2);
        make_layer(f, NULL, d1, 1, ch);
        conf = path_join(f->graph->root, "limits.conf");
        assert_int_equal(write_file_atomic(conf, "max_layers = 1\n", 15, 0644), 0);
        c = config_for(d1, d2, "x");
        assert_true(image_commit(f->graph, "", "", c, NULL, id, &error) < 0);
        assert_string_equal(error.message, "image has 2 layers, more than the limit of 1");
}

/* Markers of an earlier boot drop their layers and the images that needed
 * them; markers of this boot only go (store-sync.h). */
static void test_sync_recover(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *c_one = NULL, *c_two = NULL, *m_one = NULL, *m_two = NULL;
        _cleanup_(freep) char *old = NULL, *p = NULL, *marker = NULL, *mine = NULL;
        char d1[DIGEST_STRING_MAX], d2[DIGEST_STRING_MAX], c1[DIGEST_STRING_MAX], c2[DIGEST_STRING_MAX];
        char id1[DIGEST_STRING_MAX], id2[DIGEST_STRING_MAX], found[DIGEST_STRING_MAX];
        sd_bus_error error = SD_BUS_ERROR_NULL;

        diff_of("synced layer", d1);
        diff_of("lost layer", d2);
        make_layer(f, NULL, d1, 10, c1);
        make_layer(f, c1, d2, 10, c2);
        c_one = config_for(d1, NULL, "one");
        c_two = config_for(d1, d2, "two");
        assert_int_equal(image_commit(f->graph, "", "", c_one, STRV_MAKE("one:latest"), id1, &error), 0);
        assert_int_equal(image_commit(f->graph, "", "", c_two, STRV_MAKE("two:latest"), id2, &error), 0);

        /* nothing marked: nothing to do */
        assert_int_equal(store_sync_recover(f->graph), 0);

        /* a marker of this boot: the layer stays, the marker goes */
        assert_int_equal(store_sync_mark(f->graph, STORE_SYNC_LAYER, c1, &mine), 0);
        assert_int_equal(access(f->graph->unsynced, F_OK), 0);
        assert_int_equal(store_sync_recover(f->graph), 0);
        assert_true(layer_exists(f->graph, c1));
        assert_int_equal(access(f->graph->unsynced, F_OK), -1);

        /* the top layer marked in an earlier boot, with a blob and junk */
        assert_true(asprintf(&old, "%s/graph/unsynced/00000000-0000-0000-0000-000000000000", f->dir) > 0);
        assert_int_equal(mkdir_p(old, 0700), 0);
        assert_true(asprintf(&marker, "%s/layer-%s", old, c2 + strlen(DIGEST_PREFIX)) > 0);
        assert_int_equal(write_file_atomic(marker, "", 0, 0600), 0);
        free(marker);
        assert_true(asprintf(&marker, "%s/blob-%s", old, d2 + strlen(DIGEST_PREFIX)) > 0);
        assert_int_equal(write_file_atomic(marker, "", 0, 0600), 0);
        free(marker);
        assert_true(asprintf(&marker, "%s/layer-nothex", old) > 0);
        assert_int_equal(write_file_atomic(marker, "", 0, 0600), 0);

        assert_int_equal(store_sync_recover(f->graph), 1);
        assert_false(layer_exists(f->graph, c2));
        assert_true(layer_exists(f->graph, c1));
        assert_true(image_resolve(f->graph, "two:latest", found, &error) < 0);
        sd_bus_error_free(&error);
        assert_true(image_resolve(f->graph, id2, found, &error) < 0);
        sd_bus_error_free(&error);
        assert_int_equal(image_resolve(f->graph, "one:latest", found, &error), 0);
        assert_string_equal(found, id1);
        assert_int_equal(access(old, F_OK), -1);
        assert_int_equal(store_sync_recover(f->graph), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_rfc3339),
                cmocka_unit_test_setup_teardown(test_tmp_emptied, setup, teardown),
                cmocka_unit_test_setup_teardown(test_publish_race, setup, teardown),
                cmocka_unit_test_setup_teardown(test_commit_and_lookup, setup, teardown),
                cmocka_unit_test_setup_teardown(test_ambiguous_prefix, setup, teardown),
                cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
                cmocka_unit_test(test_limits_parse),
                cmocka_unit_test_setup_teardown(test_blobs_tag_prune, setup, teardown),
                cmocka_unit_test_setup_teardown(test_too_many_layers, setup, teardown),
                cmocka_unit_test_setup_teardown(test_sync_recover, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
