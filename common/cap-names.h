/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Capability names as docker and the OCI spec write them ("CAP_CHOWN"). */

/* "CAP_CHOWN", "chown", "cap_chown" -> 0; -EINVAL if unknown */
int cap_name_to_number(const char *name);
/* 0 -> "CAP_CHOWN"; NULL beyond the known ones */
const char *cap_number_to_name(int cap);
/* the highest capability number known here */
int cap_last_known(void);
