/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Shows a job's LogMessage lines the way docker shows a pull: on a terminal
 * each layer keeps one line that is redrawn in place ("a3ed95caeb02:
 * Downloading" becomes "a3ed95caeb02: Pull complete"); elsewhere every line
 * is printed as it comes. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct Progress {
        FILE *f;
        bool tty;
        char **ids;             /* layer ids, in the order of their lines */
        size_t *rows;           /* the line each id was first printed on */
        size_t n_ids;
        size_t n_lines;         /* lines printed so far */
        bool status_shown;      /* a transient "Description 42%" line is on screen */
        FILE *held;             /* progress_hold(): lines kept here until released */
        char *held_buf;
        size_t held_size;
        bool hold;
} Progress;

void progress_init(Progress *p, FILE *f, bool tty);
void progress_done(Progress *p);

/* The layer id a line starts with ("<12..64 hex>: " or "sha256:<hex>: "):
 * its length, or 0 if the line has none. */
size_t progress_line_id(const char *line);

/* "<id>: Downloading 1.2MB/3.4MB (2.0MB/s)" and the like (Pushing,
 * Extracting followed by a number): shown on a terminal only. */
bool progress_line_is_transient(const char *line);

void progress_line(Progress *p, const char *line);

/* For a job whose failure must leave exactly one error line: lines are kept
 * back (not on a terminal) or remembered for erasing (on a terminal) until
 * progress_release() shows them or progress_discard() drops them. */
int progress_hold(Progress *p);
void progress_release(Progress *p);
void progress_discard(Progress *p);

/* On a terminal: a transient line with the job's overall progress, cleared
 * before the next message. fraction < 0 hides it. */
void progress_status(Progress *p, const char *description, double fraction);
