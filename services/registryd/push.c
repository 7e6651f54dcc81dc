/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth.h"
#include "bus-errors.h"
#include "digest.h"
#include "http.h"
#include "log.h"
#include "macro.h"
#include "push.h"
#include "registry-api.h"
#include "transfer.h"

#define PUSH_REQUEST_TIMEOUT_MS 30000U

typedef enum PushStep {
        PUSH_HEAD,    /* already there? */
        PUSH_MOUNT,   /* POST ?mount=&from= */
        PUSH_START,   /* POST: an upload session */
        PUSH_PATCH,   /* one chunk */
        PUSH_PUT,     /* the whole blob (monolithic), or the end of a chunked upload */
} PushStep;

struct BlobPush {
        Manager *manager;
        BlobPush *next;
        uint32_t id;

        char *registry;
        char *repository;
        char *digest;
        uint64_t size;
        int fd;
        bool regular;          /* pread: a body can be sent again */
        Credentials creds;
        char *scope;
        char **mount_from;
        size_t next_mount;

        PushStep step;
        bool chunked;
        char *location;
        uint64_t offset;       /* acknowledged by the registry */
        uint64_t chunk_start, chunk_len, chunk_sent;

        HttpRequest *request;
        TokenFetch *token;
        bool auth_tried;
        unsigned attempt;
        sd_event_source *retry;
        sd_event_source *in_source;
        uint64_t progress_usec;
};

typedef struct ManifestPush {
        Manager *manager;
        sd_bus_message *call;
        char *registry, *repository, *reference, *media_type, *manifest, *scope, *url;
        char digest[DIGEST_STRING_MAX];
        Credentials creds;
        HttpRequest *request;
        TokenFetch *token;
        bool auth_tried;
        unsigned attempt;
        sd_event_source *retry;
} ManifestPush;

bool manager_has_push(Manager *m, uint32_t id) {
        for (BlobPush *p = m->pushes; p; p = p->next)
                if (p->id == id)
                        return true;
        return false;
}

BlobPush *blob_push_free(BlobPush *p) {
        if (!p)
                return NULL;
        for (BlobPush **q = &p->manager->pushes; *q; q = &(*q)->next)
                if (*q == p) {
                        *q = p->next;
                        break;
                }
        http_request_free(p->request);
        token_fetch_free(p->token);
        sd_event_source_disable_unref(p->retry);
        sd_event_source_disable_unref(p->in_source);
        safe_close(p->fd);
        credentials_done(&p->creds);
        free(p->registry);
        free(p->repository);
        free(p->digest);
        free(p->scope);
        free(p->location);
        strv_free(p->mount_from);
        free(p);
        return NULL;
}

static void blob_push_finish(BlobPush *p, const char *status, const char *error) {
        Manager *m = p->manager;
        uint32_t id = p->id;
        int r;

        p->request = http_request_free(p->request);
        if (error)
                log_info("Push %" PRIu32 " of %s to %s/%s failed: %s", id, p->digest, p->registry, p->repository, error);
        else {
                log_debug("Push %" PRIu32 " of %s: %s", id, p->digest, status);
                r = sd_bus_emit_signal(m->bus, REGISTRY_OBJECT_PATH, REGISTRY_INTERFACE, "PushStatus", "us", id, status);
                if (r < 0)
                        log_warning_errno(r, "Failed to emit PushStatus: %m");
        }
        r = sd_bus_emit_signal(m->bus, REGISTRY_OBJECT_PATH, REGISTRY_INTERFACE, "TransferDone", "us", id,
                               strempty(error));
        if (r < 0)
                log_warning_errno(r, "Failed to emit TransferDone for %" PRIu32 ": %m", id);
        blob_push_free(p);
}

_printf_(2, 3)
static void blob_push_failf(BlobPush *p, const char *fmt, ...) {
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        blob_push_finish(p, NULL, msg ?: "out of memory");
}

