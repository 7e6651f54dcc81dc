/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli.h"
#include "macro.h"
#include "run-options.h"

#define PARSE(o, ...)                                                                   \
        ({                                                                              \
                char *_argv[] = { __VA_ARGS__, NULL };                                  \
                run_options_parse((int) ELEMENTSOF(_argv) - 1, _argv, (o));             \
        })

static void assert_strv_equal(char **l, const char *const *expected) {
        size_t i = 0;

        for (; expected[i]; i++) {
                assert_non_null(l);
                assert_non_null(l[i]);
                assert_string_equal(l[i], expected[i]);
        }
        assert_true(!l || !l[i]);
}

static void test_command_args_are_not_ours(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(PARSE(&o, "run", "--rm", "--name", "web", "-e", "A=1", "busybox",
                               "echo", "hello", "-e", "--rm", "--name", "-t", "-d"), 0);
        assert_true(o.rm);
        assert_string_equal(o.name, "web");
        assert_string_equal(o.image, "busybox");
        assert_strv_equal(o.cmd, (const char *[]) { "echo", "hello", "-e", "--rm", "--name", "-t", "-d", NULL });
        assert_strv_equal(o.env, (const char *[]) { "A=1", NULL });
        assert_string_equal(o.network, "default");
        assert_false(o.interactive);
        assert_false(o.entrypoint_set);
        assert_null(o.workdir);
}

static void test_all_options(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(PARSE(&o, "run", "-i", "-w", "/tmp", "--workdir=/srv", "-h", "box", "-u", "1000:1000",
                               "--network", "none", "--entrypoint", "/bin/sh", "--env=B=2",
                               "127.0.0.1:5000/library/busybox:latest", "-c", "id"), 0);
        assert_true(o.interactive);
        assert_false(o.rm);
        assert_string_equal(o.workdir, "/srv");   /* the last one wins */
        assert_string_equal(o.hostname, "box");
        assert_string_equal(o.user, "1000:1000");
        assert_string_equal(o.network, "none");
        assert_true(o.entrypoint_set);
        assert_string_equal(o.entrypoint, "/bin/sh");
        assert_strv_equal(o.env, (const char *[]) { "B=2", NULL });
        assert_string_equal(o.image, "127.0.0.1:5000/library/busybox:latest");
        assert_strv_equal(o.cmd, (const char *[]) { "-c", "id", NULL });
}

static void test_no_command(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(PARSE(&o, "create", "--", "busybox"), 0);
        assert_string_equal(o.image, "busybox");
        assert_non_null(o.cmd);
        assert_null(o.cmd[0]);
        assert_non_null(o.env);
        assert_null(o.env[0]);
}

static void test_empty_entrypoint(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(PARSE(&o, "run", "--entrypoint", "", "busybox", "ls"), 0);
        assert_true(o.entrypoint_set);
        assert_string_equal(o.entrypoint, "");
}

static void test_usage_errors(void **state) {
        RunOptions o = {};

        assert_int_equal(PARSE(&o, "run"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--rm"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--foo", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "-x", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "busybox", "--name"), 0);   /* the container's */
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--name"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--rm=yes", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "-m", "12q", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--cpus", "x", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--ulimit", "nofile", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--restart", ":3", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--restart", "always", "--rm", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--security-opt", "foo", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--detach-keys", "ctrl-", "busybox"), -EINVAL);
        /* create has no -d at all */
        assert_int_equal(PARSE(&o, "create", "-d", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "-e", "=x", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "-e", "", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--env-file", "/nonexistent/wharf-env", "busybox"), -EINVAL);
        assert_int_equal(PARSE(&o, "run", "--help"), 1);
        assert_null(o.image);
}

/* docker >= 25: several --network, the first the primary */
static void test_networks(void **state) {
        RunOptions o = {};

        assert_int_equal(PARSE(&o, "run", "--network", "a", "--net=b", "--network", "c", "busybox"), 0);
        assert_string_equal(o.network, "a");
        assert_int_equal(strv_length(o.extra_networks), 2);
        assert_string_equal(o.extra_networks[0], "b");
        assert_string_equal(o.extra_networks[1], "c");
        run_options_done(&o);

        assert_int_equal(PARSE(&o, "run", "--network", "a", "--network", "a", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "a", "--network", "bridge", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "none", "--network", "a", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "container:x", "--network", "a", "busybox"), -EINVAL);
        run_options_done(&o);
        /* built-in ones together: the engine refuses them */
        assert_int_equal(PARSE(&o, "run", "--network", "bridge", "--network", "none", "busybox"), 0);
        run_options_done(&o);

        /* the advanced form: per-network options; the primary's go with the
         * legacy flags, the others' to ConnectNetwork */
        assert_int_equal(PARSE(&o, "run", "--network", "name=a,alias=x,alias=y,ip=10.1.0.5",
                               "--network-alias", "z", "--network", "name=b,ip=10.2.0.6,alias=w", "busybox"), 0);
        assert_string_equal(o.network, "a");
        assert_string_equal(o.net.ip, "10.1.0.5");
        assert_int_equal(strv_length(o.net.aliases), 3);
        assert_true(strv_contains(o.net.aliases, "x") && strv_contains(o.net.aliases, "z"));
        assert_string_equal(o.extra_networks[0], "b");
        assert_non_null(strstr(o.extra_network_options[0], "\"IPAddress\":\"10.2.0.6\""));
        assert_non_null(strstr(o.extra_network_options[0], "\"Aliases\":[\"w\"]"));
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "a", "--network", "b", "busybox"), 0);
        assert_string_equal(o.extra_network_options[0], "{}");
        run_options_done(&o);

        assert_int_equal(PARSE(&o, "run", "--network", "name=a,ip=10.1.0.5", "--ip", "10.1.0.6", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "alias=x", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "name=a,colour=red", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "name=a,x", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "name=a,ip=nope", "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "a", "--network", "name=b,mac-address=02:42:ac:11:00:02",
                               "busybox"), -EINVAL);
        run_options_done(&o);
        assert_int_equal(PARSE(&o, "run", "--network", "name=a,mac-address=02:42:ac:11:00:02", "busybox"), 0);
        assert_string_equal(o.net.mac, "02:42:ac:11:00:02");
        run_options_done(&o);
}

