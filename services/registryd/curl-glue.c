/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/epoll.h>
#include <time.h>

#include "curl-glue.h"
#include "log.h"
#include "macro.h"

struct CurlGlue {
        sd_event *event;
        CURLM *multi;
        sd_event_source *timer;
        /* every io source we made, so they can go with us */
        sd_event_source **ios;
        size_t n_ios, n_ios_allocated;
};

static void curl_glue_check_finished(CurlGlue *g) {
        CURLMsg *msg;
        int left;

        while ((msg = curl_multi_info_read(g->multi, &left))) {
                CurlGlueHandle *h = NULL;

                if (msg->msg != CURLMSG_DONE)
                        continue;
                if (curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **) &h) != CURLE_OK || !h)
                        continue;
                /* msg is invalid once the handle is removed: copy first */
                CURLcode result = msg->data.result;
                curl_multi_remove_handle(g->multi, h->easy);
                h->added = false;
                h->on_finished(h, result);
        }
}

static int curl_glue_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        CurlGlue *g = userdata;
        int action = 0, running;

        if (revents & (EPOLLIN | EPOLLHUP | EPOLLERR))
                action |= CURL_CSELECT_IN;
        if (revents & (EPOLLOUT | EPOLLERR))
                action |= CURL_CSELECT_OUT;
        if (revents & EPOLLERR)
                action |= CURL_CSELECT_ERR;

        if (curl_multi_socket_action(g->multi, fd, action, &running) != CURLM_OK)
                log_debug("curl_multi_socket_action() failed on fd %d", fd);
        curl_glue_check_finished(g);
        return 0;
}

static void curl_glue_forget_io(CurlGlue *g, sd_event_source *io) {
        for (size_t i = 0; i < g->n_ios; i++)
                if (g->ios[i] == io) {
                        g->ios[i] = g->ios[--g->n_ios];
                        break;
                }
        sd_event_source_disable_unref(io);
}

static int curl_glue_socket_callback(CURL *easy, curl_socket_t s, int action, void *userdata, void *socketp) {
        CurlGlue *g = userdata;
        sd_event_source *io = socketp;
        uint32_t events = 0;

        if (action == CURL_POLL_REMOVE) {
                if (io) {
                        curl_multi_assign(g->multi, s, NULL);
                        curl_glue_forget_io(g, io);
                }
                return 0;
        }

        if (action == CURL_POLL_IN)
                events = EPOLLIN;
        else if (action == CURL_POLL_OUT)
                events = EPOLLOUT;
        else if (action == CURL_POLL_INOUT)
                events = EPOLLIN | EPOLLOUT;

        if (io) {
                if (sd_event_source_set_io_events(io, events) < 0 ||
                    sd_event_source_set_enabled(io, events ? SD_EVENT_ON : SD_EVENT_OFF) < 0)
                        return -1;
                return 0;
        }

        if (g->n_ios == g->n_ios_allocated) {
                size_t n = MAX(g->n_ios_allocated * 2, 8u);
                sd_event_source **l = realloc(g->ios, n * sizeof(*l));
                if (!l)
                        return -1;
                g->ios = l;
                g->n_ios_allocated = n;
        }
        if (sd_event_add_io(g->event, &io, s, events, curl_glue_on_io, g) < 0)
                return -1;
        (void) sd_event_source_set_description(io, "curl-io");
        if (!events)
                (void) sd_event_source_set_enabled(io, SD_EVENT_OFF);
        if (curl_multi_assign(g->multi, s, io) != CURLM_OK) {
                sd_event_source_disable_unref(io);
                return -1;
        }
        g->ios[g->n_ios++] = io;
        return 0;
}

static int curl_glue_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        CurlGlue *g = userdata;
        int running;

        if (curl_multi_socket_action(g->multi, CURL_SOCKET_TIMEOUT, 0, &running) != CURLM_OK)
                log_debug("curl_multi_socket_action() failed on timeout");
        curl_glue_check_finished(g);
        return 0;
}

static int curl_glue_timer_callback(CURLM *multi, long timeout_ms, void *userdata) {
        CurlGlue *g = userdata;
        uint64_t now, usec;

        if (timeout_ms < 0) {
                if (g->timer)
                        (void) sd_event_source_set_enabled(g->timer, SD_EVENT_OFF);
                return 0;
        }

        if (sd_event_now(g->event, CLOCK_MONOTONIC, &now) < 0)
                return -1;
        usec = now + (uint64_t) timeout_ms * 1000;

        if (g->timer) {
                if (sd_event_source_set_time(g->timer, usec) < 0 ||
                    sd_event_source_set_enabled(g->timer, SD_EVENT_ONESHOT) < 0)
                        return -1;
                return 0;
        }
        /* accuracy 1 µs: 0 would mean sd-event's default of 250 ms, which
         * delayed every request's start by up to a quarter second */
        if (sd_event_add_time(g->event, &g->timer, CLOCK_MONOTONIC, usec, 1, curl_glue_on_timer, g) < 0)
                return -1;
        (void) sd_event_source_set_description(g->timer, "curl-timer");
        return 0;
}

int curl_glue_new(sd_event *event, CurlGlue **ret) {
        CurlGlue *g;

        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
                return -EIO;

        g = calloc(1, sizeof(*g));
        if (!g)
                return -ENOMEM;
        g->event = sd_event_ref(event);
        g->multi = curl_multi_init();
        if (!g->multi) {
                curl_glue_free(g);
                return -ENOMEM;
        }
        if (curl_multi_setopt(g->multi, CURLMOPT_SOCKETFUNCTION, curl_glue_socket_callback) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_SOCKETDATA, g) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_TIMERFUNCTION, curl_glue_timer_callback) != CURLM_OK ||
            curl_multi_setopt(g->multi, CURLMOPT_TIMERDATA, g) != CURLM_OK) {
                curl_glue_free(g);
                return -EINVAL;
        }
        *ret = g;
        return 0;
}

CurlGlue *curl_glue_free(CurlGlue *g) {
        if (!g)
                return NULL;
        if (g->multi)
                curl_multi_cleanup(g->multi);
        for (size_t i = 0; i < g->n_ios; i++)
                sd_event_source_disable_unref(g->ios[i]);
        free(g->ios);
        sd_event_source_disable_unref(g->timer);
        sd_event_unref(g->event);
        free(g);
        return NULL;
}

int curl_glue_add(CurlGlue *g, CurlGlueHandle *h) {
        if (h->added)
                return -EBUSY;
        if (curl_easy_setopt(h->easy, CURLOPT_PRIVATE, h) != CURLE_OK)
                return -EINVAL;
        if (curl_multi_add_handle(g->multi, h->easy) != CURLM_OK)
                return -EIO;
        h->added = true;
        return 0;
}

void curl_glue_remove(CurlGlue *g, CurlGlueHandle *h) {
        if (!h->added)
                return;
        curl_multi_remove_handle(g->multi, h->easy);
        h->added = false;
}
