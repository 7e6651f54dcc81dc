/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus-errors.h"
#include <json-c/json.h>

#include "bus.h"
#include "cli.h"
#include "log.h"

#define DEFAULT_SYSTEM_BUS_ADDRESS "unix:path=/run/dbus/system_bus_socket"

const char *engine_address(void) {
        const char *e;

        if (arg_global.host)
                return arg_global.host;
        e = getenv("DBUS_SYSTEM_BUS_ADDRESS");
        return isempty(e) ? DEFAULT_SYSTEM_BUS_ADDRESS : e;
}

bool engine_error_is_unreachable(const sd_bus_error *error, int r) {
        if (sd_bus_error_is_set(error))
                return sd_bus_error_has_names(error,
                                              SD_BUS_ERROR_SERVICE_UNKNOWN,
                                              SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                                              SD_BUS_ERROR_NO_SERVER,
                                              SD_BUS_ERROR_DISCONNECTED,
                                              "org.freedesktop.DBus.Error.Spawn.ChildExited",
                                              "org.freedesktop.DBus.Error.Spawn.ExecFailed",
                                              "org.freedesktop.DBus.Error.Spawn.ServiceNotFound");

        /* no error name: the connection itself failed */
        switch (-r) {
        case ENOENT: case ECONNREFUSED: case ENOTCONN: case ECONNRESET:
        case EHOSTDOWN: case ENXIO: case EPIPE: case ESHUTDOWN:
                return true;
        default:
                return false;
        }
}

void engine_print_error(const sd_bus_error *error, int r, const char *prefix, bool dot) {
        const char *message;
        size_t n;

        prefix = strempty(prefix);

        if (engine_error_is_unreachable(error, r)) {
                fprintf(stderr, "%sCannot connect to the wharf engine at %s. Is wharfd running?\n",
                        prefix, engine_address());
                return;
        }

        if ((sd_bus_error_is_set(error) && sd_bus_error_has_name(error, SD_BUS_ERROR_ACCESS_DENIED)) ||
            (!sd_bus_error_is_set(error) && (r == -EACCES || r == -EPERM))) {
                fprintf(stderr, "%spermission denied while trying to connect to the wharf engine at %s\n",
                        prefix, engine_address());
                return;
        }

        if (sd_bus_error_is_set(error) && sd_bus_error_has_names(error, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT)) {
                fprintf(stderr, "%sError response from daemon: the wharf engine did not answer in time%s\n",
                        prefix, dot ? "." : "");
                return;
        }

        message = sd_bus_error_is_set(error) && !isempty(error->message) ? error->message : strerror(abs(r));
        n = strlen(message);
        while (n > 0 && message[n - 1] == '\n')
                n--;
        fprintf(stderr, "%sError response from daemon: %.*s%s\n", prefix, (int) n, message,
                dot && n > 0 && message[n - 1] != '.' ? "." : "");
}

static int match_owner_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Engine *e = userdata;
        const char *name, *old_owner, *new_owner;

        if (sd_bus_message_read(m, "sss", &name, &old_owner, &new_owner) < 0 ||
            !streq(name, ENGINE_SERVICE))
                return 0;
        /* activation (no old owner) is fine; losing the owner ends every job */
        if (!isempty(old_owner)) {
                log_debug("%s left the bus (%s -> %s)", name, old_owner, strempty(new_owner));
                e->lost = true;
        }
        return 0;
}

int engine_connect(Engine **ret, const char *error_prefix) {
        _cleanup_(engine_freep) Engine *e = NULL;
        int r;

        (void) bus_errors_register();

        e = calloc(1, sizeof(Engine));
        if (!e)
                return -ENOMEM;

        if (arg_global.host) {
                r = sd_bus_new(&e->bus);
                if (r >= 0)
                        r = sd_bus_set_address(e->bus, arg_global.host);
                if (r >= 0)
                        r = sd_bus_set_bus_client(e->bus, true);
                if (r >= 0)
                        r = sd_bus_start(e->bus);
        } else
                r = sd_bus_open_system(&e->bus);
        if (r < 0) {
                log_debug("Failed to connect to %s: %s", engine_address(), strerror(-r));
                /* whatever went wrong with the socket, nobody is there for us */
                fprintf(stderr, "%sCannot connect to the wharf engine at %s. Is wharfd running?\n",
                        strempty(error_prefix), engine_address());
                return r;
        }

        r = sd_event_default(&e->event);
        if (r < 0)
                return r;
        r = sd_bus_attach_event(e->bus, e->event, 0);
        if (r < 0)
                return r;
        /* a dropped connection ends the loop instead of hanging in it */
        r = sd_bus_set_exit_on_disconnect(e->bus, true);
        if (r < 0)
                return r;

        r = sd_bus_add_match(e->bus, &e->slot_owner,
                             "type='signal',sender='org.freedesktop.DBus',path='/org/freedesktop/DBus',"
                             "interface='org.freedesktop.DBus',member='NameOwnerChanged',"
                             "arg0='" ENGINE_SERVICE "'",
                             match_owner_changed, e);
        if (r < 0) {
                fprintf(stderr, "%sCannot connect to the wharf engine at %s. Is wharfd running?\n",
                        strempty(error_prefix), engine_address());
                return r;
        }

        *ret = TAKE_PTR(e);
        return 0;
}

