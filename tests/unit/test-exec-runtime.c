/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* execd runtime pieces: json-file log encoding and rotation, log sizes,
 * cgroup path and file parsing, the monitor wire form of the new spec
 * fields, seccomp compilation and docker's default profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "exec-util.h"
#include "fs-util.h"
#include "json-log.h"
#include "macro.h"
#include "seccomp-profile.h"
#include "seccomp-bpf.h"
#include "spec.h"

static void test_log_time(void **state) {
        char buf[64];

        json_log_format_time(&(struct timespec) { .tv_sec = 0, .tv_nsec = 0 }, buf, sizeof(buf));
        assert_string_equal(buf, "1970-01-01T00:00:00Z");
        json_log_format_time(&(struct timespec) { .tv_sec = 1700000000, .tv_nsec = 500000000 }, buf, sizeof(buf));
        assert_string_equal(buf, "2023-11-14T22:13:20.5Z");
        json_log_format_time(&(struct timespec) { .tv_sec = 1700000000, .tv_nsec = 123456789 }, buf, sizeof(buf));
        assert_string_equal(buf, "2023-11-14T22:13:20.123456789Z");
}

static void test_log_encode(void **state) {
        struct timespec ts = { .tv_sec = 1700000000, .tv_nsec = 10 };
        char buf[512];
        int n;

        n = json_log_encode("hi \"x\"\n", 7, LOG_STREAM_STDOUT, &ts, buf, sizeof(buf));
        assert_string_equal(buf, "{\"log\":\"hi \\\"x\\\"\\n\",\"stream\":\"stdout\",\"time\":\"2023-11-14T22:13:20.00000001Z\"}\n");
        assert_int_equal(n, (int) strlen(buf));
        /* Go's escaping: <>& and control characters; invalid UTF-8; valid UTF-8 kept */
        n = json_log_encode("<a&b>\x01\t\xff\xc3\xa9\\", 11, LOG_STREAM_STDERR, &ts, buf, sizeof(buf));
        assert_true(n > 0);
        assert_non_null(strstr(buf, "\"log\":\"\\u003ca\\u0026b\\u003e\\u0001\\t\\ufffd\xc3\xa9\\\\\",\"stream\":\"stderr\""));
        /* too small a buffer is an error, not a truncation */
        assert_int_equal(json_log_encode("hello", 5, LOG_STREAM_STDOUT, &ts, buf, 16), -ENOBUFS);
}

static int count_lines(const char *path) {
        _cleanup_(freep) char *s = NULL;
        int n = 0;

        if (read_full_file(path, &s, NULL, 1 << 20) < 0)
                return -1;
        for (char *p = s; *p; p++)
                n += *p == '\n';
        return n;
}

static void test_log_rotate(void **state) {
        char dir[] = "/tmp/test-exec-log.XXXXXX", path[128], p1[140], p2[140], p3[140];
        JsonLog l;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof(path), "%s/log", dir);
        snprintf(p1, sizeof(p1), "%s.1", path);
        snprintf(p2, sizeof(p2), "%s.2", path);
        snprintf(p3, sizeof(p3), "%s.3", path);
        assert_int_equal(json_log_open(&l, path, 300, 3), 0);
        for (int i = 0; i < 20; i++)
                assert_int_equal(json_log_write(&l, LOG_STREAM_STDOUT, "0123456789\n", 11), 0);
        /* a line in pieces is one entry */
        assert_int_equal(json_log_write(&l, LOG_STREAM_STDERR, "par", 3), 0);
        assert_int_equal(json_log_write(&l, LOG_STREAM_STDERR, "tial", 4), 0);
        assert_int_equal(json_log_flush(&l, LOG_STREAM_STDERR), 0);
        json_log_close(&l);
        assert_int_equal(access(p1, F_OK), 0);
        assert_int_equal(access(p2, F_OK), 0);
        assert_int_equal(access(p3, F_OK), -1);
        struct stat st;
        assert_int_equal(stat(p1, &st), 0);
        assert_true(st.st_size >= 300 && st.st_size < 400);
        _cleanup_(freep) char *last = NULL;
        assert_int_equal(read_full_file(path, &last, NULL, 1 << 20), 0);
        assert_non_null(strstr(last, "{\"log\":\"partial\",\"stream\":\"stderr\""));
        assert_true(count_lines(path) >= 1);
        /* a single file (max-file 1) is truncated instead */
        assert_int_equal(json_log_open(&l, path, 100, 1), 0);
        for (int i = 0; i < 5; i++)
                assert_int_equal(json_log_write(&l, LOG_STREAM_STDOUT, "0123456789\n", 11), 0);
        json_log_close(&l);
        /* rotation happens before a write once full: at most one entry past the limit */
        assert_true(count_lines(path) >= 1 && count_lines(path) <= 2);
        assert_int_equal(rm_rf(dir), 0);
}