bool blob_push_cancel(Manager *m, uint32_t id, const char *error) {
        for (BlobPush *p = m->pushes; p; p = p->next)
                if (p->id == id) {
                        blob_push_finish(p, NULL, error);
                        return true;
                }
        return false;
}

static void blob_push_progress(BlobPush *p) {
        uint64_t now = 0;

        (void) sd_event_now(p->manager->event, CLOCK_MONOTONIC, &now);
        if (p->progress_usec > 0 && now < p->progress_usec + TRANSFER_PROGRESS_INTERVAL_USEC)
                return;
        p->progress_usec = now;
        (void) sd_bus_emit_signal(p->manager->bus, REGISTRY_OBJECT_PATH, REGISTRY_INTERFACE, "TransferProgress",
                                  "utt", p->id, p->chunk_start + p->chunk_sent, p->size);
}

static int blob_push_on_readable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        BlobPush *p = userdata;

        (void) sd_event_source_set_enabled(s, SD_EVENT_OFF);
        if (p->request && http_request_resume(p->request) < 0)
                blob_push_failf(p, "cannot resume the upload of %s", p->digest);
        return 0;
}

static size_t blob_push_source(HttpRequest *h, char *buf, size_t size, void *userdata) {
        BlobPush *p = userdata;
        uint64_t left = p->chunk_len - p->chunk_sent;
        ssize_t k;

        if (left == 0)
                return 0;
        size = (size_t) MIN((uint64_t) size, left);
        if (p->regular)
                k = pread(p->fd, buf, size, (off_t) (p->chunk_start + p->chunk_sent));
        else
                k = read(p->fd, buf, size);
        if (k < 0 && errno == EAGAIN) {
                if (p->in_source)
                        (void) sd_event_source_set_enabled(p->in_source, SD_EVENT_ON);
                else if (sd_event_add_io(p->manager->event, &p->in_source, p->fd, EPOLLIN,
                                         blob_push_on_readable, p) < 0)
                        return CURL_READFUNC_ABORT;
                return CURL_READFUNC_PAUSE;
        }
        if (k <= 0)
                return CURL_READFUNC_ABORT; /* an error, or shorter than declared */
        p->chunk_sent += (uint64_t) k;
        blob_push_progress(p);
        return (size_t) k;
}

static char *url_with_query(const char *base, const char *query) {
        char *s;
        if (asprintf(&s, "%s%c%s", base, strchr(base, '?') ? '&' : '?', query) < 0)
                return NULL;
        return s;
}

static int blob_push_request(BlobPush *p);
static void blob_push_on_response(HttpRequest *h, void *userdata);

static void blob_push_start_request(BlobPush *p) {
        if (blob_push_request(p) < 0)
                blob_push_failf(p, "registry %s: cannot start request", p->registry);
}

