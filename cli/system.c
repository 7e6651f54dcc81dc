/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf info, version */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "bus.h"
#include "cli.h"
#include "format.h"

#ifdef __clang__
#define COMPILER "clang " __clang_version__
#elif defined(__GNUC__)
#define COMPILER "gcc " __VERSION__
#else
#define COMPILER "cc"
#endif

/* Go's GOARCH names, which is what docker prints */
static const char *os_arch(void) {
        static char buf[sizeof(((struct utsname *) NULL)->machine) + 8];
        static const struct { const char *machine, *arch; } map[] = {
                { "x86_64", "amd64" }, { "aarch64", "arm64" }, { "i686", "386" }, { "i386", "386" },
                { "armv7l", "arm" }, { "ppc64le", "ppc64le" }, { "s390x", "s390x" }, { "riscv64", "riscv64" },
        };
        struct utsname u;
        const char *arch;

        if (uname(&u) < 0)
                return "linux/unknown";
        arch = u.machine;
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (streq(u.machine, map[i].machine))
                        arch = map[i].arch;
        snprintf(buf, sizeof buf, "linux/%s", arch);
        return buf;
}

static int simple_options(int argc, char *argv[], const char *command, const char *usage) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        int c;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("\nUsage:  wharf %s\n\n%s\n", command, usage);
                        return 1;
                default:
                        usage_getopt_error(command, c, argv);
                        return -EINVAL;
                }
        if (optind < argc) {
                usage_error(command, "'wharf %s' accepts no arguments.", command);
                return -EINVAL;
        }
        return 0;
}

typedef struct Fact {
        char *key, *value;
        bool shown;
} Fact;

static void facts_free(Fact *f, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(f[i].key);
                free(f[i].value);
        }
        free(f);
}

static int fact_compare(const void *a, const void *b) {
        return strcmp(((const Fact *) a)->key, ((const Fact *) b)->key);
}

static void fact_print(Fact *f, size_t n, const char *key, const char *label, const char *indent, bool bytes) {
        for (size_t i = 0; i < n; i++) {
                char buf[HUMAN_SIZE_MAX];
                const char *value = f[i].value;

                if (f[i].shown || !streq(f[i].key, key))
                        continue;
                if (bytes) {
                        char *end;
                        unsigned long long v;

                        errno = 0;
                        v = strtoull(value, &end, 10);
                        if (errno == 0 && end != value && *end == 0)
                                value = format_bytes_size(v, buf);
                }
                printf("%s%s: %s\n", indent, label ?: key, value);
                f[i].shown = true;
        }
}

