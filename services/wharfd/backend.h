/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The four backends: names, asynchronous calls, error wording, signals. */

#include <errno.h>
#include "macro.h"
#include <systemd/sd-bus.h>

#include "manager.h"

typedef enum Backend {
        BACKEND_GRAPH,
        BACKEND_REGISTRY,
        BACKEND_EXEC,
        BACKEND_NET,
        _BACKEND_MAX,
        _BACKEND_INVALID = -EINVAL,
} Backend;

typedef struct BackendInfo {
        const char *short_name;  /* "graphd" */
        const char *bus_name;    /* "org.wharf.Graph1" */
        const char *path;
        const char *interface;
} BackendInfo;

const BackendInfo *backend_info(Backend b);
Backend backend_from_bus_name(const char *name);

#define BACKEND_TIMEOUT_USEC       (30 * USEC_PER_SEC)
#define BACKEND_LONG_TIMEOUT_USEC  (300 * USEC_PER_SEC)

/* Asynchronous method call on a backend; ret_slot NULL means floating.
 * types/... as sd_bus_message_append(). */
int backend_call(Manager *m, Backend b, sd_bus_slot **ret_slot, const char *method,
                 uint64_t timeout_usec, sd_bus_message_handler_t callback, void *userdata,
                 const char *types, ...);

/* One clear line for a failed reply: org.wharf.Error.* messages as they are,
 * anything else (the backend died, timed out, could not be activated)
 * prefixed "graphd failed: ...". malloc'd; NULL on OOM. */
char *backend_error_message(Backend b, const sd_bus_error *e);

/* Answers request with the backend's error: wharf errors keep their name
 * (the CLI maps CommandNotFound to 127 ...), others become BackendFailed. */
int backend_reply_error(Backend b, sd_bus_message *request, const sd_bus_error *e);

/* Answers request with the backend's error as the backend worded it (the
 * backends word theirs as docker does): wharf errors keep their name, a
 * backend that is gone is BackendFailed, anything else InvalidArgs. */
int backend_reply_error_as_is(sd_bus_message *request, const sd_bus_error *e);

/* Calls method on b with request's arguments and answers request with
 * the reply as it is. 1 on success (the answer follows). */
int backend_forward(Manager *m, Backend b, sd_bus_message *request, const char *method);

/* Floating call whose failure is only logged (clean-up steps). */
int backend_call_ignore(Manager *m, Backend b, const char *method, const char *types, ...);

/* Subscribes to IngestDone, TransferProgress, TransferDone, Exited and the
 * backends' NameOwnerChanged, filtered by sender. */
int backend_subscribe(Manager *m);

/* info.c */
int method_info(sd_bus_message *message, void *userdata, sd_bus_error *error);
