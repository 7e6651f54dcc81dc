/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Strict JSON for bytes from the network: the whole buffer must be one JSON
 * value (surrounding whitespace allowed), valid UTF-8 without NUL bytes, so
 * that it can also travel as a D-Bus string. */

#include <json-c/json.h>
#include <stddef.h>
#include <stdint.h>

static inline void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

/* -EBADMSG unless data is exactly one valid JSON value. */
int json_parse_strict(const char *data, size_t size, json_object **ret);

/* The string member key of o, or NULL if absent or not a string. */
const char *json_get_string(json_object *o, const char *key);

/* A non-negative integer member; -ENOENT if absent, -EBADMSG if not one. */
int json_get_uint64(json_object *o, const char *key, uint64_t *ret);
