/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-graphd: the content-addressed image and layer store (org.wharf.Graph1). */
#include <linux/capability.h>

#include "caps.h"
#include "daemon.h"
#include "log.h"
#include "macro.h"
#include "manager.h"

/* overlay mounts and the unpack workers' mount namespace (SYS_ADMIN, which
 * also sets trusted.overlay.* xattrs); preserving owners, modes, devices
 * and file capabilities of layer contents (the rest). */
#define GRAPHD_CAPS                                                     \
        (CAP_MASK(CAP_SYS_ADMIN) | CAP_MASK(CAP_CHOWN) |                \
         CAP_MASK(CAP_DAC_OVERRIDE) | CAP_MASK(CAP_DAC_READ_SEARCH) |   \
         CAP_MASK(CAP_FOWNER) | CAP_MASK(CAP_FSETID) |                  \
         CAP_MASK(CAP_MKNOD) | CAP_MASK(CAP_SETFCAP))

int main(int argc, char *argv[]) {
        _cleanup_(daemon_args_done) DaemonArgs args = {};
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        r = daemon_parse_args(argc, argv, "wharf-graphd", "wharf image and layer store", &args);
        if (r != 0)
                return r < 0 ? 1 : 0;

        r = manager_new(args.root, args.run, &m);
        if (r < 0)
                return 1;
        r = manager_connect_bus(m);
        if (r < 0)
                return 1;

        r = caps_keep_only(GRAPHD_CAPS);
        if (r < 0) {
                log_error_errno(r, "Failed to drop capabilities: %m");
                return 1;
        }

        log_info("Serving %s, store %s.", GRAPH_BUS_NAME, m->graph->root);
        return daemon_run(m->event);
}
