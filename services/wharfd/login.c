/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Engine1.Login: docker login's check, done by registryd (CheckAuth). The
 * engine only passes the credentials through; the client stores them. */
#include "backend.h"
#include "bus-errors.h"
#include "login.h"
#include "macro.h"
#include "pull-options.h"
#include "registry-server.h"

static int on_check_auth(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *status;

        if (e)
                return backend_reply_error(BACKEND_REGISTRY, request, e), 0;
        if (sd_bus_message_read(reply, "s", &status) < 0)
                return sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED,
                                                  "registryd failed: bad CheckAuth reply"), 0;
        (void) sd_bus_reply_method_return(request, "s", status);
        return 0;
}

int method_login(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(pull_options_done) PullOptions o = {};
        _cleanup_(freep) char *registry = NULL;
        Manager *m = userdata;
        const char *server;
        int r;

        r = sd_bus_message_read(message, "s", &server);
        if (r < 0)
                return r;
        r = pull_options_parse(message, &o, error);
        if (r < 0)
                return r;
        r = registry_server_normalize(server, &registry);
        if (r < 0)
                return r;
        if (isempty(o.registry_auth))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "no credentials given (option RegistryAuth)");

        r = backend_call(m, BACKEND_REGISTRY, NULL, "CheckAuth", BACKEND_TIMEOUT_USEC, on_check_auth,
                         sd_bus_message_ref(message), "sa{sv}", registry, 1, "RegistryAuth", "s", o.registry_auth);
        if (r < 0) {
                sd_bus_message_unref(message);
                return r;
        }
        return 1;
}
