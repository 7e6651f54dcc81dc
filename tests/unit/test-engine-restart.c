/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Restart policies and docker's back-off; the container record keeping
 * keys it does not model; docker's inspect shape; signal names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <signal.h>

#include "container.h"
#include "inspect.h"
#include "macro.h"
#include "restart.h"
#include "signal-util.h"

#define SEC UINT64_C(1000000)
#define ID1 "aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"

static void test_policy_parse(void **state) {
        RestartPolicy p;

        assert_int_equal(restart_policy_parse("no", &p), 0);
        assert_int_equal(p.name, RESTART_NO);
        assert_int_equal(restart_policy_parse("always", &p), 0);
        assert_int_equal(p.name, RESTART_ALWAYS);
        assert_int_equal(restart_policy_parse("unless-stopped", &p), 0);
        assert_int_equal(p.name, RESTART_UNLESS_STOPPED);
        assert_int_equal(restart_policy_parse("on-failure", &p), 0);
        assert_int_equal(p.name, RESTART_ON_FAILURE);
        assert_int_equal(p.maximum_retry_count, 0u);
        assert_int_equal(restart_policy_parse("on-failure:5", &p), 0);
        assert_int_equal(p.maximum_retry_count, 5u);

        assert_int_equal(restart_policy_parse("sometimes", &p), -EINVAL);
        assert_int_equal(restart_policy_parse("always:3", &p), -EINVAL);
        assert_int_equal(restart_policy_parse("on-failure:", &p), -EINVAL);
        assert_int_equal(restart_policy_parse("on-failure:-1", &p), -EINVAL);
        assert_int_equal(restart_policy_parse("on-failure:x", &p), -EINVAL);
}

static void test_policy_from_record(void **state) {
        json_object *o = json_tokener_parse(
                "{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3}}}");
        RestartPolicy p;

        restart_policy_from_record(o, &p);
        assert_int_equal(p.name, RESTART_ON_FAILURE);
        assert_int_equal(p.maximum_retry_count, 3u);
        json_object_put(o);

        o = json_tokener_parse("{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"\"}}}");
        restart_policy_from_record(o, &p);
        assert_int_equal(p.name, RESTART_NO);
        json_object_put(o);

        o = json_tokener_parse("{\"HostConfig\":{\"RestartPolicy\":{\"Name\":\"bogus\"}}}");
        restart_policy_from_record(o, &p);
        assert_int_equal(p.name, RESTART_NO);
        json_object_put(o);

        restart_policy_from_record(NULL, &p);
        assert_int_equal(p.name, RESTART_NO);
}

static void test_backoff(void **state) {
        RestartPolicy always = { .name = RESTART_ALWAYS };
        uint64_t b = 0;

        /* 100 ms, doubling */
        assert_true(restart_should(&always, 1, false, 0, 0, &b));
        assert_int_equal(b, 100000);
        assert_true(restart_should(&always, 1, false, 1 * SEC, 1, &b));
        assert_int_equal(b, 200000);
        assert_true(restart_should(&always, 0, false, 1 * SEC, 2, &b));
        assert_int_equal(b, 400000);
        /* a run of 10 s starts over */
        assert_true(restart_should(&always, 0, false, 10 * SEC, 3, &b));
        assert_int_equal(b, 100000);
        /* capped at a minute */
        for (int i = 0; i < 20; i++)
                assert_true(restart_should(&always, 1, false, 0, 0, &b));
        assert_int_equal(b, 60 * SEC);
        /* a stop turns it off */
        assert_false(restart_should(&always, 1, true, 0, 0, &b));
}

