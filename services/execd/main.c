/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-execd: the container runtime. Serves org.wharf.Exec1; each container
 * runs under its own wharf-monitor, which outlives us. */
#include <libgen.h>
#include <limits.h>

#include "daemon.h"
#include "execd.h"
#include "fs-util.h"
#include "log.h"

static void manager_done(Manager *m) {
        while (m->containers) {
                /* monitors go on without us; only forget them */
                m->containers->run_message = sd_bus_message_unref(m->containers->run_message);
                container_free(m->containers);
        }
        m->bus = sd_bus_flush_close_unref(m->bus);
        m->event = sd_event_unref(m->event);
        free(m->state_dir);
        free(m->monitor_path);
}

/* wharf-monitor lives beside us, in the build tree as when installed */
static int find_monitor(char **ret) {
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

        if (n < 0)
                return -errno;
        self[n] = 0;
        char *p = path_join(dirname(self), "wharf-monitor");
        if (!p)
                return -ENOMEM;
        if (access(p, X_OK) < 0) {
                int r = -errno;
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int main(int argc, char *argv[]) {
        _cleanup_(daemon_args_done) DaemonArgs args = {};
        _cleanup_(manager_done) Manager m = {};
        int r;

        r = daemon_parse_args(argc, argv, "wharf-execd", "The wharf container runtime (org.wharf.Exec1).", &args);
        if (r != 0)
                return r < 0 ? 1 : 0;

        /* execd keeps the full bounding set: it hands containers theirs */

        m.state_dir = path_join(args.run, "exec");
        if (!m.state_dir)
                return log_oom(), 1;
        r = mkdir_p(m.state_dir, 0711);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", m.state_dir), 1;
        r = find_monitor(&m.monitor_path);
        if (r < 0)
                return log_error_errno(r, "Failed to find wharf-monitor next to wharf-execd: %m"), 1;

        r = daemon_event_new(&m.event);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m"), 1;
        r = daemon_bus_open(m.event, &m.bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m"), 1;

        r = manager_recover(&m);
        if (r < 0)
                return log_error_errno(r, "Failed to recover containers from %s: %m", m.state_dir), 1;

        r = sd_bus_add_object_vtable(m.bus, NULL, EXEC1_PATH, EXEC1_INTERFACE, exec_vtable, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the Exec1 object: %m"), 1;
        r = daemon_bus_request_name(m.bus, "org.wharf.Exec1");
        if (r < 0)
                return log_error_errno(r, "Failed to acquire org.wharf.Exec1: %m"), 1;

        manager_report_exits(&m);

        log_info("Serving org.wharf.Exec1, state in %s.", m.state_dir);
        return daemon_run(m.event);
}
