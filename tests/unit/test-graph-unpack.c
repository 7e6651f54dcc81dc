/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphd's unpack/verify core: a forked, confined worker unpacks tarballs
 * fed through a pipe. Needs root (mount namespace, mknod, chown). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "digest.h"
#include "fs-util.h"
#include "graph-test-util.h"
#include "layer-unpack.h"
#include "macro.h"

typedef struct Fixture {
        char dir[64];      /* scratch dir */
        char *layer;       /* dir/layer: what the worker unpacks into */
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof *f);

        assert_non_null(f);
        strcpy(f->dir, "/tmp/wharf-test-unpack-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        f->layer = path_join(f->dir, "layer");
        assert_int_equal(mkdir(f->layer, 0755), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        assert_int_equal(rm_rf(f->dir), 0);
        free(f->layer);
        free(f);
        return 0;
}

/* Feed data to a worker through a pipe, as graphd does; returns its report. */
static int unpack_bytes_with(Fixture *f, const char *data, size_t size, const LayerUnpackOptions *o,
                             LayerUnpackResult *ret) {
        int fds[2], report;
        pid_t pid;
        int status;

        assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
        assert_int_equal(layer_unpack_spawn_with(fds[0], f->layer, o, &pid, &report), 0);
        safe_close(fds[0]);
        /* a worker that gives up early makes this fail with EPIPE: fine */
        (void) loop_write(fds[1], data, size);
        safe_close(fds[1]);
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_int_equal(layer_unpack_report_read(report, ret), 0);
        safe_close(report);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status) == 0, ret->error == 0);
        return ret->error;
}

static int unpack_bytes(Fixture *f, const char *data, size_t size, LayerCompression c,
                        uint64_t max_size, LayerUnpackResult *ret) {
        LayerUnpackOptions o = LAYER_UNPACK_OPTIONS_INIT(c, max_size);

        return unpack_bytes_with(f, data, size, &o, ret);
}

static char *layer_file(Fixture *f, const char *name) {
        char *p = path_join(f->layer, name);
        assert_non_null(p);
        return p;
}

static void test_media_types(void **state) {
        assert_int_equal(layer_media_type_compression(LAYER_MEDIA_DOCKER_GZIP), LAYER_COMPRESSION_GZIP);
        assert_int_equal(layer_media_type_compression(LAYER_MEDIA_OCI_GZIP), LAYER_COMPRESSION_GZIP);
        assert_int_equal(layer_media_type_compression(LAYER_MEDIA_OCI_TAR), LAYER_COMPRESSION_NONE);
        assert_int_equal(layer_media_type_compression(LAYER_MEDIA_DOCKER_TAR), LAYER_COMPRESSION_NONE);
        assert_int_equal(layer_media_type_compression(LAYER_MEDIA_OCI_ZSTD), LAYER_COMPRESSION_ZSTD);
        assert_int_equal(layer_media_type_compression(LAYER_MEDIA_DOCKER_ZSTD), LAYER_COMPRESSION_ZSTD);
        assert_true(layer_media_type_compression("application/vnd.oci.image.layer.v1.tar+bzip2") < 0);
        assert_true(layer_media_type_compression(NULL) < 0);
}

static const TarEntry basic[] = {
        { .path = "etc", .type = AE_IFDIR },
        { .path = "etc/hostname", .data = "wharf\n" },
        { .path = "./bin/", .type = AE_IFDIR },
        { .path = "./bin/tool", .data = "#!/bin/sh\necho hi\n", .mode = 04755, .uid = 1234, .gid = 5678 },
};

