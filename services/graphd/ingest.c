/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "blob-store.h"
#include "fs-util.h"
#include "graph-limits.h"
#include "ingest.h"
#include "layer-store.h"
#include "log.h"
#include "macro.h"
#include "store-sync.h"
#include "syncer.h"

Ingest *ingest_free(Ingest *i) {
        if (!i)
                return NULL;

        if (i->manager) {
                for (Ingest **p = &i->manager->ingests; *p; p = &(*p)->next)
                        if (*p == i) {
                                *p = i->next;
                                break;
                        }
                i->manager->n_ingests--;
                if (i->pid > 0)
                        i->manager->n_running--;
        }
        if (i->child_source) {
                /* shutting down with the worker still running */
                (void) kill(i->pid, SIGKILL);
                (void) waitpid(i->pid, NULL, 0);
                sd_event_source_disable_unref(i->child_source);
        }
        safe_close(i->input_fd);
        safe_close(i->report_fd);
        free(i->media_type);
        free(i->dir);
        free(i->failure);
        free(i);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Ingest *, ingest_free);

int ingest_new(Manager *m, const char *blob_digest, const char *media_type, uint64_t size,
               const char *diff_id, const char *parent, Ingest **ret, int *ret_fd) {
        _cleanup_(ingest_freep) Ingest *i = NULL;
        int fds[2], r;

        if (m->n_ingests >= INGESTS_MAX)
                return -EBUSY;

        i = calloc(1, sizeof *i);
        if (!i)
                return -ENOMEM;
        i->input_fd = i->report_fd = -EBADF;
        i->compression = layer_media_type_compression(media_type);
        if (i->compression < 0)
                return -EINVAL;
        i->media_type = strdup(media_type);
        if (!i->media_type)
                return -ENOMEM;
        strcpy(i->blob_digest, blob_digest);
        strcpy(i->diff_id, diff_id);
        strcpy(i->parent, strempty(parent));
        i->size = size;
        r = chain_id(parent, diff_id, i->chain_id);
        if (r < 0)
                return r;

        if (pipe2(fds, O_CLOEXEC) < 0)
                return -errno;
        i->input_fd = fds[0];

        /* link in at the tail: first come, first unpacked */
        i->manager = m;
        i->id = ++m->last_ingest_id;
        Ingest **p = &m->ingests;
        while (*p)
                p = &(*p)->next;
        *p = i;
        m->n_ingests++;

        *ret_fd = fds[1];
        *ret = TAKE_PTR(i);
        return 0;
}

static int ingest_emit_done(Ingest *i, const char *error) {
        return sd_bus_emit_signal(i->manager->bus, GRAPH_OBJECT_PATH, GRAPH_INTERFACE, "IngestDone",
                                  "uss", i->id, i->chain_id, strempty(error));
}

/* Publish a verified layer; returns a failure message or NULL. */
static char *ingest_publish(Ingest *i, const LayerUnpackResult *res) {
        Layer l = {
                .media_type = i->media_type,
                .size = res->unpacked_size,
                .compressed_size = res->compressed_size,
        };
        _cleanup_(freep) char *blob = NULL, *blob_marker = NULL, *layer_marker = NULL;
        Graph *g = i->manager->graph;
        char *message = NULL;
        int r;

        strcpy(l.chain_id, i->chain_id);
        strcpy(l.diff_id, i->diff_id);
        strcpy(l.parent, i->parent);
        strcpy(l.blob_digest, i->blob_digest);

        /* the blob first: a layer visible as complete always has its blob
         * (a crash in between leaves an orphan blob, collected at start-up);
         * each marked before it is renamed into sight, synced later */
        blob = path_join(i->dir, "blob");
        if (!blob)
                return strdup("cannot store layer: out of memory");
        r = store_sync_mark(g, STORE_SYNC_BLOB, i->blob_digest, &blob_marker);
        if (r >= 0)
                r = store_sync_mark(g, STORE_SYNC_LAYER, i->chain_id, &layer_marker);
        if (r >= 0)
                r = blob_publish_file(g, blob, i->blob_digest);
        if (r >= 0)
                r = layer_metadata_write(i->dir, &l);
        if (r >= 0)
                r = layer_publish(g, i->dir, i->chain_id);
        if (blob_marker)
                (void) syncer_add(i->manager, TAKE_PTR(blob_marker));
        if (layer_marker)
                (void) syncer_add(i->manager, TAKE_PTR(layer_marker));
        if (r > 0) {
                /* an ingest of the same layer finished first: keep its copy */
                log_debug("Layer %s was published concurrently, discarding ingest %u's copy.",
                          i->chain_id, i->id);
                (void) graph_discard(g, i->dir);
        }
        if (r < 0 && asprintf(&message, "cannot store layer: %s", strerror(-r)) < 0)
                message = strdup("cannot store layer");
        return message;
}

/* A failed ingest answers only once its tree is gone, so that a failed pull
 * leaves nothing behind in the store by the time the client hears of it. */
