/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The registry daemon's state: the bus, the curl glue, the blob transfers
 * (a few active, the rest queued), pending image resolutions and the cache
 * of Bearer tokens. */

#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "curl-glue.h"
#include "registries-conf.h"

#define REGISTRY_OBJECT_PATH "/org/wharf/Registry1"
#define REGISTRY_INTERFACE "org.wharf.Registry1"
#define REGISTRY_BUS_NAME "org.wharf.Registry1"

#define TRANSFERS_ACTIVE_DEFAULT 3U
#define TRANSFERS_MAX 256U
#define RESOLVES_MAX 64U

typedef struct Transfer Transfer;
typedef struct Resolve Resolve;
typedef struct AuthToken AuthToken;
typedef struct BlobPush BlobPush;

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;
        CurlGlue *glue;
        sd_event_source *exit_source;

        Transfer *transfers;       /* in arrival order; queued ones wait their turn */
        Transfer *transfers_tail;
        unsigned n_transfers;
        unsigned n_active;
        unsigned max_active;
        uint32_t next_transfer_id;
        bool dispatching;

        BlobPush *pushes;

        Resolve *resolves;
        unsigned n_resolves;

        AuthToken *tokens;
        char **basic_registries;   /* answered a Basic challenge */

        RegistriesConf conf;
} Manager;

int manager_new(sd_event *event, Manager **ret);
Manager *manager_free(Manager *m);
static inline void manager_freep(Manager **m) { if (*m) manager_free(*m); }

/* Connects to the bus, serves the interface and takes the name. */
int manager_connect_bus(Manager *m);

/* Reads registries.conf ($WHARF_REGISTRIES_CONF or /etc/wharf/registries.conf). */
int manager_load_config(Manager *m);

/* Plain HTTP towards registry: loopback, or marked insecure. */
bool manager_plain_http_ok(Manager *m, const char *registry);
/* URL on registry (or a mirror): kind "manifests", "blobs", "blobs/uploads". */
char *manager_url(Manager *m, const char *registry, const char *repository, const char *kind, const char *ref);

/* Where to ask for registry's content, in order: its mirrors, then itself
 * (strv). */
int manager_endpoints(Manager *m, const char *registry, char ***ret);

/* Reads the "RegistryAuth" option of an a{sv} (other keys are left to
 * the caller's handler, which may be NULL: unknown keys are ignored). */
typedef struct Credentials Credentials;
int manager_read_options(sd_bus_message *msg, Credentials *creds, char ***mount_from, sd_bus_error *error);

/* Starts queued transfers while there is room. */
void manager_dispatch_transfers(Manager *m);

extern const sd_bus_vtable registry_vtable[];
