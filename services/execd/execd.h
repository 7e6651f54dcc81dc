/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>
#include <sys/types.h>

#include "cgroup.h"
#include "macro.h"
#include "bus-errors.h"
#include "monitor-proto.h"
#include "spec.h"

#define EXEC1_PATH      "/org/wharf/Exec1"
#define EXEC1_INTERFACE "org.wharf.Exec1"

typedef struct Container Container;

typedef struct Manager {
        sd_event *event;
        sd_bus *bus;
        char *state_dir;        /* RUN/exec: one folder a container */
        char *monitor_path;     /* wharf-monitor beside our own binary */
        Container *containers;  /* few and short-lived: a list will do */
} Manager;

typedef enum ContainerState {
        CONTAINER_STARTING,     /* monitor spawned, Run not answered yet */
        CONTAINER_RUNNING,
        CONTAINER_STOPPED,
        _CONTAINER_STATE_MAX,
} ContainerState;

struct Container {
        Manager *manager;
        Container *next;

        char *id;
        char *dir;              /* RUN/exec/<id> */
        ContainerState state;
        int exit_code;

        pid_t monitor_pid;
        pid_t init_pid;
        int init_pidfd;         /* signals never hit a recycled pid */
        int monitor_pidfd;      /* only for monitors adopted at start-up */
        int sync_fd;

        sd_event_source *sync_source;
        sd_event_source *monitor_source;

        sd_bus_message *run_message; /* the pending Run call */
        MonitorMessage *start_failure; /* why the start failed: Run's answer once the monitor is gone */
        bool exit_unreported;   /* exited while execd was away: Exited still due */
};

const char *container_state_to_string(ContainerState s);
bool container_id_is_valid(const char *id);

Container *manager_get_container(Manager *m, const char *id);
int container_new(Manager *m, const char *id, Container **ret);
Container *container_free(Container *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Container *, container_free);

/* Spawns the monitor; replies to run_message later (STARTED or FAILED). */
int container_start(Container *c, const ExecSpec *spec, const char *spec_json,
                    int stdio[3], sd_bus_message *run_message);
int container_kill(Container *c, int sig);
/* Removes the state folder and frees c; -EBUSY while running. */
int container_remove(Container *c);

/* Rebuilds the table from RUN/exec at start-up. */
int manager_recover(Manager *m);
/* Emits Exited for containers that ended while execd was away. */
void manager_report_exits(Manager *m);

/* org.wharf.Error.* name for a monitor's FAILED message */
const char *monitor_error_name(const MonitorMessage *m);

/* The container's cgroup as its monitor recorded it (RUN/exec/ID/cgroup). */
int container_get_cgroup(Container *c, Cgroup *ret);
/* Times from the state files, µs since the epoch (0: never). */
void container_get_times(Container *c, uint64_t *ret_started, uint64_t *ret_finished);
bool container_oom_killed(Container *c);

/* container-control.c: requests on the monitor's control socket */
int container_control_call(Container *c, const MonitorRequest *req, const int *fds, size_t n_fds,
                           MonitorMessage *ret);
/* Replies to message (pid or error) later; emits ExecExited. */
int container_exec(Container *c, const ExecSpec *process, int stdio[3], sd_bus_message *message);

extern const sd_bus_vtable exec_vtable[];
