/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The string side of digests, apart from the hashing in digest.c: a
 * program that only checks digests (the CLI) then links no libcrypto. */
#include <string.h>

#include "digest.h"
#include "macro.h"

const char *digest_hex(const char *d) {
        const char *h;

        if (!d)
                return NULL;
        h = startswith(d, DIGEST_PREFIX);
        if (!h || strlen(h) != DIGEST_HEX_LEN)
                return NULL;
        for (const char *c = h; *c; c++)
                if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f')))
                        return NULL;
        return h;
}

bool digest_is_valid(const char *d) {
        return digest_hex(d) != NULL;
}
