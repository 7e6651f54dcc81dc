/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <openssl/evp.h>

#include "digest.h"
#include "macro.h"

struct Sha256 {
        EVP_MD_CTX *ctx;
};

int sha256_new(Sha256 **ret) {
        Sha256 *s = calloc(1, sizeof(Sha256));
        if (!s)
                return -ENOMEM;
        s->ctx = EVP_MD_CTX_new();
        if (!s->ctx || EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1) {
                sha256_free(s);
                return -ENOMEM;
        }
        *ret = s;
        return 0;
}

Sha256 *sha256_free(Sha256 *s) {
        if (!s)
                return NULL;
        EVP_MD_CTX_free(s->ctx);
        free(s);
        return NULL;
}

int sha256_update(Sha256 *s, const void *data, size_t size) {
        return EVP_DigestUpdate(s->ctx, data, size) == 1 ? 0 : -EIO;
}

int sha256_final(Sha256 *s, char out[static DIGEST_STRING_MAX]) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n = 0;
        static const char hex[] = "0123456789abcdef";

        if (EVP_DigestFinal_ex(s->ctx, md, &n) != 1 || n != 32)
                return -EIO;
        memcpy(out, DIGEST_PREFIX, sizeof(DIGEST_PREFIX) - 1);
        char *p = out + sizeof(DIGEST_PREFIX) - 1;
        for (unsigned i = 0; i < n; i++) {
                *p++ = hex[md[i] >> 4];
                *p++ = hex[md[i] & 15];
        }
        *p = 0;
        return 0;
}

int sha256_digest(const void *data, size_t size, char out[static DIGEST_STRING_MAX]) {
        _cleanup_(sha256_freep) Sha256 *s = NULL;
        int r;

        r = sha256_new(&s);
        if (r < 0)
                return r;
        r = sha256_update(s, data, size);
        if (r < 0)
                return r;
        return sha256_final(s, out);
}

int chain_id(const char *parent, const char *diff_id, char out[static DIGEST_STRING_MAX]) {
        char buf[2 * DIGEST_STRING_MAX + 2];

        if (!digest_is_valid(diff_id))
                return -EINVAL;
        if (isempty(parent)) {
                strcpy(out, diff_id);
                return 0;
        }
        if (!digest_is_valid(parent))
                return -EINVAL;
        int n = snprintf(buf, sizeof buf, "%s %s", parent, diff_id);
        return sha256_digest(buf, n, out);
}
