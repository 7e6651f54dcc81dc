/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker inspect's shape of a container, built from its record: Id, Created,
 * Path, Args, State{...}, Image, Name "/name", RestartCount, HostConfig,
 * Config, Mounts, NetworkSettings. Keys other areas store in the record
 * (Config.Labels, HostConfig.RestartPolicy, ...) pass through. Pure. */

#include <stdint.h>

#include "container.h"

/* docker's state name: "created", "running", "paused", "restarting", "exited" */
const char *container_docker_state(const Container *c);

/* RFC 3339 in UTC as Go prints time.Time; 0 is Go's zero time
 * "0001-01-01T00:00:00Z". buf: at least 32 bytes. */
char *format_rfc3339(int64_t unix_seconds, char buf[static 32]);

/* The same with Go's RFC3339Nano fraction (trailing zeros trimmed). */
char *format_rfc3339_nano(int64_t ns, char buf[static 40]);

/* A new json_object (put it); NULL on OOM. */
void *container_inspect(const Container *c);
