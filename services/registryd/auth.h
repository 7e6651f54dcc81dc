/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Registry authentication for one request at a time:
 *  - anonymous first, unless we know better;
 *  - a 401 with a Basic challenge: the caller's credentials (if any) as
 *    "Basic ...", and the registry is remembered as a Basic one so that
 *    later requests with credentials send them at once;
 *  - a 401 with a Bearer challenge: a token from the realm (with the
 *    credentials as Basic, if any), cached per registry, scope and user
 *    until it expires; then the request is retried once.
 * Credentials themselves are never kept beyond the call that brought them. */

#include "credentials.h"
#include "manager.h"

struct AuthToken {
        AuthToken *next;
        char *registry;
        char *scope;
        char *user;
        char *authorization;  /* "Bearer <token>" */
        uint64_t expires_usec; /* CLOCK_MONOTONIC */
};

/* The Authorization value to send first (malloc'd), or NULL: a cached
 * token, or Basic for a registry known to want it. */
char *auth_header(Manager *m, const char *registry, const char *scope, const Credentials *c);
void auth_tokens_free(Manager *m);

typedef struct TokenFetch TokenFetch;

/* error: NULL on success (the token is then cached), else one line. */
typedef void (*token_fetch_done_t)(const char *error, void *userdata);

/* After a 401 carrying www_authenticate: returns 1 when the request should
 * simply be retried (Basic, now that we know), 0 when a token fetch started
 * (done follows), -EACCES when there is nothing to answer the challenge with
 * (Basic without credentials), -EOPNOTSUPP / -EBADMSG for challenges we do
 * not understand. */
int auth_challenge(Manager *m, const char *registry, const char *scope, const Credentials *c,
                   const char *www_authenticate, token_fetch_done_t done, void *userdata,
                   TokenFetch **ret);
TokenFetch *token_fetch_free(TokenFetch *f);