static void test_log_size(void **state) {
        uint64_t v;

        assert_int_equal(log_size_parse("100", &v), 0);
        assert_int_equal(v, 100);
        assert_int_equal(log_size_parse("10k", &v), 0);
        assert_int_equal(v, 10000);
        assert_int_equal(log_size_parse("1.5m", &v), 0);
        assert_int_equal(v, 1500000);
        assert_int_equal(log_size_parse("2GB", &v), 0);
        assert_int_equal(v, 2000000000);
        assert_int_equal(log_size_parse("lots", &v), -EINVAL);
        assert_int_equal(log_size_parse("1x", &v), -EINVAL);
        assert_int_equal(log_size_parse("-1", &v), -EINVAL);
        assert_int_equal(log_size_parse("", &v), -EINVAL);
        assert_int_equal(log_size_parse("1kib", &v), -EINVAL);
}

static void test_cgroup_own(void **state) {
        const char *text = "9:name=systemd:/\n4:memory:/process_api/abc\n2:cpu,cpuacct:/x\n0::/unified/path\n";
        _cleanup_(freep) char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

        assert_int_equal(cgroup_parse_own(text, "memory", &a), 0);
        assert_string_equal(a, "/process_api/abc");
        assert_int_equal(cgroup_parse_own(text, "cpuacct", &b), 0);
        assert_string_equal(b, "/x");
        assert_int_equal(cgroup_parse_own(text, "", &c), 0);
        assert_string_equal(c, "/unified/path");
        assert_int_equal(cgroup_parse_own(text, "pids", &d), -ENOENT);
        assert_int_equal(cgroup_parse_own(text, "cpuset", &e), -ENOENT);
}

static void test_cgroup_files(void **state) {
        uint64_t v, r, w;

        assert_int_equal(cgroup_parse_keyed("low 0\nhigh 0\nmax 3\noom 2\noom_kill 1\n", "oom_kill", &v), 0);
        assert_int_equal(v, 1);
        assert_int_equal(cgroup_parse_keyed("oom_kill_disable 0\nunder_oom 0\noom_kill 4\n", "oom_kill", &v), 0);
        assert_int_equal(v, 4);
        assert_int_equal(cgroup_parse_keyed("oom 2\n", "oom_kill", &v), -ENOENT);
        assert_int_equal(cgroup_shares_to_weight(2), 1);
        assert_int_equal(cgroup_shares_to_weight(1024), 39);
        assert_int_equal(cgroup_shares_to_weight(262144), 10000);
        cgroup_parse_blkio_v1("8:0 Read 100\n8:0 Write 20\n8:16 Read 1\nTotal 121\n", &r, &w);
        assert_int_equal(r, 101);
        assert_int_equal(w, 20);
        cgroup_parse_io_stat("8:0 rbytes=5 wbytes=7 rios=1 wios=1\n8:16 rbytes=1 wbytes=0\n", &r, &w);
        assert_int_equal(r, 6);
        assert_int_equal(w, 7);
}

