/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "nft.h"

static bool name_is_safe(const char *s) {
        if (isempty(s) || strlen(s) > 31)
                return false;
        for (const char *p = s; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("_-.", *p))
                        return false;
        return true;
}

int nft_script_build(const char *table, const NftNetwork *nets, size_t n_nets,
                     const NftPort *ports, size_t n_ports, char **ret) {
        _cleanup_(freep) char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (!name_is_safe(table))
                return -EINVAL;
        for (size_t i = 0; i < n_nets; i++)
                if (!name_is_safe(nets[i].bridge))
                        return -EINVAL;

        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;

        /* "add" is a no-op when the table exists, so the delete always
         * has something to delete: one batch, applied atomically */
        fprintf(f, "add table ip %s\ndelete table ip %s\n", table, table);
        if (n_nets == 0 && n_ports == 0)
                goto done;

        fprintf(f, "table ip %s {\n", table);

        /* published ports: DNAT for packets to a local address, from
         * outside (prerouting) and from the host itself (output) */
        fprintf(f, "\tchain ports {\n");
        for (size_t i = 0; i < n_ports; i++) {
                const NftPort *p = ports + i;
                char hip[IP4_STRLEN], cip[IP4_STRLEN];

                fprintf(f, "\t\t");
                if (p->host_ip != 0)
                        fprintf(f, "ip daddr %s ", ip4_format(p->host_ip, hip));
                fprintf(f, "%s dport %u dnat to %s:%u\n", p->udp ? "udp" : "tcp", p->host_port,
                        ip4_format(p->container_ip, cip), p->container_port);
        }
        fprintf(f, "\t}\n");
        fprintf(f, "\tchain prerouting {\n\t\ttype nat hook prerouting priority dstnat; policy accept;\n"
                   "\t\tfib daddr type local jump ports\n\t}\n");
        fprintf(f, "\tchain output {\n\t\ttype nat hook output priority -100; policy accept;\n"
                   "\t\tfib daddr type local jump ports\n\t}\n");

        /* masquerade what leaves a (non-internal) bridge's subnet for
         * elsewhere, and what the host sends from 127.0.0.0/8 to a
         * published port (route_localnet lets it out on the bridge; the
         * container must not answer to its own loopback) */
        fprintf(f, "\tchain postrouting {\n\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
        for (size_t i = 0; i < n_nets; i++) {
                char sub[CIDR_STRLEN];

                if (nets[i].internal)
                        continue;
                fprintf(f, "\t\tip saddr %s oifname != \"%s\" masquerade\n",
                        cidr_format(nets[i].subnet, sub), nets[i].bridge);
                fprintf(f, "\t\tip saddr 127.0.0.0/8 oifname \"%s\" masquerade\n", nets[i].bridge);
                /* hairpin: a container reaching its own or a sibling's
                 * published port through a host address comes back on its
                 * bridge; the answer must return through the host too */
                fprintf(f, "\t\tip saddr %s oifname \"%s\" ct status dnat masquerade\n",
                        sub, nets[i].bridge);
        }
        fprintf(f, "\t}\n");

        /* isolation: an internal network talks only within its bridge;
         * two bridges never talk to each other (docker's isolation) */
        fprintf(f, "\tchain forward {\n\t\ttype filter hook forward priority filter; policy accept;\n");
        for (size_t i = 0; i < n_nets; i++)
                if (nets[i].internal) {
                        fprintf(f, "\t\tiifname \"%s\" oifname != \"%s\" drop\n", nets[i].bridge, nets[i].bridge);
                        fprintf(f, "\t\toifname \"%s\" iifname != \"%s\" drop\n", nets[i].bridge, nets[i].bridge);
                }
        /* a published port is reachable from every other network too
         * (through a host address, as with docker's proxy) */
        if (n_ports > 0)
                fprintf(f, "\t\tct status dnat accept\n");
        for (size_t i = 0; i < n_nets; i++) {
                for (size_t j = 0; j < n_nets; j++)
                        if (j != i)
                                fprintf(f, "\t\tiifname \"%s\" oifname \"%s\" drop\n",
                                        nets[i].bridge, nets[j].bridge);
        }
        fprintf(f, "\t}\n}\n");

done:
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = TAKE_PTR(buf);
        return 0;
}

int nft_script_run(const char *script, char **ret_error) {
        struct nft_ctx *ctx;
        int r;

        if (ret_error)
                *ret_error = NULL;
        ctx = nft_ctx_new(NFT_CTX_DEFAULT);
        if (!ctx)
                return -ENOMEM;
        nft_ctx_buffer_output(ctx);
        nft_ctx_buffer_error(ctx);
        r = nft_run_cmd_from_buffer(ctx, script);
        if (r != 0) {
                const char *e = nft_ctx_get_error_buffer(ctx);
                if (ret_error && e && *e) {
                        *ret_error = strdup(e);
                        /* one line for the log */
                        for (char *p = *ret_error; p && *p; p++)
                                if (*p == '\n')
                                        *p = ' ';
                }
                r = -EIO;
        }
        nft_ctx_free(ctx);
        return r;
}
