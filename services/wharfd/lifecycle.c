/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>
#include <signal.h>
#include <time.h>

#include "backend.h"
#include "bus-errors.h"
#include "container.h"
#include "life.h"
#include "lifecycle.h"
#include "log.h"
#include "names.h"
#include "restart.h"
#include "signal-util.h"
#include "start.h"

#define STOP_TIMEOUT_DEFAULT_SEC 10

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

int reply_container_lookup_error(sd_bus_error *error, const char *ref, int r) {
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(error, WHARF_ERROR_AMBIGUOUS, "multiple IDs found with provided prefix: %s", ref);
        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", ref);
}

static Container *container_by_id(Manager *m, const char *id) {
        LIST_FOREACH(containers, c, m->containers)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

/* Config.StopSignal / Config.StopTimeout of the record (set by create) */
static json_object *record_config_member(Container *c, const char *key, json_object **ret_record) {
        json_object *record = NULL, *config, *v;

        *ret_record = NULL;
        if (container_to_record(c, (void **) &record) < 0)
                return NULL;
        *ret_record = record;
        if (!json_object_object_get_ex(record, "Config", &config) || !json_object_object_get_ex(config, key, &v))
                return NULL;
        return v;
}

static int container_stop_signal(Container *c, bool *ret_configured) {
        _cleanup_(json_object_putp) json_object *record = NULL;
        json_object *v = record_config_member(c, "StopSignal", &record);
        int sig;

        if (v && json_object_is_type(v, json_type_string) && !isempty(json_object_get_string(v))) {
                sig = signal_parse(json_object_get_string(v));
                if (sig > 0) {
                        if (ret_configured)
                                *ret_configured = true;
                        return sig;
                }
        }
        if (ret_configured)
                *ret_configured = false;
        return SIGTERM;
}

static int container_stop_timeout(Container *c) {
        _cleanup_(json_object_putp) json_object *record = NULL;
        json_object *v = record_config_member(c, "StopTimeout", &record);

        if (v && json_object_is_type(v, json_type_int) && json_object_get_int(v) >= 0)
                return json_object_get_int(v);
        return STOP_TIMEOUT_DEFAULT_SEC;
}

static bool container_is_running(const Container *c) {
        return c->status == CONTAINER_RUNNING && !c->cleaning;
}

static int not_running_error(sd_bus_error *error, const Container *c) {
        return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", c->id);
}

/* Exec1 calls about a container, answered (or not) once execd replied */

typedef enum ExecCallType {
        EXEC_CALL_KILL,          /* kill: answer the client */
        EXEC_CALL_STOP,          /* stop's signal: failures are logged, the timer goes on */
        EXEC_CALL_STOP_KILL,     /* the grace period is over: a failure fails the stop */
        EXEC_CALL_PAUSE,
        EXEC_CALL_RESUME,
        EXEC_CALL_RESUME_QUIET,  /* after a stop/kill signal to a paused container */
} ExecCallType;

typedef struct ExecCall {
        Manager *manager;
        char id[ID_HEX_LEN + 1];
        ExecCallType type;
        int signal;
        sd_bus_message *request;
} ExecCall;

static int on_exec_call(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error);

static int exec_call(Manager *m, Container *c, ExecCallType type, int sig, sd_bus_message *request) {
        ExecCall *k;
        int r;

        k = calloc(1, sizeof *k);
        if (!k)
                return -ENOMEM;
        *k = (ExecCall) { .manager = m, .type = type, .signal = sig };
        snprintf(k->id, sizeof k->id, "%s", c->id);
        switch (type) {
        case EXEC_CALL_KILL:
        case EXEC_CALL_STOP:
        case EXEC_CALL_STOP_KILL:
                r = backend_call(m, BACKEND_EXEC, NULL, "Kill", BACKEND_TIMEOUT_USEC, on_exec_call, k, "si",
                                 c->id, (int32_t) sig);
                break;
        case EXEC_CALL_PAUSE:
                r = backend_call(m, BACKEND_EXEC, NULL, "Pause", BACKEND_TIMEOUT_USEC, on_exec_call, k, "s", c->id);
                break;
        default:
                r = backend_call(m, BACKEND_EXEC, NULL, "Resume", BACKEND_TIMEOUT_USEC, on_exec_call, k, "s", c->id);
                break;
        }
        if (r < 0) {
                free(k);
                return r;
        }
        k->request = sd_bus_message_ref(request);
        return 0;
}

static void stop_fail(Manager *m, Container *c, const char *message) {
        ContainerLife *l = c->life;

        if (!l)
                return;
        l->stop_timer = sd_event_source_disable_unref(l->stop_timer);
        l->stopping = false;
        message_queue_answer(&l->stop_requests, WHARF_ERROR_BACKEND_FAILED, message);
        if (l->restart_pending) {
                l->restart_pending = false;
                message_queue_answer(&l->restart_requests, WHARF_ERROR_BACKEND_FAILED, message);
        }
}

static int on_exec_call(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        ExecCall *k = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Container *c = container_by_id(k->manager, k->id);
        _cleanup_(freep) char *msg = e ? backend_error_message(BACKEND_EXEC, e) : NULL;

        switch (k->type) {
        case EXEC_CALL_KILL:
                if (e) {
                        (void) backend_reply_error(BACKEND_EXEC, k->request, e);
                        break;
                }
                /* a SIGKILL is answered once the exit is recorded, as docker's kill */
                if (k->signal == SIGKILL && c && c->status == CONTAINER_RUNNING && container_life(c) &&
                    message_queue_push(&c->life->stop_requests, k->request) >= 0)
                        break;
                (void) sd_bus_reply_method_return(k->request, NULL);
                break;
        case EXEC_CALL_STOP:
                if (e)
                        log_debug("Stop signal to container %s failed: %s", k->id, strempty(msg));
                break;
        case EXEC_CALL_STOP_KILL:
                /* "not running": it is exiting already, and its Exited completes the stop */
                if (e && c && c->status == CONTAINER_RUNNING && !c->cleaning &&
                    !sd_bus_error_has_name(e, WHARF_ERROR_CONTAINER_NOT_RUNNING)) {
                        log_warning("Failed to kill container %s: %s", k->id, strempty(msg));
                        stop_fail(k->manager, c, msg ?: "execd failed");
                }
                break;
        case EXEC_CALL_PAUSE:
        case EXEC_CALL_RESUME:
                if (e) {
                        (void) backend_reply_error(BACKEND_EXEC, k->request, e);
                        break;
                }
                if (c) {
                        c->paused = k->type == EXEC_CALL_PAUSE && c->status == CONTAINER_RUNNING;
                        (void) manager_save_container(k->manager, c);
                        log_info("%s container %s.", c->paused ? "Paused" : "Unpaused", c->id);
                }
                (void) sd_bus_reply_method_return(k->request, NULL);
                break;
        case EXEC_CALL_RESUME_QUIET:
                if (!e && c) {
                        c->paused = false;
                        (void) manager_save_container(k->manager, c);
                }
                break;
        }
        sd_bus_message_unref(k->request);
        free(k);
        return 0;
}

/* stop */

static int on_stop_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;
        ContainerLife *l = c->life;
        Manager *m = l ? l->manager : NULL;
        int r;

        if (!l)
                return 0;
        l->stop_timer = sd_event_source_disable_unref(l->stop_timer);
        if (!container_is_running(c))
                return 0;
        log_info("Container %s did not stop in time, killing it.", c->id);
        r = exec_call(m, c, EXEC_CALL_STOP_KILL, SIGKILL, NULL);
        if (r < 0) {
                log_warning_errno(r, "Failed to kill container %s: %m", c->id);
                stop_fail(m, c, "failed to kill the container");
        }
        return 0;
}

