/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdarg.h>

#include "backend.h"
#include "bus-errors.h"
#include "digest.h"
#include "job.h"
#include "log.h"
#include "manifest.h"
#include "pull-options.h"
#include "push.h"
#include "reference.h"

#define PUSH_PARALLEL 3
#define PUSH_PROGRESS_USEC (500 * USEC_PER_MSEC)

typedef struct PushBlob {
        struct Push *push;
        char *digest;
        uint64_t size;
        bool is_config;
        bool started, done, has_id;
        uint32_t transfer_id;
        char *status;          /* PushStatus */
        uint64_t bytes, speed_bytes;
        uint64_t shown_usec, speed_usec;
        sd_bus_slot *slot;
} PushBlob;

typedef struct Push {
        Manager *manager;
        Job *job;
        Reference ref;
        PullOptions opts;      /* RegistryAuth only */
        char *normalized;      /* "registry/repo:tag" */
        char *image_id, *manifest, *media_type;
        char **mount_from;

        PushBlob *blobs;
        size_t n_blobs, next, n_active;
        bool failed;

        sd_bus_slot *slot;
        sd_bus_slot *match_status, *match_progress, *match_done;
} Push;

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static const char *short_hex(const char *digest, char buf[static 13]) {
        snprintf(buf, 13, "%.12s", digest_hex(digest) ?: digest);
        return buf;
}

static void push_free(void *userdata) {
        Push *p = userdata;

        if (!p)
                return;
        for (size_t i = 0; i < p->n_blobs; i++) {
                PushBlob *b = &p->blobs[i];
                if (b->has_id && !b->done)
                        (void) backend_call_ignore(p->manager, BACKEND_REGISTRY, "CancelTransfer", "u", b->transfer_id);
                sd_bus_slot_unref(b->slot);
                free(b->digest);
                free(b->status);
        }
        free(p->blobs);
        sd_bus_slot_unref(p->slot);
        sd_bus_slot_unref(p->match_status);
        sd_bus_slot_unref(p->match_progress);
        sd_bus_slot_unref(p->match_done);
        reference_done(&p->ref);
        pull_options_done(&p->opts);
        free(p->normalized);
        free(p->image_id);
        free(p->manifest);
        free(p->media_type);
        strv_free(p->mount_from);
        free(p);
}

static void push_fail(Push *p, const char *message) {
        if (p->failed)
                return;
        p->failed = true;
        job_finish(p->job, JOB_FAILED, message); /* frees p */
}

_printf_(2, 3)
static void push_failf(Push *p, const char *format, ...) {
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, format);
        if (vasprintf(&msg, format, ap) < 0)
                msg = NULL;
        va_end(ap);
        push_fail(p, msg ?: "out of memory");
}

static void push_fail_reply(Push *p, Backend b, const sd_bus_error *e) {
        _cleanup_(freep) char *msg = backend_error_message(b, e);
        push_fail(p, msg ?: "out of memory");
}

/* registryd's options a{sv}: RegistryAuth, and MountFrom for blobs */
static int append_options(sd_bus_message *m, Push *p, bool mount) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0 && !isempty(p->opts.registry_auth))
                r = sd_bus_message_append(m, "{sv}", "RegistryAuth", "s", p->opts.registry_auth);
        if (r >= 0 && mount && p->mount_from) {
                if ((r = sd_bus_message_open_container(m, 'e', "sv")) >= 0 &&
                    (r = sd_bus_message_append(m, "s", "MountFrom")) >= 0 &&
                    (r = sd_bus_message_open_container(m, 'v', "as")) >= 0 &&
                    (r = sd_bus_message_append_strv(m, p->mount_from)) >= 0 &&
                    (r = sd_bus_message_close_container(m)) >= 0)
                        r = sd_bus_message_close_container(m);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

static int push_call(Push *p, Backend b, const char *method, sd_bus_message **ret) {
        const BackendInfo *i = backend_info(b);
        return sd_bus_message_new_method_call(p->manager->bus, ret, i->bus_name, i->path, i->interface, method);
}

static int on_push_manifest(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Push *p = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *digest;

        p->slot = sd_bus_slot_unref(p->slot);
        if (e) {
                push_fail_reply(p, BACKEND_REGISTRY, e);
                return 0;
        }
        if (sd_bus_message_read(reply, "s", &digest) < 0) {
                push_fail(p, "registryd failed: bad PushManifest reply");
                return 0;
        }
        job_log(p->job, "%s: digest: %s size: %zu", p->ref.tag ?: "latest", digest, strlen(p->manifest));
        if (job_set_subject(p->job, digest) < 0) {
                push_fail(p, "out of memory");
                return 0;
        }
        job_finish(p->job, JOB_DONE, NULL);
        return 0;
}

static void push_manifest(Push *p) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = push_call(p, BACKEND_REGISTRY, "PushManifest", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sssss", p->ref.registry, p->ref.repository, p->ref.tag ?: "latest",
                                          p->media_type, p->manifest);
        if (r >= 0)
                r = append_options(m, p, false);
        if (r >= 0)
                r = sd_bus_call_async(p->manager->bus, &p->slot, m, on_push_manifest, p, BACKEND_LONG_TIMEOUT_USEC);
        if (r < 0)
                push_failf(p, "failed to call registryd: %s", strerror(-r));
}

