/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>

#include "auth.h"
#include "credentials.h"
#include "bus-errors.h"
#include "digest.h"
#include "http.h"
#include "json-util.h"
#include "log.h"
#include "macro.h"
#include "manifest.h"
#include "reference.h"
#include "registry-api.h"
#include "resolve.h"

typedef enum ResolveStep {
        RESOLVE_MANIFEST,          /* by the caller's reference */
        RESOLVE_PLATFORM_MANIFEST, /* the index entry, by digest */
        RESOLVE_CONFIG,
} ResolveStep;

struct Resolve {
        Manager *manager;
        Resolve *prev, *next;
        sd_bus_message *call;

        char *registry;
        char *repository;
        char *reference;
        char *display;      /* "reg/repo:tag" for messages */
        Platform platform;
        bool platform_explicit;

        ResolveStep step;
        char *url;
        char *expected_digest; /* what the current fetch must hash to, or NULL */
        uint64_t expected_size; /* config only */
        HttpRequest *request;
        TokenFetch *token;
        bool auth_tried;
        Credentials creds;     /* for the registry itself; mirrors get none */
        char *scope;           /* "repository:<repo>:pull" */
        char **endpoints;      /* mirrors, then the registry */
        size_t endpoint;
        unsigned attempt;      /* retries on the current endpoint */
        sd_event_source *retry;

        char manifest_digest[DIGEST_STRING_MAX];
        char *manifest;
        Manifest parsed;

        sd_event_source *deadline;
};

Resolve *resolve_free(Resolve *r) {
        if (!r)
                return NULL;
        if (r->manager) {
                if (r->prev)
                        r->prev->next = r->next;
                else
                        r->manager->resolves = r->next;
                if (r->next)
                        r->next->prev = r->prev;
                r->manager->n_resolves--;
        }
        http_request_free(r->request);
        token_fetch_free(r->token);
        sd_event_source_disable_unref(r->deadline);
        sd_event_source_disable_unref(r->retry);
        credentials_done(&r->creds);
        free(r->scope);
        strv_free(r->endpoints);
        sd_bus_message_unref(r->call);
        free(r->registry);
        free(r->repository);
        free(r->reference);
        free(r->display);
        free(r->url);
        free(r->expected_digest);
        free(r->manifest);
        manifest_done(&r->parsed);
        free(r);
        return NULL;
}

_printf_(3, 4)
static void resolve_fail(Resolve *r, const char *name, const char *fmt, ...) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);

        log_info("Resolving %s failed: %s", r->display, strempty(msg));
        (void) sd_bus_error_set(&e, name, msg ?: "out of memory");
        (void) sd_bus_reply_method_error(r->call, &e);
        resolve_free(r);
}

void resolve_abort(Resolve *r, const char *why) {
        resolve_fail(r, WHARF_ERROR_BACKEND_FAILED, "%s", why);
}

static void resolve_succeed(Resolve *r, const char *config) {
        int k;

        log_debug("Resolved %s to %s", r->display, r->manifest_digest);
        k = sd_bus_reply_method_return(r->call, "sss", r->manifest_digest, r->manifest, config);
        if (k < 0)
                log_warning_errno(k, "Failed to reply to ResolveImage for %s: %m", r->display);
        resolve_free(r);
}

/* "MANIFEST_UNKNOWN" -> "manifest unknown", as docker prints codes */
static char *error_code_text(const char *code) {
        char *s = strdup(code);
        if (!s)
                return NULL;
        for (char *p = s; *p; p++)
                *p = *p == '_' ? ' ' : (char) tolower((unsigned char) *p);
        return s;
}

static int resolve_fetch(Resolve *r);
static bool resolve_on_mirror(Resolve *r);
static void resolve_next_endpoint(Resolve *r, const char *why);

