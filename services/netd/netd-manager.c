/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <sys/wait.h>

#include "bus-errors.h"
#include "daemon.h"
#include "fs-util.h"
#include "log.h"
#include "netd-manager.h"
#include "netd-network.h"
#include "netns.h"

int manager_new(const char *root, const char *run, Manager **ret) {
        _cleanup_(manager_freep) Manager *m = NULL;
        int r;

        m = calloc(1, sizeof *m);
        if (!m)
                return -ENOMEM;
        m->run_dir = path_join(run, "net");
        m->netns_dir = path_join(run, "net/netns");
        m->root_dir = strdup(root);
        if (!m->run_dir || !m->netns_dir || !m->root_dir)
                return -ENOMEM;

        r = daemon_event_new(&m->event);
        if (r < 0)
                return r;

        *ret = TAKE_PTR(m);
        return 0;
}

static void creation_unlink(Creation *c) {
        Manager *m = c->manager;

        if (c->prev)
                c->prev->next = c->next;
        else if (m->creations == c)
                m->creations = c->next;
        if (c->next)
                c->next->prev = c->prev;
        c->prev = c->next = NULL;
}

static Creation *creation_free(Creation *c) {
        if (!c)
                return NULL;
        creation_unlink(c);
        sd_event_source_disable_unref(c->child_source);
        safe_close(c->errfd);
        sd_bus_message_unref(c->request);
        for (size_t i = 0; i < c->n_removals; i++)
                sd_bus_message_unref(c->removals[i]);
        free(c->removals);
        free(c->veths);
        free(c->join);
        free(c->mode_string);
        if (c->rec) {
                /* never committed: undo what was reserved for it */
                Manager *m = c->manager;
                for (SandboxRec **p = &m->sandboxes; *p; p = &(*p)->next)
                        if (*p == c->rec) {
                                *p = c->rec->next;
                                break;
                        }
                manager_sandbox_release(m, c->rec);
                sandbox_rec_free(c->rec);
        }
        free(c->id);
        free(c);
        return NULL;
}

static void creation_complete_attach(Creation *c, int code, int status) {
        Manager *m = c->manager;
        _cleanup_(freep) char *message = NULL, *settings = NULL;
        int r;

        r = sandbox_attach_finish(code, status, c->errfd, &message);
        if (r >= 0) {
                _cleanup_(freep) char *e = NULL;
                r = manager_nft_sync(m, &e);
                if (r < 0)
                        log_warning("Failed to update nftables: %s", e ?: strerror(-r));
                r = manager_sandbox_settings(m, c->id, &settings);
        }
        if (r >= 0) {
                log_info("Connected sandbox %s to another network.", c->id);
                r = sd_bus_reply_method_return(c->request, "s", settings);
        } else {
                manager_sandbox_connect_undo(m, c);
                r = sd_bus_reply_method_errorf(c->request, WHARF_ERROR_BACKEND_FAILED,
                                               "Failed to connect %s: %s", c->id, message ?: strerror(-r));
        }
        if (r < 0)
                log_warning_errno(r, "Failed to reply to ConnectSandbox(%s): %m", c->id);
        for (size_t i = 0; i < c->n_removals; i++) {
                (void) manager_remove_sandbox_network(m, c->id);
                r = sandbox_remove(m->netns_dir, c->id);
                (void) (r < 0 ? sd_bus_reply_method_errorf(c->removals[i], WHARF_ERROR_BACKEND_FAILED,
                                                            "Failed to remove the network sandbox of %s: %s",
                                                            c->id, strerror(-r))
                              : sd_bus_reply_method_return(c->removals[i], NULL));
        }
}

/* The helper has exited (si from waitid): answer the create, then any
 * removals that waited for it. */
