/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <strings.h>

#include "http.h"
#include "macro.h"

#include "config.h"

static void *mfree(void *p) {
        free(p);
        return NULL;
}

static void http_request_finished(CurlGlueHandle *h, CURLcode result) {
        HttpRequest *r = h->userdata;

        r->finished = true;
        r->result = result;
        (void) curl_easy_getinfo(r->handle.easy, CURLINFO_OS_ERRNO, &r->os_errno);
        (void) curl_easy_getinfo(r->handle.easy, CURLINFO_RESPONSE_CODE, &r->status);
        if (r->done)
                r->done(r, r->userdata);
}

static size_t http_request_on_header(char *buffer, size_t size, size_t nitems, void *userdata) {
        HttpRequest *r = userdata;
        size_t n = size * nitems;
        _cleanup_(freep) char *line = NULL;
        char **slot = NULL;
        char *colon, *value, *e;

        line = strndup(buffer, n);
        if (!line)
                return 0;

        /* each hop starts with a status line: forget the previous hop's headers */
        if (startswith(line, "HTTP/")) {
                r->content_type = mfree(r->content_type);
                r->content_digest = mfree(r->content_digest);
                r->www_authenticate = mfree(r->www_authenticate);
                r->location = mfree(r->location);
                r->content_range = mfree(r->content_range);
                r->range = mfree(r->range);
                r->docker_upload_uuid = mfree(r->docker_upload_uuid);
                return n;
        }

        colon = strchr(line, ':');
        if (!colon)
                return n;
        *colon = 0;
        if (strcasecmp(line, "Content-Type") == 0)
                slot = &r->content_type;
        else if (strcasecmp(line, "Docker-Content-Digest") == 0)
                slot = &r->content_digest;
        else if (strcasecmp(line, "WWW-Authenticate") == 0)
                slot = &r->www_authenticate;
        else if (strcasecmp(line, "Location") == 0)
                slot = &r->location;
        else if (strcasecmp(line, "Content-Range") == 0)
                slot = &r->content_range;
        else if (strcasecmp(line, "Range") == 0)
                slot = &r->range;
        else if (strcasecmp(line, "Docker-Upload-UUID") == 0)
                slot = &r->docker_upload_uuid;
        if (!slot)
                return n;

        value = colon + 1;
        while (*value == ' ' || *value == '\t')
                value++;
        e = value + strlen(value);
        while (e > value && isspace((unsigned char) e[-1]))
                *--e = 0;
        /* several challenges: the first is the one we understand best */
        if (*slot)
                return n;
        *slot = strdup(value);
        return *slot ? n : 0;
}

static size_t http_request_on_write(char *data, size_t size, size_t nmemb, void *userdata) {
        HttpRequest *r = userdata;
        size_t n = size * nmemb, max;
        long status = 0;
        char *b;

        (void) curl_easy_getinfo(r->handle.easy, CURLINFO_RESPONSE_CODE, &status);
        if (http_status_is_content(status) && r->sink)
                return r->sink(r, data, n, r->userdata);

        max = http_status_is_content(status) ? r->body_max : HTTP_ERROR_BODY_MAX;
        if (r->body_size + n > max) {
                if (!http_status_is_content(status))
                        return n; /* an error body is only a hint: keep its start */
                r->body_too_large = true;
                return 0;
        }
        b = realloc(r->body, r->body_size + n + 1);
        if (!b)
                return 0;
        memcpy(b + r->body_size, data, n);
        r->body = b;
        r->body_size += n;
        r->body[r->body_size] = 0;
        return n;
}

bool http_status_is_content(long status) {
        return status == 200 || status == 206;
}

static size_t http_request_on_read(char *buffer, size_t size, size_t nitems, void *userdata) {
        HttpRequest *r = userdata;
        return r->source(r, buffer, size * nitems, r->userdata);
}

int http_request_add_header(HttpRequest *r, const char *header) {
        struct curl_slist *l = curl_slist_append(r->headers, header);
        if (!l)
                return -ENOMEM;
        r->headers = l;
        return 0;
}

int http_request_set_method(HttpRequest *r, const char *method, const char *content_type,
                            const char *body, uint64_t size) {
        CURL *c = r->handle.easy;
        int k;

        if (streq(method, "HEAD"))
                return curl_easy_setopt(c, CURLOPT_NOBODY, 1L) == CURLE_OK ? 0 : -EINVAL;
        if (content_type) {
                _cleanup_(freep) char *h = NULL;
                if (asprintf(&h, "Content-Type: %s", content_type) < 0)
                        return -ENOMEM;
                k = http_request_add_header(r, h);
                if (k < 0)
                        return k;
        }
        r->upload_body = body;
        r->upload_size = size;
        if (curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK)
                return -EINVAL;
        if (r->source) {
                if (curl_easy_setopt(c, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
                    curl_easy_setopt(c, CURLOPT_READFUNCTION, http_request_on_read) != CURLE_OK ||
                    curl_easy_setopt(c, CURLOPT_READDATA, r) != CURLE_OK ||
                    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t) size) != CURLE_OK)
                        return -EINVAL;
                /* curl's "Expect: 100-continue" wait only slows local registries */
                return http_request_add_header(r, "Expect:");
        }
        if (curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ?: "") != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) (body ? size : 0)) != CURLE_OK)
                return -EINVAL;
        return 0;
}

