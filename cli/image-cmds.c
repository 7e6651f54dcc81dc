/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf tag, history, image (ls/rm/tag/inspect/history/prune/pull), system df */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "cli.h"
#include "format.h"

/* options: only -h/--help; returns 1 after printing help, <0 on bad usage */
static int help_only(int argc, char *argv[], const char *command, const char *usage) {
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
                        printf("\nUsage:  wharf %s\n", usage);
                        return 1;
                default:
                        usage_getopt_error(command, c, argv);
                        return -EINVAL;
                }
        return 0;
}

int cmd_tag(int argc, char *argv[]) {
        _cleanup_(engine_freep) Engine *e = NULL;
        int r;

        r = help_only(argc, argv, "tag", "tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]\n\n"
                      "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE\n");
        if (r != 0)
                return r > 0 ? 0 : usage_exit_code("tag");
        if (argc - optind != 2) {
                usage_error("tag", "'wharf tag' requires 2 arguments.");
                return usage_exit_code("tag");
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_call(e, "TagImage", 0, NULL, NULL, false, "ss", argv[optind], argv[optind + 1]) < 0)
                return 1;
        return 0;
}

int cmd_history(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quiet",    no_argument, NULL, 'q' },
                { "no-trunc", no_argument, NULL, 'T' },
                { "human",    required_argument, NULL, 'H' },
                { "help",     no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        bool quiet = false, no_trunc = false, human = true;
        int64_t now = time(NULL);
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":qH:h", options, NULL)) >= 0)
                switch (c) {
                case 'q':
                        quiet = true;
                        break;
                case 'T':
                        no_trunc = true;
                        break;
                case 'H':
                        human = !streq(optarg, "false");
                        break;
                case 'h':
                        printf("\nUsage:  wharf history [OPTIONS] IMAGE\n\n"
                               "Show the history of an image\n\n"
                               "Options:\n"
                               "  -H, --human      Print sizes and dates in human readable format (default true)\n"
                               "      --no-trunc   Don't truncate output\n"
                               "  -q, --quiet      Only show image IDs\n");
                        return 0;
                default:
                        usage_getopt_error("history", c, argv);
                        return usage_exit_code("history");
                }
        if (argc - optind != 1) {
                usage_error("history", "'wharf history' requires 1 argument.");
                return usage_exit_code("history");
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_call(e, "ImageHistory", 0, &reply, NULL, false, "s", argv[optind]) < 0)
                return 1;

        t = table_new(5, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        if (!t || table_add_row(t, (const char *[]) { "IMAGE", "CREATED", "CREATED BY", "SIZE", "COMMENT" }) < 0)
                goto oom;
        r = sd_bus_message_enter_container(reply, 'a', "(sxsts)");
        while (r >= 0) {
                _cleanup_(freep) char *id = NULL, *by = NULL, *shell = NULL;
                const char *iid, *created_by, *comment;
                int64_t created;
                uint64_t size;
                char ago[HUMAN_DURATION_MAX + 4], sz[HUMAN_SIZE_MAX], num[32];

                r = sd_bus_message_read(reply, "(sxsts)", &iid, &created, &created_by, &size, &comment);
                if (r <= 0)
                        break;
                id = streq(iid, "<missing>") || no_trunc ? strdup(iid) : format_short_id(iid);
                if (!id)
                        goto oom;
                if (quiet) {
                        printf("%s\n", id);
                        continue;
                }
                /* docker shows "/bin/sh -c #(nop) ..." with the tabs as spaces */
                shell = strdup(created_by);
                if (!shell)
                        goto oom;
                for (char *p = shell; *p; p++)
                        if (*p == '\t' || *p == '\n')
                                *p = ' ';
                by = no_trunc ? strdup(shell) : format_ellipsis(shell, 45);
                if (!by)
                        goto oom;
                if (created > 0)
                        format_time_ago(now, created, ago);
                else
                        strcpy(ago, "N/A");
                if (human)
                        format_human_size(size, sz);
                else {
                        snprintf(num, sizeof num, "%llu", (unsigned long long) size);
                        strcpy(sz, num);
                }
                if (table_add_row(t, (const char *[]) { id, ago, by, sz, comment }) < 0)
                        goto oom;
        }
        if (r < 0) {
                fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
                return 1;
        }
        if (!quiet)
                table_print(t, stdout);
        return 0;
oom:
        fputs("Error: out of memory\n", stderr);
        return 1;
}

/* ---- inspect: JSON and a small subset of Go templates ---- */