static void test_gzip_digests(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *gz = NULL, *tar = NULL, *hostname = NULL, *tool = NULL, *content = NULL,
                *message = NULL;
        char blob[DIGEST_STRING_MAX], diff[DIGEST_STRING_MAX];
        size_t gz_size, tar_size;
        LayerUnpackResult res;
        struct stat st;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_GZIP, &gz, &gz_size), 0);
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_UNPADDED, &tar, &tar_size), 0);
        assert_int_equal(sha256_digest(gz, gz_size, blob), 0);
        assert_int_equal(sha256_digest(tar, tar_size, diff), 0);

        assert_int_equal(unpack_bytes(f, gz, gz_size, LAYER_COMPRESSION_GZIP, gz_size, &res), 0);
        assert_string_equal(res.blob_digest, blob);
        assert_string_equal(res.diff_id, diff);
        assert_int_equal(res.compressed_size, gz_size);
        assert_int_equal(res.unpacked_size, strlen("wharf\n") + strlen("#!/bin/sh\necho hi\n"));
        assert_int_equal(layer_unpack_result_check(&res, blob, gz_size, diff, &message), 0);
        assert_null(message);

        hostname = layer_file(f, "etc/hostname");
        assert_int_equal(read_full_file(hostname, &content, NULL, 1024), 0);
        assert_string_equal(content, "wharf\n");
        tool = layer_file(f, "bin/tool");
        assert_int_equal(lstat(tool, &st), 0);
        assert_int_equal(st.st_mode & 07777, 04755);
        assert_int_equal(st.st_uid, 1234);
        assert_int_equal(st.st_gid, 5678);
        assert_int_equal(st.st_mtime, 1700000000);

        /* the parent's verdict on wrong expectations */
        assert_true(layer_unpack_result_check(&res, diff, gz_size, diff, &message) < 0);
        assert_non_null(startswith(message, "digest mismatch: expected sha256:"));
        assert_non_null(strstr(message, blob));
        free(TAKE_PTR(message));
        assert_true(layer_unpack_result_check(&res, blob, gz_size, blob, &message) < 0);
        assert_non_null(startswith(message, "diff_id mismatch: expected sha256:"));
        free(TAKE_PTR(message));
        assert_true(layer_unpack_result_check(&res, blob, gz_size + 1, diff, &message) < 0);
        assert_non_null(startswith(message, "stream ended early"));
}

static void test_plain_tar(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *tar = NULL;
        char digest[DIGEST_STRING_MAX];
        size_t size;
        LayerUnpackResult res;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), 0, &tar, &size), 0);
        assert_int_equal(sha256_digest(tar, size, digest), 0);
        assert_int_equal(unpack_bytes(f, tar, size, LAYER_COMPRESSION_NONE, size, &res), 0);
        /* uncompressed: blob and diff_id are the same bytes */
        assert_string_equal(res.blob_digest, digest);
        assert_string_equal(res.diff_id, digest);
        assert_int_equal(res.compressed_size, size);
}

/* zeros after the end-of-archive marker are part of the diff_id: the tar
 * reader stops at the marker and the rest must still be hashed */
static void test_trailing_zeros(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *tar = NULL, *big = NULL;
        char digest[DIGEST_STRING_MAX];
        size_t size, total;
        LayerUnpackResult res;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_UNPADDED, &tar, &size), 0);
        total = size + 1024 * 1024;
        big = calloc(1, total);
        assert_non_null(big);
        memcpy(big, tar, size);
        assert_int_equal(sha256_digest(big, total, digest), 0);
        assert_int_equal(unpack_bytes(f, big, total, LAYER_COMPRESSION_NONE, total, &res), 0);
        assert_string_equal(res.diff_id, digest);
        assert_string_equal(res.blob_digest, digest);
}

static void test_plain_declared_gzip(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *tar = NULL;
        size_t size;
        LayerUnpackResult res;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), 0, &tar, &size), 0);
        assert_true(unpack_bytes(f, tar, size, LAYER_COMPRESSION_GZIP, size, &res) < 0);
        assert_non_null(strstr(res.message, "not gzip"));
}

