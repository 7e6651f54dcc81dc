/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* wharf's nftables rules: one table of its own ("table ip <name>"),
 * always rewritten whole from netd's state in one transaction (add the
 * table, delete it, declare it again), so the kernel never holds half of a
 * change and nothing outside the table is ever touched. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ipam.h"

typedef struct NftNetwork {
        const char *bridge;
        Cidr subnet;
        bool internal;  /* no traffic in or out of the bridge, no NAT */
} NftNetwork;

typedef struct NftPort {
        uint32_t host_ip;       /* 0: every local address */
        uint16_t host_port;
        bool udp;
        uint32_t container_ip;
        uint16_t container_port;
} NftPort;

/* The nft script that replaces the table with one for these networks and
 * published ports. With no networks and no ports, the script only removes
 * the table. -EINVAL for a table or bridge name that is not a plain
 * identifier (they are pasted into the script). */
int nft_script_build(const char *table, const NftNetwork *nets, size_t n_nets,
                     const NftPort *ports, size_t n_ports, char **ret);

/* Runs a script through libnftables; on failure *ret_error holds nft's
 * message (may be NULL). */
int nft_script_run(const char *script, char **ret_error);
