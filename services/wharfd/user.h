/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Resolve a container's User ("name", "uid", "name:group", "uid:gid", ...)
 * against the rootfs's /etc/passwd and /etc/group, as docker does. */

#include <stddef.h>
#include <sys/types.h>

typedef struct UserInfo {
        uid_t uid;
        gid_t gid;
        gid_t *gids;     /* supplementary groups from /etc/group */
        size_t n_gids;
        char *home;      /* "/" when unknown */
} UserInfo;

void user_info_done(UserInfo *u);

/* -ESRCH with *ret_error "unable to find user X: no matching entries in
 * passwd file" (or group) for unknown names. */
int user_resolve(const char *rootfs, const char *user, UserInfo *ret, char **ret_error);
