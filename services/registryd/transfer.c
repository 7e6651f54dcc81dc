/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <sys/epoll.h>

#include "auth.h"
#include "credentials.h"
#include "digest.h"
#include "http.h"
#include "log.h"
#include "macro.h"
#include "reference.h"
#include "registry-api.h"
#include "transfer.h"

typedef enum TransferState {
        TRANSFER_QUEUED,
        TRANSFER_RUNNING,
        TRANSFER_FLUSHING, /* all bytes in and verified, some still to write */
} TransferState;

struct Transfer {
        Manager *manager;
        Transfer *prev, *next;
        uint32_t id;
        TransferState state;

        char *registry;
        char *repository;
        char *digest;
        char *url;
        uint64_t size;
        int fd;

        HttpRequest *request;
        TokenFetch *token;
        bool auth_tried;
        Credentials creds;       /* for the registry; mirrors get none */
        char *scope;
        char **endpoints;        /* mirrors, then the registry */
        size_t endpoint;
        unsigned attempt;
        sd_event_source *retry;

        /* resuming: where the current request started, whether its
         * response was checked, and what of it to drop (a 200 repeats
         * what we have) */
        uint64_t request_offset;
        bool plan_done;
        uint64_t skip;

        Sha256 *hash;
        uint64_t bytes;          /* accepted from curl (hashed) */

        /* accepted but not yet written: at most one chunk, since curl is
         * paused while there is any */
        char *pending;
        size_t pending_size;
        size_t pending_offset;
        bool paused;
        sd_event_source *out_source;

        uint64_t progress_usec;
        uint64_t progress_bytes;

        /* a failure decided inside the sink, reported when curl gives up */
        char *error;
};

uint32_t transfer_id(const Transfer *t) {
        return t->id;
}

bool transfer_is_queued(const Transfer *t) {
        return t->state == TRANSFER_QUEUED;
}

Transfer *transfer_next(const Transfer *t) {
        return t->next;
}

Transfer *manager_find_transfer(Manager *m, uint32_t id) {
        for (Transfer *t = m->transfers; t; t = t->next)
                if (t->id == id)
                        return t;
        return NULL;
}

Transfer *transfer_free(Transfer *t) {
        if (!t)
                return NULL;
        if (t->manager) {
                Manager *m = t->manager;
                if (t->prev)
                        t->prev->next = t->next;
                else
                        m->transfers = t->next;
                if (t->next)
                        t->next->prev = t->prev;
                else
                        m->transfers_tail = t->prev;
                m->n_transfers--;
                if (t->state != TRANSFER_QUEUED)
                        m->n_active--;
        }
        http_request_free(t->request);
        token_fetch_free(t->token);
        sd_event_source_disable_unref(t->out_source);
        sd_event_source_disable_unref(t->retry);
        credentials_done(&t->creds);
        free(t->scope);
        strv_free(t->endpoints);
        safe_close(t->fd);
        sha256_free(t->hash);
        free(t->registry);
        free(t->repository);
        free(t->digest);
        free(t->url);
        free(t->pending);
        free(t->error);
        free(t);
        return NULL;
}

int transfer_new(Manager *m, const char *registry, const char *repository, const char *digest,
                 uint64_t size, int fd, Credentials *creds, Transfer **ret) {
        Transfer *t;
        int r;

        t = calloc(1, sizeof(*t));
        if (!t) {
                safe_close(fd);
                return -ENOMEM;
        }
        t->fd = fd;
        t->size = size;
        t->registry = strdup(registry);
        t->repository = strdup(repository);
        t->digest = strdup(digest);
        t->scope = registry_api_scope(repository, "pull");
        t->creds = *creds;
        *creds = (Credentials) {};
        if (!t->registry || !t->repository || !t->digest || !t->scope ||
            manager_endpoints(m, registry, &t->endpoints) < 0) {
                transfer_free(t);
                return -ENOMEM;
        }
        r = sha256_new(&t->hash);
        if (r < 0) {
                transfer_free(t);
                return r;
        }

        /* ids are never 0, so callers can use 0 for "none" */
        do
                t->id = ++m->next_transfer_id;
        while (t->id == 0 || manager_find_transfer(m, t->id));

        t->manager = m;
        t->prev = m->transfers_tail;
        if (t->prev)
                t->prev->next = t;
        else
                m->transfers = t;
        m->transfers_tail = t;
        m->n_transfers++;

        *ret = t;
        return 0;
}

