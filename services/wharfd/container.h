/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The container store: one ROOT/engine/containers/<id>/container.json per
 * container, written atomically, reloaded at start-up. */

#include <stdint.h>
#include <systemd/sd-bus.h>

#include "container-config.h"
#include "id.h"
#include "list.h"
#include "macro.h"

typedef enum ContainerStatus {
        CONTAINER_CREATED,
        CONTAINER_RUNNING,
        CONTAINER_EXITED,
        _CONTAINER_STATUS_MAX,
        _CONTAINER_STATUS_INVALID = -EINVAL,
} ContainerStatus;

const char *container_status_to_string(ContainerStatus s);
ContainerStatus container_status_from_string(const char *s);

typedef struct Container Container;
typedef struct ContainerLife ContainerLife;

/* lifecycle.c: frees the runtime lifecycle state (timers, waiting calls) */
ContainerLife *container_life_free(ContainerLife *l);

struct Container {
        char id[ID_HEX_LEN + 1];
        char *name;          /* without docker's leading '/' */
        char *image;         /* as the client gave it */
        char *image_id;
        int64_t created;     /* unix seconds */
        int64_t created_ns;  /* the same in ns, for docker's order and Created (0: unknown) */
        ContainerConfig config;
        bool auto_remove;
        char *network_mode;
        HostConfig host;     /* stored in Config and HostConfig (host-config.h) */
        char *rootfs;        /* mounted rootfs while running (GraphDriver.Data.MergedDir) */

        ContainerStatus status;
        uint32_t pid;
        int exit_code;
        int64_t started_at, finished_at;

        /* lifecycle (lifecycle.c, restart.c): stored as docker names them */
        bool paused;             /* State.Paused */
        bool restarting;         /* State.Restarting: waiting for the policy's restart */
        bool oom_killed;         /* State.OOMKilled */
        bool manually_stopped;   /* HasBeenManuallyStopped: stop/kill, policy off */
        unsigned restart_count;  /* RestartCount */
        char *error;             /* State.Error */
        /* the record as loaded (a json_object): keys this struct does not
         * model are written back unchanged (other areas' options) */
        void *record;
        /* runtime only, owned by lifecycle.c */
        ContainerLife *life;

        /* runtime only */
        bool starting;           /* StartContainer in progress */
        bool exit_pending;       /* Exited arrived while starting */
        int pending_exit_code;
        bool cleaning;           /* exit/remove clean-up in progress */
        bool unseen;             /* reconciliation: not (yet) found running in execd */
        bool remove_on_exit;     /* forced removal waits for the exit */
        bool remove_after_start; /* rm -f arrived while starting: kill or drop once the start is over */
        bool remove_volumes;     /* rm -v: its anonymous volumes go with it */
        sd_bus_message **remove_requests; /* RemoveContainer calls to answer */
        size_t n_remove_requests;

        LIST_FIELDS(Container, containers);
};

Container *container_free(Container *c);

/* CLOCK_REALTIME in ns */
int64_t container_now_ns(void);
/* docker's order: newest first (created_ns, else created), then by id */
int container_compare_newest(const Container *a, const Container *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(Container *, container_free);

int container_to_json(const Container *c, char **ret);
/* The record as a json_object (new reference): what container_to_json writes. */
int container_to_record(const Container *c, void **ret);
int container_from_json(const char *json, Container **ret);

/* dir/<id>/container.json */
int container_save(const Container *c, const char *dir);
int container_load(const char *dir, const char *id, Container **ret);
/* Loads every container below dir; broken entries are skipped (reported
 * through *ret_n_bad). */
int container_load_all(const char *dir, Container **head, unsigned *ret_n_bad);
int container_remove_files(const Container *c, const char *dir);
void container_sweep_trash(const char *dir);

/* By full id, then name (with or without '/'), then unique id prefix.
 * -ESRCH when absent, -ENOTUNIQ when a prefix matches several. */
int container_find(Container *head, const char *ref, Container **ret);
Container *container_find_by_name(Container *head, const char *name);

/* Answers the RemoveContainer calls waiting on c; error_name NULL: success. */
void container_answer_removals(Container *c, const char *error_name, const char *message);
