/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "fs-util.h"
#include "layer-unpack.h"
#include "macro.h"

#define UNPACK_BUFFER_SIZE (128U * 1024U)
#define WHITEOUT_PREFIX ".wh."
#define WHITEOUT_META_PREFIX ".wh..wh."
#define WHITEOUT_OPAQUE ".wh..wh..opq"
#define OVERLAY_XATTR_PREFIX "trusted.overlay."
#define OVERLAY_XATTR_OPAQUE "trusted.overlay.opaque"

/* Two libarchive readers stacked: "raw" only decompresses the bytes read from
 * the fd (hashing them: blob digest), "tar" parses what raw yields (hashing
 * that: diff_id). Unpacking through a single reader would hide the
 * uncompressed byte stream the diff_id is defined over. */
typedef struct Unpack {
        int fd;
        int blob_fd;
        uint64_t max_size;
        unsigned max_ratio;
        uint64_t ratio_floor;
        uint64_t compressed;
        uint64_t decompressed;    /* bytes out of the decompressor */
        uint64_t unpacked;
        Sha256 *blob;
        Sha256 *diff;
        struct archive *raw;
        struct archive *tar;
        struct archive *disk;
        int error;
        char message[sizeof(((LayerUnpackResult *) NULL)->message)];
        bool eof;
        uint8_t in_buf[UNPACK_BUFFER_SIZE];
        uint8_t tar_buf[UNPACK_BUFFER_SIZE];
} Unpack;

static Unpack *unpack_free(Unpack *u) {
        if (!u)
                return NULL;
        if (u->disk)
                archive_write_free(u->disk);
        if (u->tar)
                archive_read_free(u->tar);
        if (u->raw)
                archive_read_free(u->raw);
        sha256_free(u->blob);
        sha256_free(u->diff);
        free(u);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Unpack *, unpack_free);

LayerCompression layer_media_type_compression(const char *media_type) {
        if (streq_ptr(media_type, LAYER_MEDIA_DOCKER_GZIP) || streq_ptr(media_type, LAYER_MEDIA_OCI_GZIP))
                return LAYER_COMPRESSION_GZIP;
        if (streq_ptr(media_type, LAYER_MEDIA_DOCKER_TAR) || streq_ptr(media_type, LAYER_MEDIA_OCI_TAR))
                return LAYER_COMPRESSION_NONE;
        if (streq_ptr(media_type, LAYER_MEDIA_OCI_ZSTD) || streq_ptr(media_type, LAYER_MEDIA_DOCKER_ZSTD))
                return LAYER_COMPRESSION_ZSTD;
        return _LAYER_COMPRESSION_INVALID;
}

/* The first failure is the one worth reporting; later ones are fallout. */
_printf_(3, 4)
static int unpack_fail(Unpack *u, int error, const char *format, ...) {
        va_list ap;

        if (u->error != 0)
                return u->error;
        u->error = -abs(error) ?: -EIO;
        errno = abs(error);
        va_start(ap, format);
        (void) vsnprintf(u->message, sizeof u->message, format, ap);
        va_end(ap);
        return u->error;
}

/* Read the next chunk of the blob from the fd, hashing and counting it. */
static ssize_t unpack_fill(Unpack *u, void *buf, size_t size) {
        for (;;) {
                struct pollfd p = { .fd = u->fd, .events = POLLIN };
                int k = poll(&p, 1, LAYER_UNPACK_STALL_TIMEOUT_SEC * 1000);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return unpack_fail(u, errno, "reading layer stream: %m");
                }
                if (k == 0)
                        return unpack_fail(u, ETIMEDOUT, "no data received for %d s",
                                           LAYER_UNPACK_STALL_TIMEOUT_SEC);

                ssize_t n = read(u->fd, buf, size);
                if (n < 0) {
                        if (errno == EINTR || errno == EAGAIN)
                                continue;
                        return unpack_fail(u, errno, "reading layer stream: %m");
                }
                if (n == 0) {
                        u->eof = true;
                        return 0;
                }
                if ((uint64_t) n > u->max_size - u->compressed) {
                        u->compressed += n;
                        return unpack_fail(u, EFBIG, "layer exceeds its declared size of %" PRIu64 " bytes",
                                           u->max_size);
                }
                if (sha256_update(u->blob, buf, n) < 0)
                        return unpack_fail(u, ENOMEM, "hashing failed");
                if (u->blob_fd >= 0 && loop_write(u->blob_fd, buf, n) < 0)
                        return unpack_fail(u, errno, "storing the blob: %m");
                u->compressed += n;
                return n;
        }
}

