/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf volume create|ls|inspect|rm|prune */
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
#include "template.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static const char *json_str(json_object *o, const char *key) {
        json_object *v;

        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
                json_object_get_string(v) : "";
}

/* create */

typedef struct CreateArgs {
        const char *driver, *name;
        char **labels;
        bool opts;
} CreateArgs;

static int create_opt(int c, void *ud) {
        CreateArgs *a = ud;

        switch (c) {
        case 'd': a->driver = optarg; return 0;
        case 'o': a->opts = true; return 0;
        case 0x101: return strv_extend(&a->labels, optarg);
        case 0x102: a->name = optarg; return 0;
        default: return -EINVAL;
        }
}

static int volume_create(int argc, char *argv[]) {
        static const struct option options[] = {
                { "driver", required_argument, NULL, 'd' },
                { "opt",    required_argument, NULL, 'o' },
                { "label",  required_argument, NULL, 0x101 },
                { "name",   required_argument, NULL, 0x102 },
                {}
        };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(json_object_putp) json_object *v = NULL;
        CreateArgs a = {};
        const char *name, *json;
        int r;

        r = usage_getopt_simple(argc, argv, "volume create",
                                "volume create [OPTIONS] [VOLUME]\n\nCreate a volume\n\nOptions:\n"
                                "  -d, --driver string   Specify volume driver name (default \"local\")\n"
                                "      --label list      Set metadata for a volume\n"
                                "  -o, --opt map         Set driver specific options (none with wharf)\n",
                                options, "+:d:o:", create_opt, &a);
        if (r != 0)
                goto out;
        if (argc - optind > 1) {
                r = usage_error("volume create", "\"wharf volume create\" requires at most 1 argument.");
                goto out;
        }
        name = optind < argc ? argv[optind] : strempty(a.name);
        if (a.name && optind < argc && !streq(a.name, argv[optind])) {
                r = usage_error("volume create", "conflicting options: either specify --name or provide positional arg, not both");
                goto out;
        }
        if (a.driver && !streq(a.driver, "local")) {
                fprintf(stderr, "Error response from daemon: create %s: error looking up volume plugin %s: "
                        "plugin \"%s\" not found\n", name, a.driver, a.driver);
                r = -EINVAL;
                goto out;
        }
        if (a.opts) {
                /* the local driver's type/device/o mount other file systems: not in wharf */
                fprintf(stderr, "Error response from daemon: create %s: wharf's local volumes take no driver options\n",
                        name);
                r = -EINVAL;
                goto out;
        }
        if ((r = engine_connect(&e, NULL)) < 0 ||
            (r = engine_new_call(e, "CreateVolume", &m)) < 0)
                goto out;
        r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = engine_append_labels(m, a.labels);
        if (r < 0)
                goto out;
        r = engine_call_message(e, m, ENGINE_SLOW_CALL_USEC, &reply, NULL, false);
        if (r < 0)
                goto out;
        if (sd_bus_message_read(reply, "s", &json) >= 0 && (v = json_tokener_parse(json)))
                printf("%s\n", json_str(v, "Name"));
out:
        strv_free(a.labels);
        return r < 0 ? EXIT_FAILURE : 0;
}

/* ls */

static bool has_label(json_object *v, const char *want) {
        json_object *labels, *x;
        _cleanup_(freep) char *key = strndup(want, strcspn(want, "="));
        const char *value = strchr(want, '=');

        if (!key || !json_object_object_get_ex(v, "Labels", &labels) ||
            !json_object_object_get_ex(labels, key, &x))
                return false;
        return !value || streq(json_object_get_string(x), value + 1);
}

static int ref_count(json_object *v) {
        json_object *u, *n;

        if (json_object_object_get_ex(v, "UsageData", &u) && json_object_object_get_ex(u, "RefCount", &n))
                return json_object_get_int(n);
        return 0;
}

static char *const bools[] = { (char *) "true", (char *) "false", (char *) "1", (char *) "0", NULL };

/* docker's volume filters: dangling, name (a substring), label, driver */
static int filter_check(char * const *filters) {
        STRV_FOREACH(f, filters) {
                const char *eq = strchr(*f, '=');
                size_t n = eq ? (size_t) (eq - *f) : strlen(*f);

                if (!eq || !(startswith(*f, "dangling=") || startswith(*f, "name=") ||
                             startswith(*f, "label=") || startswith(*f, "driver="))) {
                        fprintf(stderr, "Error response from daemon: invalid filter '%.*s'\n", (int) n, *f);
                        return -EINVAL;
                }
                if (startswith(*f, "dangling=") && !strv_contains(bools, eq + 1)) {
                        fprintf(stderr, "Error response from daemon: invalid filter 'dangling=%s'\n", eq + 1);
                        return -EINVAL;
                }
        }
        return 0;
}