static void transfer_emit_progress(Transfer *t, bool force) {
        uint64_t now = 0;
        int r;

        if (t->bytes == t->progress_bytes)
                return;
        (void) sd_event_now(t->manager->event, CLOCK_MONOTONIC, &now);
        if (!force && t->progress_usec > 0 && now < t->progress_usec + TRANSFER_PROGRESS_INTERVAL_USEC)
                return;
        t->progress_usec = now;
        t->progress_bytes = t->bytes;
        r = sd_bus_emit_signal(t->manager->bus, REGISTRY_OBJECT_PATH, REGISTRY_INTERFACE, "TransferProgress",
                               "utt", t->id, t->bytes, t->size);
        if (r < 0)
                log_debug_errno(r, "Failed to emit TransferProgress: %m");
}

/* The watch goes first, so epoll never holds a closed (or reused) fd. */
static void transfer_close_fd(Transfer *t) {
        t->out_source = sd_event_source_disable_unref(t->out_source);
        t->fd = safe_close(t->fd);
}

void transfer_finish(Transfer *t, const char *error) {
        Manager *m = t->manager;
        int r;

        /* the reader must see the end of the stream now, short on failure */
        transfer_close_fd(t);
        t->request = http_request_free(t->request);
        t->token = token_fetch_free(t->token);

        if (!error)
                transfer_emit_progress(t, true);
        if (error)
                log_info("Transfer %" PRIu32 " of %s from %s/%s failed: %s",
                         t->id, t->digest, t->registry, t->repository, error);
        else
                log_debug("Transfer %" PRIu32 " of %s done (%" PRIu64 " bytes)", t->id, t->digest, t->bytes);

        r = sd_bus_emit_signal(m->bus, REGISTRY_OBJECT_PATH, REGISTRY_INTERFACE, "TransferDone",
                               "us", t->id, strempty(error));
        if (r < 0)
                log_warning_errno(r, "Failed to emit TransferDone for %" PRIu32 ": %m", t->id);

        transfer_free(t);
        manager_dispatch_transfers(m);
}

_printf_(2, 3)
static void transfer_failf(Transfer *t, const char *fmt, ...) {
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        transfer_finish(t, msg ?: "out of memory");
}

/* Inside curl's callbacks: remember why, close the fd, let curl fail. */
_printf_(2, 3)
static size_t transfer_sink_fail(Transfer *t, const char *fmt, ...) {
        va_list ap;

        transfer_close_fd(t);
        if (t->error)
                return 0;
        va_start(ap, fmt);
        if (vasprintf(&t->error, fmt, ap) < 0)
                t->error = NULL;
        va_end(ap);
        if (!t->error)
                t->error = strdup("out of memory");
        return 0;
}

/* Writes what the fd takes now; *ret_written may be short (EAGAIN). */
static int fd_write_some(int fd, const char *p, size_t n, size_t *ret_written) {
        size_t done = 0;

        while (done < n) {
                ssize_t k = write(fd, p + done, n - done);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        if (errno == EAGAIN)
                                break;
                        return -errno;
                }
                done += (size_t) k;
        }
        *ret_written = done;
        return 0;
}

static int transfer_on_writable(sd_event_source *s, int fd, uint32_t revents, void *userdata);

static int transfer_want_writable(Transfer *t) {
        int r;

        if (t->out_source)
                return sd_event_source_set_enabled(t->out_source, SD_EVENT_ON);
        r = sd_event_add_io(t->manager->event, &t->out_source, t->fd, EPOLLOUT, transfer_on_writable, t);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(t->out_source, "transfer-out");
        return 0;
}

/* 1 if everything pending is written, 0 if some is left, <0 on error */
static int transfer_flush(Transfer *t) {
        size_t n;
        int r;

        if (t->pending_size == 0)
                return 1;
        r = fd_write_some(t->fd, t->pending + t->pending_offset, t->pending_size - t->pending_offset, &n);
        if (r < 0)
                return r;
        t->pending_offset += n;
        if (t->pending_offset < t->pending_size)
                return 0;
        t->pending_size = t->pending_offset = 0;
        return 1;
}

static const char *write_error_text(int r) {
        return r == -EPIPE ? "the reader closed the stream" : strerror(-r);
}

