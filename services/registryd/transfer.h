/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* FetchBlob: one blob streamed from the registry into a caller's fd (the
 * write end of graphd's pipe), hashed on the way and checked against its
 * digest and size. The reader may be slower than the network: when the fd
 * is full, curl is paused and resumed once the fd is writable again.
 * Completion is the TransferDone signal; the fd is closed at once on any
 * failure, so the reader sees a short stream. */

#include <stdint.h>

#include "credentials.h"
#include "manager.h"

#define TRANSFER_PROGRESS_INTERVAL_USEC 250000U

/* Takes fd and creds. The transfer is queued; manager_dispatch_transfers()
 * starts it. A broken download is retried (registries.conf "retries", with
 * backoff) and resumed with a Range request; the hash runs on over the
 * resumed stream, so the digest check covers the whole blob. */
int transfer_new(Manager *m, const char *registry, const char *repository, const char *digest,
                 uint64_t size, int fd, Credentials *creds, Transfer **ret);
Transfer *transfer_free(Transfer *t);

uint32_t transfer_id(const Transfer *t);
bool transfer_is_queued(const Transfer *t);
Transfer *transfer_next(const Transfer *t);

/* Moves a queued transfer on; on failure it is finished (and freed). */
void transfer_start(Transfer *t);

/* Ends it with error (NULL on success): closes the fd, emits TransferDone
 * and frees it. Not from inside a curl callback. */
void transfer_finish(Transfer *t, const char *error);

Transfer *manager_find_transfer(Manager *m, uint32_t id);
