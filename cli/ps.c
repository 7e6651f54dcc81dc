/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf ps */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "cli.h"
#include "format.h"
#include "inspect.h"
#include "ps-filter.h"
#include "ps-format.h"
#include "template.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static void ps_help(void) {
        printf("\nUsage:  wharf ps [OPTIONS]\n\n"
               "List containers\n\n"
               "Options:\n"
               "  -a, --all             Show all containers (default shows just running)\n"
               "  -f, --filter filter   Filter output based on conditions provided\n"
               "                        (status=, name=, id=, label=, ancestor=)\n"
               "      --format string   Format output using a custom template:\n"
               "                        'table':            Print output in table format with column headers (default)\n"
               "                        'table TEMPLATE':   Print output in table format using the given Go template\n"
               "                        'json':             Print in JSON format\n"
               "                        'TEMPLATE':         Print output using the given Go template\n"
               "  -n, --last int        Show n last created containers (includes all states) (default -1)\n"
               "  -l, --latest          Show the latest created container (includes all states)\n"
               "      --no-trunc        Don't truncate output\n"
               "  -q, --quiet           Only display container IDs\n"
               "  -s, --size            Display total file sizes\n");
}

/* Rows (tab-separated cells) through docker's tabwriter settings. */
static int print_table(char **lines, size_t n) {
        _cleanup_(table_freep) Table *t = NULL;
        size_t columns = 1;

        for (size_t i = 0; i < n; i++) {
                size_t k = 1;
                for (const char *p = lines[i]; *p; p++)
                        k += *p == '\t';
                columns = MAX(columns, k);
        }
        t = table_new(columns, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        if (!t)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char *p = lines[i];
                size_t k = 0;
                for (;;) {
                        char *tab = strchr(p, '\t');
                        if (tab)
                                *tab = 0;
                        if (table_add(t, p) < 0)
                                return -ENOMEM;
                        k++;
                        if (!tab)
                                break;
                        p = tab + 1;
                }
                for (; k < columns; k++)
                        if (table_add(t, "") < 0)
                                return -ENOMEM;
        }
        return table_print(t, stdout);
}

