/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Image manifests and indexes (Docker schema2 and OCI), parsed and checked
 * enough to walk them safely: every descriptor has a valid sha256 digest and
 * a size, and the counts are bounded. Pure: no I/O. */

#include <stdint.h>
#include <stddef.h>

#define MEDIA_TYPE_DOCKER_MANIFEST      "application/vnd.docker.distribution.manifest.v2+json"
#define MEDIA_TYPE_DOCKER_MANIFEST_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MEDIA_TYPE_DOCKER_SCHEMA1       "application/vnd.docker.distribution.manifest.v1+json"
#define MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"
#define MEDIA_TYPE_OCI_MANIFEST         "application/vnd.oci.image.manifest.v1+json"
#define MEDIA_TYPE_OCI_INDEX            "application/vnd.oci.image.index.v1+json"

/* What ResolveImage sends in Accept (schema1 deliberately left out). */
#define MANIFEST_ACCEPT                                 \
        MEDIA_TYPE_DOCKER_MANIFEST ", "                 \
        MEDIA_TYPE_DOCKER_MANIFEST_LIST ", "            \
        MEDIA_TYPE_OCI_MANIFEST ", "                    \
        MEDIA_TYPE_OCI_INDEX

#define MANIFEST_SIZE_MAX (4U * 1024U * 1024U)
#define MANIFEST_LAYERS_MAX 256U
#define MANIFEST_ENTRIES_MAX 1024U

typedef enum ManifestKind {
        MANIFEST_IMAGE,
        MANIFEST_INDEX,
} ManifestKind;

typedef struct Descriptor {
        char *media_type;   /* may be NULL for index entries of old lists */
        char *digest;
        uint64_t size;
        /* index entries only */
        char *os;
        char *architecture;
        char *variant;
} Descriptor;

typedef struct Manifest {
        ManifestKind kind;
        char *media_type;
        Descriptor config;      /* MANIFEST_IMAGE */
        Descriptor *layers;     /* MANIFEST_IMAGE */
        size_t n_layers;
        Descriptor *manifests;  /* MANIFEST_INDEX */
        size_t n_manifests;
} Manifest;

void manifest_done(Manifest *m);

/* content_type: the response's Content-Type (parameters allowed) or NULL.
 * Errors: -EFBIG (too large), -EPROTONOSUPPORT (schema1), -EBADMSG (invalid);
 * *ret_error (if given) gets a one-line reason on failure. */
int manifest_parse(const char *data, size_t size, const char *content_type,
                   Manifest *ret, char **ret_error);

typedef struct Platform {
        char os[32];
        char architecture[32];
        char variant[32];   /* "" = any */
} Platform;

/* "os/arch[/variant]"; "" or NULL gives the host's platform. -EINVAL if malformed. */
int platform_parse(const char *s, Platform *ret);
/* "os/arch[/variant]" into buf */
const char *platform_format(const Platform *p, char *buf, size_t size);

/* The index entry that is an image manifest for platform, or -ENOENT. */
int manifest_select_platform(const Manifest *index, const Platform *platform, const Descriptor **ret);
