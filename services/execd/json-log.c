/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's json-file log format and rotation (daemon/logger/jsonfilelog). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "json-log.h"
#include "macro.h"

static const char * const stream_names[_LOG_STREAM_MAX] = { "stdout", "stderr" };

void json_log_format_time(const struct timespec *ts, char *buf, size_t size) {
        struct tm tm;
        char frac[16];
        size_t n;

        gmtime_r(&ts->tv_sec, &tm);
        n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(frac, sizeof(frac), ".%09ld", ts->tv_nsec);
        size_t fl = strlen(frac);
        while (fl > 1 && frac[fl - 1] == '0')
                frac[--fl] = 0;
        if (fl == 1)
                frac[0] = 0;
        snprintf(buf + n, size - n, "%sZ", frac);
}

/* Length of the valid UTF-8 sequence at s (1-4), or 0 if invalid. */
static size_t utf8_valid_len(const unsigned char *s, size_t len) {
        unsigned c = s[0];
        size_t n;
        uint32_t cp;

        if (c < 0x80)
                return 1;
        if (c >= 0xc2 && c <= 0xdf)
                n = 2, cp = c & 0x1f;
        else if (c >= 0xe0 && c <= 0xef)
                n = 3, cp = c & 0x0f;
        else if (c >= 0xf0 && c <= 0xf4)
                n = 4, cp = c & 0x07;
        else
                return 0;
        if (n > len)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((s[i] & 0xc0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3f);
        }
        /* overlong, surrogates, beyond U+10FFFF */
        if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
                return 0;
        return n;
}

int json_log_encode(const char *data, size_t len, LogStream stream, const struct timespec *ts,
                    char *buf, size_t size) {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *s = (const unsigned char *) data;
        char t[48];
        size_t o = 0;

#define PUT(str, l) do {                                \
                if (o + (l) >= size)                    \
                        return -ENOBUFS;                \
                memcpy(buf + o, (str), (l));            \
                o += (l);                               \
        } while (0)
#define PUTS(str) PUT(str, strlen(str))

        PUTS("{\"log\":\"");
        for (size_t i = 0; i < len; ) {
                unsigned c = s[i];
                char e[8];

                if (c >= 0x80) {
                        size_t n = utf8_valid_len(s + i, len - i);
                        if (n == 0) {
                                PUTS("\\ufffd");
                                i++;
                                continue;
                        }
                        /* U+2028/2029 break JavaScript: Go escapes them */
                        if (n == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
                                PUTS(s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029");
                        else
                                PUT(s + i, n);
                        i += n;
                        continue;
                }
                switch (c) {
                case '"':  PUTS("\\\""); break;
                case '\\': PUTS("\\\\"); break;
                case '\n': PUTS("\\n"); break;
                case '\r': PUTS("\\r"); break;
                case '\t': PUTS("\\t"); break;
                default:
                        if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                                memcpy(e, "\\u00", 4);
                                e[4] = hex[c >> 4];
                                e[5] = hex[c & 15];
                                PUT(e, 6);
                        } else
                                PUT(&s[i], 1);
                }
                i++;
        }
        PUTS("\",\"stream\":\"");
        PUTS(stream_names[stream]);
        PUTS("\",\"time\":\"");
        json_log_format_time(ts, t, sizeof(t));
        PUTS(t);
        PUTS("\"}\n");
        buf[o] = 0;
        return (int) o;
#undef PUT
#undef PUTS
}

int json_log_open(JsonLog *l, const char *path, uint64_t max_size, unsigned max_file) {
        struct stat st;

        *l = (JsonLog) { .fd = -EBADF, .max_size = max_size, .max_file = MAX(max_file, 1u) };
        l->path = strdup(path);
        if (!l->path)
                return -ENOMEM;
        l->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (l->fd < 0 || fstat(l->fd, &st) < 0) {
                int r = -errno;
                json_log_close(l);
                return r;
        }
        l->size = st.st_size;
        return 0;
}

static int json_log_rotate(JsonLog *l) {
        size_t pl = strlen(l->path);
        char *a = malloc(pl + 16), *b = malloc(pl + 16);
        int r = 0;

        if (!a || !b) {
                free(a);
                free(b);
                return -ENOMEM;
        }
        if (l->max_file > 1) {
                /* log.N-2 -> log.N-1, ..., log -> log.1 */
                for (unsigned i = l->max_file - 1; i > 1; i--) {
                        snprintf(a, pl + 16, "%s.%u", l->path, i - 1);
                        snprintf(b, pl + 16, "%s.%u", l->path, i);
                        (void) rename(a, b);
                }
                snprintf(b, pl + 16, "%s.1", l->path);
                if (rename(l->path, b) < 0)
                        r = -errno;
                safe_close(l->fd);
                l->fd = open(l->path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0640);
        } else if (ftruncate(l->fd, 0) < 0)
                r = -errno;
        if (l->fd < 0)
                r = -errno;
        l->size = 0;
        free(a);
        free(b);
        return r;
}

static int json_log_entry(JsonLog *l, LogStream stream, const char *data, size_t len) {
        struct timespec ts;
        size_t size = len * 6 + 128;
        char stackbuf[4096], *buf = size <= sizeof(stackbuf) ? stackbuf : malloc(size);
        int n, r;

        if (!buf)
                return -ENOMEM;
        clock_gettime(CLOCK_REALTIME, &ts);
        n = json_log_encode(data, len, stream, &ts, buf, size);
        if (n < 0) {
                r = n;
                goto finish;
        }
        /* as docker: rotate before a write once the file is full */
        if (l->max_size > 0 && l->size >= l->max_size) {
                r = json_log_rotate(l);
                if (l->fd < 0)
                        goto finish;
        }
        r = loop_write(l->fd, buf, n);
        if (r >= 0)
                l->size += n;
finish:
        if (buf != stackbuf)
                free(buf);
        return r;
}

int json_log_write(JsonLog *l, LogStream stream, const char *data, size_t len) {
        char *p = l->partial[stream];
        size_t *pl = &l->partial_len[stream];
        int r = 0;

        if (l->fd < 0)
                return 0;
        while (len > 0) {
                const char *nl = memchr(data, '\n', len);
                size_t take = nl ? (size_t) (nl - data) + 1 : len;

                take = MIN(take, JSON_LOG_LINE_MAX - *pl);
                memcpy(p + *pl, data, take);
                *pl += take;
                data += take;
                len -= take;
                if (p[*pl - 1] == '\n' || *pl == JSON_LOG_LINE_MAX) {
                        int k = json_log_entry(l, stream, p, *pl);
                        if (k < 0 && r == 0)
                                r = k;
                        *pl = 0;
                }
        }
        return r;
}

int json_log_flush(JsonLog *l, LogStream stream) {
        int r = 0;

        if (l->fd >= 0 && l->partial_len[stream] > 0)
                r = json_log_entry(l, stream, l->partial[stream], l->partial_len[stream]);
        l->partial_len[stream] = 0;
        return r;
}

void json_log_close(JsonLog *l) {
        l->fd = safe_close(l->fd);
        free(l->path);
        l->path = NULL;
}