int cmd_ps(int argc, char *argv[]) {
        enum { ARG_NO_TRUNC = 0x100, ARG_FORMAT };
        static const struct option options[] = {
                { "all",      no_argument,       NULL, 'a'          },
                { "filter",   required_argument, NULL, 'f'          },
                { "format",   required_argument, NULL, ARG_FORMAT   },
                { "last",     required_argument, NULL, 'n'          },
                { "latest",   no_argument,       NULL, 'l'          },
                { "no-trunc", no_argument,       NULL, ARG_NO_TRUNC },
                { "quiet",    no_argument,       NULL, 'q'          },
                { "size",     no_argument,       NULL, 's'          },
                { "help",     no_argument,       NULL, 'h'          },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(json_object_putp) json_object *list = NULL;
        _cleanup_(template_freep) Template *tmpl = NULL;
        _cleanup_(ps_filter_done) PsFilter filter = {};
        _cleanup_(strv_freep) char **lines = calloc(1, sizeof(char *));
        const char *format = NULL;
        bool all = false, quiet = false, no_trunc = false, size = false;
        long last = -1;
        int64_t now = time(NULL);
        size_t shown = 0;
        int c, r;

        if (!lines)
                return 1;
        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":af:n:lqsh", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        all = true;
                        break;
                case 'f': {
                        _cleanup_(freep) char *msg = NULL;
                        r = ps_filter_add(&filter, optarg, &msg);
                        if (r == -ENOMEM) {
                                fputs("Error: out of memory\n", stderr);
                                return 1;
                        }
                        if (r < 0) {
                                /* docker checks the format in the client, the rest in the daemon */
                                if (strchr(optarg, '='))
                                        fprintf(stderr, "Error response from daemon: %s\n", strempty(msg));
                                else
                                        usage_error("ps", "invalid argument \"%s\" for \"-f, --filter\" flag: %s",
                                                    optarg, strempty(msg));
                                return 1;
                        }
                        break;
                }
                case ARG_FORMAT:
                        format = optarg;
                        break;
                case 'n': {
                        char *end;
                        errno = 0;
                        last = strtol(optarg, &end, 10);
                        if (*end || errno || isempty(optarg)) {
                                usage_error("ps", "invalid argument \"%s\" for \"-n, --last\" flag: strconv.ParseInt: parsing \"%s\": invalid syntax",
                                            optarg, optarg);
                                return 1;
                        }
                        break;
                }
                case 'l':
                        last = 1;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 's':
                        size = true;
                        break;
                case ARG_NO_TRUNC:
                        no_trunc = true;
                        break;
                case 'h':
                        ps_help();
                        return 0;
                default:
                        usage_getopt_error("ps", c, argv);
                        return 1;
                }
        if (optind < argc) {
                usage_error("ps", "'wharf ps' accepts no arguments.");
                return 1;
        }
        if (last > 0)
                all = true;

        if (format && !streq(format, "json") && !streq(format, "table") && !quiet) {
                _cleanup_(freep) char *msg = NULL;
                r = template_parse(format, &tmpl, &msg);
                if (r < 0) {
                        fprintf(stderr, "Error: %s\n", msg ?: "out of memory");
                        return 1;
                }
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_inspect_containers(e, all, &list) < 0)
                return 1;

        if (!tmpl && !quiet && !streq_ptr(format, "json")) {
                /* docker's default table */
                _cleanup_(table_freep) Table *t = table_new(size ? 8 : 7, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
                if (!t || table_add_row(t, (const char *[]) { "CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS",
                                                              "PORTS", "NAMES", "SIZE" }) < 0)
                        goto oom;
                for (size_t i = 0; i < json_object_array_length(list); i++) {
                        json_object *ci = json_object_array_get_idx(list, i);
                        _cleanup_(json_object_putp) json_object *row = NULL;

                        if (!ps_filter_match(&filter, ci))
                                continue;
                        if (last > 0 && shown >= (size_t) last)
                                break;
                        shown++;
                        row = ps_row(ci, no_trunc, now);
                        if (!row)
                                goto oom;
                        if (table_add_row(t, (const char *[]) {
                                        json_path_string(row, "ID", NULL), json_path_string(row, "Image", NULL),
                                        json_path_string(row, "Command", NULL), json_path_string(row, "RunningFor", NULL),
                                        json_path_string(row, "Status", NULL), "", json_path_string(row, "Names", NULL),
                                        "0B" }) < 0)
                                goto oom;
                }
                table_print(t, stdout);
                return 0;
        }

        if (tmpl && template_is_table(tmpl)) {
                char *h = template_render_header(tmpl, ps_header);
                if (!h || strv_extend(&lines, h) < 0) {
                        free(h);
                        goto oom;
                }
                free(h);
        }
        for (size_t i = 0; i < json_object_array_length(list); i++) {
                json_object *ci = json_object_array_get_idx(list, i);
                _cleanup_(json_object_putp) json_object *row = NULL;
                _cleanup_(freep) char *out = NULL, *msg = NULL;

                if (!ps_filter_match(&filter, ci))
                        continue;
                if (last > 0 && shown >= (size_t) last)
                        break;
                shown++;
                if (quiet) {
                        const char *id = json_path_string(ci, "Id", NULL);
                        printf("%.*s\n", no_trunc ? (int) strlen(strempty(id)) : 12, strempty(id));
                        continue;
                }
                row = ps_row(ci, no_trunc, now);
                if (!row)
                        goto oom;
                if (!tmpl) {
                        json_object_object_del(row, "Labels.map");
                        printf("%s\n", json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                        continue;
                }
                out = template_render(tmpl, row, &msg);
                if (!out) {
                        fprintf(stderr, "Error: %s\n", msg ?: "out of memory");
                        return 1;
                }
                if (template_is_table(tmpl)) {
                        if (strv_extend(&lines, out) < 0)
                                goto oom;
                } else
                        printf("%s\n", out);
        }
        if (tmpl && template_is_table(tmpl) && print_table(lines, strv_length(lines)) < 0)
                goto oom;
        return 0;

oom:
        fputs("Error: out of memory\n", stderr);
        return 1;
}
