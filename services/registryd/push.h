/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* PushBlob and PushManifest. A blob push: HEAD (already there?), then a
 * cross-repository mount from one of the MountFrom repositories (POST
 * ?mount=&from=), else an upload session (POST) filled with one PUT
 * (monolithic) or, for blobs larger than registries.conf push-chunk-size,
 * PATCH chunks and a final PUT. It shares the transfer ids and signals of
 * FetchBlob (TransferProgress, TransferDone) and says how it ended in
 * PushStatus. */

#include <stdint.h>

#include "credentials.h"
#include "manager.h"

typedef struct BlobPush BlobPush;

/* Takes fd, creds and mount_from. Replies to call with the transfer id. */
int blob_push_start(Manager *m, sd_bus_message *call, const char *registry, const char *repository,
                    const char *digest, uint64_t size, int fd, Credentials *creds, char **mount_from,
                    sd_bus_error *error);
BlobPush *blob_push_free(BlobPush *p);
/* Ends it (TransferDone with error); false if there is no such push. */
bool blob_push_cancel(Manager *m, uint32_t id, const char *error);
bool manager_has_push(Manager *m, uint32_t id);

/* PUT the manifest; replies to call with its digest. Takes creds. */
int manifest_push_start(Manager *m, sd_bus_message *call, const char *registry, const char *repository,
                        const char *reference, const char *media_type, const char *manifest, Credentials *creds,
                        sd_bus_error *error);

void pushes_free_all(Manager *m);
