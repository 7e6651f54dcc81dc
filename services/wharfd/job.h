/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Jobs: long requests as bus objects (/org/wharf/Engine1/job/N), in the
 * manner of systemd's jobs and importd's transfers. JobNew when created,
 * JobRemoved(id, path, result, subject, message) at the end, then gone. */

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "manager.h"
#include "macro.h"

#define JOB_PATH_PREFIX "/org/wharf/Engine1/job"
#define JOB_INTERFACE   "org.wharf.Engine1.Job"

typedef enum JobType {
        JOB_PULL,
        JOB_CREATE,
        JOB_PUSH,
        JOB_SAVE,
        JOB_LOAD,
        JOB_IMPORT,
        _JOB_TYPE_MAX,
        _JOB_TYPE_INVALID = -EINVAL,
} JobType;

typedef enum JobState {
        JOB_WAITING,
        JOB_RUNNING,
        _JOB_STATE_MAX,
        _JOB_STATE_INVALID = -EINVAL,
} JobState;

typedef enum JobResult {
        JOB_DONE,
        JOB_FAILED,
        JOB_CANCELED,
        _JOB_RESULT_MAX,
        _JOB_RESULT_INVALID = -EINVAL,
} JobResult;

const char *job_type_to_string(JobType t);
const char *job_state_to_string(JobState s);
const char *job_result_to_string(JobResult r);

typedef int (*JobStartHandler)(Job *j);

struct Job {
        Manager *manager;
        uint32_t id;
        char *object_path;
        JobType type;
        JobState state;
        char *description;
        char *subject;

        double progress;
        double progress_sent;
        uint64_t progress_sent_usec;
        sd_event_source *progress_event;
        sd_event_source *start_event;

        JobStartHandler start;
        void *userdata;                 /* the type's state ... */
        void (*free_userdata)(void *);  /* ... freed (its work canceled) with the job */

        LIST_FIELDS(Job, jobs);
};

int job_new(Manager *m, JobType type, const char *description, Job **ret);
/* Frees without signals: only for a job never announced. */
Job *job_free(Job *j);

/* Emits JobNew and schedules start on the event loop, after the reply
 * carrying the path has gone out. */
int job_announce(Job *j, JobStartHandler start);

void job_set_progress(Job *j, double progress);
int job_set_subject(Job *j, const char *subject);
_printf_(2, 3) void job_log(Job *j, const char *format, ...);

/* Emits JobRemoved and frees the job (and its userdata). */
void job_finish(Job *j, JobResult result, const char *message);

int job_object_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
                    void **found, sd_bus_error *error);
int job_node_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                        sd_bus_error *error);
extern const sd_bus_vtable job_vtable[];