static int blob_push_request(BlobPush *p) {
        _cleanup_(freep) char *url = NULL, *auth = NULL, *q = NULL;
        const char *method = "GET";
        int r;

        p->request = http_request_free(p->request);
        switch (p->step) {
        case PUSH_HEAD:
                url = manager_url(p->manager, p->registry, p->repository, "blobs", p->digest);
                method = "HEAD";
                break;
        case PUSH_MOUNT: {
                _cleanup_(freep) char *base = manager_url(p->manager, p->registry, p->repository, "blobs/uploads", "");
                if (base && asprintf(&q, "mount=%s&from=%s", p->digest, p->mount_from[p->next_mount]) >= 0)
                        url = url_with_query(base, q);
                method = "POST";
                break;
        }
        case PUSH_START:
                url = manager_url(p->manager, p->registry, p->repository, "blobs/uploads", "");
                method = "POST";
                break;
        case PUSH_PATCH:
                url = strdup(p->location);
                method = "PATCH";
                break;
        case PUSH_PUT:
                if (asprintf(&q, "digest=%s", p->digest) >= 0)
                        url = url_with_query(p->location, q);
                method = "PUT";
                break;
        }
        if (!url)
                return -ENOMEM;

        auth = auth_header(p->manager, p->registry, p->scope, &p->creds);
        r = http_request_new(p->manager->glue, url, NULL, auth, manager_plain_http_ok(p->manager, p->registry),
                             p->step == PUSH_PATCH || p->step == PUSH_PUT ? 0 : PUSH_REQUEST_TIMEOUT_MS,
                             &p->request);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        if (r < 0)
                return r;

        p->chunk_sent = 0;
        if (p->step == PUSH_PATCH || (p->step == PUSH_PUT && !p->chunked)) {
                char range[80];

                p->chunk_start = p->offset;
                p->chunk_len = p->step == PUSH_PUT ? p->size
                                                   : MIN((uint64_t) p->manager->conf.push_chunk_size, p->size - p->offset);
                if (!p->regular && p->chunk_start > 0 && p->step == PUSH_PUT)
                        return -EINVAL;
                p->request->source = blob_push_source;
                if (p->step == PUSH_PATCH) {
                        snprintf(range, sizeof range, "Content-Range: %" PRIu64 "-%" PRIu64, p->chunk_start,
                                 p->chunk_start + p->chunk_len - 1);
                        r = http_request_add_header(p->request, range);
                        if (r < 0)
                                return r;
                }
                r = http_request_set_method(p->request, method, "application/octet-stream", NULL, p->chunk_len);
        } else
                r = http_request_set_method(p->request, method, NULL, NULL, 0);
        if (r < 0)
                return r;
        return http_request_start(p->request, blob_push_on_response, p);
}

static void blob_push_on_token(const char *error, void *userdata) {
        BlobPush *p = userdata;

        p->token = token_fetch_free(p->token);
        if (error)
                return blob_push_failf(p, "registry %s: %s", p->registry, error);
        blob_push_start_request(p);
}

static int blob_push_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        BlobPush *p = userdata;

        p->retry = sd_event_source_disable_unref(p->retry);
        blob_push_start_request(p);
        return 0;
}

static bool blob_push_try_again(BlobPush *p, const char *why) {
        uint64_t delay;

        /* a body read from a pipe cannot be sent twice */
        if ((p->step == PUSH_PATCH || p->step == PUSH_PUT) && !p->regular && p->chunk_sent > 0)
                return false;
        if (p->attempt >= p->manager->conf.retries)
                return false;
        delay = registry_api_retry_delay_usec(++p->attempt);
        log_info("Push %" PRIu32 " of %s: %s; retry %u of %u in %" PRIu64 " ms", p->id, p->digest, why, p->attempt,
                 p->manager->conf.retries, delay / 1000);
        p->request = http_request_free(p->request);
        return sd_event_add_time_relative(p->manager->event, &p->retry, CLOCK_MONOTONIC, delay, 0,
                                          blob_push_on_retry, p) >= 0;
}

/* The upload session's next URL: Location, made absolute. */
static int blob_push_take_location(BlobPush *p, HttpRequest *h) {
        char *l;

        if (isempty(h->location))
                return -EBADMSG;
        l = registry_api_absolute_url(h->url, h->location);
        if (!l)
                return -EBADMSG;
        free(p->location);
        p->location = l;
        return 0;
}

static void blob_push_upload(BlobPush *p) {
        p->chunked = p->size > p->manager->conf.push_chunk_size;
        p->offset = 0;
        p->step = p->chunked ? PUSH_PATCH : PUSH_PUT;
        p->attempt = 0;
        blob_push_start_request(p);
}