static void test_policies(void **state) {
        RestartPolicy no = { .name = RESTART_NO }, us = { .name = RESTART_UNLESS_STOPPED },
                      of = { .name = RESTART_ON_FAILURE }, of2 = { .name = RESTART_ON_FAILURE, .maximum_retry_count = 2 };
        uint64_t b = 0;

        assert_false(restart_should(&no, 1, false, 0, 0, &b));
        assert_true(restart_should(&us, 0, false, 0, 0, &b));
        assert_false(restart_should(&us, 0, true, 0, 0, &b));
        assert_true(restart_should(&of, 1, false, 0, 100, &b));
        assert_false(restart_should(&of, 0, false, 0, 0, &b));
        assert_true(restart_should(&of2, 3, false, 0, 0, &b));
        assert_true(restart_should(&of2, 3, false, 0, 1, &b));
        assert_false(restart_should(&of2, 3, false, 0, 2, &b));

        /* at start-up: always even after a stop, unless-stopped not */
        RestartPolicy al = { .name = RESTART_ALWAYS };
        assert_true(restart_on_boot(&al, 0, true, 0, false));
        assert_false(restart_on_boot(&al, 0, false, 0, true));
        assert_true(restart_on_boot(&us, 137, false, 0, false));
        assert_false(restart_on_boot(&us, 137, true, 0, false));
        assert_true(restart_on_boot(&of, 137, false, 0, false));
        assert_false(restart_on_boot(&of, 0, false, 0, false));
        assert_false(restart_on_boot(&no, 137, false, 0, false));
}

static Container *make(void) {
        Container *c = calloc(1, sizeof *c);
        char *cmd[] = { "sleep", "10", NULL }, *env[] = { "PATH=/bin", NULL };

        assert_non_null(c);
        strcpy(c->id, ID1);
        c->name = strdup("web");
        c->image = strdup("busybox");
        c->image_id = strdup("sha256:0123");
        c->created = 1700000000;
        c->created_ns = INT64_C(1700000000123400000);
        c->config.entrypoint = strv_copy(NULL);
        c->config.cmd = strv_copy(cmd);
        c->config.env = strv_copy(env);
        c->config.workdir = strdup("/");
        c->config.hostname = strdup("");
        c->config.user = strdup("");
        c->network_mode = strdup("none");
        c->status = CONTAINER_RUNNING;
        c->pid = 42;
        c->started_at = 1700000001;
        return c;
}

static void test_record_keeps_unknown_keys(void **state) {
        _cleanup_(container_freep) Container *c = make(), *d = NULL, *e = NULL;
        _cleanup_(freep) char *json = NULL, *json2 = NULL, *json3 = NULL;
        json_object *o, *v;

        c->restart_count = 3;
        c->manually_stopped = true;
        c->paused = true;
        assert_int_equal(container_to_json(c, &json), 0);
        /* another area adds its keys to the stored record */
        o = json_tokener_parse(json);
        json_object_object_get_ex(o, "HostConfig", &v);
        json_object_object_add(v, "RestartPolicy", json_tokener_parse("{\"Name\":\"always\",\"MaximumRetryCount\":0}"));
        json_object_object_get_ex(o, "Config", &v);
        json_object_object_add(v, "Labels", json_tokener_parse("{\"a\":\"b\"}"));
        json_object_object_add(o, "Future", json_object_new_string("kept"));
        json2 = strdup(json_object_to_json_string(o));
        json_object_put(o);

        assert_int_equal(container_from_json(json2, &d), 0);
        assert_int_equal(d->restart_count, 3u);
        assert_true(d->manually_stopped);
        assert_true(d->paused);
        assert_int_equal(d->created_ns, INT64_C(1700000000123400000));
        d->restart_count = 4;
        assert_int_equal(container_to_json(d, &json3), 0);
        assert_int_equal(container_from_json(json3, &e), 0);
        assert_int_equal(e->restart_count, 4u);

        o = json_tokener_parse(json3);
        RestartPolicy p;
        restart_policy_from_record(o, &p);
        assert_int_equal(p.name, RESTART_ALWAYS);
        assert_true(json_object_object_get_ex(o, "Future", &v));
        assert_string_equal(json_object_get_string(v), "kept");
        json_object_object_get_ex(o, "Config", &v);
        assert_true(json_object_object_get_ex(v, "Labels", NULL));
        json_object_put(o);
}

