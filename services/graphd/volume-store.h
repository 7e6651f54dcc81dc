/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Named volumes (docker's "local" driver):
 *   ROOT/volumes/<name>/_data          the content, bind-mounted into containers
 *   ROOT/volumes/<name>/volume.json    {"CreatedAt": "...", "Labels": {...}}
 *   ROOT/volumes/.tmp-XXXXXX           a volume being created
 *   ROOT/volumes/.trash-XXXXXX         a removed volume being deleted
 * A volume appears and disappears by one rename(); valid names never start
 * with ".", so the work entries never collide with a volume. */

#include <stdbool.h>

#include "graph.h"

#define VOLUME_NAME_CHARS "[a-zA-Z0-9][a-zA-Z0-9_.-]"

/* docker's rule: ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$ (so at least 2 characters) */
bool volume_name_is_valid(const char *name);

/* name "" picks a random 64-hex name. labels: key, value, key, value, ...
 * (NULL for none). An existing volume is kept as it is. Returns the volume's
 * JSON (as docker volume inspect shows one) in *ret_json when non-NULL;
 * -EINVAL for an invalid name. */
int volume_create(Graph *g, const char *name, char * const *labels, char **ret_json);
/* -ENOENT when there is no such volume */
int volume_inspect(Graph *g, const char *name, char **ret_json);
/* JSON array of all volumes, sorted by name */
int volume_list(Graph *g, char **ret_json);
/* Renames the volume out of sight at once, then deletes it through
 * g->remove (in a child in graphd), else right away. -ENOENT when absent. */
int volume_remove(Graph *g, const char *name);
/* ROOT/volumes/<name>/_data of an existing volume, -ENOENT when absent */
int volume_data_path(Graph *g, const char *name, char **ret);

/* Start-up: removes what creations and removals left behind (.tmp-*,
 * .trash-*), through g->remove. Returns how many entries. */
int volume_store_cleanup(Graph *g);
