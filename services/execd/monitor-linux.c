/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The container side of wharf-monitor: what runs between clone() and
 * execve(). Mount targets are resolved with openat2(RESOLVE_IN_ROOT) and
 * mounted through /proc/self/fd, so symlinks in an image cannot point a mount
 * outside the rootfs. */
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <termios.h>

#include "exec-util.h"
#include "fs-util.h"
#include "monitor-linux.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

void monitor_report_failure(int fd, MonitorStage stage, int error, const char *fmt, ...) {
        MonitorMessage m = {
                .type = MONITOR_FAILED,
                .error = error,
                .stage = stage,
        };
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(m.text, sizeof(m.text), fmt, ap);
        va_end(ap);
        if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) < 0 && errno == ENOTSOCK)
                (void) loop_write(fd, &m, sizeof(m));
}

_noreturn_ _printf_(4, 5)
static void die(int errfd, MonitorStage stage, int error, const char *fmt, ...) {
        char text[sizeof(((MonitorMessage *) NULL)->text)];
        va_list ap;

        va_start(ap, fmt);
        vsnprintf(text, sizeof(text), fmt, ap);
        va_end(ap);
        monitor_report_failure(errfd, stage, error, "%s", text);
        _exit(stage == MONITOR_STAGE_EXEC ? 127 : 125);
}

