/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "progress.h"

void progress_init(Progress *p, FILE *f, bool tty) {
        *p = (Progress) { .f = f, .tty = tty };
}

static void progress_clear_status(Progress *p) {
        if (!p->status_shown)
                return;
        fputs("\r\033[2K", p->f);
        p->status_shown = false;
}

void progress_done(Progress *p) {
        if (p->f)
                progress_clear_status(p);
        if (p->held)
                fclose(p->held);
        free(p->held_buf);
        p->held = NULL;
        p->held_buf = NULL;
        for (size_t i = 0; i < p->n_ids; i++)
                free(p->ids[i]);
        free(p->ids);
        free(p->rows);
        p->ids = NULL;
        p->rows = NULL;
        p->n_ids = 0;
}

size_t progress_line_id(const char *line) {
        const char *h = startswith(line, "sha256:") ?: line;
        size_t n = strspn(h, "0123456789abcdef");

        if (n < 12 || n > 64 || !startswith(h + n, ": "))
                return 0;
        return (h - line) + n;
}

static ssize_t progress_find(Progress *p, const char *id, size_t len) {
        for (size_t i = 0; i < p->n_ids; i++)
                if (strlen(p->ids[i]) == len && strncmp(p->ids[i], id, len) == 0)
                        return (ssize_t) i;
        return -1;
}

static void progress_remember(Progress *p, const char *id, size_t len) {
        char **ids;
        size_t *rows;
        char *c;

        /* failing to remember only costs the redraw: the line is printed anyway */
        c = strndup(id, len);
        if (!c)
                return;
        ids = realloc(p->ids, (p->n_ids + 1) * sizeof(char *));
        if (!ids) {
                free(c);
                return;
        }
        p->ids = ids;
        rows = realloc(p->rows, (p->n_ids + 1) * sizeof(size_t));
        if (!rows) {
                free(c);
                return;
        }
        p->rows = rows;
        p->ids[p->n_ids] = c;
        p->rows[p->n_ids] = p->n_lines;
        p->n_ids++;
}

bool progress_line_is_transient(const char *line) {
        size_t len = progress_line_id(line);
        const char *rest;

        if (len == 0)
                return false;
        rest = startswith(line + len, ": ");
        if (!rest)
                return false;
        rest = startswith(rest, "Downloading ") ?: startswith(rest, "Pushing ") ?: startswith(rest, "Extracting ");
        return rest && *rest >= '0' && *rest <= '9';
}

void progress_line(Progress *p, const char *line) {
        size_t len;

        if (!p->f)
                return;
        /* byte counts are for a terminal, where they are redrawn in place */
        if (!p->tty && progress_line_is_transient(line))
                return;

        progress_clear_status(p);

        len = p->tty ? progress_line_id(line) : 0;
        if (len > 0) {
                ssize_t i = progress_find(p, line, len);

                if (i >= 0) {
                        /* docker's jsonmessage: up to the id's line, rewrite, back down */
                        size_t up = p->n_lines - p->rows[i];
                        fprintf(p->f, "\033[%zuA\r\033[2K%s\033[%zuB\r", up, line, up);
                        fflush(p->f);
                        return;
                }
                progress_remember(p, line, len);
        }

        fprintf(p->held ?: p->f, "%s\n", line);
        fflush(p->held ?: p->f);
        p->n_lines++;
}

int progress_hold(Progress *p) {
        p->hold = true;
        if (p->tty || !p->f)
                return 0;
        p->held = open_memstream(&p->held_buf, &p->held_size);
        return p->held ? 0 : -ENOMEM;
}

void progress_release(Progress *p) {
        if (p->held) {
                fclose(p->held);
                p->held = NULL;
                if (p->held_size > 0)
                        fwrite(p->held_buf, 1, p->held_size, p->f);
                fflush(p->f);
        }
        p->hold = false;
}

void progress_discard(Progress *p) {
        if (!p->hold || !p->f)
                return;
        progress_clear_status(p);
        if (p->held) {
                fclose(p->held);
                p->held = NULL;
        } else if (p->tty && p->n_lines > 0) {
                /* up to the first line we printed, and clear to the end */
                fprintf(p->f, "\033[%zuA\r\033[J", p->n_lines);
                fflush(p->f);
        }
        p->hold = false;
}

void progress_status(Progress *p, const char *description, double fraction) {
        if (!p->f || !p->tty)
                return;

        progress_clear_status(p);
        if (fraction < 0)
                return;
        /* short enough not to wrap, or \r could not take it back */
        fprintf(p->f, "%.60s %3.0f%%", strempty(description), MIN(fraction, 1.0) * 100.0);
        fflush(p->f);
        p->status_shown = true;
}
