/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-registryd: the registry client. It talks HTTP(S) to registries and
 * streams blobs into fds it is handed; it runs as an unprivileged user with
 * no capabilities and never touches the store. */
#include <linux/capability.h>

#include "caps.h"
#include "daemon.h"
#include "log.h"
#include "manager.h"

int main(int argc, char *argv[]) {
        _cleanup_(daemon_args_done) DaemonArgs a = {};
        _cleanup_(manager_freep) Manager *m = NULL;
        _cleanup_(sd_event_unrefp) sd_event *event = NULL;
        const char *user;
        int r;

        r = daemon_parse_args(argc, argv, "wharf-registryd", "wharf registry client daemon", &a);
        if (r != 0)
                return r < 0 ? 1 : 0;

        r = daemon_event_new(&event);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m"), 1;

        r = manager_new(event, &m);
        if (r < 0)
                return log_error_errno(r, "Failed to set up curl: %m"), 1;

        /* before the switch: the file may be readable by root only */
        r = manager_load_config(m);
        if (r < 0)
                return 1;

        /* the bus name needs root (policy); everything after does not */
        r = manager_connect_bus(m);
        if (r < 0)
                return 1;

        /* setuid/setgid are all the switch needs; the bounding set goes too */
        r = caps_keep_only(CAP_MASK(CAP_SETUID) | CAP_MASK(CAP_SETGID));
        if (r < 0)
                return log_error_errno(r, "Failed to drop capabilities: %m"), 1;
        user = a.user ?: "nobody";
        r = caps_become_user(user);
        if (r < 0)
                return log_error_errno(r, "Failed to become user %s: %m", user), 1;
        log_debug("Running as %s with no capabilities", user);

        return daemon_run(event);
}
