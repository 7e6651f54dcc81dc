/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Registry credentials as a caller hands them over for one call: the
 * "RegistryAuth" option, docker's X-Registry-Auth value (URL-safe base64 of
 * {"username": .., "password": ..} or {"identitytoken": ..}). They live in
 * memory for the call only, are wiped when dropped and are never logged. */

#include <stdbool.h>

typedef struct Credentials {
        char *username;
        char *password;
        char *identity_token;
} Credentials;

void credentials_done(Credentials *c);
bool credentials_present(const Credentials *c);
int credentials_copy(const Credentials *from, Credentials *to);

/* "" means anonymous (a zeroed ret). -EINVAL when it is not such a value. */
int credentials_parse_registry_auth(const char *value, Credentials *ret);

/* malloc'd "Basic base64(user:pass)", or NULL (no user/password, OOM). */
char *credentials_basic_header(const Credentials *c);

/* The user name to key cached tokens with: "" for anonymous. */
const char *credentials_key(const Credentials *c);
