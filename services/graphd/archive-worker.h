/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The off-loop halves of save, load and import, run in a forked worker.
 *
 * load/import "prepare": read the archive (or rootfs tarball) from an fd
 * into a private directory under tmp/ - regular files only, under names we
 * make up, never the archive's paths - hash every file, parse and verify the
 * metadata (manifest.json or index.json, configs, manifests: sizes capped,
 * digests checked where a name or descriptor carries one) and write a plan
 * (plan.json: the images, their configs, tags, and layer files with blob
 * digest, size, media type and the diff_id the config promises). The layers
 * themselves then go through the ordinary ingest path (confined unpack,
 * limits, whiteouts, diff_id check).
 *
 * save: write the docker-archive + OCI layout tar of stored images to an fd. */

#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "graph.h"

typedef struct ArchivePlanLayer {
        char *path;                          /* file in the work directory */
        char digest[DIGEST_STRING_MAX];      /* of that file (the blob) */
        char diff_id[DIGEST_STRING_MAX];     /* what the config promises */
        char *media_type;
        uint64_t size;
} ArchivePlanLayer;

typedef struct ArchivePlanImage {
        char *config_path;
        char **tags;                         /* normalized "registry/repo:tag" */
        ArchivePlanLayer *layers;
        size_t n_layers;
} ArchivePlanImage;

typedef struct ArchivePlan {
        ArchivePlanImage *images;
        size_t n_images;
} ArchivePlan;

void archive_plan_done(ArchivePlan *p);
int archive_plan_write(const ArchivePlan *p, const char *dir);
int archive_plan_read(const char *dir, ArchivePlan *ret);

/* Worker bodies (run in the child). On failure: negative errno and a
 * one-line reason in *ret_error. */
int archive_prepare_load(int fd, const char *dir, char **ret_error);
int archive_prepare_import(int fd, const char *dir, char **tags, const char *source, char **ret_error);

typedef struct ArchiveSaveItem {
        char id[DIGEST_STRING_MAX];
        char *tag;                           /* normalized, or NULL (saved by id) */
} ArchiveSaveItem;

/* Write items as a docker-archive + OCI layout tar to fd. workdir: scratch
 * space for decompressed layers. */
int archive_save(Graph *g, const ArchiveSaveItem *items, size_t n, int fd, const char *workdir,
                 char **ret_error);

/* Fork a worker running fn(userdata, &error); its result arrives on
 * *ret_report_fd (read with archive_report_read after it exited). */
typedef int (*ArchiveWorkerFunc)(void *userdata, char **ret_error);
int archive_worker_spawn(ArchiveWorkerFunc fn, void *userdata, pid_t *ret_pid, int *ret_report_fd);
/* 0 and *ret_error NULL on success; the worker's error and message; -EIO
 * when it died without a report. */
int archive_report_read(int report_fd, char **ret_error);
