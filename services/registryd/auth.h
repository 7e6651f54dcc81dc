/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Bearer tokens (the registry token protocol): on a 401 with a Bearer
 * challenge, ask the realm for an anonymous pull token and keep it per
 * registry and repository until it expires. */

#include "manager.h"

struct AuthToken {
        AuthToken *next;
        char *registry;
        char *repository;
        char *authorization;  /* "Bearer <token>" */
        uint64_t expires_usec; /* CLOCK_MONOTONIC */
};

/* The Authorization value to send, or NULL. */
const char *auth_token_lookup(Manager *m, const char *registry, const char *repository);
void auth_tokens_free(Manager *m);

typedef struct TokenFetch TokenFetch;

/* error: NULL on success (the token is then cached), else one line. */
typedef void (*token_fetch_done_t)(const char *error, void *userdata);

/* -EOPNOTSUPP if the challenge is not Bearer (we have no credentials),
 * -EBADMSG if it cannot be parsed. */
int token_fetch_start(Manager *m, const char *registry, const char *repository,
                      const char *www_authenticate, token_fetch_done_t done, void *userdata,
                      TokenFetch **ret);
TokenFetch *token_fetch_free(TokenFetch *f);
