/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipam.h"

int ip4_parse(const char *s, uint32_t *ret) {
        struct in_addr a;
        unsigned dots = 0;

        if (!s || !*s || strlen(s) >= IP4_STRLEN)
                return -EINVAL;
        for (const char *p = s; *p; p++) {
                if (*p == '.')
                        dots++;
                else if (!isdigit((unsigned char) *p))
                        return -EINVAL;
        }
        /* inet_pton takes only the dotted quad, but be explicit */
        if (dots != 3 || inet_pton(AF_INET, s, &a) != 1)
                return -EINVAL;
        *ret = ntohl(a.s_addr);
        return 0;
}

char *ip4_format(uint32_t ip, char buf[static IP4_STRLEN]) {
        snprintf(buf, IP4_STRLEN, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
        return buf;
}

uint32_t cidr_mask(unsigned prefix) {
        return prefix == 0 ? 0 : prefix >= 32 ? UINT32_MAX : ~((UINT32_C(1) << (32 - prefix)) - 1);
}

int cidr_parse(const char *s, Cidr *ret) {
        char ip[IP4_STRLEN], *end;
        const char *slash;
        unsigned long n;
        uint32_t a;

        if (!s)
                return -EINVAL;
        slash = strchr(s, '/');
        if (!slash || (size_t) (slash - s) >= sizeof ip || !isdigit((unsigned char) slash[1]))
                return -EINVAL;
        memcpy(ip, s, slash - s);
        ip[slash - s] = 0;
        if (ip4_parse(ip, &a) < 0)
                return -EINVAL;
        errno = 0;
        n = strtoul(slash + 1, &end, 10);
        if (errno || *end || n > 32 || end - (slash + 1) > 2)
                return -EINVAL;
        if (a & ~cidr_mask(n))
                return -EADDRNOTAVAIL;
        *ret = (Cidr) { .addr = a, .prefix = n };
        return 0;
}

char *cidr_format(Cidr c, char buf[static CIDR_STRLEN]) {
        char ip[IP4_STRLEN];

        snprintf(buf, CIDR_STRLEN, "%s/%u", ip4_format(c.addr, ip), c.prefix);
        return buf;
}

bool cidr_contains(Cidr c, uint32_t ip) {
        return (ip & cidr_mask(c.prefix)) == c.addr;
}

bool cidr_overlaps(Cidr a, Cidr b) {
        unsigned p = a.prefix < b.prefix ? a.prefix : b.prefix;

        return (a.addr & cidr_mask(p)) == (b.addr & cidr_mask(p));
}

uint32_t cidr_broadcast(Cidr c) {
        return c.addr | ~cidr_mask(c.prefix);
}

uint32_t cidr_first_host(Cidr c) {
        return c.prefix >= 31 ? c.addr : c.addr + 1;
}

int ipam_check(Cidr c, uint32_t gw, uint32_t ip) {
        if (!cidr_contains(c, ip))
                return -ERANGE;
        if (ip == gw)
                return -EADDRINUSE;
        if (c.prefix < 31 && (ip == c.addr || ip == cidr_broadcast(c)))
                return -EADDRINUSE;
        return 0;
}

static int cmp_u32(const void *a, const void *b) {
        uint32_t x = *(const uint32_t *) a, y = *(const uint32_t *) b;
        return x < y ? -1 : x > y;
}

int ipam_pick(Cidr c, uint32_t gw, const uint32_t *used, size_t n_used, uint32_t *ret) {
        uint32_t *sorted = NULL, last = cidr_broadcast(c);
        size_t j = 0;
        int r = -ENOSPC;

        if (n_used > 0) {
                sorted = malloc(n_used * sizeof *sorted);
                if (!sorted)
                        return -ENOMEM;
                memcpy(sorted, used, n_used * sizeof *sorted);
                qsort(sorted, n_used, sizeof *sorted, cmp_u32);
        }
        /* one walk: the used list is sorted, so skip past it as we go */
        for (uint64_t ip = c.addr; ip <= last; ip++) {
                while (j < n_used && sorted[j] < ip)
                        j++;
                if (j < n_used && sorted[j] == ip)
                        continue;
                if (ipam_check(c, gw, (uint32_t) ip) < 0)
                        continue;
                *ret = (uint32_t) ip;
                r = 0;
                break;
        }
        free(sorted);
        return r;
}

static bool overlaps_any(Cidr c, const Cidr *taken, size_t n) {
        for (size_t i = 0; i < n; i++)
                if (cidr_overlaps(c, taken[i]))
                        return true;
        return false;
}

int ipam_pick_subnet(const Cidr *taken, size_t n_taken, Cidr *ret) {
        for (unsigned b = 17; b <= 31; b++) {
                Cidr c = { .addr = (172u << 24) | (b << 16), .prefix = 16 };
                if (!overlaps_any(c, taken, n_taken)) {
                        *ret = c;
                        return 0;
                }
        }
        for (unsigned b = 0; b <= 240; b += 16) {
                Cidr c = { .addr = (192u << 24) | (168u << 16) | (b << 8), .prefix = 20 };
                if (!overlaps_any(c, taken, n_taken)) {
                        *ret = c;
                        return 0;
                }
        }
        return -ENOSPC;
}

void mac_from_ip4(uint32_t ip, uint8_t mac[static 6]) {
        mac[0] = 0x02;
        mac[1] = 0x42;
        mac[2] = ip >> 24;
        mac[3] = (ip >> 16) & 0xff;
        mac[4] = (ip >> 8) & 0xff;
        mac[5] = ip & 0xff;
}

int mac_parse(const char *s, uint8_t mac[static 6]) {
        uint8_t m[6];

        if (!s || strlen(s) != 17)
                return -EINVAL;
        for (unsigned i = 0; i < 6; i++) {
                const char *p = s + 3 * i;
                char hex[3] = { p[0], p[1], 0 };

                if (!isxdigit((unsigned char) p[0]) || !isxdigit((unsigned char) p[1]) ||
                    (i < 5 && p[2] != ':'))
                        return -EINVAL;
                m[i] = (uint8_t) strtoul(hex, NULL, 16);
        }
        if (m[0] & 1)
                return -EINVAL; /* multicast: not for an interface */
        memcpy(mac, m, 6);
        return 0;
}

char *mac_format(const uint8_t mac[static 6], char buf[static MAC_STRLEN]) {
        snprintf(buf, MAC_STRLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
                 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
        return buf;
}
