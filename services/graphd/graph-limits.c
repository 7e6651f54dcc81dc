/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fs-util.h"
#include "layer-unpack.h"
#include "graph-limits.h"
#include "macro.h"

#define LIMITS_FILE_MAX (64U * 1024U)

static int parse_unsigned(const char *s, unsigned *ret) {
        char *end;
        unsigned long v;

        if (!s || *s < '0' || *s > '9')
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || *end || v > UINT_MAX)
                return -EINVAL;
        *ret = v;
        return 0;
}

void graph_limits_parse(const char *text, GraphLimits *l) {
        _cleanup_(freep) char *copy = strdup(strempty(text));
        char *save = NULL;

        if (!copy)
                return;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *key, *value, *e;

                line[strcspn(line, "#")] = 0;
                value = strchr(line, '=');
                if (!value)
                        continue;
                *value++ = 0;
                key = line + strspn(line, " \t");
                for (e = key + strlen(key); e > key && strchr(" \t\r", e[-1]); e--)
                        e[-1] = 0;
                value += strspn(value, " \t");
                for (e = value + strlen(value); e > value && strchr(" \t\r", e[-1]); e--)
                        e[-1] = 0;

                if (streq(key, "max_decompression_ratio"))
                        (void) parse_unsigned(value, &l->max_decompression_ratio);
                else if (streq(key, "decompression_ratio_floor")) {
                        char *end;
                        unsigned long long v;
                        errno = 0;
                        v = strtoull(value, &end, 10);
                        if (errno == 0 && *value >= '0' && *value <= '9' && !*end)
                                l->decompression_ratio_floor = v;
                } else if (streq(key, "max_layers")) {
                        unsigned v;
                        if (parse_unsigned(value, &v) >= 0 && v > 0)
                                l->max_layers = v;
                }
        }
}

void graph_limits_load(Graph *g, GraphLimits *ret) {
        _cleanup_(freep) char *p = path_join(g->root, "limits.conf"), *text = NULL;

        *ret = (GraphLimits) {
                .max_decompression_ratio = LAYER_UNPACK_RATIO_DEFAULT,
                .decompression_ratio_floor = LAYER_UNPACK_RATIO_FLOOR,
                .max_layers = GRAPH_LIMITS_MAX_LAYERS_DEFAULT,
        };
        if (p && read_full_file(p, &text, NULL, LIMITS_FILE_MAX) >= 0)
                graph_limits_parse(text, ret);
}
