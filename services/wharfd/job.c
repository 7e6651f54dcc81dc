/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>

#include "bus-errors.h"
#include "job.h"
#include "log.h"

/* PropertiesChanged for Progress at most this often */
#define PROGRESS_INTERVAL_USEC (250 * USEC_PER_MSEC)

static const char *const job_type_table[_JOB_TYPE_MAX] = {
        [JOB_PULL]   = "pull",
        [JOB_CREATE] = "create",
        [JOB_PUSH]   = "push",
        [JOB_SAVE]   = "save",
        [JOB_LOAD]   = "load",
        [JOB_IMPORT] = "import",
};

static const char *const job_state_table[_JOB_STATE_MAX] = {
        [JOB_WAITING] = "waiting",
        [JOB_RUNNING] = "running",
};

static const char *const job_result_table[_JOB_RESULT_MAX] = {
        [JOB_DONE]     = "done",
        [JOB_FAILED]   = "failed",
        [JOB_CANCELED] = "canceled",
};

const char *job_type_to_string(JobType t) {
        return t >= 0 && t < _JOB_TYPE_MAX ? job_type_table[t] : NULL;
}

const char *job_state_to_string(JobState s) {
        return s >= 0 && s < _JOB_STATE_MAX ? job_state_table[s] : NULL;
}

const char *job_result_to_string(JobResult r) {
        return r >= 0 && r < _JOB_RESULT_MAX ? job_result_table[r] : NULL;
}

int job_new(Manager *m, JobType type, const char *description, Job **ret) {
        Job *j;

        j = calloc(1, sizeof *j);
        if (!j)
                return -ENOMEM;
        j->manager = m;
        j->type = type;
        j->state = JOB_WAITING;
        /* ids are not reused while the daemon runs; 0 is never one */
        j->id = m->job_next_id++;
        if (m->job_next_id == 0)
                m->job_next_id = 1;
        if (asprintf(&j->object_path, JOB_PATH_PREFIX "/%" PRIu32, j->id) < 0) {
                j->object_path = NULL;
                return job_free(j), -ENOMEM;
        }
        j->description = strdup(description);
        if (!j->description)
                return job_free(j), -ENOMEM;

        LIST_PREPEND(jobs, m->jobs, j);
        *ret = j;
        return 0;
}

Job *job_free(Job *j) {
        if (!j)
                return NULL;
        if (j->free_userdata)
                j->free_userdata(j->userdata);
        sd_event_source_disable_unref(j->progress_event);
        sd_event_source_disable_unref(j->start_event);
        LIST_REMOVE(jobs, j->manager->jobs, j);
        free(j->object_path);
        free(j->description);
        free(j->subject);
        free(j);
        return NULL;
}

static void job_set_state(Job *j, JobState state) {
        if (j->state == state)
                return;
        j->state = state;
        (void) sd_bus_emit_properties_changed(j->manager->bus, j->object_path, JOB_INTERFACE, "State", NULL);
}

static int job_on_start(sd_event_source *s, void *userdata) {
        Job *j = userdata;
        int r;

        j->start_event = sd_event_source_disable_unref(j->start_event);
        job_set_state(j, JOB_RUNNING);
        r = j->start(j);
        if (r < 0) {
                /* start() did not finish the job itself: only OOM and the like */
                errno = -r;
                _cleanup_(freep) char *msg = NULL;
                if (asprintf(&msg, "failed to start the job: %m") < 0)
                        msg = NULL;
                job_finish(j, JOB_FAILED, msg ?: "failed to start the job");
        }
        return 0;
}

int job_announce(Job *j, JobStartHandler start) {
        int r;

        j->start = start;
        r = sd_event_add_defer(j->manager->event, &j->start_event, job_on_start, j);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(j->start_event, "job-start");
        return sd_bus_emit_signal(j->manager->bus, ENGINE_PATH, ENGINE_INTERFACE, "JobNew", "uos",
                                  j->id, j->object_path, job_type_to_string(j->type));
}

static void job_send_progress(Job *j) {
        uint64_t now = 0;

        (void) sd_event_now(j->manager->event, CLOCK_MONOTONIC, &now);
        j->progress_sent = j->progress;
        j->progress_sent_usec = now;
        (void) sd_bus_emit_properties_changed(j->manager->bus, j->object_path, JOB_INTERFACE, "Progress", NULL);
}

static int job_on_progress_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Job *j = userdata;

        j->progress_event = sd_event_source_disable_unref(j->progress_event);
        if (j->progress != j->progress_sent)
                job_send_progress(j);
        return 0;
}