Engine *engine_free(Engine *e) {
        if (!e)
                return NULL;
        sd_bus_slot_unref(e->slot_owner);
        sd_event_source_unref(e->sigint);
        sd_event_source_unref(e->sigterm);
        for (size_t i = 0; i < e->n_proxied; i++)
                sd_event_source_unref(e->proxied[i]);
        free(e->proxied);
        sd_bus_flush_close_unref(e->bus);
        sd_event_unref(e->event);
        free(e);
        return NULL;
}

int engine_new_call(Engine *e, const char *member, sd_bus_message **ret) {
        return sd_bus_message_new_method_call(e->bus, ret, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, member);
}

int engine_call_message(Engine *e, sd_bus_message *m, uint64_t usec, sd_bus_message **reply,
                        const char *error_prefix, bool dot) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        log_debug("Calling %s.%s", ENGINE_INTERFACE, sd_bus_message_get_member(m));
        r = sd_bus_call(e->bus, m, usec, &error, reply);
        if (r < 0) {
                log_debug("%s failed: %s (%s)", sd_bus_message_get_member(m),
                          strempty(error.message), strempty(error.name));
                engine_print_error(&error, r, error_prefix, dot);
                return engine_error_is_unreachable(&error, r) ? -EHOSTDOWN : r;
        }
        return 0;
}

int engine_call(Engine *e, const char *member, uint64_t usec, sd_bus_message **reply,
                const char *error_prefix, bool dot, const char *types, ...) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = engine_new_call(e, member, &m);
        if (r < 0)
                return r;
        if (types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
                if (r < 0)
                        return r;
        }
        return engine_call_message(e, m, usec, reply, error_prefix, dot);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Engine *e = userdata;

        e->signal = (int) si->ssi_signo;
        if (e->n_queued < ELEMENTSOF(e->queued))
                e->queued[e->n_queued++] = e->signal;
        return 0;
}

/* Not forwarded: what the kernel raises on a fault of ours, what we cannot
 * catch, and docker's exceptions (SIGCHLD, SIGPIPE, SIGURG). */
static bool signal_is_proxied(int sig) {
        switch (sig) {
        case SIGKILL: case SIGSTOP: case SIGCHLD: case SIGPIPE: case SIGURG:
        case SIGSEGV: case SIGBUS: case SIGFPE: case SIGILL: case SIGTRAP: case SIGSYS:
                return false;
        default:
                return sig < 32 || (sig >= SIGRTMIN && sig <= SIGRTMAX);
        }
}

int engine_proxy_signals(Engine *e) {
        sigset_t ss;
        int r;

        if (e->proxied)
                return 0;
        r = engine_catch_signals(e);
        if (r < 0)
                return r;
        sigemptyset(&ss);
        for (int sig = 1; sig < _NSIG; sig++)
                if (signal_is_proxied(sig) && sig != SIGINT && sig != SIGTERM)
                        sigaddset(&ss, sig);
        if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
                return -errno;
        e->proxied = calloc(_NSIG, sizeof *e->proxied);
        if (!e->proxied)
                return -ENOMEM;
        for (int sig = 1; sig < _NSIG; sig++) {
                if (!sigismember(&ss, sig))
                        continue;
                r = sd_event_add_signal(e->event, &e->proxied[e->n_proxied], sig, on_signal, e);
                if (r < 0)
                        return r;
                e->n_proxied++;
        }
        return 0;
}

void engine_forward_signals(Engine *e, const char *container_id) {
        for (size_t i = 0; i < e->n_queued; i++) {
                char sig[12];

                snprintf(sig, sizeof sig, "%d", e->queued[i]);
                log_debug("Forwarding signal %s to container %s", sig, container_id);
                (void) engine_call(e, "KillContainer", 0, NULL, NULL, false, "ss", container_id, sig);
        }
        e->n_queued = 0;
        e->signal = 0;
}