static void test_whiteouts(void **state) {
        static const TarEntry e[] = {
                { .path = "etc", .type = AE_IFDIR },
                { .path = "etc/.wh.passwd" },
                { .path = ".wh.gone" },
                { .path = "var/lib/.wh.deep" },      /* parents not in the tarball */
                { .path = "opq", .type = AE_IFDIR },
                { .path = "opq/.wh..wh..opq" },
                { .path = "opq/kept", .data = "k" },
                { .path = ".wh..wh.plnk" },          /* aufs metadata: ignored */
        };
        Fixture *f = *state;
        _cleanup_(freep) char *tar = NULL, *passwd = NULL, *gone = NULL, *deep = NULL, *opq = NULL,
                *marker = NULL, *plnk = NULL, *wh = NULL;
        char value[8] = {};
        LayerUnpackResult res;
        struct stat st;
        size_t size;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(e, ELEMENTSOF(e), TAR_GZIP, &tar, &size), 0);
        assert_int_equal(unpack_bytes(f, tar, size, LAYER_COMPRESSION_GZIP, size, &res), 0);

        passwd = layer_file(f, "etc/passwd");
        gone = layer_file(f, "gone");
        deep = layer_file(f, "var/lib/deep");
        const char *whiteouts[] = { passwd, gone, deep };
        for (size_t i = 0; i < ELEMENTSOF(whiteouts); i++) {
                assert_int_equal(lstat(whiteouts[i], &st), 0);
                assert_true(S_ISCHR(st.st_mode));
                assert_int_equal(major(st.st_rdev), 0);
                assert_int_equal(minor(st.st_rdev), 0);
        }
        wh = layer_file(f, "etc/.wh.passwd");
        assert_int_equal(lstat(wh, &st), -1);

        opq = layer_file(f, "opq");
        assert_int_equal(lgetxattr(opq, "trusted.overlay.opaque", value, sizeof value), 1);
        assert_string_equal(value, "y");
        marker = layer_file(f, "opq/.wh..wh..opq");
        assert_int_equal(lstat(marker, &st), -1);
        plnk = layer_file(f, ".wh..wh.plnk");
        assert_int_equal(lstat(plnk, &st), -1);
}

static void test_links(void **state) {
        static const TarEntry e[] = {
                { .path = "a", .data = "hello" },
                { .path = "b", .hardlink = "a" },
                { .path = "./c", .hardlink = "./a" },
                { .path = "s", .type = AE_IFLNK, .symlink = "a" },
                { .path = "abs", .type = AE_IFLNK, .symlink = "/etc/passwd" },
                { .path = "dev", .type = AE_IFDIR },
        };
        Fixture *f = *state;
        _cleanup_(freep) char *tar = NULL, *a = NULL, *b = NULL, *c = NULL, *s = NULL, *abs = NULL;
        LayerUnpackResult res;
        struct stat sa, sb, sc;
        char target[64] = {};
        size_t size;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(e, ELEMENTSOF(e), TAR_GZIP, &tar, &size), 0);
        assert_int_equal(unpack_bytes(f, tar, size, LAYER_COMPRESSION_GZIP, size, &res), 0);

        a = layer_file(f, "a");
        b = layer_file(f, "b");
        c = layer_file(f, "c");
        assert_int_equal(lstat(a, &sa), 0);
        assert_int_equal(lstat(b, &sb), 0);
        assert_int_equal(lstat(c, &sc), 0);
        assert_int_equal(sa.st_ino, sb.st_ino);
        assert_int_equal(sa.st_ino, sc.st_ino);
        assert_int_equal(sa.st_nlink, 3);
        /* hard links count once */
        assert_int_equal(res.unpacked_size, 5);

        s = layer_file(f, "s");
        assert_int_equal(readlink(s, target, sizeof target - 1), 1);
        assert_string_equal(target, "a");
        abs = layer_file(f, "abs");
        memset(target, 0, sizeof target);
        assert_int_equal(readlink(abs, target, sizeof target - 1), strlen("/etc/passwd"));
        assert_string_equal(target, "/etc/passwd");
}

static void test_overlay_xattrs_dropped(void **state) {
        static const TarEntry e[] = {
                { .path = "x", .data = "x", .xattr_name = "trusted.overlay.redirect", .xattr_value = "/etc" },
                { .path = "y", .data = "y", .xattr_name = "user.wharf", .xattr_value = "kept" },
        };
        Fixture *f = *state;
        _cleanup_(freep) char *tar = NULL, *x = NULL, *y = NULL;
        LayerUnpackResult res;
        char value[16] = {};
        size_t size;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(e, ELEMENTSOF(e), 0, &tar, &size), 0);
        assert_int_equal(unpack_bytes(f, tar, size, LAYER_COMPRESSION_NONE, size, &res), 0);
        x = layer_file(f, "x");
        y = layer_file(f, "y");
        assert_int_equal(lgetxattr(x, "trusted.overlay.redirect", value, sizeof value), -1);
        if (lgetxattr(y, "user.wharf", value, sizeof value) < 0)
                assert_int_equal(errno, EOPNOTSUPP); /* file system without user xattrs */
        else
                assert_string_equal(value, "kept");
}

