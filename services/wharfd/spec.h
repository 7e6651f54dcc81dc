/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The OCI runtime spec (config.json) that execd runs a container from. */

#include "container-config.h"
#include "user.h"

typedef struct SpecInput {
        const char *id;
        const ContainerConfig *config;
        const char *rootfs;   /* mounted rootfs (Graph1.CreateRootfs) */
        const char *netns;    /* network namespace to join (Net1.CreateSandbox) */
        const UserInfo *user; /* resolved config->user */
} SpecInput;

/* The process environment: PATH (default unless set), HOSTNAME, the
 * container's Env, and HOME from the user's passwd entry unless set. */
char **spec_environment(const ContainerConfig *c, const char *hostname, const char *home);

int spec_build(const SpecInput *in, char **ret);
