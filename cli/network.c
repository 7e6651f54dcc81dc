/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf network create|ls|inspect|rm|prune|connect|disconnect, wharf port */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus.h"
#include "cli.h"
#include "format.h"
#include "inspect.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

#define NET_ERROR_PREFIX ""

/* create */

typedef struct CreateArgs {
        const char *driver, *subnet, *gateway;
        bool internal;
        char **labels;
} CreateArgs;

static int create_opt(int c, void *ud) {
        CreateArgs *a = ud;
        switch (c) {
        case 'd': a->driver = optarg; return 0;
        case 0x101: a->subnet = optarg; return 0;
        case 0x102: a->gateway = optarg; return 0;
        case 0x103: a->internal = true; return 0;
        case 0x104: return strv_extend(&a->labels, optarg);
        default: return -EINVAL;
        }
}

static int network_create(int argc, char *argv[]) {
        static const struct option options[] = {
                { "driver",   required_argument, NULL, 'd' },
                { "subnet",   required_argument, NULL, 0x101 },
                { "gateway",  required_argument, NULL, 0x102 },
                { "internal", no_argument,       NULL, 0x103 },
                { "label",    required_argument, NULL, 0x104 },
                {}
        };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(engine_freep) Engine *e = NULL;
        CreateArgs a = {};
        const char *id;
        int r;

        r = usage_getopt_simple(argc, argv, "network create",
                          "network create [OPTIONS] NETWORK\n\nCreate a network\n\nOptions:\n"
                          "  -d, --driver string    Driver to manage the Network (default \"bridge\")\n"
                          "      --gateway string   IPv4 Gateway for the master subnet\n"
                          "      --internal         Restrict external access to the network\n"
                          "      --label list       Set metadata on a network\n"
                          "      --subnet string    Subnet in CIDR format that represents a network segment\n",
                          options, "+:d:", create_opt, &a);
        if (r != 0)
                goto out;
        if (argc - optind != 1) {
                r = usage_error("network create", "\"wharf network create\" requires exactly 1 argument.");
                goto out;
        }
        if ((r = engine_connect(&e, NULL)) < 0 ||
            (r = engine_new_call(e, "CreateNetwork", &m)) < 0)
                goto out;
        r = sd_bus_message_append(m, "ssssb", argv[optind], strempty(a.driver), strempty(a.subnet),
                                  strempty(a.gateway), (int) a.internal);
        if (r >= 0)
                r = engine_append_labels(m, a.labels);
        if (r < 0)
                goto out;
        r = engine_call_message(e, m, ENGINE_SLOW_CALL_USEC, &reply, NET_ERROR_PREFIX, false);
        if (r < 0)
                goto out;
        if (sd_bus_message_read(reply, "s", &id) >= 0)
                printf("%s\n", id);
out:
        strv_free(a.labels);
        return r < 0 ? EXIT_FAILURE : 0;
}

/* ls, inspect */

static int ls_opt(int c, void *ud) {
        if (c == 'q') {
                *(bool *) ud = true;
                return 0;
        }
        return -EINVAL;
}

