/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>

#include "backend.h"
#include "bus-errors.h"
#include "container.h"
#include "lifecycle.h"
#include "log.h"
#include "spec-host.h"
#include "network.h"
#include "spec.h"
#include "start.h"
#include "volume.h"
#include "user.h"

#define RUN_TIMEOUT_USEC (120 * USEC_PER_SEC)

/* Clean-up: ReleaseRootfs, RemoveSandbox, Exec1.Delete, all sent at once
 * (they do not depend on each other); failures are collected, never stop
 * the others, and done runs once every reply is in. */

typedef struct Cleanup Cleanup;
typedef void (*CleanupDone)(Cleanup *c, const char *error, void *userdata);

struct Cleanup {
        Manager *manager;
        char id[ID_HEX_LEN + 1];
        bool remove_rootfs;
        bool sandbox_retried;
        unsigned n_pending;
        char *error;
        CleanupDone done;
        void *userdata;
};

static Container *container_by_id(Manager *m, const char *id);

static void cleanup_note_error(Cleanup *c, char *msg) {
        log_warning("Clean-up of container %s: %s", c->id, strempty(msg));
        if (!c->error)
                c->error = TAKE_PTR(msg);
        free(msg);
}

static void cleanup_step_done(Cleanup *c, Backend b, sd_bus_message *reply) {
        const sd_bus_error *e = reply ? sd_bus_message_get_error(reply) : NULL;

        if (e)
                cleanup_note_error(c, backend_error_message(b, e) ?: strdup("out of memory"));
        assert(c->n_pending > 0);
        if (--c->n_pending > 0)
                return;
        c->done(c, c->error, c->userdata);
        free(c->error);
        free(c);
}

static int on_cleanup_rootfs(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        cleanup_step_done(userdata, BACKEND_GRAPH, reply);
        return 0;
}

static int on_cleanup_sandbox(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error);

static int cleanup_send_remove_sandbox(Cleanup *c) {
        return backend_call(c->manager, BACKEND_NET, NULL, "RemoveSandbox", BACKEND_TIMEOUT_USEC,
                            on_cleanup_sandbox, c, "s", c->id);
}

static int on_cleanup_sandbox(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Cleanup *c = userdata;

        /* netd died with the call unanswered (crashed or killed meanwhile):
         * once more, which starts a new netd that finds the sandbox in its
         * records; otherwise the namespace and veth would stay behind */
        if (sd_bus_error_has_name(sd_bus_message_get_error(reply), SD_BUS_ERROR_NO_REPLY) && !c->sandbox_retried) {
                c->sandbox_retried = true;
                log_info("netd left during the clean-up of container %s: asking again.", c->id);
                if (cleanup_send_remove_sandbox(c) >= 0)
                        return 0;
        }
        cleanup_step_done(c, BACKEND_NET, reply);
        return 0;
}

static int on_cleanup_exec(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        cleanup_step_done(userdata, BACKEND_EXEC, reply);
        return 0;
}

static int cleanup_send_delete(Cleanup *c) {
        return backend_call(c->manager, BACKEND_EXEC, NULL, "Delete", BACKEND_TIMEOUT_USEC,
                            on_cleanup_exec, c, "s", c->id);
}

/* execd's account of the exit (OOM kill, when it ended) before its state
 * goes with Exec1.Delete; the exit itself is already stored */
static int on_cleanup_exit_state(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Cleanup *cl = userdata;
        Container *c = container_by_id(cl->manager, cl->id);
        const char *status;
        uint32_t pid;
        int32_t code;
        int oom;
        uint64_t started, finished;

        if (c && !sd_bus_message_is_method_error(reply, NULL) &&
            sd_bus_message_read(reply, "suibtt", &status, &pid, &code, &oom, &started, &finished) >= 0) {
                c->oom_killed = oom;
                /* an exit seen late (wharfd was away): when it really was */
                if (finished > 0)
                        c->finished_at = (int64_t) (finished / USEC_PER_SEC);
                if (!cl->remove_rootfs) /* kept, not removed at exit */
                        (void) manager_save_container(cl->manager, c);
        }
        if (cleanup_send_delete(cl) < 0) {
                log_warning("Failed to send a clean-up call for container %s", cl->id);
                cleanup_note_error(cl, strdup("failed to send a clean-up call"));
                cleanup_step_done(cl, BACKEND_EXEC, NULL);
        }
        return 0;
}

