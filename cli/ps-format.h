/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker ps's fields of a container, from its inspect document: ID, Image,
 * Command, CreatedAt, RunningFor, Ports, State, Status, Size, Names,
 * Labels, Mounts, Networks (what --format sees, and the default table's
 * cells). Pure: now is passed in. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* The value at a path of object members (NULL-terminated), or NULL. */
json_object *json_path(json_object *o, ...);
const char *json_path_string(json_object *o, ...);

/* Go's RFC 3339 (what inspect shows) to unix seconds; 0 for the zero time
 * or anything unreadable. */
int64_t rfc3339_to_unix(const char *s);

/* docker ps's STATUS from an inspect State: "Up 2 minutes (Paused)",
 * "Restarting (1) 3 seconds ago", "Exited (0) 1 second ago", "Created". */
char *ps_status(json_object *container, int64_t now);

/* A new object with docker ps's fields (strings); NULL on OOM. */
json_object *ps_row(json_object *container, bool no_trunc, int64_t now);

/* docker's table header of a field ("ID" -> "CONTAINER ID"). */
const char *ps_header(const char *field);