static size_t transfer_sink(HttpRequest *h, const char *data, size_t size, void *userdata) {
        Transfer *t = userdata;
        size_t n;
        int r;

        if (t->error || t->fd < 0)
                return 0;

        if (!t->plan_done) {
                long status = 0;
                (void) curl_easy_getinfo(h->handle.easy, CURLINFO_RESPONSE_CODE, &status);
                if (registry_api_resume_skip(t->request_offset, status, h->content_range, &t->skip) < 0)
                        return transfer_sink_fail(t, "registry %s resumed blob %s at the wrong offset (%s)",
                                                  t->registry, t->digest, strempty(h->content_range));
                t->plan_done = true;
        }

        /* the fd is still full from last time: curl keeps this chunk and
         * delivers it again after curl_easy_pause(CURLPAUSE_CONT) */
        r = transfer_flush(t);
        if (r < 0)
                return transfer_sink_fail(t, "cannot write blob %s: %s", t->digest, write_error_text(r));
        if (r == 0) {
                t->paused = true;
                if (transfer_want_writable(t) < 0)
                        return transfer_sink_fail(t, "cannot watch the blob fd");
                return CURL_WRITEFUNC_PAUSE;
        }

        if (t->skip > 0) {
                /* bytes we hashed and delivered before the break */
                size_t d = (size_t) MIN(t->skip, (uint64_t) size);
                t->skip -= d;
                if (d == size)
                        return size;
                n = transfer_sink(h, data + d, size - d, userdata);
                return n == size - d ? size : n;
        }

        if (size > t->size - t->bytes)
                return transfer_sink_fail(t, "blob %s is larger than its declared size %" PRIu64,
                                          t->digest, t->size);
        if (sha256_update(t->hash, data, size) < 0)
                return transfer_sink_fail(t, "cannot hash blob %s", t->digest);
        t->bytes += size;

        r = fd_write_some(t->fd, data, size, &n);
        if (r < 0)
                return transfer_sink_fail(t, "cannot write blob %s: %s", t->digest, write_error_text(r));
        if (n < size) {
                /* accepted by us, so it is ours to keep until the fd takes it */
                char *p = realloc(t->pending, size - n);
                if (!p)
                        return transfer_sink_fail(t, "out of memory");
                memcpy(p, data + n, size - n);
                t->pending = p;
                t->pending_size = size - n;
                t->pending_offset = 0;
                if (transfer_want_writable(t) < 0)
                        return transfer_sink_fail(t, "cannot watch the blob fd");
        }

        transfer_emit_progress(t, false);
        return size;
}

static int transfer_on_writable(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Transfer *t = userdata;
        int r;

        r = transfer_flush(t);
        if (r < 0) {
                transfer_failf(t, "cannot write blob %s: %s", t->digest, write_error_text(r));
                return 0;
        }
        if (r == 0)
                return 0; /* still full: wait for the next EPOLLOUT */

        (void) sd_event_source_set_enabled(t->out_source, SD_EVENT_OFF);

        if (t->state == TRANSFER_FLUSHING) {
                transfer_finish(t, NULL);
                return 0;
        }
        if (t->paused) {
                t->paused = false;
                /* curl may call transfer_sink from in here, and pause again */
                if (http_request_resume(t->request) < 0 && !t->error)
                        transfer_failf(t, "cannot resume the download of %s", t->digest);
        }
        return 0;
}

static int transfer_request(Transfer *t);

static const char *transfer_host(Transfer *t) {
        return t->endpoints[t->endpoint];
}

static bool transfer_on_mirror(Transfer *t) {
        return t->endpoints[t->endpoint + 1] != NULL;
}

static const Credentials *transfer_creds(Transfer *t) {
        static const Credentials none = {};
        return transfer_on_mirror(t) ? &none : &t->creds;
}

static void transfer_start_request(Transfer *t) {
        if (transfer_request(t) < 0)
                transfer_failf(t, "registry %s: cannot start request", t->registry);
}

static void transfer_next_endpoint(Transfer *t, const char *why) {
        log_info("Mirror %s failed for blob %s (%s), trying %s", transfer_host(t), t->digest, why,
                 t->endpoints[t->endpoint + 1]);
        t->endpoint++;
        t->attempt = 0;
        t->auth_tried = false;
        transfer_start_request(t);
}

static int transfer_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Transfer *t = userdata;

        t->retry = sd_event_source_disable_unref(t->retry);
        transfer_start_request(t);
        return 0;
}

/* After a transport error or a retryable status: the next mirror, or a
 * pause and the same request again (resuming where we are). True when
 * something was started. */
static bool transfer_try_again(Transfer *t, const char *why) {
        uint64_t delay;

        t->request = http_request_free(t->request);
        if (transfer_on_mirror(t)) {
                transfer_next_endpoint(t, why);
                return true;
        }
        if (t->attempt >= t->manager->conf.retries)
                return false;
        delay = registry_api_retry_delay_usec(++t->attempt);
        log_info("Transfer %" PRIu32 " of %s: %s after %" PRIu64 " bytes; retry %u of %u in %" PRIu64 " ms",
                 t->id, t->digest, why, t->bytes, t->attempt, t->manager->conf.retries, delay / 1000);
        return sd_event_add_time_relative(t->manager->event, &t->retry, CLOCK_MONOTONIC, delay, 0,
                                          transfer_on_retry, t) >= 0;
}

static void transfer_on_token(const char *error, void *userdata) {
        Transfer *t = userdata;

        t->token = token_fetch_free(t->token);
        if (error && transfer_on_mirror(t))
                return transfer_next_endpoint(t, error);
        if (error)
                return transfer_failf(t, "registry %s: %s", t->registry, error);
        transfer_start_request(t);
}

