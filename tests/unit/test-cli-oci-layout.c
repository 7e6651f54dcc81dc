/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "oci-layout.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define E(d, name) "{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" d "\",\"size\":3" \
        ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" name "\"}}"

static const char *two = "{\"schemaVersion\":2,\"manifests\":[" E(D1, "tagA") "," E(D2, "tagB") "]}";

static void test_parse(void **state) {
        _cleanup_(freep) char *dir = NULL, *tag = NULL;

        assert_int_equal(oci_layout_parse("/tmp/x:tagB", &dir, &tag), 0);
        assert_string_equal(dir, "/tmp/x");
        assert_string_equal(tag, "tagB");
        free(dir), free(tag);
        /* skopeo splits at the first colon: the tag may be a full reference */
        assert_int_equal(oci_layout_parse("d:docker.io/a/b:v3", &dir, &tag), 0);
        assert_string_equal(dir, "d");
        assert_string_equal(tag, "docker.io/a/b:v3");
        free(dir), free(tag);
        assert_int_equal(oci_layout_parse("d", &dir, &tag), 0);
        assert_string_equal(dir, "d");
        assert_null(tag);
        free(dir);
        dir = tag = NULL;
        assert_int_equal(oci_layout_parse(":x", &dir, &tag), -EINVAL);
        assert_int_equal(oci_layout_parse("d:", &dir, &tag), -EINVAL);
}

static void test_select(void **state) {
        _cleanup_(freep) char *out = NULL, *error = NULL;

        assert_int_equal(oci_index_select_tag(two, "tagB", "oci:d", &out, NULL), 0);
        assert_non_null(strstr(out, D2));
        assert_null(strstr(out, D1));
        free(out), out = NULL;
        assert_int_equal(oci_index_select_tag(two, NULL, "oci:d", &out, &error), -EBADMSG);
        assert_string_equal(error, "oci:d holds 2 images: choose one with oci:DIR:TAG");
        free(error), error = NULL;
        assert_int_equal(oci_index_select_tag(two, "nope", "oci:d", &out, &error), -EBADMSG);
        assert_non_null(strstr(error, "no image named \"nope\""));
        free(error), error = NULL;
        assert_int_equal(oci_index_select_tag("{\"schemaVersion\":2,\"manifests\":[" E(D1, "x") "]}", NULL, "oci:d",
                                              &out, NULL), 0);
        assert_non_null(strstr(out, D1));
        free(out), out = NULL;
        assert_int_equal(oci_index_select_tag("[]", NULL, "oci:d", &out, &error), -EBADMSG);
}

static void test_merge(void **state) {
        _cleanup_(freep) char *out = NULL, *out2 = NULL;
        const char *added = "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"m\",\"digest\":\"" D1 "\",\"size\":3,"
                            "\"annotations\":{\"org.opencontainers.image.ref.name\":\"latest\"}}]}";

        /* no layout yet: the saved entry named tag */
        assert_int_equal(oci_index_merge_tag(NULL, added, "t", &out, NULL), 0);
        assert_non_null(strstr(out, "\"org.opencontainers.image.ref.name\":\"t\""));
        assert_null(strstr(out, "latest"));
        /* into a layout: tagB replaced, tagA kept */
        assert_int_equal(oci_index_merge_tag(two, added, "tagB", &out2, NULL), 0);
        assert_null(strstr(out2, D2));
        assert_non_null(strstr(out2, "\"tagA\""));
        assert_non_null(strstr(out2, "\"tagB\""));
        free(out), out = NULL;
        assert_int_equal(oci_index_merge_tag(two, two, "t", &out, NULL), -EBADMSG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse),
                cmocka_unit_test(test_select),
                cmocka_unit_test(test_merge),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
