/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <time.h>

#include "auth.h"
#include "http.h"
#include "macro.h"
#include "reference.h"
#include "registry-api.h"

#define TOKEN_TIMEOUT_MS 15000U
#define TOKEN_BODY_MAX (64U * 1024U)

struct TokenFetch {
        Manager *manager;
        char *registry;
        char *scope;
        char *user;
        HttpRequest *request;
        token_fetch_done_t done;
        void *userdata;
};

static uint64_t now_usec(Manager *m) {
        uint64_t t = 0;
        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &t);
        return t;
}

static void auth_token_free(AuthToken *t) {
        free(t->registry);
        free(t->scope);
        free(t->user);
        if (t->authorization)
                explicit_bzero(t->authorization, strlen(t->authorization));
        free(t->authorization);
        free(t);
}

static const char *auth_token_lookup(Manager *m, const char *registry, const char *scope, const char *user) {
        uint64_t now = now_usec(m);

        for (AuthToken **p = &m->tokens; *p; ) {
                AuthToken *t = *p;
                if (t->expires_usec <= now) {
                        *p = t->next;
                        auth_token_free(t);
                        continue;
                }
                if (streq(t->registry, registry) && streq_ptr(t->scope, scope) && streq(t->user, user))
                        return t->authorization;
                p = &t->next;
        }
        return NULL;
}

char *auth_header(Manager *m, const char *registry, const char *scope, const Credentials *c) {
        const char *t = auth_token_lookup(m, registry, scope, credentials_key(c));

        if (t)
                return strdup(t);
        if (credentials_present(c) && strv_contains(m->basic_registries, registry))
                return credentials_basic_header(c);
        return NULL;
}

static int auth_token_store(Manager *m, const char *registry, const char *scope, const char *user,
                            const char *token, unsigned expires_in) {
        AuthToken *t;

        /* drop an older token for the same scope */
        for (AuthToken **p = &m->tokens; *p; p = &(*p)->next)
                if (streq((*p)->registry, registry) && streq_ptr((*p)->scope, scope) && streq((*p)->user, user)) {
                        t = *p;
                        *p = t->next;
                        auth_token_free(t);
                        break;
                }

        t = calloc(1, sizeof(*t));
        if (!t)
                return -ENOMEM;
        t->registry = strdup(registry);
        t->scope = scope ? strdup(scope) : NULL;
        t->user = strdup(user);
        if (!t->registry || (scope && !t->scope) || !t->user ||
            asprintf(&t->authorization, "Bearer %s", token) < 0) {
                t->authorization = NULL;
                auth_token_free(t);
                return -ENOMEM;
        }
        /* renew a little early so a token does not expire in flight */
        t->expires_usec = now_usec(m) + (uint64_t) (expires_in > 20 ? expires_in - 10 : expires_in) * 1000000U;
        t->next = m->tokens;
        m->tokens = t;
        return 0;
}

void auth_tokens_free(Manager *m) {
        while (m->tokens) {
                AuthToken *t = m->tokens;
                m->tokens = t->next;
                auth_token_free(t);
        }
}

static void token_fetch_on_done(HttpRequest *r, void *userdata) {
        TokenFetch *f = userdata;
        _cleanup_(freep) char *token = NULL, *msg = NULL;
        unsigned expires_in = 60;

        if (r->result != CURLE_OK) {
                _cleanup_(freep) char *e = http_request_transport_error(r);
                if (asprintf(&msg, "token service unreachable: %s", strempty(e)) < 0)
                        msg = NULL;
        } else if (r->status == 401 || r->status == 403)
                msg = strdup(isempty(f->user) ? "unauthorized: authentication required"
                                              : "unauthorized: incorrect username or password");
        else if (r->status != 200) {
                if (asprintf(&msg, "token service answered HTTP %ld", r->status) < 0)
                        msg = NULL;
        } else if (registry_api_parse_token(r->body, r->body_size, &token, &expires_in) < 0)
                msg = strdup("token service sent an invalid token");
        else if (auth_token_store(f->manager, f->registry, f->scope, f->user, token, expires_in) < 0)
                msg = strdup("out of memory");
        if (token)
                explicit_bzero(token, strlen(token));

        /* the callback may free f */
        f->done(msg ? msg : NULL, f->userdata);
}

static int token_fetch_start(Manager *m, const char *registry, const char *scope, const Credentials *c,
                             const char *www_authenticate, token_fetch_done_t done, void *userdata,
                             TokenFetch **ret) {
        _cleanup_(bearer_challenge_done) BearerChallenge ch = {};
        _cleanup_(freep) char *url = NULL, *basic = NULL;
        TokenFetch *f;
        int r;

        r = bearer_challenge_parse(www_authenticate, &ch);
        if (r < 0)
                return r;
        url = bearer_challenge_token_url(&ch, scope, isempty(c->username) ? NULL : c->username);
        if (!url)
                return -ENOMEM;
        basic = credentials_basic_header(c);

        f = calloc(1, sizeof(*f));
        if (!f)
                return -ENOMEM;
        f->manager = m;
        f->done = done;
        f->userdata = userdata;
        f->registry = strdup(registry);
        f->scope = scope ? strdup(scope) : NULL;
        f->user = strdup(credentials_key(c));
        if (!f->registry || (scope && !f->scope) || !f->user) {
                token_fetch_free(f);
                return -ENOMEM;
        }
        /* the realm may sit on another host: plain http only as the registry allows it */
        r = http_request_new(m->glue, url, "application/json", basic, manager_plain_http_ok(m, registry),
                             TOKEN_TIMEOUT_MS, &f->request);
        if (basic)
                explicit_bzero(basic, strlen(basic));
        if (r >= 0) {
                f->request->body_max = TOKEN_BODY_MAX;
                r = http_request_start(f->request, token_fetch_on_done, f);
        }
        if (r < 0) {
                token_fetch_free(f);
                return r;
        }
        *ret = f;
        return 0;
}

int auth_challenge(Manager *m, const char *registry, const char *scope, const Credentials *c,
                   const char *www_authenticate, token_fetch_done_t done, void *userdata,
                   TokenFetch **ret) {
        int scheme, r;

        scheme = registry_api_challenge_scheme(www_authenticate);
        if (scheme < 0)
                return scheme;
        if (scheme == AUTH_SCHEME_BASIC) {
                if (!credentials_present(c) || isempty(c->username))
                        return -EACCES;
                /* the caller retries once: a second 401 means they are wrong */
                if (strv_contains(m->basic_registries, registry))
                        return 1;
                r = strv_extend(&m->basic_registries, registry);
                if (r < 0)
                        return r;
                return 1;
        }
        return token_fetch_start(m, registry, scope, c, www_authenticate, done, userdata, ret);
}

TokenFetch *token_fetch_free(TokenFetch *f) {
        if (!f)
                return NULL;
        http_request_free(f->request);
        free(f->registry);
        free(f->scope);
        free(f->user);
        free(f);
        return NULL;
}
