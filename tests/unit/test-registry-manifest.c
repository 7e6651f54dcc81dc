/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "macro.h"
#include "manifest.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"
#define D4 "sha256:4444444444444444444444444444444444444444444444444444444444444444"

static const char schema2[] =
        "{\"schemaVersion\":2,"
        "\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":1469,\"digest\":\"" D1 "\"},"
        "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":2479,\"digest\":\"" D2 "\"},"
        "{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":77,\"digest\":\"" D3 "\"}]}\n";

/* OCI may omit mediaType in the body; Content-Type then tells */
static const char oci[] =
        "{\"schemaVersion\":2,"
        "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"size\":10,\"digest\":\"" D1 "\"},"
        "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"size\":20,\"digest\":\"" D2 "\"}]}";

static const char list[] =
        "{\"schemaVersion\":2,"
        "\"mediaType\":\"application/vnd.docker.distribution.manifest.list.v2+json\","
        "\"manifests\":["
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":527,\"digest\":\"" D1 "\","
        " \"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}},"
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":528,\"digest\":\"" D2 "\","
        " \"platform\":{\"architecture\":\"arm\",\"os\":\"linux\",\"variant\":\"v7\"}},"
        "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"size\":529,\"digest\":\"" D3 "\","
        " \"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}"
        "]}";

/* buildkit-style index: an attestation entry with platform unknown/unknown first */
static const char oci_index[] =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":5,\"digest\":\"" D4 "\","
        " \"platform\":{\"architecture\":\"unknown\",\"os\":\"unknown\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"size\":6,\"digest\":\"" D2 "\","
        " \"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
        "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"size\":7,\"digest\":\"" D1 "\","
        " \"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}"
        "]}";

static int parse(const char *s, const char *ct, Manifest *m, char **why) {
        return manifest_parse(s, strlen(s), ct, m, why);
}

static void test_schema2(void **state) {
        _cleanup_(manifest_done) Manifest m = {};

        assert_int_equal(parse(schema2, MEDIA_TYPE_DOCKER_MANIFEST, &m, NULL), 0);
        assert_int_equal(m.kind, MANIFEST_IMAGE);
        assert_string_equal(m.media_type, MEDIA_TYPE_DOCKER_MANIFEST);
        assert_string_equal(m.config.digest, D1);
        assert_int_equal(m.config.size, 1469);
        assert_int_equal(m.n_layers, 2);
        assert_string_equal(m.layers[0].digest, D2);
        assert_int_equal(m.layers[0].size, 2479);
        assert_string_equal(m.layers[1].digest, D3);
        assert_string_equal(m.layers[1].media_type, "application/vnd.docker.image.rootfs.diff.tar.gzip");
}

static void test_oci(void **state) {
        _cleanup_(manifest_done) Manifest m = {}, m2 = {};

        assert_int_equal(parse(oci, MEDIA_TYPE_OCI_MANIFEST "; charset=utf-8", &m, NULL), 0);
        assert_int_equal(m.kind, MANIFEST_IMAGE);
        assert_string_equal(m.media_type, MEDIA_TYPE_OCI_MANIFEST);
        assert_int_equal(m.n_layers, 1);
        /* no hints at all: recognised by shape */
        assert_int_equal(parse(oci, NULL, &m2, NULL), 0);
        assert_int_equal(m2.kind, MANIFEST_IMAGE);
}

