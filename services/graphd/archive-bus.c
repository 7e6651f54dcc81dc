/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>

#include "archive-worker.h"
#include "archive-bus.h"
#include "bus-errors.h"
#include "fs-util.h"
#include "image-store.h"
#include "ingest.h"
#include "layer-store.h"
#include "log.h"
#include "macro.h"
#include "manager.h"

/* layers of one load unpacked at once (the ingest queue is shared with pulls) */
#define ARCHIVE_INGESTS_PARALLEL 2U

typedef enum ArchiveKind {
        ARCHIVE_SAVE,
        ARCHIVE_LOAD,
        ARCHIVE_IMPORT,
} ArchiveKind;

typedef struct Archive Archive;

typedef struct ArchiveIngest {
        char chain_id[DIGEST_STRING_MAX];
        char parent[DIGEST_STRING_MAX];
        const ArchivePlanLayer *layer;
        Ingest *ingest;                 /* while running */
        bool done;
} ArchiveIngest;

struct Archive {
        Manager *manager;
        uint32_t id;
        ArchiveKind kind;
        int fd;
        char *dir;
        pid_t pid;
        int report_fd;
        sd_event_source *child_source;
        sd_bus_track *track;

        ArchiveSaveItem *items;
        size_t n_items;
        char **tags;                    /* import */
        char *source;

        ArchivePlan plan;
        ArchiveIngest *ingests;
        size_t n_ingests, next_ingest;
        unsigned n_active;
        char *error;
};

static uint32_t last_archive_id;

static Archive *archive_free(Archive *a) {
        if (!a)
                return NULL;
        if (a->child_source) {
                (void) kill(a->pid, SIGKILL);
                (void) waitpid(a->pid, NULL, 0);
                sd_event_source_disable_unref(a->child_source);
        }
        for (size_t i = 0; i < a->n_ingests; i++)
                if (a->ingests[i].ingest)
                        /* it finishes on its own (a complete layer is fine to keep) */
                        a->ingests[i].ingest->on_done = NULL;
        free(a->ingests);
        sd_bus_track_unref(a->track);
        safe_close(a->fd);
        safe_close(a->report_fd);
        if (a->dir)
                (void) graph_discard(a->manager->graph, a->dir);
        free(a->dir);
        for (size_t i = 0; i < a->n_items; i++)
                free(a->items[i].tag);
        free(a->items);
        strv_free(a->tags);
        free(a->source);
        archive_plan_done(&a->plan);
        free(a->error);
        free(a);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(Archive *, archive_free);

static const char *archive_kind_name(ArchiveKind k) {
        return k == ARCHIVE_SAVE ? "save" : k == ARCHIVE_LOAD ? "load" : "import";
}

/* ArchiveDone(u id, a(ss) images (id, tag or ""), s error), then gone */
static void archive_finish(Archive *a, char **ids, char **tags) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *s = NULL;
        int r;

        if (a->error)
                log_warning("Image %s %u failed: %s", archive_kind_name(a->kind), a->id, a->error);
        else
                log_info("Image %s %u done.", archive_kind_name(a->kind), a->id);

        r = sd_bus_message_new_signal(a->manager->bus, &s, GRAPH_OBJECT_PATH, GRAPH_INTERFACE, "ArchiveDone");
        if (r >= 0)
                r = sd_bus_message_append(s, "u", a->id);
        if (r >= 0)
                r = sd_bus_message_open_container(s, 'a', "(ss)");
        for (size_t i = 0; r >= 0 && ids && ids[i]; i++)
                r = sd_bus_message_append(s, "(ss)", ids[i], strempty(tags[i]));
        if (r >= 0)
                r = sd_bus_message_close_container(s);
        if (r >= 0)
                r = sd_bus_message_append(s, "s", strempty(a->error));
        if (r >= 0)
                r = sd_bus_send(a->manager->bus, s, NULL);
        if (r < 0)
                log_warning_errno(r, "Failed to emit ArchiveDone for %u: %m", a->id);
        archive_free(a);
}

