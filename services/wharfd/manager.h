/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* wharfd's state: the bus, the event loop, jobs, containers, running pulls. */

#include "engine-config.h"
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "list.h"
#include "macro.h"

#define ENGINE_BUS_NAME  "org.wharf.Engine1"
#define ENGINE_PATH      "/org/wharf/Engine1"
#define ENGINE_INTERFACE "org.wharf.Engine1"

#define USEC_PER_MSEC UINT64_C(1000)
#define USEC_PER_SEC  UINT64_C(1000000)

typedef struct Manager Manager;
typedef struct Job Job;
typedef struct Container Container;
typedef struct Pull Pull;

struct Manager {
        sd_event *event;
        sd_bus *bus;

        char *root;            /* ROOT */
        char *run;             /* RUN */
        char *containers_dir;  /* ROOT/engine/containers */
        EngineConfig config;   /* ROOT/engine/config.json */

        Job *jobs;
        uint32_t job_next_id;

        Container *containers;
        Pull *pulls;

        /* the bus name waits for the first check with execd, so that no
         * client sees a state from before wharfd's restart (reconcile.c) */
        bool name_deferred;
};

/* Takes ENGINE_BUS_NAME (logs on failure; exits the loop). */
int manager_request_name(Manager *m);

int manager_new(const char *root, const char *run, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Loads the stored containers, subscribes to the backends' signals and
 * serves the Engine1 and job objects. */
int manager_startup(Manager *m);

/* Saves c, logging on failure. */
int manager_save_container(Manager *m, Container *c);
/* Unlinks c from the store and memory, answering pending RemoveContainer calls. */
void manager_drop_container(Manager *m, Container *c);

/* engine.c */
extern const sd_bus_vtable engine_vtable[];
