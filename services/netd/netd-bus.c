/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.wharf.Net1 at /org/wharf/Net1, as declared in proto/org.wharf.Net1.xml */
#include "bus-errors.h"
#include "id.h"
#include "daemon.h"
#include "log.h"
#include "netd-manager.h"
#include "link.h"
#include "netd-network.h"

#include "config.h"

static int method_create_sandbox(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *id, *mode_string;
        NetMode mode;
        int r;

        r = sd_bus_message_read(message, "ss", &id, &mode_string);
        if (r < 0)
                return r;

        if (!id_is_valid(id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid container id \"%s\": expected 64 lowercase hex characters.", id);
        mode = net_mode_from_string(mode_string);
        if (mode < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Unknown network mode \"%s\".", mode_string);
        if (!net_mode_is_supported(mode))
                return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                         "network mode %s is not supported yet", mode_string);
        if (manager_find_creation(m, id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_EXISTS,
                                         "The network sandbox of %s is being created already.", id);

        r = manager_start_creation(m, id, mode, message);
        if (r == -EEXIST)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_EXISTS,
                                         "The network sandbox of %s exists already.", id);
        if (r < 0) {
                log_error_errno(r, "Failed to start creating sandbox %s: %m", id);
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                         "Failed to create the network sandbox of %s: %s",
                                         id, strerror(-r));
        }
        return 1;       /* answered when the helper exits */
}

static int method_remove_sandbox(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **veths = NULL;
        Manager *m = userdata;
        Creation *c;
        const char *id;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        if (!id_is_valid(id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid container id \"%s\": expected 64 lowercase hex characters.", id);

        /* Removing what is being made: do it once it is made. */
        c = manager_find_creation(m, id);
        if (c) {
                r = creation_queue_removal(c, message);
                if (r < 0)
                        return r;
                return 1;
        }

        /* Records, leases, ports and the pin go, then the reply. The veths
         * are not deleted one by one: unpinning the namespace lets the
         * kernel destroy it, and both ends of each veth with it, on its own
         * time (a deletion here waits for RCU grace periods under the rtnl
         * lock, ~15 ms, which the next container's start then waited for
         * too). A quick restart that finds its host-side name still taken
         * removes the stale end first (link_veth_setup). */
        (void) manager_remove_sandbox_network_deferred(m, id, &veths);
        r = sandbox_remove(m->netns_dir, id);
        if (r < 0) {
                log_error_errno(r, "Failed to remove sandbox %s: %m", id);
                r = sd_bus_reply_method_errorf(message, WHARF_ERROR_BACKEND_FAILED,
                                               "Failed to remove the network sandbox of %s: %s",
                                               id, strerror(-r));
        } else {
                log_info("Removed sandbox %s.", id);
                r = sd_bus_reply_method_return(message, NULL);
        }
        return r;
}

static int method_create_sandbox_with_options(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *id, *mode, *options;
        int r;

        r = sd_bus_message_read(message, "sss", &id, &mode, &options);
        if (r < 0)
                return r;
        if (!id_is_valid(id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid container id \"%s\": expected 64 lowercase hex characters.", id);
        if (isempty(mode))
                mode = "none";
        if (manager_find_creation(m, id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_EXISTS,
                                         "The network sandbox of %s is being created already.", id);
        if (manager_find_sandbox_rec(m, id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_EXISTS,
                                         "The network sandbox of %s exists already.", id);

        r = manager_start_creation_full(m, id, NET_MODE_NONE, mode, options, NULL, message, error);
        if (sd_bus_error_is_set(error))
                return r < 0 ? r : -EINVAL;
        if (r == -EEXIST)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_EXISTS,
                                         "The network sandbox of %s exists already.", id);
        if (r < 0) {
                log_error_errno(r, "Failed to start creating sandbox %s: %m", id);
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                         "Failed to create the network sandbox of %s: %s", id, strerror(-r));
        }
        return 1;
}

static int method_connect_sandbox(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *id, *network, *options;
        int r;

        r = sd_bus_message_read(message, "sss", &id, &network, &options);
        if (r < 0)
                return r;
        if (!id_is_valid(id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid container id \"%s\": expected 64 lowercase hex characters.", id);
        if (manager_find_creation(m, id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "The network sandbox of %s is busy.", id);
        r = manager_start_creation_full(m, id, NET_MODE_NONE, "connect", options, network, message, error);
        if (sd_bus_error_is_set(error))
                return r < 0 ? r : -EINVAL;
        if (r < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "Failed to connect %s: %s", id, strerror(-r));
        return 1;
}

static int method_list_sandboxes(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(strv_freep) char **ids = NULL;
        Manager *m = userdata;
        int r;

        r = sandbox_list(m->netns_dir, &ids);
        if (r < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                         "Failed to list %s: %s", m->netns_dir, strerror(-r));

        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(ss)");
        if (r < 0)
                return r;
        STRV_FOREACH(id, ids) {
                _cleanup_(freep) char *path = NULL;

                r = sandbox_path(m->netns_dir, *id, &path);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(reply, "(ss)", *id, path);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_NAMES("CreateSandbox",
                                 "ss", SD_BUS_PARAM(container_id) SD_BUS_PARAM(mode),
                                 "s", SD_BUS_PARAM(netns_path),
                                 method_create_sandbox, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveSandbox",
                                 "s", SD_BUS_PARAM(container_id),
                                 NULL,,
                                 method_remove_sandbox, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListSandboxes",
                                 NULL,,
                                 "a(ss)", SD_BUS_PARAM(sandboxes),
                                 method_list_sandboxes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("CreateSandboxWithOptions",
                                 "sss", SD_BUS_PARAM(container_id) SD_BUS_PARAM(mode) SD_BUS_PARAM(options),
                                 "ss", SD_BUS_PARAM(netns_path) SD_BUS_PARAM(settings),
                                 method_create_sandbox_with_options, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetSandbox",
                                 "s", SD_BUS_PARAM(container_id),
                                 "s", SD_BUS_PARAM(settings),
                                 method_get_sandbox, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ConnectSandbox",
                                 "sss", SD_BUS_PARAM(container_id) SD_BUS_PARAM(network) SD_BUS_PARAM(options),
                                 "s", SD_BUS_PARAM(settings),
                                 method_connect_sandbox, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("DisconnectSandbox",
                                 "ss", SD_BUS_PARAM(container_id) SD_BUS_PARAM(network),
                                 NULL,,
                                 method_disconnect_sandbox, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("CreateNetwork",
                                 "ssssba{ss}", SD_BUS_PARAM(name) SD_BUS_PARAM(driver) SD_BUS_PARAM(subnet)
                                 SD_BUS_PARAM(gateway) SD_BUS_PARAM(internal) SD_BUS_PARAM(labels),
                                 "s", SD_BUS_PARAM(id),
                                 method_create_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveNetwork",
                                 "s", SD_BUS_PARAM(network),
                                 NULL,,
                                 method_remove_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectNetwork",
                                 "s", SD_BUS_PARAM(network),
                                 "s", SD_BUS_PARAM(json),
                                 method_inspect_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListNetworks",
                                 NULL,,
                                 "s", SD_BUS_PARAM(json),
                                 method_list_networks, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PruneNetworks",
                                 NULL,,
                                 "as", SD_BUS_PARAM(removed),
                                 method_prune_networks, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Version", "s", bus_property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};
