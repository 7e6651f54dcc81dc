/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "digest.h"
#include "macro.h"
#include "manifest.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define U1 "sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define U2 "sha256:bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static const char *manifest2 =
        "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
        "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":10,\"digest\":\"" D1 "\"},"
        "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":1234,\"digest\":\"" D1 "\"},"
        "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"size\":5,\"digest\":\"" D2 "\"}]}";

static const char *config2 =
        "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" U1 "\",\"" U2 "\"]}}";

static void test_parse(void **state) {
        ManifestLayer *l = NULL;
        size_t n = 0;
        char chain[DIGEST_STRING_MAX];

        assert_int_equal(manifest_parse_layers(manifest2, config2, &l, &n, NULL), 0);
        assert_int_equal(n, 2);
        assert_string_equal(l[0].digest, D1);
        assert_string_equal(l[0].media_type, "application/vnd.docker.image.rootfs.diff.tar.gzip");
        assert_int_equal(l[0].size, 1234);
        assert_string_equal(l[0].diff_id, U1);
        /* chain(L0) = diff_id0 */
        assert_string_equal(l[0].chain_id, U1);
        assert_string_equal(l[0].parent_chain_id, "");
        assert_string_equal(l[1].media_type, "application/vnd.oci.image.layer.v1.tar");
        assert_int_equal(l[1].size, 5);
        assert_string_equal(l[1].parent_chain_id, U1);
        /* chain(L1) = sha256(chain(L0) + " " + diff_id1) */
        assert_int_equal(sha256_digest(U1 " " U2, strlen(U1 " " U2), chain), 0);
        assert_string_equal(l[1].chain_id, chain);
        manifest_layers_free(l, n);
}

static void expect_error(const char *manifest, const char *config, const char *needle) {
        _cleanup_(freep) char *error = NULL;
        ManifestLayer *l = NULL;
        size_t n = 0;

        assert_int_equal(manifest_parse_layers(manifest, config, &l, &n, &error), -EBADMSG);
        assert_non_null(error);
        if (!strstr(error, needle))
                fail_msg("error \"%s\" does not contain \"%s\"", error, needle);
        assert_null(l);
}

static void test_errors(void **state) {
        expect_error("nope", config2, "not a JSON object");
        expect_error("{\"schemaVersion\":1,\"layers\":[]}", config2, "schemaVersion");
        expect_error("{\"schemaVersion\":2}", config2, "no layers");
        expect_error(manifest2, "{}", "diff_ids");
        expect_error(manifest2, "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" U1 "\"]}}",
                     "2 layers in the manifest but 1 diff_ids");
        expect_error("{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"x\",\"size\":1,\"digest\":\"md5:00\"}]}",
                     "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" U1 "\"]}}", "digest");
        expect_error("{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"x\",\"size\":-1,\"digest\":\"" D1 "\"}]}",
                     "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" U1 "\"]}}", "size");
        expect_error("{\"schemaVersion\":2,\"layers\":[{\"size\":1,\"digest\":\"" D1 "\"}]}",
                     "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" U1 "\"]}}", "mediaType");
        expect_error("{\"schemaVersion\":2,\"layers\":[{\"mediaType\":\"x\",\"size\":1,\"digest\":\"" D1 "\"}]}",
                     "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:zz\"]}}", "diff_id 0");
        expect_error("{\"schemaVersion\":2,\"layers\":[]}", "{\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}",
                     "no layers");
}

static void test_layer_count(void **state) {
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(manifest_check_layer_count(128, 128, &error), 0);
        assert_null(error);
        assert_int_equal(manifest_check_layer_count(3, 2, &error), -EBADMSG);
        assert_string_equal(error, "image has 3 layers, more than the limit of 2");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_layer_count),
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_errors),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
