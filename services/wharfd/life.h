/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's runtime lifecycle state (not stored): stop and restart
 * timers, calls waiting for an exit or a start. Owned by lifecycle.c and
 * restart.c; freed with the container. */

#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "container.h"

typedef struct MessageQueue {
        sd_bus_message **items;
        size_t n;
} MessageQueue;

int message_queue_push(MessageQueue *q, sd_bus_message *m);
/* Answers every queued call: error_name NULL means success (no arguments). */
void message_queue_answer(MessageQueue *q, const char *error_name, const char *message);
void message_queue_done(MessageQueue *q);

struct ContainerLife {
        struct Manager *manager;
        sd_event_source *stop_timer;      /* the grace period of a stop */
        sd_event_source *restart_timer;   /* the restart policy's back-off */
        uint64_t backoff_usec;            /* docker's restart manager timeout, 0: none yet */
        bool stopping;                    /* a stop's signal is sent, the exit awaited */
        bool restart_pending;             /* `restart`: start again once the exit is recorded */
        bool starting_internal;           /* a start without a client (policy, restart) */
        MessageQueue stop_requests;       /* StopContainer calls: answered on the exit */
        MessageQueue restart_requests;    /* RestartContainer calls: answered once started */
};

/* The container's lifecycle state, allocated on first use; NULL on OOM. */
ContainerLife *container_life(Container *c);
