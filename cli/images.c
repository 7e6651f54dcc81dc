/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf pull, images, rmi */
#include <errno.h>
#include <fnmatch.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "cli.h"
#include "format.h"
#include "reference.h"
#include "registry.h"

/* docker prints "Using default tag" when the reference is a bare name */
static bool reference_has_tag_or_digest(const char *s) {
        const char *slash = strrchr(s, '/');

        return strchr(s, '@') || strchr(slash ?: s, ':');
}

int cmd_pull(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quiet",    no_argument,       NULL, 'q' },
                { "platform", required_argument, NULL, 'P' },
                { "help",     no_argument,       NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(job_freep) Job *j = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        const char *platform = NULL;
        _cleanup_(reference_done) Reference ref = {};
        _cleanup_(freep) char *normalized = NULL;
        bool quiet = false;
        const char *name;
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":qh", options, NULL)) >= 0)
                switch (c) {
                case 'q':
                        quiet = true;
                        break;
                case 'P':
                        platform = optarg;
                        break;
                case 'h':
                        printf("\nUsage:  wharf pull [OPTIONS] NAME[:TAG|@DIGEST]\n\n"
                               "Download an image from a registry\n\n"
                               "Options:\n"
                               "      --platform string   Set platform if server is multi-platform capable\n"
                               "  -q, --quiet             Suppress verbose output\n");
                        return 0;
                default:
                        usage_getopt_error("pull", c, argv);
                        return usage_exit_code("pull");
                }
        if (argc - optind != 1) {
                usage_error("pull", "'wharf pull' requires 1 argument.");
                return usage_exit_code("pull");
        }
        name = argv[optind];

        /* the engine judges the reference; we only need it for our own lines */
        if (reference_parse(name, &ref) >= 0) {
                normalized = reference_normalized(&ref);
                if (!normalized) {
                        fputs("Error: out of memory\n", stderr);
                        return 1;
                }
                if (!quiet && !reference_has_tag_or_digest(name)) {
                        printf("Using default tag: %s\n", REFERENCE_DEFAULT_TAG);
                        fflush(stdout);
                }
        }

        r = engine_connect(&e, NULL);
        if (r < 0)
                return 1;
        r = job_watch(e, quiet ? NULL : stdout, &j);
        if (r < 0) {
                engine_print_error(NULL, r, NULL, false);
                return 1;
        }
        /* the stored credentials for the image's registry go along, as docker's X-Registry-Auth */
        r = engine_new_call(e, "Pull", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", name);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && !isempty(platform))
                r = sd_bus_message_append(m, "{sv}", "Platform", "s", platform);
        if (r >= 0)
                r = registry_auth_append_entry(m, name);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", strerror(-r));
                return 1;
        }
        r = job_call(e, j, m);
        if (r < 0)
                return job_exit_code(e, r);

        printf("%s\n", normalized ?: j->subject);
        return 0;
}

typedef struct ImageRow {
        char *id;
        char *repository;
        char *tag;
        char *digest;        /* sha256:... of the repository, or NULL */
        bool dangling;       /* the image has no tag at all */
        uint64_t created;
        uint64_t size;
        size_t order;
} ImageRow;

static int image_row_compare(const void *a, const void *b) {
        const ImageRow *x = a, *y = b;

        /* newest first, as the daemon lists them; ties keep their order */
        if (x->created != y->created)
                return x->created > y->created ? -1 : 1;
        return x->order < y->order ? -1 : x->order > y->order;
}

static void image_rows_free_one(ImageRow *row) {
        free(row->digest);
        free(row->id);
        free(row->repository);
        free(row->tag);
}

static void image_rows_free(ImageRow *rows, size_t n) {
        for (size_t i = 0; i < n; i++)
                image_rows_free_one(rows + i);
        free(rows);
}

