/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's json-file log driver, as the monitor writes it: one JSON object
 * a line, {"log":"...","stream":"stdout","time":"RFC3339Nano"}, with size
 * based rotation (log, log.1, ... log.N-1). Plain libc. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define JSON_LOG_LINE_MAX 16384 /* docker splits longer lines as partial messages */

typedef enum LogStream {
        LOG_STREAM_STDOUT,
        LOG_STREAM_STDERR,
        _LOG_STREAM_MAX,
} LogStream;

typedef struct JsonLog {
        int fd;
        char *path;
        uint64_t size;
        uint64_t max_size;      /* 0: no rotation */
        unsigned max_file;      /* files kept, the current one included */
        char partial[_LOG_STREAM_MAX][JSON_LOG_LINE_MAX];
        size_t partial_len[_LOG_STREAM_MAX];
} JsonLog;

/* RFC3339Nano as Go formats it (UTC, trailing zeros of the fraction
 * trimmed): "2024-05-01T10:11:12.5Z". buf needs 40 bytes. */
void json_log_format_time(const struct timespec *ts, char *buf, size_t size);

/* Encodes one entry into buf (Go's encoding/json escaping: <, >, & as
 * \u003c..., control characters, invalid UTF-8 as \ufffd) with a final
 * newline. Returns the length, or -ENOBUFS. buf needs at most 6*len+128. */
int json_log_encode(const char *data, size_t len, LogStream stream, const struct timespec *ts,
                    char *buf, size_t size);

/* Opens (appends to) path. */
int json_log_open(JsonLog *l, const char *path, uint64_t max_size, unsigned max_file);
/* Splits data into lines and writes one entry per line; an unfinished line
 * waits for its end (or JSON_LOG_LINE_MAX bytes, or json_log_flush). */
int json_log_write(JsonLog *l, LogStream stream, const char *data, size_t len);
/* Writes what is left of an unfinished line. */
int json_log_flush(JsonLog *l, LogStream stream);
void json_log_close(JsonLog *l);