/* Sends the stop signal and arms the grace period; the exit answers. */
static int stop_begin(Manager *m, Container *c, int timeout) {
        ContainerLife *l = container_life(c);
        int sig, r;

        if (!l)
                return -ENOMEM;
        l->manager = m;
        if (l->stopping)
                return 0;
        sig = container_stop_signal(c, NULL);
        if (timeout < 0)
                timeout = container_stop_timeout(c);

        r = sd_event_add_time_relative(m->event, &l->stop_timer, CLOCK_MONOTONIC, (uint64_t) timeout * USEC_PER_SEC,
                                       0, on_stop_timer, c);
        if (r < 0)
                return r;
        r = exec_call(m, c, timeout == 0 ? EXEC_CALL_STOP_KILL : EXEC_CALL_STOP, timeout == 0 ? SIGKILL : sig, NULL);
        if (r < 0) {
                l->stop_timer = sd_event_source_disable_unref(l->stop_timer);
                return r;
        }
        /* a frozen process cannot act on its signal */
        if (c->paused)
                (void) exec_call(m, c, EXEC_CALL_RESUME_QUIET, 0, NULL);
        l->stopping = true;
        log_info("Stopping container %s (signal %d, %d s grace).", c->id, sig, timeout);
        return 0;
}

static void restart_cancel(Container *c) {
        if (c->life)
                c->life->restart_timer = sd_event_source_disable_unref(c->life->restart_timer);
        c->restarting = false;
}