static int image_rows_add(ImageRow **rows, size_t *n, const char *id, const char *ref, uint64_t created,
                          uint64_t size) {
        ImageRow *l, row = { .created = created, .size = size, .order = *n };
        int r;

        if (ref) {
                r = format_split_reference(ref, &row.repository, &row.tag);
                if (r < 0)
                        return r;
        } else {
                row.repository = strdup("<none>");
                row.tag = strdup("<none>");
        }
        row.id = strdup(id);
        l = row.id && row.repository && row.tag ? realloc(*rows, (*n + 1) * sizeof(ImageRow)) : NULL;
        if (!l) {
                free(row.id);
                free(row.repository);
                free(row.tag);
                return -ENOMEM;
        }
        *rows = l;
        (*rows)[(*n)++] = row;
        return 0;
}

/* Reads one image (sasastt) into rows: a row per tag; digests only when the
 * repository has no tag; "<none>" "<none>" when there is neither. */
static int image_read(sd_bus_message *m, ImageRow **rows, size_t *n) {
        _cleanup_(strv_freep) char **tags = NULL, **digests = NULL;
        const char *id;
        uint64_t created, size;
        int r;

        r = sd_bus_message_enter_container(m, 'r', "sasastt");
        if (r <= 0)
                return r;
        if ((r = sd_bus_message_read(m, "s", &id)) < 0 ||
            (r = sd_bus_message_read_strv(m, &tags)) < 0 ||
            (r = sd_bus_message_read_strv(m, &digests)) < 0 ||
            (r = sd_bus_message_read(m, "tt", &created, &size)) < 0 ||
            (r = sd_bus_message_exit_container(m)) < 0)
                return r;

        STRV_FOREACH(t, tags) {
                ImageRow *row;

                r = image_rows_add(rows, n, id, *t, created, size);
                if (r < 0)
                        return r;
                /* --digests: the repository's digest beside its tag */
                row = &(*rows)[*n - 1];
                STRV_FOREACH(d, digests) {
                        const char *at = strchr(*d, '@');
                        if (at && strlen(row->repository) == (size_t) (at - *d) &&
                            strncmp(*d, row->repository, at - *d) == 0) {
                                row->digest = strdup(at + 1);
                                if (!row->digest)
                                        return -ENOMEM;
                                break;
                        }
                }
        }
        STRV_FOREACH(d, digests) {
                _cleanup_(freep) char *repository = NULL, *tag = NULL;
                bool tagged = false;

                r = format_split_reference(*d, &repository, &tag);
                if (r < 0)
                        return r;
                for (size_t i = 0; i < *n; i++)
                        if (streq((*rows)[i].id, id) && streq((*rows)[i].repository, repository))
                                tagged = true;
                if (tagged)
                        continue;
                r = image_rows_add(rows, n, id, *d, created, size);
                if (r < 0)
                        return r;
                (*rows)[*n - 1].digest = strdup(strchr(*d, '@') ? strchr(*d, '@') + 1 : "");
                (*rows)[*n - 1].dangling = strv_length(tags) == 0;
                if (!(*rows)[*n - 1].digest)
                        return -ENOMEM;
        }
        if (strv_length(tags) == 0 && strv_length(digests) == 0) {
                r = image_rows_add(rows, n, id, NULL, created, size);
                if (r < 0)
                        return r;
                (*rows)[*n - 1].dangling = true;
        }
        return 1;
}