static void blob_push_on_response(HttpRequest *h, void *userdata) {
        BlobPush *p = userdata;
        _cleanup_(freep) char *code = NULL, *message = NULL;
        int r;

        if (h->result != CURLE_OK) {
                _cleanup_(freep) char *e = http_request_transport_error(h);
                if (blob_push_try_again(p, strempty(e)))
                        return;
                return blob_push_failf(p, "registry %s: push of %s failed: %s", p->registry, p->digest, strempty(e));
        }
        if (h->status == 401 && !p->auth_tried && h->www_authenticate) {
                p->auth_tried = true;
                r = auth_challenge(p->manager, p->registry, p->scope, &p->creds, h->www_authenticate,
                                   blob_push_on_token, p, &p->token);
                if (r == 1)
                        return blob_push_start_request(p);
                if (r >= 0) {
                        p->request = http_request_free(p->request);
                        return;
                }
        }
        if (registry_api_status_is_retryable(h->status) && blob_push_try_again(p, "server error"))
                return;
        p->attempt = 0;

        switch (p->step) {
        case PUSH_HEAD:
                if (h->status == 200)
                        return blob_push_finish(p, "exists", NULL);
                if (h->status == 404) {
                        p->step = p->mount_from && p->mount_from[0] ? PUSH_MOUNT : PUSH_START;
                        return blob_push_start_request(p);
                }
                break;
        case PUSH_MOUNT:
                if (h->status == 201) {
                        _cleanup_(freep) char *s = NULL;
                        if (asprintf(&s, "mounted %s", p->mount_from[p->next_mount]) < 0)
                                s = NULL;
                        return blob_push_finish(p, s ?: "mounted", NULL);
                }
                if (h->status == 202) {
                        /* not mountable from there: the registry opened an upload instead */
                        if (blob_push_take_location(p, h) < 0)
                                return blob_push_failf(p, "registry %s started an upload without a Location",
                                                       p->registry);
                        return blob_push_upload(p);
                }
                p->next_mount++;
                p->step = p->mount_from[p->next_mount] ? PUSH_MOUNT : PUSH_START;
                return blob_push_start_request(p);
        case PUSH_START:
                if (h->status == 202) {
                        if (blob_push_take_location(p, h) < 0)
                                return blob_push_failf(p, "registry %s started an upload without a Location",
                                                       p->registry);
                        return blob_push_upload(p);
                }
                break;
        case PUSH_PATCH:
                if (h->status == 202) {
                        if (blob_push_take_location(p, h) < 0)
                                return blob_push_failf(p, "registry %s sent no Location after a chunk", p->registry);
                        p->offset += p->chunk_len;
                        if (p->offset >= p->size)
                                p->step = PUSH_PUT;
                        return blob_push_start_request(p);
                }
                break;
        case PUSH_PUT:
                if (h->status == 201)
                        return blob_push_finish(p, "uploaded", NULL);
                break;
        }

        (void) registry_api_parse_error(h->body, h->body_size, &code, &message);
        if (h->status == 401 || h->status == 403)
                return blob_push_failf(p, "denied: requested access to the resource is denied%s%s",
                                       message ? ": " : "", strempty(message));
        blob_push_failf(p, "registry %s answered HTTP %ld to the push of %s%s%s%s%s", p->registry, h->status,
                        p->digest, code ? ": " : "", strempty(code), message ? " " : "", strempty(message));
}

int blob_push_start(Manager *m, sd_bus_message *call, const char *registry, const char *repository,
                    const char *digest, uint64_t size, int fd, Credentials *creds, char **mount_from,
                    sd_bus_error *error) {
        _cleanup_(closep) int fd_owned = fd;
        struct stat st;
        BlobPush *p;
        int r;

        if (!registry_api_registry_is_valid(registry))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid registry \"%s\"", registry);
        if (!registry_api_repository_is_valid(repository))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid repository name \"%s\"", repository);
        if (!digest_is_valid(digest))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid digest \"%s\"", digest);
        STRV_FOREACH(s, mount_from)
                if (!registry_api_repository_is_valid(*s))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid MountFrom repository \"%s\"", *s);
        if (fstat(fd, &st) < 0)
                return -errno;

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->manager = m;
        p->fd = TAKE_FD(fd_owned);
        p->regular = S_ISREG(st.st_mode);
        if (!p->regular) {
                int flags = fcntl(p->fd, F_GETFL);
                if (flags >= 0)
                        (void) fcntl(p->fd, F_SETFL, flags | O_NONBLOCK);
        }
        p->size = size;
        p->creds = *creds;
        *creds = (Credentials) {};
        p->mount_from = mount_from;
        p->registry = strdup(registry);
        p->repository = strdup(repository);
        p->digest = strdup(digest);
        p->scope = registry_api_scope(repository, "pull,push");
        do
                p->id = ++m->next_transfer_id;
        while (p->id == 0 || manager_find_transfer(m, p->id) || manager_has_push(m, p->id));
        p->next = m->pushes;
        m->pushes = p;
        if (!p->registry || !p->repository || !p->digest || !p->scope) {
                blob_push_free(p);
                return -ENOMEM;
        }
        p->step = PUSH_HEAD;

        r = sd_bus_reply_method_return(call, "u", p->id);
        if (r < 0) {
                blob_push_free(p);
                return r;
        }
        log_debug("Push %" PRIu32 ": %s to %s/%s (%" PRIu64 " bytes)", p->id, digest, registry, repository, size);
        blob_push_start_request(p);
        return 1;
}

