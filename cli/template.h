/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A small subset of Go's text/template, as docker's --format uses it, over
 * JSON data: text, and actions {{.Field.Sub}}, {{.}}, {{json .X}},
 * {{index .X "key"}}, {{upper .X}}, {{lower .X}}, {{len .X}},
 * {{.Label "key"}} (the Labels map's entry). "\t" and "\n" typed in the
 * format are tabs and newlines (docker's), "table " starts a table (the
 * caller prints it with its headers). Values print as Go does: strings raw,
 * numbers, true/false, objects as map[k:v ...] (sorted), arrays as [a b],
 * missing keys as <no value>. */

#include <json-c/json.h>
#include <stdbool.h>

typedef struct Template Template;

/* -EINVAL with *ret_error (malloc'd, "template: ...") on a syntax error. */
int template_parse(const char *text, Template **ret, char **ret_error);
Template *template_free(Template *t);
static inline void template_freep(Template **t) { if (*t) template_free(*t); }

/* true when the format started with "table" */
bool template_is_table(const Template *t);

/* The output for data, malloc'd; NULL on OOM or *ret_error for an
 * execution error (e.g. index of a non-object). */
char *template_render(const Template *t, json_object *data, char **ret_error);

/* The header for a table: each action's field name mapped through
 * header(field), e.g. "ID" -> "CONTAINER ID"; text kept. malloc'd. */
char *template_render_header(const Template *t, const char *(*header)(const char *field));

/* Go's default formatting of a JSON value (see above). malloc'd. */
char *template_value_to_string(json_object *v);
