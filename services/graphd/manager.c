/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "blob-store.h"
#include "daemon.h"
#include "fs-util.h"
#include "graphd-bus.h"
#include "ingest.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "store-sync.h"
#include "syncer.h"
#include "volume-bus.h"
#include "volume-store.h"

struct Remover {
        Manager *manager;
        Remover *next;
        char *path;
        pid_t pid;
        sd_event_source *source;
        GraphDoneFunc done;
        void *done_userdata;
};

static Remover *remover_free(Remover *r) {
        if (!r)
                return NULL;
        for (Remover **p = &r->manager->removers; *p; p = &(*p)->next)
                if (*p == r) {
                        *p = r->next;
                        break;
                }
        sd_event_source_disable_unref(r->source);
        free(r->path);
        free(r);
        return NULL;
}

static void remover_end(Remover *r) {
        GraphDoneFunc done = r->done;
        void *done_userdata = r->done_userdata;

        remover_free(r);
        if (done)
                done(done_userdata);
}

static int remover_on_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Remover *r = userdata;

        if (si->si_code != CLD_EXITED || si->si_status != 0)
                log_warning("Removing %s failed; it goes at the next start.", r->path);
        remover_end(r);
        return 0;
}

pid_t manager_fork_helper(void) {
        pid_t pid = fork();

        if (pid == 0) {
                sigset_t ss;

                sigemptyset(&ss);
                (void) sigprocmask(SIG_SETMASK, &ss, NULL);
                (void) prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
                (void) syscall(SYS_close_range, 3U, ~0U, 0U);
        }
        return pid;
}

static int remover_fork(sd_event_source *s, void *userdata) {
        Remover *r = userdata;
        pid_t pid;

        r->source = sd_event_source_disable_unref(r->source);
        pid = manager_fork_helper();
        if (pid < 0) {
                (void) rm_rf(r->path);
                remover_end(r);
                return 0;
        }
        if (pid == 0)
                _exit(rm_rf(r->path) < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        r->pid = pid;
        if (sd_event_add_child(r->manager->event, &r->source, pid, WEXITED, remover_on_exit, r) < 0) {
                (void) waitpid(pid, NULL, 0);
                remover_end(r);
        }
        return 0;
}

/* Trees moved into tmp/ are removed by a child: a big layer must not stall
 * the event loop. The child is forked once the call that discarded the
 * tree has its answer (a fork of graphd is ~1 ms on a slow machine: not on
 * a run's exit path). Its exiting early is harmless: tmp/ is emptied at
 * every start. */
static void manager_remove_tree(Graph *g, char *path, GraphDoneFunc done, void *done_userdata, void *userdata) {
        Manager *m = userdata;
        Remover *r;

        r = calloc(1, sizeof *r);
        if (!r) {
                (void) rm_rf(path);
                free(path);
                if (done)
                        done(done_userdata);
                return;
        }
        r->manager = m;
        r->path = path;
        r->done = done;
        r->done_userdata = done_userdata;
        r->next = m->removers;
        m->removers = r;
        if (sd_event_add_defer(m->event, &r->source, remover_fork, r) < 0)
                (void) remover_fork(NULL, r);
}

int manager_new(const char *root, const char *run, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        r = graph_open(root, run, &m->graph);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the store under %s: %m", root);
        /* before anything reads the store; removals run in-line here */
        r = store_sync_recover(m->graph);
        if (r < 0)
                return log_error_errno(r, "Failed to recover unsynced layers: %m");
        if (r > 0)
                log_warning("Dropped %d layer(s) that were not on disk when the machine went down.", r);

        m->graph->remove = manager_remove_tree;
        m->graph->remove_userdata = m;

        /* a crash between storing a blob and publishing its layer or image */
        r = blob_gc(m->graph);
        if (r < 0)
                log_warning_errno(r, "Failed to collect unreferenced blobs, ignoring: %m");
        else if (r > 0)
                log_info("Removed %d unreferenced blob(s).", r);

        r = daemon_event_new(&m->event);
        if (r < 0)
                return log_error_errno(r, "Failed to set up the event loop: %m");

        /* volumes half created or half removed when graphd last stopped; the
         * removers need the event loop */
        r = volume_store_cleanup(m->graph);
        if (r < 0)
                log_warning_errno(r, "Failed to clean up the volumes directory, ignoring: %m");
        else if (r > 0)
                log_info("Removing %d leftover volume work director%s.", r, r == 1 ? "y" : "ies");

        *ret = TAKE_PTR(m);
        return 0;
}

int manager_connect_bus(Manager *m) {
        int r;

        r = daemon_bus_open(m->event, &m->bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m");
        r = sd_bus_add_object_vtable(m->bus, NULL, GRAPH_OBJECT_PATH, GRAPH_INTERFACE, graph_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the object vtable: %m");
        r = daemon_bus_request_name(m->bus, GRAPH_BUS_NAME);
        if (r < 0)
                return log_error_errno(r, "Failed to acquire %s: %m", GRAPH_BUS_NAME);
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;

        while (m->ingests)
                ingest_free(m->ingests);
        syncer_finish(m);
        volume_populates_finish(m);
        /* let removals in flight finish: PID 1 might never reap them */
        while (m->removers) {
                /* one not forked yet leaves its tree in tmp/ for the next start */
                if (m->removers->pid > 0)
                        (void) waitpid(m->removers->pid, NULL, 0);
                remover_free(m->removers);
        }

        sd_bus_flush_close_unref(m->bus);
        sd_event_unref(m->event);
        graph_free(m->graph);
        free(m);
        return NULL;
}
