/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The metadata of image archives, free of I/O: docker-archive's
 * manifest.json ([{Config, RepoTags, Layers}]) and the OCI image layout's
 * index.json and image manifests, parsed and generated. docker 25+ writes
 * both into one tar (layers as blobs/sha256/<hex>, named by both); so do we. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"

/* metadata files (manifest.json, index.json, configs, manifests) bigger
 * than this are refused before being read */
#define ARCHIVE_METADATA_MAX (4U * 1024U * 1024U)

#define OCI_LAYOUT_CONTENT "{\"imageLayoutVersion\":\"1.0.0\"}"
#define OCI_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define CONTAINERD_ANNOTATION_IMAGE_NAME "io.containerd.image.name"

/* One image of manifest.json: paths inside the archive. */
typedef struct DockerArchiveEntry {
        char *config;
        char **repo_tags;
        char **layers;
} DockerArchiveEntry;

void docker_archive_entries_free(DockerArchiveEntry *e, size_t n);

/* Parse manifest.json; on failure a one-line reason in *ret_error. */
int docker_manifest_parse(const char *json, DockerArchiveEntry **ret, size_t *ret_n, char **ret_error);
/* Generate manifest.json */
int docker_manifest_generate(const DockerArchiveEntry *e, size_t n, char **ret);

typedef struct OciDescriptor {
        char *media_type;
        char digest[DIGEST_STRING_MAX];
        uint64_t size;
        char *name;   /* index entries: the image name from the annotations, or NULL */
} OciDescriptor;

void oci_descriptors_free(OciDescriptor *d, size_t n);

/* index.json: its manifests (name: io.containerd.image.name, else
 * org.opencontainers.image.ref.name when it is a full reference). */
int oci_index_parse(const char *json, OciDescriptor **ret, size_t *ret_n, char **ret_error);
/* index.json over manifests; d[i].name (a normalized "registry/repo:tag")
 * becomes both annotations as docker writes them. */
int oci_index_generate(const OciDescriptor *d, size_t n, char **ret);

/* How deep index.json entries that are themselves image indexes are
 * followed (docker 25+ writes one level) */
#define OCI_INDEX_NESTING_MAX 4

/* True for a JSON document that is an image index (has "manifests"). */
bool oci_is_index(const char *json);
/* A nested image index: its entry for os/architecture (an image manifest
 * or a further index) into *ret (media_type malloc'd); -ENOENT with a
 * one-line reason when none matches. */
int oci_index_select_platform(const char *json, const char *os, const char *architecture,
                              OciDescriptor *ret, char **ret_error);

/* An image manifest: its config and layers. */
int oci_manifest_parse(const char *json, OciDescriptor *ret_config, OciDescriptor **ret_layers,
                       size_t *ret_n, char **ret_error);
int oci_manifest_generate(const OciDescriptor *config, const OciDescriptor *layers, size_t n, char **ret);

/* rootfs.diff_ids of an image config */
int image_config_diff_ids(const char *config, char ***ret, char **ret_error);

/* "blobs/sha256/<hex>" or "<hex>.json" / "<hex>.tar" / "<hex>/layer.tar" where
 * the name carries a digest: that digest into ret and 1; else 0. */
int archive_path_digest(const char *path, char ret[static DIGEST_STRING_MAX]);

/* Lexically normalize a tar path ("./a//b/" -> "a/b"); -EINVAL for absolute
 * paths or ".." leaving the archive. base: a directory to resolve against
 * (symlink targets), or NULL. */
int archive_path_normalize(const char *base, const char *path, char **ret);