static void assert_refused(Fixture *f, const TarEntry *e, size_t n, const char *outside, const char *why) {
        _cleanup_(freep) char *tar = NULL, *message = NULL;
        char blob[DIGEST_STRING_MAX], diff[DIGEST_STRING_MAX];
        LayerUnpackResult res;
        size_t size;

        assert_int_equal(tar_build(e, n, TAR_GZIP, &tar, &size), 0);
        assert_true(unpack_bytes(f, tar, size, LAYER_COMPRESSION_GZIP, size, &res) < 0);
        assert_non_null(strstr(res.message, why));
        assert_int_equal(access(outside, F_OK), -1);
        assert_int_equal(errno, ENOENT);

        assert_int_equal(sha256_digest(tar, size, blob), 0);
        strcpy(diff, blob);
        assert_true(layer_unpack_result_check(&res, blob, size, diff, &message) < 0);
        assert_non_null(startswith(message, "corrupt layer: "));
}

static void test_dotdot_refused(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *outside = path_join(f->dir, "escape");
        const TarEntry e[] = {
                { .path = "ok", .data = "fine" },
                { .path = "../escape", .data = "gotcha" },
        };

        if (geteuid() != 0)
                skip();
        assert_refused(f, e, ELEMENTSOF(e), outside, "leaves the layer");

        const TarEntry e2[] = { { .path = "a/../../escape", .data = "gotcha" } };
        assert_refused(f, e2, ELEMENTSOF(e2), outside, "leaves the layer");

        const TarEntry e3[] = {
                { .path = "ok", .data = "fine" },
                { .path = "link", .hardlink = "../escape" },
        };
        assert_refused(f, e3, ELEMENTSOF(e3), outside, "leaves the layer");
}

static void test_absolute_refused(void **state) {
        Fixture *f = *state;
        char outside[64];

        if (geteuid() != 0)
                skip();
        snprintf(outside, sizeof outside, "/tmp/wharf-test-abs-%d", (int) getpid());
        const TarEntry e[] = { { .path = outside, .data = "gotcha" } };
        assert_refused(f, e, ELEMENTSOF(e), outside, "absolute path");
}

static void test_symlink_escape_refused(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *outside = path_join(f->dir, "escape"), *via_root = NULL;
        char name[64];

        if (geteuid() != 0)
                skip();
        const TarEntry up[] = {
                { .path = "up", .type = AE_IFLNK, .symlink = ".." },
                { .path = "up/escape", .data = "gotcha" },
        };
        assert_refused(f, up, ELEMENTSOF(up), outside, "symlink");
        assert_int_equal(rm_rf(f->layer), 0);
        assert_int_equal(mkdir(f->layer, 0755), 0);

        /* a planted link to "/": whatever libarchive thinks, the worker's
         * "/" is the layer itself */
        snprintf(name, sizeof name, "wharf-test-escape-%d", (int) getpid());
        via_root = path_join("/tmp", name);
        _cleanup_(freep) char *through = NULL;
        assert_true(asprintf(&through, "root/tmp/%s", name) > 0);
        const TarEntry root[] = {
                { .path = "root", .type = AE_IFLNK, .symlink = "/" },
                { .path = through, .data = "gotcha" },
        };
        assert_refused(f, root, ELEMENTSOF(root), via_root, "symlink");
}

