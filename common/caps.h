/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Dropping privileges at start-up: each daemon keeps only the capabilities
 * its job needs (docs/architecture.md lists each set). */

#include <stdint.h>
#include <sys/types.h>

#define CAP_MASK(c) (UINT64_C(1) << (c))

/* Drop every capability not in keep from the bounding, permitted, effective
 * and inheritable sets and clear the ambient set. */
int caps_keep_only(uint64_t keep);

/* Switch to user (name or numeric uid) with its primary group and no
 * supplementary groups, keeping no capabilities at all. */
int caps_become_user(const char *user);
