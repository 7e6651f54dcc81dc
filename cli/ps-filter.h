/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker ps --filter on inspect documents: status=, name= (a regular
 * expression on "/name"), id= (on the full id), label=KEY or KEY=VALUE,
 * ancestor= (image as given, its tagless form, or image id prefix). Values
 * of one key are OR'ed, keys AND'ed, except label: every label filter must
 * match (docker's MatchKVList). */

#include <json-c/json.h>
#include <stdbool.h>

typedef struct PsFilter {
        char **status;
        char **name;
        char **id;
        char **label;
        char **ancestor;
} PsFilter;

void ps_filter_done(PsFilter *f);

/* "key=value": -EINVAL with docker's message in *ret_error ("bad format of
 * filter (expected name=value)", "invalid filter 'x'", "Unrecognised filter
 * value for status: x", "invalid regexp ..."). */
int ps_filter_add(PsFilter *f, const char *arg, char **ret_error);

bool ps_filter_match(const PsFilter *f, json_object *container);
