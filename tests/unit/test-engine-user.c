/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "fs-util.h"
#include "macro.h"
#include "user.h"

static char root[] = "/tmp/test-engine-user.XXXXXX";

static void put(const char *rel, const char *content) {
        _cleanup_(freep) char *p = path_join(root, rel);
        assert_int_equal(write_file_atomic(p, content, strlen(content), 0644), 0);
}

static int setup(void **state) {
        _cleanup_(freep) char *etc = NULL;

        assert_non_null(mkdtemp(root));
        etc = path_join(root, "etc");
        assert_int_equal(mkdir(etc, 0755), 0);
        put("etc/passwd",
            "root:x:0:0:root:/root:/bin/sh\n"
            "# comment\n"
            "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
            "www:x:33:34:www:/var/www:/bin/sh\n"
            "nohome:x:50:50::\n");
        put("etc/group",
            "root:x:0:\n"
            "daemon:x:1:\n"
            "www-data:x:34:\n"
            "audio:x:29:www,daemon\n"
            "video:x:44:www\n");
        return 0;
}

static int teardown(void **state) {
        assert_int_equal(rm_rf(root), 0);
        return 0;
}

static void test_default_root(void **state) {
        _cleanup_(user_info_done) UserInfo u = {};

        assert_int_equal(user_resolve(root, "", &u, NULL), 0);
        assert_int_equal(u.uid, 0);
        assert_int_equal(u.gid, 0);
        assert_string_equal(u.home, "/root");
}

static void test_by_name(void **state) {
        _cleanup_(user_info_done) UserInfo u = {};

        assert_int_equal(user_resolve(root, "www", &u, NULL), 0);
        assert_int_equal(u.uid, 33);
        assert_int_equal(u.gid, 34);
        assert_string_equal(u.home, "/var/www");
        assert_int_equal(u.n_gids, 2);
        assert_int_equal(u.gids[0], 29);
        assert_int_equal(u.gids[1], 44);
}

static void test_numeric(void **state) {
        _cleanup_(user_info_done) UserInfo a = {}, b = {}, c = {};

        /* known uid: its entry */
        assert_int_equal(user_resolve(root, "1", &a, NULL), 0);
        assert_int_equal(a.uid, 1);
        assert_int_equal(a.gid, 1);
        assert_string_equal(a.home, "/usr/sbin");
        /* unknown uid: fine, gid 0, home / */
        assert_int_equal(user_resolve(root, "4242", &b, NULL), 0);
        assert_int_equal(b.uid, 4242);
        assert_int_equal(b.gid, 0);
        assert_string_equal(b.home, "/");
        /* uid:gid */
        assert_int_equal(user_resolve(root, "4242:99", &c, NULL), 0);
        assert_int_equal(c.uid, 4242);
        assert_int_equal(c.gid, 99);
        assert_int_equal(c.n_gids, 0);
}

static void test_groups(void **state) {
        _cleanup_(user_info_done) UserInfo a = {}, b = {};
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(user_resolve(root, "daemon:video", &a, NULL), 0);
        assert_int_equal(a.uid, 1);
        assert_int_equal(a.gid, 44);
        /* an explicit group: no supplementary groups */
        assert_int_equal(a.n_gids, 0);
        assert_int_equal(user_resolve(root, "nohome:29", &b, NULL), 0);
        assert_int_equal(b.uid, 50);
        assert_int_equal(b.gid, 29);
        assert_string_equal(b.home, "/");
        assert_int_equal(user_resolve(root, "www:nogroup", &b, &error), -ESRCH);
        assert_string_equal(error, "unable to find group nogroup: no matching entries in group file");
}

static void test_unknown(void **state) {
        _cleanup_(user_info_done) UserInfo u = {};
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(user_resolve(root, "ghost", &u, &error), -ESRCH);
        assert_string_equal(error, "unable to find user ghost: no matching entries in passwd file");
}

static void test_symlink_stays_inside(void **state) {
        char other[] = "/tmp/test-engine-user-link.XXXXXX";
        _cleanup_(freep) char *etc = NULL, *passwd = NULL;
        _cleanup_(user_info_done) UserInfo u = {};
        _cleanup_(freep) char *error = NULL;

        /* /etc/passwd -> /etc/real-passwd must resolve inside the rootfs */
        assert_non_null(mkdtemp(other));
        etc = path_join(other, "etc");
        assert_int_equal(mkdir(etc, 0755), 0);
        passwd = path_join(etc, "real-passwd");
        assert_int_equal(write_file_atomic(passwd, "inside:x:7:7::/in:/bin/sh\n", 26, 0644), 0);
        free(passwd);
        passwd = path_join(etc, "passwd");
        assert_int_equal(symlink("/etc/real-passwd", passwd), 0);

        assert_int_equal(user_resolve(other, "inside", &u, NULL), 0);
        assert_int_equal(u.uid, 7);
        assert_string_equal(u.home, "/in");
        /* the host's root entry is not seen through an absolute link */
        unlink(passwd);
        assert_int_equal(symlink("/../../../../etc/passwd", passwd), 0);
        assert_int_equal(user_resolve(other, "root", &u, &error), -ESRCH);
        assert_int_equal(rm_rf(other), 0);
}

static void test_no_passwd(void **state) {
        char empty[] = "/tmp/test-engine-user-empty.XXXXXX";
        _cleanup_(user_info_done) UserInfo u = {};
        _cleanup_(freep) char *error = NULL;

        assert_non_null(mkdtemp(empty));
        assert_int_equal(user_resolve(empty, "", &u, NULL), 0);
        assert_int_equal(u.uid, 0);
        assert_string_equal(u.home, "/");
        assert_int_equal(user_resolve(empty, "bob", &u, &error), -ESRCH);
        assert_int_equal(rm_rf(empty), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_root),
                cmocka_unit_test(test_by_name),
                cmocka_unit_test(test_numeric),
                cmocka_unit_test(test_groups),
                cmocka_unit_test(test_unknown),
                cmocka_unit_test(test_symlink_stays_inside),
                cmocka_unit_test(test_no_passwd),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
