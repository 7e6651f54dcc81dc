/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Base64 (RFC 4648) for credentials: docker's config.json "auth" is the
 * standard alphabet, its X-Registry-Auth header the URL-safe one. */

#include <stdbool.h>
#include <stddef.h>

/* malloc'd, NUL-terminated, padded; NULL on OOM. */
char *base64_encode(const void *data, size_t size);
char *base64url_encode(const void *data, size_t size);

/* Accepts either alphabet, padding optional. The result is NUL-terminated
 * (not counted in *ret_size). -EINVAL on bad input. */
int base64_decode(const char *s, char **ret, size_t *ret_size);
