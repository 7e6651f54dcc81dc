/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharfd: the engine, org.wharf.Engine1, the only API clients use. It
 * keeps the containers (ROOT/engine) and drives the four backends over the
 * bus; it holds no capability once serving. */

#include "caps.h"
#include "daemon.h"
#include "log.h"
#include "manager.h"
#include "spec-host.h"

int main(int argc, char *argv[]) {
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(daemon_args_done) DaemonArgs a = {};
        int r;

        r = daemon_parse_args(argc, argv, "wharfd", "The wharf engine: org.wharf.Engine1.", &a);
        if (r != 0)
                return r < 0 ? 1 : 0;

        r = manager_new(a.root, a.run, &m);
        if (r < 0)
                return 1;
        r = manager_startup(m);
        if (r < 0)
                return 1;
        /* else once execd told what still runs (reconcile.c) */
        if (!m->name_deferred && manager_request_name(m) < 0)
                return 1;

        /* --privileged gets the host's bounding set: read it while we have it */
        host_caps_init();
        /* the engine only talks on the bus and writes its own files */
        r = caps_keep_only(0);
        if (r < 0)
                return log_error_errno(r, "Failed to drop capabilities: %m"), 1;

        return daemon_run(m->event);
}
