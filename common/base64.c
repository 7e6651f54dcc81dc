/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"

static const char std_table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_table[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static char *encode(const char *table, const void *data, size_t size) {
        const uint8_t *p = data;
        char *out, *o;

        out = o = malloc((size + 2) / 3 * 4 + 1);
        if (!out)
                return NULL;
        for (size_t i = 0; i < size; i += 3) {
                uint32_t v = (uint32_t) p[i] << 16;
                if (i + 1 < size)
                        v |= (uint32_t) p[i + 1] << 8;
                if (i + 2 < size)
                        v |= p[i + 2];
                *o++ = table[(v >> 18) & 63];
                *o++ = table[(v >> 12) & 63];
                *o++ = i + 1 < size ? table[(v >> 6) & 63] : '=';
                *o++ = i + 2 < size ? table[v & 63] : '=';
        }
        *o = 0;
        return out;
}

char *base64_encode(const void *data, size_t size) {
        return encode(std_table, data, size);
}

char *base64url_encode(const void *data, size_t size) {
        return encode(url_table, data, size);
}

static int value_of(char c) {
        if (c >= 'A' && c <= 'Z')
                return c - 'A';
        if (c >= 'a' && c <= 'z')
                return c - 'a' + 26;
        if (c >= '0' && c <= '9')
                return c - '0' + 52;
        if (c == '+' || c == '-')
                return 62;
        if (c == '/' || c == '_')
                return 63;
        return -1;
}

int base64_decode(const char *s, char **ret, size_t *ret_size) {
        size_t n = strlen(s), k = 0;
        uint32_t acc = 0;
        unsigned bits = 0;
        char *out;

        /* padding only at the end, at most two */
        while (n > 0 && s[n - 1] == '=' && strlen(s) - n < 2)
                n--;
        if (n % 4 == 1)
                return -EINVAL;
        out = malloc(n / 4 * 3 + 3 + 1);
        if (!out)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                int v = value_of(s[i]);
                if (v < 0) {
                        free(out);
                        return -EINVAL;
                }
                acc = (acc << 6) | (uint32_t) v;
                bits += 6;
                if (bits >= 8) {
                        bits -= 8;
                        out[k++] = (char) ((acc >> bits) & 0xff);
                }
        }
        out[k] = 0;
        *ret = out;
        if (ret_size)
                *ret_size = k;
        return 0;
}