static void creation_complete(Creation *c, int code, int status) {
        Manager *m = c->manager;
        _cleanup_(freep) char *path = NULL, *message = NULL;
        int r;

        if (c->attach) {
                creation_complete_attach(c, code, status);
                return;
        }
        r = sandbox_create_finish(m->netns_dir, c->id, code, status, c->errfd, &message);
        if (r >= 0)
                r = sandbox_path(m->netns_dir, c->id, &path);
        if (r >= 0 && c->rec) {
                r = manager_sandbox_commit(m, c, &message);
                if (r < 0)
                        (void) sandbox_remove(m->netns_dir, c->id);
        }
        if (r >= 0 && c->with_settings) {
                _cleanup_(freep) char *settings = NULL;
                c->rec = NULL;  /* committed: the record stays */
                log_info("Created sandbox %s (%s).", c->id, strempty(c->mode_string));
                r = manager_sandbox_settings(m, c->id, &settings);
                if (r >= 0)
                        r = sd_bus_reply_method_return(c->request, "ss", path, settings);
                else
                        r = sd_bus_reply_method_errorf(c->request, WHARF_ERROR_BACKEND_FAILED,
                                                       "Failed to describe the sandbox of %s", c->id);
        } else if (r >= 0) {
                c->rec = NULL;
                log_info("Created sandbox %s (%s).", c->id, net_mode_to_string(c->mode));
                r = sd_bus_reply_method_return(c->request, "s", path);
        } else {
                log_error_errno(r, "Failed to create sandbox %s: %s", c->id,
                                message ?: strerror(-r));
                r = sd_bus_reply_method_errorf(c->request, WHARF_ERROR_BACKEND_FAILED,
                                               "Failed to create the network sandbox of %s: %s",
                                               c->id, message ?: strerror(-r));
        }
        if (r < 0)
                log_warning_errno(r, "Failed to reply to CreateSandbox(%s): %m", c->id);

        for (size_t i = 0; i < c->n_removals; i++) {
                (void) manager_remove_sandbox_network(m, c->id);
                r = sandbox_remove(m->netns_dir, c->id);
                if (r < 0)
                        r = sd_bus_reply_method_errorf(c->removals[i], WHARF_ERROR_BACKEND_FAILED,
                                                       "Failed to remove the network sandbox of %s: %s",
                                                       c->id, strerror(-r));
                else
                        r = sd_bus_reply_method_return(c->removals[i], NULL);
                if (r < 0)
                        log_warning_errno(r, "Failed to reply to RemoveSandbox(%s): %m", c->id);
        }
}

static int on_creation_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Creation *c = userdata;

        creation_complete(c, si->si_code, si->si_status);
        creation_free(c);
        return 0;
}

Creation *manager_find_creation(Manager *m, const char *id) {
        for (Creation *c = m->creations; c; c = c->next)
                if (streq(c->id, id))
                        return c;
        return NULL;
}

int manager_start_creation(Manager *m, const char *id, NetMode mode, sd_bus_message *request) {
        return manager_start_creation_full(m, id, mode, NULL, NULL, NULL, request, NULL);
}

int manager_start_creation_full(Manager *m, const char *id, NetMode mode, const char *mode_string,
                                const char *options, const char *connect_network, sd_bus_message *request,
                                sd_bus_error *error) {
        Creation *c;
        int r;

        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;
        *c = (Creation) {
                .manager = m,
                .mode = mode,
                .pid = -1,
                .errfd = -EBADF,
                .id = strdup(id),
        };
        if (!c->id) {
                free(c);
                return -ENOMEM;
        }
        c->next = m->creations;
        if (m->creations)
                m->creations->prev = c;
        m->creations = c;

        if (mode_string) {
                c->with_settings = true;
                c->mode_string = strdup(mode_string);
                if (!c->mode_string) {
                        creation_free(c);
                        return -ENOMEM;
                }
                if (connect_network)
                        r = manager_sandbox_connect_prepare(m, c, connect_network, options, error);
                else
                        r = manager_sandbox_prepare(m, c, mode_string, options, error);
                if (r < 0) {
                        creation_free(c);
                        return r;
                }
        }

        {
                SandboxPlan plan = { .join = c->join, .veths = c->veths, .n_veths = c->n_veths };
                if (c->attach)
                        r = sandbox_attach_start(m->netns_dir, id, &plan, &c->pid, &c->errfd);
                else if (mode_string)
                        r = sandbox_create_start_plan(m->netns_dir, id, &plan, &c->pid, &c->errfd);
                else
                        r = sandbox_create_start(m->netns_dir, id, mode, &c->pid, &c->errfd);
        }
        if (r < 0) {
                if (c->attach)
                        manager_sandbox_connect_undo(m, c);
                creation_free(c);
                return r;
        }

        r = sd_event_add_child(m->event, &c->child_source, c->pid, WEXITED, on_creation_exit, c);
        if (r < 0) {
                /* cannot watch it: wait here (it is quick) and undo */
                siginfo_t si = {};
                (void) waitid(P_PID, c->pid, &si, WEXITED);
                if (c->attach)
                        manager_sandbox_connect_undo(m, c);
                else
                        (void) sandbox_create_finish(m->netns_dir, id, CLD_KILLED, SIGKILL, c->errfd, NULL);
                creation_free(c);
                return r;
        }

        c->request = sd_bus_message_ref(request);
        return 0;
}

