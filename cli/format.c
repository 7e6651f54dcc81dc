/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "macro.h"

char *format_human_size(uint64_t bytes, char buf[static HUMAN_SIZE_MAX]) {
        static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB" };
        double size = (double) bytes;
        size_t i = 0;

        /* go-units divides while size >= base; "%.3g" is Go's "%.*g" with 3 */
        while (size >= 1000.0 && i < ELEMENTSOF(units) - 1) {
                size /= 1000.0;
                i++;
        }
        snprintf(buf, HUMAN_SIZE_MAX, "%.3g%s", size, units[i]);
        return buf;
}

char *format_bytes_size(uint64_t bytes, char buf[static HUMAN_SIZE_MAX]) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB" };
        double size = (double) bytes;
        size_t i = 0;

        while (size >= 1024.0 && i < ELEMENTSOF(units) - 1) {
                size /= 1024.0;
                i++;
        }
        snprintf(buf, HUMAN_SIZE_MAX, "%.4g%s", size, units[i]);
        return buf;
}

char *format_human_duration(int64_t usec, char buf[static HUMAN_DURATION_MAX]) {
        /* go-units duration.go, with Go's truncating float-to-int conversions */
        double d = (double) usec / (double) USEC_PER_SEC;
        long seconds = (long) d, minutes, hours;

        if (seconds < 1)
                snprintf(buf, HUMAN_DURATION_MAX, "Less than a second");
        else if (seconds == 1)
                snprintf(buf, HUMAN_DURATION_MAX, "1 second");
        else if (seconds < 60)
                snprintf(buf, HUMAN_DURATION_MAX, "%ld seconds", seconds);
        else if ((minutes = (long) (d / 60)) == 1)
                snprintf(buf, HUMAN_DURATION_MAX, "About a minute");
        else if (minutes < 60)
                snprintf(buf, HUMAN_DURATION_MAX, "%ld minutes", minutes);
        else if ((hours = (long) (d / 3600 + 0.5)) == 1)
                snprintf(buf, HUMAN_DURATION_MAX, "About an hour");
        else if (hours < 48)
                snprintf(buf, HUMAN_DURATION_MAX, "%ld hours", hours);
        else if (hours < 24 * 7 * 2)
                snprintf(buf, HUMAN_DURATION_MAX, "%ld days", hours / 24);
        else if (hours < 24 * 30 * 2)
                snprintf(buf, HUMAN_DURATION_MAX, "%ld weeks", hours / 24 / 7);
        else if (hours < 24 * 365 * 2)
                snprintf(buf, HUMAN_DURATION_MAX, "%ld months", hours / 24 / 30);
        else
                snprintf(buf, HUMAN_DURATION_MAX, "%ld years", (long) (d / 3600) / 24 / 365);
        return buf;
}

char *format_time_ago(int64_t now, int64_t then, char buf[static HUMAN_DURATION_MAX + 4]) {
        char d[HUMAN_DURATION_MAX];

        format_human_duration((now - then) * (int64_t) USEC_PER_SEC, d);
        snprintf(buf, HUMAN_DURATION_MAX + 4, "%s ago", d);
        return buf;
}

char *format_container_status(const char *state, int exit_code, int64_t started, int64_t finished,
                              int64_t now) {
        char d[HUMAN_DURATION_MAX];
        char *s = NULL;

        /* the daemon side of docker: container/state.go String() */
        if (streq_ptr(state, "running")) {
                format_human_duration((now - started) * (int64_t) USEC_PER_SEC, d);
                if (asprintf(&s, "Up %s", d) < 0)
                        return NULL;
                return s;
        }
        if (started <= 0 || streq_ptr(state, "created"))
                return strdup("Created");
        if (finished <= 0) {
                if (asprintf(&s, "Exited (%d)", exit_code) < 0)
                        return NULL;
                return s;
        }
        format_human_duration((now - finished) * (int64_t) USEC_PER_SEC, d);
        if (asprintf(&s, "Exited (%d) %s ago", exit_code, d) < 0)
                return NULL;
        return s;
}

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_sequence(const unsigned char *s) {
        size_t n;
        uint32_t c;

        if (s[0] < 0x80)
                return 1;
        if (s[0] >= 0xc2 && s[0] <= 0xdf)
                n = 2, c = s[0] & 0x1f;
        else if (s[0] >= 0xe0 && s[0] <= 0xef)
                n = 3, c = s[0] & 0x0f;
        else if (s[0] >= 0xf0 && s[0] <= 0xf4)
                n = 4, c = s[0] & 0x07;
        else
                return 0;

        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                c = (c << 6) | (s[i] & 0x3f);
        }
        /* overlong forms, surrogates, beyond U+10FFFF */
        if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff)) ||
            (c >= 0xd800 && c <= 0xdfff))
                return 0;
        return n;
}

size_t utf8_width(const char *s) {
        size_t w = 0;

        for (const unsigned char *p = (const unsigned char *) s; *p; w++) {
                size_t n = utf8_sequence(p);
                p += n ?: 1;
        }
        return w;
}

