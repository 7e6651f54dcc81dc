/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* One IngestLayer call: the read end of the pipe whose write end went to
 * the caller, the unpack worker reading it into tmp/ingest-XXXXXX/diff,
 * and the decision (publish or discard) when the worker exits, announced
 * with IngestDone. */

#include <stdint.h>
#include <sys/types.h>
#include <systemd/sd-event.h>

#include "digest.h"
#include "layer-unpack.h"
#include "manager.h"

struct Ingest {
        Manager *manager;
        Ingest *next;

        uint32_t id;
        char blob_digest[DIGEST_STRING_MAX];
        char diff_id[DIGEST_STRING_MAX];
        char parent[DIGEST_STRING_MAX];
        char chain_id[DIGEST_STRING_MAX];
        char *media_type;
        LayerCompression compression;
        uint64_t size;

        int input_fd;             /* read end, ours until the worker starts */
        int report_fd;
        pid_t pid;
        sd_event_source *child_source;
        char *dir;                /* tmp/ingest-XXXXXX, holds diff/ */
        char *failure;            /* the IngestDone error, while the failed tree is removed */

        /* Optional, for graphd's own callers (load, import): told the
         * outcome right after IngestDone; error NULL on success. */
        void (*on_done)(Ingest *i, const char *error, void *userdata);
        void *on_done_userdata;
};

/* Queue an ingest; *ret_fd is the write end for the caller. */
int ingest_new(Manager *m, const char *blob_digest, const char *media_type, uint64_t size,
               const char *diff_id, const char *parent, Ingest **ret, int *ret_fd);
Ingest *ingest_free(Ingest *i);

/* Start queued ingests while there is room. */
void manager_dispatch_ingests(Manager *m);