/* manifests */

static void manifest_push_free(ManifestPush *p) {
        http_request_free(p->request);
        token_fetch_free(p->token);
        sd_event_source_disable_unref(p->retry);
        sd_bus_message_unref(p->call);
        credentials_done(&p->creds);
        free(p->registry);
        free(p->repository);
        free(p->reference);
        free(p->media_type);
        free(p->manifest);
        free(p->scope);
        free(p->url);
        free(p);
}

_printf_(3, 4)
static void manifest_push_fail(ManifestPush *p, const char *name, const char *fmt, ...) {
        _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        log_info("Pushing manifest %s/%s:%s failed: %s", p->registry, p->repository, p->reference, strempty(msg));
        (void) sd_bus_error_set(&e, name, msg ?: "out of memory");
        (void) sd_bus_reply_method_error(p->call, &e);
        manifest_push_free(p);
}

static int manifest_push_request(ManifestPush *p);

static void manifest_push_on_token(const char *error, void *userdata) {
        ManifestPush *p = userdata;

        p->token = token_fetch_free(p->token);
        if (error)
                return manifest_push_fail(p, WHARF_ERROR_UNAUTHORIZED, "registry %s: %s", p->registry, error);
        if (manifest_push_request(p) < 0)
                manifest_push_fail(p, WHARF_ERROR_BACKEND_FAILED, "cannot start request");
}

static int manifest_push_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        ManifestPush *p = userdata;

        p->retry = sd_event_source_disable_unref(p->retry);
        if (manifest_push_request(p) < 0)
                manifest_push_fail(p, WHARF_ERROR_BACKEND_FAILED, "cannot start request");
        return 0;
}

static bool manifest_push_try_again(ManifestPush *p) {
        if (p->attempt >= p->manager->conf.retries)
                return false;
        p->request = http_request_free(p->request);
        return sd_event_add_time_relative(p->manager->event, &p->retry, CLOCK_MONOTONIC,
                                          registry_api_retry_delay_usec(++p->attempt), 0,
                                          manifest_push_on_retry, p) >= 0;
}

