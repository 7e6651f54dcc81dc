/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* --format templates, ps filters, ps rows and statuses, top/stats cells. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/sysmacros.h>

#include "macro.h"
#include "ps-filter.h"
#include "ps-format.h"
#include "template.h"
#include "top-stats.h"

#define NOW 1700000100

static const char *doc_json =
        "{\"Id\":\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\","
        "\"Created\":\"2023-11-14T22:13:20.5Z\",\"Path\":\"sleep\",\"Args\":[\"10\"],"
        "\"State\":{\"Status\":\"running\",\"Running\":true,\"Paused\":false,\"Restarting\":false,"
        "\"Pid\":42,\"ExitCode\":0,\"StartedAt\":\"2023-11-14T22:13:40Z\",\"FinishedAt\":\"0001-01-01T00:00:00Z\"},"
        "\"Image\":\"sha256:feedbeef00112233\",\"Name\":\"/web\",\"RestartCount\":0,"
        "\"HostConfig\":{\"NetworkMode\":\"none\"},"
        "\"Config\":{\"Image\":\"busybox\",\"Cmd\":[\"sleep\",\"10\"],\"Entrypoint\":null,"
        "\"Labels\":{\"tier\":\"front\",\"app\":\"x\"}}}";

static char *render(const char *format, json_object *data) {
        Template *t = NULL;
        char *err = NULL, *out;

        assert_int_equal(template_parse(format, &t, &err), 0);
        out = template_render(t, data, &err);
        if (!out)
                fail_msg("render failed: %s", err);
        template_free(t);
        return out;
}

static void check(const char *format, json_object *data, const char *expected) {
        _cleanup_(freep) char *out = render(format, data);
        assert_string_equal(out, expected);
}

static void test_template(void **state) {
        json_object *d = json_tokener_parse(doc_json);

        check("{{.State.Status}}", d, "running");
        check("{{.State.Pid}} {{.State.Running}}", d, "42 true");
        check("{{ .Name }}", d, "/web");
        check("{{json .Config.Cmd}}", d, "[\"sleep\",\"10\"]");
        check("{{.Config.Cmd}}", d, "[sleep 10]");
        check("{{.Config.Labels}}", d, "map[app:x tier:front]");
        check("{{index .Config.Labels \"tier\"}}", d, "front");
        check("{{index .Config.Labels \"nope\"}}", d, "<no value>");
        check("{{.Config.Entrypoint}}", d, "<nil>");
        check("{{.Nope}}", d, "<no value>");
        check("{{json .Nope}}", d, "null");
        check("{{upper .State.Status}}", d, "RUNNING");
        check("{{len .Args}}", d, "1");
        check("a\\tb\\n{{.RestartCount}}", d, "a\tb\n0");
        check("no actions", d, "no actions");

        Template *t = NULL;
        char *err = NULL;
        assert_int_equal(template_parse("{{.State.Status", &t, &err), -EINVAL);
        assert_non_null(err);
        free(err);
        assert_int_equal(template_parse("{{foo .X}}", &t, &err), -EINVAL);
        assert_non_null(strstr(err, "function \"foo\" not defined"));
        free(err);
        assert_int_equal(template_parse("{{index .X}}", &t, &err), -EINVAL);
        free(err);
        assert_int_equal(template_parse("{{.A..B}}", &t, &err), -EINVAL);
        free(err);

        /* a field of a string cannot be evaluated */
        assert_int_equal(template_parse("{{.Name.X}}", &t, &err), 0);
        assert_null(template_render(t, d, &err));
        assert_non_null(err);
        free(err);
        template_free(t);

        assert_int_equal(template_parse("table {{.ID}}\\t{{.Names}}", &t, &err), 0);
        assert_true(template_is_table(t));
        char *h = template_render_header(t, ps_header);
        assert_string_equal(h, "CONTAINER ID\tNAMES");
        free(h);
        template_free(t);
        json_object_put(d);
}

static PsFilter filter(const char *const *args) {
        PsFilter f = {};
        char *err = NULL;

        for (; *args; args++) {
                assert_int_equal(ps_filter_add(&f, *args, &err), 0);
                assert_null(err);
        }
        return f;
}

static bool matches(const char *const *args, json_object *d) {
        PsFilter f = filter(args);
        bool m = ps_filter_match(&f, d);
        ps_filter_done(&f);
        return m;
}

static void test_filters(void **state) {
        json_object *d = json_tokener_parse(doc_json);
        PsFilter f = {};
        char *err = NULL;

        assert_true(matches((const char *[]) { NULL }, d));
        assert_true(matches((const char *[]) { "status=running", NULL }, d));
        assert_false(matches((const char *[]) { "status=exited", NULL }, d));
        /* one key: OR */
        assert_true(matches((const char *[]) { "status=exited", "status=running", NULL }, d));
        /* keys: AND */
        assert_false(matches((const char *[]) { "status=running", "name=db", NULL }, d));
        assert_true(matches((const char *[]) { "status=running", "name=we", NULL }, d));
        assert_true(matches((const char *[]) { "name=^/web$", NULL }, d));
        assert_false(matches((const char *[]) { "name=^web$", NULL }, d));
        assert_true(matches((const char *[]) { "id=0123456", NULL }, d));
        assert_false(matches((const char *[]) { "id=fff", NULL }, d));
        assert_true(matches((const char *[]) { "label=tier", NULL }, d));
        assert_true(matches((const char *[]) { "label=tier=front", NULL }, d));
        assert_false(matches((const char *[]) { "label=tier=back", NULL }, d));
        /* labels: every one must match (docker) */
        assert_false(matches((const char *[]) { "label=tier", "label=nope", NULL }, d));
        assert_true(matches((const char *[]) { "label=tier", "label=app=x", NULL }, d));
        assert_true(matches((const char *[]) { "ancestor=busybox", NULL }, d));
        assert_true(matches((const char *[]) { "ancestor=busybox:latest", NULL }, d));
        assert_true(matches((const char *[]) { "ancestor=feedbeef", NULL }, d));
        assert_true(matches((const char *[]) { "ancestor=sha256:feedbeef", NULL }, d));
        assert_false(matches((const char *[]) { "ancestor=alpine", NULL }, d));

        assert_int_equal(ps_filter_add(&f, "status=bogus", &err), -EINVAL);
        assert_string_equal(err, "Unrecognised filter value for status: bogus");
        free(err);
        assert_int_equal(ps_filter_add(&f, "color=red", &err), -EINVAL);
        assert_string_equal(err, "invalid filter 'color'");
        free(err);
        assert_int_equal(ps_filter_add(&f, "status", &err), -EINVAL);
        assert_string_equal(err, "bad format of filter (expected name=value)");
        free(err);
        assert_int_equal(ps_filter_add(&f, "name=[", &err), -EINVAL);
        free(err);
        ps_filter_done(&f);
        json_object_put(d);
}

