/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Options of `wharf run` and `wharf create` (docker's names), parsed without
 * touching the bus so they can be tested on their own. Parsing stops at the
 * image: everything after it is the container's command, never ours. */

#include <stdbool.h>

#include "run-flags.h"
#include "net-options.h"

typedef struct RunOptions {
        bool rm;
        bool interactive;
        bool tty;
        bool detach;
        bool no_sig_proxy;      /* --sig-proxy=false: signals to the CLI stay with it */
        char *name;
        char **env;             /* KEY=VAL (or KEY: unset it), env files first, then -e */
        char **env_files;
        char *workdir;
        bool entrypoint_set;    /* --entrypoint given; "" means an empty entrypoint */
        char *entrypoint;
        char *hostname;
        char *network;          /* "default" unless given */
        char **extra_networks;  /* further --network: connected after the create */
        char **extra_network_options;   /* their ConnectNetwork options (JSON), in step */
        char *user;
        char *platform;         /* for the pull, if the image is not local */
        char *image;
        char **cmd;             /* the container's own arguments */
        RunFlags flags;         /* resources, security, lifecycle, logging (run-flags.h) */
        NetOptions net;         /* -p, -P, --ip, --dns... (net-options.c) */
} RunOptions;

void run_options_done(RunOptions *o);

/* Parses argv (argv[0] is the command name, "run" or "create"). Returns 0
 * on success, 1 when --help was printed, -EINVAL on usage errors (the
 * message, docker's form, is already on stderr). */
int run_options_parse(int argc, char *argv[], RunOptions *ret);

/* docker's -e: "KEY=VAL" as is, "KEY" takes the client's value if set, else
 * stays "KEY" (the engine reads it as "unset"). -EINVAL for "" or "=x". */
int env_resolve(const char *arg, char **ret);

/* docker's --env-file: one KEY=VAL a line, values kept verbatim, leading
 * blanks, blank lines and '#' comments skipped, bare KEY taken from the
 * client's environment (dropped if unset); appends to *env. On a bad line
 * returns -EINVAL and sets *ret_error to docker's message. */
int env_file_parse(const char *path, char ***env, char **ret_error);
