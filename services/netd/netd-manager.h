/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* wharf-netd's state: the event loop, the bus, and the sandboxes whose
 * creation is under way (the finished ones live only as pins on disk). */

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "macro.h"
#include "link.h"
#include "netd-store.h"
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
        SandboxRec *rec;        /* bridge modes: owned until the helper succeeds */
        VethConfig *veths;
        size_t n_veths;
        char *join;             /* host, container: the namespace to pin */
        bool attach;            /* network connect to an existing sandbox */
        bool with_settings;     /* CreateSandboxWithOptions/ConnectSandbox: reply with settings */
        char *mode_string;
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
        char *root_dir;         /* ROOT */
        char *run_dir;          /* RUN/net */
        char *netns_dir;        /* RUN/net/netns */
        Creation *creations;

        /* networks (netd-network.c) */
        char *state_dir;        /* ROOT/net */
        char *networks_dir, *sandboxes_dir, *leases_dir;
        char *default_bridge;   /* "wharf0" unless ROOT/net/config.json says */
        char *default_subnet;   /* NULL: the first free docker pool */
        char *table;            /* the nft table: "wharf" */
        char **upstreams;       /* the host's resolvers, for DNS forwarding */
        Network *networks;
        SandboxRec *sandboxes;
        void *dns;              /* DnsServer*, dns.c */
        bool nft_stale;         /* a bridge came up since the table was last written */
};

int manager_new(const char *root, const char *run, Manager **ret);
Manager *manager_free(Manager *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Manager *, manager_free);

/* Prepare RUN/net/netns and drop what a crash left half-made. */
int manager_startup(Manager *m);
/* Serve org.wharf.Net1 and take the name. */
int manager_connect_bus(Manager *m);

Creation *manager_find_creation(Manager *m, const char *id);
/* Starts the helper; the reply to request is sent when it exits. */
int manager_start_creation(Manager *m, const char *id, NetMode mode, sd_bus_message *request);
/* With mode_string: CreateSandboxWithOptions (options JSON), or with
 * connect_network: ConnectSandbox. Errors for the caller in error. */
int manager_start_creation_full(Manager *m, const char *id, NetMode mode, const char *mode_string,
                                const char *options, const char *connect_network, sd_bus_message *request,
                                sd_bus_error *error);
/* Answer removal once the creation of the same id has ended. */
int creation_queue_removal(Creation *c, sd_bus_message *removal);

extern const sd_bus_vtable manager_vtable[];

/* netd-network.c: networks, endpoints, ports, nft */
int manager_networks_startup(Manager *m);
void manager_networks_free(Manager *m);
Network *manager_find_network(Manager *m, const char *ref);
SandboxRec *manager_find_sandbox_rec(Manager *m, const char *id);
/* Prepare a sandbox of mode with options (JSON): allocate addresses and
 * ports, record it, fill c (rec, veths, join). Errors in error. */
int manager_sandbox_prepare(Manager *m, Creation *c, const char *mode, const char *options, sd_bus_error *error);
/* The helper failed or the sandbox goes: undo veths, leases, ports, record. */
void manager_sandbox_release(Manager *m, SandboxRec *rec);
/* The helper succeeded: keep c->rec, refresh the nft table. */
int manager_sandbox_commit(Manager *m, Creation *c, char **ret_error);
/* docker's NetworkSettings of a sandbox (JSON) */
int manager_sandbox_settings(Manager *m, const char *id, char **ret);
/* Rewrite the nft table from the state */
int manager_nft_sync(Manager *m, char **ret_error);
int manager_remove_sandbox_network(Manager *m, const char *id);

extern const sd_bus_vtable network_vtable[];