static void cleanup_start_full(Manager *m, const char *id, bool rootfs, bool remove_rootfs, bool sandbox, bool exec,
                               bool exit_state, CleanupDone done, void *userdata) {
        Cleanup *c = calloc(1, sizeof *c);
        int r;

        if (!c) {
                log_oom();
                done(NULL, "out of memory", userdata);
                return;
        }
        *c = (Cleanup) {
                .manager = m,
                .remove_rootfs = remove_rootfs,
                .done = done,
                .userdata = userdata,
        };
        snprintf(c->id, sizeof c->id, "%s", id);

        /* one extra reference while sending, so that no reply (they are
         * all asynchronous anyway) can finish the clean-up half-sent */
        c->n_pending = 1;
        if (rootfs) {
                r = backend_call(m, BACKEND_GRAPH, NULL, "ReleaseRootfs", BACKEND_LONG_TIMEOUT_USEC,
                                 on_cleanup_rootfs, c, "sb", c->id, (int) remove_rootfs);
                if (r >= 0)
                        c->n_pending++;
                else
                        cleanup_note_error(c, strdup("failed to send a clean-up call"));
        }
        if (sandbox) {
                r = cleanup_send_remove_sandbox(c);
                if (r >= 0)
                        c->n_pending++;
                else
                        cleanup_note_error(c, strdup("failed to send a clean-up call"));
        }
        if (exec) {
                if (exit_state)
                        r = backend_call(m, BACKEND_EXEC, NULL, "GetState", BACKEND_TIMEOUT_USEC,
                                         on_cleanup_exit_state, c, "s", c->id);
                if (!exit_state || r < 0)
                        r = cleanup_send_delete(c);
                if (r >= 0)
                        c->n_pending++;
                else
                        cleanup_note_error(c, strdup("failed to send a clean-up call"));
        }
        cleanup_step_done(c, _BACKEND_INVALID, NULL);
}

static void cleanup_start(Manager *m, const char *id, bool rootfs, bool remove_rootfs, bool sandbox, bool exec,
                          CleanupDone done, void *userdata) {
        cleanup_start_full(m, id, rootfs, remove_rootfs, sandbox, exec, false, done, userdata);
}

