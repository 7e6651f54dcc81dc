/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "digest.h"
#include "macro.h"

static void test_known(void **state) {
        char d[DIGEST_STRING_MAX];

        assert_int_equal(sha256_digest("", 0, d), 0);
        assert_string_equal(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_int_equal(sha256_digest("abc", 3, d), 0);
        assert_string_equal(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_streaming_equals_oneshot(void **state) {
        _cleanup_(sha256_freep) Sha256 *s = NULL;
        char a[DIGEST_STRING_MAX], b[DIGEST_STRING_MAX];
        const char *text = "hello, streaming world";

        assert_int_equal(sha256_new(&s), 0);
        for (const char *p = text; *p; p++)
                assert_int_equal(sha256_update(s, p, 1), 0);
        assert_int_equal(sha256_final(s, a), 0);
        assert_int_equal(sha256_digest(text, strlen(text), b), 0);
        assert_string_equal(a, b);
}

static void test_validity(void **state) {
        assert_true(digest_is_valid("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_false(digest_is_valid("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"));
        assert_false(digest_is_valid("sha256:e3b0"));
        assert_false(digest_is_valid("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_false(digest_is_valid("sha256:../../../../etc/passwd/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
        assert_false(digest_is_valid(NULL));
}

static void test_chain_id(void **state) {
        char c[DIGEST_STRING_MAX], expect[DIGEST_STRING_MAX];
        const char *d0 = "sha256:1111111111111111111111111111111111111111111111111111111111111111";
        const char *d1 = "sha256:2222222222222222222222222222222222222222222222222222222222222222";
        char buf[256];

        assert_int_equal(chain_id(NULL, d0, c), 0);
        assert_string_equal(c, d0);
        assert_int_equal(chain_id(d0, d1, c), 0);
        snprintf(buf, sizeof buf, "%s %s", d0, d1);
        assert_int_equal(sha256_digest(buf, strlen(buf), expect), 0);
        assert_string_equal(c, expect);
        assert_int_equal(chain_id(d0, "sha256:bad", c), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_known),
                cmocka_unit_test(test_streaming_equals_oneshot),
                cmocka_unit_test(test_validity),
                cmocka_unit_test(test_chain_id),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
