/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netd logic that needs no privileges: modes, ids and paths, listing and
 * start-up reconciliation of the pin directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fs-util.h"
#include "macro.h"
#include "netns.h"
#include "sandbox.h"

#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_B "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static void test_net_mode(void **state) {
        assert_int_equal(net_mode_from_string("none"), NET_MODE_NONE);
        assert_int_equal(net_mode_from_string("bridge"), NET_MODE_BRIDGE);
        assert_int_equal(net_mode_from_string("host"), NET_MODE_HOST);
        assert_int_equal(net_mode_from_string("None"), _NET_MODE_INVALID);
        assert_int_equal(net_mode_from_string(""), _NET_MODE_INVALID);
        assert_int_equal(net_mode_from_string("container:x"), _NET_MODE_INVALID);
        assert_int_equal(net_mode_from_string(NULL), _NET_MODE_INVALID);

        assert_true(net_mode_is_supported(NET_MODE_NONE));
        assert_true(net_mode_is_supported(NET_MODE_BRIDGE));
        assert_true(net_mode_is_supported(NET_MODE_HOST));
        assert_false(net_mode_is_supported(_NET_MODE_INVALID));

        for (NetMode m = 0; m < _NET_MODE_MAX; m++)
                assert_int_equal(net_mode_from_string(net_mode_to_string(m)), m);
        assert_null(net_mode_to_string(_NET_MODE_MAX));
        assert_null(net_mode_to_string(_NET_MODE_INVALID));
}

static void test_sandbox_path(void **state) {
        _cleanup_(freep) char *p = NULL;
        char *q = (char *) 0x1;
        static const char *const bad[] = {
                "",
                "..",
                "../../../../etc/passwd",
                "0123456789abcdef",                                                     /* short */
                ID_A "0",                                                               /* long */
                "0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",     /* upper */
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde/",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde.",
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg",
        };

        assert_int_equal(sandbox_path("/run/wharf/net/netns", ID_A, &p), 0);
        assert_string_equal(p, "/run/wharf/net/netns/" ID_A);

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                assert_int_equal(sandbox_path("/run/wharf/net/netns", bad[i], &q), -EINVAL);
                assert_ptr_equal(q, (char *) 0x1);      /* untouched on error */
        }
}

static void touch(const char *dir, const char *name) {
        _cleanup_(freep) char *p = path_join(dir, name);
        int fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
        assert_true(fd >= 0);
        close(fd);
}

static bool exists(const char *dir, const char *name) {
        _cleanup_(freep) char *p = path_join(dir, name);
        return access(p, F_OK) == 0;
}

static void test_list_and_reconcile(void **state) {
        char dir[] = "/tmp/wharf-test-net-XXXXXX";
        _cleanup_(strv_freep) char **ids = NULL;
        _cleanup_(freep) char *sub = NULL, *missing = NULL;

        assert_non_null(mkdtemp(dir));

        /* empty and missing directories list as empty */
        assert_int_equal(sandbox_list(dir, &ids), 0);
        assert_non_null(ids);
        assert_null(ids[0]);
        strv_free(TAKE_PTR(ids));
        missing = path_join(dir, "missing");
        assert_int_equal(sandbox_list(missing, &ids), 0);
        assert_null(ids[0]);
        strv_free(TAKE_PTR(ids));
        assert_int_equal(sandbox_reconcile(missing), 0);

        /* pin files that pin nothing: a crash between creating the file
         * and mounting; not listed, and removed at start-up */
        touch(dir, ID_A);
        touch(dir, ID_B);
        /* not ours: left alone */
        touch(dir, "junk");
        sub = path_join(dir, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff");
        assert_int_equal(mkdir(sub, 0755), 0);

        assert_int_equal(netns_is_pinned(sub), 0);
        assert_int_equal(sandbox_list(dir, &ids), 0);
        assert_null(ids[0]);
        strv_free(TAKE_PTR(ids));

        assert_int_equal(sandbox_reconcile(dir), 2);
        assert_false(exists(dir, ID_A));
        assert_false(exists(dir, ID_B));
        assert_true(exists(dir, "junk"));
        assert_true(exists(dir, "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"));
        assert_int_equal(sandbox_reconcile(dir), 0);

        /* removing what is not there succeeds; bad ids do not */
        assert_int_equal(sandbox_remove(dir, ID_A), 0);
        assert_int_equal(sandbox_remove(dir, "../junk"), -EINVAL);
        assert_true(exists(dir, "junk"));
        touch(dir, ID_B);
        assert_int_equal(sandbox_remove(dir, ID_B), 0);
        assert_false(exists(dir, ID_B));

        assert_int_equal(netns_is_pinned(missing), -ENOENT);
        assert_int_equal(rm_rf(dir), 0);
}

static void test_create_refuses(void **state) {
        char dir[] = "/tmp/wharf-test-net-XXXXXX";
        pid_t pid = 0;
        int fd = -EBADF;

        assert_non_null(mkdtemp(dir));
        /* refused before anything is created or forked */
        assert_int_equal(sandbox_create_start(dir, ID_A, NET_MODE_BRIDGE, &pid, &fd), -EOPNOTSUPP);
        assert_int_equal(sandbox_create_start(dir, "../x", NET_MODE_NONE, &pid, &fd), -EINVAL);
        assert_int_equal(pid, 0);
        assert_int_equal(fd, -EBADF);
        /* an existing pin file means an existing sandbox */
        touch(dir, ID_A);
        assert_int_equal(sandbox_create_start(dir, ID_A, NET_MODE_NONE, &pid, &fd), -EEXIST);
        assert_int_equal(pid, 0);
        assert_true(exists(dir, ID_A));
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_net_mode),
                cmocka_unit_test(test_sandbox_path),
                cmocka_unit_test(test_list_and_reconcile),
                cmocka_unit_test(test_create_refuses),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
