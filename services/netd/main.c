/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-netd: container network sandboxes (org.wharf.Net1). */
#include <linux/capability.h>

#include "caps.h"
#include "daemon.h"
#include "log.h"
#include "netd-manager.h"

/* netns create/join and bind mounts need CAP_SYS_ADMIN; links and addresses
 * CAP_NET_ADMIN; the rest is for the bridges to come. */
#define NETD_CAPS (CAP_MASK(CAP_NET_ADMIN) | CAP_MASK(CAP_SYS_ADMIN) | \
                   CAP_MASK(CAP_NET_RAW) | CAP_MASK(CAP_NET_BIND_SERVICE))

int main(int argc, char *argv[]) {
        _cleanup_(daemon_args_done) DaemonArgs args = {};
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        r = daemon_parse_args(argc, argv, "wharf-netd",
                              "Network sandboxes of wharf containers (org.wharf.Net1).", &args);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : EXIT_SUCCESS;

        r = manager_new(args.root, args.run, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up: %m"), EXIT_FAILURE;
        r = manager_startup(m);
        if (r < 0)
                return EXIT_FAILURE;
        r = manager_connect_bus(m);
        if (r < 0)
                return EXIT_FAILURE;

        r = caps_keep_only(NETD_CAPS);
        if (r < 0)
                return log_error_errno(r, "Failed to drop capabilities: %m"), EXIT_FAILURE;

        log_info("Serving " NET_BUS_NAME " (run directory %s).", m->run_dir);
        return daemon_run(m->event);
}
