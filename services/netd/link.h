/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Links, addresses and routes through rtnetlink (libnl-route): bridges on
 * the host, veth pairs into sandboxes. */

#include <stddef.h>
#include <stdint.h>

#include "ipam.h"

/* Create the bridge (or adopt the one of that name), give it gw/prefix,
 * bring it up, and let packets from 127/8 out of it (route_localnet, for
 * ports published on the host's loopback). */
int link_bridge_ensure(const char *name, uint32_t gw, unsigned prefix);

/* MTU of a link, or <0 */
int link_get_mtu(const char *name);

/* Delete a link; 0 also when it does not exist. */
int link_delete(const char *name);

/* Names of the links of the calling thread's namespace that start with
 * prefix (a strv). */
int link_list_prefix(const char *prefix, char ***ret);

/* The IPv4 destinations of the main routing table and the subnets of the
 * host's addresses, to keep new subnets clear of them. */
int link_routes_list(Cidr **ret, size_t *ret_n);

typedef struct VethConfig {
        char host_name[16];     /* end on the host, enslaved to bridge */
        char ifname[16];        /* end in the sandbox: eth0, eth1... */
        char bridge[16];
        uint32_t ip;
        unsigned prefix;
        uint32_t gateway;       /* 0: no default route (internal network) */
        uint8_t mac[6];
        unsigned mtu;           /* the bridge's */
} VethConfig;

/* Run in the sandbox's namespace (a forked child): create the veth pair
 * with the host end moved to host_nsfd, configure the sandbox end (MAC,
 * MTU of the bridge, address, up, default route), then switch the calling
 * thread to host_nsfd and enslave and raise the host end. On failure
 * *ret_step names the step. */
int link_veth_setup(const VethConfig *cfg, int host_nsfd, int sandbox_nsfd, const char **ret_step);