/* Filters of one kind are alternatives (any matches); kinds all apply. */
static bool filter_match(json_object *v, char * const *filters) {
        static const char *const kinds[] = { "dangling=", "name=", "label=", "driver=" };

        for (size_t k = 0; k < ELEMENTSOF(kinds); k++) {
                bool seen = false, match = false;

                STRV_FOREACH(f, filters) {
                        const char *value = startswith(*f, kinds[k]);

                        if (!value)
                                continue;
                        seen = true;
                        if (k == 0)
                                match = match || (ref_count(v) == 0) == (streq(value, "true") || streq(value, "1"));
                        else if (k == 1)
                                match = match || strstr(json_str(v, "Name"), value);
                        else if (k == 2)
                                match = match || has_label(v, value);
                        else
                                match = match || streq(json_str(v, "Driver"), value);
                }
                if (seen && !match)
                        return false;
        }
        return true;
}

/* What --format's templates see: docker's volume ls fields. */
static json_object *format_data(json_object *v) {
        json_object *o = json_object_new_object(), *labels;
        _cleanup_(freep) char *l = NULL;

        if (json_object_object_get_ex(v, "Labels", &labels) && json_object_is_type(labels, json_type_object)) {
                json_object_object_foreach(labels, key, val) {
                        char *s;
                        if (asprintf(&s, "%s%s%s=%s", strempty(l), l ? "," : "", key, json_object_get_string(val)) < 0)
                                break;
                        free(l);
                        l = s;
                }
        }
        json_object_object_add(o, "Name", json_object_new_string(json_str(v, "Name")));
        json_object_object_add(o, "Driver", json_object_new_string(json_str(v, "Driver")));
        json_object_object_add(o, "Scope", json_object_new_string(json_str(v, "Scope")));
        json_object_object_add(o, "Mountpoint", json_object_new_string(json_str(v, "Mountpoint")));
        json_object_object_add(o, "Labels", json_object_new_string(strempty(l)));
        json_object_object_add(o, "Links", json_object_new_string("N/A"));
        json_object_object_add(o, "Size", json_object_new_string("N/A"));
        return o;
}

typedef struct LsArgs {
        bool quiet;
        const char *format;
        char **filters;
} LsArgs;

static int ls_opt(int c, void *ud) {
        LsArgs *a = ud;

        switch (c) {
        case 'q': a->quiet = true; return 0;
        case 'f': return strv_extend(&a->filters, optarg);
        case 0x101: a->format = optarg; return 0;
        default: return -EINVAL;
        }
}

