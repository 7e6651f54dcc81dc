/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* DNS messages for the embedded server: the pure part of dns.c */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "dns.h"

#define DNS_TTL 600

int dns_parse_question(const uint8_t *msg, size_t len, char *name, size_t name_size,
                       uint16_t *ret_type, size_t *ret_end) {
        size_t p = 12, o = 0;

        if (len < 12 || name_size < 2)
                return -EBADMSG;
        /* exactly one question, and a query */
        if ((msg[2] & 0x80) || ((msg[4] << 8) | msg[5]) != 1)
                return -EBADMSG;
        for (;;) {
                unsigned l;

                if (p >= len)
                        return -EBADMSG;
                l = msg[p++];
                if (l == 0)
                        break;
                if (l > 63 || p + l > len)
                        return -EBADMSG;   /* compression has no place in a question */
                if (o + l + 2 > name_size)
                        return -EBADMSG;
                if (o > 0)
                        name[o++] = '.';
                for (unsigned i = 0; i < l; i++)
                        name[o++] = (char) tolower(msg[p + i]);
                p += l;
        }
        name[o] = 0;
        if (p + 4 > len)
                return -EBADMSG;
        *ret_type = (msg[p] << 8) | msg[p + 1];
        *ret_end = p + 4;
        return 0;
}

int dns_build_answer(uint8_t *buf, size_t size, size_t question_end, unsigned rcode, uint32_t ip) {
        size_t p = question_end;

        if (question_end < 12 || question_end > size)
                return -EINVAL;
        buf[2] = 0x80 | (buf[2] & 0x79) | 0x04;  /* QR, opcode and RD kept, AA */
        buf[3] = 0x80 | (rcode & 0x0f);           /* RA */
        buf[6] = 0; buf[7] = ip ? 1 : 0;          /* ANCOUNT */
        buf[8] = buf[9] = buf[10] = buf[11] = 0;  /* no NS, no additional */
        if (!ip)
                return (int) p;
        if (p + 16 > size)
                return -ENOBUFS;
        const uint8_t rr[16] = {
                0xc0, 12,                 /* the name of the question */
                0, 1, 0, 1,               /* A, IN */
                (DNS_TTL >> 24) & 0xff, (DNS_TTL >> 16) & 0xff, (DNS_TTL >> 8) & 0xff, DNS_TTL & 0xff,
                0, 4,
                ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff,
        };
        memcpy(buf + p, rr, sizeof rr);
        return (int) (p + sizeof rr);
}

