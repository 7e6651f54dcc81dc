/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The engine's own settings, ROOT/engine/config.json (absent: defaults):
 *   { "DefaultNetwork": "bridge" }
 * DefaultNetwork is the mode a container gets without --network; docker's
 * "bridge" unless the file says otherwise (tools/stack's test stacks say
 * "none", because a bridge is a host-wide object several stacks would share). */

#define ENGINE_DEFAULT_NETWORK "bridge"

typedef struct EngineConfig {
        char *default_network;
} EngineConfig;

void engine_config_done(EngineConfig *c);
/* Fills in defaults for what the file does not set; -EINVAL for a file that
 * is not a JSON object or has a value of the wrong type. */
int engine_config_load(const char *root, EngineConfig *ret);