static void test_cgroup_save_load(void **state) {
        Cgroup cg = { .ops = &cgroup_v1_ops }, back = {};
        _cleanup_(freep) char *text = NULL, *text2 = NULL;

        cg.paths[CGROUP_MEMORY] = strdup("/sys/fs/cgroup/memory/a/wharf/x");
        cg.paths[CGROUP_PIDS] = strdup("/sys/fs/cgroup/pids/wharf/x");
        assert_int_equal(cgroup_save(&cg, &text), 0);
        assert_string_equal(text, "v1\nmemory /sys/fs/cgroup/memory/a/wharf/x\npids /sys/fs/cgroup/pids/wharf/x\n");
        assert_int_equal(cgroup_load(&back, text), 0);
        assert_ptr_equal(back.ops, &cgroup_v1_ops);
        assert_string_equal(back.paths[CGROUP_PIDS], "/sys/fs/cgroup/pids/wharf/x");
        assert_string_equal(back.ops->procs_dir(&back), "/sys/fs/cgroup/pids/wharf/x");
        cgroup_done(&back);
        assert_int_equal(cgroup_load(&back, "v2\nunified /sys/fs/cgroup/wharf/x\n"), 0);
        assert_ptr_equal(back.ops, &cgroup_v2_ops);
        assert_string_equal(back.paths[CGROUP_UNIFIED], "/sys/fs/cgroup/wharf/x");
        assert_int_equal(cgroup_save(&back, &text2), 0);
        assert_string_equal(text2, "v2\nunified /sys/fs/cgroup/wharf/x\n");
        cgroup_done(&back);
        assert_int_equal(cgroup_load(&back, "v3\n"), -EBADMSG);
        assert_int_equal(cgroup_load(&back, "v1\nmemory relative\n"), -EBADMSG);
        cgroup_done(&cg);
}

