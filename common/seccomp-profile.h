/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's default seccomp profile (moby profiles/seccomp/default.json),
 * kept as a compact table and rendered as an OCI runtime-spec
 * "linux.seccomp" object for the host's architecture. Rules that docker
 * grants only with a capability (CAP_SYS_ADMIN: mount, unshare, ...) are
 * included when caps (bit N = capability N, e.g. the bounding set) has it,
 * as docker does. */

#include <json-c/json.h>
#include <stdint.h>

/* A new json object (caller puts it), or NULL on OOM. */
json_object *seccomp_profile_default(uint64_t caps);