static void test_inspect_shape(void **state) {
        _cleanup_(container_freep) Container *c = make();
        json_object *o, *v, *s;

        c->paused = true;
        o = container_inspect(c);
        assert_non_null(o);
        assert_true(json_object_object_get_ex(o, "Name", &v));
        assert_string_equal(json_object_get_string(v), "/web");
        assert_true(json_object_object_get_ex(o, "Created", &v));
        assert_string_equal(json_object_get_string(v), "2023-11-14T22:13:20.1234Z");
        assert_true(json_object_object_get_ex(o, "Path", &v));
        assert_string_equal(json_object_get_string(v), "sleep");
        assert_true(json_object_object_get_ex(o, "State", &s));
        json_object_object_get_ex(s, "Status", &v);
        assert_string_equal(json_object_get_string(v), "paused");
        json_object_object_get_ex(s, "Running", &v);
        assert_true(json_object_get_boolean(v));
        json_object_object_get_ex(s, "Pid", &v);
        assert_int_equal(json_object_get_int(v), 42);
        json_object_object_get_ex(s, "FinishedAt", &v);
        assert_string_equal(json_object_get_string(v), "0001-01-01T00:00:00Z");
        json_object_object_get_ex(s, "StartedAt", &v);
        assert_string_equal(json_object_get_string(v), "2023-11-14T22:13:21Z");
        json_object_object_get_ex(o, "Config", &s);
        json_object_object_get_ex(s, "Entrypoint", &v);
        assert_null(v);
        json_object_object_get_ex(s, "Hostname", &v);
        assert_string_equal(json_object_get_string(v), "aaaa1111aaaa");
        json_object_object_get_ex(o, "HostConfig", &s);
        json_object_object_get_ex(s, "RestartPolicy", &s);
        json_object_object_get_ex(s, "Name", &v);
        assert_string_equal(json_object_get_string(v), "no");
        json_object_put(o);

        c->paused = false;
        c->status = CONTAINER_EXITED;
        c->restarting = true;
        assert_string_equal(container_docker_state(c), "restarting");
        c->restarting = false;
        assert_string_equal(container_docker_state(c), "exited");
}

static void test_signal_parse(void **state) {
        assert_int_equal(signal_parse("KILL"), SIGKILL);
        assert_int_equal(signal_parse("SIGKILL"), SIGKILL);
        assert_int_equal(signal_parse("sigterm"), SIGTERM);
        assert_int_equal(signal_parse("usr1"), SIGUSR1);
        assert_int_equal(signal_parse("9"), 9);
        assert_int_equal(signal_parse("15"), 15);
        assert_int_equal(signal_parse("RTMIN"), 34);
        assert_int_equal(signal_parse("RTMIN+3"), 37);
        assert_int_equal(signal_parse("SIGRTMAX-2"), 62);
        assert_int_equal(signal_parse("RTMAX"), 64);
        assert_int_equal(signal_parse("0"), -EINVAL);
        assert_int_equal(signal_parse(""), -EINVAL);
        assert_int_equal(signal_parse("FOO"), -EINVAL);
        assert_int_equal(signal_parse("SIG"), -EINVAL);
        assert_int_equal(signal_parse("RTMIN+16"), -EINVAL);
        assert_int_equal(signal_parse("RTMAX-15"), -EINVAL);
        assert_int_equal(signal_parse(" 9"), -EINVAL);
        assert_int_equal(signal_parse("99"), -ERANGE);
        assert_int_equal(signal_parse("-1"), -ERANGE);
        assert_int_equal(signal_parse("32"), -ERANGE);

        assert_string_equal(signal_name(SIGTERM), "TERM");
        assert_string_equal(signal_name(36), "RTMIN+2");
        assert_string_equal(signal_name(63), "RTMAX-1");
        assert_null(signal_name(32));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_policy_parse),
                cmocka_unit_test(test_policy_from_record),
                cmocka_unit_test(test_backoff),
                cmocka_unit_test(test_policies),
                cmocka_unit_test(test_record_keeps_unknown_keys),
                cmocka_unit_test(test_inspect_shape),
                cmocka_unit_test(test_signal_parse),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
