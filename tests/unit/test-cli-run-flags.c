/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <time.h>

#include "cli.h"
#include "log-record.h"
#include "macro.h"
#include "mount-option.h"
#include "run-options.h"
#include "ulimit.h"
#include "units.h"

#define PARSE(o, ...)                                                                   \
        ({                                                                              \
                char *_argv[] = { __VA_ARGS__, NULL };                                  \
                run_options_parse((int) ELEMENTSOF(_argv) - 1, _argv, (o));             \
        })

static int64_t ram(const char *s) {
        int64_t v = -42;
        return units_ram_in_bytes(s, &v) < 0 ? -1 : v;
}

static void test_ram_in_bytes(void **state) {
        /* go-units RAMInBytes */
        assert_int_equal(ram("32"), 32);
        assert_int_equal(ram("32b"), 32);
        assert_int_equal(ram("32B"), 32);
        assert_int_equal(ram("32k"), 32 * 1024);
        assert_int_equal(ram("32K"), 32 * 1024);
        assert_int_equal(ram("32kb"), 32 * 1024);
        assert_int_equal(ram("32Kib"), 32 * 1024);
        assert_int_equal(ram("32Mb"), 32 * 1024 * 1024);
        assert_int_equal(ram("32Gb"), INT64_C(32) * 1024 * 1024 * 1024);
        assert_int_equal(ram("32Tb"), INT64_C(32) * 1024 * 1024 * 1024 * 1024);
        assert_int_equal(ram("32Pb"), INT64_C(32) * 1024 * 1024 * 1024 * 1024 * 1024);
        assert_int_equal(ram("32.3"), 32);
        assert_int_equal(ram("1.5m"), 1572864);
        assert_int_equal(ram("32 mb"), 32 * 1024 * 1024);
        assert_int_equal(ram("0"), 0);
        assert_int_equal(ram(""), -1);
        assert_int_equal(ram("hello"), -1);
        assert_int_equal(ram("-32"), -1);
        assert_int_equal(ram(" 32 "), -1);
        assert_int_equal(ram("32m b"), -1);
        assert_int_equal(ram("32bm"), -1);
        assert_int_equal(ram("12q"), -1);
        assert_int_equal(ram("1.2.3m"), -1);
        assert_int_equal(ram("32  mb"), -1);
}

static void test_from_human_size(void **state) {
        int64_t v;

        assert_int_equal(units_from_human_size("10m", &v), 0);
        assert_int_equal(v, 10000000);
        assert_int_equal(units_from_human_size("1k", &v), 0);
        assert_int_equal(v, 1000);
        assert_int_equal(units_from_human_size("1x", &v), -EINVAL);
}