void job_set_progress(Job *j, double progress) {
        uint64_t now = 0;

        if (progress < 0)
                progress = 0;
        if (progress > 1)
                progress = 1;
        if (progress == j->progress)
                return;
        j->progress = progress;
        if (j->progress_event)
                return; /* the timer will send the latest value */

        (void) sd_event_now(j->manager->event, CLOCK_MONOTONIC, &now);
        if (now >= j->progress_sent_usec + PROGRESS_INTERVAL_USEC) {
                job_send_progress(j);
                return;
        }
        if (sd_event_add_time(j->manager->event, &j->progress_event, CLOCK_MONOTONIC,
                              j->progress_sent_usec + PROGRESS_INTERVAL_USEC, 0,
                              job_on_progress_timer, j) < 0)
                job_send_progress(j);
}

int job_set_subject(Job *j, const char *subject) {
        char *s;

        if (streq_ptr(j->subject, subject))
                return 0;
        s = strdup(subject);
        if (!s)
                return -ENOMEM;
        free(j->subject);
        j->subject = s;
        (void) sd_bus_emit_properties_changed(j->manager->bus, j->object_path, JOB_INTERFACE, "Subject", NULL);
        return 0;
}

void job_log(Job *j, const char *format, ...) {
        _cleanup_(freep) char *msg = NULL;
        va_list ap;
        int k;

        va_start(ap, format);
        k = vasprintf(&msg, format, ap);
        va_end(ap);
        if (k < 0)
                return;
        log_debug("job %" PRIu32 ": %s", j->id, msg);
        (void) sd_bus_emit_signal(j->manager->bus, j->object_path, JOB_INTERFACE, "LogMessage", "s", msg);
}

void job_finish(Job *j, JobResult result, const char *message) {
        if (result == JOB_DONE)
                log_info("Job %" PRIu32 " (%s) done: %s", j->id, j->description, strempty(j->subject));
        else
                log_warning("Job %" PRIu32 " (%s) %s: %s", j->id, j->description,
                            job_result_to_string(result), strempty(message));
        if (result == JOB_DONE && j->progress != 1.0) {
                j->progress = 1.0;
                job_send_progress(j);
        }
        (void) sd_bus_emit_signal(j->manager->bus, ENGINE_PATH, ENGINE_INTERFACE, "JobRemoved", "uosss",
                                  j->id, j->object_path, job_result_to_string(result),
                                  strempty(j->subject), strempty(message));
        job_free(j);
}

static int method_cancel(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        int r;

        /* reply first: the caller may wait for JobRemoved after the reply */
        r = sd_bus_reply_method_return(message, NULL);
        if (r < 0)
                return r;
        job_finish(j, JOB_CANCELED, "canceled");
        return 1;
}

static int property_get_type(sd_bus *bus, const char *path, const char *interface, const char *property,
                             sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        return sd_bus_message_append(reply, "s", job_type_to_string(j->type));
}

static int property_get_state(sd_bus *bus, const char *path, const char *interface, const char *property,
                              sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        return sd_bus_message_append(reply, "s", job_state_to_string(j->state));
}

static int property_get_string(sd_bus *bus, const char *path, const char *interface, const char *property,
                               sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        char **s = userdata;
        return sd_bus_message_append(reply, "s", strempty(*s));
}

int job_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                    void **found, sd_bus_error *error) {
        Manager *m = userdata;
        const char *p;
        char *end;
        unsigned long id;

        p = startswith(path, JOB_PATH_PREFIX "/");
        if (!p || !*p || *p == '0')
                return 0;
        errno = 0;
        id = strtoul(p, &end, 10);
        if (errno != 0 || *end || id > UINT32_MAX)
                return 0;
        LIST_FOREACH(jobs, j, m->jobs)
                if (j->id == id) {
                        *found = j;
                        return 1;
                }
        return 0;
}

int job_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes, sd_bus_error *error) {
        _cleanup_(strv_freep) char **l = NULL;
        Manager *m = userdata;

        l = calloc(1, sizeof(char *));
        if (!l)
                return -ENOMEM;
        LIST_FOREACH(jobs, j, m->jobs)
                if (strv_extend(&l, j->object_path) < 0)
                        return -ENOMEM;
        *nodes = TAKE_PTR(l);
        return 1;
}

const sd_bus_vtable job_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Id", "u", NULL, offsetof(Job, id), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Type", "s", property_get_type, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("State", "s", property_get_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Progress", "d", NULL, offsetof(Job, progress), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Description", "s", property_get_string, offsetof(Job, description), SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Subject", "s", property_get_string, offsetof(Job, subject), SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD("Cancel", NULL, NULL, method_cancel, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_NAMES("LogMessage", "s", SD_BUS_PARAM(message), 0),
        SD_BUS_VTABLE_END
};
