/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helper for units.bats: takes a bus name on the system bus
 * (DBUS_SYSTEM_BUS_ADDRESS) and serves until killed, so the bus policy can
 * be checked for names whose daemon is not running. sd-bus answers
 * org.freedesktop.DBus.Peer.Ping by itself. Exit 1: name refused. */
#include <stdio.h>
#include <string.h>
#include <systemd/sd-bus.h>

int main(int argc, char *argv[]) {
        sd_bus *bus = NULL;
        int r;

        if (argc != 2) {
                fprintf(stderr, "usage: %s NAME\n", argv[0]);
                return 2;
        }
        r = sd_bus_open_system(&bus);
        if (r < 0) {
                fprintf(stderr, "connect: %s\n", strerror(-r));
                return 2;
        }
        r = sd_bus_request_name(bus, argv[1], 0);
        if (r < 0) {
                fprintf(stderr, "request %s: %s\n", argv[1], strerror(-r));
                return 1;
        }
        printf("owned\n");
        fflush(stdout);
        for (;;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return 2;
                if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
                        return 2;
        }
}