static void archive_fail(Archive *a, const char *message) {
        if (!a->error)
                a->error = strdup(message ?: "out of memory");
        archive_finish(a, NULL, NULL);
}

/* All layers are there: record the images with their tags. */
static void archive_commit(Archive *a) {
        _cleanup_(strv_freep) char **ids = NULL, **tags = NULL;
        int r = 0;

        for (size_t i = 0; i < a->plan.n_images && r >= 0; i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;
                _cleanup_(freep) char *config = NULL;
                char id[DIGEST_STRING_MAX];
                ArchivePlanImage *im = &a->plan.images[i];

                r = read_full_file(im->config_path, &config, NULL, 4U * 1024U * 1024U);
                if (r < 0) {
                        a->error = strdup("cannot read the image config");
                        break;
                }
                r = image_commit(a->manager->graph, "", "", config, im->tags, id, &e);
                if (r < 0) {
                        a->error = strdup(e.message ?: strerror(-r));
                        break;
                }
                if (!im->tags)
                        r = strv_extend(&ids, id) < 0 ? -ENOMEM : strv_extend(&tags, "");
                STRV_FOREACH(t, im->tags)
                        if (r >= 0 && (r = strv_extend(&ids, id)) >= 0)
                                r = strv_extend(&tags, *t);
        }
        if (r < 0 && !a->error)
                a->error = strdup(strerror(-r));
        archive_finish(a, a->error ? NULL : ids, tags);
}

static void archive_ingest_more(Archive *a);

static void archive_on_ingest_done(Ingest *i, const char *error, void *userdata) {
        Archive *a = userdata;

        for (size_t k = 0; k < a->n_ingests; k++)
                if (a->ingests[k].ingest == i) {
                        a->ingests[k].ingest = NULL;
                        a->ingests[k].done = true;
                }
        a->n_active--;
        if (error && !a->error)
                a->error = strdup(error);
        archive_ingest_more(a);
}

static void archive_ingest_more(Archive *a) {
        Manager *m = a->manager;

        while (!a->error && a->next_ingest < a->n_ingests && a->n_active < ARCHIVE_INGESTS_PARALLEL) {
                ArchiveIngest *x = &a->ingests[a->next_ingest++];
                const ArchivePlanLayer *l = x->layer;
                _cleanup_(closep) int in = -EBADF, wfd = -EBADF;
                Ingest *i;
                int r;

                if (layer_exists(m->graph, x->chain_id)) {
                        x->done = true;
                        continue;
                }
                in = open(l->path, O_RDONLY | O_CLOEXEC);
                if (in < 0) {
                        a->error = strdup("cannot read the extracted layer");
                        break;
                }
                r = ingest_new(m, l->digest, l->media_type, l->size, l->diff_id, x->parent, &i, &wfd);
                if (r < 0) {
                        if (asprintf(&a->error, "cannot ingest layer %s: %s", l->diff_id, strerror(-r)) < 0)
                                a->error = NULL;
                        break;
                }
                /* the worker reads the extracted file instead of a pipe */
                safe_close(i->input_fd);
                i->input_fd = TAKE_FD(in);
                i->on_done = archive_on_ingest_done;
                i->on_done_userdata = a;
                x->ingest = i;
                a->n_active++;
        }
        if (a->n_active > 0) {
                manager_dispatch_ingests(m);
                return;
        }
        if (a->error) {
                archive_finish(a, NULL, NULL);
                return;
        }
        if (a->next_ingest >= a->n_ingests)
                archive_commit(a);
}