static void test_truncated_gzip(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *gz = NULL, *message = NULL;
        char blob[DIGEST_STRING_MAX];
        LayerUnpackResult res;
        size_t size;
        /* big enough that half of it holds real deflate data */
        _cleanup_(freep) char *big = malloc(200000);

        if (geteuid() != 0)
                skip();
        assert_non_null(big);
        for (size_t i = 0; i < 200000 - 1; i++)
                big[i] = 'a' + (char) ((i * 7919) % 26);
        big[200000 - 1] = 0;
        const TarEntry e[] = { { .path = "big", .data = big } };

        assert_int_equal(tar_build(e, ELEMENTSOF(e), TAR_GZIP, &gz, &size), 0);
        assert_int_equal(sha256_digest(gz, size, blob), 0);

        /* the writer stopped half-way but the manifest said the full size */
        assert_true(unpack_bytes(f, gz, size / 2, LAYER_COMPRESSION_GZIP, size, &res) < 0);
        assert_true(res.eof);
        assert_int_equal(res.compressed_size, size / 2);
        assert_true(layer_unpack_result_check(&res, blob, size, blob, &message) < 0);
        assert_non_null(startswith(message, "stream ended early"));
        free(TAKE_PTR(message));

        /* truncated and declared so: just a corrupt gzip */
        assert_int_equal(rm_rf(f->layer), 0);
        assert_int_equal(mkdir(f->layer, 0755), 0);
        assert_true(unpack_bytes(f, gz, size / 2, LAYER_COMPRESSION_GZIP, size / 2, &res) < 0);
        assert_true(layer_unpack_result_check(&res, blob, size / 2, blob, &message) < 0);
        assert_non_null(startswith(message, "corrupt layer: "));
}

static void test_corrupt_gzip(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *gz = NULL, *message = NULL;
        char blob[DIGEST_STRING_MAX];
        LayerUnpackResult res;
        size_t size;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_GZIP, &gz, &size), 0);
        assert_int_equal(sha256_digest(gz, size, blob), 0);
        for (size_t i = 20; i < size - 12; i += 3)
                gz[i] ^= 0x5a;
        assert_true(unpack_bytes(f, gz, size, LAYER_COMPRESSION_GZIP, size, &res) < 0);
        assert_true(layer_unpack_result_check(&res, blob, size, blob, &message) < 0);
        assert_non_null(startswith(message, "corrupt layer: "));
}

static void test_more_than_declared(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *gz = NULL, *tar = NULL, *message = NULL;
        char blob[DIGEST_STRING_MAX];
        LayerUnpackResult res;
        size_t size;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_GZIP, &gz, &size), 0);
        assert_int_equal(sha256_digest(gz, size, blob), 0);
        assert_int_equal(unpack_bytes(f, gz, size, LAYER_COMPRESSION_GZIP, size - 10, &res), -EFBIG);
        assert_true(layer_unpack_result_check(&res, blob, size - 10, blob, &message) < 0);
        assert_non_null(strstr(message, "exceeds its declared size"));
        free(TAKE_PTR(message));

        /* trailing bytes after a complete tarball count too */
        size_t tar_size;
        assert_int_equal(rm_rf(f->layer), 0);
        assert_int_equal(mkdir(f->layer, 0755), 0);
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), 0, &tar, &tar_size), 0);
        assert_int_equal(unpack_bytes(f, tar, tar_size, LAYER_COMPRESSION_NONE, tar_size - 1, &res), -EFBIG);
}

static void test_empty_stream(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *message = NULL;
        LayerUnpackResult res;

        if (geteuid() != 0)
                skip();
        assert_true(unpack_bytes(f, "", 0, LAYER_COMPRESSION_GZIP, 100, &res) < 0);
        assert_true(res.eof);
        assert_true(layer_unpack_result_check(&res, "sha256:0", 100, "sha256:0", &message) < 0);
        assert_string_equal(message, "stream ended early: received 0 of 100 bytes");
}

/* zstd layers: digests over the compressed bytes and the tar, and the tee
 * into the blob file holds exactly the bytes sent */
