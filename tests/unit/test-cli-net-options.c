/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The network flags of run/create: docker's -p grammar, --ip, --mac-address,
 * --dns, --add-host, and the NetworkConfig JSON they make. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "macro.h"
#include "net-options.h"

static void test_port_spec(void **state) {
        _cleanup_(freep) PortSpec *p = NULL;
        char *error = NULL;
        size_t n = 0;

        assert_int_equal(port_spec_parse("80", &p, &n, &error), 0);
        assert_int_equal(n, 1);
        assert_int_equal(p[0].container_port, 80);
        assert_int_equal(p[0].host_port, 0);
        assert_string_equal(p[0].host_ip, "");
        assert_false(p[0].udp);

        assert_int_equal(port_spec_parse("8080:80/udp", &p, &n, &error), 0);
        assert_int_equal(p[1].host_port, 8080);
        assert_int_equal(p[1].container_port, 80);
        assert_true(p[1].udp);

        assert_int_equal(port_spec_parse("127.0.0.1:5000:5001/tcp", &p, &n, &error), 0);
        assert_string_equal(p[2].host_ip, "127.0.0.1");
        assert_int_equal(p[2].host_port, 5000);

        assert_int_equal(port_spec_parse("127.0.0.1::53", &p, &n, &error), 0);
        assert_int_equal(p[3].host_port, 0);
        assert_int_equal(p[3].container_port, 53);

        assert_int_equal(port_spec_parse("9000-9002:7000-7002", &p, &n, &error), 0);
        assert_int_equal(n, 7);
        assert_int_equal(p[6].host_port, 9002);
        assert_int_equal(p[6].container_port, 7002);
}

static void test_port_spec_bad(void **state) {
        static const struct { const char *spec, *error; } bad[] = {
                { "abc", "Invalid containerPort: abc" },
                { "0", "Invalid containerPort: 0" },
                { "70000", "Invalid containerPort: 70000" },
                { "99999:80", "Invalid hostPort: 99999" },
                { "x:80", "Invalid hostPort: x" },
                { "80/sctp", "Invalid proto: sctp" },
                { "1.2.3:80:80", "Invalid ip address: 1.2.3" },
                { "9000-9003:7000-7001", NULL },
                { "", NULL },
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(freep) PortSpec *p = NULL;
                _cleanup_(freep) char *error = NULL;
                size_t n = 0;

                assert_int_equal(port_spec_parse(bad[i].spec, &p, &n, &error), -EINVAL);
                assert_int_equal(n, 0);
                assert_non_null(error);
                if (bad[i].error)
                        assert_string_equal(error, bad[i].error);
        }
}

static void test_flags_json(void **state) {
        _cleanup_(net_options_done) NetOptions o = {};
        _cleanup_(freep) char *json = NULL, *error = NULL;

        assert_int_equal(net_options_to_json(&o, &json), 0);
        assert_null(json);      /* no flag: no option at all */

        assert_int_equal(net_options_add(&o, "publish", "127.0.0.1:8080:80", &error), 0);
        assert_int_equal(net_options_add(&o, "ip", "10.1.0.5", &error), 0);
        assert_int_equal(net_options_add(&o, "mac-address", "92:d0:c6:0a:29:33", &error), 0);
        assert_int_equal(net_options_add(&o, "dns", "10.1.0.1", &error), 0);
        assert_int_equal(net_options_add(&o, "add-host", "db:10.1.0.9", &error), 0);
        assert_int_equal(net_options_add(&o, "network-alias", "web\"x", &error), 0);
        assert_int_equal(net_options_add(&o, "publish-all", NULL, &error), 0);
        assert_int_equal(net_options_to_json(&o, &json), 0);
        assert_string_equal(json,
                "{\"PublishAllPorts\":true,\"PortBindings\":[{\"HostIp\":\"127.0.0.1\",\"HostPort\":8080,"
                "\"ContainerPort\":80,\"Proto\":\"tcp\"}],\"IPAddress\":\"10.1.0.5\",\"MacAddress\":\"92:d0:c6:0a:29:33\","
                "\"Dns\":[\"10.1.0.1\"],\"ExtraHosts\":[\"db:10.1.0.9\"],\"Aliases\":[\"web\\\"x\"]}");

        assert_int_equal(net_options_add(&o, "ip", "10.1.0", &error), -EINVAL);
        free(error), error = NULL;
        assert_int_equal(net_options_add(&o, "mac-address", "92:d0:c6:0a:29", &error), -EINVAL);
        free(error), error = NULL;
        assert_int_equal(net_options_add(&o, "dns", "resolver", &error), -EINVAL);
        free(error), error = NULL;
        assert_int_equal(net_options_add(&o, "add-host", "nocolon", &error), -EINVAL);
        free(error), error = NULL;
        assert_int_equal(net_options_add(&o, "add-host", "db:notanip", &error), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_port_spec),
                cmocka_unit_test(test_port_spec_bad),
                cmocka_unit_test(test_flags_json),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
