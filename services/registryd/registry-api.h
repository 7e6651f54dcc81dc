/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The registry HTTP API v2 as plain functions: argument checks, URL
 * building, error bodies and Bearer challenges. No I/O here, so all of it
 * is unit-tested. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The host that serves a registry name: "docker.io" is served by
 * "registry-1.docker.io", everything else by itself. */
const char *registry_api_host(const char *registry);

/* "http" for loopback registries (as docker allows), else "https". */
const char *registry_api_scheme(const char *registry);

/* Argument checks for what ends up in a URL path. */
bool registry_api_registry_is_valid(const char *registry);
bool registry_api_repository_is_valid(const char *repository);
bool registry_api_tag_is_valid(const char *tag);
/* a tag or a "sha256:..." digest */
bool registry_api_reference_is_valid(const char *reference);

/* malloc'd "<scheme>://<host>/v2/<repository>/manifests/<reference>"; NULL on OOM */
char *registry_api_manifest_url(const char *registry, const char *repository, const char *reference);
/* malloc'd "<scheme>://<host>/v2/<repository>/blobs/<digest>"; NULL on OOM */
char *registry_api_blob_url(const char *registry, const char *repository, const char *digest);

/* The docker-style name of what was asked for: "reg/repo:tag" or "reg/repo@sha256:...". */
char *registry_api_display_name(const char *registry, const char *repository, const char *reference);

/* First error of a registry error body {"errors":[{"code":..,"message":..}]}.
 * Returns 0 and malloc'd code (e.g. "MANIFEST_UNKNOWN") and message (may be
 * NULL), or -EBADMSG if the body is not such a document. */
int registry_api_parse_error(const char *body, size_t size, char **ret_code, char **ret_message);

typedef struct BearerChallenge {
        char *realm;
        char *service;
        char *scope;
} BearerChallenge;

void bearer_challenge_done(BearerChallenge *c);

/* Parses a WWW-Authenticate header value: 'Bearer realm="...",service="...",scope="..."'.
 * -EOPNOTSUPP for other schemes (Basic), -EBADMSG when malformed or without realm. */
int bearer_challenge_parse(const char *header, BearerChallenge *ret);

/* malloc'd token URL: realm?service=..&scope=..&account=.. (URL-escaped).
 * scope: what we need ("repository:a/b:pull,push"), NULL for the challenge's
 * own (if any: a login asks for none); account: the user name or NULL. */
char *bearer_challenge_token_url(const BearerChallenge *c, const char *scope, const char *account);

/* malloc'd "repository:<repository>:<actions>" */
char *registry_api_scope(const char *repository, const char *actions);

typedef enum AuthScheme {
        AUTH_SCHEME_BASIC,
        AUTH_SCHEME_BEARER,
} AuthScheme;

/* The scheme of a WWW-Authenticate value; -EOPNOTSUPP for others, -EBADMSG
 * for none. */
int registry_api_challenge_scheme(const char *header);

/* "token" (or "access_token") and "expires_in" (default 60 s) from a token
 * response. */
int registry_api_parse_token(const char *body, size_t size, char **ret_token, unsigned *ret_expires_in);

/* Resuming a broken blob download at offset have (bytes already hashed and
 * delivered): a 206 must start exactly at have ("bytes have-end/total");
 * a 200 is the whole blob again, whose first have bytes are dropped (the
 * registry ignored our Range). Returns 0 and the count to drop, or -EBADMSG. */
int registry_api_resume_skip(uint64_t have, long status, const char *content_range, uint64_t *ret_skip);

/* Worth another try after a pause: 5xx and 429 (408 too). */
bool registry_api_status_is_retryable(long status);
/* Pause before retry number attempt (1, 2, ...): 0.5 s doubling, at most 5 s. */
uint64_t registry_api_retry_delay_usec(unsigned attempt);

/* "<scheme>://<host>/v2/<repository>/<kind>/<ref>"; plain_http chooses the
 * scheme; kind "manifests", "blobs", "blobs/uploads" (ref "" then). */
char *registry_api_url(const char *registry, bool plain_http, const char *repository, const char *kind,
                       const char *ref);

/* An upload Location may be relative: the absolute URL, malloc'd. */
char *registry_api_absolute_url(const char *base, const char *location);
