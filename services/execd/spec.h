/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The part of an OCI runtime spec (config.json) that wharf honours, as a
 * plain struct. spec.c fills it from JSON (execd only); spec-wire.c flattens
 * it for wharf-monitor, which must not need a JSON parser. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef enum NamespaceType {
        NAMESPACE_PID,
        NAMESPACE_MOUNT,
        NAMESPACE_IPC,
        NAMESPACE_UTS,
        NAMESPACE_NETWORK,
        NAMESPACE_CGROUP,
        _NAMESPACE_TYPE_MAX,
        _NAMESPACE_TYPE_INVALID = -22, /* -EINVAL */
} NamespaceType;

const char *namespace_type_to_string(NamespaceType t);
NamespaceType namespace_type_from_string(const char *s);
/* CLONE_NEW* flag of the type */
int namespace_type_to_clone_flag(NamespaceType t);

typedef struct ExecMount {
        char *destination;
        char *type;
        char *source;
        unsigned long flags;    /* MS_* */
        char *data;             /* remaining options, comma separated; may be NULL */
} ExecMount;

/* linux.devices: a node made in the container (docker --privileged: every
 * device of the host's /dev) */
typedef struct ExecDevice {
        char *path;             /* absolute, in the container */
        char type;              /* 'c', 'b', 'u' (unbuffered char) or 'p' (fifo) */
        uint32_t major, minor;
        uint32_t mode;          /* permission bits (runc's default 0666) */
        uid_t uid;
        gid_t gid;
} ExecDevice;

typedef enum CapSet {
        CAP_SET_BOUNDING,
        CAP_SET_EFFECTIVE,
        CAP_SET_PERMITTED,
        CAP_SET_INHERITABLE,
        CAP_SET_AMBIENT,
        _CAP_SET_MAX,
} CapSet;

typedef struct ExecRlimit {
        int resource;           /* RLIMIT_* */
        uint64_t soft, hard;
} ExecRlimit;

/* linux.resources; 0 means "not set" throughout */
typedef struct ExecResources {
        int64_t memory_limit;   /* bytes */
        int64_t memory_swap;    /* memory + swap, bytes; -1 unlimited */
        int64_t cpu_quota;      /* µs per period; -1 unlimited */
        uint64_t cpu_period;    /* µs */
        uint64_t cpu_shares;
        int64_t pids_limit;     /* -1 unlimited */
        char *cpuset_cpus;
        char *cpuset_mems;
} ExecResources;

typedef struct ExecSpec {
        char *oci_version;

        char **args;
        char **env;
        char *cwd;
        uid_t uid;
        gid_t gid;
        gid_t *additional_gids;
        size_t n_additional_gids;
        bool terminal;
        bool no_new_privs;
        uint64_t caps[_CAP_SET_MAX];

        char *root_path;
        bool root_readonly;
        char *hostname;

        /* listed in linux.namespaces; path NULL means "create a new one" */
        bool ns[_NAMESPACE_TYPE_MAX];
        char *ns_path[_NAMESPACE_TYPE_MAX];

        ExecMount *mounts;
        size_t n_mounts;

        char **masked_paths;
        char **readonly_paths;

        ExecDevice *devices;
        size_t n_devices;

        ExecRlimit *rlimits;
        size_t n_rlimits;

        ExecResources resources;
        char *cgroups_path;     /* linux.cgroupsPath, relative to our own cgroup */

        /* linux.seccomp compiled by execd (seccomp.c): struct sock_filter[] */
        void *seccomp_bpf;
        size_t seccomp_bpf_size;
        char *seccomp_json;     /* execd only: the linux.seccomp object as text */

        /* annotations org.wharf.log.* (docker json-file) */
        char *log_path;
        uint64_t log_max_size;  /* 0: unlimited */
        unsigned log_max_file;  /* files kept, the current one included */
        /* annotation org.wharf.stdin.keep-open: stdin EOF from Run does not
         * close the container's stdin (docker run -i -d, attach later) */
        bool stdin_keep_open;
        /* annotation org.wharf.runtime ("wharf", "runc", ...; execd only) and
         * the external OCI runtime's binary execd resolved it to (NULL: our
         * own init); the monitor then runs that runtime on the bundle */
        char *runtime;
        char *runtime_path;
} ExecSpec;

/* docker's default capability set */
extern const uint64_t exec_default_caps;

void exec_spec_done(ExecSpec *s);

/* Parses config.json text. On error returns a negative errno and, if
 * ret_error is given, a malloc'd one-line reason ("process.args: ..."). */
int exec_spec_parse(const char *json, ExecSpec *ret, char **ret_error);

/* Parses an OCI "process" object alone (Exec): args, env, cwd, user,
 * terminal, capabilities, noNewPrivileges, rlimits. */
int exec_process_parse(const char *json, ExecSpec *ret, char **ret_error);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE; -EINVAL if unknown */
int rlimit_from_name(const char *name);

/* Flat form for the monitor: "<tag><value>\0" records. */
int exec_spec_serialize(const ExecSpec *s, char **ret, size_t *ret_size);
int exec_spec_deserialize(const char *buf, size_t size, ExecSpec *ret);


/* mount options ("ro", "nosuid", "mode=755", ...) to MS_* flags and data */
int mount_options_parse(char * const *options, unsigned long *ret_flags, char **ret_data);
