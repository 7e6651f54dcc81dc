/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's number formats for resource flags (go-units and docker/opts),
 * shared by the CLI (parsing flags) and wharfd (validating options). */

#include <stdint.h>

/* units.RAMInBytes: "<float>[ ][kmgtp][i][b]", case-insensitive, powers of
 * 1024 ("1.5g", "512m", "64 KiB", "100"). -EINVAL ("invalid size: '%s'"). */
int units_ram_in_bytes(const char *s, int64_t *ret);

/* units.FromHumanSize: the same syntax in powers of 1000 ("10m" = 10000000),
 * as --log-opt max-size. */
int units_from_human_size(const char *s, int64_t *ret);

/* docker's --cpus (opts.NanoCPUs): a decimal number of CPUs as nanoCPUs.
 * -EINVAL: not a number ("failed to parse %s as a rational number");
 * -ERANGE: more than 9 decimals ("value is too precise") or overflow. */
int units_parse_nano_cpus(const char *s, int64_t *ret);

/* strconv.ParseInt(s, 10, 64): -EINVAL (invalid syntax), -ERANGE. */
int units_parse_int64(const char *s, int64_t *ret);
