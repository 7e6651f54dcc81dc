/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>

#include "backend.h"
#include "bus-errors.h"
#include "log.h"
#include "macro.h"
#include "pull.h"
#include "start.h"

static const BackendInfo backends[_BACKEND_MAX] = {
        [BACKEND_GRAPH]    = { "graphd",    "org.wharf.Graph1",    "/org/wharf/Graph1",    "org.wharf.Graph1"    },
        [BACKEND_REGISTRY] = { "registryd", "org.wharf.Registry1", "/org/wharf/Registry1", "org.wharf.Registry1" },
        [BACKEND_EXEC]     = { "execd",     "org.wharf.Exec1",     "/org/wharf/Exec1",     "org.wharf.Exec1"     },
        [BACKEND_NET]      = { "netd",      "org.wharf.Net1",      "/org/wharf/Net1",      "org.wharf.Net1"      },
};

const BackendInfo *backend_info(Backend b) {
        return b >= 0 && b < _BACKEND_MAX ? &backends[b] : NULL;
}

Backend backend_from_bus_name(const char *name) {
        for (int b = 0; name && b < _BACKEND_MAX; b++)
                if (streq(backends[b].bus_name, name))
                        return b;
        return _BACKEND_INVALID;
}

static int backend_callv(Manager *m, Backend b, sd_bus_slot **ret_slot, const char *method,
                         uint64_t timeout_usec, sd_bus_message_handler_t callback, void *userdata,
                         const char *types, va_list ap) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        const BackendInfo *i = backend_info(b);
        int r;

        r = sd_bus_message_new_method_call(m->bus, &call, i->bus_name, i->path, i->interface, method);
        if (r < 0)
                return r;
        if (!isempty(types)) {
                r = sd_bus_message_appendv(call, types, ap);
                if (r < 0)
                        return r;
        }
        return sd_bus_call_async(m->bus, ret_slot, call, callback, userdata, timeout_usec);
}

int backend_call(Manager *m, Backend b, sd_bus_slot **ret_slot, const char *method,
                 uint64_t timeout_usec, sd_bus_message_handler_t callback, void *userdata,
                 const char *types, ...) {
        va_list ap;
        int r;

        va_start(ap, types);
        r = backend_callv(m, b, ret_slot, method, timeout_usec, callback, userdata, types, ap);
        va_end(ap);
        return r;
}

typedef struct IgnoreCall {
        Backend backend;
        char method[32];
} IgnoreCall;

static int ignore_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(freep) IgnoreCall *c = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        /* a transfer may end on its own before our cancel arrives */
        if (e)
                log_full(streq(c->method, "CancelTransfer") ? LOG_DEBUG : LOG_WARNING, "%s.%s failed: %s",
                         backend_info(c->backend)->short_name, c->method, e->message ?: e->name);
        return 0;
}

int backend_call_ignore(Manager *m, Backend b, const char *method, const char *types, ...) {
        IgnoreCall *c;
        va_list ap;
        int r;

        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        c->backend = b;
        snprintf(c->method, sizeof c->method, "%s", method);

        va_start(ap, types);
        r = backend_callv(m, b, NULL, method, BACKEND_TIMEOUT_USEC, ignore_reply, c, types, ap);
        va_end(ap);
        if (r < 0)
                free(c);
        return r;
}

char *backend_error_message(Backend b, const sd_bus_error *e) {
        const char *msg = e && e->message ? e->message : e && e->name ? e->name : "unknown error";
        char *s;

        if (e && e->name && startswith(e->name, "org.wharf.Error."))
                return strdup(msg);
        if (asprintf(&s, "%s failed: %s", backend_info(b)->short_name, msg) < 0)
                return NULL;
        return s;
}

int backend_reply_error(Backend b, sd_bus_message *request, const sd_bus_error *e) {
        _cleanup_(freep) char *msg = backend_error_message(b, e);

        if (!msg)
                return sd_bus_reply_method_errno(request, ENOMEM, NULL);
        if (e && e->name && startswith(e->name, "org.wharf.Error."))
                return sd_bus_reply_method_errorf(request, e->name, "%s", msg);
        return sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED, "%s", msg);
}

static int match_ingest_done(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const char *chain, *error;
        uint32_t id;

        if (sd_bus_message_read(message, "uss", &id, &chain, &error) < 0) {
                log_warning("Malformed IngestDone signal, ignoring.");
                return 0;
        }
        pull_dispatch_ingest_done(m, id, chain, error);
        return 0;
}

