/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fs-util.h"
#include "macro.h"

static void test_atomic_write_and_read(void **state) {
        char dir[] = "/tmp/wharf-test-XXXXXX";
        _cleanup_(freep) char *p = NULL, *sub = NULL, *data = NULL;
        size_t n;

        assert_non_null(mkdtemp(dir));
        sub = path_join(dir, "a/b/c");
        assert_int_equal(mkdir_p(sub, 0755), 0);
        assert_int_equal(mkdir_p(sub, 0755), 0);
        p = path_join(sub, "file");
        assert_int_equal(write_file_atomic(p, "one", 3, 0644), 0);
        assert_int_equal(write_file_atomic(p, "two!", 4, 0644), 0);
        assert_int_equal(read_full_file(p, &data, &n, 1024), 0);
        assert_int_equal(n, 4);
        assert_string_equal(data, "two!");
        free(TAKE_PTR(data));
        assert_int_equal(read_full_file(p, &data, &n, 2), -EFBIG);

        assert_int_equal(rm_rf(dir), 0);
        assert_int_equal(access(dir, F_OK), -1);
}

static void test_rm_rf_does_not_follow_symlinks(void **state) {
        char keep[] = "/tmp/wharf-keep-XXXXXX", dir[] = "/tmp/wharf-test-XXXXXX";
        _cleanup_(freep) char *victim = NULL, *link = NULL;

        assert_non_null(mkdtemp(keep));
        assert_non_null(mkdtemp(dir));
        victim = path_join(keep, "victim");
        assert_int_equal(write_file_atomic(victim, "x", 1, 0644), 0);
        link = path_join(dir, "link");
        assert_int_equal(symlink(keep, link), 0);

        assert_int_equal(rm_rf(dir), 0);
        assert_int_equal(access(victim, F_OK), 0);
        assert_int_equal(rm_rf(keep), 0);
        assert_int_equal(rm_rf("/"), -EPERM);
        assert_int_equal(rm_rf("/nonexistent-wharf-path"), 0);
}

static void test_path_join(void **state) {
        _cleanup_(freep) char *a = path_join("/x/", "/y"), *b = path_join("/x", "y");
        assert_string_equal(a, "/x/y");
        assert_string_equal(b, "/x/y");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_atomic_write_and_read),
                cmocka_unit_test(test_rm_rf_does_not_follow_symlinks),
                cmocka_unit_test(test_path_join),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