int cmd_images(int argc, char *argv[]) {
        static const struct option options[] = {
                { "all",      no_argument, NULL, 'a' },
                { "quiet",    no_argument, NULL, 'q' },
                { "no-trunc", no_argument, NULL, 'T' },
                { "digests",  no_argument, NULL, 'D' },
                { "filter",   required_argument, NULL, 'f' },
                { "help",     no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(table_freep) Table *t = NULL;
        _cleanup_(freep) char *filter_repository = NULL, *filter_tag = NULL;
        _cleanup_(strv_freep) char **references = NULL;
        ImageRow *rows = NULL;
        size_t n = 0;
        bool quiet = false, no_trunc = false, digests = false;
        int dangling = -1;
        int64_t now = time(NULL);
        int c, r, ret = 1;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":aqf:h", options, NULL)) >= 0)
                switch (c) {
                case 'a':
                        /* no intermediate images exist: -a lists the same */
                        break;
                case 'D':
                        digests = true;
                        break;
                case 'f': {
                        const char *v;
                        if ((v = startswith(optarg, "dangling="))) {
                                if (streq(v, "true") || streq(v, "1"))
                                        dangling = 1;
                                else if (streq(v, "false") || streq(v, "0"))
                                        dangling = 0;
                                else {
                                        fprintf(stderr, "Error response from daemon: invalid filter 'dangling=%s'\n", v);
                                        return 1;
                                }
                        } else if ((v = startswith(optarg, "reference="))) {
                                if (strv_extend(&references, v) < 0) {
                                        fputs("Error: out of memory\n", stderr);
                                        return 1;
                                }
                        } else {
                                char key[64];
                                snprintf(key, sizeof key, "%.*s", (int) strcspn(optarg, "="), optarg);
                                fprintf(stderr, "Error response from daemon: invalid filter '%s'\n", key);
                                return 1;
                        }
                        break;
                }
                case 'q':
                        quiet = true;
                        break;
                case 'T':
                        no_trunc = true;
                        break;
                case 'h':
                        printf("\nUsage:  wharf images [OPTIONS] [REPOSITORY[:TAG]]\n\n"
                               "List images\n\n"
                               "Options:\n"
                               "  -a, --all        Show all images\n"
                               "      --digests    Show digests\n"
                               "  -f, --filter filter   Filter output based on conditions provided\n"
                               "                   (dangling=true|false, reference=PATTERN)\n"
                               "      --no-trunc   Don't truncate output\n"
                               "  -q, --quiet      Only show image IDs\n");
                        return 0;
                default:
                        usage_getopt_error("images", c, argv);
                        return usage_exit_code("images");
                }
        if (argc - optind > 1) {
                usage_error("images", "'wharf images' accepts at most 1 argument.");
                return usage_exit_code("images");
        }
        if (optind < argc) {
                /* compare in the engine's familiar form: "busybox" for docker.io/library/busybox */
                _cleanup_(reference_done) Reference ref = {};
                _cleanup_(freep) char *name = NULL;

                if (reference_parse(argv[optind], &ref) < 0) {
                        fprintf(stderr, "Error: invalid reference format\n");
                        return 1;
                }
                name = reference_name(&ref);
                filter_repository = name ? reference_familiar(name) : NULL;
                if (!filter_repository) {
                        fputs("Error: out of memory\n", stderr);
                        return 1;
                }
                if (ref.tag && reference_has_tag_or_digest(argv[optind])) {
                        filter_tag = strdup(ref.tag);
                        if (!filter_tag) {
                                fputs("Error: out of memory\n", stderr);
                                return 1;
                        }
                }
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (engine_call(e, "ListImages", 0, &reply, NULL, false, NULL) < 0)
                return 1;

        r = sd_bus_message_enter_container(reply, 'a', "(sasastt)");
        while (r >= 0 && (r = image_read(reply, &rows, &n)) > 0)
                ;
        if (r < 0) {
                fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
                goto finish;
        }
        if (n > 0)
                qsort(rows, n, sizeof(ImageRow), image_row_compare);

        if (filter_repository) {
                size_t k = 0;

                for (size_t i = 0; i < n; i++)
                        if (streq(rows[i].repository, filter_repository) &&
                            (!filter_tag || streq(rows[i].tag, filter_tag)))
                                rows[k++] = rows[i];
                        else
                                image_rows_free_one(rows + i);
                n = k;
        }
        if (dangling >= 0 || references) {
                size_t k = 0;

                for (size_t i = 0; i < n; i++) {
                        bool keep = dangling < 0 || rows[i].dangling == (dangling > 0);

                        /* docker: the pattern against the familiar name, and name:tag */
                        if (keep && references) {
                                _cleanup_(freep) char *full = NULL;
                                bool match = false;

                                if (asprintf(&full, "%s:%s", rows[i].repository, rows[i].tag) < 0)
                                        goto oom;
                                STRV_FOREACH(p, references)
                                        if (!streq(rows[i].repository, "<none>") &&
                                            (fnmatch(*p, rows[i].repository, FNM_PATHNAME) == 0 ||
                                             fnmatch(*p, full, FNM_PATHNAME) == 0))
                                                match = true;
                                keep = match;
                        }
                        if (keep)
                                rows[k++] = rows[i];
                        else
                                image_rows_free_one(rows + i);
                }
                n = k;
        }

        if (quiet) {
                for (size_t i = 0; i < n; i++) {
                        _cleanup_(freep) char *id = no_trunc ? strdup(rows[i].id) : format_short_id(rows[i].id);
                        bool seen = false;

                        for (size_t k = 0; k < i; k++)
                                if (streq(rows[k].id, rows[i].id))
                                        seen = true;
                        if (!seen && id)
                                printf("%s\n", id);
                }
                ret = 0;
                goto finish;
        }

        t = table_new(digests ? 6 : 5, TABLE_DOCKER_MINWIDTH, TABLE_DOCKER_PADDING);
        if (!t)
                goto oom;
        if (digests ? table_add_row(t, (const char *[]) { "REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE" }) < 0
                    : table_add_row(t, (const char *[]) { "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE" }) < 0)
                goto oom;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(freep) char *id = no_trunc ? strdup(rows[i].id) : format_short_id(rows[i].id);
                char ago[HUMAN_DURATION_MAX + 4], size[HUMAN_SIZE_MAX];

                if (!id)
                        goto oom;
                format_time_ago(now, (int64_t) rows[i].created, ago);
                format_human_size(rows[i].size, size);
                if (digests ? table_add_row(t, (const char *[]) { rows[i].repository, rows[i].tag,
                                                                  rows[i].digest ?: "<none>", id, ago, size }) < 0
                            : table_add_row(t, (const char *[]) { rows[i].repository, rows[i].tag, id, ago, size }) < 0)
                        goto oom;
        }
        table_print(t, stdout);
        ret = 0;
        goto finish;

