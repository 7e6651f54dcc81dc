/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf inspect */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus-errors.h"
#include "bus.h"
#include "cli.h"
#include "inspect.h"
#include "log.h"
#include "template.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static int parse_reply(sd_bus_message *reply, json_object **ret) {
        const char *json;
        json_object *o;
        int r;

        r = sd_bus_message_read(reply, "s", &json);
        if (r < 0)
                return r;
        o = json_tokener_parse(json);
        if (!o)
                return -EBADMSG;
        *ret = o;
        return 0;
}

int engine_inspect_container(Engine *e, const char *ref, const char *error_prefix, json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = engine_call(e, "InspectContainer", 0, &reply, error_prefix, false, "s", ref);
        if (r < 0)
                return r;
        r = parse_reply(reply, ret);
        if (r < 0)
                fprintf(stderr, "%sError: unexpected reply from the engine: %s\n", strempty(error_prefix), strerror(-r));
        return r;
}

int engine_inspect_containers(Engine *e, bool all, json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = engine_call(e, "InspectContainers", 0, &reply, NULL, false, "b", (int) all);
        if (r < 0)
                return r;
        r = parse_reply(reply, ret);
        if (r >= 0 && !json_object_is_type(*ret, json_type_array)) {
                json_object_put(*ret);
                r = -EBADMSG;
        }
        if (r < 0)
                fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
        return r;
}

/* One object by kind; -ENOENT when no such thing (other errors printed). */
static int inspect_one(Engine *e, const char *method, const char *ref, json_object **ret) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = sd_bus_call_method(e->bus, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, method, &error, &reply,
                               "s", ref);
        if (r < 0) {
                if (sd_bus_error_has_names(&error, WHARF_ERROR_NO_SUCH_CONTAINER, WHARF_ERROR_NO_SUCH_IMAGE,
                                           WHARF_ERROR_NO_SUCH_NETWORK, WHARF_ERROR_NO_SUCH_VOLUME,
                                           SD_BUS_ERROR_UNKNOWN_METHOD,
                                           WHARF_ERROR_INVALID_REFERENCE))
                        return -ENOENT;
                engine_print_error(&error, r, NULL, false);
                return engine_error_is_unreachable(&error, r) ? -EHOSTDOWN : r;
        }
        r = parse_reply(reply, ret);
        if (r < 0)
                fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
        return r;
}

/* docker's json.MarshalIndent(v, "", "    "): members in order, empty
 * containers as [] and {} */
static void print_pretty_value(json_object *o, unsigned depth) {
        size_t n;

        if (json_object_is_type(o, json_type_array)) {
                n = json_object_array_length(o);
                if (n == 0) {
                        fputs("[]", stdout);
                        return;
                }
                fputs("[\n", stdout);
                for (size_t i = 0; i < n; i++) {
                        printf("%*s", (int) (depth + 1) * 4, "");
                        print_pretty_value(json_object_array_get_idx(o, i), depth + 1);
                        fputs(i + 1 < n ? ",\n" : "\n", stdout);
                }
                printf("%*s]", (int) depth * 4, "");
                return;
        }
        if (json_object_is_type(o, json_type_object)) {
                size_t i = 0;

                n = (size_t) json_object_object_length(o);
                if (n == 0) {
                        fputs("{}", stdout);
                        return;
                }
                fputs("{\n", stdout);
                json_object_object_foreach(o, key, val) {
                        _cleanup_(json_object_putp) json_object *k = json_object_new_string(key);
                        printf("%*s%s: ", (int) (depth + 1) * 4, "",
                               json_object_to_json_string_ext(k, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                        print_pretty_value(val, depth + 1);
                        fputs(++i < n ? ",\n" : "\n", stdout);
                }
                printf("%*s}", (int) depth * 4, "");
                return;
        }
        fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), stdout);
}

static void print_pretty(json_object *o) {
        print_pretty_value(o, 0);
        fputc('\n', stdout);
}

