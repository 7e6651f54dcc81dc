/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/wait.h>

#include "log.h"
#include "macro.h"
#include "store-sync.h"
#include "syncer.h"

/* A sync competes with the unpacks for the disk: wait for a quiet moment,
 * but not for ever. */
#define SYNC_IDLE_USEC (300U * 1000U)
#define SYNC_DELAY_MAX_USEC (5U * 1000U * 1000U)

static int syncer_arm(Manager *m);

static void syncer_done(Manager *m, bool ok) {
        m->sync_child = sd_event_source_disable_unref(m->sync_child);
        m->sync_pid = 0;
        if (ok)
                store_sync_clear(m->graph, m->sync_running);
        else
                log_warning("Syncing the store failed; its markers stay until the next start.");
        strv_free(m->sync_running);
        m->sync_running = NULL;
        if (m->sync_pending)
                (void) syncer_arm(m);
}

static int syncer_on_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Manager *m = userdata;

        syncer_done(m, si->si_code == CLD_EXITED && si->si_status == 0);
        return 0;
}

static bool exited_ok(int status) {
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int syncer_start(Manager *m) {
        pid_t pid;
        int r, status = 0;

        pid = manager_fork_helper();
        if (pid < 0)
                return log_warning_errno(-errno, "Failed to fork the syncer: %m");
        if (pid == 0)
                _exit(store_sync_now(m->graph) < 0 ? EXIT_FAILURE : EXIT_SUCCESS);
        m->sync_pid = pid;
        m->sync_running = TAKE_PTR(m->sync_pending);
        r = sd_event_add_child(m->event, &m->sync_child, pid, WEXITED, syncer_on_exit, m);
        if (r < 0)
                /* no watch: wait for it here, the sync's cost on the loop once */
                syncer_done(m, waitpid(pid, &status, 0) == pid && exited_ok(status));
        return 0;
}

static int syncer_on_timer(sd_event_source *s, uint64_t usec, void *userdata) {
        Manager *m = userdata;
        uint64_t now;

        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &now);
        if (m->n_running > 0 && now < m->sync_first + SYNC_DELAY_MAX_USEC &&
            sd_event_source_set_time_relative(s, SYNC_IDLE_USEC) >= 0 &&
            sd_event_source_set_enabled(s, SD_EVENT_ONESHOT) >= 0)
                return 0;
        /* quiet, waited long enough, or the timer cannot be re-armed: now */
        m->sync_timer = sd_event_source_disable_unref(m->sync_timer);
        return syncer_start(m);
}

static int syncer_arm(Manager *m) {
        int r;

        if (m->sync_timer || m->sync_pid > 0)
                return 0;
        (void) sd_event_now(m->event, CLOCK_MONOTONIC, &m->sync_first);
        r = sd_event_add_time_relative(m->event, &m->sync_timer, CLOCK_MONOTONIC, SYNC_IDLE_USEC, 0,
                                       syncer_on_timer, m);
        if (r < 0)
                return log_warning_errno(r, "Failed to schedule a sync: %m");
        return 0;
}

int syncer_add(Manager *m, char *marker) {
        int r;

        r = strv_extend(&m->sync_pending, marker);
        free(marker);
        if (r < 0)
                return r;
        return syncer_arm(m);
}

void syncer_finish(Manager *m) {
        m->sync_timer = sd_event_source_disable_unref(m->sync_timer);
        if (m->sync_pid > 0) {
                int status = 0;

                if (waitpid(m->sync_pid, &status, 0) == m->sync_pid && exited_ok(status))
                        store_sync_clear(m->graph, m->sync_running);
                m->sync_child = sd_event_source_disable_unref(m->sync_child);
                m->sync_pid = 0;
        }
        /* pending markers stay: the next start of this boot syncs them */
        strv_free(m->sync_running);
        strv_free(m->sync_pending);
        m->sync_running = m->sync_pending = NULL;
}
