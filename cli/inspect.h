/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Containers as docker inspect documents (Engine1.InspectContainer[s]). */

#include <json-c/json.h>

#include "bus.h"

/* Prints the one error line (prefix, "Error response from daemon: ...") on
 * failure; -EHOSTDOWN when the engine is unreachable. */
int engine_inspect_container(Engine *e, const char *ref, const char *error_prefix, json_object **ret);
/* A JSON array, newest first. */
int engine_inspect_containers(Engine *e, bool all, json_object **ret);

/* Config.Tty of a container (false when it cannot be told) */
bool container_has_tty(Engine *e, const char *id);

/* `wharf network|volume inspect NAME...`: after the usage check, method's
 * JSON object for each name, printed as one array; the exit code (1 when
 * any name failed, its error already printed). */
int inspect_objects(const char *command, const char *usage, const char *method, int argc, char *argv[]);