static la_ssize_t raw_read(struct archive *a, void *userdata, const void **ret) {
        Unpack *u = userdata;
        ssize_t n = unpack_fill(u, u->in_buf, sizeof u->in_buf);

        if (n < 0) {
                archive_set_error(a, (int) -n, "%s", u->message);
                return -1;
        }
        *ret = u->in_buf;
        return n;
}

/* Pull decompressed bytes out of raw, hashing them into the diff_id. */
static ssize_t unpack_pull(Unpack *u) {
        la_ssize_t n = archive_read_data(u->raw, u->tar_buf, sizeof u->tar_buf);

        if (n < 0)
                return unpack_fail(u, EBADMSG, "%s", archive_error_string(u->raw) ?: "decompression failed");
        if (n > 0 && sha256_update(u->diff, u->tar_buf, n) < 0)
                return unpack_fail(u, ENOMEM, "hashing failed");
        u->decompressed += n;
        /* a zip bomb: refuse before it fills the disk */
        if (u->max_ratio > 0 && u->decompressed > u->ratio_floor &&
            u->decompressed / u->max_ratio > u->compressed)
                return unpack_fail(u, EFBIG, "decompression ratio exceeds %u (%" PRIu64 " bytes from %" PRIu64 ")",
                                   u->max_ratio, u->decompressed, u->compressed);
        return n;
}

static la_ssize_t tar_read(struct archive *a, void *userdata, const void **ret) {
        Unpack *u = userdata;
        ssize_t n = unpack_pull(u);

        if (n < 0) {
                archive_set_error(a, (int) -n, "%s", u->message);
                return -1;
        }
        *ret = u->tar_buf;
        return n;
}

/* Strip leading "./" and trailing "/"; refuse absolute paths and "..". The
 * confinement makes both harmless anyway; refusing them says the layer is bad. */
static int entry_path_normalize(Unpack *u, const char *path, char **ret) {
        _cleanup_(freep) char *p = NULL;
        const char *s = path;

        if (isempty(path))
                return unpack_fail(u, EINVAL, "entry with an empty path");
        if (path[0] == '/')
                return unpack_fail(u, EINVAL, "absolute path %s", path);

        while (s[0] == '.' && s[1] == '/')
                for (s += 2; *s == '/'; s++)
                        ;
        if (streq(s, "."))
                s = "";
        p = strdup(s);
        if (!p)
                return unpack_fail(u, ENOMEM, "out of memory");
        for (size_t l = strlen(p); l > 0 && p[l - 1] == '/'; l--)
                p[l - 1] = 0;

        for (const char *c = p; *c; ) {
                size_t n = strcspn(c, "/");
                if (n == 2 && c[0] == '.' && c[1] == '.')
                        return unpack_fail(u, EINVAL, "path %s leaves the layer", path);
                c += n;
                c += strspn(c, "/");
        }
        *ret = TAKE_PTR(p);
        return 0;
}

/* overlayfs' own xattrs in a layer could redirect lookups: never take them
 * from the tarball. */
static int entry_filter_xattrs(Unpack *u, struct archive_entry *e) {
        struct { char *name; void *value; size_t size; } x[64];
        size_t n = 0;
        const char *name;
        const void *value;
        size_t size;
        bool drop = false;
        int r = 0;

        if (archive_entry_xattr_reset(e) == 0)
                return 0;
        while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
                if (startswith(name, OVERLAY_XATTR_PREFIX)) {
                        drop = true;
                        continue;
                }
                if (n >= ELEMENTSOF(x)) {
                        r = unpack_fail(u, E2BIG, "too many xattrs on %s", archive_entry_pathname(e));
                        break;
                }
                x[n].name = strdup(name);
                x[n].value = malloc(size ?: 1);
                x[n].size = size;
                if (!x[n].name || !x[n].value) {
                        free(x[n].name);
                        free(x[n].value);
                        r = unpack_fail(u, ENOMEM, "out of memory");
                        break;
                }
                memcpy(x[n].value, value, size);
                n++;
        }
        if (r >= 0 && drop) {
                archive_entry_xattr_clear(e);
                for (size_t i = 0; i < n; i++)
                        archive_entry_xattr_add_entry(e, x[i].name, x[i].value, x[i].size);
        }
        for (size_t i = 0; i < n; i++) {
                free(x[i].name);
                free(x[i].value);
        }
        return r;
}

