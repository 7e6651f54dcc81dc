/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>

#include "backend.h"
#include "bus-errors.h"
#include "digest.h"
#include "image-archive.h"
#include "job.h"
#include "log.h"
#include "reference.h"

typedef struct ImageArchive {
        Manager *manager;
        Job *job;
        JobType type;
        int fd;
        char **names;          /* save: (as typed, normalized) pairs */
        char *tag;             /* import: normalized or NULL */
        char *source;
        bool has_id;
        uint32_t archive_id;
        sd_bus_slot *slot, *match_done, *match_owner;
} ImageArchive;

static void image_archive_free(void *userdata) {
        ImageArchive *a = userdata;

        if (!a)
                return;
        sd_bus_slot_unref(a->slot);
        sd_bus_slot_unref(a->match_done);
        sd_bus_slot_unref(a->match_owner);
        safe_close(a->fd);
        strv_free(a->names);
        free(a->tag);
        free(a->source);
        free(a);
}

static int match_archive_done(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        ImageArchive *a = userdata;
        const char *id, *tag, *error;
        _cleanup_(freep) char *first = NULL;
        uint32_t archive_id;
        int r;

        if (sd_bus_message_read(message, "u", &archive_id) < 0 || !a->has_id || archive_id != a->archive_id)
                return 0;
        r = sd_bus_message_enter_container(message, 'a', "(ss)");
        while (r > 0 && (r = sd_bus_message_read(message, "(ss)", &id, &tag)) > 0) {
                if (!first)
                        first = strdup(id);
                if (a->type != JOB_LOAD)
                        continue;
                if (!isempty(tag)) {
                        _cleanup_(freep) char *f = reference_familiar(tag);
                        job_log(a->job, "Loaded image: %s", f ?: tag);
                } else
                        job_log(a->job, "Loaded image ID: %s", id);
        }
        if (r < 0 || sd_bus_message_exit_container(message) < 0 || sd_bus_message_read(message, "s", &error) < 0) {
                job_finish(a->job, JOB_FAILED, "graphd failed: bad ArchiveDone signal");
                return 0;
        }
        if (!isempty(error)) {
                job_finish(a->job, JOB_FAILED, error);
                return 0;
        }
        if (first)
                (void) job_set_subject(a->job, first);
        job_finish(a->job, JOB_DONE, NULL);
        return 0;
}

static int match_graph_owner(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        ImageArchive *a = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(message, "sss", &name, &old_owner, &new_owner) < 0 || !isempty(new_owner))
                return 0;
        job_finish(a->job, JOB_FAILED, "graphd failed: the daemon exited during the operation");
        return 0;
}

static int on_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        ImageArchive *a = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        a->slot = sd_bus_slot_unref(a->slot);
        if (e) {
                _cleanup_(freep) char *msg = backend_error_message(BACKEND_GRAPH, e);
                job_finish(a->job, JOB_FAILED, msg ?: "out of memory");
                return 0;
        }
        if (sd_bus_message_read(reply, "u", &a->archive_id) < 0) {
                job_finish(a->job, JOB_FAILED, "graphd failed: bad reply");
                return 0;
        }
        a->has_id = true;
        return 0;
}