static int info_print_server(sd_bus_message *reply) {
        /* the engine names facts as docker's API does; shown with docker
         * info's labels and in its order, the rest after them, sorted */
        static const struct {
                const char *key, *label;
                bool sub, bytes;
        } known[] = {
                { "Containers",        "Containers" },
                { "ContainersRunning", "Running", .sub = true },
                { "ContainersPaused",  "Paused",  .sub = true },
                { "ContainersStopped", "Stopped", .sub = true },
                { "Images",            "Images" },
                { "ServerVersion",     "Server Version" },
                { "Driver",            "Storage Driver" },
                { "CgroupDriver",      "Cgroup Driver" },
                { "CgroupVersion",     "Cgroup Version" },
                { "KernelVersion",     "Kernel Version" },
                { "OperatingSystem",   "Operating System" },
                { "OSType",            "OSType" },
                { "Architecture",      "Architecture" },
                { "NCPU",              "CPUs" },
                { "MemTotal",          "Total Memory", .bytes = true },
                { "Name",              "Name" },
                { "ID",                "ID" },
                { "DockerRootDir",     "Wharf Root Dir" },
                { "RunDir",            "Wharf Run Dir" },
        };
        _cleanup_(table_freep) Table *t = NULL;
        Fact *facts = NULL;
        size_t n = 0;
        int r;

        r = sd_bus_message_enter_container(reply, 'a', "{ss}");
        while (r >= 0) {
                const char *k, *v;
                Fact *nf;

                r = sd_bus_message_read(reply, "{ss}", &k, &v);
                if (r <= 0)
                        break;
                nf = realloc(facts, (n + 1) * sizeof(Fact));
                if (!nf) {
                        r = -ENOMEM;
                        break;
                }
                facts = nf;
                facts[n++] = (Fact) { .key = strdup(k), .value = strdup(v) };
                if (!facts[n - 1].key || !facts[n - 1].value) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r >= 0)
                r = sd_bus_message_exit_container(reply);
        if (r < 0)
                goto fail;

        if (n > 0)
                qsort(facts, n, sizeof(Fact), fact_compare);
        printf("Server:\n");
        for (size_t i = 0; i < ELEMENTSOF(known); i++)
                fact_print(facts, n, known[i].key, known[i].label, known[i].sub ? "  " : " ", known[i].bytes);
        for (size_t i = 0; i < n; i++)
                fact_print(facts, n, facts[i].key, NULL, " ", false);

        /* the point: each backend daemon and how it is doing */
        printf(" Backends:\n");
        t = table_new(4, 0, 2);
        if (!t) {
                r = -ENOMEM;
                goto fail;
        }
        r = sd_bus_message_enter_container(reply, 'a', "(ssss)");
        while (r >= 0) {
                _cleanup_(freep) char *indented = NULL;
                const char *name, *bus_name, *state, *version;

                r = sd_bus_message_read(reply, "(ssss)", &name, &bus_name, &state, &version);
                if (r <= 0)
                        break;
                if (asprintf(&indented, "  %s", name) < 0 ||
                    table_add_row(t, (const char *[]) { indented, bus_name, state, isempty(version) ? "-" : version }) < 0) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r < 0)
                goto fail;
        table_print(t, stdout);
        facts_free(facts, n);
        return 0;

fail:
        facts_free(facts, n);
        fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
        return r;
}

int cmd_info(int argc, char *argv[]) {
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = simple_options(argc, argv, "info", "Display system-wide information");
        if (r != 0)
                return r > 0 ? 0 : 1;

        printf("Client:\n"
               " Version:    %s\n"
               " Engine:     %s\n"
               " Debug Mode: %s\n"
               "\n",
               PACKAGE_VERSION, engine_address(), arg_global.debug ? "true" : "false");
        fflush(stdout);

        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_call(e, "Info", 0, &reply, NULL, false, NULL) < 0)
                return 1;
        return info_print_server(reply) < 0 ? 1 : 0;
}

static void version_print(const char *const *pairs, size_t n) {
        _cleanup_(table_freep) Table *t = table_new(2, 20, 1);

        if (!t)
                return;
        for (size_t i = 0; i + 1 < n; i += 2)
                if (table_add_row(t, (const char *[]) { pairs[i], pairs[i + 1] }) < 0)
                        return;
        table_print(t, stdout);
}

int cmd_version(int argc, char *argv[]) {
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(freep) char *version = NULL;
        int r;

        r = simple_options(argc, argv, "version", "Show the wharf version information");
        if (r != 0)
                return r > 0 ? 0 : 1;

        printf("Client:\n");
        version_print((const char *[]) {
                        " Version:", PACKAGE_VERSION,
                        " API version:", ENGINE_INTERFACE,
                        " Built with:", COMPILER,
                        " Built:", __DATE__ " " __TIME__,
                        " OS/Arch:", os_arch(),
                }, 10);
        fflush(stdout);

        if (engine_connect(&e, NULL) < 0)
                return 1;
        r = sd_bus_get_property_string(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, "Version", &error,
                                       &version);
        if (r < 0) {
                engine_print_error(&error, r, NULL, false);
                return 1;
        }

        printf("\nServer: wharf Engine\n Engine:\n");
        version_print((const char *[]) {
                        "  Version:", version,
                        "  API version:", ENGINE_INTERFACE,
                }, 4);
        return 0;
}
