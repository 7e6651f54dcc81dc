/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-c/json.h>

/* The client's side of org.wharf.Engine1: the connection, the one error line
 * for a failed call, and following jobs and containers by their signals.
 * Every watch is set up before the call that starts what it watches, so no
 * signal can be missed; signals for other jobs or containers are ignored. */

#include <stdbool.h>
#include <stdint.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "progress.h"

#define ENGINE_SERVICE   "org.wharf.Engine1"
#define ENGINE_PATH      "/org/wharf/Engine1"
#define ENGINE_INTERFACE "org.wharf.Engine1"
#define JOB_INTERFACE    "org.wharf.Engine1.Job"

/* quick calls keep sd-bus's default; these may do real work before replying */
#define ENGINE_SLOW_CALL_USEC (300 * UINT64_C(1000000))

typedef struct Engine {
        sd_event *event;
        sd_bus *bus;
        sd_bus_slot *slot_owner;
        sd_event_source *sigint, *sigterm;
        sd_event_source **proxied;  /* engine_proxy_signals(): one per signal */
        size_t n_proxied;
        int signal;             /* a signal caught while waiting (the last) */
        int queued[16];         /* signals caught, for the proxy, in order */
        size_t n_queued;
        bool lost;              /* wharfd left the bus while we waited */
} Engine;

/* The address we talk to, for messages: -H, $DBUS_SYSTEM_BUS_ADDRESS or the
 * default system bus socket. */
const char *engine_address(void);

/* Connects (printing the one error line on failure). */
int engine_connect(Engine **ret, const char *error_prefix);
Engine *engine_free(Engine *e);
static inline void engine_freep(Engine **e) { if (*e) engine_free(*e); }

/* Calls a manager method; on error prints the one error line (prefix, then
 * "Error response from daemon: ..." or "Cannot connect ...", with a final
 * "." when dot) and returns the negative errno, -EHOSTDOWN when nobody
 * answers for the engine. */
int engine_call(Engine *e, const char *member, uint64_t usec, sd_bus_message **reply,
                const char *error_prefix, bool dot, const char *types, ...);
/* Same for a prepared message (from engine_new_call). */
/* Calls a method without arguments that answers one JSON array as "s"
 * (ListNetworks, ListVolumes); errors are printed. */
int engine_list_json(Engine *e, const char *method, json_object **ret);

/* Appends labels ("KEY=VALUE" or "KEY") as a{ss}. */
int engine_append_labels(sd_bus_message *m, char * const *labels);

int engine_call_message(Engine *e, sd_bus_message *m, uint64_t usec, sd_bus_message **reply,
                        const char *error_prefix, bool dot);
int engine_new_call(Engine *e, const char *member, sd_bus_message **ret);

/* The error line for a failed call or connection. */
void engine_print_error(const sd_bus_error *error, int r, const char *prefix, bool dot);

/* True when the error means nobody answers for org.wharf.Engine1. */
bool engine_error_is_unreachable(const sd_bus_error *error, int r);

/* Runs the loop until *done, a SIGINT/SIGTERM (-EINTR) or wharfd leaving the
 * bus (-ECONNRESET). */
int engine_wait(Engine *e, const bool *done);

typedef struct Job {
        Engine *engine;
        uint32_t id;            /* 0 until the creating call replied */
        char *path;
        Progress progress;      /* LogMessage lines go there (f NULL: dropped) */
        char *description;
        bool finished;
        char *result;           /* "done", "failed", "canceled" */
        char *subject;
        char *message;
        sd_bus_slot *slot_removed, *slot_log, *slot_props;
} Job;

/* Subscribe before the call; log may be NULL. */
int job_watch(Engine *e, FILE *log, Job **ret);
/* Reads (u job_id, o job_path) from the creating call's reply. */
int job_attach(Job *j, sd_bus_message *reply);
/* Waits for JobRemoved; returns 0 when it came (see result), else as
 * engine_wait. */
int job_wait(Job *j);
/* job_wait, then the one error line unless the job ended "done" (held
 * progress lines are released on success, dropped on failure): returns 0,
 * -EIO (job failed), -EINTR (interrupted: the job is canceled) or
 * -ECONNRESET (wharfd went away). */
int job_finish(Job *j, const char *error_prefix, bool dot);
/* Sends m (a call that starts a job), then job_attach() and job_finish(j,
 * NULL, false): the one error line of a failed call or job is printed.
 * Returns 0 or a negative error (-EINTR: a signal, in j's engine). */
int job_call(Engine *e, Job *j, sd_bus_message *m);
/* docker's exit code for a job's result: 0, 128 + the signal, or 1 */
int job_exit_code(Engine *e, int r);
Job *job_free(Job *j);
static inline void job_freep(Job **j) { if (*j) job_free(*j); }

typedef struct ContainerWatch {
        Engine *engine;
        char *id;               /* full container id, set before waiting */
        bool exited;
        int exit_code;
        sd_bus_slot *slot;
} ContainerWatch;

/* Subscribe to ContainerExited before StartContainer. */
/* SIGINT and SIGTERM become e->signal (and -EINTR of engine_wait) from now on */
int engine_catch_signals(Engine *e);
/* --sig-proxy: every signal docker's client forwards (all but SIGCHLD,
 * SIGPIPE, SIGURG and the ones a fault raises) becomes e->signal and is
 * queued in e->queued; engine_forward_signals() sends them on. */
int engine_proxy_signals(Engine *e);
void engine_forward_signals(Engine *e, const char *container_id);
int container_watch(Engine *e, const char *id, ContainerWatch **ret);

/* attach.c: our stdio to the running container id (raw terminal, detach
 * keys) until it exits (its code) or we detach (0). attach and start -a. */
int container_attach_running(Engine *e, const char *id, bool no_stdin, const char *detach_keys, bool sig_proxy);
int container_wait(ContainerWatch *w);
ContainerWatch *container_watch_free(ContainerWatch *w);
static inline void container_watch_freep(ContainerWatch **w) { if (*w) container_watch_free(*w); }
