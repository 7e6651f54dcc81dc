/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "macro.h"

/* A checker's one-line error: formats it into *ret_error (malloc'd) and
 * returns -EINVAL, or -ENOMEM (with *ret_error NULL) when it cannot. */
int error_message(char **ret_error, const char *format, ...) _printf_(2, 3);
