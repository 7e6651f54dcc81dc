/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker-archive manifest.json and OCI index.json / manifest generation and
 * parsing, archive path rules, and the load plan's round trip. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>

#include "archive-format.h"
#include "archive-worker.h"
#include "fs-util.h"
#include "macro.h"

#define STRV_MAKE(...) ((char *[]) { __VA_ARGS__, NULL })
#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"

static void test_docker_manifest_round_trip(void **state) {
        DockerArchiveEntry e[] = {
                { .config = (char *) "blobs/sha256/11", .repo_tags = STRV_MAKE("busybox:latest"),
                  .layers = STRV_MAKE("blobs/sha256/aa", "blobs/sha256/bb") },
                { .config = (char *) "x.json", .repo_tags = NULL, .layers = STRV_MAKE("l/layer.tar") },
        };
        _cleanup_(freep) char *json = NULL, *error = NULL;
        DockerArchiveEntry *p = NULL;
        size_t n = 0;

        assert_int_equal(docker_manifest_generate(e, 2, &json), 0);
        assert_string_equal(json, "[{\"Config\":\"blobs/sha256/11\",\"RepoTags\":[\"busybox:latest\"],"
                            "\"Layers\":[\"blobs/sha256/aa\",\"blobs/sha256/bb\"]},"
                            "{\"Config\":\"x.json\",\"RepoTags\":null,\"Layers\":[\"l/layer.tar\"]}]");
        assert_int_equal(docker_manifest_parse(json, &p, &n, &error), 0);
        assert_int_equal(n, 2);
        assert_string_equal(p[0].config, "blobs/sha256/11");
        assert_string_equal(p[0].repo_tags[0], "busybox:latest");
        assert_string_equal(p[0].layers[1], "blobs/sha256/bb");
        assert_null(p[1].repo_tags);
        docker_archive_entries_free(p, n);
}

static void test_docker_manifest_invalid(void **state) {
        const char *bad[] = { "{}", "[]", "[{\"Layers\":[]}]", "[{\"Config\":\"c\",\"Layers\":[1]}]",
                              "[{\"Config\":\"c\"}]", "not json" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(freep) char *error = NULL;
                DockerArchiveEntry *p = NULL;
                size_t n = 0;
                assert_int_equal(docker_manifest_parse(bad[i], &p, &n, &error), -EBADMSG);
                assert_non_null(error);
                assert_non_null(strstr(error, "invalid archive"));
        }
}

static void test_oci_index_round_trip(void **state) {
        OciDescriptor d[] = {
                { .media_type = (char *) "application/vnd.oci.image.manifest.v1+json", .digest = D1, .size = 42,
                  .name = (char *) "127.0.0.1:5000/library/busybox:latest" },
                { .media_type = (char *) "application/vnd.oci.image.manifest.v1+json", .digest = D2, .size = 7 },
        };
        _cleanup_(freep) char *json = NULL, *error = NULL;
        OciDescriptor *p = NULL;
        size_t n = 0;

        assert_int_equal(oci_index_generate(d, 2, &json), 0);
        assert_non_null(strstr(json, "\"io.containerd.image.name\":\"127.0.0.1:5000/library/busybox:latest\""));
        assert_non_null(strstr(json, "\"org.opencontainers.image.ref.name\":\"latest\""));
        assert_int_equal(oci_index_parse(json, &p, &n, &error), 0);
        assert_int_equal(n, 2);
        assert_string_equal(p[0].digest, D1);
        assert_int_equal(p[0].size, 42);
        assert_string_equal(p[0].name, "127.0.0.1:5000/library/busybox:latest");
        assert_null(p[1].name);
        oci_descriptors_free(p, n);
}

static void test_oci_index_bare_ref_name(void **state) {
        /* "latest" alone names no repository: no tag */
        const char *json = "{\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":1,"
                           "\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}";
        _cleanup_(freep) char *error = NULL;
        OciDescriptor *p = NULL;
        size_t n = 0;

        assert_int_equal(oci_index_parse(json, &p, &n, &error), 0);
        assert_null(p[0].name);
        oci_descriptors_free(p, n);
        assert_int_equal(oci_index_parse("{\"manifests\":[{\"digest\":\"sha256:zz\",\"size\":1}]}", &p, &n, &error),
                         -EBADMSG);
}

static void test_oci_nested_index(void **state) {
        const char *idx =
                "{\"schemaVersion\":2,\"manifests\":["
                "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D1 "\",\"size\":5,"
                "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\"}},"
                "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D1 "\",\"size\":6,"
                "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
                "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" D2 "\",\"size\":7,"
                "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}";
        _cleanup_(freep) char *error = NULL;
        OciDescriptor d = {};

        assert_true(oci_is_index(idx));
        assert_false(oci_is_index("{\"schemaVersion\":2,\"layers\":[]}"));
        assert_int_equal(oci_index_select_platform(idx, "linux", "amd64", &d, NULL), 0);
        assert_string_equal(d.digest, D2);
        assert_int_equal(d.size, 7);
        assert_string_equal(d.media_type, "application/vnd.oci.image.manifest.v1+json");
        free(d.media_type);
        d = (OciDescriptor) {};
        assert_int_equal(oci_index_select_platform(idx, "linux", "arm64", &d, NULL), 0);
        assert_string_equal(d.digest, D1);
        assert_int_equal(d.size, 5);
        free(d.media_type);
        assert_int_equal(oci_index_select_platform(idx, "linux", "s390x", &d, &error), -ENOENT);
        assert_string_equal(error, "invalid archive: no image for linux/s390x in a nested image index");
}

