/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* wharf-netd's state: the event loop, the bus, and the sandboxes whose
 * creation is under way (the finished ones live only as pins on disk). */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "sandbox.h"

#define NET_BUS_NAME "org.wharf.Net1"
#define NET_OBJECT_PATH "/org/wharf/Net1"
#define NET_INTERFACE "org.wharf.Net1"

typedef struct Manager Manager;
typedef struct Creation Creation;

/* A CreateSandbox in progress: its helper child, the call to answer, and
 * RemoveSandbox calls for the same id that wait for it to end. */
struct Creation {
        Manager *manager;
        char *id;
        NetMode mode;
        pid_t pid;
        int errfd;
        sd_event_source *child_source;
        sd_bus_message *request;
        sd_bus_message **removals;
        size_t n_removals;
        Creation *prev, *next;
};

struct Manager {
        sd_event *event;
        sd_bus *bus;
        char *run_dir;          /* RUN/net */
        char *netns_dir;        /* RUN/net/netns */
        Creation *creations;
};

int manager_new(const char *run, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Prepare RUN/net/netns and drop what a crash left half-made. */
int manager_startup(Manager *m);
/* Serve org.wharf.Net1 and take the name. */
int manager_connect_bus(Manager *m);

Creation *manager_find_creation(Manager *m, const char *id);
/* Starts the helper; the reply to request is sent when it exits. */
int manager_start_creation(Manager *m, const char *id, NetMode mode, sd_bus_message *request);
/* Answer removal once the creation of the same id has ended. */
int creation_queue_removal(Creation *c, sd_bus_message *removal);

extern const sd_bus_vtable manager_vtable[];
