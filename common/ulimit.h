/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's --ulimit (go-units ParseUlimit): "name=soft[:hard]". */

#include <stdint.h>

typedef struct Ulimit {
        char name[16];  /* docker's name: "nofile" */
        int64_t soft;
        int64_t hard;
} Ulimit;

/* Parses one --ulimit value. On failure returns -EINVAL and sets *ret_error
 * (malloc'd) to go-units' message. */
int ulimit_parse(const char *s, Ulimit *ret, char **ret_error);

/* "nofile" -> RLIMIT_NOFILE; -EINVAL if unknown */
int ulimit_resource(const char *name);
/* "nofile" -> "RLIMIT_NOFILE" (the OCI spec's type); NULL if unknown */
const char *ulimit_oci_type(const char *name);
