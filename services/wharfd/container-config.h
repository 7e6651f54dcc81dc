/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's configuration: what the client asked for (ContainerOptions,
 * from CreateContainer's a{sv}) merged with the image config, by docker's
 * rules, into ContainerConfig (stored in container.json). */

#include <stdbool.h>

#include "host-config.h"
#include "pull-options.h"

#define DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

typedef struct ContainerOptions {
        char *name;
        bool auto_remove;
        char **env;
        char **entrypoint;
        bool entrypoint_set;  /* given, possibly empty: resets the image's */
        char *workdir;
        char *hostname;
        char *network_mode;
        char *network_config;   /* NetworkConfig option: JSON (network.c) */
        char *user;
        bool tty;
        HostConfig host;      /* resources, security, lifecycle, logging */
        PullOptions pull;     /* Platform, RegistryAuth: for the pull only, never stored */
} ContainerOptions;

void container_options_done(ContainerOptions *o);

typedef struct ContainerConfig {
        char **entrypoint;
        char **cmd;
        char **env;
        char *workdir;   /* never empty: "/" by default */
        char *hostname;  /* "" means the first 12 characters of the id */
        char *user;      /* "" means root */
        bool tty;
} ContainerConfig;

void container_config_done(ContainerConfig *c);

/* Merge: an explicit Entrypoint option replaces the image's and resets its
 * Cmd; an empty cmd means the image's Cmd; options Env override the image's
 * by name. Fails (-EINVAL, *ret_error) when there is no command at all. */
int container_config_merge(const char *image_config, char * const *cmd, const ContainerOptions *o,
                           ContainerConfig *ret, char **ret_error);

/* entrypoint + cmd */
char **container_config_args(const ContainerConfig *c);

/* Env lists: b's entries replace a's of the same name, new ones are appended;
 * entries without '=' are dropped. */
char **env_merge(char * const *a, char * const *b);
/* the entry for name, or NULL */
const char *env_get(char * const *env, const char *name);

/* docker's display of a command: args joined by spaces */
char *args_to_string(char * const *args);
