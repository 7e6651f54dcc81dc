/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's -v HOST:CONTAINER[:MODE] (bind mounts of host paths),
 * -v NAME:CONTAINER[:MODE] and -v CONTAINER (named and anonymous volumes,
 * which graphd stores: volume.c) and --tmpfs CONTAINER[:OPTIONS]: checked
 * at create, turned into OCI spec mounts at start (execd's init mounts
 * them) and into inspect's Mounts. */

#include <json-c/json.h>
#include <stdbool.h>

/* -EINVAL with *ret_error (docker's words) on a bad entry. */
int mounts_check(char * const *binds, char * const *tmpfs, char **ret_error);

/* Appends the spec's "mounts"; a missing host directory is created first,
 * as docker's -v does. */
int mounts_spec_add(json_object *spec, char * const *binds, char * const *tmpfs, char **ret_error);

/* inspect's Mounts: one object a bind (docker's shape). */
json_object *mounts_inspect_json(char * const *binds);

/* The volumes binds ask for, in order, as inspect's Mounts shows them
 * ("Type": "volume", "Name" ("" for an anonymous one, named at create),
 * "Source" (empty until graphd made the volume), "Destination", "Mode",
 * "RW", ...) plus wharf's "Anonymous" and "NoCopy". A new reference. */
int mounts_volume_requests(char * const *binds, json_object **ret);

/* The image's VOLUME paths (config.Volumes) that no -v or --tmpfs takes:
 * each gets an anonymous volume, as docker's create does. */
int mounts_image_volumes(const char *image_config, char * const *binds, char * const *tmpfs, char ***ret);

/* A mount point's (or any JSON object's) string member, NULL when absent
 * or not a string; a boolean member, false when absent. */
const char *mount_point_string(json_object *v, const char *key);
bool mount_point_bool(json_object *v, const char *key);

/* A bind mount of each volume's Source on its Destination. */
void mounts_spec_add_volumes(json_object *spec, json_object *mount_points);

/* inspect's Mounts entries for the volumes, without wharf's own keys. */
void mounts_inspect_add_volumes(json_object *mounts, json_object *mount_points);

/* docker's HostConfig.Mounts (--mount: JSON array of {Type, Source, Target,
 * ReadOnly, BindOptions.Propagation, VolumeOptions.NoCopy,
 * TmpfsOptions.SizeBytes/Mode}) appended to binds and tmpfs as the -v and
 * --tmpfs entries they mean. check_sources: a bind's host path must exist
 * (at create; --mount makes none, unlike -v). */
int mounts_expand(const char *mounts_json, bool check_sources, char ***binds, char ***tmpfs, char **ret_error);