int engine_catch_signals(Engine *e) {
        sigset_t ss;
        int r;

        if (e->sigint)
                return 0;
        /* signalfd needs them blocked; from the first wait on (or earlier
         * for who must not miss one), so an early Ctrl-C still ends us the
         * ordinary way */
        sigemptyset(&ss);
        sigaddset(&ss, SIGINT);
        sigaddset(&ss, SIGTERM);
        if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
                return -errno;
        r = sd_event_add_signal(e->event, &e->sigint, SIGINT, on_signal, e);
        if (r < 0)
                return r;
        return sd_event_add_signal(e->event, &e->sigterm, SIGTERM, on_signal, e);
}

int engine_wait(Engine *e, const bool *done) {
        int r;

        r = engine_catch_signals(e);
        if (r < 0)
                return r;

        for (;;) {
                int state;

                if (*done)
                        return 0;
                if (e->signal)
                        return -EINTR;
                state = sd_event_get_state(e->event);
                if (e->lost || state == SD_EVENT_FINISHED || state == SD_EVENT_EXITING)
                        return -ECONNRESET;

                r = sd_event_run(e->event, UINT64_MAX);
                if (r < 0)
                        return r;
        }
}

static int match_job_removed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *path, *result, *subject, *message;
        uint32_t id;

        if (sd_bus_message_read(m, "uosss", &id, &path, &result, &subject, &message) < 0)
                return 0;
        log_debug("JobRemoved %u %s %s %s %s", id, path, result, subject, message);
        if (j->id == 0 || id != j->id || j->finished)
                return 0;

        j->result = strdup(result);
        j->subject = strdup(subject);
        j->message = strdup(message);
        if (!j->result || !j->subject || !j->message)
                return -ENOMEM;
        j->finished = true;
        return 0;
}

static int match_log_message(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *line;

        if (!j->path || !streq_ptr(sd_bus_message_get_path(m), j->path))
                return 0;
        if (sd_bus_message_read(m, "s", &line) < 0)
                return 0;
        log_debug("LogMessage %s: %s", j->path, line);
        progress_line(&j->progress, line);
        return 0;
}

static int match_properties_changed(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        Job *j = userdata;
        const char *interface;
        int r;

        if (!j->path || !streq_ptr(sd_bus_message_get_path(m), j->path))
                return 0;
        if (sd_bus_message_read(m, "s", &interface) < 0 || !streq(interface, JOB_INTERFACE))
                return 0;
        if (sd_bus_message_enter_container(m, 'a', "{sv}") < 0)
                return 0;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *name;
                double progress;

                if (sd_bus_message_read(m, "s", &name) < 0)
                        return 0;
                if (streq(name, "Progress") && sd_bus_message_read(m, "v", "d", &progress) >= 0) {
                        log_debug("Job %s progress %.3f", j->path, progress);
                        progress_status(&j->progress, j->description, progress);
                } else if (sd_bus_message_skip(m, "v") < 0)
                        return 0;
                if (sd_bus_message_exit_container(m) < 0)
                        return 0;
        }
        return 0;
}

int job_watch(Engine *e, FILE *log, Job **ret) {
        _cleanup_(job_freep) Job *j = NULL;
        int r;

        j = calloc(1, sizeof(Job));
        if (!j)
                return -ENOMEM;
        j->engine = e;
        progress_init(&j->progress, log, log && isatty(fileno(log)));

        r = sd_bus_match_signal(e->bus, &j->slot_removed, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                "JobRemoved", match_job_removed, j);
        if (r < 0)
                return r;
        /* the job's path is known only after the call: match every job, filter by path */
        r = sd_bus_match_signal(e->bus, &j->slot_log, ENGINE_SERVICE, NULL, JOB_INTERFACE,
                                "LogMessage", match_log_message, j);
        if (r < 0)
                return r;
        r = sd_bus_add_match(e->bus, &j->slot_props,
                             "type='signal',sender='" ENGINE_SERVICE "',"
                             "interface='org.freedesktop.DBus.Properties',member='PropertiesChanged',"
                             "arg0='" JOB_INTERFACE "'",
                             match_properties_changed, j);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(j);
        return 0;
}

int job_attach(Job *j, sd_bus_message *reply) {
        const char *path;
        int r;

        r = sd_bus_message_read(reply, "uo", &j->id, &path);
        if (r < 0)
                return r;
        j->path = strdup(path);
        if (!j->path)
                return -ENOMEM;
        log_debug("Following job %u at %s", j->id, j->path);

        if (j->progress.tty)
                (void) sd_bus_get_property_string(j->engine->bus, ENGINE_SERVICE, j->path, JOB_INTERFACE,
                                                  "Description", NULL, &j->description);
        return 0;
}