static Container *container_by_id(Manager *m, const char *id) {
        LIST_FOREACH(containers, c, m->containers)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

static int reply_no_such_container(sd_bus_error *error, const char *ref, int r) {
        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(error, WHARF_ERROR_AMBIGUOUS, "multiple IDs found with provided prefix: %s", ref);
        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", ref);
}

static int container_queue_removal(Container *c, sd_bus_message *message, bool volumes) {
        sd_bus_message **l = realloc(c->remove_requests, (c->n_remove_requests + 1) * sizeof(sd_bus_message *));

        if (!l)
                return -ENOMEM;
        c->remove_volumes = c->remove_volumes || volumes;
        c->remove_requests = l;
        c->remove_requests[c->n_remove_requests++] = sd_bus_message_ref(message);
        return 0;
}

/* Removal of a stopped container */

static void on_removed(Cleanup *cl, const char *error, void *userdata) {
        Manager *m = userdata;
        Container *c = container_by_id(m, cl ? cl->id : "");

        if (!c)
                return;
        c->cleaning = false;
        if (error) {
                container_answer_removals(c, WHARF_ERROR_BACKEND_FAILED, error);
                return;
        }
        log_info("Removed container %s (%s).", c->id, c->name);
        manager_drop_container(m, c);
}

static void container_remove_stopped(Manager *m, Container *c) {
        c->cleaning = true;
        /* a container never started has no rootfs; an exited one has its
         * writable layer left (unmounted) */
        cleanup_start(m, c->id, c->started_at != 0, true, false, false, on_removed, m);
}

/* Exit */

static void on_exit_cleaned(Cleanup *cl, const char *error, void *userdata) {
        Manager *m = userdata;
        Container *c = container_by_id(m, cl ? cl->id : "");
        char id[ID_HEX_LEN + 1];
        int code;

        if (!c)
                return;
        c->cleaning = false;
        snprintf(id, sizeof id, "%s", c->id);
        code = c->exit_code;

        /* stop calls are answered, a restart (policy or `restart`) planned */
        lifecycle_exit_recorded(m, c);

        if (c->auto_remove || c->remove_on_exit) {
                if (error) {
                        /* the record goes anyway: nothing runs, and the
                         * user asked for it gone; the log keeps the rest */
                        log_warning("Container %s removed with an incomplete clean-up: %s", c->id, error);
                }
                log_info("Removed container %s (%s).", c->id, c->name);
                manager_drop_container(m, c);
        } else if (c->n_remove_requests > 0)
                /* rm came in during the clean-up */
                container_remove_stopped(m, c);

        (void) sd_bus_emit_signal(m->bus, ENGINE_PATH, ENGINE_INTERFACE, "ContainerExited", "si", id, (int32_t) code);
}

void container_handle_exit(Manager *m, Container *c, int exit_code) {
        bool remove;

        if (c->cleaning)
                return;
        log_info("Container %s (%s) exited with code %d.", c->id, c->name, exit_code);
        c->status = CONTAINER_EXITED;
        c->exit_code = exit_code;
        c->pid = 0;
        c->paused = false;
        c->finished_at = (int64_t) time(NULL);
        remove = c->auto_remove || c->remove_on_exit;
        /* docker: "restarting" from the exit on, if the policy says so */
        lifecycle_exit_seen(m, c);
        if (!remove)
                (void) manager_save_container(m, c);

        c->cleaning = true;
        c->oom_killed = false;
        cleanup_start_full(m, c->id, true, remove, true, true, true, on_exit_cleaned, m);
}

void container_dispatch_exited(Manager *m, const char *id, int exit_code) {
        Container *c = container_by_id(m, id);

        if (!c) {
                log_debug("Exited for unknown container %s, ignoring.", id);
                return;
        }
        if (c->starting) {
                /* Run's reply is still on its way: finish the start first */
                c->exit_pending = true;
                c->pending_exit_code = exit_code;
                return;
        }
        if (c->status != CONTAINER_RUNNING) {
                log_debug("Exited for container %s which is not running, ignoring.", id);
                return;
        }
        container_handle_exit(m, c, exit_code);
}

/* Start */

typedef struct StartOp {
        Manager *manager;
        char id[ID_HEX_LEN + 1];
        sd_bus_message *request;  /* NULL: a start without a client */
        int fds[3];
        bool own_fds;             /* ours to close (no request) */
        StartDone done;
        void *userdata;
        char *rootfs;
        char *netns;
        bool rootfs_created, sandbox_created, run_called;
        unsigned n_pending;       /* CreateRootfs and CreateSandbox* run together */
        VolumeOp *volume_op;      /* the image's files into new volumes, then Run */
        bool volumes_filled;
        char *error_name;
        char *error_message;
} StartOp;

static StartOp *start_op_free(StartOp *s) {
        if (!s)
                return NULL;
        sd_bus_message_unref(s->request);
        if (s->own_fds)
                for (size_t i = 0; i < ELEMENTSOF(s->fds); i++)
                        safe_close(s->fds[i]);
        free(s->rootfs);
        free(s->netns);
        volume_op_free(s->volume_op);
        free(s->error_name);
        free(s->error_message);
        free(s);
        return NULL;
}

static void on_start_undone(Cleanup *cl, const char *error, void *userdata) {
        StartOp *s = userdata;
        Container *c = container_by_id(s->manager, s->id);

        if (c && (c->auto_remove || c->remove_after_start)) {
                /* docker removes an AutoRemove container that failed to start;
                 * a rm -f that came during the start is answered here too */
                log_info("Removed container %s (%s).", c->id, c->name);
                manager_drop_container(s->manager, c);
        }
        if (s->request)
                (void) sd_bus_reply_method_errorf(s->request, s->error_name, "%s", s->error_message);
        if (s->done)
                s->done(s->manager, s->id, s->error_name, s->error_message, s->userdata);
        start_op_free(s);
}

/* Undoes what was set up, then answers the client with the error; with a
 * backend call still out, once its reply is in (the first error wins). */
static void start_undo(StartOp *s) {
        Container *c = container_by_id(s->manager, s->id);

        if (c) {
                c->starting = false;
                c->exit_pending = false;
        }
        cleanup_start(s->manager, s->id, s->rootfs_created, c && (c->auto_remove || c->remove_after_start),
                      s->sandbox_created,
                      s->run_called, on_start_undone, s);
}

static void start_fail(StartOp *s, const char *error_name, const char *message) {
        if (!s->error_name) {
                log_warning("Failed to start container %s: %s", s->id, message);
                s->error_name = strdup(error_name);
                s->error_message = strdup(message);
                if (!s->error_name || !s->error_message) {
                        free(s->error_name);
                        free(s->error_message);
                        s->error_name = strdup(SD_BUS_ERROR_NO_MEMORY);
                        s->error_message = strdup("out of memory");
                }
        }
        if (s->n_pending == 0)
                start_undo(s);
}

static void start_fail_reply(StartOp *s, Backend b, const sd_bus_error *e) {
        _cleanup_(freep) char *msg = backend_error_message(b, e);
        bool keep = e->name && startswith(e->name, "org.wharf.Error.");

        start_fail(s, keep ? e->name : WHARF_ERROR_BACKEND_FAILED, msg ?: "out of memory");
}

static void start_fail_errno(StartOp *s, int r, const char *what) {
        _cleanup_(freep) char *msg = NULL;

        errno = -r;
        if (asprintf(&msg, "%s: %m", what) < 0)
                msg = NULL;
        start_fail(s, SD_BUS_ERROR_FAILED, msg ?: what);
}

static int container_kill_for_removal(Manager *m, Container *c);

static int on_run(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        StartOp *s = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Container *c = container_by_id(s->manager, s->id);
        uint32_t pid;
        int r;

        if (e) {
                /* execd answers a failed start once it has forgotten the
                 * container: nothing to Delete, unless no answer came */
                if (!sd_bus_error_has_names(e, SD_BUS_ERROR_NO_REPLY, SD_BUS_ERROR_TIMEOUT, SD_BUS_ERROR_DISCONNECTED,
                                            SD_BUS_ERROR_SERVICE_UNKNOWN, SD_BUS_ERROR_NAME_HAS_NO_OWNER))
                        s->run_called = false;
                start_fail_reply(s, BACKEND_EXEC, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "u", &pid);
        if (r < 0 || !c) {
                start_fail_errno(s, r < 0 ? r : -ESRCH, "execd failed: bad Run reply");
                return 0;
        }

        log_info("Started container %s (%s), pid %" PRIu32 ".", c->id, c->name, pid);
        c->starting = false;
        c->status = CONTAINER_RUNNING;
        c->pid = pid;
        c->exit_code = 0;
        c->started_at = (int64_t) time(NULL);
        c->finished_at = 0;
        (void) manager_save_container(s->manager, c);
        if (s->request)
                (void) sd_bus_reply_method_return(s->request, NULL);
        if (s->done)
                s->done(s->manager, s->id, NULL, NULL, s->userdata);

        if (c->remove_after_start) {
                c->remove_after_start = false;
                r = container_kill_for_removal(s->manager, c);
                if (r < 0) {
                        log_warning_errno(r, "Failed to kill container %s for its removal: %m", c->id);
                        container_answer_removals(c, WHARF_ERROR_BACKEND_FAILED, "cannot kill the container");
                }
        }
        if (c->exit_pending) {
                c->exit_pending = false;
                container_handle_exit(s->manager, c, c->pending_exit_code);
        }
        start_op_free(s);
        return 0;
}

/* Both the rootfs and the sandbox are there: the spec, then Exec1.Run. */
static void start_run(StartOp *s) {
        Container *c = container_by_id(s->manager, s->id);
        _cleanup_(user_info_done) UserInfo user = {};
        _cleanup_(freep) char *spec = NULL, *msg = NULL, *log_path = NULL;
        int r;

        if (!c) {
                start_fail_errno(s, -ESRCH, "failed to start");
                return;
        }
        r = user_resolve(s->rootfs, c->config.user, &user, &msg);
        if (r < 0) {
                if (msg)
                        start_fail(s, SD_BUS_ERROR_FAILED, msg);
                else
                        start_fail_errno(s, r, "failed to read the container's user database");
                return;
        }
        if (asprintf(&log_path, "%s/%s/%s-json.log", s->manager->containers_dir, c->id, c->id) < 0) {
                start_fail_errno(s, -ENOMEM, "failed to start");
                return;
        }
        r = spec_build(&(SpecInput) {
                        .id = c->id,
                        .config = &c->config,
                        .rootfs = s->rootfs,
                        .netns = s->netns,
                        .user = &user,
                        .host = &c->host,
                        .host_caps = host_caps_get(),
                        .log_path = log_path,
                        .init_path = c->host.init ? init_binary_path() : NULL,
                        .volumes = container_mount_points(c),
                }, &spec, &msg);
        if (r < 0) {
                if (msg)
                        start_fail(s, SD_BUS_ERROR_FAILED, msg);
                else
                        start_fail_errno(s, r, "failed to build the runtime spec");
                return;
        }
        r = network_spec_add_mounts(s->manager, c, &spec);
        if (r < 0) {
                start_fail_errno(s, r, "failed to add the network files to the runtime spec");
                return;
        }
        log_debug("Runtime spec of %s: %s", c->id, spec);

        s->run_called = true;
        r = backend_call(s->manager, BACKEND_EXEC, NULL, "Run", RUN_TIMEOUT_USEC, on_run, s, "sshhh",
                         s->id, spec, s->fds[0], s->fds[1], s->fds[2]);
        if (r < 0)
                start_fail_errno(s, r, "failed to call execd");
}

static void start_step_done(StartOp *s);

static void start_on_volumes_filled(int r, const char *message, void *userdata) {
        StartOp *s = userdata;

        s->volume_op = volume_op_free(s->volume_op);
        assert(s->n_pending > 0);
        s->n_pending--;
        if (r < 0) {
                start_fail(s, SD_BUS_ERROR_FAILED, message ?: "failed to fill the volumes");
                return;
        }
        s->volumes_filled = true;
        start_step_done(s);
}

/* One of CreateRootfs and CreateSandbox* is done: on with the start once
 * both are (the volumes filled from the rootfs first), or undo once both
 * are if either failed. */
static void start_step_done(StartOp *s) {
        Container *c;
        json_object *mount_points;
        int r;

        if (s->n_pending > 0)
                return;
        if (s->error_name) {
                start_undo(s);
                return;
        }
        c = container_by_id(s->manager, s->id);
        mount_points = c ? container_mount_points(c) : NULL;
        if (mount_points && !s->volumes_filled) {
                s->n_pending++;
                r = volumes_populate(s->manager, s->id, mount_points, start_on_volumes_filled, s, &s->volume_op);
                if (r < 0) {
                        s->n_pending--;
                        start_fail_errno(s, r, "failed to call graphd for the volumes");
                }
                return;
        }
        start_run(s);
}

static int on_sandbox(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        StartOp *s = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Container *c = container_by_id(s->manager, s->id);
        const char *netns;
        int r;

        assert(s->n_pending > 0);
        s->n_pending--;
        if (e) {
                start_fail_reply(s, BACKEND_NET, e);
                return 0;
        }
        s->sandbox_created = true;
        r = sd_bus_message_read(reply, "s", &netns);
        if (r >= 0 && !c)
                r = -ESRCH;
        if (r < 0) {
                start_fail_errno(s, r, "netd failed: bad CreateSandbox reply");
                return 0;
        }
        s->netns = strdup(netns);
        if (!s->netns) {
                start_fail_errno(s, -ENOMEM, "failed to start");
                return 0;
        }
        r = network_sandbox_finish(s->manager, c, reply);
        if (r < 0) {
                start_fail_errno(s, r, "failed to write the container's hosts, hostname and resolv.conf");
                return 0;
        }
        start_step_done(s);
        return 0;
}


static int on_rootfs(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        StartOp *s = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *path;
        Container *c;
        int r;

        assert(s->n_pending > 0);
        s->n_pending--;
        if (e) {
                start_fail_reply(s, BACKEND_GRAPH, e);
                return 0;
        }
        s->rootfs_created = true;
        r = sd_bus_message_read(reply, "s", &path);
        if (r < 0) {
                start_fail_errno(s, r, "graphd failed: bad CreateRootfs reply");
                return 0;
        }
        s->rootfs = strdup(path);
        c = container_by_id(s->manager, s->id);
        if (c && s->rootfs && !streq_ptr(c->rootfs, path)) {
                free(c->rootfs);
                c->rootfs = strdup(path);
        }
        if (!s->rootfs) {
                start_fail_errno(s, -ENOMEM, "failed to start");
                return 0;
        }
        start_step_done(s);
        return 0;
}

int method_start_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c = NULL;
        int fds[3], r;

        r = sd_bus_message_read(message, "shhh", &ref, &fds[0], &fds[1], &fds[2]);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_no_such_container(error, ref, r);
        if (c->starting || c->cleaning || c->n_remove_requests > 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED,
                                         "container %s is busy (starting, stopping or being removed)", c->id);
        if (c->status == CONTAINER_RUNNING)
                return sd_bus_reply_method_return(message, NULL); /* as docker: nothing to do */
        /* a start by hand ends a wait for the policy's restart */
        lifecycle_start_requested(m, c);

        r = container_start(m, c, message, fds, NULL, NULL);
        if (r < 0)
                return r;
        return 1;
}

int container_start(Manager *m, Container *c, sd_bus_message *request, const int fds[3],
                    StartDone done, void *userdata) {
        StartOp *s;
        int r;

        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        s->manager = m;
        snprintf(s->id, sizeof s->id, "%s", c->id);
        s->done = done;
        s->userdata = userdata;
        if (request) {
                /* the fds live as long as the request we keep */
                s->request = sd_bus_message_ref(request);
                memcpy(s->fds, fds, sizeof s->fds);
        } else {
                /* nobody to talk to: the container's log keeps its output */
                s->own_fds = true;
                s->fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
                s->fds[1] = open("/dev/null", O_WRONLY | O_CLOEXEC);
                s->fds[2] = fcntl(s->fds[1], F_DUPFD_CLOEXEC, 3);
                if (s->fds[0] < 0 || s->fds[1] < 0 || s->fds[2] < 0) {
                        r = -errno;
                        start_op_free(s);
                        return r;
                }
        }

        /* the rootfs and the sandbox do not depend on each other: both
         * calls go out now, Exec1.Run once both are answered */
        /* a --rm container's writable layer is thrown away: never synced */
        if (c->auto_remove)
                r = backend_call(m, BACKEND_GRAPH, NULL, "CreateRootfsWithOptions", BACKEND_LONG_TIMEOUT_USEC,
                                 on_rootfs, s, "sss", c->id, c->image_id, "{\"Volatile\":true}");
        else
                r = backend_call(m, BACKEND_GRAPH, NULL, "CreateRootfs", BACKEND_LONG_TIMEOUT_USEC, on_rootfs, s,
                                 "ss", c->id, c->image_id);
        if (r < 0) {
                start_op_free(s);
                return r;
        }
        s->n_pending = 1;
        c->starting = true;
        {
                _cleanup_(freep) char *msg = NULL;
                r = network_sandbox_create(m, c, on_sandbox, s, &msg);
                if (r >= 0)
                        s->n_pending++;
                else if (msg)
                        start_fail(s, WHARF_ERROR_NO_SUCH_CONTAINER, msg);
                else
                        start_fail_errno(s, r, "failed to call netd");
        }
        return 0;
}

/* Removal */

typedef struct KillOp {
        Manager *manager;
        char id[ID_HEX_LEN + 1];
} KillOp;

static int on_kill(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(freep) KillOp *k = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Container *c;

        if (!e)
                return 0; /* Exited follows, then the removal */
        c = container_by_id(k->manager, k->id);
        if (!c || !c->remove_on_exit || c->status != CONTAINER_RUNNING || c->cleaning)
                return 0;
        _cleanup_(freep) char *msg = backend_error_message(BACKEND_EXEC, e);
        c->remove_on_exit = false;
        container_answer_removals(c, WHARF_ERROR_BACKEND_FAILED, msg ?: "execd failed");
        return 0;
}

/* SIGKILL, then the removal follows the exit (on_exit_cleaned answers the
 * queued RemoveContainer calls). */
static int container_kill_for_removal(Manager *m, Container *c) {
        KillOp *k;
        int r;

        if (c->remove_on_exit)
                return 0; /* a kill is already on its way */
        k = calloc(1, sizeof *k);
        if (!k)
                return -ENOMEM;
        k->manager = m;
        snprintf(k->id, sizeof k->id, "%s", c->id);
        r = backend_call(m, BACKEND_EXEC, NULL, "Kill", BACKEND_TIMEOUT_USEC, on_kill, k, "si", c->id, (int32_t) SIGKILL);
        if (r < 0) {
                free(k);
                return r;
        }
        c->remove_on_exit = true;
        return 0;
}

static int remove_container(Manager *m, sd_bus_message *message, const char *ref, bool force, bool volumes,
                            sd_bus_error *error) {
        Container *c = NULL;
        int r;

        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_no_such_container(error, ref, r);
        if (c->starting) {
                if (!force)
                        return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_RUNNING,
                                                 "You cannot remove a running container %s. Stop the container "
                                                 "before attempting removal or force remove", c->id);
                /* answered once the start is over: killed and removed, or just removed */
                r = container_queue_removal(c, message, volumes);
                if (r < 0)
                        return r;
                c->remove_after_start = true;
                return 1;
        }
        r = lifecycle_check_remove(c, force, error);
        if (r < 0)
                return r;

        if (c->status == CONTAINER_RUNNING && !c->cleaning) {
                if (!force)
                        return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_RUNNING,
                                                 "You cannot remove a running container %s. Stop the container "
                                                 "before attempting removal or force remove", c->id);
                r = container_queue_removal(c, message, volumes);
                if (r < 0)
                        return r;
                r = container_kill_for_removal(m, c);
                if (r < 0) {
                        sd_bus_message_unref(c->remove_requests[--c->n_remove_requests]);
                        return r;
                }
                return 1;
        }

        r = container_queue_removal(c, message, volumes);
        if (r < 0)
                return r;
        /* during an exit's clean-up the removal follows it (on_exit_cleaned) */
        if (!c->cleaning)
                container_remove_stopped(m, c);
        return 1;
}

int method_remove_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref;
        int force, r;

        r = sd_bus_message_read(message, "sb", &ref, &force);
        if (r < 0)
                return r;
        return remove_container(userdata, message, ref, force, false, error);
}

int method_remove_container_with_options(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref;
        int force, volumes, r;

        r = sd_bus_message_read(message, "sbb", &ref, &force, &volumes);
        if (r < 0)
                return r;
        return remove_container(userdata, message, ref, force, volumes, error);
}
