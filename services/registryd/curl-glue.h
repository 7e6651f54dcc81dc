/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* libcurl's multi-socket API driven by sd-event: curl tells us which sockets
 * to watch and when to time out, we turn those into io and time sources and
 * feed the events back. Finished easy handles are handed to their owner's
 * callback (CURLOPT_PRIVATE points at a CurlGlueHandle). */

#include <curl/curl.h>
#include <stdbool.h>
#include <systemd/sd-event.h>

typedef struct CurlGlue CurlGlue;
typedef struct CurlGlueHandle CurlGlueHandle;

/* Called once when a transfer added with curl_glue_add() is finished
 * (result as from curl); the owner may free or re-add the handle. */
typedef void (*curl_glue_finished_t)(CurlGlueHandle *h, CURLcode result);

/* Embed this in the object that owns an easy handle. */
struct CurlGlueHandle {
        CURL *easy;
        curl_glue_finished_t on_finished;
        void *userdata;
        bool added;
};

int curl_glue_new(sd_event *event, CurlGlue **ret);
CurlGlue *curl_glue_free(CurlGlue *g);
static inline void curl_glue_freep(CurlGlue **g) { if (*g) curl_glue_free(*g); }

/* Starts h->easy. */
int curl_glue_add(CurlGlue *g, CurlGlueHandle *h);
/* Stops it without calling on_finished (no-op if not added). Never call from
 * inside a curl callback. */
void curl_glue_remove(CurlGlue *g, CurlGlueHandle *h);
