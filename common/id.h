/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

#define ID_HEX_LEN 64

/* 64 lowercase hex characters from the kernel's random pool (docker's IDs). */
int random_id(char out[static ID_HEX_LEN + 1]);
bool id_is_valid(const char *s);
/* a non-empty run of lowercase hex, at most 64 */
bool id_prefix_is_valid(const char *s);
