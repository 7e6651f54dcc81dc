/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

#include "macro.h"
#include "volume-copy.h"

/* each level holds two directory fds */
#define COPY_DEPTH_MAX 256U
#define COPY_BUFFER_SIZE (128U * 1024U)

typedef struct Copy {
        char *err;
        size_t err_size;
        char buf[COPY_BUFFER_SIZE];
} Copy;

_printf_(3, 4)
static int copy_fail(Copy *c, int r, const char *fmt, ...) {
        va_list ap;
        int n;

        va_start(ap, fmt);
        n = vsnprintf(c->err, c->err_size, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t) n < c->err_size)
                snprintf(c->err + n, c->err_size - n, ": %s", strerror(-r));
        return r;
}

static int copy_bytes(Copy *c, int from, int to) {
        for (;;) {
                ssize_t n = copy_file_range(from, NULL, to, NULL, SSIZE_MAX, 0);
                if (n == 0)
                        return 0;
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
        }
        /* across file systems (EXDEV) or not supported: by hand, from where
         * copy_file_range stopped (both offsets moved together) */
        for (;;) {
                ssize_t n = read(from, c->buf, sizeof c->buf);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return 0;
                for (ssize_t done = 0; done < n; ) {
                        ssize_t k = write(to, c->buf + done, n - done);
                        if (k < 0) {
                                if (errno == EINTR)
                                        continue;
                                return -errno;
                        }
                        done += k;
                }
        }
}

/* owner before mode: chown clears the set-id bits */
static int copy_metadata_fd(int fd, const struct stat *st) {
        struct timespec ts[2] = { st->st_atim, st->st_mtim };

        if (fchown(fd, st->st_uid, st->st_gid) < 0 || fchmod(fd, st->st_mode & 07777) < 0 ||
            futimens(fd, ts) < 0)
                return -errno;
        return 0;
}

