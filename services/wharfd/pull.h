/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Pulling an image: Registry1.ResolveImage, then for each missing layer
 * Graph1.IngestLayer (a pipe) fed by Registry1.FetchBlob, then
 * Graph1.CommitImage. Runs for a job (its LogMessage lines and Progress),
 * either a "pull" job or inside a "create" job. */

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "backend.h"
#include "manager.h"
#include "pull-options.h"
#include "reference.h"

/* r == 0: done, image_id and config set; else message is one clear line.
 * Called last: the handler may free the pull. */
typedef void (*PullDoneHandler)(Pull *p, int r, const char *message, void *userdata);

/* opts (may be NULL) is copied. */
int pull_start(Manager *m, Job *job, const Reference *ref, const PullOptions *opts, PullDoneHandler done,
               void *userdata, Pull **ret);
/* Cancels transfers still running. */
Pull *pull_free(Pull *p);
DEFINE_TRIVIAL_CLEANUP_FUNC(Pull *, pull_free);

const char *pull_image_id(Pull *p);
const char *pull_config(Pull *p);

/* The backends' signals (backend.c routes them here). */
void pull_dispatch_ingest_done(Manager *m, uint32_t ingest_id, const char *chain_id, const char *error);
void pull_dispatch_transfer_progress(Manager *m, uint32_t transfer_id, uint64_t bytes, uint64_t total);
void pull_dispatch_transfer_done(Manager *m, uint32_t transfer_id, const char *error);
void pull_dispatch_backend_vanished(Manager *m, Backend b);

/* The Pull method (reference, options a{sv}: Platform, RegistryAuth): a
 * "pull" job. */
int method_pull(sd_bus_message *message, void *userdata, sd_bus_error *error);
