/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The OCI runtime spec (config.json) that execd runs a container from. */

#include "container-config.h"
#include "host-config.h"
#include "user.h"

typedef struct SpecInput {
        const char *id;
        const ContainerConfig *config;
        const char *rootfs;   /* mounted rootfs (Graph1.CreateRootfs) */
        const char *netns;    /* network namespace to join (Net1.CreateSandbox) */
        const UserInfo *user; /* resolved config->user */
        const HostConfig *host; /* NULL: docker's defaults */
        uint64_t host_caps;   /* the host's bounding set (--privileged, --cap-add ALL) */
        const char *log_path; /* json-file log, NULL: none */
        const char *init_path; /* wharf-init, for --init */
        json_object *volumes;  /* the container's MountPoints (volume.h), NULL: none */
} SpecInput;

/* The process environment: PATH (default unless set), HOSTNAME, the
 * container's Env, and HOME from the user's passwd entry unless set. */
char **spec_environment(const ContainerConfig *c, const char *hostname, const char *home);

/* -EINVAL with *ret_error (malloc'd, may stay NULL) for options that cannot
 * be honoured. */
int spec_build(const SpecInput *in, char **ret, char **ret_error);
