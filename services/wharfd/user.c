/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "macro.h"
#include "user.h"

#define USER_DB_MAX (4U * 1024U * 1024U)

void user_info_done(UserInfo *u) {
        free(u->gids);
        free(u->home);
        *u = (UserInfo) {};
}

/* Open path inside rootfs, resolving symlinks as if rootfs were "/": the
 * image is untrusted, its /etc/passwd must not lead us to the host's files. */
static int open_in_root(const char *rootfs, const char *path) {
        _cleanup_(closep) int root_fd = -EBADF;
        struct open_how how = {
                .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
        };
        int fd;

        root_fd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (root_fd < 0)
                return -errno;
        fd = (int) syscall(SYS_openat2, root_fd, path, &how, sizeof how);
        if (fd >= 0)
                return fd;
        if (errno != ENOSYS)
                return -errno;
        /* old kernel: accept no symlinks at all */
        _cleanup_(closep) int etc_fd = openat(root_fd, "etc", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (etc_fd < 0)
                return -errno;
        fd = openat(etc_fd, path + strlen("etc/"), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY);
        return fd < 0 ? -errno : fd;
}

/* The file's lines; a missing file is an empty database. */
static int read_db(const char *rootfs, const char *path, char **ret) {
        _cleanup_(closep) int fd = -EBADF;
        _cleanup_(freep) char *buf = NULL;
        size_t n = 0;

        *ret = NULL;
        if (!rootfs)
                return 0;
        fd = open_in_root(rootfs, path);
        if (fd == -ENOENT || fd == -ELOOP)
                return 0;
        if (fd < 0)
                return fd;
        buf = malloc(USER_DB_MAX + 1);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                ssize_t k = read(fd, buf + n, USER_DB_MAX - n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (k == 0)
                        break;
                n += k;
                if (n >= USER_DB_MAX)
                        return -EFBIG;
        }
        buf[n] = 0;
        *ret = TAKE_PTR(buf);
        return 0;
}

static bool parse_id(const char *s, unsigned *ret) {
        char *end;
        unsigned long v;

        if (isempty(s) || s[0] < '0' || s[0] > '9')
                return false;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno != 0 || *end || v >= UINT_MAX)
                return false;
        *ret = (unsigned) v;
        return true;
}

/* Split a line into at most max ':'-separated fields (in place). */
static size_t split_fields(char *line, char **fields, size_t max) {
        size_t n = 0;

        fields[n++] = line;
        for (char *p = line; *p && n < max; p++)
                if (*p == ':') {
                        *p = 0;
                        fields[n++] = p + 1;
                }
        /* missing trailing fields read as empty */
        for (size_t i = n; i < max; i++)
                fields[i] = (char *) "";
        return n;
}

/* Finds the entry (name or numeric id) in a passwd or group database; fields
 * points into db, which is modified. */
static bool db_find(char *db, const char *key, size_t min_fields, char **fields, size_t max) {
        unsigned want_id = 0;
        bool numeric = parse_id(key, &want_id);

        for (char *line = db, *next; line && *line; line = next) {
                unsigned id;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                if (line[0] == '#' || line[0] == '+' || line[0] == '-')
                        continue;
                if (split_fields(line, fields, max) < min_fields)
                        continue;
                if (streq(fields[0], key))
                        return true;
                if (numeric && parse_id(fields[2], &id) && id == want_id)
                        return true;
        }
        return false;
}

static int find_supplementary(char *db, const char *user_name, gid_t primary, UserInfo *u) {
        for (char *line = db, *next; line && *line; line = next) {
                char *f[4];
                unsigned gid;

                next = strchr(line, '\n');
                if (next)
                        *next++ = 0;
                if (split_fields(line, f, 4) < 4 || !parse_id(f[2], &gid) || gid == primary)
                        continue;
                for (char *m = f[3], *e; m && *m; m = e) {
                        e = strchr(m, ',');
                        if (e)
                                *e++ = 0;
                        if (streq(m, user_name)) {
                                gid_t *n = realloc(u->gids, (u->n_gids + 1) * sizeof(gid_t));
                                if (!n)
                                        return -ENOMEM;
                                u->gids = n;
                                u->gids[u->n_gids++] = gid;
                                break;
                        }
                }
        }
        return 0;
}

int user_resolve(const char *rootfs, const char *user, UserInfo *ret, char **ret_error) {
        _cleanup_(freep) char *spec = NULL, *passwd = NULL, *group = NULL, *user_name = NULL;
        _cleanup_(user_info_done) UserInfo u = {};
        const char *name, *grp = NULL;
        char *f[7], *colon;
        unsigned id;
        int r;

        spec = strdup(isempty(user) ? "0" : user);
        if (!spec)
                return -ENOMEM;
        colon = strchr(spec, ':');
        if (colon) {
                *colon = 0;
                grp = colon + 1;
        }
        name = spec;

        r = read_db(rootfs, "etc/passwd", &passwd);
        if (r < 0)
                return r;

        if (!isempty(name) && passwd && db_find(passwd, name, 4, f, 7)) {
                if (!parse_id(f[2], &id))
                        goto no_user;
                u.uid = id;
                u.gid = parse_id(f[3], &id) ? id : 0;
                u.home = strdup(isempty(f[5]) ? "/" : f[5]);
                user_name = strdup(f[0]);
                if (!u.home || !user_name)
                        return -ENOMEM;
        } else if (parse_id(name, &id)) {
                u.uid = id;
                u.gid = 0;
        } else if (isempty(name))
                u.uid = u.gid = 0;
        else
                goto no_user;

        r = read_db(rootfs, "etc/group", &group);
        if (r < 0)
                return r;

        if (grp) {
                _cleanup_(freep) char *copy = group ? strdup(group) : NULL;
                if (group && !copy)
                        return -ENOMEM;
                if (copy && !isempty(grp) && db_find(copy, grp, 3, f, 4) && parse_id(f[2], &id))
                        u.gid = id;
                else if (parse_id(grp, &id))
                        u.gid = id;
                else {
                        if (ret_error && asprintf(ret_error, "unable to find group %s: no matching entries in group file", grp) < 0)
                                *ret_error = NULL;
                        return -ESRCH;
                }
        } else if (group && user_name) {
                r = find_supplementary(group, user_name, u.gid, &u);
                if (r < 0)
                        return r;
        }

        if (!u.home) {
                u.home = strdup("/");
                if (!u.home)
                        return -ENOMEM;
        }
        *ret = u;
        u = (UserInfo) {};
        return 0;

no_user:
        if (ret_error && asprintf(ret_error, "unable to find user %s: no matching entries in passwd file", name) < 0)
                *ret_error = NULL;
        return -ESRCH;
}
