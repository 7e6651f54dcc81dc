/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "macro.h"
#include "names.h"

static void test_valid(void **state) {
        assert_true(container_name_is_valid("web"));
        assert_true(container_name_is_valid("/web"));
        assert_true(container_name_is_valid("a1"));
        assert_true(container_name_is_valid("My_app.v-2"));
        assert_true(container_name_is_valid("0abc"));
}

static void test_invalid(void **state) {
        assert_false(container_name_is_valid(NULL));
        assert_false(container_name_is_valid(""));
        assert_false(container_name_is_valid("/"));
        assert_false(container_name_is_valid("a"));      /* two characters at least */
        assert_false(container_name_is_valid("_abc"));
        assert_false(container_name_is_valid("-abc"));
        assert_false(container_name_is_valid(".abc"));
        assert_false(container_name_is_valid("a b"));
        assert_false(container_name_is_valid("a/b"));
        assert_false(container_name_is_valid("//ab"));
        assert_false(container_name_is_valid("ab:c"));
}

static void test_generate(void **state) {
        for (unsigned i = 0; i < 200; i++) {
                _cleanup_(freep) char *n = NULL;
                const char *u;

                assert_int_equal(container_name_generate(i % 3, &n), 0);
                assert_true(container_name_is_valid(n));
                u = strchr(n, '_');
                assert_non_null(u);
                assert_true(u > n);
                assert_null(strchr(u + 1, '_'));
                assert_string_not_equal(n, "boring_wozniak");
                /* a retry appends one digit */
                if (i % 3)
                        assert_true(n[strlen(n) - 1] >= '0' && n[strlen(n) - 1] <= '9');
                else
                        assert_false(n[strlen(n) - 1] >= '0' && n[strlen(n) - 1] <= '9');
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),
                cmocka_unit_test(test_invalid),
                cmocka_unit_test(test_generate),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