static int print_formatted(json_object *l, const char *format) {
        _cleanup_(template_freep) Template *t = NULL;
        _cleanup_(freep) char *error = NULL;

        if (!streq(format, "json") && template_parse(format, &t, &error) < 0) {
                fprintf(stderr, "template parsing error: %s\n", strempty(error));
                return -EINVAL;
        }
        for (size_t i = 0; i < json_object_array_length(l); i++) {
                _cleanup_(json_object_putp) json_object *d = format_data(json_object_array_get_idx(l, i));
                _cleanup_(freep) char *line = NULL;

                if (!t) {
                        printf("%s\n", json_object_to_json_string_ext(d, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                        continue;
                }
                line = template_render(t, d, &error);
                if (!line) {
                        fprintf(stderr, "template: %s\n", strempty(error));
                        return -EINVAL;
                }
                printf("%s\n", line);
        }
        return 0;
}

static int volume_ls(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quiet",  no_argument,       NULL, 'q' },
                { "filter", required_argument, NULL, 'f' },
                { "format", required_argument, NULL, 0x101 },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(json_object_putp) json_object *l = NULL, *shown = json_object_new_array();
        _cleanup_(table_freep) Table *t = NULL;
        LsArgs a = {};
        int r;

        r = usage_getopt_simple(argc, argv, "volume ls", "volume ls [OPTIONS]\n\nList volumes\n\nOptions:\n"
                                "  -f, --filter filter   Provide filter values (e.g. \"dangling=true\")\n"
                                "      --format string   Format output using a custom template or json\n"
                                "  -q, --quiet           Only display volume names\n",
                                options, ":qf:", ls_opt, &a);
        if (r == 0 && optind < argc)
                r = usage_error("volume ls", "\"wharf volume ls\" accepts no arguments.");
        if (r == 0)
                r = filter_check(a.filters);
        if (r != 0)
                goto out;
        if ((r = engine_connect(&e, NULL)) < 0 || (r = engine_list_json(e, "ListVolumes", &l)) < 0)
                goto out;
        for (size_t i = 0; i < json_object_array_length(l); i++) {
                json_object *v = json_object_array_get_idx(l, i);
                if (filter_match(v, a.filters))
                        json_object_array_add(shown, json_object_get(v));
        }
        if (a.quiet) {
                for (size_t i = 0; i < json_object_array_length(shown); i++)
                        printf("%s\n", json_str(json_object_array_get_idx(shown, i), "Name"));
                goto out;
        }
        if (a.format && !streq(a.format, "table")) {
                r = print_formatted(shown, a.format);
                goto out;
        }
        t = table_new(2, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        if (!t) {
                r = -ENOMEM;
                goto out;
        }
        table_add_row(t, (const char *const[]) { "DRIVER", "VOLUME NAME" });
        for (size_t i = 0; i < json_object_array_length(shown); i++) {
                json_object *v = json_object_array_get_idx(shown, i);
                table_add_row(t, (const char *const[]) { json_str(v, "Driver"), json_str(v, "Name") });
        }
        table_print(t, stdout);
out:
        strv_free(a.filters);
        return r < 0 ? EXIT_FAILURE : 0;
}

/* inspect, rm */

static int volume_inspect(int argc, char *argv[]) {
        return inspect_objects("volume inspect", "volume inspect VOLUME [VOLUME...]\n\n"
                               "Display detailed information on one or more volumes\n", "InspectVolume", argc, argv);
}

static int rm_opt(int c, void *ud) {
        if (c != 'f')
                return -EINVAL;
        *(bool *) ud = true;
        return 0;
}

static int volume_rm(int argc, char *argv[]) {
        static const struct option options[] = { { "force", no_argument, NULL, 'f' }, {} };
        _cleanup_(engine_freep) Engine *e = NULL;
        bool force = false;
        int r, rc = 0;

        r = usage_getopt_simple(argc, argv, "volume rm", "volume rm [OPTIONS] VOLUME [VOLUME...]\n\n"
                                "Remove one or more volumes. You cannot remove a volume that is in use by a container.\n\n"
                                "Options:\n  -f, --force   Force the removal of one or more volumes\n",
                                options, ":f", rm_opt, &force);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : 0;
        if (optind >= argc)
                return usage_error("volume rm", "\"wharf volume rm\" requires at least 1 argument."), EXIT_FAILURE;
        if (engine_connect(&e, NULL) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                r = engine_call(e, "RemoveVolume", ENGINE_SLOW_CALL_USEC, NULL, NULL, false, "sb", argv[i], (int) force);
                if (r < 0)
                        rc = EXIT_FAILURE;
                else
                        printf("%s\n", argv[i]);
        }
        return rc;
}

/* prune */

static int prune_opt(int c, void *ud) {
        switch (c) {
        case 'a': *(bool *) ud = true; return 0;
        case 'f': return 0;
        default: return -EINVAL;
        }
}

static int volume_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                { "all",   no_argument, NULL, 'a' },
                { "force", no_argument, NULL, 'f' },
                {}
        };
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(strv_freep) char **removed = NULL;
        bool all = false;
        int r;

        /* no prompt: wharf never reads the terminal for confirmation */
        r = usage_getopt_simple(argc, argv, "volume prune", "volume prune [OPTIONS]\n\nRemove unused local volumes\n\n"
                                "Options:\n  -a, --all     Remove all unused volumes, not just anonymous ones\n"
                                "  -f, --force   Do not prompt for confirmation\n", options, ":af", prune_opt, &all);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : 0;
        if (engine_connect(&e, NULL) < 0 ||
            engine_call(e, "PruneVolumes", ENGINE_SLOW_CALL_USEC, &reply, NULL, false, "b", (int) all) < 0 ||
            sd_bus_message_read_strv(reply, &removed) < 0)
                return EXIT_FAILURE;
        if (removed && removed[0]) {
                printf("Deleted Volumes:\n");
                STRV_FOREACH(n, removed)
                        printf("%s\n", *n);
        }
        return 0;
}

int cmd_volume(int argc, char *argv[]) {
        static const SubCommand table[] = {
                { "create",  volume_create,  "Create a volume" },
                { "inspect", volume_inspect, "Display detailed information on one or more volumes" },
                { "ls",      volume_ls,      "List volumes" },
                { "list",    volume_ls,      "" },
                { "prune",   volume_prune,   "Remove unused local volumes" },
                { "rm",      volume_rm,      "Remove one or more volumes" },
                { "remove",  volume_rm,      "" },
        };
        return usage_dispatch("volume", "Manage volumes", argc, argv, table, ELEMENTSOF(table));
}