int creation_queue_removal(Creation *c, sd_bus_message *removal) {
        sd_bus_message **a;

        a = reallocarray(c->removals, c->n_removals + 1, sizeof *a);
        if (!a)
                return -ENOMEM;
        c->removals = a;
        c->removals[c->n_removals++] = sd_bus_message_ref(removal);
        return 0;
}

int manager_startup(Manager *m) {
        int r;

        r = mkdir_p(m->run_dir, 0755);
        if (r < 0)
                return log_error_errno(r, "Failed to create %s: %m", m->run_dir);
        r = netns_dir_setup(m->netns_dir);
        if (r < 0)
                return log_error_errno(r, "Failed to set up %s as a shared mount: %m", m->netns_dir);

        r = manager_networks_startup(m);
        if (r < 0)
                return r;

        r = sandbox_reconcile(m->netns_dir);
        if (r < 0)
                log_warning_errno(r, "Failed to remove some stale sandbox files in %s: %m",
                                  m->netns_dir);
        else if (r > 0)
                log_info("Removed %d stale sandbox file(s).", r);

        _cleanup_(strv_freep) char **ids = NULL;
        if (sandbox_list(m->netns_dir, &ids) >= 0)
                log_info("%zu sandbox(es) in %s.", strv_length(ids), m->netns_dir);
        return 0;
}

int manager_connect_bus(Manager *m) {
        int r;

        r = daemon_bus_open(m->event, &m->bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m");
        r = sd_bus_add_object_vtable(m->bus, NULL, NET_OBJECT_PATH, NET_INTERFACE,
                                     manager_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the object vtable: %m");
        r = daemon_bus_request_name(m->bus, NET_BUS_NAME);
        if (r < 0)
                return log_error_errno(r, "Failed to acquire the bus name " NET_BUS_NAME ": %m");
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;

        /* Helpers are quick: wait for them rather than leave zombies and
         * half-made pins behind, and tell their callers we are going. */
        while (m->creations) {
                Creation *c = m->creations;
                siginfo_t si = {};

                c->child_source = sd_event_source_disable_unref(c->child_source);
                if (waitid(P_PID, c->pid, &si, WEXITED) < 0)
                        si = (siginfo_t) { .si_code = CLD_KILLED, .si_status = SIGKILL };
                creation_complete(c, si.si_code, si.si_status);
                creation_free(c);
        }

        /* Without sandboxes left, the shared self bind mount of the netns
         * directory is not needed any more: leave nothing mounted. */
        _cleanup_(strv_freep) char **ids = NULL;
        if (m->netns_dir && sandbox_list(m->netns_dir, &ids) >= 0 && !ids[0]) {
                int r = netns_dir_release(m->netns_dir);
                if (r < 0)
                        log_warning_errno(r, "Failed to unmount %s: %m", m->netns_dir);
        }

        manager_networks_free(m);
        sd_bus_flush_close_unref(m->bus);
        sd_event_unref(m->event);
        free(m->root_dir);
        free(m->run_dir);
        free(m->netns_dir);
        free(m);
        return NULL;
}
