/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The unpack/verify core of a layer ingest, free of any bus or daemon state:
 * a forked worker reads a (possibly gzip-compressed) layer tarball from a
 * file descriptor, hashes the compressed bytes (blob digest) and the
 * uncompressed tar (diff_id) while unpacking it into a directory it is
 * confined to, converts docker whiteouts into overlayfs ones, and reports
 * what it saw through a pipe. The parent then checks the report against
 * what the manifest promised. */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "digest.h"

#define LAYER_MEDIA_DOCKER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define LAYER_MEDIA_DOCKER_TAR  "application/vnd.docker.image.rootfs.diff.tar"
#define LAYER_MEDIA_OCI_GZIP    "application/vnd.oci.image.layer.v1.tar+gzip"
#define LAYER_MEDIA_OCI_TAR     "application/vnd.oci.image.layer.v1.tar"
#define LAYER_MEDIA_OCI_ZSTD    "application/vnd.oci.image.layer.v1.tar+zstd"
#define LAYER_MEDIA_DOCKER_ZSTD "application/vnd.docker.image.rootfs.diff.tar.zstd"

/* Default bound on bytes out / bytes in of the decompressor (a zip bomb
 * guard), enforced once the output passes LAYER_UNPACK_RATIO_FLOOR so that
 * small, very compressible layers (empty files, zeros) still pass. */
#define LAYER_UNPACK_RATIO_DEFAULT 200U
#define LAYER_UNPACK_RATIO_FLOOR (64ULL * 1024ULL * 1024ULL)

/* A worker that sees no byte for this long gives up (a writer that died
 * without closing its end must not pin a worker for ever). */
#define LAYER_UNPACK_STALL_TIMEOUT_SEC 300

typedef enum LayerCompression {
        LAYER_COMPRESSION_NONE,
        LAYER_COMPRESSION_GZIP,
        LAYER_COMPRESSION_ZSTD,
        _LAYER_COMPRESSION_MAX,
        _LAYER_COMPRESSION_INVALID = -EINVAL,
} LayerCompression;

/* gzip, zstd or none for the layer media types we accept, else -EINVAL */
LayerCompression layer_media_type_compression(const char *media_type);

/* Fixed-size, so the worker's single write() of it is atomic (< PIPE_BUF). */
typedef struct LayerUnpackResult {
        int error;                          /* 0, or negative errno */
        char message[512];                  /* why, when error != 0 */
        char blob_digest[DIGEST_STRING_MAX];/* over the bytes read from the fd */
        char diff_id[DIGEST_STRING_MAX];    /* over the uncompressed tar */
        bool eof;                           /* the writer closed the stream */
        uint64_t compressed_size;           /* bytes read from the fd */
        uint64_t unpacked_size;             /* sum of regular file sizes */
} LayerUnpackResult;

/* How to unpack one stream. */
typedef struct LayerUnpackOptions {
        LayerCompression compression;
        uint64_t max_size;        /* input bytes refused beyond this (UINT64_MAX: none) */
        unsigned max_ratio;       /* decompressed/compressed bound; 0: none */
        uint64_t ratio_floor;     /* the ratio is checked only beyond this output */
        int blob_fd;              /* every input byte is also written here (the
                                   * stored blob: a tee, not a second download);
                                   * fsynced at the end; -1: none */
} LayerUnpackOptions;

#define LAYER_UNPACK_OPTIONS_INIT(c, size) {                   \
                .compression = (c),                            \
                .max_size = (size),                            \
                .max_ratio = LAYER_UNPACK_RATIO_DEFAULT,       \
                .ratio_floor = LAYER_UNPACK_RATIO_FLOOR,       \
                .blob_fd = -1,                                 \
        }

/* Unpack the stream on input_fd into the current working directory (the
 * caller has confined itself to it). Refuses more than max_size input bytes
 * (UINT64_MAX: no limit). Always fills ret; returns ret->error. */
int layer_unpack(int input_fd, LayerCompression compression, uint64_t max_size,
                 LayerUnpackResult *ret);
int layer_unpack_with(int input_fd, const LayerUnpackOptions *o, LayerUnpackResult *ret);

/* Fork a worker that confines itself to dest (a private mount namespace
 * whose root is dest, no_new_privs, no other fds), runs layer_unpack() and
 * writes its LayerUnpackResult to the returned report fd before exiting.
 * input_fd stays open in the caller (close it after the call). */
int layer_unpack_spawn(int input_fd, const char *dest, LayerCompression compression,
                       uint64_t max_size, pid_t *ret_pid, int *ret_report_fd);
/* The same with every option; o->blob_fd, when set, is kept open in the
 * worker (and stays open in the caller). */
int layer_unpack_spawn_with(int input_fd, const char *dest, const LayerUnpackOptions *o,
                            pid_t *ret_pid, int *ret_report_fd);

/* Read a worker's report after it exited; -EIO when it died without one. */
int layer_unpack_report_read(int report_fd, LayerUnpackResult *ret);

/* Compare a report with the expected blob digest, blob size and diff_id.
 * Returns 0 when everything matches, else a negative errno and a one-line
 * reason in *ret_message ("digest mismatch: expected ..., got ...",
 * "corrupt layer: ...", "stream ended early: ..."). */
int layer_unpack_result_check(const LayerUnpackResult *r, const char *blob_digest,
                              uint64_t size, const char *diff_id, char **ret_message);