static void resolve_on_token(const char *error, void *userdata) {
        Resolve *r = userdata;

        r->token = token_fetch_free(r->token);
        if (error && resolve_on_mirror(r))
                return resolve_next_endpoint(r, error);
        if (error)
                return resolve_fail(r, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s: %s", r->registry, error);
        if (resolve_fetch(r) < 0)
                return resolve_fail(r, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s: cannot start request",
                                    r->registry);
}

/* Maps a response other than 200 to the caller's error. */
static void resolve_fail_status(Resolve *r, HttpRequest *h) {
        _cleanup_(freep) char *code = NULL, *message = NULL, *text = NULL;

        if (registry_api_parse_error(h->body, h->body_size, &code, &message) >= 0)
                text = error_code_text(code);

        if (h->status == 401 || h->status == 403 ||
            streq_ptr(code, "UNAUTHORIZED") || streq_ptr(code, "DENIED"))
                return resolve_fail(r, WHARF_ERROR_NO_SUCH_IMAGE,
                                    "pull access denied for %s/%s, repository does not exist or may require authorization%s%s",
                                    r->registry, r->repository, text ? ": " : "", strempty(text));
        if (h->status == 404 || streq_ptr(code, "MANIFEST_UNKNOWN") || streq_ptr(code, "NAME_UNKNOWN") ||
            streq_ptr(code, "BLOB_UNKNOWN")) {
                if (r->step == RESOLVE_CONFIG)
                        return resolve_fail(r, WHARF_ERROR_NO_SUCH_IMAGE, "config blob %s for %s not found: %s",
                                            r->expected_digest, r->display, text ?: "blob unknown");
                if (r->step == RESOLVE_PLATFORM_MANIFEST)
                        return resolve_fail(r, WHARF_ERROR_NO_SUCH_IMAGE, "manifest %s for %s not found: %s",
                                            r->expected_digest, r->display, text ?: "manifest unknown");
                return resolve_fail(r, WHARF_ERROR_NO_SUCH_IMAGE, "manifest for %s not found: %s",
                                    r->display, text ?: "manifest unknown");
        }
        return resolve_fail(r, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s answered HTTP %ld for %s%s%s",
                            r->registry, h->status, r->display, text ? ": " : "", strempty(text));
}

static int resolve_verify_digest(Resolve *r, const char *data, size_t size, char out[static DIGEST_STRING_MAX]) {
        int k = sha256_digest(data, size, out);
        if (k < 0)
                return k;
        if (r->expected_digest && !streq(out, r->expected_digest))
                return -EBADMSG;
        return 0;
}

static void resolve_got_manifest(Resolve *r, HttpRequest *h) {
        _cleanup_(manifest_done) Manifest m = {};
        _cleanup_(freep) char *why = NULL;
        char digest[DIGEST_STRING_MAX];
        int k;

        k = manifest_parse(h->body, h->body_size, h->content_type, &m, &why);
        if (k < 0)
                return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST, "invalid manifest for %s: %s",
                                    r->display, why ?: "cannot parse");

        /* our own hash of the exact bytes is what counts; the header is only checked */
        k = resolve_verify_digest(r, h->body, h->body_size, digest);
        if (k == -EBADMSG)
                return resolve_fail(r, WHARF_ERROR_DIGEST_MISMATCH, "digest mismatch for %s: got %s",
                                    r->expected_digest, digest);
        if (k < 0)
                return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST, "cannot hash manifest for %s", r->display);
        if (h->content_digest && digest_is_valid(h->content_digest) && !streq(h->content_digest, digest))
                log_warning("Registry %s claims manifest digest %s for %s, computed %s; using the computed one",
                            r->registry, h->content_digest, r->display, digest);

        if (m.kind == MANIFEST_INDEX) {
                const Descriptor *d;
                char pbuf[100];

                platform_format(&r->platform, pbuf, sizeof pbuf);
                if (r->step != RESOLVE_MANIFEST)
                        return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST,
                                            "invalid manifest for %s: index entry %s is itself an index",
                                            r->display, r->expected_digest);
                if (manifest_select_platform(&m, &r->platform, &d) < 0)
                        return resolve_fail(r, WHARF_ERROR_NO_SUCH_IMAGE,
                                            "no matching manifest for %s in the manifest list entries of %s",
                                            pbuf, r->display);
                if (d->size > MANIFEST_SIZE_MAX)
                        return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST, "manifest %s for %s too large",
                                            d->digest, r->display);
                free(r->expected_digest);
                r->expected_digest = strdup(d->digest);
                if (!r->expected_digest)
                        return resolve_fail(r, WHARF_ERROR_BACKEND_FAILED, "out of memory");
                r->step = RESOLVE_PLATFORM_MANIFEST;
                log_debug("%s: index entry for %s is %s", r->display, pbuf, d->digest);
        } else {
                if (m.config.size > CONFIG_SIZE_MAX)
                        return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST,
                                            "invalid manifest for %s: config too large (%" PRIu64 " bytes)",
                                            r->display, m.config.size);
                memcpy(r->manifest_digest, digest, sizeof digest);
                /* a 4 MiB cap and a NUL check keep this a valid bus string */
                r->manifest = strndup(h->body, h->body_size);
                free(r->expected_digest);
                r->expected_digest = strdup(m.config.digest);
                if (!r->manifest || !r->expected_digest)
                        return resolve_fail(r, WHARF_ERROR_BACKEND_FAILED, "out of memory");
                r->expected_size = m.config.size;
                r->parsed = m;
                m = (Manifest) {};
                r->step = RESOLVE_CONFIG;
        }

        r->auth_tried = false;
        r->attempt = 0;
        if (resolve_fetch(r) < 0)
                return resolve_fail(r, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s: cannot start request",
                                    r->registry);
}

