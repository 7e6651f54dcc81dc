/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Test helper: Exec1.Run with our own stdin/stdout/stderr (busctl 252 cannot
 * pass fds), optionally waiting for Exited and exiting with its code.
 *   exec-run-helper [--wait] ID SPEC_FILE
 *   exec-run-helper --exec ID PROCESS_FILE   Exec, wait for ExecExited, exit with its code
 *   exec-run-helper --attach ID              Attach, wait for Exited, exit with its code
 *   exec-run-helper --default-seccomp        print docker's default profile (CAP_* bits from docker's set)
 * Errors map to docker's codes: 127 CommandNotFound, 126 CommandNotExecutable,
 * 125 anything else. Without --wait, prints the pid on stdout. */
#include <systemd/sd-bus.h>

#include "bus-errors.h"
#include "seccomp-profile.h"
#include "spec.h"
#include "fs-util.h"
#include "macro.h"

static int run_main(int argc, char *argv[]);

static int on_exited(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char **want = userdata;
        const char *id;
        int code;

        if (sd_bus_message_read(m, "si", &id, &code) >= 0 && streq(id, want[0]))
                exit(code);
        return 0;
}

static uint32_t exec_pid;

static int on_exec_exited(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char **want = userdata;
        const char *id;
        uint32_t pid;
        int code;

        if (sd_bus_message_read(m, "sui", &id, &pid, &code) >= 0 && streq(id, want[0]) && pid == exec_pid)
                exit(code);
        return 0;
}

static int error_code(const sd_bus_error *error, int r) {
        fprintf(stderr, "%s: %s\n", strempty(error->name), error->message ?: strerror(-r));
        return sd_bus_error_has_name(error, WHARF_ERROR_COMMAND_NOT_FOUND) ? 127 :
               sd_bus_error_has_name(error, WHARF_ERROR_COMMAND_NOT_EXECUTABLE) ? 126 : 125;
}

static int loop_forever(sd_bus *bus) {
        for (;;) {
                int r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return 125;
                if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
                        return 125;
        }
}

/* --exec ID PROCESS_FILE, --attach ID */
static int other_modes(int argc, char *argv[]) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(freep) char *process = NULL;
        bool exec = streq(argv[1], "--exec");
        const char *want[1];
        int r;

        if (argc != (exec ? 4 : 3)) {
                fprintf(stderr, "Usage: %s --exec ID PROCESS_FILE | --attach ID\n", argv[0]);
                return 2;
        }
        want[0] = argv[2];
        if (exec && (r = read_full_file(argv[3], &process, NULL, 1 << 20)) < 0) {
                fprintf(stderr, "read %s: %s\n", argv[3], strerror(-r));
                return 125;
        }
        r = sd_bus_open_system(&bus);
        if (r >= 0)
                r = sd_bus_match_signal(bus, NULL, "org.wharf.Exec1", "/org/wharf/Exec1", "org.wharf.Exec1",
                                        exec ? "ExecExited" : "Exited", exec ? on_exec_exited : on_exited, want);
        if (r < 0) {
                fprintf(stderr, "bus: %s\n", strerror(-r));
                return 125;
        }
        if (exec)
                r = sd_bus_call_method(bus, "org.wharf.Exec1", "/org/wharf/Exec1", "org.wharf.Exec1", "Exec",
                                       &error, &reply, "sshhh", want[0], process, 0, 1, 2);
        else
                r = sd_bus_call_method(bus, "org.wharf.Exec1", "/org/wharf/Exec1", "org.wharf.Exec1", "Attach",
                                       &error, &reply, "shhh", want[0], 0, 1, 2);
        if (r < 0)
                return error_code(&error, r);
        if (exec && sd_bus_message_read(reply, "u", &exec_pid) < 0)
                return 125;
        /* our copies must not keep the container's input open */
        (void) close(0);
        return loop_forever(bus);
}

int main(int argc, char *argv[]) {
        if (argc >= 2 && streq(argv[1], "--default-seccomp")) {
                json_object *o = seccomp_profile_default(exec_default_caps);
                if (!o)
                        return 1;
                puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
                json_object_put(o);
                return 0;
        }
        if (argc >= 2 && (streq(argv[1], "--exec") || streq(argv[1], "--attach")))
                return other_modes(argc, argv);
        return run_main(argc, argv);
}

static int run_main(int argc, char *argv[]) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_flush_close_unrefp) sd_bus *bus = NULL;
        _cleanup_(freep) char *spec = NULL;
        bool wait = argc > 1 && streq(argv[1], "--wait");
        const char *want[1];
        uint32_t pid;
        int r;

        if (argc != 3 + wait) {
                fprintf(stderr, "Usage: %s [--wait] ID SPEC_FILE\n", argv[0]);
                return 2;
        }
        want[0] = argv[1 + wait];
        r = read_full_file(argv[2 + wait], &spec, NULL, 1 << 20);
        if (r < 0) {
                fprintf(stderr, "read %s: %s\n", argv[2 + wait], strerror(-r));
                return 125;
        }

        r = sd_bus_open_system(&bus);
        if (r >= 0 && wait)
                /* subscribe before calling, or the signal may be missed */
                r = sd_bus_match_signal(bus, NULL, "org.wharf.Exec1", "/org/wharf/Exec1",
                                        "org.wharf.Exec1", "Exited", on_exited, want);
        if (r < 0) {
                fprintf(stderr, "bus: %s\n", strerror(-r));
                return 125;
        }

        r = sd_bus_call_method(bus, "org.wharf.Exec1", "/org/wharf/Exec1", "org.wharf.Exec1", "Run",
                               &error, &reply, "sshhh", want[0], spec, 0, 1, 2);
        if (r < 0) {
                fprintf(stderr, "%s: %s\n", strempty(error.name), error.message ?: strerror(-r));
                return sd_bus_error_has_name(&error, WHARF_ERROR_COMMAND_NOT_FOUND) ? 127 :
                       sd_bus_error_has_name(&error, WHARF_ERROR_COMMAND_NOT_EXECUTABLE) ? 126 : 125;
        }
        r = sd_bus_message_read(reply, "u", &pid);
        if (r < 0)
                return 125;
        if (!wait) {
                printf("%u\n", pid);
                return 0;
        }

        for (;;) {
                r = sd_bus_process(bus, NULL);
                if (r < 0)
                        return 125;
                if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0)
                        return 125;
        }
}