static void test_spec_runtime_fields(void **state) {
        const char *json =
                "{\"process\":{\"args\":[\"sh\"],\"terminal\":true,"
                "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"soft\":10,\"hard\":20}]},"
                "\"root\":{\"path\":\"/r\"},"
                "\"annotations\":{\"org.wharf.log.path\":\"/l/log\",\"org.wharf.log.max-size\":\"10k\","
                "\"org.wharf.log.max-file\":\"3\",\"org.wharf.stdin.keep-open\":\"true\"},"
                "\"linux\":{\"cgroupsPath\":\"a/b\",\"resources\":{\"memory\":{\"limit\":10000000,\"swap\":-1},"
                "\"cpu\":{\"shares\":512,\"quota\":50000,\"period\":100000,\"cpus\":\"0-1\"},\"pids\":{\"limit\":-1}},"
                "\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\"}}}";
        _cleanup_(exec_spec_done) ExecSpec s = {}, back = {};
        _cleanup_(freep) char *err = NULL, *wire = NULL;
        size_t size;

        assert_int_equal(exec_spec_parse(json, &s, &err), 0);
        assert_true(s.terminal);
        assert_int_equal(s.n_rlimits, 1);
        assert_int_equal(s.rlimits[0].resource, RLIMIT_NOFILE);
        assert_int_equal(s.resources.memory_limit, 10000000);
        assert_int_equal(s.resources.memory_swap, -1);
        assert_int_equal(s.resources.pids_limit, -1);
        assert_string_equal(s.seccomp_json, "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
        assert_int_equal(s.log_max_size, 10000);
        /* every byte value: each hex digit both ways */
        s.seccomp_bpf = malloc(256);
        for (size_t i = 0; i < 256; i++)
                ((uint8_t *) s.seccomp_bpf)[i] = (uint8_t) i;
        s.seccomp_bpf_size = 256;

        assert_int_equal(exec_spec_serialize(&s, &wire, &size), 0);
        assert_int_equal(exec_spec_deserialize(wire, size, &back), 0);
        assert_true(back.terminal && back.stdin_keep_open);
        assert_int_equal(back.rlimits[0].soft, 10);
        assert_int_equal(back.rlimits[0].hard, 20);
        assert_int_equal(back.resources.memory_limit, 10000000);
        assert_int_equal(back.resources.memory_swap, -1);
        assert_int_equal(back.resources.cpu_shares, 512);
        assert_int_equal(back.resources.cpu_quota, 50000);
        assert_int_equal(back.resources.cpu_period, 100000);
        assert_int_equal(back.resources.pids_limit, -1);
        assert_string_equal(back.resources.cpuset_cpus, "0-1");
        assert_string_equal(back.cgroups_path, "a/b");
        assert_string_equal(back.log_path, "/l/log");
        assert_int_equal(back.log_max_size, 10000);
        assert_int_equal(back.log_max_file, 3);
        assert_int_equal(back.seccomp_bpf_size, 256);
        assert_memory_equal(back.seccomp_bpf, s.seccomp_bpf, 256);
}

static void test_spec_bad_runtime_fields(void **state) {
        static const struct { const char *linux_, *want; } cases[] = {
                { "\"resources\":{\"memory\":{\"limit\":1000}}", "Minimum memory limit allowed is 6MB" },
                { "\"resources\":{\"memory\":{\"limit\":10000000,\"swap\":9000000}}", "memoryswap" },
                { "\"resources\":{\"cpu\":{\"cpus\":\"0;1\"}}", "cpu.cpus: invalid list" },
                { "\"resources\":{\"cpu\":{\"period\":10}}", "cpu.period" },
                { "\"cgroupsPath\":\"../x\"", "cgroupsPath" },
                { "\"seccomp\":[1]", "linux.seccomp: expected an object" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                _cleanup_(freep) char *json = NULL, *err = NULL;
                ExecSpec s = {};
                assert_true(asprintf(&json, "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},\"linux\":{%s}}",
                                     cases[i].linux_) > 0);
                assert_true(exec_spec_parse(json, &s, &err) < 0);
                assert_non_null(err);
                if (!strstr(err, cases[i].want))
                        fail_msg("case %zu: %s", i, err);
        }
        _cleanup_(freep) char *err = NULL;
        ExecSpec s = {};
        assert_true(exec_spec_parse("{\"process\":{\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_BOGUS\"}]},"
                                    "\"root\":{\"path\":\"/r\"}}", &s, &err) < 0);
        assert_non_null(strstr(err, "unknown type RLIMIT_BOGUS"));
}

static void test_seccomp(void **state) {
        _cleanup_(freep) void *bpf = NULL, *bpf2 = NULL;
        _cleanup_(freep) char *err = NULL, *err2 = NULL;
        size_t size = 0, size2 = 0;
        json_object *def;

        assert_int_equal(seccomp_compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\",\"no_such_call\"],"
                                         "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":13}]}", &bpf, &size, &err), 0);
        assert_true(size > 0 && size % sizeof(struct sock_filter) == 0);
        assert_true(seccomp_compile("{\"defaultAction\":\"SCMP_ACT_NOPE\"}", &bpf2, &size2, &err2) < 0);
        assert_non_null(strstr(err2, "SCMP_ACT_NOPE"));
        free(err2);
        err2 = NULL;
        assert_true(seccomp_compile("{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_VAX\"]}",
                                    &bpf2, &size2, &err2) < 0);
        assert_non_null(strstr(err2, "SCMP_ARCH_VAX"));

        /* docker's default profile: compiles; caps widen it */
        def = seccomp_profile_default(exec_default_caps);
        assert_non_null(def);
        const char *text = json_object_to_json_string_ext(def, JSON_C_TO_STRING_PLAIN);
        assert_non_null(strstr(text, "\"defaultAction\":\"SCMP_ACT_ERRNO\""));
        assert_non_null(strstr(text, "\"chroot\""));          /* CAP_SYS_CHROOT is docker's */
        assert_null(strstr(text, "\"mount\""));               /* CAP_SYS_ADMIN is not */
        assert_non_null(strstr(text, "\"errnoRet\":38"));     /* clone3 -> ENOSYS */
        free(bpf);
        bpf = NULL;
        assert_int_equal(seccomp_compile(text, &bpf, &size, &err), 0);
        json_object_put(def);
        def = seccomp_profile_default(UINT64_MAX);
        text = json_object_to_json_string_ext(def, JSON_C_TO_STRING_PLAIN);
        assert_non_null(strstr(text, "\"mount\""));
        assert_null(strstr(text, "\"errnoRet\":38"));
        json_object_put(def);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_log_time),
                cmocka_unit_test(test_log_encode),
                cmocka_unit_test(test_log_rotate),
                cmocka_unit_test(test_log_size),
                cmocka_unit_test(test_cgroup_own),
                cmocka_unit_test(test_cgroup_files),
                cmocka_unit_test(test_cgroup_save_load),
                cmocka_unit_test(test_spec_runtime_fields),
                cmocka_unit_test(test_spec_bad_runtime_fields),
                cmocka_unit_test(test_seccomp),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
