/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The create options beyond the command: resources, security, lifecycle,
 * logging and stdio mode, under docker's API names. Read from
 * CreateContainer's a{sv}, checked as docker's daemon checks them, stored in
 * container.json (Config: Labels, StopSignal, StopTimeout, OpenStdin,
 * AttachStdin; HostConfig: the rest) and turned into the OCI spec by
 * spec-host.c. */

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "ulimit.h"

#define MEMORY_MIN_BYTES (6 * 1024 * 1024)   /* docker's "Minimum memory limit allowed is 6MB" */

typedef struct HostConfig {
        /* Config */
        bool open_stdin;
        bool attach_stdin;
        char **labels;           /* key, value, key, value, ... */
        char *stop_signal;       /* as given, checked; NULL: SIGTERM */
        int64_t stop_timeout;    /* seconds; only when stop_timeout_set */
        bool stop_timeout_set;

        /* HostConfig */
        int64_t memory;          /* bytes, 0: unlimited */
        int64_t memory_swap;     /* memory + swap; -1: unlimited swap; 0: unset */
        int64_t nano_cpus;
        int64_t cpu_shares;
        char *cpuset_cpus;
        int64_t pids_limit;      /* <= 0: unlimited */
        char **cap_add;          /* normalized: "CAP_NET_ADMIN" or "ALL" */
        char **cap_drop;
        bool privileged;
        char **security_opt;
        Ulimit *ulimits;
        size_t n_ulimits;
        bool readonly_rootfs;
        bool init;
        char *restart_name;      /* "no", "always", "unless-stopped", "on-failure" */
        int64_t restart_max;     /* MaximumRetryCount */
        char *log_type;          /* "json-file" (default) or "none" */
        char **log_config;       /* key, value, ...: max-size, max-file */
        char *runtime;           /* "wharf" (default) or "runc" */
        char **binds;            /* -v HOST:CONTAINER[:MODE] (mounts.h) */
        char **tmpfs;            /* --tmpfs CONTAINER[:OPTIONS] */
        char *mounts;            /* --mount: docker's HostConfig.Mounts, JSON text (mounts.h) */
} HostConfig;

void host_config_done(HostConfig *h);

/* One CreateContainer option: 1 when key is one of ours (read), 0 when not
 * (nothing read), negative on error (error set for bad types). */
int host_config_read_option(sd_bus_message *m, const char *key, HostConfig *h, sd_bus_error *error);

/* docker's daemon checks and defaults (caps normalized, MemorySwap = 2 x
 * Memory when only Memory is given). ncpu: CPUs online, for --cpus.
 * -EINVAL with *ret_error (malloc'd) in docker's words. */
int host_config_check(HostConfig *h, bool auto_remove, long ncpu, char **ret_error);

/* The -v and --tmpfs entries in force: Binds and Tmpfs, then what Mounts
 * means in their terms (mounts_expand()). */
int host_config_mounts(const HostConfig *h, char ***ret_binds, char ***ret_tmpfs);

/* Adds the fields to container.json's Config and HostConfig objects. */
int host_config_to_json(const HostConfig *h, json_object *config, json_object *host);
int host_config_from_json(json_object *config, json_object *host, HostConfig *ret);

/* value of a key/value list, NULL if absent */
const char *kv_get(char * const *kv, const char *key);

/* security options */
bool host_config_no_new_privileges(const HostConfig *h);
/* "unconfined", a profile JSON, or NULL for the default profile */
const char *host_config_seccomp(const HostConfig *h);
/* log rotation: max-size in bytes (0: none), max-file (1 by default) */
int host_config_log_limits(const HostConfig *h, int64_t *ret_max_size, int64_t *ret_max_file);
