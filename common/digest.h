/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* sha256 digests in OCI form, "sha256:<64 lowercase hex>", over OpenSSL EVP. */

#include <stdbool.h>
#include <stddef.h>

#define DIGEST_PREFIX "sha256:"
#define DIGEST_HEX_LEN 64
#define DIGEST_STRING_MAX (sizeof(DIGEST_PREFIX) - 1 + DIGEST_HEX_LEN + 1)

typedef struct Sha256 Sha256;

int sha256_new(Sha256 **ret);
Sha256 *sha256_free(Sha256 *s);
static inline void sha256_freep(Sha256 **s) { if (*s) sha256_free(*s); }
int sha256_update(Sha256 *s, const void *data, size_t size);
/* Writes "sha256:<hex>" into out (DIGEST_STRING_MAX bytes). */
int sha256_final(Sha256 *s, char out[static DIGEST_STRING_MAX]);

/* One-shot digest of a buffer. */
int sha256_digest(const void *data, size_t size, char out[static DIGEST_STRING_MAX]);

/* "sha256:" + 64 lowercase hex */
bool digest_is_valid(const char *d);
/* the hex part of a valid digest, or NULL */
const char *digest_hex(const char *d);

/* chain(parent, diff) = sha256(parent + " " + diff); parent NULL/"" gives diff */
int chain_id(const char *parent, const char *diff_id, char out[static DIGEST_STRING_MAX]);