/* ".wh.NAME" -> char device 0:0 NAME; ".wh..wh..opq" -> opaque directory. */
static int entry_whiteout(Unpack *u, struct archive_entry *e, const char *path, const char *base) {
        _cleanup_(freep) char *dir = NULL, *target = NULL;
        const char *name;

        dir = strndup(path, base - path);
        if (!dir)
                return unpack_fail(u, ENOMEM, "out of memory");
        if (isempty(dir)) {
                free(dir);
                dir = strdup(".");
                if (!dir)
                        return unpack_fail(u, ENOMEM, "out of memory");
        }
        if (mkdir_p(dir, 0755) < 0)
                return unpack_fail(u, errno, "cannot create %s: %m", dir);

        if (streq(base, WHITEOUT_OPAQUE)) {
                if (lsetxattr(dir, OVERLAY_XATTR_OPAQUE, "y", 1, 0) < 0)
                        return unpack_fail(u, errno, "cannot mark %s opaque: %m", dir);
                return 0;
        }
        if (startswith(base, WHITEOUT_META_PREFIX))
                return 0; /* aufs bookkeeping (.wh..wh.plnk, ...): no meaning for overlayfs */

        name = base + strlen(WHITEOUT_PREFIX);
        if (isempty(name) || streq(name, ".") || streq(name, ".."))
                return unpack_fail(u, EINVAL, "invalid whiteout %s", path);
        target = path_join(dir, name);
        if (!target)
                return unpack_fail(u, ENOMEM, "out of memory");
        if (rm_rf(target) < 0)
                return unpack_fail(u, errno, "cannot replace %s: %m", target);
        if (mknod(target, S_IFCHR | 0000, makedev(0, 0)) < 0)
                return unpack_fail(u, errno, "cannot create whiteout %s: %m", target);
        if (lchown(target, archive_entry_uid(e), archive_entry_gid(e)) < 0)
                return unpack_fail(u, errno, "cannot chown whiteout %s: %m", target);
        return 0;
}

static int unpack_entry(Unpack *u, struct archive_entry *e) {
        _cleanup_(freep) char *path = NULL, *link = NULL;
        const char *base, *hardlink;
        int r;

        r = entry_path_normalize(u, archive_entry_pathname(e), &path);
        if (r < 0)
                return r;
        hardlink = archive_entry_hardlink(e);
        if (hardlink) {
                r = entry_path_normalize(u, hardlink, &link);
                if (r < 0)
                        return r;
                if (isempty(link))
                        return unpack_fail(u, EINVAL, "hard link %s to the layer root", path);
        }

        if (isempty(path))
                return 0; /* the layer root itself: ours, not the tarball's */

        base = strrchr(path, '/');
        base = base ? base + 1 : path;
        if (startswith(base, WHITEOUT_PREFIX))
                return entry_whiteout(u, e, path, base);

        /* Device nodes: docker keeps them, but a node for the host's disk or
         * memory anywhere in a rootfs is a loaded gun. Below dev/ they are
         * harmless (the runtime mounts its own /dev over it) and old base
         * images carry them there; anywhere else they are refused. */
        if ((archive_entry_filetype(e) == AE_IFCHR || archive_entry_filetype(e) == AE_IFBLK) &&
            !startswith(path, "dev/"))
                return unpack_fail(u, EPERM, "device node %s outside /dev", path);

        r = entry_filter_xattrs(u, e);
        if (r < 0)
                return r;
        archive_entry_set_pathname(e, path);
        if (link)
                archive_entry_set_hardlink(e, link);

        r = archive_write_header(u->disk, e);
        if (r < ARCHIVE_WARN)
                return unpack_fail(u, archive_errno(u->disk) ?: EINVAL, "%s: %s", path,
                                   archive_error_string(u->disk) ?: "cannot extract");

        if (archive_entry_filetype(e) == AE_IFREG && !link && archive_entry_size_is_set(e))
                u->unpacked += archive_entry_size(e);

        for (;;) {
                const void *buf;
                size_t size;
                la_int64_t offset;

                r = archive_read_data_block(u->tar, &buf, &size, &offset);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return unpack_fail(u, EBADMSG, "%s", archive_error_string(u->tar) ?: "damaged tar");
                if (archive_write_data_block(u->disk, buf, size, offset) < ARCHIVE_WARN)
                        return unpack_fail(u, archive_errno(u->disk) ?: EIO, "%s: %s", path,
                                           archive_error_string(u->disk) ?: "write failed");
        }

        r = archive_write_finish_entry(u->disk);
        if (r < ARCHIVE_WARN)
                return unpack_fail(u, archive_errno(u->disk) ?: EIO, "%s: %s", path,
                                   archive_error_string(u->disk) ?: "cannot finish entry");
        return 0;
}

