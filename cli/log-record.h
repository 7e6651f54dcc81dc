/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's json-file log lines and the times `wharf logs` takes, parsed in
 * the client (the engine only hands out the files). */

#include <stdbool.h>
#include <stdint.h>

typedef struct LogRecord {
        char *log;              /* the bytes, with their "\n" */
        bool is_stderr;
        int64_t time_ns;        /* since the epoch, UTC */
} LogRecord;

void log_record_done(LogRecord *r);

/* {"log":"...","stream":"stdout|stderr","time":"RFC3339Nano"} */
int log_record_parse(const char *line, LogRecord *ret);

/* RFC 3339 with optional fraction and Z or +hh:mm -> ns since the epoch */
int rfc3339_parse(const char *s, int64_t *ret_ns);
/* docker's RFC3339NanoFixed in UTC: 2006-01-02T15:04:05.000000000Z */
void rfc3339_format(int64_t ns, char buf[static 40]);

/* docker's --since/--until (timetypes.GetTimestamp): a Go duration ("10m",
 * "1h30m", "1.5s") before now, unix seconds ("1700000000.5"), or an RFC 3339
 * date/time, with or without the time part and zone (local time then). */
int log_time_parse(const char *s, int64_t now_ns, int64_t *ret_ns);