static int image_archive_start(Job *j) {
        ImageArchive *a = j->userdata;
        const BackendInfo *b = backend_info(BACKEND_GRAPH);
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(freep) char *match = NULL;
        int r;

        /* both watches before the call: nothing can be missed */
        r = sd_bus_match_signal_async(a->manager->bus, &a->match_done, b->bus_name, b->path, b->interface,
                                      "ArchiveDone", match_archive_done, NULL, a);
        if (r < 0)
                return r;
        if (asprintf(&match, "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                     "interface='org.freedesktop.DBus',member='NameOwnerChanged',arg0='%s'", b->bus_name) < 0)
                return -ENOMEM;
        r = sd_bus_add_match_async(a->manager->bus, &a->match_owner, match, match_graph_owner, NULL, a);
        if (r < 0)
                return r;

        r = sd_bus_message_new_method_call(a->manager->bus, &m, b->bus_name, b->path, b->interface,
                                           a->type == JOB_SAVE ? "SaveImages" :
                                           a->type == JOB_LOAD ? "LoadImages" : "ImportImage");
        if (r < 0)
                return r;
        if (a->type == JOB_SAVE) {
                r = sd_bus_message_open_container(m, 'a', "(ss)");
                for (size_t i = 0; r >= 0 && a->names[i]; i += 2)
                        r = sd_bus_message_append(m, "(ss)", a->names[i], a->names[i + 1]);
                if (r >= 0)
                        r = sd_bus_message_close_container(m);
                if (r >= 0)
                        r = sd_bus_message_append(m, "h", a->fd);
        } else if (a->type == JOB_LOAD)
                r = sd_bus_message_append(m, "h", a->fd);
        else
                r = sd_bus_message_append(m, "hss", a->fd, strempty(a->tag), strempty(a->source));
        if (r < 0)
                return r;
        r = sd_bus_call_async(a->manager->bus, &a->slot, m, on_reply, a, BACKEND_TIMEOUT_USEC);
        if (r < 0)
                return r;
        /* graphd has its own copy now (the message holds a dup until sent) */
        a->fd = safe_close(a->fd);
        return 0;
}

static int image_archive_new_job(sd_bus_message *message, ImageArchive *a, const char *description) {
        Job *j;
        int r;

        r = job_new(a->manager, a->type, description, &j);
        if (r < 0) {
                image_archive_free(a);
                return r;
        }
        a->job = j;
        j->userdata = a;
        j->free_userdata = image_archive_free;
        r = job_announce(j, image_archive_start);
        if (r < 0) {
                job_free(j);
                return r;
        }
        return sd_bus_reply_method_return(message, "uo", j->id, j->object_path);
}

static int image_archive_new(Manager *m, JobType type, int fd, ImageArchive **ret) {
        ImageArchive *a = calloc(1, sizeof *a);

        if (!a)
                return -ENOMEM;
        a->manager = m;
        a->type = type;
        a->fd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (a->fd < 0) {
                free(a);
                return -errno;
        }
        *ret = a;
        return 0;
}

int method_save_images(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **names = NULL;
        ImageArchive *a;
        int fd, r;

        r = sd_bus_message_read_strv(message, &names);
        if (r < 0)
                return r;
        r = sd_bus_message_read(message, "h", &fd);
        if (r < 0)
                return r;
        if (!names)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "no image to save");
        r = image_archive_new(userdata, JOB_SAVE, fd, &a);
        if (r < 0)
                return r;
        STRV_FOREACH(n, names) {
                _cleanup_(reference_done) Reference ref = {};
                _cleanup_(freep) char *normalized = NULL;

                /* the docker way: as a name first, then as an id (graphd tries both) */
                if (reference_parse(*n, &ref) >= 0)
                        normalized = reference_normalized(&ref);
                if (strv_extend(&a->names, *n) < 0 || strv_extend(&a->names, strempty(normalized)) < 0) {
                        image_archive_free(a);
                        return -ENOMEM;
                }
        }
        return image_archive_new_job(message, a, "Saving images");
}

int method_load_images(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        ImageArchive *a;
        int fd, r;

        r = sd_bus_message_read(message, "h", &fd);
        if (r < 0)
                return r;
        r = image_archive_new(userdata, JOB_LOAD, fd, &a);
        if (r < 0)
                return r;
        return image_archive_new_job(message, a, "Loading images");
}

int method_import_image(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(reference_done) Reference ref = {};
        const char *reference, *source;
        ImageArchive *a;
        int fd, r;

        r = sd_bus_message_read(message, "hss", &fd, &reference, &source);
        if (r < 0)
                return r;
        if (!isempty(reference) && (reference_parse(reference, &ref) < 0 || ref.digest))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid reference format");
        r = image_archive_new(userdata, JOB_IMPORT, fd, &a);
        if (r < 0)
                return r;
        a->source = strdup(source);
        if (!isempty(reference))
                a->tag = reference_normalized_tag(&ref);
        if (!a->source || (!isempty(reference) && !a->tag)) {
                image_archive_free(a);
                return -ENOMEM;
        }
        return image_archive_new_job(message, a, "Importing an image");
}
