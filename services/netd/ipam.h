/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* IPv4 address management without side effects: CIDR parsing, overlap
 * checks, picking a free address or subnet, docker's MAC derivation.
 * Addresses are uint32_t in host byte order. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct Cidr {
        uint32_t addr;          /* the network address */
        unsigned prefix;        /* 0..32 */
} Cidr;

#define IP4_STRLEN 16
#define CIDR_STRLEN 19

/* "a.b.c.d" only (no shorthand forms): -EINVAL otherwise. */
int ip4_parse(const char *s, uint32_t *ret);
/* buf of IP4_STRLEN bytes; returns buf */
char *ip4_format(uint32_t ip, char buf[static IP4_STRLEN]);

/* "a.b.c.d/n": -EINVAL when malformed, -EADDRNOTAVAIL when host bits are
 * set (as docker, which wants the network address: 172.20.0.0/16). */
int cidr_parse(const char *s, Cidr *ret);
char *cidr_format(Cidr c, char buf[static CIDR_STRLEN]);

uint32_t cidr_mask(unsigned prefix);
bool cidr_contains(Cidr c, uint32_t ip);
bool cidr_overlaps(Cidr a, Cidr b);
uint32_t cidr_broadcast(Cidr c);

/* The first usable address: network + 1 (docker's default gateway). */
uint32_t cidr_first_host(Cidr c);

/* Lowest address of c that is neither the network, the broadcast (for
 * prefixes < 31), gw, nor in used[0..n_used). -ENOSPC when full. */
int ipam_pick(Cidr c, uint32_t gw, const uint32_t *used, size_t n_used, uint32_t *ret);

/* Whether ip can be handed to a container on c with gateway gw:
 * 0, -ERANGE outside the subnet, -EADDRINUSE for network/broadcast/gw. */
int ipam_check(Cidr c, uint32_t gw, uint32_t ip);

/* docker's pools for bridge networks, in order: 172.17.0.0/16 ..
 * 172.31.0.0/16, then 192.168.0.0/20 .. 192.168.240.0/20. The first that
 * overlaps none of taken[0..n) (host routes, existing networks).
 * -ENOSPC when all are taken. */
int ipam_pick_subnet(const Cidr *taken, size_t n_taken, Cidr *ret);

/* docker's MAC for an address: 02:42 followed by the four address bytes. */
void mac_from_ip4(uint32_t ip, uint8_t mac[static 6]);
/* "aa:bb:cc:dd:ee:ff" (case-insensitive); refuses multicast addresses
 * (-EINVAL), as the kernel would. */
int mac_parse(const char *s, uint8_t mac[static 6]);
#define MAC_STRLEN 18
char *mac_format(const uint8_t mac[static 6], char buf[static MAC_STRLEN]);
