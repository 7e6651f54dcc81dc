/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Image references with docker's normalization rules:
 *   busybox                      -> docker.io/library/busybox:latest
 *   127.0.0.1:5000/busybox       -> 127.0.0.1:5000/busybox:latest
 *   quay.io/a/b@sha256:...       -> quay.io/a/b@sha256:...
 * The first path component is a registry when it contains '.' or ':' or is
 * "localhost"; "library/" is added for docker.io only; default tag "latest". */

#include <stdbool.h>

#define REFERENCE_DEFAULT_REGISTRY "docker.io"
#define REFERENCE_DEFAULT_TAG "latest"
#define REFERENCE_NAME_MAX 255

typedef struct Reference {
        char *registry;   /* "docker.io", "127.0.0.1:5000" */
        char *repository; /* "library/busybox" */
        char *tag;        /* NULL when only a digest was given */
        char *digest;     /* NULL or "sha256:..." */
} Reference;

void reference_done(Reference *r);

/* -EINVAL for anything docker would refuse ("invalid reference format"). */
int reference_parse(const char *s, Reference *ret);

/* "registry/repository:tag", "registry/repository@digest" (digest wins),
 * malloc'd. */
char *reference_normalized(const Reference *r);
/* "registry/repository:tag" (NULL if there is no tag) */
char *reference_normalized_tag(const Reference *r);
/* "registry/repository" */
char *reference_name(const Reference *r);

/* docker's short form of a normalized string: "docker.io/library/x:y" -> "x:y" */
char *reference_familiar(const char *normalized);

/* tag if set, else digest: what a registry's /manifests/<ref> takes */
const char *reference_manifest_ref(const Reference *r);

/* Plain HTTP is allowed for localhost, 127.0.0.0/8 and ::1 only. */
bool registry_is_loopback(const char *registry);