static void manifest_push_on_response(HttpRequest *h, void *userdata) {
        ManifestPush *p = userdata;
        _cleanup_(freep) char *code = NULL, *message = NULL;
        int r;

        if (h->result != CURLE_OK) {
                _cleanup_(freep) char *e = http_request_transport_error(h);
                if (manifest_push_try_again(p))
                        return;
                return manifest_push_fail(p, WHARF_ERROR_REGISTRY_UNREACHABLE, "registry %s unreachable: %s",
                                          p->registry, strempty(e));
        }
        if (h->status == 401 && !p->auth_tried && h->www_authenticate) {
                p->auth_tried = true;
                r = auth_challenge(p->manager, p->registry, p->scope, &p->creds, h->www_authenticate,
                                   manifest_push_on_token, p, &p->token);
                if (r == 1) {
                        if (manifest_push_request(p) < 0)
                                manifest_push_fail(p, WHARF_ERROR_BACKEND_FAILED, "cannot start request");
                        return;
                }
                if (r >= 0) {
                        p->request = http_request_free(p->request);
                        return;
                }
        }
        if (registry_api_status_is_retryable(h->status) && manifest_push_try_again(p))
                return;
        if (h->status == 201 || h->status == 200) {
                if (h->content_digest && digest_is_valid(h->content_digest) && !streq(h->content_digest, p->digest))
                        log_warning("Registry %s stored manifest %s as %s", p->registry, p->digest, h->content_digest);
                (void) sd_bus_reply_method_return(p->call, "s", p->digest);
                return manifest_push_free(p);
        }
        (void) registry_api_parse_error(h->body, h->body_size, &code, &message);
        if (h->status == 401 || h->status == 403)
                return manifest_push_fail(p, WHARF_ERROR_UNAUTHORIZED,
                                          "denied: requested access to the resource is denied%s%s",
                                          message ? ": " : "", strempty(message));
        manifest_push_fail(p, WHARF_ERROR_INVALID_MANIFEST, "registry %s refused the manifest (HTTP %ld)%s%s%s%s",
                           p->registry, h->status, code ? ": " : "", strempty(code), message ? " " : "",
                           strempty(message));
}

static int manifest_push_request(ManifestPush *p) {
        _cleanup_(freep) char *auth = NULL;
        int r;

        p->request = http_request_free(p->request);
        auth = auth_header(p->manager, p->registry, p->scope, &p->creds);
        r = http_request_new(p->manager->glue, p->url, NULL, auth, manager_plain_http_ok(p->manager, p->registry),
                             PUSH_REQUEST_TIMEOUT_MS, &p->request);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        if (r < 0)
                return r;
        r = http_request_set_method(p->request, "PUT", p->media_type, p->manifest, strlen(p->manifest));
        if (r < 0)
                return r;
        return http_request_start(p->request, manifest_push_on_response, p);
}

int manifest_push_start(Manager *m, sd_bus_message *call, const char *registry, const char *repository,
                        const char *reference, const char *media_type, const char *manifest, Credentials *creds,
                        sd_bus_error *error) {
        ManifestPush *p;
        int r;

        if (!registry_api_registry_is_valid(registry))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid registry \"%s\"", registry);
        if (!registry_api_repository_is_valid(repository))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid repository name \"%s\"", repository);
        if (!registry_api_reference_is_valid(reference))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid tag or digest \"%s\"", reference);
        if (isempty(media_type) || strpbrk(media_type, "\r\n"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid media type");
        if (strlen(manifest) > 4U * 1024U * 1024U)
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_MANIFEST, "manifest too large");

        p = calloc(1, sizeof(*p));
        if (!p)
                return -ENOMEM;
        p->manager = m;
        p->creds = *creds;
        *creds = (Credentials) {};
        p->registry = strdup(registry);
        p->repository = strdup(repository);
        p->reference = strdup(reference);
        p->media_type = strdup(media_type);
        p->manifest = strdup(manifest);
        p->scope = registry_api_scope(repository, "pull,push");
        p->url = manager_url(m, registry, repository, "manifests", reference);
        if (!p->registry || !p->repository || !p->reference || !p->media_type || !p->manifest || !p->scope ||
            !p->url) {
                manifest_push_free(p);
                return -ENOMEM;
        }
        r = sha256_digest(manifest, strlen(manifest), p->digest);
        if (r >= 0 && startswith(reference, DIGEST_PREFIX) && !streq(reference, p->digest)) {
                manifest_push_free(p);
                return sd_bus_error_setf(error, WHARF_ERROR_DIGEST_MISMATCH, "manifest does not match %s", reference);
        }
        if (r >= 0)
                r = manifest_push_request(p);
        if (r < 0) {
                manifest_push_free(p);
                return r;
        }
        p->call = sd_bus_message_ref(call);
        return 1;
}

void pushes_free_all(Manager *m) {
        while (m->pushes)
                blob_push_finish(m->pushes, NULL, "registryd is shutting down");
}
