/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* skopeo's oci:DIR[:TAG] for load -i / save -o: TAG is the
 * org.opencontainers.image.ref.name annotation of an index.json entry.
 * Pure functions over index.json text; errors as one line in *ret_error. */

#define OCI_REF_NAME "org.opencontainers.image.ref.name"
#define OCI_INDEX_MAX (4U * 1024U * 1024U)

/* what wharf-oci-tar reads or writes: a layout, and for oci:DIR:TAG the
 * tag (save) or the index.json already narrowed to it (load) */
typedef struct OciLayoutJob {
        const char *dir;
        const char *tag;
        const char *index;
} OciLayoutJob;

/* "DIR[:TAG]" (the part after "oci:"): split at the first ':', as skopeo. */
int oci_layout_parse(const char *s, char **ret_dir, char **ret_tag);

/* index.json keeping only the entry named tag; tag NULL: the only entry
 * (an index with several is refused). where: the layout, for messages. */
int oci_index_select_tag(const char *json, const char *tag, const char *where, char **ret_json, char **ret_error);

/* A save into a layout: the one entry of added (graphd's index.json) named
 * tag, replacing the entries of old (NULL: none) of the same name. */
int oci_index_merge_tag(const char *old, const char *added, const char *tag, char **ret_json, char **ret_error);