#define die_errno(errfd, what, ...) \
        die(errfd, MONITOR_STAGE_SETUP, errno, what ": %m", ##__VA_ARGS__)

static char *fd_path(int fd, char buf[static 32]) {
        snprintf(buf, 32, "/proc/self/fd/%d", fd);
        return buf;
}

static int openat2_in_root(int rootfd, const char *path) {
        struct open_how how = {
                .flags = O_PATH | O_CLOEXEC,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        while (*path == '/')
                path++;
        if (!*path)
                path = ".";
        return (int) syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
}

/* Opens path inside the root (O_PATH), creating missing components: all as
 * directories, except the last one when want_file. */
static int open_in_root(int rootfd, const char *path, bool want_file) {
        char prefix[PATH_MAX];
        int fd, parent;

        fd = openat2_in_root(rootfd, path);
        if (fd >= 0 || errno != ENOENT)
                return fd;

        while (*path == '/')
                path++;
        if (strlen(path) >= sizeof(prefix)) {
                errno = ENAMETOOLONG;
                return -1;
        }

        parent = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
        if (parent < 0)
                return -1;
        for (const char *c = path; *c; ) {
                const char *end = strchrnul(c, '/');
                bool last = !*end || !end[strspn(end, "/")];
                char name[NAME_MAX + 1];

                if ((size_t) (end - c) > NAME_MAX) {
                        close(parent);
                        errno = ENAMETOOLONG;
                        return -1;
                }
                memcpy(name, c, end - c);
                name[end - c] = 0;
                memcpy(prefix, path, end - path);
                prefix[end - path] = 0;

                fd = openat2_in_root(rootfd, prefix);
                if (fd < 0 && errno == ENOENT) {
                        if (last && want_file) {
                                int f = openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
                                if (f >= 0)
                                        close(f);
                        } else
                                (void) mkdirat(parent, name, 0755);
                        fd = openat2_in_root(rootfd, prefix);
                }
                close(parent);
                if (fd < 0)
                        return -1;
                parent = fd;

                c = end + strspn(end, "/");
        }
        return parent;
}

/* Mounts onto path inside the root; remount_flags (MS_RDONLY, ...) are
 * applied in a second step, which bind mounts need. */
static int mount_in_root(int rootfd, const char *source, const char *path, bool want_file,
                         const char *type, unsigned long flags, const char *data, unsigned long remount_flags) {
        char p[32];
        int fd, r = 0;

        fd = open_in_root(rootfd, path, want_file);
        if (fd < 0)
                return -1;
        if (mount(source, fd_path(fd, p), type, flags, data) < 0)
                r = -1;
        close(fd);
        if (r < 0 || remount_flags == 0)
                return r;

        /* reopen: the old fd is the covered directory, not the new mount */
        fd = openat2_in_root(rootfd, path);
        if (fd < 0)
                return -1;
        if (mount(NULL, fd_path(fd, p), NULL, MS_REMOUNT | MS_BIND | remount_flags, NULL) < 0)
                r = -1;
        close(fd);
        return r;
}

static const ExecDevice *spec_device(const ExecSpec *s, const char *path) {
        for (size_t i = 0; i < s->n_devices; i++)
                if (streq(s->devices[i].path, path))
                        return &s->devices[i];
        return NULL;
}

/* linux.devices: the node, owned and moded as asked; without CAP_MKNOD (a
 * user namespace) a bind mount of the host's node at the same path, as runc.
 * /dev/ptmx stays our link to the container's devpts (runc replaces it too). */
static void create_spec_devices(const ExecSpec *s, int rootfd, int errfd) {
        for (size_t i = 0; i < s->n_devices; i++) {
                const ExecDevice *d = &s->devices[i];
                const char *slash = strrchr(d->path, '/'), *base = slash + 1;
                char dir[PATH_MAX], p[32], sub[PATH_MAX + 32];
                mode_t type = d->type == 'b' ? S_IFBLK : d->type == 'p' ? S_IFIFO : S_IFCHR;
                int dirfd;

                if (streq(d->path, "/dev/ptmx"))
                        continue;
                if ((size_t) (slash - d->path) >= sizeof(dir))
                        die(errfd, MONITOR_STAGE_SETUP, ENAMETOOLONG, "device %s: path too long", d->path);
                memcpy(dir, d->path, slash - d->path);
                dir[slash - d->path] = 0;
                dirfd = open_in_root(rootfd, dir[0] ? dir : "/", false);
                if (dirfd < 0)
                        die_errno(errfd, "device %s: open %s", d->path, dir);
                /* a spec entry replaces a default node (runc) */
                if (unlinkat(dirfd, base, 0) < 0 && errno != ENOENT)
                        die_errno(errfd, "device %s: remove the old node", d->path);
                if (mknodat(dirfd, base, type | (d->mode & 07777), makedev(d->major, d->minor)) < 0) {
                        int f;

                        if (errno != EPERM)
                                die_errno(errfd, "mknod %s", d->path);
                        f = openat(dirfd, base, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
                        if (f < 0)
                                die_errno(errfd, "create %s", d->path);
                        close(f);
                        snprintf(sub, sizeof(sub), "%s/%s", fd_path(dirfd, p), base);
                        if (mount(d->path, sub, NULL, MS_BIND, NULL) < 0)
                                die_errno(errfd, "bind mount %s", d->path);
                } else if (fchownat(dirfd, base, d->uid, d->gid, AT_SYMLINK_NOFOLLOW) < 0)
                        die_errno(errfd, "chown %s", d->path);
                close(dirfd);
        }
}

static void setup_dev(const ExecSpec *s, int rootfd, int errfd) {
        static const struct {
                const char *name;
                unsigned major, minor;
        } devices[] = {
                { "null", 1, 3 }, { "zero", 1, 5 }, { "full", 1, 7 },
                { "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
        };
        static const struct {
                const char *name, *target;
        } links[] = {
                { "fd", "/proc/self/fd" }, { "stdin", "/proc/self/fd/0" },
                { "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
                { "ptmx", "pts/ptmx" }, { "core", "/proc/kcore" },
        };
        char p[32], sub[64];
        int devfd;

        if (mount_in_root(rootfd, "tmpfs", "/dev", false, "tmpfs", MS_NOSUID | MS_STRICTATIME,
                          "mode=755,size=65536k", 0) < 0)
                die_errno(errfd, "mount /dev");
        devfd = openat2_in_root(rootfd, "/dev");
        if (devfd < 0)
                die_errno(errfd, "open /dev");

        /* a fresh tmpfs of our own: no symlinks to fear below it */
        for (size_t i = 0; i < ELEMENTSOF(devices); i++) {
                char path[32];

                snprintf(path, sizeof(path), "/dev/%s", devices[i].name);
                if (spec_device(s, path))
                        continue; /* made below as the spec says */
                if (mknodat(devfd, devices[i].name, S_IFCHR | 0666,
                            makedev(devices[i].major, devices[i].minor)) >= 0)
                        continue;
                /* no CAP_MKNOD (e.g. in a user namespace): bind the host's node */
                char host[32];
                int f = openat(devfd, devices[i].name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
                if (f < 0)
                        die_errno(errfd, "create /dev/%s", devices[i].name);
                close(f);
                snprintf(host, sizeof(host), "/dev/%s", devices[i].name);
                snprintf(sub, sizeof(sub), "%s/%s", fd_path(devfd, p), devices[i].name);
                if (mount(host, sub, NULL, MS_BIND, NULL) < 0)
                        die_errno(errfd, "bind mount /dev/%s", devices[i].name);
        }

        if (mkdirat(devfd, "pts", 0755) < 0 || mkdirat(devfd, "shm", 01777) < 0 ||
            mkdirat(devfd, "mqueue", 0755) < 0)
                die_errno(errfd, "mkdir in /dev");
        snprintf(sub, sizeof(sub), "%s/pts", fd_path(devfd, p));
        if (mount("devpts", sub, "devpts", MS_NOSUID | MS_NOEXEC,
                  "newinstance,ptmxmode=0666,mode=0620,gid=5") < 0)
                die_errno(errfd, "mount /dev/pts");
        snprintf(sub, sizeof(sub), "%s/shm", fd_path(devfd, p));
        if (mount("shm", sub, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") < 0)
                die_errno(errfd, "mount /dev/shm");
        snprintf(sub, sizeof(sub), "%s/mqueue", fd_path(devfd, p));
        if (mount("mqueue", sub, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
                die_errno(errfd, "mount /dev/mqueue");

        for (size_t i = 0; i < ELEMENTSOF(links); i++)
                /* as runc: /dev/core only where the kernel has /proc/kcore */
                if (!(streq(links[i].name, "core") && access("/proc/kcore", F_OK) < 0) &&
                    symlinkat(links[i].target, devfd, links[i].name) < 0)
                        die_errno(errfd, "symlink /dev/%s", links[i].name);
        close(devfd);

        create_spec_devices(s, rootfd, errfd);
}

static bool is_standard_destination(const char *d) {
        static const char * const standard[] = {
                "/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys",
        };
        for (size_t i = 0; i < ELEMENTSOF(standard); i++)
                if (streq(d, standard[i]))
                        return true;
        return false;
}

/* /sys/fs/cgroup inside: read-only unless the mount lacks "ro" (docker's
 * --privileged), showing the container's own cgroup when it has a cgroup
 * namespace (the kernel roots the mounts there). */
static void mount_cgroups(const ExecMount *m, const Cgroup *cg, int rootfd, int errfd) {
        const unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC | (m->flags & MS_RDONLY);
        char p[32], sub[64];
        int fd;

        if (!cg || !cg->ops)
                return;
        if (cg->ops == &cgroup_v2_ops) {
                if (mount_in_root(rootfd, "cgroup2", m->destination, false, "cgroup2", flags, NULL, 0) < 0)
                        die_errno(errfd, "mount %s", m->destination);
                return;
        }
        if (mount_in_root(rootfd, "tmpfs", m->destination, false, "tmpfs", flags & ~MS_RDONLY, "mode=755,size=64k", 0) < 0)
                die_errno(errfd, "mount %s", m->destination);
        fd = openat2_in_root(rootfd, m->destination);
        if (fd < 0)
                die_errno(errfd, "open %s", m->destination);
        for (CgroupController c = 0; c < _CGROUP_CONTROLLER_MAX; c++) {
                const char *name = cgroup_controller_to_string(c);
                if (!cg->paths[c])
                        continue;
                snprintf(sub, sizeof(sub), "%s/%s", fd_path(fd, p), name);
                if (mkdir(sub, 0755) < 0 || mount("cgroup", sub, "cgroup", flags, name) < 0)
                        die_errno(errfd, "mount %s/%s", m->destination, name);
        }
        if ((flags & MS_RDONLY) && mount(NULL, fd_path(fd, p), NULL, MS_REMOUNT | MS_BIND | flags, NULL) < 0)
                die_errno(errfd, "remount %s read-only", m->destination);
        close(fd);
}

static void setup_spec_mounts(const ExecSpec *s, const Cgroup *cg, int rootfd, int errfd) {
        const unsigned long remount_mask = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

        for (size_t i = 0; i < s->n_mounts; i++) {
                const ExecMount *m = &s->mounts[i];
                int r;

                /* the standard set is ours */
                if (is_standard_destination(m->destination))
                        continue;
                if (m->type && (streq(m->type, "cgroup") || streq(m->type, "cgroup2"))) {
                        mount_cgroups(m, cg, rootfd, errfd);
                        continue;
                }

                if (m->flags & MS_BIND) {
                        struct stat st;
                        if (stat(m->source, &st) < 0)
                                die_errno(errfd, "mount %s: source %s", m->destination, m->source);
                        r = mount_in_root(rootfd, m->source, m->destination, !S_ISDIR(st.st_mode), NULL,
                                          MS_BIND | (m->flags & MS_REC), NULL, m->flags & remount_mask);
                } else
                        r = mount_in_root(rootfd, m->source ?: m->type, m->destination, false, m->type,
                                          m->flags & ~MS_REC, m->data, 0);
                if (r < 0)
                        die_errno(errfd, "mount %s", m->destination);
        }
}

static void setup_masked_paths(const ExecSpec *s, int rootfd, int errfd) {
        char p[32];

        STRV_FOREACH(path, s->masked_paths) {
                struct stat st;
                int fd = openat2_in_root(rootfd, *path), r;

                if (fd < 0) {
                        if (errno == ENOENT)
                                continue;
                        die_errno(errfd, "mask %s", *path);
                }
                if (fstat(fd, &st) < 0)
                        die_errno(errfd, "mask %s", *path);
                if (S_ISDIR(st.st_mode))
                        r = mount("tmpfs", fd_path(fd, p), "tmpfs", MS_RDONLY, "size=0");
                else
                        r = mount("/dev/null", fd_path(fd, p), NULL, MS_BIND, NULL);
                if (r < 0)
                        die_errno(errfd, "mask %s", *path);
                close(fd);
        }

        STRV_FOREACH(path, s->readonly_paths) {
                int fd = openat2_in_root(rootfd, *path), r;

                if (fd < 0) {
                        if (errno == ENOENT)
                                continue;
                        die_errno(errfd, "make %s read-only", *path);
                }
                r = mount(fd_path(fd, p), fd_path(fd, p), NULL, MS_BIND | MS_REC, NULL);
                close(fd);
                if (r >= 0) {
                        fd = openat2_in_root(rootfd, *path);
                        r = fd < 0 ? -1 : mount(NULL, fd_path(fd, p), NULL,
                                                MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
                        if (fd >= 0)
                                close(fd);
                }
                if (r < 0)
                        die_errno(errfd, "make %s read-only", *path);
        }
}

/* /sys is read-only unless a spec mount of type sysfs there says otherwise
 * (docker's --privileged) */
static unsigned long sys_mount_flags(const ExecSpec *s) {
        const unsigned long mask = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;

        for (size_t i = 0; i < s->n_mounts; i++)
                if (streq(s->mounts[i].destination, "/sys") && streq_ptr(s->mounts[i].type, "sysfs"))
                        return s->mounts[i].flags & mask;
        return mask;
}

static void setup_rootfs(const ExecSpec *s, const Cgroup *cg, int errfd) {
        unsigned long sys_flags;
        int rootfd;

        /* nothing we mount may propagate back to the host */
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                die_errno(errfd, "make / rprivate");
        if (mount(s->root_path, s->root_path, NULL, MS_BIND | MS_REC, NULL) < 0)
                die_errno(errfd, "bind mount %s", s->root_path);
        rootfd = open(s->root_path, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                die_errno(errfd, "open %s", s->root_path);

        if (mount_in_root(rootfd, "proc", "/proc", false, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0) < 0)
                die_errno(errfd, "mount /proc");
        setup_dev(s, rootfd, errfd);

        sys_flags = sys_mount_flags(s);
        if (mount_in_root(rootfd, "sysfs", "/sys", false, "sysfs", sys_flags, NULL, 0) < 0 &&
            /* sysfs refuses when the netns is not ours to show: bind the host's */
            mount_in_root(rootfd, "/sys", "/sys", false, NULL, MS_BIND | MS_REC, NULL,
                          sys_flags) < 0)
                die_errno(errfd, "mount /sys");

        setup_spec_mounts(s, cg, rootfd, errfd);
        setup_masked_paths(s, rootfd, errfd);

        /* pivot_root(".", ".") stacks the old root on top of the new one;
         * detaching "." then drops it without needing a directory for it */
        if (fchdir(rootfd) < 0)
                die_errno(errfd, "chdir %s", s->root_path);
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                die_errno(errfd, "pivot_root");
        if (umount2(".", MNT_DETACH) < 0)
                die_errno(errfd, "detach old root");
        if (chdir("/") < 0)
                die_errno(errfd, "chdir /");
        close(rootfd);

        if (s->root_readonly &&
            mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL) < 0)
                die_errno(errfd, "remount / read-only");
}

static void setup_cwd(const ExecSpec *s, int errfd) {
        struct stat st;

        /* docker creates a missing working directory */
        if (stat(s->cwd, &st) < 0) {
                if (errno != ENOENT)
                        die_errno(errfd, "chdir to cwd (\"%s\")", s->cwd);
                int r = mkdir_p(s->cwd, 0755);
                if (r < 0)
                        die(errfd, MONITOR_STAGE_SETUP, -r, "mkdir cwd (\"%s\"): %s", s->cwd, strerror(-r));
        } else if (!S_ISDIR(st.st_mode))
                die(errfd, MONITOR_STAGE_SETUP, ENOTDIR,
                    "chdir to cwd (\"%s\") set in config.json failed: not a directory", s->cwd);
        if (chdir(s->cwd) < 0)
                die_errno(errfd, "chdir to cwd (\"%s\")", s->cwd);
}

static int capset_sets(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];

        for (int i = 0; i < 2; i++)
                d[i] = (struct __user_cap_data_struct) {
                        .effective = (uint32_t) (effective >> (32 * i)),
                        .permitted = (uint32_t) (permitted >> (32 * i)),
                        .inheritable = (uint32_t) (inheritable >> (32 * i)),
                };
        return (int) syscall(SYS_capset, &h, d);
}

static int caps_raise_effective(void) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2];

        if (syscall(SYS_capget, &h, d) < 0)
                return -1;
        d[0].effective = d[0].permitted;
        d[1].effective = d[1].permitted;
        return (int) syscall(SYS_capset, &h, d);
}

static void setup_user_and_caps(const ExecSpec *s, int errfd) {
        /* keep the permitted set across setresuid() for the capset below */
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                die_errno(errfd, "keep capabilities");
        if (setgroups(s->n_additional_gids, s->additional_gids) < 0)
                die_errno(errfd, "setgroups");
        if (setresgid(s->gid, s->gid, s->gid) < 0)
                die_errno(errfd, "setgid %u", (unsigned) s->gid);
        if (setresuid(s->uid, s->uid, s->uid) < 0)
                die_errno(errfd, "setuid %u", (unsigned) s->uid);

        /* a uid change cleared the effective set; dropping the bounding set
         * needs CAP_SETPCAP back */
        if (s->uid != 0 && caps_raise_effective() < 0)
                die_errno(errfd, "restore capabilities");
        for (int c = 0; c < 64; c++) {
                if (s->caps[CAP_SET_BOUNDING] & (UINT64_C(1) << c))
                        continue;
                if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0) {
                        if (errno == EINVAL)
                                break; /* past the kernel's last capability */
                        die_errno(errfd, "drop capability %d from the bounding set", c);
                }
        }
        if (capset_sets(s->caps[CAP_SET_EFFECTIVE], s->caps[CAP_SET_PERMITTED], s->caps[CAP_SET_INHERITABLE]) < 0)
                die_errno(errfd, "capset");
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                die_errno(errfd, "clear ambient capabilities");
        for (int c = 0; c < 64; c++)
                if ((s->caps[CAP_SET_AMBIENT] & (UINT64_C(1) << c)) &&
                    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
                        die_errno(errfd, "raise ambient capability %d", c);
        if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
                die_errno(errfd, "reset keep capabilities");
        if (s->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                die_errno(errfd, "set no_new_privs");
}

static void close_other_fds(void) {
        /* the error pipe is CLOEXEC already; so is everything else now */
        if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) >= 0)
                return;
        for (int fd = 3; fd < 65536; fd++)
                (void) fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* Opens a pty in the container's devpts, hands the master to the monitor and
 * makes the slave our controlling terminal and stdio. */
static void setup_terminal(int errfd) {
        MonitorMessage m = { .type = MONITOR_TERMINAL };
        char name[64];
        int master, slave;

        master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (master < 0)
                die_errno(errfd, "open /dev/ptmx");
        if (unlockpt(master) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
                die_errno(errfd, "unlock pty");
        slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                die_errno(errfd, "open %s", name);
        if (monitor_send_fd(errfd, &m, master) < 0)
                die_errno(errfd, "send the pty master");
        close(master);
        if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
                die_errno(errfd, "make %s the controlling terminal", name);
        for (int fd = 0; fd < 3; fd++)
                if (dup2(slave, fd) < 0)
                        die_errno(errfd, "dup2 pty");
        close(slave);
}

static void setup_stdio(const InitContext *ctx, int errfd) {
        int fds[3];

        /* above 2 first, so no dup2 overwrites a later source */
        for (int i = 0; i < 3; i++) {
                fds[i] = fcntl(ctx->stdio[i], F_DUPFD_CLOEXEC, 3);
                if (fds[i] < 0)
                        die_errno(errfd, "dup stdio");
        }
        for (int i = 0; i < 3; i++)
                if (dup2(fds[i], i) < 0)
                        die_errno(errfd, "dup2 stdio");
        for (int i = 0; i < 3; i++)
                close(fds[i]);
}

static void setup_rlimits(const ExecSpec *s, int errfd) {
        for (size_t i = 0; i < s->n_rlimits; i++) {
                struct rlimit rl = {
                        .rlim_cur = s->rlimits[i].soft == UINT64_MAX ? RLIM_INFINITY : s->rlimits[i].soft,
                        .rlim_max = s->rlimits[i].hard == UINT64_MAX ? RLIM_INFINITY : s->rlimits[i].hard,
                };
                if (setrlimit(s->rlimits[i].resource, &rl) < 0)
                        die_errno(errfd, "setrlimit %d", s->rlimits[i].resource);
        }
}

static void load_seccomp(const ExecSpec *s, int errfd) {
        struct sock_fprog prog = {
                .len = (unsigned short) (s->seccomp_bpf_size / sizeof(struct sock_filter)),
                .filter = s->seccomp_bpf,
        };

        if (s->seccomp_bpf_size == 0)
                return;
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
                die_errno(errfd, "load the seccomp filter");
}

static void enter_cgroup(const InitContext *ctx, int errfd) {
        if (ctx->cgroup && ctx->cgroup->ops && !ctx->in_cgroup) {
                int r = ctx->cgroup->ops->enter(ctx->cgroup, 0);
                if (r < 0)
                        die(errfd, MONITOR_STAGE_SETUP, -r, "join the cgroup: %s", strerror(-r));
        }
        if (ctx->cgroup_ns && unshare(CLONE_NEWCGROUP) < 0)
                die_errno(errfd, "new cgroup namespace");
}

/* Everything from the working directory to execve, shared by the init and
 * exec'd processes. */
_noreturn_
static void finish_process(const ExecSpec *s, int errfd) {
        char path[PATH_MAX];
        int r;

        setup_cwd(s, errfd);
        if (s->terminal)
                setup_terminal(errfd);
        setup_rlimits(s, errfd);
        /* as runc: without no_new_privs only CAP_SYS_ADMIN may load a filter,
         * so load it while we have it; with it, as late as possible */
        if (!s->no_new_privs)
                load_seccomp(s, errfd);
        setup_user_and_caps(s, errfd);
        umask(022);

        r = exec_path_lookup(s->args[0], exec_env_path(s->env), path, sizeof(path));
        if (r == -ENOENT)
                die(errfd, MONITOR_STAGE_EXEC, ENOENT, "exec: \"%s\": executable file not found in $PATH", s->args[0]);
        if (r < 0)
                die(errfd, MONITOR_STAGE_EXEC, -r, "exec: \"%s\": %s", s->args[0], strerror(-r));

        close_other_fds();
        if (s->no_new_privs)
                load_seccomp(s, errfd);
        execve(path, s->args, s->env ?: (char *[]) { NULL });

        r = errno;
        if (r == ENOENT)
                die(errfd, MONITOR_STAGE_EXEC, r, "exec: \"%s\": stat %s: no such file or directory", s->args[0], path);
        die(errfd, MONITOR_STAGE_EXEC, r, "exec: \"%s\": %s", s->args[0], strerror(r));
}

static void reset_signals(void) {
        sigset_t ss;

        /* the monitor ignores SIGPIPE and SIGHUP; its container must not. It
         * installs no handler, and only ignored signals survive execve: two
         * calls, not one per signal. */
        (void) signal(SIGPIPE, SIG_DFL);
        (void) signal(SIGHUP, SIG_DFL);
        sigemptyset(&ss);
        (void) sigprocmask(SIG_SETMASK, &ss, NULL);
}

void container_init(const ExecSpec *s, const InitContext *ctx) {
        int errfd = ctx->errfd;

        reset_signals();
        umask(0);
        enter_cgroup(ctx, errfd);
        if (!s->terminal)
                setup_stdio(ctx, errfd);

        if (s->ns_path[NAMESPACE_MOUNT]) {
                int fd = open(s->ns_path[NAMESPACE_MOUNT], O_RDONLY | O_CLOEXEC);
                if (fd < 0 || setns(fd, CLONE_NEWNS) < 0)
                        die_errno(errfd, "setns mount %s", s->ns_path[NAMESPACE_MOUNT]);
                close(fd);
        }

        setup_rootfs(s, ctx->cgroup, errfd);

        /* never rename the host: only a UTS namespace of our own */
        if (s->hostname && s->ns[NAMESPACE_UTS] && !s->ns_path[NAMESPACE_UTS] &&
            sethostname(s->hostname, strlen(s->hostname)) < 0)
                die_errno(errfd, "sethostname");

        finish_process(s, errfd);
}

void container_exec_init(const ExecSpec *s, const InitContext *ctx) {
        int errfd = ctx->errfd;

        reset_signals();
        /* the cgroup first: its path is the host's, seen before setns */
        if (ctx->cgroup && ctx->cgroup->ops) {
                int r = ctx->cgroup->ops->enter(ctx->cgroup, 0);
                if (r < 0)
                        die(errfd, MONITOR_STAGE_SETUP, -r, "join the cgroup: %s", strerror(-r));
        }
        if (ctx->join_flags && setns(ctx->join_pidfd, (int) ctx->join_flags) < 0)
                die_errno(errfd, "join the container's namespaces");
        if (!s->terminal)
                setup_stdio(ctx, errfd);
        finish_process(s, errfd);
}
