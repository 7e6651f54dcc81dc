/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The parts of the OCI spec that come from HostConfig: capabilities,
 * resources, rlimits, seccomp, masked paths, read-only root, logging
 * annotations, --init. */

#include <json-c/json.h>
#include <stdint.h>

#include "host-config.h"

#define SPEC_INIT_PATH "/sbin/docker-init"

/* docker's TweakCapabilities: the default set, minus CapDrop, plus CapAdd;
 * "ALL" in CapAdd is every capability of host_caps (minus CapDrop), "ALL" in
 * CapDrop keeps only CapAdd; Privileged is host_caps (the bounding set the
 * runtime has: asking for more would fail). h may be NULL. */
char **spec_capabilities(const HostConfig *h, uint64_t host_caps);

/* The process.capabilities object: bounding, effective and permitted for
 * uid 0; only bounding for other users (docker's oci.SetCapabilities). */
json_object *spec_capabilities_json(char * const *caps, uint32_t uid);

typedef struct SpecHostInput {
        const HostConfig *host;
        uint32_t uid;
        uint64_t host_caps;
        const char *log_path;   /* NULL: no log */
        const char *init_path;  /* the wharf-init binary, for --init */
        const char *dev_dir;    /* --privileged: the host's devices; NULL: "/dev" */
        json_object *volumes;   /* the container's MountPoints (volume.h), NULL: none */
} SpecHostInput;

/* Applies HostConfig to a spec built by spec_build (process, root, linux
 * present). -EINVAL with *ret_error for what cannot be honoured. */
int spec_apply_host_config(json_object *spec, const SpecHostInput *in, char **ret_error);

/* A docker seccomp profile (JSON) as the OCI linux.seccomp object, for the
 * given capabilities (docker's includes/excludes by caps and arches). */
int spec_seccomp_from_docker(const char *profile, char * const *caps, json_object **ret, char **ret_error);

/* The bounding set of the host, read once at start-up (before wharfd drops
 * its own capabilities). */
void host_caps_init(void);
uint64_t host_caps_get(void);

/* The wharf-init binary (beside wharfd, or services/execd in a build
 * tree), NULL when absent. */
const char *init_binary_path(void);

typedef struct ExecProcessInput {
        char **args;
        char **env;            /* the container's process env (spec_environment) */
        char **extra_env;      /* exec -e: replace by name or append */
        const char *cwd;
        uint32_t uid, gid;
        const uint32_t *gids;
        size_t n_gids;
        bool tty;
        bool privileged;       /* exec --privileged */
        const HostConfig *host; /* the container's: caps, no-new-privileges */
        uint64_t host_caps;
} ExecProcessInput;

/* The OCI "process" object for Exec1.Exec (docker exec). */
int spec_exec_process(const ExecProcessInput *in, char **ret);
