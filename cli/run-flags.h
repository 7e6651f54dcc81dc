/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The resource, security, lifecycle and logging flags of `wharf run` and
 * `wharf create`, parsed and checked as docker's CLI does (pflag's "invalid
 * argument" messages), and sent in CreateContainer's options under docker's
 * API names. run-options.c owns the getopt loop and hands these flags here. */

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>

#include "ulimit.h"

typedef struct RunFlags {
        int64_t memory;          /* bytes; 0 = unset */
        int64_t memory_swap;     /* bytes; -1 = unlimited; 0 = unset */
        int64_t nano_cpus;
        int64_t cpu_shares;
        int64_t pids_limit;
        bool pids_limit_set;
        char *cpuset_cpus;
        char **cap_add;
        char **cap_drop;
        bool privileged;
        char **security_opt;     /* as sent: seccomp=FILE becomes seccomp=<compact JSON> */
        Ulimit *ulimits;
        size_t n_ulimits;
        bool read_only;
        bool init;
        char *stop_signal;
        int64_t stop_timeout;
        bool stop_timeout_set;
        char *restart;           /* as given; NULL = unset */
        char *restart_name;
        int64_t restart_max;
        char **labels;           /* "k=v" */
        char **label_files;
        char **log_opts;         /* "k=v" */
        char *log_driver;
        char *runtime;
        char *detach_keys;
        char **volumes;          /* -v HOST:CONTAINER[:MODE] (absolute host paths) */
        char **tmpfs;            /* --tmpfs CONTAINER[:OPTIONS] */
        void *mounts;            /* --mount: a json_object array, HostConfig.Mounts */
} RunFlags;

enum {
        RUN_FLAG_MEMORY = 0x200,
        RUN_FLAG_MEMORY_SWAP,
        RUN_FLAG_CPUS,
        RUN_FLAG_CPU_SHARES,
        RUN_FLAG_CPUSET_CPUS,
        RUN_FLAG_PIDS_LIMIT,
        RUN_FLAG_CAP_ADD,
        RUN_FLAG_CAP_DROP,
        RUN_FLAG_PRIVILEGED,
        RUN_FLAG_SECURITY_OPT,
        RUN_FLAG_ULIMIT,
        RUN_FLAG_READ_ONLY,
        RUN_FLAG_INIT,
        RUN_FLAG_STOP_SIGNAL,
        RUN_FLAG_STOP_TIMEOUT,
        RUN_FLAG_RESTART,
        RUN_FLAG_LABEL,
        RUN_FLAG_LABEL_FILE,
        RUN_FLAG_LOG_OPT,
        RUN_FLAG_LOG_DRIVER,
        RUN_FLAG_RUNTIME,
        RUN_FLAG_DETACH_KEYS,
        RUN_FLAG_VOLUME,
        RUN_FLAG_TMPFS,
        RUN_FLAG_MOUNT,
};

/* getopt_long entries, for the options table of run/create */
#define RUN_FLAGS_OPTIONS                                                                       \
        { "memory",         required_argument, NULL, RUN_FLAG_MEMORY       },                  \
        { "memory-swap",    required_argument, NULL, RUN_FLAG_MEMORY_SWAP  },                  \
        { "cpus",           required_argument, NULL, RUN_FLAG_CPUS         },                  \
        { "cpu-shares",     required_argument, NULL, RUN_FLAG_CPU_SHARES   },                  \
        { "cpuset-cpus",    required_argument, NULL, RUN_FLAG_CPUSET_CPUS  },                  \
        { "pids-limit",     required_argument, NULL, RUN_FLAG_PIDS_LIMIT   },                  \
        { "cap-add",        required_argument, NULL, RUN_FLAG_CAP_ADD      },                  \
        { "cap-drop",       required_argument, NULL, RUN_FLAG_CAP_DROP     },                  \
        { "privileged",     no_argument,       NULL, RUN_FLAG_PRIVILEGED   },                  \
        { "security-opt",   required_argument, NULL, RUN_FLAG_SECURITY_OPT },                  \
        { "ulimit",         required_argument, NULL, RUN_FLAG_ULIMIT       },                  \
        { "read-only",      no_argument,       NULL, RUN_FLAG_READ_ONLY    },                  \
        { "init",           no_argument,       NULL, RUN_FLAG_INIT         },                  \
        { "stop-signal",    required_argument, NULL, RUN_FLAG_STOP_SIGNAL  },                  \
        { "stop-timeout",   required_argument, NULL, RUN_FLAG_STOP_TIMEOUT },                  \
        { "restart",        required_argument, NULL, RUN_FLAG_RESTART      },                  \
        { "label",          required_argument, NULL, RUN_FLAG_LABEL        },                  \
        { "label-file",     required_argument, NULL, RUN_FLAG_LABEL_FILE   },                  \
        { "log-opt",        required_argument, NULL, RUN_FLAG_LOG_OPT      },                  \
        { "log-driver",     required_argument, NULL, RUN_FLAG_LOG_DRIVER   },                  \
        { "runtime",        required_argument, NULL, RUN_FLAG_RUNTIME      },                  \
        { "detach-keys",    required_argument, NULL, RUN_FLAG_DETACH_KEYS  },                  \
        { "volume",         required_argument, NULL, RUN_FLAG_VOLUME       },                  \
        { "tmpfs",          required_argument, NULL, RUN_FLAG_TMPFS        },                  \
        { "mount",          required_argument, NULL, RUN_FLAG_MOUNT        }

/* short options of these flags, for getopt's optstring */
#define RUN_FLAGS_SHORT "m:c:l:v:"

void run_flags_done(RunFlags *f);

/* Takes one flag (c: a RUN_FLAG_* or 'm', 'c', 'l'). Returns 0 when taken,
 * -ENOENT when c is not one of ours, -EINVAL after printing docker's usage
 * error for command, -ENOMEM. */
int run_flags_parse(RunFlags *f, int c, const char *arg, const char *command);

/* Checks across flags once all are read (--restart with --rm, label
 * files); prints the error. */
int run_flags_finish(RunFlags *f, bool auto_remove, const char *command);

/* Appends the options entries ("{sv}" items, inside an open a{sv}). */
int run_flags_append(sd_bus_message *m, const RunFlags *f);

/* Help lines for these flags */
extern const char run_flags_help[];

/* docker's --restart: "no", "always", "unless-stopped", "on-failure[:N]";
 * returns -EINVAL with *ret_error for a bad format (docker CLI's checks;
 * the engine checks the name). */
int restart_policy_parse(const char *s, char **ret_name, int64_t *ret_max, const char **ret_error);

/* docker's --detach-keys: "ctrl-p,ctrl-q" -> bytes {0x10, 0x11}. Letters
 * a-z, ctrl-a..ctrl-z, ctrl-@, ctrl-[, ctrl-\, ctrl-], ctrl-^, ctrl-_.
 * Returns the number of bytes or -EINVAL. */
int detach_keys_parse(const char *s, unsigned char *ret, size_t size);
