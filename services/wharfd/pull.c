/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>

#include "bus-errors.h"
#include "digest.h"
#include "job.h"
#include "log.h"
#include "manifest.h"
#include "pull.h"

/* parallel blob transfers until registryd says how many it runs at once
 * (its MaxConcurrentDownloads, from registries.conf); docker's default */
#define PULL_PARALLEL 3
#define PULL_PARALLEL_MAX 64
/* after graphd reports a failed layer, how long to wait for registryd's
 * reason (the better message: "unreachable" rather than "short stream") */
#define PULL_ERROR_GRACE_USEC (2 * USEC_PER_SEC)
/* how long a failed transfer waits for graphd's verdict on its layer (graphd
 * answers once the failed tree is removed, so nothing is left when we do) */
#define PULL_INGEST_WAIT_USEC (10 * USEC_PER_SEC)

typedef struct PullLayer {
        Pull *pull;
        ManifestLayer *m;
        bool present;          /* already in graphd */
        bool started;
        bool done;
        bool has_ingest_id, has_transfer_id, transfer_done;
        uint32_t ingest_id, transfer_id;
        uint64_t bytes;
        uint64_t shown_usec, speed_bytes;  /* the last "Downloading x/y" line */
        char *ingest_error;
        char *transfer_error;
        sd_bus_slot *slot;     /* IngestLayer, then FetchBlob */
} PullLayer;

struct Pull {
        Manager *manager;
        Job *job;
        Reference ref;
        PullOptions opts;
        unsigned parallel;
        unsigned max_layers;   /* graphd's MaxLayers */
        sd_bus_slot *limit_slot;
        char *normalized;      /* what was asked for */
        char *tag;             /* normalized tag to record, NULL for a digest */
        char *familiar;

        char *manifest_digest, *manifest, *config;
        char *image_id;

        ManifestLayer *mlayers;
        PullLayer *layers;
        size_t n_layers;
        size_t next_check;     /* HasLayer */
        size_t next_fetch;
        size_t n_active;
        uint64_t total_bytes;
        bool fetched;          /* some layer was missing */
        bool failed;

        sd_bus_slot *slot;     /* ResolveImage, HasLayer, CommitImage */
        sd_event_source *grace_event;
        PullLayer *grace_layer;
        char *failure;         /* kept while the failed pull waits for graphd's last verdicts */
        sd_event_source *failure_wait;

        PullDoneHandler done;
        void *userdata;

        LIST_FIELDS(Pull, pulls);
};

static const char *short_hex(const char *digest) {
        static char buf[13];
        const char *h = digest_hex(digest) ?: digest;
        snprintf(buf, sizeof buf, "%.12s", h);
        return buf;
}

Pull *pull_free(Pull *p) {
        if (!p)
                return NULL;
        for (size_t i = 0; i < p->n_layers; i++) {
                PullLayer *l = &p->layers[i];
                /* stop what registryd is still streaming; graphd then sees a
                 * short stream and drops the partial layer */
                if (l->has_transfer_id && !l->transfer_done)
                        (void) backend_call_ignore(p->manager, BACKEND_REGISTRY, "CancelTransfer", "u", l->transfer_id);
                sd_bus_slot_unref(l->slot);
                free(l->ingest_error);
                free(l->transfer_error);
        }
        free(p->layers);
        manifest_layers_free(p->mlayers, p->n_layers);
        sd_bus_slot_unref(p->slot);
        sd_bus_slot_unref(p->limit_slot);
        pull_options_done(&p->opts);
        sd_event_source_disable_unref(p->grace_event);
        sd_event_source_disable_unref(p->failure_wait);
        free(p->failure);
        LIST_REMOVE(pulls, p->manager->pulls, p);
        reference_done(&p->ref);
        free(p->normalized);
        free(p->tag);
        free(p->familiar);
        free(p->manifest_digest);
        free(p->manifest);
        free(p->config);
        free(p->image_id);
        free(p);
        return NULL;
}

const char *pull_image_id(Pull *p) {
        return p->image_id;
}

const char *pull_config(Pull *p) {
        return p->config;
}

