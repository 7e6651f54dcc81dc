/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* netd's IPAM: CIDR and address parsing, overlap, address and subnet
 * picking, docker's MAC derivation. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>

#include "ipam.h"
#include "macro.h"

#define IP(a, b, c, d) (((uint32_t) (a) << 24) | ((b) << 16) | ((c) << 8) | (d))

static void test_cidr_parse(void **state) {
        char buf[CIDR_STRLEN];
        Cidr c;

        assert_int_equal(cidr_parse("172.20.0.0/16", &c), 0);
        assert_int_equal(c.addr, IP(172, 20, 0, 0));
        assert_int_equal(c.prefix, 16);
        assert_string_equal(cidr_format(c, buf), "172.20.0.0/16");
        assert_int_equal(cidr_parse("10.1.2.0/24", &c), 0);
        assert_int_equal(cidr_parse("0.0.0.0/0", &c), 0);

        /* host bits set: docker wants the network address */
        assert_int_equal(cidr_parse("172.20.1.5/16", &c), -EADDRNOTAVAIL);
        static const char *const bad[] = {
                "", "172.20.0.0", "172.20.0.0/", "172.20.0.0/33", "172.20.0.0/-1", "172.20.0/16",
                "300.1.1.0/24", "a.b.c.d/8", "172.20.0.0/16x", "172.20.0.0//16", "172.20.0.0/016x",
                " 10.0.0.0/8", "10.0.0.0/8 ", "::1/128",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_int_equal(cidr_parse(bad[i], &c), -EINVAL);
        assert_int_equal(cidr_parse(NULL, &c), -EINVAL);
}

static void test_ip_parse(void **state) {
        char buf[IP4_STRLEN];
        uint32_t ip;

        assert_int_equal(ip4_parse("192.168.1.254", &ip), 0);
        assert_int_equal(ip, IP(192, 168, 1, 254));
        assert_string_equal(ip4_format(ip, buf), "192.168.1.254");
        assert_int_equal(ip4_parse("1.2.3", &ip), -EINVAL);
        assert_int_equal(ip4_parse("1.2.3.4.5", &ip), -EINVAL);
        assert_int_equal(ip4_parse("1.2.3.256", &ip), -EINVAL);
        assert_int_equal(ip4_parse("0x1.2.3.4", &ip), -EINVAL);
        assert_int_equal(ip4_parse("", &ip), -EINVAL);
}

static void test_overlap(void **state) {
        Cidr a, b, c;

        assert_int_equal(cidr_parse("172.20.0.0/16", &a), 0);
        assert_int_equal(cidr_parse("172.20.5.0/24", &b), 0);
        assert_int_equal(cidr_parse("172.21.0.0/16", &c), 0);
        assert_true(cidr_overlaps(a, b));
        assert_true(cidr_overlaps(b, a));
        assert_false(cidr_overlaps(a, c));
        assert_true(cidr_contains(a, IP(172, 20, 255, 255)));
        assert_false(cidr_contains(a, IP(172, 21, 0, 0)));
        assert_int_equal(cidr_broadcast(b), IP(172, 20, 5, 255));
        assert_int_equal(cidr_first_host(b), IP(172, 20, 5, 1));
}

static void test_pick(void **state) {
        Cidr c;
        uint32_t ip, gw = IP(10, 9, 0, 1);
        uint32_t used[] = { IP(10, 9, 0, 3), IP(10, 9, 0, 2) };

        assert_int_equal(cidr_parse("10.9.0.0/29", &c), 0);
        assert_int_equal(ipam_pick(c, gw, NULL, 0, &ip), 0);
        assert_int_equal(ip, IP(10, 9, 0, 2));
        assert_int_equal(ipam_pick(c, gw, used, 2, &ip), 0);
        assert_int_equal(ip, IP(10, 9, 0, 4));

        /* .2-.6 usable with the gateway at .1; full after five */
        uint32_t all[] = { IP(10, 9, 0, 2), IP(10, 9, 0, 3), IP(10, 9, 0, 4), IP(10, 9, 0, 5), IP(10, 9, 0, 6) };
        assert_int_equal(ipam_pick(c, gw, all, 5, &ip), -ENOSPC);

        /* a gateway elsewhere frees .1 */
        assert_int_equal(ipam_pick(c, IP(10, 9, 0, 6), all + 1, 4, &ip), 0);
        assert_int_equal(ip, IP(10, 9, 0, 1));

        assert_int_equal(ipam_check(c, gw, IP(10, 9, 0, 5)), 0);
        assert_int_equal(ipam_check(c, gw, IP(10, 9, 0, 1)), -EADDRINUSE);
        assert_int_equal(ipam_check(c, gw, IP(10, 9, 0, 0)), -EADDRINUSE);
        assert_int_equal(ipam_check(c, gw, IP(10, 9, 0, 7)), -EADDRINUSE);
        assert_int_equal(ipam_check(c, gw, IP(10, 9, 0, 8)), -ERANGE);
}

static void test_pick_subnet(void **state) {
        Cidr taken[3], c;
        char buf[CIDR_STRLEN];

        assert_int_equal(ipam_pick_subnet(NULL, 0, &c), 0);
        assert_string_equal(cidr_format(c, buf), "172.17.0.0/16");

        /* a host route inside 172.17/16 and a network on 172.18/16 */
        assert_int_equal(cidr_parse("172.17.3.0/24", &taken[0]), 0);
        assert_int_equal(cidr_parse("172.18.0.0/16", &taken[1]), 0);
        assert_int_equal(ipam_pick_subnet(taken, 2, &c), 0);
        assert_string_equal(cidr_format(c, buf), "172.19.0.0/16");

        /* all of 172.16/12 taken: on to 192.168.0.0/20, then past a /24 */
        assert_int_equal(cidr_parse("172.16.0.0/12", &taken[0]), 0);
        assert_int_equal(ipam_pick_subnet(taken, 1, &c), 0);
        assert_string_equal(cidr_format(c, buf), "192.168.0.0/20");
        assert_int_equal(cidr_parse("192.168.1.0/24", &taken[1]), 0);
        assert_int_equal(ipam_pick_subnet(taken, 2, &c), 0);
        assert_string_equal(cidr_format(c, buf), "192.168.16.0/20");

        /* a default route-like /0 takes everything */
        assert_int_equal(cidr_parse("0.0.0.0/0", &taken[2]), 0);
        assert_int_equal(ipam_pick_subnet(taken + 2, 1, &c), -ENOSPC);
}

static void test_mac(void **state) {
        uint8_t mac[6];
        char buf[MAC_STRLEN];

        mac_from_ip4(IP(172, 17, 0, 2), mac);
        assert_string_equal(mac_format(mac, buf), "02:42:ac:11:00:02");
        mac_from_ip4(IP(10, 255, 1, 254), mac);
        assert_string_equal(mac_format(mac, buf), "02:42:0a:ff:01:fe");

        assert_int_equal(mac_parse("92:D0:C6:0A:29:33", mac), 0);
        assert_string_equal(mac_format(mac, buf), "92:d0:c6:0a:29:33");
        assert_int_equal(mac_parse("01:00:5e:00:00:01", mac), -EINVAL);  /* multicast */
        assert_int_equal(mac_parse("92:d0:c6:0a:29", mac), -EINVAL);
        assert_int_equal(mac_parse("92-d0-c6-0a-29-33", mac), -EINVAL);
        assert_int_equal(mac_parse("92:d0:c6:0a:29:3g", mac), -EINVAL);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_cidr_parse),
                cmocka_unit_test(test_ip_parse),
                cmocka_unit_test(test_overlap),
                cmocka_unit_test(test_pick),
                cmocka_unit_test(test_pick_subnet),
                cmocka_unit_test(test_mac),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