/* The prepare worker is done: queue one ingest per distinct layer missing. */
static void archive_plan_start(Archive *a) {
        size_t total = 0;
        int r;

        r = archive_plan_read(a->dir, &a->plan);
        if (r < 0)
                return archive_fail(a, "the load worker left no valid plan");
        for (size_t i = 0; i < a->plan.n_images; i++)
                total += a->plan.images[i].n_layers;
        a->ingests = calloc(total + 1, sizeof(ArchiveIngest));
        if (!a->ingests)
                return archive_fail(a, NULL);
        for (size_t i = 0; i < a->plan.n_images; i++) {
                char parent[DIGEST_STRING_MAX] = "";
                for (size_t k = 0; k < a->plan.images[i].n_layers; k++) {
                        const ArchivePlanLayer *l = &a->plan.images[i].layers[k];
                        ArchiveIngest *x = &a->ingests[a->n_ingests];
                        bool dup = false;

                        if (chain_id(parent, l->diff_id, x->chain_id) < 0)
                                return archive_fail(a, NULL);
                        strcpy(x->parent, parent);
                        strcpy(parent, x->chain_id);
                        x->layer = l;
                        for (size_t q = 0; q < a->n_ingests; q++)
                                dup = dup || streq(a->ingests[q].chain_id, x->chain_id);
                        if (!dup)
                                a->n_ingests++;
                        else
                                memset(x, 0, sizeof *x);
                }
        }
        archive_ingest_more(a);
}

static int archive_on_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Archive *a = userdata;
        _cleanup_(freep) char *message = NULL;
        int r;

        a->child_source = sd_event_source_disable_unref(a->child_source);
        r = archive_report_read(a->report_fd, &message);
        a->report_fd = safe_close(a->report_fd);
        if (r == -EIO) {
                free(message);
                if (asprintf(&message, "%s worker failed (%s %d)", archive_kind_name(a->kind),
                             si->si_code == CLD_EXITED ? "exit status" : "signal", si->si_status) < 0)
                        message = NULL;
        }
        if (r < 0) {
                archive_fail(a, message);
                return 0;
        }
        if (a->kind == ARCHIVE_SAVE) {
                _cleanup_(strv_freep) char **ids = NULL, **tags = NULL;
                for (size_t i = 0; i < a->n_items; i++)
                        if (strv_extend(&ids, a->items[i].id) < 0 || strv_extend(&tags, strempty(a->items[i].tag)) < 0)
                                break;
                archive_finish(a, ids, tags);
                return 0;
        }
        archive_plan_start(a);
        return 0;
}

static int worker_save(void *userdata, char **ret_error) {
        Archive *a = userdata;
        return archive_save(a->manager->graph, a->items, a->n_items, a->fd, a->dir, ret_error);
}

static int worker_load(void *userdata, char **ret_error) {
        Archive *a = userdata;
        return archive_prepare_load(a->fd, a->dir, ret_error);
}

static int worker_import(void *userdata, char **ret_error) {
        Archive *a = userdata;
        return archive_prepare_import(a->fd, a->dir, a->tags, a->source, ret_error);
}

static int archive_on_caller_gone(sd_bus_track *t, void *userdata) {
        Archive *a = userdata;

        log_info("The caller of %s %u left the bus, abandoning it.", archive_kind_name(a->kind), a->id);
        a->track = sd_bus_track_unref(a->track);
        if (!a->error)
                a->error = strdup("canceled: the caller left the bus");
        if (a->n_active > 0) {
                /* the running ingests finish on their own; forget them */
                for (size_t i = 0; i < a->n_ingests; i++)
                        if (a->ingests[i].ingest)
                                a->ingests[i].ingest->on_done = NULL;
                a->n_active = 0;
        }
        archive_finish(a, NULL, NULL);
        return 0;
}

static int archive_start(Archive *a, sd_bus_message *msg, sd_bus_error *error) {
        static const ArchiveWorkerFunc fns[] = {
                [ARCHIVE_SAVE] = worker_save,
                [ARCHIVE_LOAD] = worker_load,
                [ARCHIVE_IMPORT] = worker_import,
        };
        Manager *m = a->manager;
        int r;

        r = graph_mkdtemp(m->graph, archive_kind_name(a->kind), &a->dir);
        if (r < 0)
                return r;
        r = sd_bus_track_new(m->bus, &a->track, archive_on_caller_gone, a);
        if (r >= 0)
                r = sd_bus_track_add_sender(a->track, msg);
        if (r < 0)
                return r;
        r = archive_worker_spawn(fns[a->kind], a, &a->pid, &a->report_fd);
        if (r < 0)
                return r;
        a->fd = safe_close(a->fd);
        r = sd_event_add_child(m->event, &a->child_source, a->pid, WEXITED, archive_on_exit, a);
        if (r < 0) {
                (void) kill(a->pid, SIGKILL);
                (void) waitpid(a->pid, NULL, 0);
                return r;
        }
        a->id = ++last_archive_id;
        log_debug("Image %s %u started, worker %d.", archive_kind_name(a->kind), a->id, (int) a->pid);
        return sd_bus_reply_method_return(msg, "u", a->id);
}

