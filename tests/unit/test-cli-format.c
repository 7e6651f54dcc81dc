/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "format.h"
#include "macro.h"

#define SEC(x)   ((int64_t) (x) * (int64_t) USEC_PER_SEC)
#define MINUTE   SEC(60)
#define HOUR     SEC(3600)
#define DAY      (24 * HOUR)
#define WEEK     (7 * DAY)
#define MONTH    (30 * DAY)
#define YEAR     (365 * DAY)

static void check_size(uint64_t bytes, const char *expected) {
        char buf[HUMAN_SIZE_MAX];
        assert_string_equal(format_human_size(bytes, buf), expected);
}

static void test_human_size(void **state) {
        /* go-units HumanSizeWithPrecision(x, 3), as `docker images` shows */
        check_size(0, "0B");
        check_size(1, "1B");
        check_size(999, "999B");
        check_size(1000, "1kB");
        check_size(1024, "1.02kB");
        check_size(1200, "1.2kB");
        check_size(4261120, "4.26MB");
        check_size(1000000, "1MB");
        check_size(12345678, "12.3MB");
        check_size(123456789, "123MB");
        check_size(UINT64_C(1000000000), "1GB");
        check_size(UINT64_C(7300000000), "7.3GB");
        check_size(UINT64_C(1000000000000), "1TB");
        /* Go's %g switches to an exponent just as C's does */
        check_size(999999, "1e+03kB");
}

static void test_bytes_size(void **state) {
        char buf[HUMAN_SIZE_MAX];

        /* go-units BytesSize */
        assert_string_equal(format_bytes_size(0, buf), "0B");
        assert_string_equal(format_bytes_size(1023, buf), "1023B");
        assert_string_equal(format_bytes_size(1024, buf), "1KiB");
        assert_string_equal(format_bytes_size(1024 * 1024, buf), "1MiB");
        assert_string_equal(format_bytes_size(UINT64_C(8336379904), buf), "7.764GiB");
}

static void check_duration(int64_t usec, const char *expected) {
        char buf[HUMAN_DURATION_MAX];
        assert_string_equal(format_human_duration(usec, buf), expected);
}

static void test_human_duration(void **state) {
        /* go-units duration_test.go */
        check_duration(450 * 1000, "Less than a second");
        check_duration(0, "Less than a second");
        check_duration(-SEC(5), "Less than a second");
        check_duration(SEC(1), "1 second");
        check_duration(SEC(45), "45 seconds");
        check_duration(SEC(46), "46 seconds");
        check_duration(SEC(59), "59 seconds");
        check_duration(SEC(60), "About a minute");
        check_duration(MINUTE + SEC(59), "About a minute");
        check_duration(3 * MINUTE, "3 minutes");
        check_duration(35 * MINUTE, "35 minutes");
        check_duration(35 * MINUTE + SEC(40), "35 minutes");
        check_duration(45 * MINUTE, "45 minutes");
        check_duration(45 * MINUTE + SEC(40), "45 minutes");
        check_duration(46 * MINUTE, "46 minutes");
        check_duration(59 * MINUTE, "59 minutes");
        check_duration(HOUR, "About an hour");
        check_duration(HOUR + 29 * MINUTE, "About an hour");
        check_duration(HOUR + 31 * MINUTE, "2 hours");
        check_duration(HOUR + 59 * MINUTE, "2 hours");
        check_duration(3 * HOUR, "3 hours");
        check_duration(3 * HOUR + 29 * MINUTE, "3 hours");
        check_duration(3 * HOUR + 31 * MINUTE, "4 hours");
        check_duration(3 * HOUR + 59 * MINUTE, "4 hours");
        check_duration(3 * HOUR + 60 * MINUTE, "4 hours");
        check_duration(24 * HOUR, "24 hours");
        check_duration(DAY + 12 * HOUR, "36 hours");
        check_duration(2 * DAY, "2 days");
        check_duration(7 * DAY, "7 days");
        check_duration(13 * DAY + 5 * HOUR, "13 days");
        check_duration(2 * WEEK, "2 weeks");
        check_duration(2 * WEEK + 4 * DAY, "2 weeks");
        check_duration(3 * WEEK, "3 weeks");
        check_duration(4 * WEEK, "4 weeks");
        check_duration(4 * WEEK + 3 * DAY, "4 weeks");
        check_duration(MONTH, "4 weeks");
        check_duration(MONTH + 2 * WEEK, "6 weeks");
        check_duration(2 * MONTH, "2 months");
        check_duration(2 * MONTH + 2 * WEEK, "2 months");
        check_duration(3 * MONTH, "3 months");
        check_duration(3 * MONTH + WEEK, "3 months");
        check_duration(5 * MONTH + 2 * WEEK, "5 months");
        check_duration(13 * MONTH, "13 months");
        check_duration(23 * MONTH, "23 months");
        check_duration(24 * MONTH, "24 months");
        check_duration(24 * MONTH + 2 * WEEK, "2 years");
        check_duration(3 * YEAR + 2 * MONTH, "3 years");
}