int method_stop_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c;
        ContainerLife *l;
        int32_t timeout;
        int r;

        r = sd_bus_message_read(message, "si", &ref, &timeout);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (c->starting)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "container %s is starting, try again", c->id);
        l = container_life(c);
        if (!l)
                return -ENOMEM;
        l->manager = m;

        if (!container_is_running(c)) {
                /* as docker: stopping a stopped container is no error; a
                 * planned policy restart is called off */
                if (c->restarting || c->cleaning || !c->manually_stopped) {
                        restart_cancel(c);
                        if (c->status != CONTAINER_CREATED)
                                c->manually_stopped = true;
                        (void) manager_save_container(m, c);
                }
                return sd_bus_reply_method_return(message, NULL);
        }

        c->manually_stopped = true;
        (void) manager_save_container(m, c);
        r = message_queue_push(&l->stop_requests, message);
        if (r < 0)
                return r;
        r = stop_begin(m, c, timeout);
        if (r < 0) {
                sd_bus_message_unref(l->stop_requests.items[--l->stop_requests.n]);
                return r;
        }
        return 1;
}

/* kill */

int method_kill_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref, *signame;
        bool configured;
        Container *c;
        int sig, r;

        r = sd_bus_message_read(message, "ss", &ref, &signame);
        if (r < 0)
                return r;
        if (isempty(signame))
                sig = SIGKILL;
        else {
                sig = signal_parse(signame);
                if (sig == -ERANGE)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "the linux daemon does not support signal %s", signame);
                if (sig < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid signal: %s", signame);
        }
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (c->restarting)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING,
                                         "Cannot kill container: %s: Container %s is restarting, wait until the container is running",
                                         ref, c->id);
        if (!container_is_running(c) || c->starting)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING,
                                         "Cannot kill container: %s: Container %s is not running", ref, c->id);

        /* docker: the stop signal or SIGKILL (any signal when none is
         * configured) means the container is meant to end: no restart */
        if (sig == SIGKILL || container_stop_signal(c, &configured) == sig || !configured) {
                c->manually_stopped = true;
                (void) manager_save_container(m, c);
        }
        r = exec_call(m, c, EXEC_CALL_KILL, sig, message);
        if (r < 0)
                return r;
        if (c->paused && c->manually_stopped)
                (void) exec_call(m, c, EXEC_CALL_RESUME_QUIET, 0, NULL);
        return 1;
}

/* restart (the command and the policy) */

static void on_restart_started(Manager *m, const char *id, const char *error_name, const char *message,
                               void *userdata) {
        Container *c = container_by_id(m, id);

        if (!c || !c->life)
                return;
        c->life->starting_internal = false;
        message_queue_answer(&c->life->restart_requests, error_name, message);
}

static void restart_reset(Container *c) {
        /* docker's start resets the restart manager, the count and the stop */
        restart_cancel(c);
        c->restart_count = 0;
        c->manually_stopped = false;
        if (c->life)
                c->life->backoff_usec = 0;
        c->error = (free(c->error), NULL);
}

static int restart_start_now(Manager *m, Container *c) {
        int r;

        restart_reset(c);
        c->life->starting_internal = true;
        r = container_start(m, c, NULL, NULL, on_restart_started, NULL);
        if (r < 0) {
                c->life->starting_internal = false;
                return r;
        }
        return 0;
}