static void test_list_platforms(void **state) {
        _cleanup_(manifest_done) Manifest m = {};
        const Descriptor *d;
        Platform p;

        assert_int_equal(parse(list, "application/json", &m, NULL), 0);
        assert_int_equal(m.kind, MANIFEST_INDEX);
        assert_int_equal(m.n_manifests, 3);

        /* the host here is linux/amd64 */
        assert_int_equal(platform_parse("", &p), 0);
#if defined(__x86_64__)
        assert_string_equal(p.architecture, "amd64");
        assert_int_equal(manifest_select_platform(&m, &p, &d), 0);
        assert_string_equal(d->digest, D3);
#endif
        assert_string_equal(p.os, "linux");

        assert_int_equal(platform_parse("linux/arm64", &p), 0);
        assert_int_equal(manifest_select_platform(&m, &p, &d), 0);
        assert_string_equal(d->digest, D1);
        assert_int_equal(platform_parse("linux/arm64/v8", &p), 0);
        assert_int_equal(manifest_select_platform(&m, &p, &d), 0);
        assert_string_equal(d->digest, D1);

        assert_int_equal(platform_parse("linux/arm/v7", &p), 0);
        assert_int_equal(manifest_select_platform(&m, &p, &d), 0);
        assert_string_equal(d->digest, D2);
        assert_int_equal(platform_parse("linux/arm/v6", &p), 0);
        assert_int_equal(manifest_select_platform(&m, &p, &d), -ENOENT);
        assert_int_equal(platform_parse("windows/amd64", &p), 0);
        assert_int_equal(manifest_select_platform(&m, &p, &d), -ENOENT);
        assert_int_equal(platform_parse("linux/s390x", &p), 0);
        assert_int_equal(manifest_select_platform(&m, &p, &d), -ENOENT);
}

static void test_oci_index_skips_attestations(void **state) {
        _cleanup_(manifest_done) Manifest m = {};
        const Descriptor *d;
        Platform p;

        assert_int_equal(parse(oci_index, NULL, &m, NULL), 0);
        assert_int_equal(m.kind, MANIFEST_INDEX);
        assert_int_equal(platform_parse("linux/amd64", &p), 0);
        assert_int_equal(manifest_select_platform(&m, &p, &d), 0);
        /* not the nested index at [1] */
        assert_string_equal(d->digest, D1);
}

static void test_platform_parse(void **state) {
        Platform p;
        char buf[100];

        assert_int_equal(platform_parse("linux/arm64/v8", &p), 0);
        assert_string_equal(platform_format(&p, buf, sizeof buf), "linux/arm64/v8");
        assert_int_equal(platform_parse("linux/amd64", &p), 0);
        assert_string_equal(platform_format(&p, buf, sizeof buf), "linux/amd64");
        assert_int_equal(platform_parse("linux", &p), -EINVAL);
        assert_int_equal(platform_parse("linux/", &p), -EINVAL);
        assert_int_equal(platform_parse("/amd64", &p), -EINVAL);
        assert_int_equal(platform_parse("linux/amd64/v1/x", &p), -EINVAL);
        assert_int_equal(platform_parse("Linux/AMD64", &p), -EINVAL);
}

static void test_schema1_refused(void **state) {
        _cleanup_(manifest_done) Manifest m = {};
        _cleanup_(freep) char *why = NULL, *why2 = NULL;
        const char s1[] = "{\"schemaVersion\":1,\"name\":\"library/x\",\"tag\":\"latest\",\"fsLayers\":[]}";

        assert_int_equal(parse(s1, "application/json", &m, &why), -EPROTONOSUPPORT);
        assert_string_equal(why, "schema1 manifests are not supported");
        /* by content type alone, even with a body we cannot read */
        assert_int_equal(parse("garbage", MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED, &m, &why2), -EPROTONOSUPPORT);
        assert_string_equal(why2, "schema1 manifests are not supported");
}

static void test_invalid_json(void **state) {
        _cleanup_(manifest_done) Manifest m = {};
        const char *bad[] = {
                "",
                "{",
                "{\"schemaVersion\":2,}",
                "[1,2,3]",
                "{\"schemaVersion\":2} trailing",
                "\"just a string\"",
                "{\"schemaVersion\":2,\"config\":{} }}",
        };

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(freep) char *why = NULL;
                assert_int_equal(parse(bad[i], MEDIA_TYPE_DOCKER_MANIFEST, &m, &why), -EBADMSG);
                assert_non_null(why);
        }

        /* a NUL inside and invalid UTF-8 cannot go on the bus */
        const char nul[] = "{\"schemaVersion\":2,\"x\":\"a\0b\"}";
        assert_int_equal(manifest_parse(nul, sizeof nul - 1, NULL, &m, NULL), -EBADMSG);
        const char utf8[] = "{\"schemaVersion\":2,\"x\":\"\xff\xfe\"}";
        assert_int_equal(manifest_parse(utf8, sizeof utf8 - 1, NULL, &m, NULL), -EBADMSG);
}

