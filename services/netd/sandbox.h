/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* A container's network sandbox: its network namespace, pinned at
 * NETNS_DIR/<container id> (RUN/net/netns/<id>), configured for a mode.
 * The pins are the only record: what is pinned there is what exists, so
 * nothing can disagree after a crash. */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef enum NetMode {
        NET_MODE_NONE,          /* own namespace, loopback up only */
        NET_MODE_HOST,          /* docker's modes, not implemented yet */
        NET_MODE_BRIDGE,
        _NET_MODE_MAX,
        _NET_MODE_INVALID = -EINVAL,
} NetMode;

const char *net_mode_to_string(NetMode m);
/* _NET_MODE_INVALID for anything unknown */
NetMode net_mode_from_string(const char *s);
bool net_mode_is_supported(NetMode m);

/* malloc'd netns_dir/<id>; -EINVAL unless id is a full container id (64
 * lowercase hex), which also keeps the path inside netns_dir. */
int sandbox_path(const char *netns_dir, const char *id, char **ret);

/* Creating is split so that the daemon never waits: _start creates the
 * empty pin file (-EEXIST if the sandbox exists or is being created) and
 * forks a child that makes, configures and pins the namespace; it returns
 * the child's pid and the read end of a pipe on which a failing child
 * explains itself. Once the child has exited, _finish takes its waitid()
 * code and status and the pipe: 0 when the sandbox is ready, else <0 with
 * *ret_message set ("bring up loopback: Operation not permitted") and the
 * pin file removed again. */
int sandbox_create_start(const char *netns_dir, const char *id, NetMode mode,
                         pid_t *ret_pid, int *ret_errfd);
/* What a new sandbox gets beyond loopback: either the namespace at join
 * is pinned (host mode: netd's own; container: another sandbox's), or a
 * new one with these veths. */
struct VethConfig;
typedef struct SandboxPlan {
        const char *join;
        const struct VethConfig *veths;
        size_t n_veths;
} SandboxPlan;

/* sandbox_create_start with a plan (NULL: loopback only, "none") */
int sandbox_create_start_plan(const char *netns_dir, const char *id, const SandboxPlan *plan,
                              pid_t *ret_pid, int *ret_errfd);
/* Adds plan's veths to a pinned sandbox (network connect), in a child as
 * above; _finish reads its result (nothing to undo but the veths, which
 * the caller deletes by their host names). */
int sandbox_attach_start(const char *netns_dir, const char *id, const SandboxPlan *plan,
                         pid_t *ret_pid, int *ret_errfd);
int sandbox_attach_finish(int code, int status, int errfd, char **ret_message);

int sandbox_create_finish(const char *netns_dir, const char *id, int code, int status,
                          int errfd, char **ret_message);

/* Unpin and remove; 0 also when there was nothing. */
int sandbox_remove(const char *netns_dir, const char *id);

/* Sorted ids of the pinned sandboxes (a NULL-terminated strv, maybe empty). */
int sandbox_list(const char *netns_dir, char ***ret_ids);

/* At start-up: remove pin files with a container id name that pin nothing
 * (left by a crash mid-create); pinned ones are kept, other names are not
 * ours and left alone. Returns how many were removed. */
int sandbox_reconcile(const char *netns_dir);
