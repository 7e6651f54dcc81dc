/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "backend.h"
#include "container.h"
#include "daemon.h"
#include "fs-util.h"
#include "job.h"
#include "log.h"
#include "manager.h"
#include "volume.h"
#include "streams.h"
#include "pull.h"
#include "start.h"

int manager_new(const char *root, const char *run, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = calloc(1, sizeof *m);
        if (!m)
                return log_oom();
        m->job_next_id = 1;
        m->root = strdup(root);
        m->run = strdup(run);
        if (!m->root || !m->run || asprintf(&m->containers_dir, "%s/engine/containers", root) < 0)
                return log_oom();
        r = mkdir_p(m->containers_dir, 0700);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", m->containers_dir);
        r = engine_config_load(root, &m->config);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s/engine/config.json: %m", root);

        r = daemon_event_new(&m->event);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m");
        r = daemon_bus_open(m->event, &m->bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m");

        *ret = TAKE_PTR(m);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        while (m->jobs)
                job_free(m->jobs);
        while (m->pulls)
                pull_free(m->pulls);
        while (m->containers) {
                Container *c = m->containers;
                LIST_REMOVE(containers, m->containers, c);
                container_free(c);
        }
        sd_bus_flush_close_unref(m->bus);
        sd_event_unref(m->event);
        engine_config_done(&m->config);
        free(m->root);
        free(m->run);
        free(m->containers_dir);
        free(m);
        return NULL;
}

int manager_save_container(Manager *m, Container *c) {
        int r = container_save(c, m->containers_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to save container %s: %m", c->id);
        return 0;
}

void manager_drop_container(Manager *m, Container *c) {
        int r = container_remove_files(c, m->containers_dir);
        if (r < 0)
                log_warning_errno(r, "Failed to remove %s/%s: %m", m->containers_dir, c->id);
        LIST_REMOVE(containers, m->containers, c);
        /* docker's run --rm and rm -v take the anonymous volumes along */
        if (c->auto_remove || c->remove_volumes)
                volumes_drop_anonymous(m, c);
        container_answer_removals(c, NULL, NULL);
        container_free(c);
}

int manager_request_name(Manager *m) {
        int r = daemon_bus_request_name(m->bus, ENGINE_BUS_NAME);
        if (r < 0) {
                log_error_errno(r, "Failed to acquire %s: %m", ENGINE_BUS_NAME);
                (void) sd_event_exit(m->event, 1);
                return r;
        }
        log_info("Serving %s, state in %s.", ENGINE_BUS_NAME, m->root);
        return 0;
}

int manager_startup(Manager *m) {
        unsigned bad = 0;
        int r;

        container_sweep_trash(m->containers_dir);
        r = container_load_all(m->containers_dir, &m->containers, &bad);
        if (r < 0)
                return log_error_errno(r, "Failed to load containers from %s: %m", m->containers_dir);
        if (bad > 0)
                log_warning("Skipped %u unreadable container record(s) in %s.", bad, m->containers_dir);

        /* before any call that leads to them */
        r = backend_subscribe(m);
        if (r < 0)
                return r;
        r = streams_subscribe(m);
        if (r < 0)
                return r;

        r = sd_bus_add_object_vtable(m->bus, NULL, ENGINE_PATH, ENGINE_INTERFACE, engine_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the Engine1 object: %m");
        r = sd_bus_add_fallback_vtable(m->bus, NULL, JOB_PATH_PREFIX, JOB_INTERFACE, job_vtable, job_object_find, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the job objects: %m");
        r = sd_bus_add_node_enumerator(m->bus, NULL, JOB_PATH_PREFIX, job_node_enumerator, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the job enumerator: %m");

        r = containers_reconcile(m);
        if (r < 0)
                log_warning_errno(r, "Failed to check running containers with execd: %m");
        m->name_deferred = r > 0;
        return 0;
}