char *format_quote(const char *s) {
        _cleanup_(freep) char *buf = NULL;
        size_t size = 0;
        FILE *f;

        f = open_memstream(&buf, &size);
        if (!f)
                return NULL;

        fputc('"', f);
        for (const unsigned char *p = (const unsigned char *) s; *p;) {
                size_t n = utf8_sequence(p);

                if (n == 0) {
                        fprintf(f, "\\x%02x", *p);
                        p++;
                        continue;
                }
                if (n > 1) {
                        /* C1 controls (U+0080..U+009F) are not printable for Go either */
                        if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
                                fprintf(f, "\\u%04x", p[1]);
                        else
                                fwrite(p, 1, n, f);
                        p += n;
                        continue;
                }
                switch (*p) {
                case '"':  fputs("\\\"", f); break;
                case '\\': fputs("\\\\", f); break;
                case '\a': fputs("\\a", f); break;
                case '\b': fputs("\\b", f); break;
                case '\f': fputs("\\f", f); break;
                case '\n': fputs("\\n", f); break;
                case '\r': fputs("\\r", f); break;
                case '\t': fputs("\\t", f); break;
                case '\v': fputs("\\v", f); break;
                default:
                        if (*p < 0x20 || *p == 0x7f)
                                fprintf(f, "\\x%02x", *p);
                        else
                                fputc(*p, f);
                }
                p++;
        }
        fputc('"', f);
        if (fclose(f) != 0)
                return NULL;
        return TAKE_PTR(buf);
}

char *format_ellipsis(const char *s, size_t max) {
        const unsigned char *p = (const unsigned char *) s;
        size_t i;
        char *r;

        if (max == 0)
                return strdup("");
        if (utf8_width(s) <= max)
                return strdup(s);

        /* keep max-1 characters and add the ellipsis (for max 1: the first one alone) */
        for (i = 0; *p && i < (max == 1 ? 1 : max - 1); i++) {
                size_t n = utf8_sequence(p);
                p += n ?: 1;
        }

        size_t len = p - (const unsigned char *) s;
        r = malloc(len + (max == 1 ? 0 : strlen("…")) + 1);
        if (!r)
                return NULL;
        memcpy(r, s, len);
        strcpy(r + len, max == 1 ? "" : "…");
        return r;
}

char *format_command(const char *command, bool no_trunc) {
        _cleanup_(freep) char *cut = NULL;

        if (no_trunc)
                return format_quote(strempty(command));
        cut = format_ellipsis(strempty(command), 20);
        if (!cut)
                return NULL;
        return format_quote(cut);
}

char *format_short_id(const char *id) {
        const char *p = startswith(strempty(id), "sha256:") ?: strempty(id);

        return strndup(p, 12);
}

int format_split_reference(const char *ref, char **ret_repository, char **ret_tag) {
        _cleanup_(freep) char *repository = NULL, *tag = NULL;
        const char *at;
        char *slash, *colon;

        /* a digest row shows no tag, even if the reference names one */
        at = strchr(ref, '@');
        repository = at ? strndup(ref, at - ref) : strdup(ref);
        if (!repository)
                return -ENOMEM;

        slash = strrchr(repository, '/');
        colon = strrchr(slash ?: repository, ':');
        if (colon) {
                *colon = 0;
                tag = strdup(at ? "<none>" : colon + 1);
        } else
                tag = strdup("<none>");
        if (!tag)
                return -ENOMEM;

        *ret_repository = TAKE_PTR(repository);
        *ret_tag = TAKE_PTR(tag);
        return 0;
}

Table *table_new(size_t n_columns, size_t minwidth, size_t padding) {
        Table *t;

        if (n_columns == 0)
                return NULL;
        t = calloc(1, sizeof(Table));
        if (!t)
                return NULL;
        t->n_columns = n_columns;
        t->minwidth = minwidth;
        t->padding = padding;
        return t;
}

Table *table_free(Table *t) {
        if (!t)
                return NULL;
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i]);
        free(t->cells);
        free(t);
        return NULL;
}

int table_add(Table *t, const char *cell) {
        char **n, *c;

        c = strdup(strempty(cell));
        if (!c)
                return -ENOMEM;
        n = realloc(t->cells, (t->n_cells + 1) * sizeof(char *));
        if (!n) {
                free(c);
                return -ENOMEM;
        }
        t->cells = n;
        t->cells[t->n_cells++] = c;
        return 0;
}

int table_add_row(Table *t, const char *const *cells) {
        for (size_t i = 0; i < t->n_columns; i++) {
                int r = table_add(t, cells[i]);
                if (r < 0)
                        return r;
        }
        return 0;
}

size_t table_rows(const Table *t) {
        return (t->n_cells + t->n_columns - 1) / t->n_columns;
}

int table_print(const Table *t, FILE *f) {
        _cleanup_(freep) size_t *widths = NULL;
        size_t rows = table_rows(t);

        widths = calloc(t->n_columns, sizeof(size_t));
        if (!widths)
                return -ENOMEM;

        /* tabwriter: the last cell of a line is not part of a column, the
         * others get the widest cell plus padding, but at least minwidth */
        for (size_t c = 0; c + 1 < t->n_columns; c++) {
                widths[c] = t->minwidth;
                for (size_t r = 0; r < rows; r++) {
                        size_t i = r * t->n_columns + c;
                        if (i < t->n_cells)
                                widths[c] = MAX(widths[c], utf8_width(t->cells[i]) + t->padding);
                }
        }

        for (size_t r = 0; r < rows; r++) {
                for (size_t c = 0; c < t->n_columns; c++) {
                        size_t i = r * t->n_columns + c;
                        const char *cell = i < t->n_cells ? t->cells[i] : "";

                        fputs(cell, f);
                        if (c + 1 < t->n_columns)
                                fprintf(f, "%*s", (int) (widths[c] - utf8_width(cell)), "");
                }
                fputc('\n', f);
        }
        return ferror(f) ? -EIO : 0;
}
