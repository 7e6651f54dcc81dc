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

/* A worker that sees no byte for this long gives up (a writer that died
 * without closing its end must not pin a worker for ever). */
#define LAYER_UNPACK_STALL_TIMEOUT_SEC 300

typedef enum LayerCompression {
        LAYER_COMPRESSION_NONE,
        LAYER_COMPRESSION_GZIP,
        _LAYER_COMPRESSION_MAX,
        _LAYER_COMPRESSION_INVALID = -EINVAL,
} LayerCompression;

/* gzip or none for the four layer media types we accept, else -EINVAL */
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

/* Unpack the stream on input_fd into the current working directory (the
 * caller has confined itself to it). Refuses more than max_size input bytes
 * (UINT64_MAX: no limit). Always fills ret; returns ret->error. */
int layer_unpack(int input_fd, LayerCompression compression, uint64_t max_size,
                 LayerUnpackResult *ret);

/* Fork a worker that confines itself to dest (a private mount namespace
 * whose root is dest, no_new_privs, no other fds), runs layer_unpack() and
 * writes its LayerUnpackResult to the returned report fd before exiting.
 * input_fd stays open in the caller (close it after the call). */
int layer_unpack_spawn(int input_fd, const char *dest, LayerCompression compression,
                       uint64_t max_size, pid_t *ret_pid, int *ret_report_fd);

/* Read a worker's report after it exited; -EIO when it died without one. */
int layer_unpack_report_read(int report_fd, LayerUnpackResult *ret);

/* Compare a report with the expected blob digest, blob size and diff_id.
 * Returns 0 when everything matches, else a negative errno and a one-line
 * reason in *ret_message ("digest mismatch: expected ..., got ...",
 * "corrupt layer: ...", "stream ended early: ..."). */
int layer_unpack_result_check(const LayerUnpackResult *r, const char *blob_digest,
                              uint64_t size, const char *diff_id, char **ret_message);