int cmd_inspect(int argc, char *argv[]) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                { "type",   required_argument, NULL, 'T' },
                { "size",   no_argument,       NULL, 's' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(template_freep) Template *tmpl = NULL;
        _cleanup_(json_object_putp) json_object *all = json_object_new_array();
        const char *format = NULL, *type = NULL;
        int c, r, ret = 0;

        if (!all)
                return 1;
        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":f:sh", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        format = optarg;
                        break;
                case 'T':
                        type = optarg;
                        break;
                case 's':
                        break;
                case 'h':
                        printf("\nUsage:  wharf inspect [OPTIONS] NAME|ID [NAME|ID...]\n\n"
                               "Return low-level information on Docker objects\n\n"
                               "Options:\n"
                               "  -f, --format string   Format output using a custom template\n"
                               "  -s, --size            Display total file sizes if the type is container\n"
                               "      --type string     Return JSON for specified type\n");
                        return 0;
                default:
                        usage_getopt_error("inspect", c, argv);
                        return 1;
                }
        if (optind >= argc) {
                usage_error("inspect", "'wharf inspect' requires at least 1 argument.");
                return 1;
        }
        if (type && !streq(type, "container") && !streq(type, "image") && !streq(type, "network") &&
            !streq(type, "volume")) {
                fprintf(stderr, "\"%s\" is not a valid value for --type\n", type);
                return 1;
        }
        if (format && !streq(format, "json")) {
                _cleanup_(freep) char *msg = NULL;
                r = template_parse(format, &tmpl, &msg);
                if (r < 0) {
                        fprintf(stderr, "Template parsing error: %s\n", msg ?: "out of memory");
                        return 1;
                }
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;

        for (int i = optind; i < argc; i++) {
                json_object *o = NULL;

                /* docker's order without --type: container, image, network, volume */
                r = -ENOENT;
                if (!type || streq(type, "container"))
                        r = inspect_one(e, "InspectContainer", argv[i], &o);
                if (r == -ENOENT && (!type || streq(type, "image")))
                        r = inspect_one(e, "InspectImage", argv[i], &o);
                if (r == -ENOENT && (!type || streq(type, "network")))
                        r = inspect_one(e, "InspectNetwork", argv[i], &o);
                if (r == -ENOENT && (!type || streq(type, "volume")))
                        r = inspect_one(e, "InspectVolume", argv[i], &o);
                if (r == -EHOSTDOWN)
                        return 1;
                if (r == -ENOENT) {
                        fprintf(stderr, "Error: No such %s: %s\n", type ?: "object", argv[i]);
                        ret = 1;
                        continue;
                }
                if (r < 0) {
                        ret = 1;
                        continue;
                }
                json_object_array_add(all, o);
        }

        if (!tmpl) {
                print_pretty(all);
                return ret;
        }
        for (size_t i = 0; i < json_object_array_length(all); i++) {
                _cleanup_(freep) char *out = NULL, *msg = NULL;

                out = template_render(tmpl, json_object_array_get_idx(all, i), &msg);
                if (!out) {
                        fprintf(stderr, "Template parsing error: %s\n", msg ?: "out of memory");
                        return 1;
                }
                printf("%s\n", out);
        }
        return ret;
}

/* Config.Tty of a container (false when it cannot be told) */
bool container_has_tty(Engine *e, const char *id) {
        json_object *o = NULL, *config, *tty;
        bool r = false;

        if (engine_inspect_container(e, id, NULL, &o) < 0)
                return false;
        if (json_object_object_get_ex(o, "Config", &config) && json_object_object_get_ex(config, "Tty", &tty))
                r = json_object_get_boolean(tty);
        json_object_put(o);
        return r;
}

int inspect_objects(const char *command, const char *usage, const char *method, int argc, char *argv[]) {
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(json_object_putp) json_object *out = json_object_new_array();
        int r, rc = 0;

        r = usage_getopt_simple(argc, argv, command, usage, NULL, ":", NULL, NULL);
        if (r != 0)
                return r < 0 ? EXIT_FAILURE : 0;
        if (optind >= argc)
                return usage_error(command, "\"wharf %s\" requires at least 1 argument.", command), EXIT_FAILURE;
        if (!out || engine_connect(&e, NULL) < 0)
                return EXIT_FAILURE;
        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                const char *s;

                r = engine_call(e, method, 0, &reply, NULL, false, "s", argv[i]);
                if (r < 0) {
                        rc = EXIT_FAILURE;
                        continue;
                }
                if (sd_bus_message_read(reply, "s", &s) >= 0)
                        json_object_array_add(out, json_tokener_parse(s));
        }
        printf("%s\n", json_object_to_json_string_ext(out, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
        return rc;
}
