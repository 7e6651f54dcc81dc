/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's --mount type=bind|volume|tmpfs,source=...,target=...: the CSV
 * fields turned into one entry of the API's HostConfig.Mounts (Type, Source,
 * Target, ReadOnly, BindOptions, VolumeOptions, TmpfsOptions); the engine
 * checks the rest (mounts.c). */

#include <json-c/json.h>

/* -EINVAL with *ret_error (malloc'd) in the words of docker's CLI. */
int mount_option_parse(const char *spec, json_object **ret, char **ret_error);