static void test_zstd_and_blob_tee(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *zst = NULL, *tar = NULL, *hostname = NULL, *content = NULL,
                *message = NULL, *blob_path = NULL, *stored = NULL;
        _cleanup_(closep) int blob_fd = -EBADF;
        char blob[DIGEST_STRING_MAX], diff[DIGEST_STRING_MAX];
        size_t zst_size, tar_size, stored_size;
        LayerUnpackOptions o = LAYER_UNPACK_OPTIONS_INIT(LAYER_COMPRESSION_ZSTD, 0);
        LayerUnpackResult res;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_ZSTD, &zst, &zst_size), 0);
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_UNPADDED, &tar, &tar_size), 0);
        assert_int_equal((uint8_t) zst[0], 0x28); /* zstd magic 28 b5 2f fd */
        assert_int_equal(sha256_digest(zst, zst_size, blob), 0);
        assert_int_equal(sha256_digest(tar, tar_size, diff), 0);

        blob_path = path_join(f->dir, "blob");
        blob_fd = open(blob_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert_true(blob_fd >= 0);
        o.max_size = zst_size;
        o.blob_fd = blob_fd;
        assert_int_equal(unpack_bytes_with(f, zst, zst_size, &o, &res), 0);
        assert_string_equal(res.blob_digest, blob);
        assert_string_equal(res.diff_id, diff);
        assert_int_equal(layer_unpack_result_check(&res, blob, zst_size, diff, &message), 0);

        assert_int_equal(read_full_file(blob_path, &stored, &stored_size, 1 << 20), 0);
        assert_int_equal(stored_size, zst_size);
        assert_memory_equal(stored, zst, zst_size);

        hostname = layer_file(f, "etc/hostname");
        assert_int_equal(read_full_file(hostname, &content, NULL, 1024), 0);
        assert_string_equal(content, "wharf\n");

        /* a gzip stream declared as zstd is refused */
        free(TAKE_PTR(zst));
        assert_int_equal(rm_rf(f->layer), 0);
        assert_int_equal(mkdir(f->layer, 0755), 0);
        assert_int_equal(tar_build(basic, ELEMENTSOF(basic), TAR_GZIP, &zst, &zst_size), 0);
        assert_true(unpack_bytes(f, zst, zst_size, LAYER_COMPRESSION_ZSTD, zst_size, &res) < 0);
        assert_non_null(strstr(res.message, "not zstd-compressed"));
}

/* bytes out / bytes in beyond the bound stops the worker */
static void test_decompression_ratio(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *zeros = NULL, *gz = NULL, *message = NULL;
        LayerUnpackOptions o = LAYER_UNPACK_OPTIONS_INIT(LAYER_COMPRESSION_GZIP, UINT64_MAX);
        LayerUnpackResult res;
        size_t gz_size;
        const size_t n = 4U << 20;

        if (geteuid() != 0)
                skip();
        zeros = calloc(1, n + 1);
        assert_non_null(zeros);
        memset(zeros, 'z', n);
        TarEntry bomb[] = { { .path = "bomb", .data = zeros } };
        assert_int_equal(tar_build(bomb, ELEMENTSOF(bomb), TAR_GZIP, &gz, &gz_size), 0);
        assert_true(gz_size * 100 < n);

        o.max_ratio = 50;
        o.ratio_floor = 1 << 20;
        assert_int_equal(unpack_bytes_with(f, gz, gz_size, &o, &res), -EFBIG);
        assert_non_null(strstr(res.message, "decompression ratio exceeds 50"));
        assert_true(layer_unpack_result_check(&res, "sha256:0", gz_size, "sha256:0", &message) < 0);
        assert_non_null(startswith(message, "decompression ratio exceeds 50"));

        /* under the floor, or with a generous ratio, the same layer passes */
        assert_int_equal(rm_rf(f->layer), 0);
        assert_int_equal(mkdir(f->layer, 0755), 0);
        o.max_ratio = 100000;
        assert_int_equal(unpack_bytes_with(f, gz, gz_size, &o, &res), 0);
}

