/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's -v HOST:CONTAINER[:MODE] (bind mounts of host paths) and
 * --tmpfs CONTAINER[:OPTIONS]: checked at create, turned into OCI spec
 * mounts at start (execd's init mounts them) and into inspect's Mounts.
 * Named volumes are not there yet: a source that is not an absolute path
 * is refused. */

#include <json-c/json.h>

/* -EINVAL with *ret_error (docker's words) on a bad entry. */
int mounts_check(char * const *binds, char * const *tmpfs, char **ret_error);

/* Appends the spec's "mounts"; a missing host directory is created first,
 * as docker's -v does. */
int mounts_spec_add(json_object *spec, char * const *binds, char * const *tmpfs, char **ret_error);

/* inspect's Mounts: one object a bind (docker's shape). */
json_object *mounts_inspect_json(char * const *binds);
