/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/socket.h>

#include "fs-util.h"
#include "macro.h"
#include "netns.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_socket_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_link *, rtnl_link_put);

/* libnl reports its own error codes; the callers speak errno. */
int errno_from_nl(int nlerr) {
        switch (abs(nlerr)) {
        case 0:                 return 0;
        case NLE_NOMEM:         return -ENOMEM;
        case NLE_PERM:          return -EPERM;
        case NLE_NOACCESS:      return -EACCES;
        case NLE_OBJ_NOTFOUND:
        case NLE_NODEV:         return -ENODEV;
        case NLE_INVAL:         return -EINVAL;
        case NLE_OPNOTSUPP:     return -EOPNOTSUPP;
        case NLE_BUSY:          return -EBUSY;
        case NLE_AGAIN:         return -EAGAIN;
        default:                return -EIO;
        }
}

int rtnl_open(struct nl_sock **ret) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        int r;

        sk = nl_socket_alloc();
        if (!sk)
                return -ENOMEM;
        r = nl_connect(sk, NETLINK_ROUTE);
        if (r < 0)
                return errno_from_nl(r);
        *ret = TAKE_PTR(sk);
        return 0;
}

int netns_loopback_up(void) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL, *change = NULL;
        int r;

        r = rtnl_open(&sk);
        if (r < 0)
                return r;
        r = rtnl_link_get_kernel(sk, 0, "lo", &link);
        if (r < 0)
                return errno_from_nl(r);

        change = rtnl_link_alloc();
        if (!change)
                return -ENOMEM;
        rtnl_link_set_flags(change, IFF_UP);
        r = rtnl_link_change(sk, link, change, 0);
        if (r < 0)
                return errno_from_nl(r);
        return 0;
}

int netns_loopback_is_up(void) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        int r;

        r = rtnl_open(&sk);
        if (r < 0)
                return r;
        r = rtnl_link_get_kernel(sk, 0, "lo", &link);
        if (r < 0)
                return errno_from_nl(r);
        return !!(rtnl_link_get_flags(link) & IFF_UP);
}

int netns_new_pinned(const char *path, const char **ret_step) {
        const char *step;
        int r;

        step = "create network namespace";
        if (unshare(CLONE_NEWNET) < 0) {
                r = -errno;
                goto fail;
        }
        step = "bring up loopback";
        r = netns_loopback_up();
        if (r < 0)
                goto fail;
        /* Only now pin it: a namespace that failed to configure dies with us. */
        step = "pin network namespace";
        if (mount("/proc/self/ns/net", path, "none", MS_BIND, NULL) < 0) {
                r = -errno;
                goto fail;
        }
        return 0;
fail:
        if (ret_step)
                *ret_step = step;
        return r;
}

int netns_is_pinned(const char *path) {
        struct statfs sfs;

        if (statfs(path, &sfs) < 0)
                return -errno;
        return sfs.f_type == NSFS_MAGIC;
}

int netns_unpin(const char *path) {
        int r;

        /* Unmount only what is a namespace pin (several, should anything
         * have been stacked), never whatever else might sit there. */
        for (int i = 0; i < 16; i++) {
                r = netns_is_pinned(path);
                if (r == -ENOENT)
                        return 0;
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0)
                        return -errno;
        }
        if (unlink(path) < 0 && errno != ENOENT)
                return -errno;
        return 0;
}

int netns_dir_setup(const char *dir) {
        int r;

        r = mkdir_p(dir, 0755);
        if (r < 0)
                return r;
        /* What "ip netns add" does: make the directory a shared mount point,
         * binding it onto itself when it is not a mount point yet. */
        if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) >= 0)
                return 0;
        if (errno != EINVAL)
                return -errno;
        if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0)
                return -errno;
        if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) < 0)
                return -errno;
        return 0;
}

/* Whether dir is a bind mount of itself, as netns_dir_setup() makes it: a
 * mount point (per mountinfo) on the same file system as its parent. A
 * separate file system mounted there is someone else's and left alone. */
static int is_self_bind(const char *dir) {
        _cleanup_(freep) char *parent = NULL, *real = NULL, *line = NULL;
        _cleanup_(fclosep) FILE *f = NULL;
        struct stat a, b;
        size_t n = 0;

        parent = path_join(dir, "..");
        if (!parent)
                return -ENOMEM;
        if (stat(dir, &a) < 0 || stat(parent, &b) < 0)
                return -errno;
        if (a.st_dev != b.st_dev)
                return 0;

        real = realpath(dir, NULL);
        if (!real)
                return -errno;
        f = fopen("/proc/self/mountinfo", "re");
        if (!f)
                return -errno;
        while (getline(&line, &n, f) > 0) {
                char mp[PATH_MAX];
                /* id parent major:minor root mountpoint ...; paths with
                 * octal escapes simply do not match */
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 && streq(mp, real))
                        return 1;
        }
        return 0;
}

int netns_dir_release(const char *dir) {
        int r = is_self_bind(dir);
        if (r == -ENOENT)
                return 0;
        if (r <= 0)
                return r;
        if (umount2(dir, MNT_DETACH | UMOUNT_NOFOLLOW) < 0 && errno != EINVAL)
                return -errno;
        return 0;
}