oom:
        fputs("Error: out of memory\n", stderr);
finish:
        image_rows_free(rows, n);
        return ret;
}

int cmd_rmi(int argc, char *argv[]) {
        static const struct option options[] = {
                { "force",    no_argument, NULL, 'f' },
                { "no-prune", no_argument, NULL, 'P' },
                { "help",     no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        bool force = false;
        int c, r, ret = 0;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":fh", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'P':
                        break;
                case 'h':
                        printf("\nUsage:  wharf rmi [OPTIONS] IMAGE [IMAGE...]\n\n"
                               "Remove one or more images\n\n"
                               "Options:\n"
                               "  -f, --force      Force removal of the image\n"
                               "      --no-prune   Do not delete untagged parents\n");
                        return 0;
                default:
                        usage_getopt_error("rmi", c, argv);
                        return usage_exit_code("rmi");
                }
        if (optind >= argc) {
                usage_error("rmi", "'wharf rmi' requires at least 1 argument.");
                return usage_exit_code("rmi");
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;

        for (int i = optind; i < argc; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(strv_freep) char **lines = NULL;

                r = engine_call(e, "RemoveImage", ENGINE_SLOW_CALL_USEC, &reply, NULL, false, "sb", argv[i],
                                (int) force);
                if (r == -EHOSTDOWN)
                        return 1;
                if (r < 0) {
                        ret = 1;
                        continue;
                }
                r = sd_bus_message_read_strv(reply, &lines);
                if (r < 0) {
                        fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
                        ret = 1;
                        continue;
                }
                STRV_FOREACH(l, lines)
                        printf("%s\n", *l);
        }
        return ret;
}
