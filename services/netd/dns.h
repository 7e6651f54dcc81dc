/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The embedded DNS server of user-defined networks: UDP on the gateway
 * address, port 53. Container names, aliases and short ids of the
 * network's endpoints get A records; other names are forwarded to the
 * host's resolvers (from the host's namespace, so a loopback resolver such
 * as 127.0.0.53 works too). Bounded: at most DNS_MAX_PENDING forwarded
 * queries in flight, each dropped after DNS_TIMEOUT_USEC. */

#include <stddef.h>
#include <stdint.h>

#include "netd-store.h"

#define DNS_MAX_PENDING 64

typedef struct Manager Manager;

int dns_network_start(Manager *m, Network *n);
void dns_network_stop(Manager *m, Network *n);
void dns_free(Manager *m);

/* Pure parts, for the unit tests. */

/* The question of a query: its name ("web.example", lowercase, no final
 * dot), type and the offset just past the question. -EBADMSG if malformed. */
int dns_parse_question(const uint8_t *msg, size_t len, char *name, size_t name_size,
                       uint16_t *ret_type, size_t *ret_end);

/* Answer in place (buf holds the query, size its capacity): sets QR, RA,
 * the rcode, drops any additional records, and with ip != 0 appends one A
 * record. Returns the answer's length or <0. */
int dns_build_answer(uint8_t *buf, size_t size, size_t question_end, unsigned rcode, uint32_t ip);