static void test_missing_fields(void **state) {
        static const struct {
                const char *json;
                const char *why;
        } cases[] = {
                { "{\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\"}", "manifest has no valid schemaVersion" },
                { "{\"schemaVersion\":3}", "unsupported manifest schemaVersion 3" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\",\"layers\":[]}",
                  "manifest has no config" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
                  "\"config\":{\"size\":1,\"digest\":\"" D1 "\"}}", "manifest has no \"layers\" array" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
                  "\"config\":{\"size\":1},\"layers\":[]}", "config has no digest" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
                  "\"config\":{\"digest\":\"" D1 "\"},\"layers\":[]}", "config has no size" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
                  "\"config\":{\"size\":-5,\"digest\":\"" D1 "\"},\"layers\":[]}", "config has an invalid size" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
                  "\"config\":{\"size\":\"12\",\"digest\":\"" D1 "\"},\"layers\":[]}", "config has an invalid size" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
                  "\"config\":{\"size\":1,\"digest\":\"" D1 "\"},\"layers\":[{\"size\":1,\"digest\":\"md5:abc\"}]}",
                  "layers[0] has an unsupported or invalid digest \"md5:abc\"" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
                  "\"config\":{\"size\":1,\"digest\":\"" D1 "\"},\"layers\":[7]}", "layers[0] is not an object" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX "\"}", "manifest has no \"manifests\" array" },
                { "{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_OCI_INDEX "\",\"manifests\":[{\"size\":1}]}",
                  "manifests[0] has no digest" },
                { "{\"schemaVersion\":2,\"mediaType\":\"text/html\"}", "unsupported manifest media type \"text/html\"" },
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(manifest_done) Manifest m = {};
                _cleanup_(freep) char *why = NULL;

                assert_int_equal(parse(cases[i].json, NULL, &m, &why), -EBADMSG);
                assert_string_equal(why, cases[i].why);
        }
}

static void test_oversized(void **state) {
        _cleanup_(manifest_done) Manifest m = {};
        _cleanup_(freep) char *big = NULL, *why = NULL;
        size_t n = MANIFEST_SIZE_MAX + 1;

        /* valid JSON padded with whitespace, one byte over the cap */
        big = malloc(n);
        assert_non_null(big);
        memset(big, ' ', n);
        memcpy(big, schema2, sizeof schema2 - 1);
        assert_int_equal(manifest_parse(big, n, MEDIA_TYPE_DOCKER_MANIFEST, &m, &why), -EFBIG);
        assert_non_null(strstr(why, "too large"));
        /* exactly at the cap is fine */
        assert_int_equal(manifest_parse(big, n - 1, MEDIA_TYPE_DOCKER_MANIFEST, &m, NULL), 0);
}

static void test_too_many_layers(void **state) {
        _cleanup_(manifest_done) Manifest m = {};
        _cleanup_(freep) char *s = NULL, *why = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&s, &len);

        assert_non_null(f);
        fputs("{\"schemaVersion\":2,\"mediaType\":\"" MEDIA_TYPE_DOCKER_MANIFEST "\","
              "\"config\":{\"size\":1,\"digest\":\"" D1 "\"},\"layers\":[", f);
        for (unsigned i = 0; i <= MANIFEST_LAYERS_MAX; i++)
                fprintf(f, "%s{\"size\":1,\"digest\":\"" D2 "\"}", i ? "," : "");
        fputs("]}", f);
        fclose(f);
        assert_int_equal(manifest_parse(s, len, NULL, &m, &why), -EBADMSG);
        assert_non_null(strstr(why, "too many layers"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_schema2),
                cmocka_unit_test(test_oci),
                cmocka_unit_test(test_list_platforms),
                cmocka_unit_test(test_oci_index_skips_attestations),
                cmocka_unit_test(test_platform_parse),
                cmocka_unit_test(test_schema1_refused),
                cmocka_unit_test(test_invalid_json),
                cmocka_unit_test(test_missing_fields),
                cmocka_unit_test(test_oversized),
                cmocka_unit_test(test_too_many_layers),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
