/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

/* docker's rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a leading '/' is accepted) */
bool container_name_is_valid(const char *name);

/* A docker-like "adjective_surname"; retry > 0 appends a digit as docker does. */
int container_name_generate(unsigned retry, char **ret);
