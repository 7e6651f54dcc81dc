/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

/* go-units' sizeRegex: ^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$ */
static int parse_size(const char *s, int64_t base, int64_t *ret) {
        static const char units[] = "kmgtp";
        const char *p = s, *num_end, *u;
        char *end;
        double v, mul = 1;

        if (!s || !isdigit((unsigned char) *p))
                return -EINVAL;
        while (isdigit((unsigned char) *p))
                p++;
        while (*p == '.' && isdigit((unsigned char) p[1])) {
                p++;
                while (isdigit((unsigned char) *p))
                        p++;
        }
        num_end = p;
        if (*p == ' ')
                p++;
        if (*p && (u = strchr(units, tolower((unsigned char) *p)))) {
                for (long i = 0; i <= u - units; i++)
                        mul *= (double) base;
                p++;
        }
        if (*p == 'i' || *p == 'I')
                p++;
        if (*p == 'b' || *p == 'B')
                p++;
        if (*p)
                return -EINVAL;

        /* "1.2.3" matches the expression but is no float: Go fails too */
        errno = 0;
        v = strtod(s, &end);
        if (errno != 0 || end != num_end)
                return -EINVAL;
        v *= mul;
        if (!isfinite(v) || v >= 9223372036854775807.0)
                return -ERANGE;
        *ret = (int64_t) v;
        return 0;
}

int units_ram_in_bytes(const char *s, int64_t *ret) {
        return parse_size(s, 1024, ret);
}

int units_from_human_size(const char *s, int64_t *ret) {
        return parse_size(s, 1000, ret);
}

int units_parse_int64(const char *s, int64_t *ret) {
        const char *p = s;
        char *end;
        long long v;

        /* Go accepts an optional sign, then digits only */
        if (!s || !*s)
                return -EINVAL;
        if (*p == '+' || *p == '-')
                p++;
        if (!*p || strspn(p, "0123456789") != strlen(p))
                return -EINVAL;
        errno = 0;
        v = strtoll(s, &end, 10);
        if (errno == ERANGE)
                return -ERANGE;
        *ret = v;
        return 0;
}

int units_parse_nano_cpus(const char *s, int64_t *ret) {
        const char *p = s, *dot;
        int64_t whole = 0, frac = 0;
        size_t nfrac = 0;
        bool neg = false;

        /* big.Rat.SetString of a decimal: sign, digits, optional fraction */
        if (!s || !*s)
                return -EINVAL;
        if (*p == '+' || *p == '-')
                neg = *p++ == '-';
        dot = strchr(p, '.');
        size_t nwhole = dot ? (size_t) (dot - p) : strlen(p);
        if (strspn(p, "0123456789") != nwhole)
                return -EINVAL;
        if (dot) {
                nfrac = strlen(dot + 1);
                if (strspn(dot + 1, "0123456789") != nfrac)
                        return -EINVAL;
        }
        if (nwhole + nfrac == 0)
                return -EINVAL;

        for (size_t i = 0; i < nwhole; i++) {
                if (whole > (INT64_MAX / 1000000000 - 9) / 10)
                        return -ERANGE;
                whole = whole * 10 + (p[i] - '0');
        }
        /* trailing zeros do not make a value more precise */
        while (nfrac > 0 && dot[nfrac] == '0')
                nfrac--;
        if (nfrac > 9)
                return -ERANGE;
        for (size_t i = 0; i < 9; i++)
                frac = frac * 10 + (i < nfrac ? dot[1 + i] - '0' : 0);
        *ret = (whole * 1000000000 + frac) * (neg ? -1 : 1);
        return 0;
}