static void ingest_on_discarded(void *userdata) {
        Ingest *i = userdata;
        Manager *m = i->manager;
        int r;

        r = ingest_emit_done(i, i->failure);
        if (r < 0)
                log_warning_errno(r, "Failed to emit IngestDone for ingest %u: %m", i->id);
        if (i->on_done)
                i->on_done(i, i->failure, i->on_done_userdata);
        ingest_free(i);
        manager_dispatch_ingests(m);
}

static int ingest_on_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        _cleanup_(ingest_freep) Ingest *i = userdata;
        _cleanup_(freep) char *message = NULL;
        Manager *m = i->manager;
        LayerUnpackResult res;
        int r;

        i->child_source = sd_event_source_disable_unref(i->child_source);

        r = layer_unpack_report_read(i->report_fd, &res);
        if (r < 0) {
                if (asprintf(&message, "unpack worker failed (%s %d)",
                             si->si_code == CLD_EXITED ? "exit status" : "signal", si->si_status) < 0)
                        return log_oom();
        } else {
                r = layer_unpack_result_check(&res, i->blob_digest, i->size, i->diff_id, &message);
                if (r == -ENOMEM)
                        return log_oom();
        }

        if (r >= 0)
                message = ingest_publish(i, &res);

        if (message)
                log_warning("Ingest %u of layer %s (blob %s) failed: %s", i->id, i->chain_id,
                            i->blob_digest, message);
        else
                log_info("Layer %s ingested: %" PRIu64 " bytes compressed, %" PRIu64 " bytes unpacked.",
                         i->chain_id, res.compressed_size, res.unpacked_size);

        if (r < 0) {
                i->failure = TAKE_PTR(message);
                if (graph_discard_then(m->graph, i->dir, ingest_on_discarded, i) >= 0) {
                        TAKE_PTR(i); /* ingest_on_discarded answers and frees it */
                        return 0;
                }
                message = TAKE_PTR(i->failure);
        }

        r = ingest_emit_done(i, message);
        if (r < 0)
                log_warning_errno(r, "Failed to emit IngestDone for ingest %u: %m", i->id);
        if (i->on_done)
                i->on_done(i, message, i->on_done_userdata);

        i = ingest_free(i);
        manager_dispatch_ingests(m);
        return 0;
}

static int ingest_start(Ingest *i) {
        _cleanup_(freep) char *diff = NULL, *blob = NULL;
        _cleanup_(closep) int blob_fd = -EBADF;
        LayerUnpackOptions o = LAYER_UNPACK_OPTIONS_INIT(i->compression, i->size);
        GraphLimits limits;
        int r;

        r = graph_mkdtemp(i->manager->graph, "ingest", &i->dir);
        if (r < 0)
                return r;
        /* layers/ is traversed by containers' overlay mounts */
        if (chmod(i->dir, 0711) < 0)
                return -errno;
        diff = path_join(i->dir, "diff");
        if (!diff)
                return -ENOMEM;
        if (mkdir(diff, 0755) < 0)
                return -errno;

        /* the worker tees the stream into the blob as it reads it */
        blob = path_join(i->dir, "blob");
        if (!blob)
                return -ENOMEM;
        blob_fd = open(blob, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (blob_fd < 0)
                return -errno;

        graph_limits_load(i->manager->graph, &limits);
        o.max_ratio = limits.max_decompression_ratio;
        o.ratio_floor = limits.decompression_ratio_floor;
        o.blob_fd = blob_fd;
        r = layer_unpack_spawn_with(i->input_fd, diff, &o, &i->pid, &i->report_fd);
        if (r < 0)
                return r;
        i->input_fd = safe_close(i->input_fd);
        i->manager->n_running++;

        r = sd_event_add_child(i->manager->event, &i->child_source, i->pid, WEXITED, ingest_on_exit, i);
        if (r < 0) {
                (void) kill(i->pid, SIGKILL);
                (void) waitpid(i->pid, NULL, 0);
                return r;
        }
        log_debug("Ingest %u of %s started, worker %d.", i->id, i->chain_id, (int) i->pid);
        return 0;
}

void manager_dispatch_ingests(Manager *m) {
        Ingest *i = m->ingests;

        while (i && m->n_running < INGESTS_RUNNING_MAX) {
                Ingest *next = i->next;

                if (i->pid == 0) {
                        int r = ingest_start(i);
                        if (r < 0) {
                                _cleanup_(freep) char *message = NULL;

                                log_error_errno(r, "Failed to start ingest %u: %m", i->id);
                                if (asprintf(&message, "cannot start unpacking: %s", strerror(-r)) >= 0)
                                        (void) ingest_emit_done(i, message);
                                if (i->on_done)
                                        i->on_done(i, message ?: "cannot start unpacking", i->on_done_userdata);
                                if (i->dir)
                                        (void) graph_discard(m->graph, i->dir);
                                if (i->pid > 0) {
                                        i->pid = 0;
                                        m->n_running--;
                                }
                                ingest_free(i);
                        }
                }
                i = next;
        }
}