/* Ends the pull with an error; p may be gone afterwards. */
static void cancel_transfers(Pull *p) {
        for (size_t i = 0; i < p->n_layers; i++) {
                PullLayer *l = &p->layers[i];
                if (l->has_transfer_id && !l->transfer_done) {
                        (void) backend_call_ignore(p->manager, BACKEND_REGISTRY, "CancelTransfer", "u", l->transfer_id);
                        l->transfer_done = true;
                }
        }
}

static bool pull_has_open_ingests(Pull *p) {
        for (size_t i = 0; i < p->n_layers; i++) {
                PullLayer *l = &p->layers[i];
                if (l->has_ingest_id && !l->done && !l->ingest_error)
                        return true;
        }
        return false;
}

/* Ends a failed pull once no ingest is open (or the wait ran out): graphd
 * answers a failed ingest after removing its tree, so when the client hears
 * of the failure, nothing of the pull is left in the store. */
static void pull_fail_finish(Pull *p) {
        if (!p->failure || pull_has_open_ingests(p))
                return;
        p->failure_wait = sd_event_source_disable_unref(p->failure_wait);
        p->done(p, -EIO, p->failure, p->userdata); /* p may be gone */
}

static int on_failure_wait(sd_event_source *s, uint64_t usec, void *userdata) {
        Pull *p = userdata;

        log_warning("Pull of %s: graphd did not report every layer in time, failing anyway.", p->normalized);
        p->failure_wait = sd_event_source_disable_unref(p->failure_wait);
        p->done(p, -EIO, p->failure, p->userdata);
        return 0;
}

static void pull_fail(Pull *p, const char *message) {
        if (p->failed)
                return;
        p->failed = true;
        p->grace_event = sd_event_source_disable_unref(p->grace_event);
        if (pull_has_open_ingests(p)) {
                p->failure = strdup(message);
                /* the other layers' streams end now: graphd drops them */
                cancel_transfers(p);
                if (p->failure &&
                    sd_event_add_time_relative(p->manager->event, &p->failure_wait, CLOCK_MONOTONIC,
                                               PULL_INGEST_WAIT_USEC, 0, on_failure_wait, p) >= 0)
                        return;
        }
        p->done(p, -EIO, message, p->userdata);
}

_printf_(2, 3)
static void pull_failf(Pull *p, const char *format, ...) {
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, format);
        if (vasprintf(&msg, format, ap) < 0)
                msg = NULL;
        va_end(ap);
        pull_fail(p, msg ?: "out of memory");
}

static void pull_fail_errno(Pull *p, int r, const char *what) {
        errno = -r;
        pull_failf(p, "%s: %m", what);
}

static void pull_fail_reply(Pull *p, Backend b, const sd_bus_error *e) {
        _cleanup_(freep) char *msg = backend_error_message(b, e);
        pull_fail(p, msg ?: "out of memory");
}

static void pull_update_progress(Pull *p) {
        uint64_t bytes = 0;

        if (p->total_bytes == 0)
                return;
        for (size_t i = 0; i < p->n_layers; i++)
                if (!p->layers[i].present)
                        bytes += p->layers[i].done ? p->layers[i].m->size : MIN(p->layers[i].bytes, p->layers[i].m->size);
        job_set_progress(p->job, (double) bytes / (double) p->total_bytes);
}

static int on_commit(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Pull *p = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *id;
        int r;

        p->slot = sd_bus_slot_unref(p->slot);
        if (e) {
                pull_fail_reply(p, BACKEND_GRAPH, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "s", &id);
        if (r < 0) {
                pull_fail_errno(p, r, "graphd failed: bad CommitImage reply");
                return 0;
        }
        p->image_id = strdup(id);
        if (!p->image_id) {
                pull_fail(p, "out of memory");
                return 0;
        }
        job_log(p->job, "Digest: %s", p->manifest_digest);
        job_log(p->job, "Status: %s for %s", p->fetched ? "Downloaded newer image" : "Image is up to date", p->familiar);
        p->done(p, 0, NULL, p->userdata);
        return 0;
}

static void pull_commit(Pull *p) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        const BackendInfo *g = backend_info(BACKEND_GRAPH);
        int r;

        r = sd_bus_message_new_method_call(p->manager->bus, &call, g->bus_name, g->path, g->interface, "CommitImage");
        if (r >= 0)
                r = sd_bus_message_append(call, "sss", p->manifest_digest, p->manifest, p->config);
        if (r >= 0)
                r = p->tag ? sd_bus_message_append(call, "as", 1, p->tag) : sd_bus_message_append(call, "as", 0);
        if (r >= 0)
                r = sd_bus_call_async(p->manager->bus, &p->slot, call, on_commit, p, BACKEND_LONG_TIMEOUT_USEC);
        if (r < 0)
                pull_fail_errno(p, r, "failed to call graphd");
}

