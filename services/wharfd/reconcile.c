/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Containers outlive the daemons: when wharfd starts (or execd comes back),
 * execd's list says which recorded containers still run and which exited
 * meanwhile (their exit code kept by the monitor); then the restart
 * policies bring back what must run. */
#include <json-c/json.h>
#include <time.h>

#include "backend.h"
#include "container.h"
#include "life.h"
#include "lifecycle.h"
#include "log.h"
#include "restart.h"
#include "start.h"

#define RECONCILE_RETRY_USEC   (2 * USEC_PER_SEC)
#define RECONCILE_RETRIES      5
#define EXECD_RETURN_DELAY_USEC (500 * USEC_PER_MSEC)
/* below dbus-daemon's activation timeout: wharfd serves after this at worst */
#define RECONCILE_BOOT_TIMEOUT_USEC (8 * USEC_PER_SEC)

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

typedef struct Reconcile {
        Manager *manager;
        bool boot;          /* wharfd's start: also the restart policies */
        unsigned attempt;
} Reconcile;

static int reconcile_send(Reconcile *rc);

static Container *container_by_id(Manager *m, const char *id) {
        LIST_FOREACH(containers, c, m->containers)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

static bool container_busy(const Container *c) {
        return c->starting || c->cleaning || c->remove_on_exit || c->n_remove_requests > 0;
}

/* docker's restore: what the restart policy wants running comes back */
static void reconcile_boot_policies(Manager *m) {
        LIST_FOREACH(containers, c, m->containers) {
                _cleanup_(json_object_putp) json_object *record = NULL;
                RestartPolicy policy;

                if (c->status == CONTAINER_RUNNING || container_busy(c) || c->auto_remove)
                        continue;
                if (c->life && c->life->restart_timer)
                        continue;
                if (container_to_record(c, (void **) &record) < 0) {
                        log_oom();
                        return;
                }
                restart_policy_from_record(record, &policy);
                /* a restart that was waiting when wharfd went away, or what
                 * the policy wants back at start-up */
                if (!c->restarting &&
                    !restart_on_boot(&policy, c->exit_code, c->manually_stopped, c->restart_count, c->started_at == 0))
                        continue;
                log_info("Container %s (%s) comes back per its restart policy (%s).", c->id, c->name,
                         restart_policy_name_to_string(policy.name));
                if (lifecycle_schedule_restart(m, c, 0) < 0)
                        log_warning("Failed to schedule the restart of container %s.", c->id);
        }
}

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Reconcile *rc = userdata;

        /* floating one-shot sources: the loop keeps (and frees) them */
        if (reconcile_send(rc) < 0) {
                log_warning("Could not ask execd for its containers.");
                free(rc);
        }
        return 0;
}

static int on_exec_list(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Reconcile *rc = userdata;
        Manager *m = rc->manager;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *id, *state;
        uint32_t pid;
        int32_t code;
        int r;

        if (m->name_deferred) {
                /* serve now, whatever execd said */
                m->name_deferred = false;
                if (manager_request_name(m) < 0) {
                        free(rc);
                        return 0;
                }
        }
        if (e) {
                if (++rc->attempt < RECONCILE_RETRIES &&
                    sd_event_add_time_relative(m->event, NULL, CLOCK_MONOTONIC, RECONCILE_RETRY_USEC, 0, on_retry, rc) >= 0) {
                        log_debug("execd's list failed (%s), trying again.", e->message ?: e->name);
                        return 0;
                }
                log_warning("Could not list execd's containers, states may be stale: %s", e->message ?: e->name);
                free(rc);
                return 0;
        }

        /* running containers execd does not know are gone: they exited unseen */
        LIST_FOREACH(containers, c, m->containers)
                c->unseen = c->status == CONTAINER_RUNNING && !container_busy(c);

        r = sd_bus_message_enter_container(reply, 'a', "(susi)");
        while (r >= 0 && (r = sd_bus_message_read(reply, "(susi)", &id, &pid, &state, &code)) > 0) {
                Container *c = container_by_id(m, id);

                if (!c)
                        continue;
                if (c->status != CONTAINER_RUNNING || container_busy(c)) {
                        /* an exit whose clean-up wharfd did not finish */
                        if (streq(state, "stopped") && !container_busy(c))
                                (void) backend_call_ignore(m, BACKEND_EXEC, "Delete", "s", c->id);
                        continue;
                }
                c->unseen = false;
                if (streq(state, "stopped")) {
                        log_info("Container %s (%s) exited with %d while wharfd was away.", c->id, c->name, code);
                        container_handle_exit(m, c, code);
                        continue;
                }
                if (pid > 0 && c->pid != pid) {
                        c->pid = pid;
                        (void) manager_save_container(m, c);
                }
        }
        if (r < 0)
                log_warning_errno(r, "Malformed List reply from execd: %m");

        LIST_FOREACH_SAFE(containers, c, n, m->containers)
                if (c->unseen) {
                        c->unseen = false;
                        /* as docker does for a container lost with its runtime */
                        log_warning("Container %s (%s) is unknown to execd: recorded as exited.", c->id, c->name);
                        container_handle_exit(m, c, 255);
                }

        if (rc->boot)
                reconcile_boot_policies(m);
        free(rc);
        return 0;
}

static int reconcile_send(Reconcile *rc) {
        return backend_call(rc->manager, BACKEND_EXEC, NULL, "List",
                            rc->manager->name_deferred ? RECONCILE_BOOT_TIMEOUT_USEC : BACKEND_TIMEOUT_USEC,
                            on_exec_list, rc, NULL);
}

static int reconcile_start(Manager *m, bool boot) {
        Reconcile *rc;
        int r;

        rc = calloc(1, sizeof *rc);
        if (!rc)
                return -ENOMEM;
        *rc = (Reconcile) { .manager = m, .boot = boot };
        r = reconcile_send(rc);
        if (r < 0)
                free(rc);
        return r;
}

int containers_reconcile(Manager *m) {
        bool any = false;
        int r;

        /* nothing recorded: no need to activate execd */
        LIST_FOREACH(containers, c, m->containers)
                if (c->status == CONTAINER_RUNNING || c->restarting || c->started_at != 0)
                        any = true;
        if (!any)
                return 0;
        r = reconcile_start(m, true);
        return r < 0 ? r : 1;
}

static int on_execd_gone(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        bool any = false;
        int r;

        LIST_FOREACH(containers, c, m->containers)
                if (c->status == CONTAINER_RUNNING)
                        any = true;
        if (!any)
                return 0;
        r = reconcile_start(m, false);
        if (r < 0)
                log_warning_errno(r, "Failed to check the containers with execd: %m");
        return 0;
}

void containers_backend_vanished(Manager *m, int backend) {
        int r;

        if (backend != BACKEND_EXEC)
                return;
        /* Exited signals of the meantime are lost with execd: once it is
         * back (the List activates it), its list tells */
        r = sd_event_add_time_relative(m->event, NULL, CLOCK_MONOTONIC, EXECD_RETURN_DELAY_USEC, 0, on_execd_gone, m);
        if (r < 0)
                log_warning_errno(r, "Failed to schedule a check of the containers: %m");
}
