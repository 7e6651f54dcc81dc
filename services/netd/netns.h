/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Network namespaces pinned by bind mounts, the way iproute2 does it
 * ("ip netns add"): an empty file, with /proc/self/ns/net of a process in
 * the new namespace bind-mounted onto it, keeps the namespace alive after
 * that process is gone, and others can join it with setns(2) by path. */

#include <stdbool.h>

/* Make dir (created if missing) a shared mount point, bind-mounting it onto
 * itself first if needed, so that pins made later propagate into mount
 * namespaces copied from ours, and so do their removals (a stale copy would
 * otherwise keep a namespace alive). */
int netns_dir_setup(const char *dir);

/* Undo netns_dir_setup's self bind mount (lazily); fine if there is none. */
int netns_dir_release(const char *dir);

/* Bring the loopback link of the calling thread's network namespace up,
 * through rtnetlink (libnl-route). */
int netns_loopback_up(void);

/* Whether lo of the calling thread's network namespace is up (0/1, <0 on
 * error). */
int netns_loopback_is_up(void);

/* Moves the CALLING PROCESS into a new network namespace, brings lo up and
 * pins the namespace on path, an existing empty file. Meant for a
 * short-lived forked child: the caller never gets its namespace back. On
 * failure *ret_step names what failed. */
int netns_new_pinned(const char *path, const char **ret_step);

/* Unmount (lazily) and remove a pin; succeeds if it is already gone;
 * -EBUSY if something other than a namespace is mounted on it. */
int netns_unpin(const char *path);

/* Whether path has a network namespace (nsfs) mounted on it: 1/0, or <0 on
 * error (-ENOENT if path does not exist). */
int netns_is_pinned(const char *path);

struct nl_sock;
/* libnl error code to negative errno */
int errno_from_nl(int nlerr);
/* a connected NETLINK_ROUTE socket of libnl */
int rtnl_open(struct nl_sock **ret);
