/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "host-devices.h"
#include "macro.h"

/* bounds a hostile or odd tree; a real /dev has a few hundred nodes */
#define HOST_DEVICES_MAX 8192
#define HOST_DEVICES_DEPTH 8

static bool skip_directory(const char *name) {
        static const char *const skip[] = {
                "pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev",
        };
        for (size_t i = 0; i < ELEMENTSOF(skip); i++)
                if (streq(name, skip[i]))
                        return true;
        return false;
}

static json_object *device_json(const char *path, const struct stat *st) {
        json_object *d = json_object_new_object();

        json_object_object_add(d, "path", json_object_new_string(path));
        json_object_object_add(d, "type", json_object_new_string(S_ISBLK(st->st_mode) ? "b" : "c"));
        json_object_object_add(d, "major", json_object_new_int64(major(st->st_rdev)));
        json_object_object_add(d, "minor", json_object_new_int64(minor(st->st_rdev)));
        json_object_object_add(d, "fileMode", json_object_new_int64(st->st_mode & 07777));
        json_object_object_add(d, "uid", json_object_new_int64(st->st_uid));
        json_object_object_add(d, "gid", json_object_new_int64(st->st_gid));
        return d;
}

static int walk(int dfd, const char *prefix, unsigned depth, json_object *out) {
        DIR *d;
        struct dirent *de;
        int r = 0;

        d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return -errno;
        }
        while ((de = readdir(d))) {
                char path[PATH_MAX];
                struct stat st;

                if (streq(de->d_name, ".") || streq(de->d_name, ".."))
                        continue;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue; /* gone meanwhile */
                if ((size_t) snprintf(path, sizeof(path), "%s/%s", prefix, de->d_name) >= sizeof(path))
                        continue;
                if (S_ISDIR(st.st_mode)) {
                        int sub;

                        if (skip_directory(de->d_name) || depth >= HOST_DEVICES_DEPTH)
                                continue;
                        sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub < 0)
                                continue;
                        r = walk(sub, path, depth + 1, out);
                        if (r < 0)
                                break;
                        continue;
                }
                if ((!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode)) || streq(de->d_name, "console"))
                        continue;
                if (json_object_array_length(out) >= HOST_DEVICES_MAX) {
                        r = -E2BIG;
                        break;
                }
                json_object_array_add(out, device_json(path, &st));
        }
        closedir(d);
        return r;
}

int host_devices_json(const char *dir, json_object **ret) {
        json_object *out;
        int fd, r;

        fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        out = json_object_new_array();
        if (!out) {
                close(fd);
                return -ENOMEM;
        }
        r = walk(fd, "/dev", 0, out);
        if (r < 0) {
                json_object_put(out);
                return r;
        }
        *ret = out;
        return 0;
}
