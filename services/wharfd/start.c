/* SPDX-License-Identifier: LGPL-2.1-or-later */
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
#include "user.h"

#define RUN_TIMEOUT_USEC (120 * USEC_PER_SEC)

/* Clean-up: ReleaseRootfs, RemoveSandbox, Exec1.Delete, one after the
 * other; failures are collected, never stop the chain. */

typedef enum CleanupStep {
        CLEANUP_ROOTFS,
        CLEANUP_SANDBOX,
        CLEANUP_EXEC,
        _CLEANUP_STEP_MAX,
} CleanupStep;

typedef struct Cleanup Cleanup;
typedef void (*CleanupDone)(Cleanup *c, const char *error, void *userdata);

struct Cleanup {
        Manager *manager;
        char id[ID_HEX_LEN + 1];
        bool steps[_CLEANUP_STEP_MAX];
        bool remove_rootfs;
        CleanupStep step;
        char *error;
        CleanupDone done;
        void *userdata;
};

static void cleanup_next(Cleanup *c);

static int on_cleanup_step(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        static const Backend backend[_CLEANUP_STEP_MAX] = { BACKEND_GRAPH, BACKEND_NET, BACKEND_EXEC };
        Cleanup *c = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e) {
                _cleanup_(freep) char *msg = backend_error_message(backend[c->step], e);
                log_warning("Clean-up of container %s: %s", c->id, strempty(msg));
                if (!c->error)
                        c->error = TAKE_PTR(msg);
        }
        c->step++;
        cleanup_next(c);
        return 0;
}

static void cleanup_next(Cleanup *c) {
        int r = 0;

        for (; c->step < _CLEANUP_STEP_MAX; c->step++) {
                if (!c->steps[c->step])
                        continue;
                switch (c->step) {
                case CLEANUP_ROOTFS:
                        r = backend_call(c->manager, BACKEND_GRAPH, NULL, "ReleaseRootfs", BACKEND_LONG_TIMEOUT_USEC,
                                         on_cleanup_step, c, "sb", c->id, (int) c->remove_rootfs);
                        break;
                case CLEANUP_SANDBOX:
                        r = backend_call(c->manager, BACKEND_NET, NULL, "RemoveSandbox", BACKEND_TIMEOUT_USEC,
                                         on_cleanup_step, c, "s", c->id);
                        break;
                case CLEANUP_EXEC:
                        r = backend_call(c->manager, BACKEND_EXEC, NULL, "Delete", BACKEND_TIMEOUT_USEC,
                                         on_cleanup_step, c, "s", c->id);
                        break;
                default:
                        break;
                }
                if (r >= 0)
                        return; /* on_cleanup_step goes on */
                log_warning_errno(r, "Failed to send a clean-up call for container %s: %m", c->id);
                if (!c->error)
                        c->error = strdup("failed to send a clean-up call");
        }

        c->done(c, c->error, c->userdata);
        free(c->error);
        free(c);
}