static int network_ls(int argc, char *argv[]) {
        static const struct option options[] = { { "quiet", no_argument, NULL, 'q' }, {} };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(json_object_putp) json_object *l = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        bool quiet = false;
        int r;

        r = usage_getopt_simple(argc, argv, "network ls", "network ls [OPTIONS]\n\nList networks\n\nOptions:\n"
                          "  -q, --quiet   Only display network IDs\n", options, ":q", ls_opt, &quiet);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : 0;
        if (engine_connect(&e, NULL) < 0 || engine_list_json(e, "ListNetworks", &l) < 0)
                return EXIT_FAILURE;
        t = table_new(4, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        if (!t)
                return EXIT_FAILURE;
        if (!quiet)
                table_add_row(t, (const char *const[]) { "NETWORK ID", "NAME", "DRIVER", "SCOPE" });
        for (size_t i = 0; i < json_object_array_length(l); i++) {
                json_object *n = json_object_array_get_idx(l, i);
                const char *id = json_object_get_string(json_object_object_get(n, "Id"));
                char shortid[13];

                snprintf(shortid, sizeof shortid, "%.12s", strempty(id));
                if (quiet) {
                        printf("%s\n", shortid);
                        continue;
                }
                table_add_row(t, (const char *const[]) {
                        shortid,
                        json_object_get_string(json_object_object_get(n, "Name")),
                        json_object_get_string(json_object_object_get(n, "Driver")),
                        "local",
                });
        }
        if (!quiet)
                table_print(t, stdout);
        return 0;
}

static int network_inspect(int argc, char *argv[]) {
        return inspect_objects("network inspect", "network inspect NETWORK [NETWORK...]\n\n"
                               "Display detailed information on one or more networks\n", "InspectNetwork", argc, argv);
}

static int network_rm(int argc, char *argv[]) {
        _cleanup_(engine_freep) Engine *e = NULL;
        int r, rc = 0;

        r = usage_getopt_simple(argc, argv, "network rm", "network rm NETWORK [NETWORK...]\n\nRemove one or more networks\n",
                          NULL, ":", NULL, NULL);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : 0;
        if (optind >= argc)
                return usage_error("network rm", "\"wharf network rm\" requires at least 1 argument."), EXIT_FAILURE;
        if (engine_connect(&e, NULL) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                r = engine_call(e, "RemoveNetwork", 0, NULL, NET_ERROR_PREFIX, false, "s", argv[i]);
                if (r < 0)
                        rc = EXIT_FAILURE;
                else
                        printf("%s\n", argv[i]);
        }
        return rc;
}

static int prune_opt(int c, void *ud) {
        return c == 'f' ? 0 : -EINVAL;
}

static int network_prune(int argc, char *argv[]) {
        static const struct option options[] = { { "force", no_argument, NULL, 'f' }, {} };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(strv_freep) char **removed = NULL;
        int r;

        /* no prompt: wharf never reads the terminal for confirmation */
        r = usage_getopt_simple(argc, argv, "network prune", "network prune [OPTIONS]\n\nRemove all unused networks\n\n"
                          "Options:\n  -f, --force   Do not prompt for confirmation\n", options, ":f", prune_opt, NULL);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : 0;
        if (engine_connect(&e, NULL) < 0 ||
            engine_call(e, "PruneNetworks", ENGINE_SLOW_CALL_USEC, &reply, NET_ERROR_PREFIX, false, NULL) < 0 ||
            sd_bus_message_read_strv(reply, &removed) < 0)
                return EXIT_FAILURE;
        if (removed && removed[0]) {
                printf("Deleted Networks:\n");
                STRV_FOREACH(n, removed)
                        printf("%s\n", *n);
        }
        return 0;
}

typedef struct ConnectArgs {
        char **aliases;
        const char *ip;
        bool force;
} ConnectArgs;

static int connect_opt(int c, void *ud) {
        ConnectArgs *a = ud;
        switch (c) {
        case 0x101: return strv_extend(&a->aliases, optarg);
        case 0x102: a->ip = optarg; return 0;
        case 'f': a->force = true; return 0;
        default: return -EINVAL;
        }
}

static int network_connect(int argc, char *argv[], bool disconnect) {
        static const struct option options[] = {
                { "alias", required_argument, NULL, 0x101 },
                { "ip",    required_argument, NULL, 0x102 },
                { "force", no_argument,       NULL, 'f' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        const char *cmd = disconnect ? "network disconnect" : "network connect";
        ConnectArgs a = {};
        char *opts = NULL;
        size_t size = 0;
        FILE *f;
        int r;

        r = usage_getopt_simple(argc, argv, cmd, disconnect ?
                          "network disconnect [OPTIONS] NETWORK CONTAINER\n\nDisconnect a container from a network\n" :
                          "network connect [OPTIONS] NETWORK CONTAINER\n\nConnect a container to a network\n\nOptions:\n"
                          "      --alias strings   Add network-scoped alias for the container\n"
                          "      --ip string       IPv4 address (e.g., \"172.30.100.104\")\n",
                          options, disconnect ? ":f" : ":", connect_opt, &a);
        if (r != 0) {
                strv_free(a.aliases);
                return r < 0 ? EXIT_FAILURE : 0;
        }
        if (argc - optind != 2) {
                strv_free(a.aliases);
                usage_error(cmd, "\"wharf %s\" requires exactly 2 arguments.", cmd);
                return EXIT_FAILURE;
        }
        if (engine_connect(&e, NULL) < 0) {
                strv_free(a.aliases);
                return EXIT_FAILURE;
        }
        if (disconnect)
                r = engine_call(e, "DisconnectNetwork", ENGINE_SLOW_CALL_USEC, NULL, NET_ERROR_PREFIX, false, "ssb",
                                argv[optind + 1], argv[optind], (int) a.force);
        else {
                _cleanup_(json_object_putp) json_object *o = json_object_new_object();
                json_object *al = json_object_new_array();
                STRV_FOREACH(x, a.aliases)
                        json_object_array_add(al, json_object_new_string(*x));
                json_object_object_add(o, "Aliases", al);
                if (a.ip)
                        json_object_object_add(o, "IPAddress", json_object_new_string(a.ip));
                f = open_memstream(&opts, &size);
                if (f) {
                        fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), f);
                        fclose(f);
                }
                r = engine_call(e, "ConnectNetwork", ENGINE_SLOW_CALL_USEC, NULL, NET_ERROR_PREFIX, false, "sss",
                                argv[optind + 1], argv[optind], strempty(opts));
                free(opts);
        }
        strv_free(a.aliases);
        return r < 0 ? EXIT_FAILURE : 0;
}

static int network_connect_cmd(int argc, char *argv[]) {
        return network_connect(argc, argv, false);
}

static int network_disconnect_cmd(int argc, char *argv[]) {
        return network_connect(argc, argv, true);
}

int cmd_network(int argc, char *argv[]) {
        static const SubCommand table[] = {
                { "connect",    network_connect_cmd,    "Connect a container to a network" },
                { "create",     network_create,         "Create a network" },
                { "disconnect", network_disconnect_cmd, "Disconnect a container from a network" },
                { "inspect",    network_inspect,        "Display detailed information on one or more networks" },
                { "ls",         network_ls,             "List networks" },
                { "list",       network_ls,             "" },
                { "prune",      network_prune,          "Remove all unused networks" },
                { "rm",         network_rm,             "Remove one or more networks" },
                { "remove",     network_rm,             "" },
        };
        return usage_dispatch("network", "Manage networks", argc, argv, table, ELEMENTSOF(table));
}

/* wharf port CONTAINER [PRIVATE_PORT[/PROTO]] */
int cmd_port(int argc, char *argv[]) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_(freep) char *want = NULL;
        json_object *ports;
        const char *s;
        bool found = false;
        int r;

        r = usage_getopt_simple(argc, argv, "port", "port CONTAINER [PRIVATE_PORT[/PROTO]]\n\n"
                          "List port mappings or a specific mapping for the container\n", NULL, ":", NULL, NULL);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : 0;
        if (argc - optind < 1 || argc - optind > 2)
                return usage_error("port", "\"wharf port\" requires at least 1 and at most 2 arguments."), EXIT_FAILURE;
        if (argc - optind == 2) {
                const char *p = argv[optind + 1];
                if (asprintf(&want, "%s%s", p, strchr(p, '/') ? "" : "/tcp") < 0)
                        return EXIT_FAILURE;
        }
        if (engine_connect(&e, NULL) < 0 ||
            engine_call(e, "GetNetworkSettings", 0, &reply, NET_ERROR_PREFIX, false, "s", argv[optind]) < 0 ||
            sd_bus_message_read(reply, "s", &s) < 0)
                return EXIT_FAILURE;
        o = json_tokener_parse(s);
        if (!o || !json_object_object_get_ex(o, "Ports", &ports))
                return EXIT_FAILURE;
        json_object_object_foreach(ports, key, list) {
                if (want && !streq(key, want))
                        continue;
                for (size_t i = 0; i < json_object_array_length(list); i++) {
                        json_object *b = json_object_array_get_idx(list, i);
                        const char *ip = json_object_get_string(json_object_object_get(b, "HostIp"));
                        const char *hp = json_object_get_string(json_object_object_get(b, "HostPort"));
                        if (want)
                                printf("%s:%s\n", strempty(ip), strempty(hp));
                        else
                                printf("%s -> %s:%s\n", key, strempty(ip), strempty(hp));
                        found = true;
                }
        }
        if (want && !found) {
                fprintf(stderr, "Error: No public port '%s' published for %s\n", want, argv[optind]);
                return EXIT_FAILURE;
        }
        return 0;
}