static int match_transfer_progress(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        uint64_t bytes, total;
        uint32_t id;

        if (sd_bus_message_read(message, "utt", &id, &bytes, &total) < 0) {
                log_warning("Malformed TransferProgress signal, ignoring.");
                return 0;
        }
        pull_dispatch_transfer_progress(m, id, bytes, total);
        return 0;
}

static int match_transfer_done(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const char *error;
        uint32_t id;

        if (sd_bus_message_read(message, "us", &id, &error) < 0) {
                log_warning("Malformed TransferDone signal, ignoring.");
                return 0;
        }
        pull_dispatch_transfer_done(m, id, error);
        return 0;
}

static int match_exited(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const char *id;
        int32_t code;

        if (sd_bus_message_read(message, "si", &id, &code) < 0) {
                log_warning("Malformed Exited signal, ignoring.");
                return 0;
        }
        container_dispatch_exited(m, id, code);
        return 0;
}

static int match_name_owner_changed(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const char *name, *old_owner, *new_owner;
        Backend b;

        if (sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0)
                return 0;
        b = backend_from_bus_name(name);
        if (b < 0 || !isempty(new_owner))
                return 0;
        log_warning("%s (%s) left the bus.", backend_info(b)->short_name, name);
        /* calls in flight get NoReply; only waits for signals need this */
        pull_dispatch_backend_vanished(m, b);
        containers_backend_vanished(m, b);
        return 0;
}

int backend_subscribe(Manager *m) {
        static const struct {
                Backend backend;
                const char *member;
                sd_bus_message_handler_t handler;
        } signals[] = {
                { BACKEND_GRAPH,    "IngestDone",       match_ingest_done       },
                { BACKEND_REGISTRY, "TransferProgress", match_transfer_progress },
                { BACKEND_REGISTRY, "TransferDone",     match_transfer_done     },
                { BACKEND_EXEC,     "Exited",           match_exited            },
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(signals); i++) {
                const BackendInfo *b = backend_info(signals[i].backend);

                r = sd_bus_match_signal_async(m->bus, NULL, b->bus_name, b->path, b->interface,
                                              signals[i].member, signals[i].handler, NULL, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to subscribe to %s.%s: %m", b->interface, signals[i].member);
        }

        for (Backend i = 0; i < _BACKEND_MAX; i++) {
                _cleanup_(freep) char *match = NULL;

                if (asprintf(&match,
                             "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                             "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'",
                             backend_info(i)->bus_name) < 0)
                        return log_oom();
                r = sd_bus_add_match_async(m->bus, NULL, match, match_name_owner_changed, NULL, m);
                if (r < 0)
                        return log_error_errno(r, "Failed to subscribe to NameOwnerChanged: %m");
        }
        return 0;
}

int backend_reply_error_as_is(sd_bus_message *request, const sd_bus_error *e) {
        const char *name = e->name && startswith(e->name, "org.wharf.Error.") ? e->name :
                streq_ptr(e->name, SD_BUS_ERROR_SERVICE_UNKNOWN) || streq_ptr(e->name, SD_BUS_ERROR_NO_REPLY) ?
                        WHARF_ERROR_BACKEND_FAILED : SD_BUS_ERROR_INVALID_ARGS;

        return sd_bus_reply_method_errorf(request, name, "%s", e->message ?: e->name);
}

static int on_forward_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata, *out = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        if (e)
                r = backend_reply_error_as_is(request, e);
        else {
                r = sd_bus_message_new_method_return(request, &out);
                if (r >= 0)
                        r = sd_bus_message_copy(out, reply, true);
                if (r >= 0)
                        r = sd_bus_send(NULL, out, NULL);
        }
        if (r < 0)
                log_warning_errno(r, "Failed to answer a forwarded call: %m");
        return 0;
}

int backend_forward(Manager *m, Backend b, sd_bus_message *request, const char *method) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        const BackendInfo *bi = backend_info(b);
        int r;

        r = sd_bus_message_new_method_call(m->bus, &call, bi->bus_name, bi->path, bi->interface, method);
        if (r >= 0)
                r = sd_bus_message_rewind(request, true);
        if (r >= 0)
                r = sd_bus_message_copy(call, request, true);
        if (r < 0)
                return r;
        r = sd_bus_call_async(m->bus, NULL, call, on_forward_reply, sd_bus_message_ref(request), BACKEND_TIMEOUT_USEC);
        if (r < 0) {
                sd_bus_message_unref(request);
                return r;
        }
        return 1;
}