int method_restart_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        ContainerLife *l;
        Container *c;
        int32_t timeout;
        int r;

        r = sd_bus_message_read(message, "si", &ref, &timeout);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (c->starting || c->n_remove_requests > 0 || c->remove_on_exit)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED,
                                         "container %s is busy (starting or being removed)", c->id);
        l = container_life(c);
        if (!l)
                return -ENOMEM;
        l->manager = m;

        r = message_queue_push(&l->restart_requests, message);
        if (r < 0)
                return r;
        if (l->restart_pending)
                return 1; /* joins the restart under way */

        if (c->status == CONTAINER_RUNNING) {
                l->restart_pending = true;
                if (!c->cleaning) {
                        c->manually_stopped = true; /* no policy restart in between */
                        r = stop_begin(m, c, timeout);
                        if (r < 0) {
                                l->restart_pending = false;
                                sd_bus_message_unref(l->restart_requests.items[--l->restart_requests.n]);
                                return r;
                        }
                }
                return 1;
        }
        if (c->cleaning) {
                /* the exit is being cleaned up: start once that is done */
                l->restart_pending = true;
                return 1;
        }
        r = restart_start_now(m, c);
        if (r < 0) {
                sd_bus_message_unref(l->restart_requests.items[--l->restart_requests.n]);
                return r;
        }
        return 1;
}

static void on_policy_started(Manager *m, const char *id, const char *error_name, const char *message,
                              void *userdata) {
        Container *c = container_by_id(m, id);

        if (!c)
                return;
        if (c->life)
                c->life->starting_internal = false;
        c->restarting = false;
        if (error_name) {
                log_warning("Restart of container %s failed: %s", c->id, strempty(message));
                free(c->error);
                c->error = strdup(strempty(message));
        }
        (void) manager_save_container(m, c);
}

static int on_restart_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Container *c = userdata;
        ContainerLife *l = c->life;
        Manager *m;
        int r;

        if (!l)
                return 0;
        m = l->manager;
        l->restart_timer = sd_event_source_disable_unref(l->restart_timer);
        if (c->status == CONTAINER_RUNNING || c->starting || c->cleaning || !c->restarting)
                return 0;
        c->restart_count++;
        log_info("Restarting container %s (restart %u) per its restart policy.", c->id, c->restart_count);
        l->starting_internal = true;
        r = container_start(m, c, NULL, NULL, on_policy_started, NULL);
        if (r < 0) {
                l->starting_internal = false;
                c->restarting = false;
                log_warning_errno(r, "Failed to restart container %s: %m", c->id);
                (void) manager_save_container(m, c);
        }
        return 0;
}

int lifecycle_schedule_restart(Manager *m, Container *c, uint64_t delay_usec) {
        ContainerLife *l = container_life(c);
        int r;

        if (!l)
                return -ENOMEM;
        l->manager = m;
        l->restart_timer = sd_event_source_disable_unref(l->restart_timer);
        r = sd_event_add_time_relative(m->event, &l->restart_timer, CLOCK_MONOTONIC, delay_usec, 0,
                                       on_restart_timer, c);
        if (r < 0)
                return r;
        c->restarting = true;
        (void) manager_save_container(m, c);
        log_debug("Container %s restarts in %" PRIu64 " ms.", c->id, delay_usec / USEC_PER_MSEC);
        return 0;
}

/* Whether the restart policy brings c back after this exit; *backoff_usec
 * is advanced as for a restart. */
static bool exit_restarts(Container *c, uint64_t *backoff_usec) {
        _cleanup_(json_object_putp) json_object *record = NULL;
        RestartPolicy policy;
        uint64_t ran;

        if (container_to_record(c, (void **) &record) < 0)
                return false;
        restart_policy_from_record(record, &policy);
        ran = c->finished_at > c->started_at ? (uint64_t) (c->finished_at - c->started_at) * USEC_PER_SEC : 0;
        return restart_should(&policy, c->exit_code, c->manually_stopped, ran, c->restart_count, backoff_usec);
}

void lifecycle_exit_seen(Manager *m, Container *c) {
        ContainerLife *l = container_life(c);
        uint64_t backoff;

        if (!l || l->restart_pending || c->auto_remove || c->remove_on_exit || c->n_remove_requests > 0)
                return;
        backoff = l->backoff_usec;      /* decided for real once cleaned up */
        if (exit_restarts(c, &backoff))
                c->restarting = true;
}