static void pull_fetch_more(Pull *p);

static int on_fetch_blob(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PullLayer *l = userdata;
        Pull *p = l->pull;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        l->slot = sd_bus_slot_unref(l->slot);
        if (e) {
                pull_fail_reply(p, BACKEND_REGISTRY, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "u", &l->transfer_id);
        if (r < 0) {
                pull_fail_errno(p, r, "registryd failed: bad FetchBlob reply");
                return 0;
        }
        l->has_transfer_id = true;
        job_log(p->job, "%s: Downloading", short_hex(l->m->digest));
        return 0;
}

static int on_ingest_layer(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PullLayer *l = userdata;
        Pull *p = l->pull;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int fd, r;

        l->slot = sd_bus_slot_unref(l->slot);
        if (e) {
                pull_fail_reply(p, BACKEND_GRAPH, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "uh", &l->ingest_id, &fd);
        if (r < 0) {
                pull_fail_errno(p, r, "graphd failed: bad IngestLayer reply");
                return 0;
        }
        l->has_ingest_id = true;

        /* The fd belongs to the reply, which is freed when we return: the
         * call below carries a copy to registryd, so once both messages are
         * gone only registryd holds the write end, and its close is graphd's
         * EOF. */
        if (isempty(p->opts.registry_auth))
                r = backend_call(p->manager, BACKEND_REGISTRY, &l->slot, "FetchBlob", BACKEND_TIMEOUT_USEC,
                                 on_fetch_blob, l, "ssstha{sv}", p->ref.registry, p->ref.repository,
                                 l->m->digest, l->m->size, fd, 0);
        else
                r = backend_call(p->manager, BACKEND_REGISTRY, &l->slot, "FetchBlob", BACKEND_TIMEOUT_USEC,
                                 on_fetch_blob, l, "ssstha{sv}", p->ref.registry, p->ref.repository,
                                 l->m->digest, l->m->size, fd, 1, "RegistryAuth", "s", p->opts.registry_auth);
        if (r < 0)
                pull_fail_errno(p, r, "failed to call registryd");
        return 0;
}

static void pull_layer_start(PullLayer *l) {
        Pull *p = l->pull;
        int r;

        l->started = true;
        p->n_active++;
        r = backend_call(p->manager, BACKEND_GRAPH, &l->slot, "IngestLayer", BACKEND_TIMEOUT_USEC,
                         on_ingest_layer, l, "ssts" "s", l->m->digest, l->m->media_type, l->m->size,
                         l->m->diff_id, l->m->parent_chain_id);
        if (r < 0)
                pull_fail_errno(p, r, "failed to call graphd");
}

static void pull_fetch_more(Pull *p) {
        bool all_done = true;

        for (size_t i = 0; i < p->n_layers; i++)
                if (!p->layers[i].present && !p->layers[i].done)
                        all_done = false;
        if (all_done) {
                pull_commit(p);
                return;
        }
        while (!p->failed && p->n_active < p->parallel && p->next_fetch < p->n_layers) {
                PullLayer *l = &p->layers[p->next_fetch++];
                if (!l->present)
                        pull_layer_start(l);
        }
}

static void pull_layers_checked(Pull *p) {
        for (size_t i = 0; i < p->n_layers; i++) {
                PullLayer *l = &p->layers[i];
                job_log(p->job, "%s: %s", short_hex(l->m->digest), l->present ? "Already exists" : "Pulling fs layer");
                if (!l->present) {
                        p->total_bytes += l->m->size;
                        p->fetched = true;
                }
        }
        pull_fetch_more(p);
}

static void pull_check_next(Pull *p);

static int on_has_layer(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Pull *p = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int present, r;

        p->slot = sd_bus_slot_unref(p->slot);
        if (e) {
                pull_fail_reply(p, BACKEND_GRAPH, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "b", &present);
        if (r < 0) {
                pull_fail_errno(p, r, "graphd failed: bad HasLayer reply");
                return 0;
        }
        p->layers[p->next_check++].present = present;
        pull_check_next(p);
        return 0;
}

static void pull_check_next(Pull *p) {
        int r;

        if (p->next_check >= p->n_layers) {
                pull_layers_checked(p);
                return;
        }
        r = backend_call(p->manager, BACKEND_GRAPH, &p->slot, "HasLayer", BACKEND_TIMEOUT_USEC,
                         on_has_layer, p, "s", p->layers[p->next_check].m->chain_id);
        if (r < 0)
                pull_fail_errno(p, r, "failed to call graphd");
}

static int on_resolve(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Pull *p = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *digest, *manifest, *config;
        _cleanup_(freep) char *error = NULL;
        int r;

        p->slot = sd_bus_slot_unref(p->slot);
        if (e) {
                pull_fail_reply(p, BACKEND_REGISTRY, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "sss", &digest, &manifest, &config);
        if (r < 0) {
                pull_fail_errno(p, r, "registryd failed: bad ResolveImage reply");
                return 0;
        }
        p->manifest_digest = strdup(digest);
        p->manifest = strdup(manifest);
        p->config = strdup(config);
        if (!p->manifest_digest || !p->manifest || !p->config) {
                pull_fail(p, "out of memory");
                return 0;
        }

        r = manifest_parse_layers(manifest, config, &p->mlayers, &p->n_layers, &error);
        if (r < 0) {
                if (error)
                        pull_fail(p, error);
                else
                        pull_fail_errno(p, r, "failed to parse the manifest");
                return 0;
        }
        p->layers = calloc(p->n_layers, sizeof(PullLayer));
        if (!p->layers) {
                pull_fail(p, "out of memory");
                return 0;
        }
        for (size_t i = 0; i < p->n_layers; i++)
                p->layers[i] = (PullLayer) { .pull = p, .m = &p->mlayers[i] };

        /* before any layer is asked for: nothing is fetched or stored */
        if (manifest_check_layer_count(p->n_layers, p->max_layers, &error) < 0) {
                pull_fail(p, error ?: "out of memory");
                return 0;
        }

        pull_check_next(p);
        return 0;
}

static int on_max_downloads(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Pull *p = userdata;
        uint32_t n;

        p->limit_slot = sd_bus_slot_unref(p->limit_slot);
        /* an older registryd without the property: keep the default */
        if (sd_bus_message_is_method_error(reply, NULL) || sd_bus_message_read(reply, "v", "u", &n) < 0)
                return 0;
        p->parallel = MAX(1U, MIN(n, (uint32_t) PULL_PARALLEL_MAX));
        return 0;
}

static int on_max_layers(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Pull *p = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        p->slot = sd_bus_slot_unref(p->slot);
        if (e) {
                pull_fail_reply(p, BACKEND_GRAPH, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "v", "u", &p->max_layers);
        if (r < 0) {
                pull_fail_errno(p, r, "graphd failed: bad MaxLayers reply");
                return 0;
        }

        if (isempty(p->opts.registry_auth))
                r = backend_call(p->manager, BACKEND_REGISTRY, &p->slot, "ResolveImage", BACKEND_LONG_TIMEOUT_USEC,
                                 on_resolve, p, "ssssa{sv}", p->ref.registry, p->ref.repository,
                                 reference_manifest_ref(&p->ref), strempty(p->opts.platform), 0);
        else
                r = backend_call(p->manager, BACKEND_REGISTRY, &p->slot, "ResolveImage", BACKEND_LONG_TIMEOUT_USEC,
                                 on_resolve, p, "ssssa{sv}", p->ref.registry, p->ref.repository,
                                 reference_manifest_ref(&p->ref), strempty(p->opts.platform),
                                 1, "RegistryAuth", "s", p->opts.registry_auth);
        if (r < 0)
                pull_fail_errno(p, r, "failed to call registryd");
        return 0;
}

int pull_start(Manager *m, Job *job, const Reference *ref, const PullOptions *opts, PullDoneHandler done,
               void *userdata, Pull **ret) {
        _cleanup_(freep) Pull *p = NULL;
        int r;

        p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        p->manager = m;
        p->job = job;
        p->parallel = PULL_PARALLEL;
        p->done = done;
        p->userdata = userdata;
        LIST_PREPEND(pulls, m->pulls, p);
        _cleanup_(pull_freep) Pull *q = TAKE_PTR(p);

        q->ref.registry = strdup(ref->registry);
        q->ref.repository = strdup(ref->repository);
        q->ref.tag = ref->tag ? strdup(ref->tag) : NULL;
        q->ref.digest = ref->digest ? strdup(ref->digest) : NULL;
        if (!q->ref.registry || !q->ref.repository || (ref->tag && !q->ref.tag) || (ref->digest && !q->ref.digest))
                return -ENOMEM;
        q->normalized = reference_normalized(&q->ref);
        if (!q->normalized)
                return -ENOMEM;
        /* a digest reference is recorded by graphd as a repo digest, not a tag */
        if (!q->ref.digest) {
                q->tag = reference_normalized_tag(&q->ref);
                if (!q->tag)
                        return -ENOMEM;
        }
        q->familiar = reference_familiar(q->normalized);
        if (!q->familiar)
                return -ENOMEM;
        if (opts) {
                r = pull_options_copy(opts, &q->opts);
                if (r < 0)
                        return r;
        }

        /* graphd's bound on layers first: the manifest is checked against it
         * as soon as it arrives */
        {
                const BackendInfo *g = backend_info(BACKEND_GRAPH);
                r = sd_bus_call_method_async(m->bus, &q->slot, g->bus_name, g->path,
                                             "org.freedesktop.DBus.Properties", "Get", on_max_layers, q,
                                             "ss", g->interface, "MaxLayers");
                if (r < 0)
                        return r;
        }
        /* in parallel with the resolution, which takes longer */
        {
                const BackendInfo *i = backend_info(BACKEND_REGISTRY);
                (void) sd_bus_call_method_async(m->bus, &q->limit_slot, i->bus_name, i->path,
                                                "org.freedesktop.DBus.Properties", "Get", on_max_downloads, q,
                                                "ss", i->interface, "MaxConcurrentDownloads");
        }

        job_log(job, "%s: Pulling from %s", reference_manifest_ref(&q->ref), q->ref.repository);
        *ret = TAKE_PTR(q);
        return 0;
}

/* registryd's words when graphd stopped reading (registryd/transfer.c):
 * then graphd's reason is the real one */
static bool transfer_error_is_reader_side(const char *error) {
        return error && strstr(error, "the reader closed the stream");
}

static void pull_layer_failed(PullLayer *l) {
        Pull *p = l->pull;

        p->grace_event = sd_event_source_disable_unref(p->grace_event);
        if (l->transfer_error && !(l->ingest_error && transfer_error_is_reader_side(l->transfer_error)))
                pull_fail(p, l->transfer_error);
        else
                pull_failf(p, "failed to register layer %s: %s", short_hex(l->m->digest), l->ingest_error);
}

static int on_grace_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        pull_layer_failed(userdata);
        return 0;
}

static void pull_layer_ingest_done(PullLayer *l, const char *chain_id, const char *error) {
        Pull *p = l->pull;
        int r;

        if (p->failed) {
                if (isempty(error))
                        l->done = true;
                else if (!(l->ingest_error = strdup(error)))
                        l->done = true; /* out of memory: it is over all the same */
                pull_fail_finish(p);
                return;
        }

        if (isempty(error)) {
                if (!streq(chain_id, l->m->chain_id))
                        log_warning("graphd reports chain id %s for layer %s, expected %s.", chain_id, l->m->digest, l->m->chain_id);
                l->done = true;
                p->n_active--;
                job_log(p->job, "%s: Pull complete", short_hex(l->m->digest));
                pull_update_progress(p);
                pull_fetch_more(p);
                return;
        }

        l->ingest_error = strdup(error);
        if (!l->ingest_error) {
                pull_fail(p, "out of memory");
                return;
        }
        if (l->transfer_done || !l->has_transfer_id || p->grace_event) {
                pull_layer_failed(l);
                return;
        }
        r = sd_event_add_time_relative(p->manager->event, &p->grace_event, CLOCK_MONOTONIC,
                                       PULL_ERROR_GRACE_USEC, 0, on_grace_timeout, l);
        if (r < 0)
                pull_layer_failed(l);
}

void pull_dispatch_ingest_done(Manager *m, uint32_t ingest_id, const char *chain_id, const char *error) {
        LIST_FOREACH(pulls, p, m->pulls)
                for (size_t i = 0; i < p->n_layers; i++) {
                        PullLayer *l = &p->layers[i];
                        if (l->has_ingest_id && l->ingest_id == ingest_id && !l->done && !l->ingest_error) {
                                pull_layer_ingest_done(l, chain_id, error);
                                return; /* p may be gone */
                        }
                }
        log_debug("IngestDone for unknown ingest %u, ignoring.", ingest_id);
}

static PullLayer *find_transfer(Manager *m, uint32_t transfer_id) {
        LIST_FOREACH(pulls, p, m->pulls)
                for (size_t i = 0; i < p->n_layers; i++)
                        if (p->layers[i].has_transfer_id && p->layers[i].transfer_id == transfer_id &&
                            !p->layers[i].transfer_done)
                                return &p->layers[i];
        return NULL;
}

static void format_size(uint64_t n, char *buf, size_t size) {
        if (n >= 1000000)
                snprintf(buf, size, "%.1fMB", (double) n / 1e6);
        else if (n >= 1000)
                snprintf(buf, size, "%.1fkB", (double) n / 1e3);
        else
                snprintf(buf, size, "%" PRIu64 "B", n);
}

/* docker's per-layer "Downloading" line with bytes and speed, twice a second
 * at most (the CLI shows these on a terminal only) */
static void pull_layer_show_bytes(PullLayer *l) {
        char a[32], t[32], s[48] = "";
        uint64_t now = 0;

        (void) sd_event_now(l->pull->manager->event, CLOCK_MONOTONIC, &now);
        if (l->shown_usec > 0 && now < l->shown_usec + 500 * USEC_PER_MSEC)
                return;
        if (l->shown_usec > 0 && now > l->shown_usec && l->bytes >= l->speed_bytes) {
                char r[32];
                format_size((l->bytes - l->speed_bytes) * USEC_PER_SEC / (now - l->shown_usec), r, sizeof r);
                snprintf(s, sizeof s, " (%s/s)", r);
        }
        l->shown_usec = now;
        l->speed_bytes = l->bytes;
        format_size(l->bytes, a, sizeof a);
        format_size(l->m->size, t, sizeof t);
        job_log(l->pull->job, "%s: Downloading %s/%s%s", short_hex(l->m->digest), a, t, s);
}

void pull_dispatch_transfer_progress(Manager *m, uint32_t transfer_id, uint64_t bytes, uint64_t total) {
        PullLayer *l = find_transfer(m, transfer_id);

        if (!l)
                return;
        l->bytes = bytes;
        pull_update_progress(l->pull);
        pull_layer_show_bytes(l);
}

void pull_dispatch_transfer_done(Manager *m, uint32_t transfer_id, const char *error) {
        PullLayer *l = find_transfer(m, transfer_id);

        if (!l) {
                log_debug("TransferDone for unknown transfer %u, ignoring.", transfer_id);
                return;
        }
        l->transfer_done = true;
        if (l->done)
                return; /* graphd verified the layer already: nothing can be wrong with it */
        if (isempty(error)) {
                l->bytes = l->m->size;
                job_log(l->pull->job, "%s: Download complete", short_hex(l->m->digest));
                pull_update_progress(l->pull);
                if (l->ingest_error)
                        pull_layer_failed(l);
                return;
        }
        l->transfer_error = strdup(error);
        if (!l->transfer_error) {
                pull_fail(l->pull, "out of memory");
                return;
        }
        /* graphd fails the layer too: wait for its verdict (bounded), so the
         * pull ends only once graphd has cleaned up, and with the better reason */
        if (l->has_ingest_id && !l->ingest_error && !l->pull->grace_event &&
            sd_event_add_time_relative(l->pull->manager->event, &l->pull->grace_event, CLOCK_MONOTONIC,
                                       PULL_INGEST_WAIT_USEC, 0, on_grace_timeout, l) >= 0)
                return;
        pull_layer_failed(l);
}

void pull_dispatch_backend_vanished(Manager *m, Backend b) {
        /* calls in flight get an error reply; what waits for a signal does not */
        LIST_FOREACH_SAFE(pulls, p, n, m->pulls)
                for (size_t i = 0; i < p->n_layers; i++) {
                        PullLayer *l = &p->layers[i];
                        bool waiting = b == BACKEND_GRAPH ? l->has_ingest_id && !l->done :
                                       b == BACKEND_REGISTRY ? l->has_transfer_id && !l->transfer_done : false;
                        if (waiting) {
                                /* a dead graphd reports no ingest: none is open any more */
                                if (b == BACKEND_GRAPH)
                                        for (size_t j = 0; j < p->n_layers; j++)
                                                if (p->layers[j].has_ingest_id && !p->layers[j].ingest_error)
                                                        p->layers[j].done = true;
                                pull_failf(p, "%s failed: the daemon exited during the pull", backend_info(b)->short_name);
                                break;
                        }
                }
}

/* The "pull" job */

typedef struct PullJob {
        Reference ref;
        PullOptions opts;
        Pull *pull;
} PullJob;

static void pull_job_free(void *userdata) {
        PullJob *pj = userdata;

        if (!pj)
                return;
        pull_free(pj->pull);
        reference_done(&pj->ref);
        pull_options_done(&pj->opts);
        free(pj);
}

static void pull_job_done(Pull *p, int r, const char *message, void *userdata) {
        Job *j = userdata;

        if (r < 0) {
                job_finish(j, JOB_FAILED, message);
                return;
        }
        if (job_set_subject(j, pull_image_id(p)) < 0) {
                job_finish(j, JOB_FAILED, "out of memory");
                return;
        }
        job_finish(j, JOB_DONE, NULL);
}

static int pull_job_start(Job *j) {
        PullJob *pj = j->userdata;

        return pull_start(j->manager, j, &pj->ref, &pj->opts, pull_job_done, j, &pj->pull);
}

int method_pull(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        _cleanup_(freep) char *normalized = NULL, *description = NULL;
        PullJob *pj;
        const char *s;
        Job *j;
        int r;

        r = sd_bus_message_read(message, "s", &s);
        if (r < 0)
                return r;

        pj = calloc(1, sizeof *pj);
        if (!pj)
                return -ENOMEM;
        r = pull_options_parse(message, &pj->opts, error);
        if (r < 0) {
                pull_job_free(pj);
                return r;
        }
        r = reference_parse(s, &pj->ref);
        if (r < 0) {
                pull_options_done(&pj->opts);
                free(pj);
                if (r == -ENOMEM)
                        return r;
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid reference format");
        }
        normalized = reference_normalized(&pj->ref);
        if (!normalized || asprintf(&description, "Pulling %s", normalized) < 0) {
                pull_job_free(pj);
                return -ENOMEM;
        }

        r = job_new(m, JOB_PULL, description, &j);
        if (r < 0) {
                pull_job_free(pj);
                return r;
        }
        j->userdata = pj;
        j->free_userdata = pull_job_free;

        r = job_announce(j, pull_job_start);
        if (r < 0) {
                job_free(j);
                return r;
        }
        return sd_bus_reply_method_return(message, "uo", j->id, j->object_path);
}
