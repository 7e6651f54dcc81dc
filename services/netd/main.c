/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* placeholder: replaced by the real daemon */
#include "daemon.h"
#include "log.h"

int main(int argc, char *argv[]) {
        DaemonArgs a = {};
        int r = daemon_parse_args(argc, argv, "wharf-netd", "wharf netd", &a);
        if (r != 0)
                return r < 0 ? 1 : 0;
        daemon_args_done(&a);
        return 0;
}