static void resolve_got_config(Resolve *r, HttpRequest *h) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        char digest[DIGEST_STRING_MAX];
        int k;

        k = resolve_verify_digest(r, h->body, h->body_size, digest);
        if (k == -EBADMSG)
                return resolve_fail(r, WHARF_ERROR_DIGEST_MISMATCH, "digest mismatch for %s: got %s",
                                    r->expected_digest, digest);
        if (k < 0)
                return resolve_fail(r, WHARF_ERROR_BACKEND_FAILED, "cannot hash config of %s", r->display);
        if (h->body_size != r->expected_size)
                return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST,
                                    "config %s of %s has %zu bytes, the manifest says %" PRIu64,
                                    r->expected_digest, r->display, h->body_size, r->expected_size);
        if (json_parse_strict(h->body, h->body_size, &o) < 0 || !json_object_is_type(o, json_type_object))
                return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST, "image config %s of %s is not valid JSON",
                                    r->expected_digest, r->display);

        /* as docker: a single-platform image must match a platform asked for by name */
        if (r->platform_explicit) {
                const char *os = json_get_string(o, "os"), *arch = json_get_string(o, "architecture");
                char want[100];

                if (!streq_ptr(os, r->platform.os) || !streq_ptr(arch, r->platform.architecture))
                        return resolve_fail(r, WHARF_ERROR_NO_SUCH_IMAGE,
                                            "image with reference %s was found but does not match the specified platform: wanted %s, actual: %s/%s",
                                            r->display, platform_format(&r->platform, want, sizeof want),
                                            strempty(os), strempty(arch));
        }

        resolve_succeed(r, h->body);
}

static const char *resolve_host(Resolve *r) {
        return r->endpoints[r->endpoint];
}

static bool resolve_on_mirror(Resolve *r) {
        return r->endpoints[r->endpoint + 1] != NULL;
}

static const Credentials *resolve_creds(Resolve *r) {
        static const Credentials none = {};
        /* credentials are for the registry they were given for, never a mirror */
        return resolve_on_mirror(r) ? &none : &r->creds;
}

static void resolve_start_fetch(Resolve *r) {
        if (resolve_fetch(r) < 0)
                resolve_fail(r, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s: cannot start request", r->registry);
}

static void resolve_next_endpoint(Resolve *r, const char *why) {
        log_info("Mirror %s failed for %s (%s), trying %s", resolve_host(r), r->display, why,
                 r->endpoints[r->endpoint + 1]);
        r->endpoint++;
        r->attempt = 0;
        r->auth_tried = false;
        resolve_start_fetch(r);
}

static int resolve_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Resolve *r = userdata;

        r->retry = sd_event_source_disable_unref(r->retry);
        resolve_start_fetch(r);
        return 0;
}

/* A transport error or a retryable status: the next mirror, a pause and
 * another try, or the end. Returns true when something was started. */
static bool resolve_try_again(Resolve *r, const char *why) {
        uint64_t delay;

        if (resolve_on_mirror(r)) {
                resolve_next_endpoint(r, why);
                return true;
        }
        if (r->attempt >= r->manager->conf.retries)
                return false;
        delay = registry_api_retry_delay_usec(++r->attempt);
        log_info("%s: %s; retry %u of %u in %" PRIu64 " ms", r->display, why, r->attempt,
                 r->manager->conf.retries, delay / 1000);
        r->request = http_request_free(r->request);
        if (sd_event_add_time_relative(r->manager->event, &r->retry, CLOCK_MONOTONIC, delay, 0,
                                       resolve_on_retry, r) < 0)
                return false;
        return true;
}

