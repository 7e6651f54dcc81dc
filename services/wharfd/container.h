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

struct Container {
        char id[ID_HEX_LEN + 1];
        char *name;          /* without docker's leading '/' */
        char *image;         /* as the client gave it */
        char *image_id;
        int64_t created;     /* unix seconds */
        ContainerConfig config;
        bool auto_remove;
        char *network_mode;
        HostConfig host;     /* stored in Config and HostConfig (host-config.h) */
        char *rootfs;        /* mounted rootfs while running (GraphDriver.Data.MergedDir) */

        ContainerStatus status;
        uint32_t pid;
        int exit_code;
        int64_t started_at, finished_at;

        /* runtime only */
        bool starting;           /* StartContainer in progress */
        bool exit_pending;       /* Exited arrived while starting */
        int pending_exit_code;
        bool cleaning;           /* exit/remove clean-up in progress */
        bool unseen;             /* reconciliation: not (yet) found running in execd */
        bool remove_on_exit;     /* forced removal waits for the exit */
        sd_bus_message **remove_requests; /* RemoveContainer calls to answer */
        size_t n_remove_requests;

        LIST_FIELDS(Container, containers);
};

Container *container_free(Container *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Container *, container_free);

int container_to_json(const Container *c, char **ret);
int container_from_json(const char *json, Container **ret);

/* dir/<id>/container.json */
int container_save(const Container *c, const char *dir);
int container_load(const char *dir, const char *id, Container **ret);
/* Loads every container below dir; broken entries are skipped (reported
 * through *ret_n_bad). */
int container_load_all(const char *dir, Container **head, unsigned *ret_n_bad);
int container_remove_files(const Container *c, const char *dir);

/* By full id, then name (with or without '/'), then unique id prefix.
 * -ESRCH when absent, -ENOTUNIQ when a prefix matches several. */
int container_find(Container *head, const char *ref, Container **ret);
Container *container_find_by_name(Container *head, const char *name);

/* Answers the RemoveContainer calls waiting on c; error_name NULL: success. */
void container_answer_removals(Container *c, const char *error_name, const char *message);