static int unpack_run(Unpack *u, LayerCompression compression) {
        struct archive_entry *e;
        int r;

        u->raw = archive_read_new();
        u->tar = archive_read_new();
        u->disk = archive_write_disk_new();
        if (!u->raw || !u->tar || !u->disk)
                return unpack_fail(u, ENOMEM, "out of memory");

        /* gzip and zstd are sniffed, not trusted from the media type: some
         * registries label compressed layers as plain tar. */
        if (archive_read_support_filter_gzip(u->raw) < ARCHIVE_WARN ||
            archive_read_support_filter_zstd(u->raw) < ARCHIVE_WARN ||
            archive_read_support_format_raw(u->raw) != ARCHIVE_OK ||
            archive_read_support_format_tar(u->tar) != ARCHIVE_OK)
                return unpack_fail(u, EOPNOTSUPP, "libarchive lacks gzip, zstd or tar support");

        if (archive_read_open(u->raw, u, NULL, raw_read, NULL) != ARCHIVE_OK)
                return unpack_fail(u, EBADMSG, "%s", archive_error_string(u->raw) ?: "cannot read stream");
        r = archive_read_next_header(u->raw, &e);
        if (r == ARCHIVE_EOF)
                return unpack_fail(u, EBADMSG, "empty layer stream");
        if (r < ARCHIVE_WARN)
                return unpack_fail(u, EBADMSG, "%s", archive_error_string(u->raw) ?: "cannot read stream");
        if (compression == LAYER_COMPRESSION_GZIP && archive_filter_code(u->raw, 0) != ARCHIVE_FILTER_GZIP)
                return unpack_fail(u, EBADMSG, "not gzip-compressed data");
        if (compression == LAYER_COMPRESSION_ZSTD && archive_filter_code(u->raw, 0) != ARCHIVE_FILTER_ZSTD)
                return unpack_fail(u, EBADMSG, "not zstd-compressed data");

        if (archive_read_open(u->tar, u, NULL, tar_read, NULL) != ARCHIVE_OK)
                return unpack_fail(u, EBADMSG, "%s", archive_error_string(u->tar) ?: "not a tar archive");

        archive_write_disk_set_options(u->disk,
                                       ARCHIVE_EXTRACT_OWNER |
                                       ARCHIVE_EXTRACT_PERM |
                                       ARCHIVE_EXTRACT_TIME |
                                       ARCHIVE_EXTRACT_XATTR |
                                       ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                       ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
        /* no archive_write_disk_set_standard_lookup(): owners stay numeric */

        for (;;) {
                r = archive_read_next_header(u->tar, &e);
                if (r == ARCHIVE_EOF)
                        break;
                if (r < ARCHIVE_WARN)
                        return unpack_fail(u, EBADMSG, "%s", archive_error_string(u->tar) ?: "damaged tar");
                r = unpack_entry(u, e);
                if (r < 0)
                        return r;
        }

        /* directory times and modes are fixed up at close */
        if (archive_write_close(u->disk) < ARCHIVE_WARN)
                return unpack_fail(u, archive_errno(u->disk) ?: EIO, "%s",
                                   archive_error_string(u->disk) ?: "cannot finish extraction");

        /* The tar reader stops at the end-of-archive marker; the diff_id
         * covers the padding after it, and the blob digest every byte sent. */
        for (ssize_t n; (n = unpack_pull(u)) != 0; )
                if (n < 0)
                        return n;
        for (ssize_t n; (n = unpack_fill(u, u->in_buf, sizeof u->in_buf)) != 0; )
                if (n < 0)
                        return n;

        /* no sync here: graphd syncs published layers later (store-sync.h) */
        return 0;
}

int layer_unpack(int input_fd, LayerCompression compression, uint64_t max_size,
                 LayerUnpackResult *ret) {
        LayerUnpackOptions o = LAYER_UNPACK_OPTIONS_INIT(compression, max_size);

        return layer_unpack_with(input_fd, &o, ret);
}

int layer_unpack_with(int input_fd, const LayerUnpackOptions *o, LayerUnpackResult *ret) {
        _cleanup_(unpack_freep) Unpack *u = NULL;
        int r;

        *ret = (LayerUnpackResult) {};

        u = calloc(1, sizeof *u);
        if (!u || sha256_new(&u->blob) < 0 || sha256_new(&u->diff) < 0) {
                ret->error = -ENOMEM;
                snprintf(ret->message, sizeof ret->message, "out of memory");
                return ret->error;
        }
        u->fd = input_fd;
        u->blob_fd = o->blob_fd;
        u->max_size = o->max_size;
        u->max_ratio = o->max_ratio;
        u->ratio_floor = o->ratio_floor;

        r = unpack_run(u, o->compression);
        if (r < 0 && u->error == 0)
                (void) unpack_fail(u, r, "unpacking failed");

        ret->error = u->error;
        memcpy(ret->message, u->message, sizeof ret->message);
        ret->eof = u->eof;
        ret->compressed_size = u->compressed;
        ret->unpacked_size = u->unpacked;
        if (sha256_final(u->blob, ret->blob_digest) < 0 || sha256_final(u->diff, ret->diff_id) < 0) {
                ret->blob_digest[0] = ret->diff_id[0] = 0;
                if (ret->error == 0) {
                        ret->error = -EIO;
                        snprintf(ret->message, sizeof ret->message, "hashing failed");
                }
        }
        return ret->error;
}

/* Make dest the whole visible file system of this process: a private mount
 * namespace, dest bind-mounted on itself and pivoted to. Needs only
 * CAP_SYS_ADMIN, which graphd keeps for overlay mounts anyway. */
static int worker_confine(const char *dest) {
        if (unshare(CLONE_NEWNS) < 0)
                return -errno;
        if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
                return -errno;
        if (mount(dest, dest, NULL, MS_BIND, NULL) < 0)
                return -errno;
        if (chdir(dest) < 0)
                return -errno;
        if (syscall(SYS_pivot_root, ".", ".") < 0)
                return -errno;
        if (umount2(".", MNT_DETACH) < 0)
                return -errno;
        if (chdir("/") < 0)
                return -errno;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        return 0;
}

_noreturn_
static void worker_main(int input_fd, int report_fd, const char *dest, const LayerUnpackOptions *o) {
        LayerUnpackResult result = {};
        sigset_t ss;
        int r;

        /* graphd blocks these for sd-event; a worker must die on SIGTERM */
        sigemptyset(&ss);
        (void) sigprocmask(SIG_SETMASK, &ss, NULL);
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        umask(0022);

        r = worker_confine(dest);
        if (r < 0) {
                result.error = r;
                errno = -r;
                snprintf(result.message, sizeof result.message, "cannot confine unpack worker: %m");
        } else
                (void) layer_unpack_with(input_fd, o, &result);

        r = loop_write(report_fd, &result, sizeof result);
        _exit(r < 0 || result.error != 0 ? EXIT_FAILURE : EXIT_SUCCESS);
}

int layer_unpack_spawn(int input_fd, const char *dest, LayerCompression compression,
                       uint64_t max_size, pid_t *ret_pid, int *ret_report_fd) {
        LayerUnpackOptions o = LAYER_UNPACK_OPTIONS_INIT(compression, max_size);

        return layer_unpack_spawn_with(input_fd, dest, &o, ret_pid, ret_report_fd);
}

int layer_unpack_spawn_with(int input_fd, const char *dest, const LayerUnpackOptions *o,
                            pid_t *ret_pid, int *ret_report_fd) {
        int report[2];
        pid_t pid;

        if (input_fd < 0 || !dest || !o || o->compression < 0)
                return -EINVAL;
        if (pipe2(report, O_CLOEXEC) < 0)
                return -errno;

        pid = fork();
        if (pid < 0) {
                int r = -errno;
                safe_close(report[0]);
                safe_close(report[1]);
                return r;
        }
        if (pid == 0) {
                /* Keep nothing but the stream and the report fd: an inherited
                 * copy of some pipe's write end would keep its reader from
                 * ever seeing EOF, and the bus socket is none of our business. */
                LayerUnpackOptions wo = *o;
                int in = fcntl(input_fd, F_DUPFD_CLOEXEC, 6);
                int out = fcntl(report[1], F_DUPFD_CLOEXEC, 6);
                int blob = o->blob_fd >= 0 ? fcntl(o->blob_fd, F_DUPFD_CLOEXEC, 6) : -1;
                if (in < 0 || out < 0 || dup2(in, 3) < 0 || dup2(out, 4) < 0)
                        _exit(EXIT_FAILURE);
                if (o->blob_fd >= 0 && (blob < 0 || dup2(blob, 5) < 0))
                        _exit(EXIT_FAILURE);
                wo.blob_fd = o->blob_fd >= 0 ? 5 : -1;
                unsigned first = o->blob_fd >= 0 ? 6U : 5U;
                if (syscall(SYS_close_range, first, ~0U, 0U) < 0)
                        for (int fd = first; fd < 65536; fd++)
                                (void) close(fd);
                worker_main(3, 4, dest, &wo);
        }

        safe_close(report[1]);
        *ret_pid = pid;
        *ret_report_fd = report[0];
        return 0;
}

int layer_unpack_report_read(int report_fd, LayerUnpackResult *ret) {
        LayerUnpackResult r;
        size_t got = 0;

        while (got < sizeof r) {
                ssize_t n = read(report_fd, (uint8_t *) &r + got, sizeof r - got);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return -EIO;
                got += n;
        }
        r.message[sizeof r.message - 1] = 0;
        r.blob_digest[sizeof r.blob_digest - 1] = 0;
        r.diff_id[sizeof r.diff_id - 1] = 0;
        *ret = r;
        return 0;
}

int layer_unpack_result_check(const LayerUnpackResult *r, const char *blob_digest,
                              uint64_t size, const char *diff_id, char **ret_message) {
        char *m = NULL;
        int e;

        /* a short stream makes the decompressor fail too: name the cause */
        if (r->eof && r->compressed_size < size) {
                e = -EPIPE;
                if (asprintf(&m, "stream ended early: received %" PRIu64 " of %" PRIu64 " bytes",
                             r->compressed_size, size) < 0)
                        m = NULL;
        } else if (r->error != 0) {
                e = r->error;
                if (r->error == -EFBIG)
                        m = strdup(r->message);
                else if (asprintf(&m, "corrupt layer: %s", r->message) < 0)
                        m = NULL;
        } else if (!streq(r->blob_digest, blob_digest)) {
                e = -EBADMSG;
                if (asprintf(&m, "digest mismatch: expected %s, got %s", blob_digest, r->blob_digest) < 0)
                        m = NULL;
        } else if (!streq(r->diff_id, diff_id)) {
                e = -EBADMSG;
                if (asprintf(&m, "diff_id mismatch: expected %s, got %s", diff_id, r->diff_id) < 0)
                        m = NULL;
        } else {
                *ret_message = NULL;
                return 0;
        }

        if (!m)
                return -ENOMEM;
        *ret_message = m;
        return e;
}