static void cleanup_start(Manager *m, const char *id, bool rootfs, bool remove_rootfs, bool sandbox, bool exec,
                          CleanupDone done, void *userdata) {
        Cleanup *c = calloc(1, sizeof *c);

        if (!c) {
                log_oom();
                done(NULL, "out of memory", userdata);
                return;
        }
        *c = (Cleanup) {
                .manager = m,
                .steps = { [CLEANUP_ROOTFS] = rootfs, [CLEANUP_SANDBOX] = sandbox, [CLEANUP_EXEC] = exec },
                .remove_rootfs = remove_rootfs,
                .done = done,
                .userdata = userdata,
        };
        snprintf(c->id, sizeof c->id, "%s", id);
        cleanup_next(c);
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

static int container_queue_removal(Container *c, sd_bus_message *message) {
        sd_bus_message **l = realloc(c->remove_requests, (c->n_remove_requests + 1) * sizeof(sd_bus_message *));

        if (!l)
                return -ENOMEM;
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

/* execd's account of the exit (OOM kill, when it ended) before its state
 * goes with Exec1.Delete; the exit itself is already stored */
typedef struct ExitState {
        Manager *manager;
        char id[ID_HEX_LEN + 1];
        bool remove;
} ExitState;

static int on_exit_state(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(freep) ExitState *x = userdata;
        Container *c = container_by_id(x->manager, x->id);
        const char *status;
        uint32_t pid;
        int32_t code;
        int oom;
        uint64_t started, finished;

        if (!c)
                return 0;
        if (!sd_bus_message_is_method_error(reply, NULL) &&
            sd_bus_message_read(reply, "suibtt", &status, &pid, &code, &oom, &started, &finished) >= 0) {
                c->oom_killed = oom;
                /* an exit seen late (wharfd was away): when it really was */
                if (finished > 0)
                        c->finished_at = (int64_t) (finished / USEC_PER_SEC);
                if (!x->remove)
                        (void) manager_save_container(x->manager, c);
        }
        cleanup_start(x->manager, c->id, true, x->remove, true, true, on_exit_cleaned, x->manager);
        return 0;
}

void container_handle_exit(Manager *m, Container *c, int exit_code) {
        ExitState *x;
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
        if (!remove)
                (void) manager_save_container(m, c);

        c->cleaning = true;
        c->oom_killed = false;
        x = calloc(1, sizeof *x);
        if (x) {
                *x = (ExitState) { .manager = m, .remove = remove };
                snprintf(x->id, sizeof x->id, "%s", c->id);
                if (backend_call(m, BACKEND_EXEC, NULL, "GetState", BACKEND_TIMEOUT_USEC, on_exit_state, x,
                                 "s", c->id) >= 0)
                        return;
                free(x);
        }
        cleanup_start(m, c->id, true, remove, true, true, on_exit_cleaned, m);
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
        free(s->error_name);
        free(s->error_message);
        free(s);
        return NULL;
}

static void on_start_undone(Cleanup *cl, const char *error, void *userdata) {
        StartOp *s = userdata;
        Container *c = container_by_id(s->manager, s->id);

        if (c && c->auto_remove) {
                /* docker removes an AutoRemove container that failed to start */
                log_info("Removed container %s (%s).", c->id, c->name);
                manager_drop_container(s->manager, c);
        }
        if (s->request)
                (void) sd_bus_reply_method_errorf(s->request, s->error_name, "%s", s->error_message);
        if (s->done)
                s->done(s->manager, s->id, s->error_name, s->error_message, s->userdata);
        start_op_free(s);
}

/* Undoes what was set up, then answers the client with the error. */
static void start_fail(StartOp *s, const char *error_name, const char *message) {
        Container *c = container_by_id(s->manager, s->id);

        log_warning("Failed to start container %s: %s", s->id, message);
        s->error_name = strdup(error_name);
        s->error_message = strdup(message);
        if (!s->error_name || !s->error_message) {
                free(s->error_name);
                free(s->error_message);
                s->error_name = strdup(SD_BUS_ERROR_NO_MEMORY);
                s->error_message = strdup("out of memory");
        }
        if (c) {
                c->starting = false;
                c->exit_pending = false;
        }
        cleanup_start(s->manager, s->id, s->rootfs_created, c && c->auto_remove, s->sandbox_created,
                      s->run_called, on_start_undone, s);
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

static int on_run(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        StartOp *s = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Container *c = container_by_id(s->manager, s->id);
        uint32_t pid;
        int r;

        if (e) {
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

        if (c->exit_pending) {
                c->exit_pending = false;
                container_handle_exit(s->manager, c, c->pending_exit_code);
        }
        start_op_free(s);
        return 0;
}

static int on_sandbox(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        StartOp *s = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        Container *c = container_by_id(s->manager, s->id);
        _cleanup_(user_info_done) UserInfo user = {};
        _cleanup_(freep) char *spec = NULL, *msg = NULL, *log_path = NULL;
        const char *netns;
        int r;

        if (e) {
                start_fail_reply(s, BACKEND_NET, e);
                return 0;
        }
        s->sandbox_created = true;
        r = sd_bus_message_read(reply, "s", &netns);
        if (r < 0 || !c) {
                start_fail_errno(s, r < 0 ? r : -ESRCH, "netd failed: bad CreateSandbox reply");
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

        r = user_resolve(s->rootfs, c->config.user, &user, &msg);
        if (r < 0) {
                if (msg)
                        start_fail(s, SD_BUS_ERROR_FAILED, msg);
                else
                        start_fail_errno(s, r, "failed to read the container's user database");
                return 0;
        }
        if (asprintf(&log_path, "%s/%s/%s-json.log", s->manager->containers_dir, c->id, c->id) < 0) {
                start_fail_errno(s, -ENOMEM, "failed to start");
                return 0;
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
                }, &spec, &msg);
        if (r < 0) {
                if (msg)
                        start_fail(s, SD_BUS_ERROR_FAILED, msg);
                else
                        start_fail_errno(s, r, "failed to build the runtime spec");
                return 0;
        }
        r = network_spec_add_mounts(s->manager, c, &spec);
        if (r < 0) {
                start_fail_errno(s, r, "failed to add the network files to the runtime spec");
                return 0;
        }
        log_debug("Runtime spec of %s: %s", c->id, spec);

        s->run_called = true;
        r = backend_call(s->manager, BACKEND_EXEC, NULL, "Run", RUN_TIMEOUT_USEC, on_run, s, "sshhh",
                         s->id, spec, s->fds[0], s->fds[1], s->fds[2]);
        if (r < 0)
                start_fail_errno(s, r, "failed to call execd");
        return 0;
}

static int on_rootfs(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        StartOp *s = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *path;
        Container *c;
        int r;

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
        {
                _cleanup_(freep) char *msg = NULL;
                Container *c = container_by_id(s->manager, s->id);
                r = c ? network_sandbox_create(s->manager, c, on_sandbox, s, &msg) : -ESRCH;
                if (r < 0 && msg)
                        start_fail(s, WHARF_ERROR_NO_SUCH_CONTAINER, msg);
                else if (r < 0)
                        start_fail_errno(s, r, "failed to call netd");
        }
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

        r = backend_call(m, BACKEND_GRAPH, NULL, "CreateRootfs", BACKEND_LONG_TIMEOUT_USEC, on_rootfs, s,
                         "ss", c->id, c->image_id);
        if (r < 0) {
                start_op_free(s);
                return r;
        }
        c->starting = true;
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

int method_remove_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c = NULL;
        KillOp *k;
        int force, r;

        r = sd_bus_message_read(message, "sb", &ref, &force);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_no_such_container(error, ref, r);
        if (c->starting)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "container %s is starting, try again", c->id);
        r = lifecycle_check_remove(c, force, error);
        if (r < 0)
                return r;

        if (c->status == CONTAINER_RUNNING && !c->cleaning) {
                if (!force)
                        return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_RUNNING,
                                                 "You cannot remove a running container %s. Stop the container "
                                                 "before attempting removal or force remove", c->id);
                r = container_queue_removal(c, message);
                if (r < 0)
                        return r;
                if (c->remove_on_exit)
                        return 1; /* a kill is already on its way */
                k = calloc(1, sizeof *k);
                if (!k)
                        return -ENOMEM;
                k->manager = m;
                snprintf(k->id, sizeof k->id, "%s", c->id);
                r = backend_call(m, BACKEND_EXEC, NULL, "Kill", BACKEND_TIMEOUT_USEC, on_kill, k, "si", c->id, (int32_t) SIGKILL);
                if (r < 0) {
                        free(k);
                        sd_bus_message_unref(c->remove_requests[--c->n_remove_requests]);
                        return r;
                }
                c->remove_on_exit = true;
                return 1;
        }

        r = container_queue_removal(c, message);
        if (r < 0)
                return r;
        /* during an exit's clean-up the removal follows it (on_exit_cleaned) */
        if (!c->cleaning)
                container_remove_stopped(m, c);
        return 1;
}
