/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Administrator-set bounds on hostile input, read from ROOT/graph/limits.conf
 * at each use (no restart needed):
 *     # comment
 *     max_decompression_ratio = 200     # bytes out / bytes in; 0: no bound
 *     decompression_ratio_floor = 67108864  # output bytes before the ratio applies
 *     max_layers = 128                  # layers of one image
 * Unknown keys and bad values are ignored (the defaults stay). */

#include <stdint.h>

#include "graph.h"

#define GRAPH_LIMITS_MAX_LAYERS_DEFAULT 128U

typedef struct GraphLimits {
        unsigned max_decompression_ratio;
        uint64_t decompression_ratio_floor; /* bytes out before the ratio applies */
        unsigned max_layers;
} GraphLimits;

/* Parse the text of a limits file over the defaults already in l. */
void graph_limits_parse(const char *text, GraphLimits *l);

/* Defaults, overridden by ROOT/graph/limits.conf when present. */
void graph_limits_load(Graph *g, GraphLimits *ret);
