/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One HTTP GET on the curl glue, with the limits every registry request
 * needs: protocols (plain http only towards loopback), connect and
 * low-speed timeouts, redirects, and a cap on what is kept in memory. The
 * body of a 200 response goes to a sink if one is set, else into memory;
 * error bodies are always kept (bounded) for the registry's error JSON. */

#include <stdbool.h>
#include <stddef.h>

#include "curl-glue.h"

#define HTTP_CONNECT_TIMEOUT_MS 5000
#define HTTP_ERROR_BODY_MAX (64U * 1024U)

typedef struct HttpRequest HttpRequest;

/* Called once at the end, whatever happened (inspect the request). */
typedef void (*http_request_done_t)(HttpRequest *r, void *userdata);
/* Receives the body of a 200 response; returns size, CURL_WRITEFUNC_PAUSE
 * (same bytes again later) or anything else to fail the request. */
typedef size_t (*http_request_sink_t)(HttpRequest *r, const char *data, size_t size, void *userdata);

struct HttpRequest {
        CurlGlueHandle handle;
        CurlGlue *glue;
        char *url;
        struct curl_slist *headers;
        char errbuf[CURL_ERROR_SIZE];

        /* of the final response (redirect hops are forgotten) */
        long status;
        char *content_type;
        char *content_digest;
        char *www_authenticate;
        char *location;
        char *content_range;
        char *range;             /* an upload's "Range: 0-N" */
        char *docker_upload_uuid;

        char *body;
        size_t body_size;
        size_t body_max;
        bool body_too_large;

        /* upload: a reader (returns bytes, 0 at the end, CURL_READFUNC_PAUSE
         * or CURL_READFUNC_ABORT), or a memory body */
        size_t (*source)(HttpRequest *r, char *buf, size_t size, void *userdata);
        const char *upload_body;
        size_t upload_size;

        http_request_sink_t sink;
        http_request_done_t done;
        void *userdata;

        bool finished;
        CURLcode result;
        long os_errno;
};

/* plain_http_ok: allow http (and redirects to it); else https only.
 * authorization: a full header value ("Bearer ...") or NULL.
 * timeout_ms: whole-request limit, 0 for none (streams rely on low-speed limits). */
int http_request_new(CurlGlue *glue, const char *url, const char *accept, const char *authorization,
                     bool plain_http_ok, unsigned timeout_ms, HttpRequest **ret);
HttpRequest *http_request_free(HttpRequest *r);

/* Before start: another request header ("Range: bytes=5-"). */
int http_request_add_header(HttpRequest *r, const char *header);
/* Before start: "HEAD", "POST", "PUT", "PATCH" (default GET). For PUT,
 * POST and PATCH the body is body/size from memory (it must outlive the
 * request), or, when r->source is set, size bytes read from it. */
int http_request_set_method(HttpRequest *r, const char *method, const char *content_type,
                            const char *body, uint64_t size);
static inline void http_request_freep(HttpRequest **r) { if (*r) http_request_free(*r); }

int http_request_start(HttpRequest *r, http_request_done_t done, void *userdata);
/* Stops a running request; done is not called. */
void http_request_cancel(HttpRequest *r);

/* Whether a response's body goes to the sink: 200, and 206 (a resumed range). */
bool http_status_is_content(long status);

/* Unpauses a sink that returned CURL_WRITEFUNC_PAUSE. The sink may run again
 * before this returns. */
int http_request_resume(HttpRequest *r);

/* After done: result CURLE_OK means a complete response (see status);
 * CURLE_WRITE_ERROR means the sink refused or body_max was exceeded
 * (body_too_large); anything else is a transport failure, described in one
 * line like "Connection refused" by this (malloc'd): */
char *http_request_transport_error(const HttpRequest *r);
