/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The network flags of `wharf run` and `wharf create` (docker's): -p, -P,
 * --ip, --mac-address, --dns, --add-host, --network-alias; parsed without
 * the bus, turned into the NetworkConfig option (JSON) of CreateContainer. */

#include <stdbool.h>
#include <stddef.h>

typedef struct PortSpec {
        char host_ip[16];       /* "" = every address */
        unsigned host_port;     /* 0 = ephemeral */
        unsigned container_port;
        bool udp;
} PortSpec;

typedef struct NetOptions {
        PortSpec *ports;
        size_t n_ports;
        bool publish_all;
        char *ip;
        char *mac;
        char **dns;
        char **add_hosts;       /* host:ip */
        char **aliases;
} NetOptions;

void net_options_done(NetOptions *o);

/* docker's -p: [ip:][hostport:]containerport[/tcp|udp], ports or equal
 * length ranges (8000-8001:80-81); appends to *ports. -EINVAL with
 * *ret_error (docker's words) otherwise. */
int port_spec_parse(const char *s, PortSpec **ports, size_t *n_ports, char **ret_error);

/* One flag (its long name without dashes: "publish", "ip", ...). */
int net_options_add(NetOptions *o, const char *flag, const char *arg, char **ret_error);

/* docker's --network value: a name, or the advanced form
 * "name=NET,alias=A,ip=IP,mac-address=M" (alias= may repeat): the name in
 * *ret_name, the endpoint's options added to ep. -EINVAL with *ret_error
 * (docker's words) otherwise. */
int network_spec_parse(const char *s, char **ret_name, NetOptions *ep, char **ret_error);

/* The NetworkConfig JSON, or NULL (no network flag was given): 0, or
 * -ENOMEM. */
int net_options_to_json(const NetOptions *o, char **ret);