static void push_more(Push *p);

static int on_push_blob(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        PushBlob *b = userdata;
        Push *p = b->push;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        char h[13];

        b->slot = sd_bus_slot_unref(b->slot);
        if (e) {
                push_fail_reply(p, BACKEND_REGISTRY, e);
                return 0;
        }
        if (sd_bus_message_read(reply, "u", &b->transfer_id) < 0) {
                push_fail(p, "registryd failed: bad PushBlob reply");
                return 0;
        }
        b->has_id = true;
        if (!b->is_config)
                job_log(p->job, "%s: Pushing", short_hex(b->digest, h));
        return 0;
}

static int on_open_blob(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        PushBlob *b = userdata;
        Push *p = b->push;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *media_type;
        uint64_t size;
        int fd, r;

        b->slot = sd_bus_slot_unref(b->slot);
        if (e) {
                push_fail_reply(p, BACKEND_GRAPH, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "hts", &fd, &size, &media_type);
        if (r < 0) {
                push_fail(p, "graphd failed: bad OpenBlob reply");
                return 0;
        }
        if (size != b->size) {
                push_failf(p, "blob %s has %" PRIu64 " bytes in the store, the manifest says %" PRIu64,
                           b->digest, size, b->size);
                return 0;
        }
        r = push_call(p, BACKEND_REGISTRY, "PushBlob", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sssth", p->ref.registry, p->ref.repository, b->digest, b->size, fd);
        if (r >= 0)
                r = append_options(m, p, true);
        if (r >= 0)
                r = sd_bus_call_async(p->manager->bus, &b->slot, m, on_push_blob, b, BACKEND_TIMEOUT_USEC);
        if (r < 0)
                push_failf(p, "failed to call registryd: %s", strerror(-r));
        return 0;
}

static void push_more(Push *p) {
        bool all = true;
        int r;

        for (size_t i = 0; i < p->n_blobs; i++)
                if (!p->blobs[i].done)
                        all = false;
        if (all) {
                push_manifest(p);
                return;
        }
        while (!p->failed && p->n_active < PUSH_PARALLEL && p->next < p->n_blobs) {
                PushBlob *b = &p->blobs[p->next++];
                b->started = true;
                p->n_active++;
                r = backend_call(p->manager, BACKEND_GRAPH, &b->slot, "OpenBlob", BACKEND_TIMEOUT_USEC,
                                 on_open_blob, b, "s", b->digest);
                if (r < 0) {
                        push_failf(p, "failed to call graphd: %s", strerror(-r));
                        return;
                }
        }
}

static PushBlob *find_blob(Push *p, uint32_t id) {
        for (size_t i = 0; i < p->n_blobs; i++)
                if (p->blobs[i].has_id && p->blobs[i].transfer_id == id && !p->blobs[i].done)
                        return &p->blobs[i];
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

static int match_progress(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Push *p = userdata;
        PushBlob *b;
        uint64_t bytes, total, now = 0;
        uint32_t id;
        char h[13], a[32], t[32], s[32] = "";

        if (sd_bus_message_read(message, "utt", &id, &bytes, &total) < 0 || !(b = find_blob(p, id)))
                return 0;
        b->bytes = bytes;
        (void) sd_event_now(p->manager->event, CLOCK_MONOTONIC, &now);
        if (b->is_config || (b->shown_usec > 0 && now < b->shown_usec + PUSH_PROGRESS_USEC))
                return 0;
        if (b->speed_usec > 0 && now > b->speed_usec) {
                char r[24];
                format_size((bytes - b->speed_bytes) * USEC_PER_SEC / (now - b->speed_usec), r, sizeof r);
                snprintf(s, sizeof s, " (%s/s)", r);
        }
        b->shown_usec = b->speed_usec = now;
        b->speed_bytes = bytes;
        format_size(bytes, a, sizeof a);
        format_size(total, t, sizeof t);
        job_log(p->job, "%s: Pushing %s/%s%s", short_hex(b->digest, h), a, t, s);
        return 0;
}

static int match_status(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Push *p = userdata;
        PushBlob *b;
        const char *status;
        uint32_t id;

        if (sd_bus_message_read(message, "us", &id, &status) < 0 || !(b = find_blob(p, id)))
                return 0;
        free(b->status);
        b->status = strdup(status);
        return 0;
}

static int match_done(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Push *p = userdata;
        const char *error, *from;
        PushBlob *b;
        uint32_t id;
        char h[13];

        if (sd_bus_message_read(message, "us", &id, &error) < 0 || !(b = find_blob(p, id)))
                return 0;
        b->done = true;
        p->n_active--;
        if (!isempty(error)) {
                push_fail(p, error);
                return 0;
        }
        if (!b->is_config) {
                if (streq_ptr(b->status, "exists"))
                        job_log(p->job, "%s: Layer already exists", short_hex(b->digest, h));
                else if (b->status && (from = startswith(b->status, "mounted ")))
                        job_log(p->job, "%s: Mounted from %s", short_hex(b->digest, h), from);
                else
                        job_log(p->job, "%s: Pushed", short_hex(b->digest, h));
        }
        {
                size_t done = 0;
                for (size_t i = 0; i < p->n_blobs; i++)
                        done += p->blobs[i].done;
                job_set_progress(p->job, (double) done / (double) (p->n_blobs + 1));
        }
        push_more(p);
        return 0;
}

/* Other repositories of the same registry that name this image: their
 * blobs can be mounted instead of uploaded. */
static int on_list_images(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Push *p = userdata;
        int r;

        p->slot = sd_bus_slot_unref(p->slot);
        if (sd_bus_message_is_method_error(reply, NULL))
                goto start; /* mounting is an optimization only */
        r = sd_bus_message_enter_container(reply, 'a', "(sasastt)");
        while (r > 0 && (r = sd_bus_message_enter_container(reply, 'r', "sasastt")) > 0) {
                _cleanup_(strv_freep) char **tags = NULL, **digests = NULL;
                const char *id;
                uint64_t c, s;

                if (sd_bus_message_read(reply, "s", &id) < 0 || sd_bus_message_read_strv(reply, &tags) < 0 ||
                    sd_bus_message_read_strv(reply, &digests) < 0 || sd_bus_message_read(reply, "tt", &c, &s) < 0 ||
                    sd_bus_message_exit_container(reply) < 0)
                        break;
                if (!streq(id, p->image_id))
                        continue;
                char **all[] = { tags, digests };
                for (size_t k = 0; k < 2; k++)
                        STRV_FOREACH(n, all[k]) {
                                _cleanup_(reference_done) Reference o = {};
                                if (reference_parse(*n, &o) < 0 || !streq(o.registry, p->ref.registry) ||
                                    streq(o.repository, p->ref.repository) || strv_contains(p->mount_from, o.repository))
                                        continue;
                                (void) strv_extend(&p->mount_from, o.repository);
                        }
        }
start:
        push_more(p);
        return 0;
}

static int on_get_manifest(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Push *p = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *image_id, *manifest_digest, *manifest, *config;
        _cleanup_(json_object_putp) json_object *o = NULL;
        json_object *c = NULL, *v;
        ManifestLayer *layers = NULL;
        size_t n = 0;
        char h[13];
        _cleanup_(freep) char *error = NULL;
        int r;

        p->slot = sd_bus_slot_unref(p->slot);
        if (e) {
                if (sd_bus_error_has_name(e, WHARF_ERROR_NO_SUCH_IMAGE)) {
                        _cleanup_(freep) char *f = reference_familiar(p->normalized);
                        push_failf(p, "An image does not exist locally with the tag: %s", f ?: p->normalized);
                } else
                        push_fail_reply(p, BACKEND_GRAPH, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "ssss", &image_id, &manifest_digest, &manifest, &config);
        if (r < 0) {
                push_fail(p, "graphd failed: bad GetManifest reply");
                return 0;
        }
        p->image_id = strdup(image_id);
        p->manifest = strdup(manifest);
        o = json_tokener_parse(manifest);
        if (!p->image_id || !p->manifest) {
                push_fail(p, "out of memory");
                return 0;
        }
        if (!o || !json_object_object_get_ex(o, "config", &c) ||
            !json_object_object_get_ex(c, "digest", &v) || !json_object_is_type(v, json_type_string)) {
                push_fail(p, "the stored manifest is not valid");
                return 0;
        }
        p->media_type = strdup(json_object_object_get_ex(o, "mediaType", &v) && json_object_is_type(v, json_type_string)
                               ? json_object_get_string(v) : "application/vnd.oci.image.manifest.v1+json");
        r = manifest_parse_layers(manifest, config, &layers, &n, &error);
        if (r < 0 || !p->media_type) {
                push_fail(p, error ?: "the stored manifest is not valid");
                return 0;
        }
        p->blobs = calloc(n + 1, sizeof(PushBlob));
        if (!p->blobs) {
                manifest_layers_free(layers, n);
                push_fail(p, "out of memory");
                return 0;
        }
        for (size_t i = 0; i < n; i++) {
                p->blobs[i] = (PushBlob) { .push = p, .digest = TAKE_PTR(layers[i].digest), .size = layers[i].size };
                job_log(p->job, "%s: Preparing", short_hex(p->blobs[i].digest, h));
        }
        manifest_layers_free(layers, n);
        json_object_object_get_ex(c, "digest", &v);
        p->blobs[n] = (PushBlob) { .push = p, .is_config = true, .digest = strdup(json_object_get_string(v)) };
        p->blobs[n].size = json_object_object_get_ex(c, "size", &v) ? (uint64_t) json_object_get_int64(v) : 0;
        p->n_blobs = n + 1;
        for (size_t i = 0; i < p->n_blobs; i++)
                if (!p->blobs[i].digest) {
                        push_fail(p, "out of memory");
                        return 0;
                }

        r = backend_call(p->manager, BACKEND_GRAPH, &p->slot, "ListImages", BACKEND_TIMEOUT_USEC, on_list_images,
                         p, NULL);
        if (r < 0)
                push_more(p);
        return 0;
}

static int push_job_start(Job *j) {
        Push *p = j->userdata;
        const BackendInfo *b = backend_info(BACKEND_REGISTRY);
        int r;

        /* ours before any PushBlob call goes out on the same connection */
        r = sd_bus_match_signal_async(p->manager->bus, &p->match_status, b->bus_name, b->path, b->interface,
                                      "PushStatus", match_status, NULL, p);
        if (r >= 0)
                r = sd_bus_match_signal_async(p->manager->bus, &p->match_progress, b->bus_name, b->path,
                                              b->interface, "TransferProgress", match_progress, NULL, p);
        if (r >= 0)
                r = sd_bus_match_signal_async(p->manager->bus, &p->match_done, b->bus_name, b->path, b->interface,
                                              "TransferDone", match_done, NULL, p);
        if (r < 0)
                return r;
        return backend_call(p->manager, BACKEND_GRAPH, &p->slot, "GetManifest", BACKEND_TIMEOUT_USEC,
                            on_get_manifest, p, "s", p->normalized);
}

int method_push(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        _cleanup_(freep) char *description = NULL;
        const char *s;
        Push *p;
        Job *j;
        int r;

        r = sd_bus_message_read(message, "s", &s);
        if (r < 0)
                return r;
        p = calloc(1, sizeof *p);
        if (!p)
                return -ENOMEM;
        p->manager = m;
        r = pull_options_parse(message, &p->opts, error);
        if (r < 0) {
                push_free(p);
                return r;
        }
        r = reference_parse(s, &p->ref);
        if (r < 0 || p->ref.digest) {
                push_free(p);
                if (r == -ENOMEM)
                        return r;
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid reference format");
        }
        p->normalized = reference_normalized_tag(&p->ref);
        if (!p->normalized || asprintf(&description, "Pushing %s", p->normalized) < 0) {
                push_free(p);
                return -ENOMEM;
        }
        r = job_new(m, JOB_PUSH, description, &j);
        if (r < 0) {
                push_free(p);
                return r;
        }
        p->job = j;
        j->userdata = p;
        j->free_userdata = push_free;
        r = job_announce(j, push_job_start);
        if (r < 0) {
                job_free(j);
                return r;
        }
        return sd_bus_reply_method_return(message, "uo", j->id, j->object_path);
}