static void test_time_ago(void **state) {
        char buf[HUMAN_DURATION_MAX + 4];

        assert_string_equal(format_time_ago(1000, 1000, buf), "Less than a second ago");
        assert_string_equal(format_time_ago(1000, 1000 - 7200, buf), "2 hours ago");
        assert_string_equal(format_time_ago(1000, 1000 - 61, buf), "About a minute ago");
}

static void check_status(const char *state, int code, int64_t started, int64_t finished, int64_t now,
                         const char *expected) {
        _cleanup_(freep) char *s = format_container_status(state, code, started, finished, now);
        assert_non_null(s);
        assert_string_equal(s, expected);
}

static void test_status(void **state) {
        int64_t now = 1700000000;

        check_status("created", 0, 0, 0, now, "Created");
        check_status("running", 0, now - 3, 0, now, "Up 3 seconds");
        check_status("running", 0, now, 0, now, "Up Less than a second");
        check_status("running", 0, now - 7200, 0, now, "Up 2 hours");
        check_status("exited", 0, now - 10, now - 5, now, "Exited (0) 5 seconds ago");
        check_status("exited", 137, now - 100, now - 60, now, "Exited (137) About a minute ago");
        check_status("exited", 1, now - 100, 0, now, "Exited (1)");
        /* never started: still "Created", whatever the state string says */
        check_status("exited", 0, 0, 0, now, "Created");
}

static void check_quote(const char *in, const char *expected) {
        _cleanup_(freep) char *q = format_quote(in);
        assert_non_null(q);
        assert_string_equal(q, expected);
}

static void test_quote(void **state) {
        /* Go's strconv.Quote */
        check_quote("", "\"\"");
        check_quote("echo hello", "\"echo hello\"");
        check_quote("sh -c \"x\"", "\"sh -c \\\"x\\\"\"");
        check_quote("a\\b", "\"a\\\\b\"");
        check_quote("a\tb\nc", "\"a\\tb\\nc\"");
        check_quote("\x01\x7f", "\"\\x01\\x7f\"");
        check_quote("caf\xc3\xa9", "\"caf\xc3\xa9\"");
        check_quote("bad\xff", "\"bad\\xff\"");
        check_quote("…", "\"…\"");
}

static void check_ellipsis(const char *in, size_t max, const char *expected) {
        _cleanup_(freep) char *e = format_ellipsis(in, max);
        assert_non_null(e);
        assert_string_equal(e, expected);
}

static void test_ellipsis(void **state) {
        /* docker's formatter.Ellipsis */
        check_ellipsis("echo hello", 20, "echo hello");
        check_ellipsis("12345678901234567890", 20, "12345678901234567890");
        check_ellipsis("123456789012345678901", 20, "1234567890123456789…");
        check_ellipsis("abc", 1, "a");
        check_ellipsis("abc", 0, "");
        check_ellipsis("ééééé", 3, "éé…");
}

static void check_command(const char *in, bool no_trunc, const char *expected) {
        _cleanup_(freep) char *c = format_command(in, no_trunc);
        assert_non_null(c);
        assert_string_equal(c, expected);
}

static void test_command(void **state) {
        check_command("echo hello", false, "\"echo hello\"");
        check_command("sh -c 'while true; do sleep 1; done'", false, "\"sh -c 'while true; …\"");
        check_command("sh -c 'while true; do sleep 1; done'", true, "\"sh -c 'while true; do sleep 1; done'\"");
        check_command("", false, "\"\"");
}

