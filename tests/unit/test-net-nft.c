/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The nft script netd writes (only its own table, atomically), and the
 * DNS message handling of its embedded server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "dns.h"
#include "macro.h"
#include "nft.h"

#define IP(a, b, c, d) (((uint32_t) (a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void test_empty(void **state) {
        _cleanup_(freep) char *s = NULL;

        assert_int_equal(nft_script_build("wharf", NULL, 0, NULL, 0, &s), 0);
        assert_string_equal(s, "add table ip wharf\ndelete table ip wharf\n");
}

static void test_rules(void **state) {
        _cleanup_(freep) char *s = NULL;
        NftNetwork nets[2] = {
                { .bridge = "wharf0", .subnet = { IP(172, 17, 0, 0), 16 } },
                { .bridge = "br-0123456789ab", .subnet = { IP(10, 5, 0, 0), 24 }, .internal = true },
        };
        NftPort ports[2] = {
                { .host_port = 8080, .container_ip = IP(172, 17, 0, 2), .container_port = 80 },
                { .host_ip = IP(127, 0, 0, 1), .host_port = 5353, .udp = true,
                  .container_ip = IP(172, 17, 0, 3), .container_port = 53 },
        };

        assert_int_equal(nft_script_build("wharf", nets, 2, ports, 2, &s), 0);
        /* replaced whole, in one batch, and nothing but our table */
        assert_true(startswith(s, "add table ip wharf\ndelete table ip wharf\ntable ip wharf {\n"));
        assert_null(strstr(s, "flush"));
        for (const char *p = s; (p = strstr(p, "table ")); p++)
                assert_true(startswith(p, "table ip wharf"));

        assert_non_null(strstr(s, "\t\ttcp dport 8080 dnat to 172.17.0.2:80\n"));
        assert_non_null(strstr(s, "\t\tip daddr 127.0.0.1 udp dport 5353 dnat to 172.17.0.3:53\n"));
        assert_non_null(strstr(s, "type nat hook output priority -100;"));
        assert_non_null(strstr(s, "ip saddr 172.17.0.0/16 oifname != \"wharf0\" masquerade"));
        assert_non_null(strstr(s, "ip saddr 127.0.0.0/8 oifname \"wharf0\" masquerade"));
        /* internal: no NAT, no way out */
        assert_null(strstr(s, "ip saddr 10.5.0.0/24"));
        assert_non_null(strstr(s, "iifname \"br-0123456789ab\" oifname != \"br-0123456789ab\" drop"));
        assert_non_null(strstr(s, "oifname \"br-0123456789ab\" iifname != \"br-0123456789ab\" drop"));
        /* bridges isolated from each other, both ways */
        assert_non_null(strstr(s, "iifname \"wharf0\" oifname \"br-0123456789ab\" drop"));
        assert_non_null(strstr(s, "iifname \"br-0123456789ab\" oifname \"wharf0\" drop"));
        /* hairpin: DNAT'd traffic back into its own bridge is masqueraded;
         * published ports pass between bridges, but only after the
         * internal networks' drops */
        assert_non_null(strstr(s, "ip saddr 172.17.0.0/16 oifname \"wharf0\" ct status dnat masquerade"));
        assert_non_null(strstr(s, "\t\tct status dnat accept\n"));
        assert_true(strstr(s, "ct status dnat accept") >
                    strstr(s, "oifname \"br-0123456789ab\" iifname != \"br-0123456789ab\" drop"));
        assert_true(strstr(s, "ct status dnat accept") < strstr(s, "iifname \"wharf0\" oifname \"br-0123456789ab\" drop"));
}

static void test_bad_names(void **state) {
        char *s = NULL;
        NftNetwork net = { .bridge = "x\" ; flush ruleset ; \"", .subnet = { IP(10, 0, 0, 0), 8 } };

        assert_int_equal(nft_script_build("wharf; flush ruleset", NULL, 0, NULL, 0, &s), -EINVAL);
        assert_int_equal(nft_script_build("", NULL, 0, NULL, 0, &s), -EINVAL);
        assert_int_equal(nft_script_build("wharf", &net, 1, NULL, 0, &s), -EINVAL);
        assert_null(s);
}

/* a query for "web.net" type A, id 0x1234, RD */
static const uint8_t query[] = {
        0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
        3, 'W', 'e', 'b', 3, 'n', 'e', 't', 0, 0, 1, 0, 1,
};

static void test_dns_parse(void **state) {
        char name[256];
        uint16_t type;
        size_t end;
        uint8_t q[sizeof query];

        assert_int_equal(dns_parse_question(query, sizeof query, name, sizeof name, &type, &end), 0);
        assert_string_equal(name, "web.net");
        assert_int_equal(type, 1);
        assert_int_equal(end, sizeof query);

        /* truncated, a response, two questions, a label running past the end */
        assert_int_equal(dns_parse_question(query, sizeof query - 1, name, sizeof name, &type, &end), -EBADMSG);
        memcpy(q, query, sizeof q);
        q[2] |= 0x80;
        assert_int_equal(dns_parse_question(q, sizeof q, name, sizeof name, &type, &end), -EBADMSG);
        memcpy(q, query, sizeof q);
        q[5] = 2;
        assert_int_equal(dns_parse_question(q, sizeof q, name, sizeof name, &type, &end), -EBADMSG);
        memcpy(q, query, sizeof q);
        q[12] = 60;
        assert_int_equal(dns_parse_question(q, sizeof q, name, sizeof name, &type, &end), -EBADMSG);
        /* a name that does not fit */
        assert_int_equal(dns_parse_question(query, sizeof query, name, 5, &type, &end), -EBADMSG);
}

static void test_dns_answer(void **state) {
        uint8_t buf[512];
        int n;

        memcpy(buf, query, sizeof query);
        n = dns_build_answer(buf, sizeof buf, sizeof query, 0, IP(10, 1, 2, 3));
        assert_int_equal(n, (int) sizeof query + 16);
        assert_int_equal(buf[0], 0x12);
        assert_int_equal(buf[2] & 0x80, 0x80);  /* QR */
        assert_int_equal(buf[2] & 0x01, 0x01);  /* RD kept */
        assert_int_equal(buf[3] & 0x0f, 0);
        assert_int_equal(buf[7], 1);            /* one answer */
        assert_memory_equal(buf + n - 4, ((uint8_t[]) { 10, 1, 2, 3 }), 4);

        memcpy(buf, query, sizeof query);
        n = dns_build_answer(buf, sizeof buf, sizeof query, 2, 0);
        assert_int_equal(n, (int) sizeof query);
        assert_int_equal(buf[3] & 0x0f, 2);
        assert_int_equal(buf[7], 0);

        assert_true(dns_build_answer(buf, sizeof query + 4, sizeof query, 0, 1) < 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_empty),
                cmocka_unit_test(test_rules),
                cmocka_unit_test(test_bad_names),
                cmocka_unit_test(test_dns_parse),
                cmocka_unit_test(test_dns_answer),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