static void resolve_on_response(HttpRequest *h, void *userdata) {
        Resolve *r = userdata;

        if (h->result == CURLE_WRITE_ERROR && h->body_too_large)
                return resolve_fail(r, WHARF_ERROR_INVALID_MANIFEST, "%s for %s too large (more than %zu bytes)",
                                    r->step == RESOLVE_CONFIG ? "image config" : "manifest", r->display,
                                    h->body_max);
        if (h->result != CURLE_OK) {
                _cleanup_(freep) char *e = http_request_transport_error(h);
                if (resolve_try_again(r, e ?: "unknown error"))
                        return;
                return resolve_fail(r, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s unreachable: %s",
                                    r->registry, e ?: "unknown error");
        }

        if (h->status == 401 && !r->auth_tried && h->www_authenticate) {
                int k;

                r->auth_tried = true;
                k = auth_challenge(r->manager, resolve_host(r), r->scope, resolve_creds(r), h->www_authenticate,
                                   resolve_on_token, r, &r->token);
                if (k == 1)
                        return resolve_start_fetch(r);
                if (k >= 0) {
                        r->request = http_request_free(r->request);
                        return;
                }
                if (k != -EOPNOTSUPP && k != -EBADMSG && k != -EACCES)
                        return resolve_fail(r, WHARF_ERROR_BACKEND_FAILED, "cannot request a token: %s",
                                            strerror(-k));
                /* nothing to answer the challenge with: report the 401 below */
        }
        if (h->status != 200) {
                char why[64];

                snprintf(why, sizeof why, "HTTP %ld", h->status);
                if (registry_api_status_is_retryable(h->status) && resolve_try_again(r, why))
                        return;
                if (resolve_on_mirror(r))
                        return resolve_next_endpoint(r, why);
                return resolve_fail_status(r, h);
        }

        if (r->step == RESOLVE_CONFIG)
                return resolve_got_config(r, h);
        return resolve_got_manifest(r, h);
}

static int resolve_fetch(Resolve *r) {
        bool config = r->step == RESOLVE_CONFIG;
        _cleanup_(freep) char *auth = NULL;
        const char *host = resolve_host(r);
        int k;

        r->request = http_request_free(r->request);
        free(r->url);
        r->url = manager_url(r->manager, host, r->repository, config ? "blobs" : "manifests",
                             r->step == RESOLVE_MANIFEST ? r->reference : r->expected_digest);
        if (!r->url)
                return -ENOMEM;
        auth = auth_header(r->manager, host, r->scope, resolve_creds(r));
        k = http_request_new(r->manager->glue, r->url, config ? NULL : MANIFEST_ACCEPT, auth,
                             manager_plain_http_ok(r->manager, host), RESOLVE_REQUEST_TIMEOUT_MS, &r->request);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        if (k < 0)
                return k;
        r->request->body_max = config ? CONFIG_SIZE_MAX : MANIFEST_SIZE_MAX;
        return http_request_start(r->request, resolve_on_response, r);
}

static int resolve_on_deadline(sd_event_source *s, uint64_t usec, void *userdata) {
        Resolve *r = userdata;

        resolve_fail(r, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s unreachable: no answer for %s in %u s",
                     r->registry, r->display, RESOLVE_TIMEOUT_USEC / 1000000U);
        return 0;
}

int resolve_start(Manager *m, sd_bus_message *call, const char *registry, const char *repository,
                  const char *reference, const char *platform, Credentials *creds, sd_bus_error *error) {
        Resolve *r;
        int k;

        if (!registry_api_registry_is_valid(registry))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid registry \"%s\"", registry);
        if (!registry_api_repository_is_valid(repository))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid repository name \"%s\"",
                                         repository);
        if (!registry_api_reference_is_valid(reference))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid tag or digest \"%s\"",
                                         reference);
        if (m->n_resolves >= RESOLVES_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "too many image resolutions in progress");

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        if (platform_parse(platform, &r->platform) < 0) {
                free(r);
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "invalid platform \"%s\" (want os/arch[/variant])", platform);
        }
        r->platform_explicit = !isempty(platform);
        r->manager = m;
        r->next = m->resolves;
        if (r->next)
                r->next->prev = r;
        m->resolves = r;
        m->n_resolves++;
        r->call = sd_bus_message_ref(call);
        r->step = RESOLVE_MANIFEST;
        r->registry = strdup(registry);
        r->repository = strdup(repository);
        r->reference = strdup(reference);
        r->display = registry_api_display_name(registry, repository, reference);
        r->scope = registry_api_scope(repository, "pull");
        r->creds = *creds;
        *creds = (Credentials) {};
        if (startswith(reference, DIGEST_PREFIX))
                r->expected_digest = strdup(reference);
        if (!r->registry || !r->repository || !r->reference || !r->display || !r->scope ||
            manager_endpoints(m, registry, &r->endpoints) < 0 ||
            (startswith(reference, DIGEST_PREFIX) && !r->expected_digest)) {
                r->call = sd_bus_message_unref(r->call);
                resolve_free(r);
                return -ENOMEM;
        }

        k = sd_event_add_time_relative(m->event, &r->deadline, CLOCK_MONOTONIC, RESOLVE_TIMEOUT_USEC, 0,
                                       resolve_on_deadline, r);
        if (k >= 0)
                k = resolve_fetch(r);
        if (k < 0) {
                r->call = sd_bus_message_unref(r->call);
                resolve_free(r);
                return k;
        }
        log_debug("Resolving %s", r->display);
        return 1;
}