int job_wait(Job *j) {
        int r;

        r = engine_wait(j->engine, &j->finished);
        progress_status(&j->progress, NULL, -1);
        return r;
}

int job_finish(Job *j, const char *error_prefix, bool dot) {
        int r;

        r = job_wait(j);
        /* shown only when the job succeeded: a failure is one error line */
        if (r >= 0 && streq_ptr(j->result, "done"))
                progress_release(&j->progress);
        else
                progress_discard(&j->progress);

        if (r == -EINTR) {
                /* as docker does when its client goes away: the job stops too */
                (void) sd_bus_call_method(j->engine->bus, ENGINE_SERVICE, j->path, JOB_INTERFACE, "Cancel",
                                          NULL, NULL, NULL);
                return r;
        }
        if (r == -ECONNRESET) {
                fprintf(stderr, "%sError response from daemon: the wharf engine exited before the job ended%s\n",
                        strempty(error_prefix), dot ? "." : "");
                return r;
        }
        if (r < 0) {
                fprintf(stderr, "%sError: %s%s\n", strempty(error_prefix), strerror(-r), dot ? "." : "");
                return r;
        }
        if (!streq(j->result, "done")) {
                const char *message = !isempty(j->message) ? j->message :
                        streq(j->result, "canceled") ? "canceled" : "the job failed";
                size_t n = strlen(message);

                fprintf(stderr, "%sError response from daemon: %s%s\n", strempty(error_prefix), message,
                        dot && message[n - 1] != '.' ? "." : "");
                return -EIO;
        }
        return 0;
}

Job *job_free(Job *j) {
        if (!j)
                return NULL;
        sd_bus_slot_unref(j->slot_removed);
        sd_bus_slot_unref(j->slot_log);
        sd_bus_slot_unref(j->slot_props);
        progress_done(&j->progress);
        free(j->path);
        free(j->description);
        free(j->result);
        free(j->subject);
        free(j->message);
        free(j);
        return NULL;
}

static int match_container_exited(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        ContainerWatch *w = userdata;
        const char *id;
        int32_t code;

        if (sd_bus_message_read(m, "si", &id, &code) < 0)
                return 0;
        log_debug("ContainerExited %s %d", id, code);
        if (!streq_ptr(id, w->id) || w->exited)
                return 0;
        w->exit_code = code;
        w->exited = true;
        return 0;
}

int container_watch(Engine *e, const char *id, ContainerWatch **ret) {
        _cleanup_(container_watch_freep) ContainerWatch *w = NULL;
        int r;

        w = calloc(1, sizeof(ContainerWatch));
        if (!w)
                return -ENOMEM;
        w->engine = e;
        w->id = strdup(id);
        if (!w->id)
                return -ENOMEM;
        r = sd_bus_match_signal(e->bus, &w->slot, ENGINE_SERVICE, ENGINE_PATH, ENGINE_INTERFACE,
                                "ContainerExited", match_container_exited, w);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(w);
        return 0;
}

int container_wait(ContainerWatch *w) {
        return engine_wait(w->engine, &w->exited);
}

ContainerWatch *container_watch_free(ContainerWatch *w) {
        if (!w)
                return NULL;
        sd_bus_slot_unref(w->slot);
        free(w->id);
        free(w);
        return NULL;
}

int job_call(Engine *e, Job *j, sd_bus_message *m) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int r;

        r = engine_call_message(e, m, 0, &reply, NULL, false);
        if (r < 0)
                return r;
        r = job_attach(j, reply);
        if (r < 0) {
                fprintf(stderr, "Error: unexpected reply from the engine: %s\n", strerror(-r));
                return r;
        }
        return job_finish(j, NULL, false);
}

int job_exit_code(Engine *e, int r) {
        if (r == -EINTR)
                return 128 + e->signal;
        return r < 0 ? 1 : 0;
}

int engine_append_labels(sd_bus_message *m, char * const *labels) {
        int r = sd_bus_message_open_container(m, 'a', "{ss}");

        STRV_FOREACH(l, labels) {
                _cleanup_(freep) char *k = strndup(*l, strcspn(*l, "="));
                const char *v = strchr(*l, '=');

                if (r >= 0)
                        r = k ? sd_bus_message_append(m, "{ss}", k, v ? v + 1 : "") : -ENOMEM;
        }
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        return r;
}

int engine_list_json(Engine *e, const char *method, json_object **ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        const char *s;
        int r;

        r = engine_call(e, method, 0, &reply, NULL, false, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &s);
        if (r < 0)
                return r;
        *ret = json_tokener_parse(s);
        if (*ret && json_object_is_type(*ret, json_type_array))
                return 0;
        json_object_put(*ret);
        *ret = NULL;
        return -EBADMSG;
}