static int copy_metadata_at(int dir, const char *name, const struct stat *st) {
        struct timespec ts[2] = { st->st_atim, st->st_mtim };

        if (fchownat(dir, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        /* there is no lchmod: a symlink's mode means nothing */
        if (!S_ISLNK(st->st_mode) && fchmodat(dir, name, st->st_mode & 07777, 0) < 0)
                return -errno;
        if (utimensat(dir, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        return 0;
}

static int copy_dir(Copy *c, int from, int to, const char *rel, unsigned depth);

static int copy_entry(Copy *c, int from, int to, const char *name, const char *rel, unsigned depth) {
        _cleanup_(closep) int sfd = -EBADF, dfd = -EBADF;
        _cleanup_(freep) char *sub = NULL;
        struct stat st;
        int r;

        if (asprintf(&sub, "%s/%s", rel, name) < 0)
                return copy_fail(c, -ENOMEM, "copying");
        if (fstatat(from, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return copy_fail(c, -errno, "reading %s", sub);

        switch (st.st_mode & S_IFMT) {
        case S_IFDIR:
                if (depth >= COPY_DEPTH_MAX)
                        return copy_fail(c, -ELOOP, "copying %s", sub);
                if (mkdirat(to, name, 0700) < 0)
                        return copy_fail(c, -errno, "creating %s", sub);
                sfd = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sfd < 0)
                        return copy_fail(c, -errno, "reading %s", sub);
                dfd = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (dfd < 0)
                        return copy_fail(c, -errno, "creating %s", sub);
                r = copy_dir(c, sfd, dfd, sub, depth + 1);
                if (r < 0)
                        return r;
                r = copy_metadata_fd(dfd, &st);
                break;
        case S_IFREG:
                sfd = openat(from, name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
                if (sfd < 0)
                        return copy_fail(c, -errno, "reading %s", sub);
                dfd = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
                if (dfd < 0)
                        return copy_fail(c, -errno, "creating %s", sub);
                r = copy_bytes(c, sfd, dfd);
                if (r < 0)
                        return copy_fail(c, r, "copying %s", sub);
                r = copy_metadata_fd(dfd, &st);
                break;
        case S_IFLNK: {
                char target[PATH_MAX];
                ssize_t n = readlinkat(from, name, target, sizeof target - 1);

                if (n < 0)
                        return copy_fail(c, -errno, "reading %s", sub);
                target[n] = 0;
                if (symlinkat(target, to, name) < 0)
                        return copy_fail(c, -errno, "creating %s", sub);
                r = copy_metadata_at(to, name, &st);
                break;
        }
        case S_IFIFO:
        case S_IFCHR:
        case S_IFBLK:
                if (mknodat(to, name, (st.st_mode & S_IFMT) | 0600, st.st_rdev) < 0)
                        return copy_fail(c, -errno, "creating %s", sub);
                r = copy_metadata_at(to, name, &st);
                break;
        default:
                /* sockets: as docker, nothing to carry over */
                return 0;
        }
        if (r < 0)
                return copy_fail(c, r, "setting owner, mode or times of %s", sub);
        return 0;
}

static int copy_dir(Copy *c, int from, int to, const char *rel, unsigned depth) {
        DIR *d;
        int fd, r = 0;

        fd = fcntl(from, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return copy_fail(c, -errno, "reading %s", rel);
        d = fdopendir(fd);
        if (!d) {
                r = -errno;
                safe_close(fd);
                return copy_fail(c, r, "reading %s", rel);
        }
        for (;;) {
                struct dirent *de;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        if (errno != 0)
                                r = copy_fail(c, -errno, "reading %s", rel);
                        break;
                }
                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                r = copy_entry(c, from, to, de->d_name, rel, depth);
                if (r < 0)
                        break;
        }
        closedir(d);
        return r;
}

static int dir_is_empty(int fd) {
        DIR *d;
        int dfd, r = 1;

        dfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (dfd < 0)
                return -errno;
        d = fdopendir(dfd);
        if (!d) {
                r = -errno;
                safe_close(dfd);
                return r;
        }
        for (struct dirent *de; (de = readdir(d)); )
                if (!streq(de->d_name, ".") && !streq(de->d_name, "..")) {
                        r = 0;
                        break;
                }
        closedir(d);
        return r;
}

int volume_data_is_empty(const char *data) {
        _cleanup_(closep) int fd = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

        return fd < 0 ? -errno : dir_is_empty(fd);
}

/* path inside root: "..", absolute symlinks and all stay below root */
static int open_in_root(int root, const char *path) {
        struct open_how how = {
                .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        int fd = (int) syscall(SYS_openat2, root, path, &how, sizeof how);

        return fd < 0 ? -errno : fd;
}

int volume_copy_up(const char *rootfs, const char *path, const char *data, char *err, size_t err_size) {
        _cleanup_(closep) int root = -EBADF, from = -EBADF, to = -EBADF;
        _cleanup_(freep) Copy *c = NULL;
        struct stat st;
        int r;

        c = malloc(sizeof *c);
        if (!c) {
                snprintf(err, err_size, "out of memory");
                return -ENOMEM;
        }
        c->err = err;
        c->err_size = err_size;
        err[0] = 0;

        to = open(data, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (to < 0)
                return copy_fail(c, -errno, "opening the volume");
        r = dir_is_empty(to);
        if (r < 0)
                return copy_fail(c, r, "reading the volume");
        if (r == 0)
                return 0;       /* docker copies into a new volume only */

        root = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root < 0)
                return copy_fail(c, -errno, "opening the container's rootfs");
        from = open_in_root(root, path);
        if (from == -ENOENT || from == -ENOTDIR)
                return 0;       /* nothing there to copy */
        if (from < 0)
                return copy_fail(c, from, "opening %s in the container", path);
        if (fstat(from, &st) < 0)
                return copy_fail(c, -errno, "reading %s", path);

        r = copy_dir(c, from, to, streq(path, "/") ? "" : path, 0);
        if (r < 0)
                return r;
        if (fchown(to, st.st_uid, st.st_gid) < 0 || fchmod(to, st.st_mode & 07777) < 0)
                return copy_fail(c, -errno, "setting the volume's owner and mode");
        return 0;
}