void lifecycle_exit_recorded(Manager *m, Container *c) {
        ContainerLife *l = container_life(c);
        int r;

        /* lifecycle_exit_seen()'s guess is settled below */
        c->restarting = false;
        if (!l) {
                log_oom();
                return;
        }
        l->manager = m;
        l->stop_timer = sd_event_source_disable_unref(l->stop_timer);
        l->stopping = false;
        message_queue_answer(&l->stop_requests, NULL, NULL);

        if (c->auto_remove || c->remove_on_exit || c->n_remove_requests > 0) {
                if (l->restart_pending) {
                        l->restart_pending = false;
                        message_queue_answer(&l->restart_requests, WHARF_ERROR_NO_SUCH_CONTAINER,
                                             "the container is being removed");
                }
                return;
        }

        if (l->restart_pending) {
                l->restart_pending = false;
                r = restart_start_now(m, c);
                if (r < 0) {
                        log_warning_errno(r, "Failed to start container %s again: %m", c->id);
                        message_queue_answer(&l->restart_requests, SD_BUS_ERROR_FAILED, "failed to start the container");
                }
                return;
        }

        if (!exit_restarts(c, &l->backoff_usec)) {
                (void) manager_save_container(m, c);
                return;
        }
        r = lifecycle_schedule_restart(m, c, l->backoff_usec);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule the restart of container %s: %m", c->id);
}

void lifecycle_start_requested(Manager *m, Container *c) {
        restart_reset(c);
}

int lifecycle_check_remove(Container *c, bool force, sd_bus_error *error) {
        if (!c->restarting)
                return 0;
        if (!force)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_RUNNING,
                                         "You cannot remove a restarting container %s. Stop the container "
                                         "before attempting removal or force remove", c->id);
        restart_cancel(c);
        return 0;
}

/* pause, unpause */

int method_pause_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (c->restarting)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING,
                                         "Container %s is restarting, wait until the container is running", c->id);
        if (!container_is_running(c) || c->starting)
                return not_running_error(error, c);
        if (c->paused)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_PAUSED, "Container %s is already paused", c->id);
        r = exec_call(m, c, EXEC_CALL_PAUSE, 0, message);
        return r < 0 ? r : 1;
}

int method_unpause_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (!c->paused || !container_is_running(c))
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_PAUSED, "Container %s is not paused", c->id);
        r = exec_call(m, c, EXEC_CALL_RESUME, 0, message);
        return r < 0 ? r : 1;
}

/* rename */

int method_rename_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref, *name;
        Container *c, *other;
        char *old;
        int r;

        r = sd_bus_message_read(message, "ss", &ref, &name);
        if (r < 0)
                return r;
        if (isempty(ref) || isempty(name) || streq(name, "/"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Neither old nor new names may be empty");
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (name[0] == '/')
                name++;
        if (!container_name_is_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
        if (streq(c->name, name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "Renaming a container with the same name as its current name");
        other = container_find_by_name(m->containers, name);
        if (other)
                return sd_bus_error_setf(error, WHARF_ERROR_NAME_IN_USE,
                                         "Conflict. The container name \"/%s\" is already in use by container \"%s\". "
                                         "You have to remove (or rename) that container to be able to reuse that name.",
                                         name, other->id);
        old = c->name;
        c->name = strdup(name);
        if (!c->name) {
                c->name = old;
                return -ENOMEM;
        }
        r = container_save(c, m->containers_dir);
        if (r < 0) {
                free(c->name);
                c->name = old;
                return sd_bus_error_set_errnof(error, r, "Failed to store the container: %m");
        }
        log_info("Renamed container %s from %s to %s.", c->id, old, c->name);
        free(old);
        return sd_bus_reply_method_return(message, NULL);
}

/* top, stats: execd's view, passed on */

static int on_forward(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata, *out = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        if (e)
                return backend_reply_error(BACKEND_EXEC, request, e), 0;
        r = sd_bus_message_new_method_return(request, &out);
        if (r >= 0)
                r = sd_bus_message_copy(out, reply, true);
        if (r >= 0)
                r = sd_bus_send(NULL, out, NULL);
        if (r < 0)
                (void) sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED, "execd failed: bad reply");
        return 0;
}

static int forward(Manager *m, Container *c, sd_bus_message *message, const char *method) {
        int r;

        r = backend_call(m, BACKEND_EXEC, NULL, method, BACKEND_TIMEOUT_USEC, on_forward,
                         sd_bus_message_ref(message), "s", c->id);
        if (r < 0) {
                sd_bus_message_unref(message);
                return r;
        }
        return 1;
}

int method_top_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (!container_is_running(c) || c->starting)
                return not_running_error(error, c);
        return forward(m, c, message, "ListProcesses");
}

int method_container_stats(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        if (!container_is_running(c) || c->starting)
                /* docker shows a stopped container's stats as zeros */
                return sd_bus_reply_method_return(message, "a{st}", 0);
        return forward(m, c, message, "Stats");
}
