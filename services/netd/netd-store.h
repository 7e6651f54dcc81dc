/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* netd's records, kept under ROOT/net so that they survive restarts:
 *   networks/<id>.json   one per network (docker's predefined bridge, host
 *                        and none included)
 *   sandboxes/<id>.json  one per container sandbox with endpoints or
 *                        published ports: what to undo, what DNS answers
 *   leases/<net id>/<ip> one per address handed out (content: container id)
 * The kernel state (bridges, veths, the nft table) is derived from them. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "id.h"
#include "ipam.h"
#include "macro.h"

typedef struct Network Network;
struct Network {
        char id[ID_HEX_LEN + 1];
        char *name;
        char *driver;           /* "bridge", "host", "null" */
        char bridge[16];        /* kernel link; "" unless driver is bridge */
        Cidr subnet;
        uint32_t gateway;
        bool internal;
        bool predefined;        /* bridge, host, none: never removed */
        char **labels;          /* key=value */
        char *created;          /* RFC 3339 */

        /* runtime */
        bool bridge_ready;
        int dns_fd;
        void *dns_source;       /* sd_event_source* */
        Network *next;
};

typedef struct Endpoint {
        char network_id[ID_HEX_LEN + 1];
        char ifname[16];        /* in the sandbox */
        char veth[16];          /* on the host */
        uint32_t ip;
        uint8_t mac[6];
        char **aliases;
} Endpoint;

typedef struct PortMap {
        uint32_t host_ip;       /* 0: all */
        uint16_t host_port;
        uint16_t container_port;
        bool udp;
        int fd;                 /* runtime: the socket reserving the host port */
} PortMap;

typedef struct SandboxRec SandboxRec;
struct SandboxRec {
        char id[ID_HEX_LEN + 1];
        char *mode;             /* as asked: none, host, bridge, NAME, container:ID */
        char *name;             /* the container's name, for DNS and inspect */
        Endpoint *endpoints;
        size_t n_endpoints;
        PortMap *ports;
        size_t n_ports;
        SandboxRec *next;
};

Network *network_free(Network *n);
void endpoint_done(Endpoint *e);
SandboxRec *sandbox_rec_free(SandboxRec *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Network *, network_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(SandboxRec *, sandbox_rec_free);

int network_to_json(const Network *n, char **ret);
int network_from_json(const char *json, Network **ret);
int sandbox_rec_to_json(const SandboxRec *s, char **ret);
int sandbox_rec_from_json(const char *json, SandboxRec **ret);

/* dir/<id>.json, atomically */
int store_save_network(const char *dir, const Network *n);
int store_save_sandbox(const char *dir, const SandboxRec *s);
int store_remove(const char *dir, const char *id);
/* all dir/<id>.json, skipping (and logging) broken ones */
int store_load_networks(const char *dir, Network **head);
int store_load_sandboxes(const char *dir, SandboxRec **head);

/* leases: dir/<net id>/<ip> created exclusively (-EEXIST if taken) */
int lease_take(const char *dir, const char *net_id, uint32_t ip, const char *container_id);
int lease_release(const char *dir, const char *net_id, uint32_t ip);
