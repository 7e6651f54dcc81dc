/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log-record.h"
#include "macro.h"

#define NSEC_PER_SEC INT64_C(1000000000)

void log_record_done(LogRecord *r) {
        free(r->log);
        *r = (LogRecord) {};
}

int log_record_parse(const char *line, LogRecord *ret) {
        json_object *o, *v;
        LogRecord r = {};
        int k = -EBADMSG;

        o = json_tokener_parse(line);
        if (!o || !json_object_is_type(o, json_type_object))
                goto finish;
        if (!json_object_object_get_ex(o, "log", &v) || !json_object_is_type(v, json_type_string))
                goto finish;
        r.log = strdup(json_object_get_string(v));
        if (!r.log) {
                k = -ENOMEM;
                goto finish;
        }
        if (json_object_object_get_ex(o, "stream", &v) && json_object_is_type(v, json_type_string))
                r.is_stderr = streq(json_object_get_string(v), "stderr");
        if (json_object_object_get_ex(o, "time", &v) && json_object_is_type(v, json_type_string) &&
            rfc3339_parse(json_object_get_string(v), &r.time_ns) < 0) {
                log_record_done(&r);
                goto finish;
        }
        *ret = r;
        k = 0;
finish:
        json_object_put(o);
        return k;
}

static int digits(const char **p, int n, int *ret) {
        int v = 0;

        for (int i = 0; i < n; i++, (*p)++) {
                if (!isdigit((unsigned char) **p))
                        return -EINVAL;
                v = v * 10 + (**p - '0');
        }
        *ret = v;
        return 0;
}

/* date [T time [.frac]] [zone]; zone absent: local time unless require_zone */
static int parse_datetime(const char *s, bool require_zone, int64_t *ret_ns) {
        struct tm tm = {};
        const char *p = s;
        int y, mo, d, h = 0, mi = 0, sec = 0, off = 0, oh, om;
        int64_t frac = 0, t;
        bool has_zone = false;

        if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' || digits(&p, 2, &d) < 0)
                return -EINVAL;
        if (*p == 'T' || *p == 't' || *p == ' ') {
                p++;
                if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
                        return -EINVAL;
                if (*p == ':') {
                        p++;
                        if (digits(&p, 2, &sec) < 0)
                                return -EINVAL;
                        if (*p == '.') {
                                int n = 0;
                                p++;
                                for (; isdigit((unsigned char) *p); p++, n++)
                                        if (n < 9)
                                                frac = frac * 10 + (*p - '0');
                                if (n == 0)
                                        return -EINVAL;
                                for (; n < 9; n++)
                                        frac *= 10;
                        }
                }
        }
        if (*p == 'Z' || *p == 'z') {
                has_zone = true;
                p++;
        } else if (*p == '+' || *p == '-') {
                int sign = *p++ == '-' ? -1 : 1;
                if (digits(&p, 2, &oh) < 0 || *p++ != ':' || digits(&p, 2, &om) < 0)
                        return -EINVAL;
                off = sign * (oh * 3600 + om * 60);
                has_zone = true;
        }
        if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
                return -EINVAL;
        if (require_zone && !has_zone)
                return -EINVAL;
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = sec;
        if (has_zone)
                t = (int64_t) timegm(&tm) - off;
        else {
                tm.tm_isdst = -1;
                t = (int64_t) mktime(&tm);
        }
        *ret_ns = t * NSEC_PER_SEC + frac;
        return 0;
}

int rfc3339_parse(const char *s, int64_t *ret_ns) {
        return parse_datetime(s, true, ret_ns);
}

void rfc3339_format(int64_t ns, char buf[static 40]) {
        time_t t = (time_t) (ns / NSEC_PER_SEC);
        struct tm tm;
        size_t n;

        gmtime_r(&t, &tm);
        n = strftime(buf, 40, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf + n, 40 - n, ".%09lldZ", (long long) (ns % NSEC_PER_SEC));
}

/* Go's time.ParseDuration, positive only */
static int parse_duration(const char *s, int64_t *ret_ns) {
        static const struct { const char *unit; double ns; } units[] = {
                { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 },
        };
        const char *p = s;
        double total = 0;

        if (!*p)
                return -EINVAL;
        while (*p) {
                char *end;
                double v;
                size_t best = 0;
                int which = -1;

                if (!isdigit((unsigned char) *p) && *p != '.')
                        return -EINVAL;
                v = strtod(p, &end);
                if (end == p)
                        return -EINVAL;
                p = end;
                for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                        size_t l = strlen(units[i].unit);
                        if (strncmp(p, units[i].unit, l) == 0 && l > best) {
                                best = l;
                                which = (int) i;
                        }
                }
                if (which < 0)
                        return -EINVAL;
                total += v * units[which].ns;
                p += best;
        }
        *ret_ns = (int64_t) total;
        return 0;
}

int log_time_parse(const char *s, int64_t now_ns, int64_t *ret_ns) {
        int64_t d;
        char *end;

        if (isempty(s))
                return -EINVAL;
        /* "10m": before now */
        if (parse_duration(s, &d) >= 0) {
                *ret_ns = now_ns - d;
                return 0;
        }
        /* unix seconds with an optional fraction */
        if (strspn(s, "0123456789.") == strlen(s) && strchr("0123456789", s[0])) {
                const char *dot = strchr(s, '.');
                long long sec = strtoll(s, &end, 10);
                int64_t frac = 0;

                if (dot) {
                        int n = 0;
                        if (strchr(dot + 1, '.'))
                                return -EINVAL;
                        for (const char *p = dot + 1; *p; p++, n++)
                                if (n < 9)
                                        frac = frac * 10 + (*p - '0');
                        for (; n < 9; n++)
                                frac *= 10;
                }
                *ret_ns = (int64_t) sec * NSEC_PER_SEC + frac;
                return 0;
        }
        return parse_datetime(s, false, ret_ns);
}
