/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The engine's container list, shared by ps and start (which needs a
 * container's full id to recognize its ContainerExited). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"

typedef struct ContainerInfo {
        char *id;
        char *name;             /* without docker's leading "/" */
        char *image;
        char *command;
        char *state;            /* "created", "running", "exited" */
        int64_t created, started, finished;
        int exit_code;
} ContainerInfo;

void container_list_free(ContainerInfo *l, size_t n);

/* ListContainers, newest first. Prints the error line on failure. */
int container_list(Engine *e, bool all, const char *error_prefix, bool dot, ContainerInfo **ret, size_t *ret_n);

/* By full id, name, or unique id prefix, as docker resolves them. */
const ContainerInfo *container_find(const ContainerInfo *l, size_t n, const char *what);
