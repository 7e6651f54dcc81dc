/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

#include "error-message.h"
#include "macro.h"
#include "ulimit.h"
#include "units.h"

static const struct {
        const char *name;
        const char *oci;
        int resource;
} ulimits[] = {
        { "core",       "RLIMIT_CORE",       RLIMIT_CORE       },
        { "cpu",        "RLIMIT_CPU",        RLIMIT_CPU        },
        { "data",       "RLIMIT_DATA",       RLIMIT_DATA       },
        { "fsize",      "RLIMIT_FSIZE",      RLIMIT_FSIZE      },
        { "locks",      "RLIMIT_LOCKS",      RLIMIT_LOCKS      },
        { "memlock",    "RLIMIT_MEMLOCK",    RLIMIT_MEMLOCK    },
        { "msgqueue",   "RLIMIT_MSGQUEUE",   RLIMIT_MSGQUEUE   },
        { "nice",       "RLIMIT_NICE",       RLIMIT_NICE       },
        { "nofile",     "RLIMIT_NOFILE",     RLIMIT_NOFILE     },
        { "nproc",      "RLIMIT_NPROC",      RLIMIT_NPROC      },
        { "rss",        "RLIMIT_RSS",        RLIMIT_RSS        },
        { "rtprio",     "RLIMIT_RTPRIO",     RLIMIT_RTPRIO     },
        { "rttime",     "RLIMIT_RTTIME",     RLIMIT_RTTIME     },
        { "sigpending", "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
        { "stack",      "RLIMIT_STACK",      RLIMIT_STACK      },
};

int ulimit_resource(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(ulimits); i++)
                if (streq(ulimits[i].name, name))
                        return ulimits[i].resource;
        return -EINVAL;
}

const char *ulimit_oci_type(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(ulimits); i++)
                if (streq(ulimits[i].name, name))
                        return ulimits[i].oci;
        return NULL;
}

static int parse_limit(const char *s, int64_t *ret, char **ret_error) {
        int r = units_parse_int64(s, ret);

        if (r == -ERANGE)
                return error_message(ret_error, "strconv.ParseInt: parsing \"%s\": value out of range", s);
        if (r < 0)
                return error_message(ret_error, "strconv.ParseInt: parsing \"%s\": invalid syntax", s);
        return 0;
}

int ulimit_parse(const char *s, Ulimit *ret, char **ret_error) {
        const char *eq = strchr(s, '='), *colon, *values;
        _cleanup_(freep) char *soft = NULL;
        Ulimit u = {};
        size_t n;
        int r;

        if (!eq)
                return error_message(ret_error, "invalid ulimit argument: %s", s);
        n = eq - s;
        if (n >= sizeof u.name)
                return error_message(ret_error, "invalid ulimit type: %.*s", (int) n, s);
        memcpy(u.name, s, n);
        if (ulimit_resource(u.name) < 0)
                return error_message(ret_error, "invalid ulimit type: %s", u.name);

        values = eq + 1;
        colon = strchr(values, ':');
        if (colon && strchr(colon + 1, ':'))
                return error_message(ret_error, "too many limit value arguments - %s, can only have up to two, `soft[:hard]`",
                            values);
        soft = strndup(values, colon ? (size_t) (colon - values) : strlen(values));
        if (!soft)
                return -ENOMEM;
        r = parse_limit(soft, &u.soft, ret_error);
        if (r < 0)
                return r;
        u.hard = u.soft;
        if (colon) {
                r = parse_limit(colon + 1, &u.hard, ret_error);
                if (r < 0)
                        return r;
        }
        /* -1 is "unlimited" on either side; otherwise soft <= hard */
        if (u.soft > u.hard && u.hard != -1)
                return error_message(ret_error, "ulimit soft limit must be less than or equal to hard limit: %lld > %lld",
                            (long long) u.soft, (long long) u.hard);
        *ret = u;
        return 0;
}
