/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's human-readable output, reproduced exactly: go-units' HumanSize /
 * HumanDuration, the container status strings, strconv.Quote + Ellipsis for
 * the COMMAND column, and text/tabwriter's column layout. Pure functions:
 * "now" is always passed in, so tests can pin it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define USEC_PER_SEC UINT64_C(1000000)

/* HumanSizeWithPrecision(size, 3): "999B", "1kB", "4.26MB" (what docker
 * images shows). Writes into buf, returns buf. */
#define HUMAN_SIZE_MAX 32
char *format_human_size(uint64_t bytes, char buf[static HUMAN_SIZE_MAX]);

/* BytesSize: binary units, 4 significant digits: "7.764GiB" (docker info's
 * Total Memory). */
char *format_bytes_size(uint64_t bytes, char buf[static HUMAN_SIZE_MAX]);

/* HumanDuration: "Less than a second", "1 second", "About a minute",
 * "2 hours", "3 weeks", ... Negative durations read as "Less than a second". */
#define HUMAN_DURATION_MAX 48
char *format_human_duration(int64_t usec, char buf[static HUMAN_DURATION_MAX]);

/* "<HumanDuration(now - then)> ago"; now and then in unix seconds. */
char *format_time_ago(int64_t now, int64_t then, char buf[static HUMAN_DURATION_MAX + 4]);

/* docker ps STATUS: "Up 3 seconds", "Exited (0) 5 seconds ago", "Created".
 * state is what ListContainers reports ("created", "running", "exited");
 * times are unix seconds, 0 meaning never. malloc'd. */
char *format_container_status(const char *state, int exit_code, int64_t started, int64_t finished,
                              int64_t now);

/* Go's strconv.Quote (printable UTF-8 kept, the rest escaped). malloc'd. */
char *format_quote(const char *s);

/* docker's Ellipsis: at most max characters (code points), the last
 * replaced by "…" when cut. malloc'd. */
char *format_ellipsis(const char *s, size_t max);

/* docker ps COMMAND: quote(ellipsis(command, 20)), or the full command quoted
 * with no_trunc. malloc'd. */
char *format_command(const char *command, bool no_trunc);

/* stringid.TruncateID: strip "sha256:" and keep 12 characters. malloc'd. */
char *format_short_id(const char *id);

/* docker images' REPOSITORY and TAG of a familiar reference: "busybox:1.36"
 * -> ("busybox", "1.36"), "localhost:5000/a:b" -> ("localhost:5000/a", "b"),
 * "a@sha256:..." -> ("a", "<none>"), no tag -> (ref, "<none>"). */
int format_split_reference(const char *ref, char **ret_repository, char **ret_tag);

/* Number of code points in a UTF-8 string (what tabwriter counts). */
size_t utf8_width(const char *s);

/* text/tabwriter with docker's settings: every cell but the last of a row is
 * padded to the column's width = max(minwidth, longest cell + padding).
 * Rows are added cell by cell; table_print writes them all. */
typedef struct Table {
        size_t n_columns;
        size_t minwidth, padding;
        char **cells;          /* n_rows * n_columns */
        size_t n_cells;
} Table;

/* docker's tables: minwidth 10, padding 3 */
#define TABLE_DOCKER_MINWIDTH 10
#define TABLE_DOCKER_PADDING 3

Table *table_new(size_t n_columns, size_t minwidth, size_t padding);
Table *table_free(Table *t);
static inline void table_freep(Table **t) { if (*t) table_free(*t); }
/* adds one cell (NULL reads as ""); rows fill left to right */
int table_add(Table *t, const char *cell);
/* adds a whole row of n_columns cells */
int table_add_row(Table *t, const char *const *cells);
size_t table_rows(const Table *t);
int table_print(const Table *t, FILE *f);