/* Go's fmt of a JSON value in a template: strings raw, arrays [a b],
 * objects map[k:v], null <no value> */
static void template_print_value(FILE *f, json_object *v) {
        switch (json_object_get_type(v)) {
        case json_type_null:
                fputs("<no value>", f);
                break;
        case json_type_string:
                fputs(json_object_get_string(v), f);
                break;
        case json_type_array:
                fputc('[', f);
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        if (i > 0)
                                fputc(' ', f);
                        template_print_value(f, json_object_array_get_idx(v, i));
                }
                fputc(']', f);
                break;
        case json_type_object: {
                bool first = true;
                fputs("map[", f);
                json_object_object_foreach(v, k, val) {
                        fprintf(f, "%s%s:", first ? "" : " ", k);
                        template_print_value(f, val);
                        first = false;
                }
                fputc(']', f);
                break;
        }
        default:
                fputs(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), f);
        }
}

/* "{{.A.B}}", "{{json .A}}", "{{ .A }}"; anything else is refused */
static int template_render(FILE *f, const char *tmpl, json_object *o) {
        const char *p = tmpl;

        while (*p) {
                const char *open = strstr(p, "{{"), *close;
                _cleanup_(freep) char *expr = NULL;
                json_object *v = o;
                bool json = false;
                char *s, *save = NULL;

                if (!open) {
                        fputs(p, f);
                        break;
                }
                fwrite(p, 1, open - p, f);
                close = strstr(open, "}}");
                if (!close)
                        return -EINVAL;
                expr = strndup(open + 2, close - open - 2);
                if (!expr)
                        return -ENOMEM;
                s = expr + strspn(expr, " ");
                for (size_t l = strlen(s); l > 0 && s[l - 1] == ' '; l--)
                        s[l - 1] = 0;
                if (startswith(s, "json ")) {
                        json = true;
                        s += 5;
                        s += strspn(s, " ");
                }
                if (s[0] != '.')
                        return -EINVAL;
                for (char *k = strtok_r(s + 1, ".", &save); k; k = strtok_r(NULL, ".", &save))
                        if (!json_object_object_get_ex(v, k, &v))
                                v = NULL;
                if (json)
                        fputs(v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE) : "null", f);
                else
                        template_print_value(f, v);
                p = close + 2;
        }
        fputc('\n', f);
        return 0;
}