static void transfer_on_response(HttpRequest *h, void *userdata) {
        Transfer *t = userdata;
        _cleanup_(freep) char *code = NULL, *message = NULL;
        char digest[DIGEST_STRING_MAX];
        int r;

        if (t->error) {
                _cleanup_(freep) char *e = TAKE_PTR(t->error);
                return transfer_finish(t, e);
        }
        if (h->result != CURLE_OK) {
                _cleanup_(freep) char *e = http_request_transport_error(h);
                if (transfer_try_again(t, strempty(e)))
                        return;
                if (t->bytes > 0)
                        return transfer_failf(t, "registry %s: download of %s failed after %" PRIu64 " bytes: %s",
                                              t->registry, t->digest, t->bytes, strempty(e));
                return transfer_failf(t, "registry %s unreachable: %s", t->registry, strempty(e));
        }

        if (h->status == 401 && !t->auth_tried && h->www_authenticate) {
                t->auth_tried = true;
                r = auth_challenge(t->manager, transfer_host(t), t->scope, transfer_creds(t), h->www_authenticate,
                                   transfer_on_token, t, &t->token);
                if (r == 1)
                        return transfer_start_request(t);
                if (r >= 0) {
                        t->request = http_request_free(t->request);
                        return;
                }
        }
        if (!http_status_is_content(h->status)) {
                char why[64];

                snprintf(why, sizeof why, "HTTP %ld", h->status);
                if (registry_api_status_is_retryable(h->status) && transfer_try_again(t, why))
                        return;
                if (transfer_on_mirror(t)) {
                        t->request = http_request_free(t->request);
                        return transfer_next_endpoint(t, why);
                }
                (void) registry_api_parse_error(h->body, h->body_size, &code, &message);
                if (h->status == 401 || h->status == 403)
                        return transfer_failf(t, "pull access denied for %s/%s: %s", t->registry, t->repository,
                                              message ?: "authorization required");
                if (h->status == 404)
                        return transfer_failf(t, "blob %s not found in %s/%s: %s", t->digest, t->registry,
                                              t->repository, message ?: "blob unknown");
                return transfer_failf(t, "registry %s answered HTTP %ld for blob %s%s%s", t->registry, h->status,
                                      t->digest, message ? ": " : "", strempty(message));
        }

        if (t->bytes != t->size)
                return transfer_failf(t, "blob %s is shorter than its declared size: got %" PRIu64 " of %" PRIu64 " bytes",
                                      t->digest, t->bytes, t->size);
        if (sha256_final(t->hash, digest) < 0)
                return transfer_failf(t, "cannot hash blob %s", t->digest);
        if (!streq(digest, t->digest))
                return transfer_failf(t, "digest mismatch for %s: got %s", t->digest, digest);

        t->request = http_request_free(t->request);
        if (t->pending_size > 0) {
                t->state = TRANSFER_FLUSHING;
                return; /* transfer_on_writable finishes it */
        }
        transfer_finish(t, NULL);
}

static int transfer_request(Transfer *t) {
        _cleanup_(freep) char *auth = NULL;
        const char *host = transfer_host(t);
        int r;

        t->request = http_request_free(t->request);
        free(t->url);
        t->url = manager_url(t->manager, host, t->repository, "blobs", t->digest);
        if (!t->url)
                return -ENOMEM;
        auth = auth_header(t->manager, host, t->scope, transfer_creds(t));
        /* no overall timeout: blobs may be big and readers slow; stalls are caught
         * by the low-speed limit, which pauses do not trip */
        r = http_request_new(t->manager->glue, t->url, NULL, auth, manager_plain_http_ok(t->manager, host), 0,
                             &t->request);
        if (auth)
                explicit_bzero(auth, strlen(auth));
        if (r < 0)
                return r;
        t->request_offset = t->bytes;
        t->plan_done = false;
        t->skip = 0;
        if (t->bytes > 0) {
                char range[64];
                snprintf(range, sizeof range, "Range: bytes=%" PRIu64 "-", t->bytes);
                r = http_request_add_header(t->request, range);
                if (r < 0)
                        return r;
        }
        t->request->sink = transfer_sink;
        return http_request_start(t->request, transfer_on_response, t);
}

void transfer_start(Transfer *t) {
        if (t->state != TRANSFER_QUEUED)
                return;
        t->state = TRANSFER_RUNNING;
        t->manager->n_active++;
        log_debug("Transfer %" PRIu32 ": %s/%s@%s", t->id, t->registry, t->repository, t->digest);
        if (transfer_request(t) < 0)
                transfer_failf(t, "cannot start the download of %s", t->digest);
}