static void test_nano_cpus(void **state) {
        int64_t v;

        assert_int_equal(units_parse_nano_cpus("1.5", &v), 0);
        assert_int_equal(v, 1500000000);
        assert_int_equal(units_parse_nano_cpus("0.01", &v), 0);
        assert_int_equal(v, 10000000);
        assert_int_equal(units_parse_nano_cpus("2", &v), 0);
        assert_int_equal(v, 2000000000);
        assert_int_equal(units_parse_nano_cpus(".5", &v), 0);
        assert_int_equal(v, 500000000);
        assert_int_equal(units_parse_nano_cpus("0.000000001", &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(units_parse_nano_cpus("1.0000000000", &v), 0);   /* zeros are no precision */
        assert_int_equal(v, 1000000000);
        assert_int_equal(units_parse_nano_cpus("0.0000000001", &v), -ERANGE);
        assert_int_equal(units_parse_nano_cpus("abc", &v), -EINVAL);
        assert_int_equal(units_parse_nano_cpus("1.2.3", &v), -EINVAL);
        assert_int_equal(units_parse_nano_cpus("", &v), -EINVAL);
        assert_int_equal(units_parse_nano_cpus(".", &v), -EINVAL);
}

static void test_ulimit(void **state) {
        _cleanup_(freep) char *e1 = NULL, *e2 = NULL, *e3 = NULL, *e4 = NULL, *e5 = NULL;
        Ulimit u;

        assert_int_equal(ulimit_parse("nofile=512:1024", &u, NULL), 0);
        assert_string_equal(u.name, "nofile");
        assert_int_equal(u.soft, 512);
        assert_int_equal(u.hard, 1024);
        assert_int_equal(ulimit_parse("nproc=100", &u, NULL), 0);
        assert_int_equal(u.soft, 100);
        assert_int_equal(u.hard, 100);
        assert_int_equal(ulimit_parse("core=-1", &u, NULL), 0);
        assert_int_equal(u.hard, -1);
        assert_int_equal(ulimit_parse("nofile=5:-1", &u, NULL), 0);

        assert_int_equal(ulimit_parse("nofile", &u, &e1), -EINVAL);
        assert_string_equal(e1, "invalid ulimit argument: nofile");
        assert_int_equal(ulimit_parse("foo=1", &u, &e2), -EINVAL);
        assert_string_equal(e2, "invalid ulimit type: foo");
        assert_int_equal(ulimit_parse("nofile=1:2:3", &u, &e3), -EINVAL);
        assert_string_equal(e3, "too many limit value arguments - 1:2:3, can only have up to two, `soft[:hard]`");
        assert_int_equal(ulimit_parse("nofile=10:5", &u, &e4), -EINVAL);
        assert_string_equal(e4, "ulimit soft limit must be less than or equal to hard limit: 10 > 5");
        assert_int_equal(ulimit_parse("nofile=x", &u, &e5), -EINVAL);
        assert_string_equal(e5, "strconv.ParseInt: parsing \"x\": invalid syntax");
        assert_string_equal(ulimit_oci_type("nofile"), "RLIMIT_NOFILE");
        assert_null(ulimit_oci_type("files"));
}

static void test_restart_policy(void **state) {
        _cleanup_(freep) char *a = NULL, *b = NULL;
        const char *err = NULL;
        char *name = NULL;
        int64_t max;

        assert_int_equal(restart_policy_parse("on-failure:5", &a, &max, &err), 0);
        assert_string_equal(a, "on-failure");
        assert_int_equal(max, 5);
        assert_int_equal(restart_policy_parse("always", &b, &max, &err), 0);
        assert_string_equal(b, "always");
        assert_int_equal(max, 0);
        assert_int_equal(restart_policy_parse(":1", &name, &max, &err), -EINVAL);
        assert_string_equal(err, "invalid restart policy format: no policy provided before colon");
        assert_int_equal(restart_policy_parse("on-failure:x", &name, &max, &err), -EINVAL);
        assert_string_equal(err, "invalid restart policy format: maximum retry count must be an integer");
}

static void test_detach_keys(void **state) {
        unsigned char k[8];

        assert_int_equal(detach_keys_parse("ctrl-p,ctrl-q", k, sizeof k), 2);
        assert_int_equal(k[0], 0x10);
        assert_int_equal(k[1], 0x11);
        assert_int_equal(detach_keys_parse("a,ctrl-@,ctrl-[,ctrl-_", k, sizeof k), 4);
        assert_int_equal(k[0], 'a');
        assert_int_equal(k[1], 0);
        assert_int_equal(k[2], 27);
        assert_int_equal(k[3], 31);
        assert_int_equal(detach_keys_parse("ctrl-1", k, sizeof k), -EINVAL);
        assert_int_equal(detach_keys_parse("ab", k, sizeof k), -EINVAL);
        assert_int_equal(detach_keys_parse("", k, sizeof k), -EINVAL);
}

static void test_flags_parsed(void **state) {
        _cleanup_(run_options_done) RunOptions o = {};

        assert_int_equal(PARSE(&o, "run", "-m", "64m", "--memory-swap=-1", "--cpus", "0.5", "-c", "512",
                               "--cpuset-cpus", "0-1", "--pids-limit", "-1", "--cap-add", "NET_ADMIN",
                               "--cap-drop", "ALL", "--privileged", "--security-opt", "no-new-privileges",
                               "--ulimit", "nofile=1:2", "--ulimit", "nofile=3:4", "--read-only", "--init",
                               "--stop-signal", "SIGUSR1", "--stop-timeout", "5", "--restart", "on-failure:2",
                               "-l", "a=b", "--label", "c", "--log-opt", "max-size=1m", "--runtime", "runc",
                               "-d", "-t", "busybox"), 0);
        assert_int_equal(o.flags.memory, 64 * 1024 * 1024);
        assert_int_equal(o.flags.memory_swap, -1);
        assert_int_equal(o.flags.nano_cpus, 500000000);
        assert_int_equal(o.flags.cpu_shares, 512);
        assert_string_equal(o.flags.cpuset_cpus, "0-1");
        assert_true(o.flags.pids_limit_set);
        assert_int_equal(o.flags.pids_limit, -1);
        assert_string_equal(o.flags.cap_add[0], "NET_ADMIN");
        assert_string_equal(o.flags.cap_drop[0], "ALL");
        assert_true(o.flags.privileged);
        assert_string_equal(o.flags.security_opt[0], "no-new-privileges");
        assert_int_equal(o.flags.n_ulimits, 1);   /* the last one for a name wins */
        assert_int_equal(o.flags.ulimits[0].soft, 3);
        assert_true(o.flags.read_only);
        assert_true(o.flags.init);
        assert_string_equal(o.flags.stop_signal, "SIGUSR1");
        assert_int_equal(o.flags.stop_timeout, 5);
        assert_string_equal(o.flags.restart_name, "on-failure");
        assert_int_equal(o.flags.restart_max, 2);
        assert_string_equal(o.flags.labels[0], "a=b");
        assert_string_equal(o.flags.labels[1], "c");
        assert_string_equal(o.flags.log_opts[0], "max-size=1m");
        assert_string_equal(o.flags.runtime, "runc");
        assert_true(o.detach);
        assert_true(o.tty);
        assert_string_equal(o.image, "busybox");
}

static void test_time_parse(void **state) {
        int64_t t, now = INT64_C(1700000000) * 1000000000;

        assert_int_equal(rfc3339_parse("2023-11-14T22:13:20Z", &t), 0);
        assert_int_equal(t, INT64_C(1700000000) * 1000000000);
        assert_int_equal(rfc3339_parse("2023-11-14T22:13:20.5+01:00", &t), 0);
        assert_int_equal(t, INT64_C(1699996400) * 1000000000 + 500000000);
        assert_int_equal(rfc3339_parse("2023-11-14T22:13:20", &t), -EINVAL);
        assert_int_equal(log_time_parse("10m", now, &t), 0);
        assert_int_equal(t, now - INT64_C(600) * 1000000000);
        assert_int_equal(log_time_parse("1h30m", now, &t), 0);
        assert_int_equal(t, now - INT64_C(5400) * 1000000000);
        assert_int_equal(log_time_parse("1700000000.25", now, &t), 0);
        assert_int_equal(t, INT64_C(1700000000) * 1000000000 + 250000000);
        assert_int_equal(log_time_parse("2023-11-14T22:13:20Z", now, &t), 0);
        assert_int_equal(t, now);
        assert_int_equal(log_time_parse("yesterday", now, &t), -EINVAL);
        assert_int_equal(log_time_parse("", now, &t), -EINVAL);
}

static void test_log_record(void **state) {
        LogRecord r = {};
        char buf[40];

        assert_int_equal(log_record_parse("{\"log\":\"hi\\n\",\"stream\":\"stderr\",\"time\":\"2023-11-14T22:13:20.000000001Z\"}", &r), 0);
        assert_string_equal(r.log, "hi\n");
        assert_true(r.is_stderr);
        assert_int_equal(r.time_ns, INT64_C(1700000000) * 1000000000 + 1);
        rfc3339_format(r.time_ns, buf);
        assert_string_equal(buf, "2023-11-14T22:13:20.000000001Z");
        log_record_done(&r);
        assert_int_equal(log_record_parse("{\"stream\":\"stdout\"}", &r), -EBADMSG);
        assert_int_equal(log_record_parse("{\"log\":\"x\",\"time\":\"bad\"}", &r), -EBADMSG);
        assert_int_equal(log_record_parse("not json", &r), -EBADMSG);
}

/* --mount: docker's CSV fields into the API's Mount object */
static void test_mount_option(void **state) {
        static const struct { const char *spec, *json; } good[] = {
                { "type=bind,source=/h,target=/c,readonly,bind-propagation=rshared",
                  "{\"Type\":\"bind\",\"Source\":\"/h\",\"Target\":\"/c\",\"ReadOnly\":true,"
                  "\"BindOptions\":{\"Propagation\":\"rshared\"}}" },
                { "src=data,dst=/d,volume-nocopy",
                  "{\"Source\":\"data\",\"Target\":\"/d\",\"VolumeOptions\":{\"NoCopy\":true},\"Type\":\"volume\"}" },
                { "type=tmpfs,destination=/t,tmpfs-size=1m,tmpfs-mode=1770,ro=false",
                  "{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"SizeBytes\":1048576,\"Mode\":1016},"
                  "\"ReadOnly\":false}" },
        };
        static const struct { const char *spec, *error; } bad[] = {
                { "type=bind,source=/h", "target is required" },
                { "type=bind,target=/c,foo=bar", "unexpected key 'foo' in 'foo=bar'" },
                { "type=bind,target=/c,what", "invalid field 'what' must be a key=value pair" },
                { "type=tmpfs,target=/c,tmpfs-size=lots", "invalid value for tmpfs-size: lots" },
                { "type=tmpfs,target=/c,tmpfs-mode=9", "invalid value for tmpfs-mode: 9" },
                { "type=bind,target=/c,readonly=maybe", "invalid value for readonly: maybe" },
                { "type=bind,target=/c,volume-nocopy", "cannot mix 'volume-*' options with mount type 'bind'" },
                { "type=volume,target=/c,tmpfs-size=1m", "cannot mix 'tmpfs-*' options with mount type 'volume'" },
        };

        for (size_t i = 0; i < ELEMENTSOF(good); i++) {
                json_object *m = NULL;
                char *error = NULL;

                assert_int_equal(mount_option_parse(good[i].spec, &m, &error), 0);
                assert_string_equal(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                                    good[i].json);
                json_object_put(m);
        }
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                json_object *m = NULL;
                char *error = NULL;

                assert_int_equal(mount_option_parse(bad[i].spec, &m, &error), -EINVAL);
                assert_non_null(error);
                assert_string_equal(error, bad[i].error);
                assert_null(m);
                free(error);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_ram_in_bytes),
                cmocka_unit_test(test_from_human_size),
                cmocka_unit_test(test_nano_cpus),
                cmocka_unit_test(test_ulimit),
                cmocka_unit_test(test_restart_policy),
                cmocka_unit_test(test_detach_keys),
                cmocka_unit_test(test_flags_parsed),
                cmocka_unit_test(test_time_parse),
                cmocka_unit_test(test_log_record),
                cmocka_unit_test(test_mount_option),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