/* file capabilities, user xattrs, devices, fifos and hard links come through */
static void test_metadata_preserved(void **state) {
        Fixture *f = *state;
        /* VFS_CAP_REVISION_2, cap_net_bind_service (bit 10) permitted + effective */
        static const char cap[20] = { 0x01, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x00 };
        const TarEntry entries[] = {
                { .path = "bin", .type = AE_IFDIR },
                { .path = "bin/ping", .data = "elf", .mode = 0755,
                  .xattr_name = "security.capability", .xattr_value = cap, .xattr_size = sizeof cap },
                { .path = "bin/ping2", .hardlink = "bin/ping" },
                { .path = "etc", .type = AE_IFDIR },
                { .path = "etc/tagged", .data = "x", .xattr_name = "user.wharf", .xattr_value = "yes" },
                { .path = "dev", .type = AE_IFDIR },
                { .path = "dev/null", .type = AE_IFCHR, .mode = 0666 },
                { .path = "dev/fifo", .type = AE_IFIFO },
        };
        _cleanup_(freep) char *tar = NULL, *p = NULL, *p2 = NULL;
        LayerUnpackResult res;
        struct stat st, st2;
        char buf[64];
        size_t size;
        ssize_t n;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(entries, ELEMENTSOF(entries), 0, &tar, &size), 0);
        assert_int_equal(unpack_bytes(f, tar, size, LAYER_COMPRESSION_NONE, size, &res), 0);

        p = layer_file(f, "bin/ping");
        p2 = layer_file(f, "bin/ping2");
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(stat(p2, &st2), 0);
        assert_int_equal(st.st_ino, st2.st_ino);
        assert_int_equal(st.st_mode & 07777, 0755);
        n = lgetxattr(p, "security.capability", buf, sizeof buf);
        assert_int_equal(n, sizeof cap);
        assert_memory_equal(buf, cap, sizeof cap);
        free(TAKE_PTR(p));
        p = layer_file(f, "etc/tagged");
        n = lgetxattr(p, "user.wharf", buf, sizeof buf);
        if (n < 0 && errno == ENOTSUP)
                skip();
        assert_int_equal(n, 3);
        assert_memory_equal(buf, "yes", 3);
        free(TAKE_PTR(p));
        p = layer_file(f, "dev/null");
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISCHR(st.st_mode));
        free(TAKE_PTR(p));
        p = layer_file(f, "dev/fifo");
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISFIFO(st.st_mode));
}

static void test_device_outside_dev_refused(void **state) {
        Fixture *f = *state;
        const TarEntry entries[] = {
                { .path = "etc", .type = AE_IFDIR },
                { .path = "etc/disk", .type = AE_IFBLK, .mode = 0600 },
        };
        _cleanup_(freep) char *tar = NULL, *p = NULL;
        LayerUnpackResult res;
        struct stat st;
        size_t size;

        if (geteuid() != 0)
                skip();
        assert_int_equal(tar_build(entries, ELEMENTSOF(entries), 0, &tar, &size), 0);
        assert_int_equal(unpack_bytes(f, tar, size, LAYER_COMPRESSION_NONE, size, &res), -EPERM);
        assert_string_equal(res.message, "device node etc/disk outside /dev");
        p = layer_file(f, "etc/disk");
        assert_int_equal(lstat(p, &st), -1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_media_types),
                cmocka_unit_test_setup_teardown(test_gzip_digests, setup, teardown),
                cmocka_unit_test_setup_teardown(test_plain_tar, setup, teardown),
                cmocka_unit_test_setup_teardown(test_trailing_zeros, setup, teardown),
                cmocka_unit_test_setup_teardown(test_plain_declared_gzip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_whiteouts, setup, teardown),
                cmocka_unit_test_setup_teardown(test_links, setup, teardown),
                cmocka_unit_test_setup_teardown(test_overlay_xattrs_dropped, setup, teardown),
                cmocka_unit_test_setup_teardown(test_dotdot_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_absolute_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_symlink_escape_refused, setup, teardown),
                cmocka_unit_test_setup_teardown(test_truncated_gzip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_corrupt_gzip, setup, teardown),
                cmocka_unit_test_setup_teardown(test_more_than_declared, setup, teardown),
                cmocka_unit_test_setup_teardown(test_empty_stream, setup, teardown),
                cmocka_unit_test_setup_teardown(test_zstd_and_blob_tee, setup, teardown),
                cmocka_unit_test_setup_teardown(test_decompression_ratio, setup, teardown),
                cmocka_unit_test_setup_teardown(test_metadata_preserved, setup, teardown),
                cmocka_unit_test_setup_teardown(test_device_outside_dev_refused, setup, teardown),
        };

        (void) signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, NULL, NULL);
}
