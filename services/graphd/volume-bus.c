/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "bus-errors.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "volume-bus.h"
#include "volume-store.h"

/* docker's wording, so the CLI can pass it on as it is */
static int no_such_volume(sd_bus_error *error, const char *name) {
        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_VOLUME, "get %s: no such volume", name);
}

static int volume_fail(int r, sd_bus_error *error, const char *what) {
        log_error_errno(r, "%s failed: %m", what);
        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "%s failed: %s", what, strerror(-r));
}

/* a{ss} -> key, value, key, value, ... */
static int read_labels(sd_bus_message *msg, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(msg, "{ss}", &k, &v)) > 0)
                if (strv_extend(&l, k) < 0 || strv_extend(&l, v) < 0)
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(msg);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

int method_create_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **labels = NULL;
        _cleanup_(freep) char *json = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r >= 0)
                r = read_labels(msg, &labels);
        if (r < 0)
                return r;
        r = volume_create(m->graph, name, labels, &json);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "create %s: \"%s\" includes invalid characters for a local volume name, "
                                         "only \"" VOLUME_NAME_CHARS "\" are allowed. If you intended to pass "
                                         "a host directory, use absolute path", name, name);
        if (r == -ENAMETOOLONG)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "create %s: name too long", name);
        if (r < 0)
                return volume_fail(r, error, "Creating the volume");
        log_debug("Volume %s ready.", isempty(name) ? "(anonymous)" : name);
        return sd_bus_reply_method_return(msg, "s", json);
}

int method_list_volumes(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *json = NULL;
        Manager *m = userdata;
        int r;

        r = volume_list(m->graph, &json);
        if (r < 0)
                return volume_fail(r, error, "Listing volumes");
        return sd_bus_reply_method_return(msg, "s", json);
}

int method_inspect_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *json = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        r = volume_inspect(m->graph, name, &json);
        if (r == -ENOENT)
                return no_such_volume(error, name);
        if (r < 0)
                return volume_fail(r, error, "Inspecting the volume");
        return sd_bus_reply_method_return(msg, "s", json);
}

int method_remove_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        r = volume_remove(m->graph, name);
        if (r == -ENOENT)
                return no_such_volume(error, name);
        if (r < 0)
                return volume_fail(r, error, "Removing the volume");
        log_info("Volume %s removed.", name);
        return sd_bus_reply_method_return(msg, NULL);
}