static void test_ps_row(void **state) {
        json_object *d = json_tokener_parse(doc_json), *row, *st;
        char *s;

        row = ps_row(d, false, NOW);
        assert_non_null(row);
        assert_string_equal(json_path_string(row, "ID", NULL), "0123456789ab");
        assert_string_equal(json_path_string(row, "Names", NULL), "web");
        assert_string_equal(json_path_string(row, "Command", NULL), "\"sleep 10\"");
        assert_string_equal(json_path_string(row, "Status", NULL), "Up About a minute");
        assert_string_equal(json_path_string(row, "RunningFor", NULL), "About a minute ago");
        assert_string_equal(json_path_string(row, "Labels", NULL), "app=x,tier=front");
        assert_string_equal(json_path_string(row, "CreatedAt", NULL), "2023-11-14 22:13:20 +0000 UTC");
        check("{{.Label \"tier\"}}", row, "front");
        json_object_put(row);

        json_object_object_get_ex(d, "State", &st);
        json_object_object_add(st, "Paused", json_object_new_boolean(true));
        s = ps_status(d, NOW);
        assert_string_equal(s, "Up About a minute (Paused)");
        free(s);
        json_object_object_add(st, "Paused", json_object_new_boolean(false));
        json_object_object_add(st, "Restarting", json_object_new_boolean(true));
        json_object_object_add(st, "ExitCode", json_object_new_int(1));
        json_object_object_add(st, "FinishedAt", json_object_new_string("2023-11-14T22:14:58Z"));
        s = ps_status(d, NOW);
        assert_string_equal(s, "Restarting (1) 2 seconds ago");
        free(s);
        json_object_object_add(st, "Restarting", json_object_new_boolean(false));
        json_object_object_add(st, "Running", json_object_new_boolean(false));
        json_object_object_add(st, "Status", json_object_new_string("exited"));
        s = ps_status(d, NOW);
        assert_string_equal(s, "Exited (1) 2 seconds ago");
        free(s);

        assert_int_equal(rfc3339_to_unix("0001-01-01T00:00:00Z"), 0);
        assert_int_equal(rfc3339_to_unix("2023-11-14T22:13:20.123Z"), 1700000000);
        json_object_put(d);
}

static void test_top_stats(void **state) {
        char buf[32], stime[16];
        char cpu[64], mem[64], pct[64], net[64], blk[64], pids[64];

        assert_string_equal(top_format_time(0, buf), "00:00:00");
        assert_string_equal(top_format_time(3661, buf), "01:01:01");
        assert_string_equal(top_format_time(90000, buf), "1-01:00:00");
        assert_string_equal(top_format_tty(0, buf), "?");
        assert_string_equal(top_format_tty(makedev(136, 3), buf), "pts/3");
        assert_string_equal(top_format_tty(makedev(4, 1), buf), "tty1");
        assert_int_equal(top_cpu_percent(50, 100), 50u);
        assert_int_equal(top_cpu_percent(5, 0), 0u);
        assert_int_equal(strlen(top_format_stime(NOW - 60, NOW, stime)), 5);  /* HH:MM */
        assert_int_equal(strlen(top_format_stime(NOW - 3 * 86400, NOW, stime)), 5); /* MonDD */
        assert_int_equal(strlen(top_format_stime(NOW - 400 * 86400, NOW, stime)), 4); /* year */

        StatsSample a = { .valid = true, .cpu_ns = 1000000000, .when_ns = 1000000000 },
                    b = { .valid = true, .cpu_ns = 1500000000, .when_ns = 2000000000,
                          .mem_usage = 1024 * 1024, .mem_limit = 100 * 1024 * 1024, .has_mem_limit = true,
                          .net_rx = 1000, .net_tx = 2000000, .blk_read = 0, .blk_write = 4096, .pids = 3 };
        stats_format(&a, &b, UINT64_C(8) << 30, cpu, mem, pct, net, blk, pids);
        assert_string_equal(cpu, "50.00%");
        assert_string_equal(mem, "1MiB / 100MiB");
        assert_string_equal(pct, "1.00%");
        assert_string_equal(net, "1kB / 2MB");
        assert_string_equal(blk, "0B / 4.1kB");
        assert_string_equal(pids, "3");
        /* no limit: the host's memory */
        b.has_mem_limit = false;
        stats_format(NULL, &b, UINT64_C(8) << 30, cpu, mem, pct, net, blk, pids);
        assert_string_equal(cpu, "0.00%");
        assert_string_equal(mem, "1MiB / 8GiB");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_template),
                cmocka_unit_test(test_filters),
                cmocka_unit_test(test_ps_row),
                cmocka_unit_test(test_top_stats),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