static int archive_new(Manager *m, ArchiveKind kind, int fd, Archive **ret) {
        Archive *a = calloc(1, sizeof *a);

        if (!a)
                return -ENOMEM;
        a->manager = m;
        a->kind = kind;
        a->report_fd = -EBADF;
        a->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (a->fd < 0) {
                free(a);
                return -errno;
        }
        *ret = a;
        return 0;
}

int method_save_images(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(archive_freep) Archive *a = NULL;
        Manager *m = userdata;
        const char *typed, *normalized;
        int fd, r;

        r = sd_bus_message_enter_container(msg, 'a', "(ss)");
        if (r < 0)
                return r;
        /* the fd comes after the names: read them into a first */
        _cleanup_(strv_freep) char **names = NULL;
        while ((r = sd_bus_message_read(msg, "(ss)", &typed, &normalized)) > 0)
                if (strv_extend(&names, typed) < 0 || strv_extend(&names, normalized) < 0)
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(msg);
        if (r >= 0)
                r = sd_bus_message_read(msg, "h", &fd);
        if (r < 0)
                return r;
        if (!names)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "no image to save");
        r = archive_new(m, ARCHIVE_SAVE, fd, &a);
        if (r < 0)
                return r;
        a->items = calloc(strv_length(names) / 2 + 1, sizeof(ArchiveSaveItem));
        if (!a->items)
                return -ENOMEM;
        for (size_t i = 0; names[i]; i += 2) {
                ArchiveSaveItem *it = &a->items[a->n_items];
                _cleanup_(sd_bus_error_free) sd_bus_error e = SD_BUS_ERROR_NULL;

                /* by name first (docker's order), then as an id or id prefix */
                if (!isempty(names[i + 1]) && image_resolve(m->graph, names[i + 1], it->id, &e) >= 0) {
                        if (!strchr(names[i + 1], '@') && !(it->tag = strdup(names[i + 1])))
                                return -ENOMEM;
                } else {
                        sd_bus_error_free(&e);
                        if (image_resolve(m->graph, names[i], it->id, &e) < 0)
                                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_IMAGE, "No such image: %s",
                                                         names[i]);
                }
                a->n_items++;
        }
        r = archive_start(a, msg, error);
        if (r < 0)
                return r;
        TAKE_PTR(a);
        return r;
}

int method_load_images(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(archive_freep) Archive *a = NULL;
        Manager *m = userdata;
        int fd, r;

        r = sd_bus_message_read(msg, "h", &fd);
        if (r < 0)
                return r;
        r = archive_new(m, ARCHIVE_LOAD, fd, &a);
        if (r < 0)
                return r;
        r = archive_start(a, msg, error);
        if (r < 0)
                return r;
        TAKE_PTR(a);
        return r;
}

int method_import_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(archive_freep) Archive *a = NULL;
        Manager *m = userdata;
        const char *tag, *source;
        int fd, r;

        r = sd_bus_message_read(msg, "hss", &fd, &tag, &source);
        if (r < 0)
                return r;
        r = archive_new(m, ARCHIVE_IMPORT, fd, &a);
        if (r < 0)
                return r;
        if (!isempty(tag) && strv_extend(&a->tags, tag) < 0)
                return -ENOMEM;
        a->source = strdup(isempty(source) ? "-" : source);
        if (!a->source)
                return -ENOMEM;
        r = archive_start(a, msg, error);
        if (r < 0)
                return r;
        TAKE_PTR(a);
        return r;
}
