/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.wharf.Exec1 on /org/wharf/Exec1 (proto/org.wharf.Exec1.xml). */
#include <signal.h>
#include <sys/stat.h>

#include "bus-errors.h"
#include "config.h"
#include "execd.h"
#include "fs-util.h"
#include "log.h"

static int lookup(Manager *m, const char *id, sd_bus_error *error, Container **ret) {
        Container *c = manager_get_container(m, id);

        if (!c)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", id);
        *ret = c;
        return 0;
}

static int method_run(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(exec_spec_done) ExecSpec spec = {};
        _cleanup_(freep) char *reason = NULL;
        _cleanup_(container_freep) Container *c = NULL;
        Manager *m = userdata;
        const char *id, *json;
        int stdio[3], r;
        struct stat st;

        r = sd_bus_message_read(message, "sshhh", &id, &json, &stdio[0], &stdio[1], &stdio[2]);
        if (r < 0)
                return r;

        if (!container_id_is_valid(id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid container id: %s", id);
        if (manager_get_container(m, id))
                return sd_bus_error_setf(error, WHARF_ERROR_NAME_IN_USE, "Container %s exists already", id);

        r = exec_spec_parse(json, &spec, &reason);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: %s", strempty(reason));
        if (stat(spec.root_path, &st) < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: root.path %s: %s",
                                         spec.root_path, strerror(errno));
        if (!S_ISDIR(st.st_mode))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: root.path %s: not a directory",
                                         spec.root_path);

        r = container_new(m, id, &c);
        if (r < 0)
                return r;
        r = container_start(c, &spec, json, stdio, message);
        if (r < 0) {
                if (r != -EEXIST)
                        (void) rm_rf(c->dir);
                return sd_bus_error_set_errnof(error, r, "Failed to start container %s: %m", id);
        }
        TAKE_PTR(c);
        return 1; /* answered when the monitor reports */
}

static int method_kill(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Container *c = NULL;
        const char *id;
        int sig, r;

        r = sd_bus_message_read(message, "si", &id, &sig);
        if (r < 0)
                return r;
        if (sig <= 0 || sig >= _NSIG)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid signal %d", sig);
        r = lookup(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_kill(c, sig);
        if (r == -ESRCH)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Container %s is not running", id);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to signal container %s: %m", id);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_delete(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Container *c = NULL;
        const char *id;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        r = lookup(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_remove(c);
        if (r == -EBUSY)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_RUNNING, "container is running");
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to delete container %s: %m", id);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_list(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int r;

        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(susi)");
        for (Container *c = m->containers; c && r >= 0; c = c->next) {
                bool running = c->state != CONTAINER_STOPPED;
                /* a starting container is running as far as callers care */
                r = sd_bus_message_append(reply, "(susi)", c->id,
                                          (uint32_t) (running ? c->init_pid : 0),
                                          running ? "running" : "stopped",
                                          running ? 0 : c->exit_code);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int property_get_version(sd_bus *bus, const char *path, const char *interface, const char *property,
                                sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        return sd_bus_message_append(reply, "s", PACKAGE_VERSION);
}

const sd_bus_vtable exec_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("Run",
                                SD_BUS_ARGS("s", id, "s", spec, "h", stdin, "h", stdout, "h", stderr),
                                SD_BUS_RESULT("u", pid),
                                method_run, 0),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("s", id, "i", signal), SD_BUS_NO_RESULT,
                                method_kill, 0),
        SD_BUS_METHOD_WITH_ARGS("Delete", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT,
                                method_delete, 0),
        SD_BUS_METHOD_WITH_ARGS("List", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(susi)", containers),
                                method_list, 0),
        SD_BUS_SIGNAL_WITH_ARGS("Exited", SD_BUS_ARGS("s", id, "i", exit_code), 0),
        SD_BUS_VTABLE_END
};