int http_request_new(CurlGlue *glue, const char *url, const char *accept, const char *authorization,
                     bool plain_http_ok, unsigned timeout_ms, HttpRequest **ret) {
        _cleanup_(http_request_freep) HttpRequest *r = NULL;
        const char *protocols = plain_http_ok ? "http,https" : "https";

        r = calloc(1, sizeof(*r));
        if (!r)
                return -ENOMEM;
        r->glue = glue;
        r->body_max = 4U * 1024U * 1024U;
        r->url = strdup(url);
        if (!r->url)
                return -ENOMEM;
        r->handle.easy = curl_easy_init();
        if (!r->handle.easy)
                return -ENOMEM;
        r->handle.on_finished = http_request_finished;
        r->handle.userdata = r;

        if (accept) {
                _cleanup_(freep) char *h = NULL;
                struct curl_slist *l;
                if (asprintf(&h, "Accept: %s", accept) < 0)
                        return -ENOMEM;
                l = curl_slist_append(r->headers, h);
                if (!l)
                        return -ENOMEM;
                r->headers = l;
        }
        if (authorization) {
                _cleanup_(freep) char *h = NULL;
                struct curl_slist *l;
                if (asprintf(&h, "Authorization: %s", authorization) < 0)
                        return -ENOMEM;
                l = curl_slist_append(r->headers, h);
                if (!l)
                        return -ENOMEM;
                r->headers = l;
        }

        CURL *c = r->handle.easy;
        if (curl_easy_setopt(c, CURLOPT_URL, r->url) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protocols) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_MAXREDIRS, 5L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long) HTTP_CONNECT_TIMEOUT_MS) != CURLE_OK ||
            /* a stalled server fails; a paused (slow reader) transfer does not count */
            curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, 30L) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long) timeout_ms) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_USERAGENT, "wharf/" PACKAGE_VERSION) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_HTTPHEADER, r->headers) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_ERRORBUFFER, r->errbuf) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, http_request_on_header) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_HEADERDATA, r) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, http_request_on_write) != CURLE_OK ||
            curl_easy_setopt(c, CURLOPT_WRITEDATA, r) != CURLE_OK)
                return -EINVAL;

        *ret = TAKE_PTR(r);
        return 0;
}

HttpRequest *http_request_free(HttpRequest *r) {
        if (!r)
                return NULL;
        curl_glue_remove(r->glue, &r->handle);
        if (r->handle.easy)
                curl_easy_cleanup(r->handle.easy);
        curl_slist_free_all(r->headers);
        free(r->url);
        free(r->content_type);
        free(r->content_digest);
        free(r->www_authenticate);
        free(r->location);
        free(r->content_range);
        free(r->range);
        free(r->docker_upload_uuid);
        free(r->body);
        free(r);
        return NULL;
}

int http_request_start(HttpRequest *r, http_request_done_t done, void *userdata) {
        /* headers may have been added since http_request_new() */
        if (curl_easy_setopt(r->handle.easy, CURLOPT_HTTPHEADER, r->headers) != CURLE_OK)
                return -EINVAL;
        r->done = done;
        r->userdata = userdata;
        return curl_glue_add(r->glue, &r->handle);
}

void http_request_cancel(HttpRequest *r) {
        curl_glue_remove(r->glue, &r->handle);
}

int http_request_resume(HttpRequest *r) {
        return curl_easy_pause(r->handle.easy, CURLPAUSE_CONT) == CURLE_OK ? 0 : -EIO;
}

char *http_request_transport_error(const HttpRequest *r) {
        char *s;
        int k;

        switch (r->result) {
        case CURLE_OK:
                return strdup("no error");
        case CURLE_OPERATION_TIMEDOUT:
                /* curl says which phase and how long */
                k = asprintf(&s, "%s", r->errbuf[0] ? r->errbuf : "timed out");
                break;
        case CURLE_COULDNT_RESOLVE_HOST:
                k = asprintf(&s, "%s", "could not resolve host");
                break;
        case CURLE_UNSUPPORTED_PROTOCOL:
                /* only reachable through a redirect to a refused scheme */
                k = asprintf(&s, "redirected to a protocol not allowed here");
                break;
        case CURLE_TOO_MANY_REDIRECTS:
                k = asprintf(&s, "too many redirects");
                break;
        default:
                if (r->os_errno > 0 && (r->result == CURLE_COULDNT_CONNECT || r->result == CURLE_RECV_ERROR ||
                                        r->result == CURLE_SEND_ERROR))
                        k = asprintf(&s, "%s", strerror((int) r->os_errno));
                else if (r->errbuf[0])
                        k = asprintf(&s, "%s", r->errbuf);
                else
                        k = asprintf(&s, "%s", curl_easy_strerror(r->result));
        }
        return k < 0 ? NULL : s;
}
