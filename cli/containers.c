/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf rm; the container list start uses (ps: ps.c) */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bus.h"
#include "cli.h"
#include "containers.h"
#include "format.h"

void container_list_free(ContainerInfo *l, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(l[i].id);
                free(l[i].name);
                free(l[i].image);
                free(l[i].command);
                free(l[i].state);
        }
        free(l);
}

static int container_compare(const void *a, const void *b) {
        const ContainerInfo *x = a, *y = b;

        /* newest first, as docker ps lists them */
        if (x->created != y->created)
                return x->created > y->created ? -1 : 1;
        return strcmp(x->id, y->id);
}

int container_list(Engine *e, bool all, const char *error_prefix, bool dot, ContainerInfo **ret, size_t *ret_n) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        ContainerInfo *l = NULL;
        size_t n = 0;
        int r;

        r = engine_call(e, "ListContainers", 0, &reply, error_prefix, dot, "b", (int) all);
        if (r < 0)
                return r;

        r = sd_bus_message_enter_container(reply, 'a', "(ssssxsixx)");
        while (r >= 0) {
                const char *id, *name, *image, *command, *state;
                int64_t created, started, finished;
                int32_t exit_code;
                ContainerInfo *nl;

                r = sd_bus_message_read(reply, "(ssssxsixx)", &id, &name, &image, &command, &created, &state,
                                        &exit_code, &started, &finished);
                if (r <= 0)
                        break;

                nl = realloc(l, (n + 1) * sizeof(ContainerInfo));
                if (!nl) {
                        r = -ENOMEM;
                        break;
                }
                l = nl;
                l[n] = (ContainerInfo) {
                        .id = strdup(id),
                        /* docker keeps names as "/name" */
                        .name = strdup(name[0] == '/' ? name + 1 : name),
                        .image = strdup(image),
                        .command = strdup(command),
                        .state = strdup(state),
                        .created = created,
                        .started = started,
                        .finished = finished,
                        .exit_code = exit_code,
                };
                n++;
                if (!l[n - 1].id || !l[n - 1].name || !l[n - 1].image || !l[n - 1].command || !l[n - 1].state) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r < 0) {
                fprintf(stderr, "%sError: unexpected reply from the engine: %s\n", strempty(error_prefix),
                        strerror(-r));
                container_list_free(l, n);
                return r;
        }

        if (n > 0)
                qsort(l, n, sizeof(ContainerInfo), container_compare);
        *ret = l;
        *ret_n = n;
        return 0;
}

const ContainerInfo *container_find(const ContainerInfo *l, size_t n, const char *what) {
        const ContainerInfo *prefix_match = NULL;
        size_t prefix_matches = 0, len = strlen(what);

        /* docker's order: full id, then name, then a unique id prefix */
        for (size_t i = 0; i < n; i++)
                if (streq(l[i].id, what))
                        return l + i;
        for (size_t i = 0; i < n; i++)
                if (streq(l[i].name, what))
                        return l + i;
        if (len == 0)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (strncmp(l[i].id, what, len) == 0) {
                        prefix_match = l + i;
                        prefix_matches++;
                }
        return prefix_matches == 1 ? prefix_match : NULL;
}

int cmd_rm(int argc, char *argv[]) {
        static const struct option options[] = {
                { "force",   no_argument, NULL, 'f' },
                { "volumes", no_argument, NULL, 'v' },
                { "help",    no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        bool force = false, volumes = false;
        int c, r, ret = 0;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":fvh", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        force = true;
                        break;
                case 'v':
                        volumes = true;
                        break;
                case 'h':
                        printf("\nUsage:  wharf rm [OPTIONS] CONTAINER [CONTAINER...]\n\n"
                               "Remove one or more containers\n\n"
                               "Options:\n"
                               "  -f, --force     Force the removal of a running container\n"
                               "  -v, --volumes   Remove anonymous volumes associated with the container\n");
                        return 0;
                default:
                        usage_getopt_error("rm", c, argv);
                        return usage_exit_code("rm");
                }
        if (optind >= argc) {
                usage_error("rm", "'wharf rm' requires at least 1 argument.");
                return usage_exit_code("rm");
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;

        for (int i = optind; i < argc; i++) {
                r = volumes ?
                        engine_call(e, "RemoveContainerWithOptions", ENGINE_SLOW_CALL_USEC, NULL, NULL, false, "sbb",
                                    argv[i], (int) force, (int) true) :
                        engine_call(e, "RemoveContainer", ENGINE_SLOW_CALL_USEC, NULL, NULL, false, "sb", argv[i],
                                    (int) force);
                if (r == -EHOSTDOWN)
                        return 1;
                if (r < 0) {
                        ret = 1;
                        continue;
                }
                printf("%s\n", argv[i]);
        }
        return ret;
}