int cmd_image_inspect(int argc, char *argv[]) {
        static const struct option options[] = {
                { "format", required_argument, NULL, 'f' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        json_object *all;
        const char *format = NULL;
        int c, ret = 0;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":f:h", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        format = optarg;
                        break;
                case 'h':
                        printf("\nUsage:  wharf image inspect [OPTIONS] IMAGE [IMAGE...]\n\n"
                               "Display detailed information on one or more images\n\n"
                               "Options:\n"
                               "  -f, --format string   Format output using a Go template subset\n"
                               "                        ({{.Field.Sub}}, {{json .Field}})\n");
                        return 0;
                default:
                        usage_getopt_error("image inspect", c, argv);
                        return usage_exit_code("image inspect");
                }
        if (optind >= argc) {
                usage_error("image inspect", "'wharf image inspect' requires at least 1 argument.");
                return usage_exit_code("image inspect");
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;

        all = json_object_new_array();
        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                const char *text;
                json_object *o;

                if (engine_call(e, "InspectImage", 0, &reply, NULL, false, "s", argv[i]) < 0) {
                        ret = 1;
                        continue;
                }
                if (sd_bus_message_read(reply, "s", &text) < 0 || !(o = json_tokener_parse(text))) {
                        fputs("Error: unexpected reply from the engine\n", stderr);
                        ret = 1;
                        continue;
                }
                if (format) {
                        if (template_render(stdout, format, o) < 0) {
                                fprintf(stderr, "Error: template: unsupported expression in \"%s\"\n", format);
                                json_object_put(o);
                                json_object_put(all);
                                return 1;
                        }
                        json_object_put(o);
                } else
                        json_object_array_add(all, o);
        }
        if (!format)
                printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PRETTY |
                                                                   JSON_C_TO_STRING_SPACED |
                                                                   JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(all);
        return ret;
}

int cmd_image_prune(int argc, char *argv[]) {
        static const struct option options[] = {
                { "all",   no_argument, NULL, 'a' },
                { "force", no_argument, NULL, 'f' },
                { "help",  no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(strv_freep) char **lines = NULL;
        bool all = false, force = false;
        uint64_t reclaimed;
        char size[HUMAN_SIZE_MAX];
        int c;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":afh", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'f':
                        force = true;
                        break;
                case 'h':
                        printf("\nUsage:  wharf image prune [OPTIONS]\n\n"
                               "Remove unused images\n\n"
                               "Options:\n"
                               "  -a, --all     Remove all unused images, not just dangling ones\n"
                               "  -f, --force   Do not prompt for confirmation\n");
                        return 0;
                default:
                        usage_getopt_error("image prune", c, argv);
                        return usage_exit_code("image prune");
                }
        if (optind < argc) {
                usage_error("image prune", "'wharf image prune' accepts no arguments.");
                return usage_exit_code("image prune");
        }
        if (!force) {
                char answer[16] = "";

                printf("WARNING! This will remove all %s.\nAre you sure you want to continue? [y/N] ",
                       all ? "images without at least one container associated to them" : "dangling images");
                fflush(stdout);
                if (!fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
                        return 0;
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_call(e, "PruneImages", ENGINE_SLOW_CALL_USEC, &reply, NULL, false, "b", (int) all) < 0)
                return 1;
        if (sd_bus_message_read_strv(reply, &lines) < 0 || sd_bus_message_read(reply, "t", &reclaimed) < 0) {
                fputs("Error: unexpected reply from the engine\n", stderr);
                return 1;
        }
        if (lines && lines[0]) {
                printf("Deleted Images:\n");
                STRV_FOREACH(l, lines) {
                        /* docker: "untagged: x", "deleted: sha256:..." */
                        const char *rest;
                        if ((rest = startswith(*l, "Untagged: ")))
                                printf("untagged: %s\n", rest);
                        else if ((rest = startswith(*l, "Deleted: ")))
                                printf("deleted: %s\n", rest);
                        else
                                printf("%s\n", *l);
                }
                printf("\n");
        }
        printf("Total reclaimed space: %s\n", format_human_size(reclaimed, size));
        return 0;
}

int cmd_system_df(int argc, char *argv[]) {
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        int r;

        r = help_only(argc, argv, "system df", "system df\n\nShow wharf disk usage\n");
        if (r != 0)
                return r > 0 ? 0 : usage_exit_code("system df");
        if (optind < argc) {
                usage_error("system df", "'wharf system df' accepts no arguments.");
                return usage_exit_code("system df");
        }
        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_call(e, "SystemDiskUsage", ENGINE_SLOW_CALL_USEC, &reply, NULL, false, NULL) < 0)
                return 1;

        t = table_new(5, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        if (!t || table_add_row(t, (const char *[]) { "TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE" }) < 0)
                goto oom;
        r = sd_bus_message_enter_container(reply, 'a', "(suutt)");
        while (r >= 0) {
                const char *type;
                uint32_t total, active;
                uint64_t size, reclaimable;
                char tot[16], act[16], sz[HUMAN_SIZE_MAX], rs[HUMAN_SIZE_MAX], rc[HUMAN_SIZE_MAX + 16];

                r = sd_bus_message_read(reply, "(suutt)", &type, &total, &active, &size, &reclaimable);
                if (r <= 0)
                        break;
                snprintf(tot, sizeof tot, "%u", total);
                snprintf(act, sizeof act, "%u", active);
                format_human_size(size, sz);
                format_human_size(reclaimable, rs);
                /* docker: "1.2MB (100%)" when there is anything */
                if (size > 0)
                        snprintf(rc, sizeof rc, "%s (%u%%)", rs, (unsigned) (reclaimable * 100 / size));
                else
                        snprintf(rc, sizeof rc, "%s", rs);
                if (table_add_row(t, (const char *[]) { type, tot, act, sz, rc }) < 0)
                        goto oom;
        }
        if (r < 0) {
                fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
                return 1;
        }
        table_print(t, stdout);
        return 0;
oom:
        fputs("Error: out of memory\n", stderr);
        return 1;
}

int cmd_image(int argc, char *argv[]) {
        static const SubCommand table[] = {
                { "history", cmd_history },
                { "inspect", cmd_image_inspect },
                { "list",    cmd_images },
                { "ls",      cmd_images },
                { "prune",   cmd_image_prune },
                { "pull",    cmd_pull },
                { "rm",      cmd_rmi },
                { "tag",     cmd_tag },
        };
        return usage_dispatch("image", NULL, argc, argv, table, ELEMENTSOF(table));
}

int cmd_system(int argc, char *argv[]) {
        static const SubCommand table[] = {
                { "df",   cmd_system_df },
                { "info", cmd_info },
        };
        return usage_dispatch("system", NULL, argc, argv, table, ELEMENTSOF(table));
}
