/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "graph.h"

#define GRAPH_BUS_NAME "org.wharf.Graph1"
#define GRAPH_OBJECT_PATH "/org/wharf/Graph1"
#define GRAPH_INTERFACE "org.wharf.Graph1"

/* At most this many unpack workers at once (the machine has few cores and
 * one disk); further ingests wait their turn with their pipe already handed
 * out, and beyond INGESTS_MAX the call is refused. */
#define INGESTS_RUNNING_MAX 4U
#define INGESTS_MAX 64U

typedef struct Ingest Ingest;
typedef struct Remover Remover;
typedef struct Populate Populate;

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;
        Graph *graph;

        Ingest *ingests;          /* running first-come first-served, then queued */
        unsigned n_ingests;
        unsigned n_running;
        uint32_t last_ingest_id;

        Remover *removers;        /* children removing discarded trees */
        Populate *populates;      /* children copying image content into volumes */

        /* the deferred sync (syncer.h) */
        char **sync_pending;      /* markers no sync has covered yet */
        char **sync_running;      /* markers the running sync covers */
        pid_t sync_pid;
        sd_event_source *sync_child, *sync_timer;
        uint64_t sync_first;      /* when the timer was first armed */
} Manager;

int manager_new(const char *root, const char *run, Manager **ret);
Manager *manager_free(Manager *m);
static inline void manager_freep(Manager **m) { if (*m) manager_free(*m); }

int manager_connect_bus(Manager *m);

/* fork() for graphd's helper children: in the child, signals unblocked,
 * SIGTERM when graphd dies, no fd of graphd's left but 0-2. */
pid_t manager_fork_helper(void);