static void test_short_id(void **state) {
        _cleanup_(freep) char *a = format_short_id("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        _cleanup_(freep) char *b = format_short_id("fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210");
        _cleanup_(freep) char *c = format_short_id("abc");

        assert_string_equal(a, "0123456789ab");
        assert_string_equal(b, "fedcba987654");
        assert_string_equal(c, "abc");
}

static void check_split(const char *in, const char *repository, const char *tag) {
        _cleanup_(freep) char *r = NULL, *t = NULL;

        assert_int_equal(format_split_reference(in, &r, &t), 0);
        assert_string_equal(r, repository);
        assert_string_equal(t, tag);
}

static void test_split_reference(void **state) {
        check_split("busybox:latest", "busybox", "latest");
        check_split("busybox", "busybox", "<none>");
        check_split("127.0.0.1:5000/library/busybox:1.36", "127.0.0.1:5000/library/busybox", "1.36");
        check_split("localhost:5000/app", "localhost:5000/app", "<none>");
        check_split("busybox@sha256:0123", "busybox", "<none>");
        check_split("busybox:1@sha256:0123", "busybox", "<none>");
}

static char *table_render(const Table *t) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);

        assert_non_null(f);
        assert_int_equal(table_print(t, f), 0);
        fclose(f);
        return buf;
}

static void test_table(void **state) {
        _cleanup_(table_freep) Table *t = table_new(5, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        _cleanup_(freep) char *out = NULL;

        assert_non_null(t);
        assert_int_equal(table_add_row(t, (const char *[]) { "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE" }), 0);
        assert_int_equal(table_add_row(t, (const char *[]) { "127.0.0.1:5000/library/busybox", "latest",
                                                             "0123456789ab", "2 hours ago", "4.26MB" }), 0);
        assert_int_equal(table_rows(t), 2);
        out = table_render(t);
        /* what docker prints for the same rows: width = max(10, longest + 3),
         * the last column unpadded */
        assert_string_equal(out,
                            "REPOSITORY                       TAG       IMAGE ID       CREATED       SIZE\n"
                            "127.0.0.1:5000/library/busybox   latest    0123456789ab   2 hours ago   4.26MB\n");
}

static void test_table_empty_column(void **state) {
        _cleanup_(table_freep) Table *t = table_new(3, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        _cleanup_(freep) char *out = NULL;

        assert_non_null(t);
        assert_int_equal(table_add_row(t, (const char *[]) { "STATUS", "PORTS", "NAMES" }), 0);
        assert_int_equal(table_add_row(t, (const char *[]) { "Up 3 seconds", "", "café_über" }), 0);
        out = table_render(t);
        /* an empty PORTS column still takes minwidth, like docker ps */
        assert_string_equal(out,
                            "STATUS         PORTS     NAMES\n"
                            "Up 3 seconds             café_über\n");
}

static void test_table_utf8(void **state) {
        _cleanup_(table_freep) Table *t = table_new(2, 0, 1);
        _cleanup_(freep) char *out = NULL;

        assert_non_null(t);
        assert_int_equal(table_add(t, "\"échoé…\""), 0);
        assert_int_equal(table_add(t, "x"), 0);
        assert_int_equal(table_add(t, "abcdefghi"), 0);
        assert_int_equal(table_add(t, NULL), 0);
        out = table_render(t);
        /* widths count characters, not bytes */
        assert_string_equal(out, "\"échoé…\"  x\nabcdefghi \n");
        assert_int_equal(utf8_width("échoé…"), 6);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_human_size),
                cmocka_unit_test(test_bytes_size),
                cmocka_unit_test(test_human_duration),
                cmocka_unit_test(test_time_ago),
                cmocka_unit_test(test_status),
                cmocka_unit_test(test_quote),
                cmocka_unit_test(test_ellipsis),
                cmocka_unit_test(test_command),
                cmocka_unit_test(test_short_id),
                cmocka_unit_test(test_split_reference),
                cmocka_unit_test(test_table),
                cmocka_unit_test(test_table_empty_column),
                cmocka_unit_test(test_table_utf8),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