static void test_env_from_client(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(setenv("WHARF_TEST_SET", "from client", 1), 0);
        assert_int_equal(unsetenv("WHARF_TEST_UNSET"), 0);
        assert_int_equal(PARSE(&o, "run", "-e", "WHARF_TEST_SET", "-e", "WHARF_TEST_UNSET", "-e", "X=", "busybox"), 0);
        /* set: the client's value; unset: passed bare, which means "unset" */
        assert_strv_equal(o.env, (const char *[]) { "WHARF_TEST_SET=from client", "WHARF_TEST_UNSET", "X=", NULL });
}

static void test_env_resolve(void **state) {
        _cleanup_(freep) char *a = NULL, *b = NULL;
        char *c = NULL;

        assert_int_equal(env_resolve("K=V=W", &a), 0);
        assert_string_equal(a, "K=V=W");
        assert_int_equal(setenv("WHARF_TEST_K", "v", 1), 0);
        assert_int_equal(env_resolve("WHARF_TEST_K", &b), 0);
        assert_string_equal(b, "WHARF_TEST_K=v");
        assert_int_equal(env_resolve("=V", &c), -EINVAL);
        assert_int_equal(env_resolve("", &c), -EINVAL);
        assert_null(c);
}

static char *write_temp(const char *content) {
        char *path = strdup("/tmp/wharf-test-env-XXXXXX");
        int fd;

        assert_non_null(path);
        fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, content, strlen(content)), (ssize_t) strlen(content));
        close(fd);
        return path;
}

static void test_env_file(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_(freep) char *path = NULL;

        assert_int_equal(setenv("WHARF_TEST_PASS", "passed", 1), 0);
        assert_int_equal(unsetenv("WHARF_TEST_MISSING"), 0);
        path = write_temp("\xef\xbb\xbf" "FIRST=1\n"
                          "# a comment\n"
                          "\n"
                          "   \t\n"
                          "  INDENTED=kept  as is  \n"
                          "QUOTED=\"not unquoted\"\n"
                          "EMPTY=\n"
                          "WHARF_TEST_PASS\n"
                          "WHARF_TEST_MISSING\n"
                          "CRLF=x\r\n"
                          "LAST=no newline");
        assert_int_equal(PARSE(&o, "run", "-e", "AFTER=flag", "--env-file", path, "busybox"), 0);
        unlink(path);
        /* the files' lines first, then the -e flags, as docker orders them */
        assert_strv_equal(o.env, (const char *[]) {
                "FIRST=1", "INDENTED=kept  as is  ", "QUOTED=\"not unquoted\"", "EMPTY=",
                "WHARF_TEST_PASS=passed", "CRLF=x", "LAST=no newline", "AFTER=flag", NULL });
}

static void test_env_file_errors(void **state) {
        _cleanup_(strv_freep) char **env = NULL;
        _cleanup_(freep) char *a = NULL, *b = NULL, *error = NULL;

        a = write_temp("GOOD=1\nBAD KEY=2\n");
        assert_int_equal(env_file_parse(a, &env, &error), -EINVAL);
        unlink(a);
        assert_string_equal(error, "poorly formatted environment: variable 'BAD KEY' contains whitespaces");
        free(error);
        error = NULL;

        b = write_temp("=value\n");
        assert_int_equal(env_file_parse(b, &env, &error), -EINVAL);
        unlink(b);
        assert_string_equal(error, "poorly formatted environment: no variable name on line '=value'");
        free(error);
        error = NULL;

        assert_int_equal(env_file_parse("/nonexistent/wharf", &env, &error), -ENOENT);
        assert_string_equal(error, "open /nonexistent/wharf: No such file or directory");
}

static void test_usage_exit_codes(void **state) {
        assert_int_equal(usage_exit_code("run"), 125);
        assert_int_equal(usage_exit_code("create"), 125);
        assert_int_equal(usage_exit_code("start"), 125);
        assert_int_equal(usage_exit_code("ps"), 1);
        assert_int_equal(usage_exit_code("images"), 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_command_args_are_not_ours),
                cmocka_unit_test(test_all_options),
                cmocka_unit_test(test_no_command),
                cmocka_unit_test(test_empty_entrypoint),
                cmocka_unit_test(test_usage_errors),
                cmocka_unit_test(test_networks),
                cmocka_unit_test(test_env_from_client),
                cmocka_unit_test(test_env_resolve),
                cmocka_unit_test(test_env_file),
                cmocka_unit_test(test_env_file_errors),
                cmocka_unit_test(test_usage_exit_codes),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