static void test_oci_manifest_round_trip(void **state) {
        OciDescriptor config = { .media_type = (char *) "application/vnd.oci.image.config.v1+json", .digest = D1, .size = 3 };
        OciDescriptor layers[] = { { .media_type = (char *) "application/vnd.oci.image.layer.v1.tar", .digest = D2, .size = 10240 } };
        _cleanup_(freep) char *json = NULL, *error = NULL;
        OciDescriptor c = {}, *l = NULL;
        size_t n = 0;

        assert_int_equal(oci_manifest_generate(&config, layers, 1, &json), 0);
        assert_int_equal(oci_manifest_parse(json, &c, &l, &n, &error), 0);
        assert_string_equal(c.digest, D1);
        assert_int_equal(n, 1);
        assert_string_equal(l[0].digest, D2);
        assert_int_equal(l[0].size, 10240);
        assert_string_equal(l[0].media_type, "application/vnd.oci.image.layer.v1.tar");
        free(c.media_type);
        oci_descriptors_free(l, n);
        /* an index where a manifest is expected */
        assert_int_equal(oci_manifest_parse("{\"manifests\":[]}", &c, &l, &n, &error), -EBADMSG);
}

static void test_path_rules(void **state) {
        char d[DIGEST_STRING_MAX];
        char *p;

        assert_int_equal(archive_path_normalize(NULL, "./a//b/./c/", &p), 0);
        assert_string_equal(p, "a/b/c");
        free(p);
        assert_int_equal(archive_path_normalize("x/y", "../z", &p), 0);
        assert_string_equal(p, "x/z");
        free(p);
        assert_int_equal(archive_path_normalize(NULL, "../etc", &p), -EINVAL);
        assert_int_equal(archive_path_normalize("a", "../../etc", &p), -EINVAL);
        assert_int_equal(archive_path_normalize(NULL, "/etc/passwd", &p), -EINVAL);
        assert_int_equal(archive_path_normalize(NULL, ".", &p), -EINVAL);

        assert_int_equal(archive_path_digest("blobs/sha256/" "1111111111111111111111111111111111111111111111111111111111111111", d), 1);
        assert_string_equal(d, D1);
        assert_int_equal(archive_path_digest("2222222222222222222222222222222222222222222222222222222222222222.json", d), 1);
        assert_string_equal(d, D2);
        assert_int_equal(archive_path_digest("abc/layer.tar", d), 0);
        assert_int_equal(archive_path_digest("blobs/sha256/XYZ", d), 0);
}

static void test_config_diff_ids(void **state) {
        _cleanup_(freep) char *error = NULL;
        char **l = NULL;

        assert_int_equal(image_config_diff_ids("{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]}}",
                                               &l, &error), 0);
        assert_int_equal(strv_length(l), 2);
        strv_free(l);
        assert_int_equal(image_config_diff_ids("{\"rootfs\":{\"diff_ids\":[\"sha256:bad\"]}}", &l, &error), -EBADMSG);
}

static void test_plan_round_trip(void **state) {
        char dir[] = "/tmp/test-graph-archive-XXXXXX";
        ArchivePlanLayer layers[] = { { .path = (char *) "/x/f1", .digest = D1, .diff_id = D2,
                                        .media_type = (char *) "application/vnd.docker.image.rootfs.diff.tar", .size = 99 } };
        ArchivePlanImage im = { .config_path = (char *) "/x/f0", .tags = STRV_MAKE("docker.io/library/a:b"),
                                .layers = layers, .n_layers = 1 };
        ArchivePlan p = { .images = &im, .n_images = 1 }, q = {};

        assert_non_null(mkdtemp(dir));
        assert_int_equal(archive_plan_write(&p, dir), 0);
        assert_int_equal(archive_plan_read(dir, &q), 0);
        assert_int_equal(q.n_images, 1);
        assert_string_equal(q.images[0].config_path, "/x/f0");
        assert_string_equal(q.images[0].tags[0], "docker.io/library/a:b");
        assert_int_equal(q.images[0].n_layers, 1);
        assert_string_equal(q.images[0].layers[0].digest, D1);
        assert_string_equal(q.images[0].layers[0].diff_id, D2);
        assert_int_equal(q.images[0].layers[0].size, 99);
        archive_plan_done(&q);
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_docker_manifest_round_trip),
                cmocka_unit_test(test_docker_manifest_invalid),
                cmocka_unit_test(test_oci_index_round_trip),
                cmocka_unit_test(test_oci_index_bare_ref_name),
                cmocka_unit_test(test_oci_nested_index),
                cmocka_unit_test(test_oci_manifest_round_trip),
                cmocka_unit_test(test_path_rules),
                cmocka_unit_test(test_config_diff_ids),
                cmocka_unit_test(test_plan_round_trip),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
