/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf: the command-line client. Global options, then one command whose
 * own options stop at its first operand where that matters (run, create). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"

GlobalOptions arg_global = {};

static const struct {
        const char *name;
        int (*run)(int argc, char *argv[]);
        const char *summary;
} commands[] = {
        { "run",     cmd_run,     "Create and run a new container from an image" },
        { "create",  cmd_create,  "Create a new container" },
        { "start",   cmd_start,   "Start a created container" },
        { "ps",      cmd_ps,      "List containers" },
        { "rm",      cmd_rm,      "Remove one or more containers" },
        { "pull",    cmd_pull,    "Download an image from a registry" },
        { "images",  cmd_images,  "List images" },
        { "rmi",     cmd_rmi,     "Remove one or more images" },
        { "info",    cmd_info,    "Display system-wide information" },
        { "version", cmd_version, "Show the wharf version information" },
        { "stop",    cmd_stop,    "Stop one or more running containers" },
        { "kill",    cmd_kill,    "Kill one or more running containers" },
        { "restart", cmd_restart, "Restart one or more containers" },
        { "pause",   cmd_pause,   "Pause all processes within one or more containers" },
        { "unpause", cmd_unpause, "Unpause all processes within one or more containers" },
        { "wait",    cmd_wait,    "Block until one or more containers stop, then print their exit codes" },
        { "rename",  cmd_rename,  "Rename a container" },
        { "inspect", cmd_inspect, "Return low-level information on wharf objects" },
        { "top",     cmd_top,     "Display the running processes of a container" },
        { "stats",   cmd_stats,   "Display a live stream of container(s) resource usage statistics" },
        { "tag",     cmd_tag,     "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE" },
        { "history", cmd_history, "Show the history of an image" },
        { "image",   cmd_image,   "Manage images" },
        { "system",  cmd_system,  "Manage wharf" },
        { "logs",    cmd_logs,    "Fetch the logs of a container" },
        { "exec",    cmd_exec,    "Execute a command in a running container" },
        { "attach",  cmd_attach,  "Attach local standard input, output, and error streams to a running container" },
        { "network", cmd_network, "Manage networks" },
        { "volume",  cmd_volume,  "Manage volumes" },
        { "port",    cmd_port,    "List port mappings or a specific mapping for the container" },
        { "login",   cmd_login,   "Log in to a registry" },
        { "logout",  cmd_logout,  "Log out from a registry" },
        { "push",    cmd_push,    "Upload an image to a registry" },
        { "save",    cmd_save,    "Save one or more images to a tar archive (streamed to STDOUT by default)" },
        { "load",    cmd_load,    "Load an image from a tar archive or STDIN" },
        { "import",  cmd_import,  "Import the contents from a tarball to create a filesystem image" },
};

static void help(void) {
        printf("\n"
               "Usage:  wharf [OPTIONS] COMMAND\n"
               "\n"
               "A container engine of cooperating daemons on D-Bus\n"
               "\n"
               "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                printf("  %-9s %s\n", commands[i].name, commands[i].summary);
        printf("\n"
               "Global Options:\n"
               "  -D, --debug          Enable debug mode\n"
               "  -H, --host string    D-Bus address of the bus wharfd is on\n"
               "                       (default: the system bus, $DBUS_SYSTEM_BUS_ADDRESS)\n"
               "      --help           Print usage\n"
               "  -v, --version        Print version information and quit\n"
               "\n"
               "Run 'wharf COMMAND --help' for more information on a command.\n");
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "host",    required_argument, NULL, 'H' },
                { "debug",   no_argument,       NULL, 'D' },
                { "help",    no_argument,       NULL, 'h' },
                { "version", no_argument,       NULL, 'v' },
                {}
        };
        const char *command;
        int c;

        log_open("wharf");
        log_set_max_level(LOG_WARNING);

        opterr = 0;
        while ((c = getopt_long(argc, argv, "+:H:Dv", options, NULL)) >= 0) {
                switch (c) {
                case 'H':
                        if (isempty(optarg)) {
                                usage_error(NULL, "invalid argument \"\" for \"-H, --host\" flag: empty address");
                                return EXIT_ENGINE_ERROR;
                        }
                        arg_global.host = optarg;
                        break;
                case 'D':
                        arg_global.debug = true;
                        log_set_max_level(LOG_DEBUG);
                        break;
                case 'h':
                        help();
                        return 0;
                case 'v':
                        printf("wharf version %s\n", PACKAGE_VERSION);
                        return 0;
                default:
                        usage_getopt_error(NULL, c, argv);
                        return EXIT_ENGINE_ERROR;
                }
        }

        if (optind >= argc) {
                help();
                return 0;
        }

        command = argv[optind];
        if (streq(command, "help")) {
                if (optind + 1 < argc) {
                        /* "wharf help run" is "wharf run --help" */
                        char *sub[] = { argv[optind + 1], (char *) "--help", NULL };
                        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                                if (streq(commands[i].name, sub[0]))
                                        return commands[i].run(2, sub);
                } else {
                        help();
                        return 0;
                }
                command = argv[optind + 1];
        } else
                for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                        if (streq(commands[i].name, command))
                                return commands[i].run(argc - optind, argv + optind);

        fprintf(stderr, "wharf: '%s' is not a wharf command.\nSee 'wharf --help'\n", command);
        return 1;
}
