/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "exec-util.h"
#include "fs-util.h"
#include "macro.h"

static int status_of(void (*fn)(void)) {
        int status;
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                fn();
                _exit(99);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        return status;
}

static void exit_3(void) { _exit(3); }
static void exit_0(void) { _exit(0); }
static void die_kill(void) { raise(SIGKILL); }
static void die_term(void) { signal(SIGTERM, SIG_DFL); raise(SIGTERM); }

static void test_exit_code(void **state) {
        assert_int_equal(exit_code_from_status(status_of(exit_0)), 0);
        assert_int_equal(exit_code_from_status(status_of(exit_3)), 3);
        assert_int_equal(exit_code_from_status(status_of(die_kill)), 137);
        assert_int_equal(exit_code_from_status(status_of(die_term)), 143);
        /* encoded statuses, as waitpid() reports them */
        assert_int_equal(exit_code_from_status(255 << 8), 255);
        assert_int_equal(exit_code_from_status(SIGSEGV), 128 + SIGSEGV);
}

static void test_env_path(void **state) {
        char *none[] = { (char *) "HOME=/root", NULL };
        char *one[] = { (char *) "PATHX=/no", (char *) "PATH=/a:/b", NULL };
        char *two[] = { (char *) "PATH=/a", (char *) "PATH=/c", NULL };

        assert_string_equal(exec_env_path(NULL), EXEC_DEFAULT_PATH);
        assert_string_equal(exec_env_path(none), EXEC_DEFAULT_PATH);
        assert_string_equal(exec_env_path(one), "/a:/b");
        assert_string_equal(exec_env_path(two), "/c");
}

static void touch(const char *dir, const char *name, mode_t mode) {
        _cleanup_(freep) char *p = path_join(dir, name);
        int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode);
        assert_true(fd >= 0);
        close(fd);
        assert_int_equal(chmod(p, mode), 0);
}

static void test_path_lookup(void **state) {
        char dir[] = "/tmp/wharf-test-path-XXXXXX", buf[PATH_MAX], path[3 * PATH_MAX];
        _cleanup_(freep) char *a = NULL, *b = NULL, *d = NULL, *expect = NULL;

        assert_non_null(mkdtemp(dir));
        a = path_join(dir, "a");
        b = path_join(dir, "b");
        d = path_join(dir, "b/dir");
        assert_int_equal(mkdir_p(a, 0755), 0);
        assert_int_equal(mkdir_p(d, 0755), 0);
        touch(a, "noexec", 0644);       /* in a, but not executable */
        touch(b, "noexec", 0755);
        touch(b, "tool", 0755);
        touch(a, "tool", 0755);         /* a comes first in PATH */

        snprintf(path, sizeof(path), "relative:%s/:%s", a, b);

        assert_int_equal(exec_path_lookup("tool", path, buf, sizeof(buf)), 0);
        expect = path_join(a, "tool");
        assert_string_equal(buf, expect);
        free(TAKE_PTR(expect));

        /* non-executable candidates are skipped, as Go's LookPath does */
        assert_int_equal(exec_path_lookup("noexec", path, buf, sizeof(buf)), 0);
        expect = path_join(b, "noexec");
        assert_string_equal(buf, expect);

        /* directories never match */
        assert_int_equal(exec_path_lookup("dir", path, buf, sizeof(buf)), -ENOENT);
        assert_int_equal(exec_path_lookup("nope", path, buf, sizeof(buf)), -ENOENT);
        /* relative and empty entries are not searched */
        assert_int_equal(exec_path_lookup("tool", "::relative", buf, sizeof(buf)), -ENOENT);
        assert_int_equal(exec_path_lookup("tool", "", buf, sizeof(buf)), -ENOENT);

        /* a name with a slash is taken as is, found or not */
        assert_int_equal(exec_path_lookup("./x/y", path, buf, sizeof(buf)), 0);
        assert_string_equal(buf, "./x/y");
        assert_int_equal(exec_path_lookup("/bin/sh", "", buf, sizeof(buf)), 0);
        assert_string_equal(buf, "/bin/sh");
        assert_int_equal(exec_path_lookup("/bin/sh", "", buf, 4), -ENAMETOOLONG);

        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_exit_code),
                cmocka_unit_test(test_env_path),
                cmocka_unit_test(test_path_lookup),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
