/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "bus-errors.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "rootfs.h"
#include "volume-bus.h"
#include "volume-copy.h"
#include "volume-store.h"

/* the child's one-line reason, in memory shared with it (graphd's helper
 * children keep no fd of ours to write it to) */
#define POPULATE_ERROR_MAX 1024U

struct Populate {
        Manager *manager;
        Populate *next;
        char *volume;
        pid_t pid;
        sd_event_source *source;
        char *err;
        sd_bus_message **callers;
        size_t n_callers;
};

/* docker's wording, so the CLI can pass it on as it is */
static int no_such_volume(sd_bus_error *error, const char *name) {
        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_VOLUME, "get %s: no such volume", name);
}

static int volume_fail(int r, sd_bus_error *error, const char *what) {
        log_error_errno(r, "%s failed: %m", what);
        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "%s failed: %s", what, strerror(-r));
}

/* a{ss} -> key, value, key, value, ... */
static int read_labels(sd_bus_message *msg, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;
        const char *k, *v;
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(msg, "{ss}", &k, &v)) > 0)
                if (strv_extend(&l, k) < 0 || strv_extend(&l, v) < 0)
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(msg);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(l);
        return 0;
}

int method_create_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **labels = NULL;
        _cleanup_(freep) char *json = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r >= 0)
                r = read_labels(msg, &labels);
        if (r < 0)
                return r;
        r = volume_create(m->graph, name, labels, &json);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "create %s: \"%s\" includes invalid characters for a local volume name, "
                                         "only \"" VOLUME_NAME_CHARS "\" are allowed. If you intended to pass "
                                         "a host directory, use absolute path", name, name);
        if (r == -ENAMETOOLONG)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "create %s: name too long", name);
        if (r < 0)
                return volume_fail(r, error, "Creating the volume");
        log_debug("Volume %s ready.", isempty(name) ? "(anonymous)" : name);
        return sd_bus_reply_method_return(msg, "s", json);
}

int method_list_volumes(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *json = NULL;
        Manager *m = userdata;
        int r;

        r = volume_list(m->graph, &json);
        if (r < 0)
                return volume_fail(r, error, "Listing volumes");
        return sd_bus_reply_method_return(msg, "s", json);
}

int method_inspect_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *json = NULL;
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        r = volume_inspect(m->graph, name, &json);
        if (r == -ENOENT)
                return no_such_volume(error, name);
        if (r < 0)
                return volume_fail(r, error, "Inspecting the volume");
        return sd_bus_reply_method_return(msg, "s", json);
}

int method_remove_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *name;
        int r;

        r = sd_bus_message_read(msg, "s", &name);
        if (r < 0)
                return r;
        r = volume_remove(m->graph, name);
        if (r == -ENOENT)
                return no_such_volume(error, name);
        if (r < 0)
                return volume_fail(r, error, "Removing the volume");
        log_info("Volume %s removed.", name);
        return sd_bus_reply_method_return(msg, NULL);
}

static Populate *populate_free(Populate *p) {
        if (!p)
                return NULL;
        for (Populate **i = &p->manager->populates; *i; i = &(*i)->next)
                if (*i == p) {
                        *i = p->next;
                        break;
                }
        sd_event_source_disable_unref(p->source);
        for (size_t i = 0; i < p->n_callers; i++)
                sd_bus_message_unref(p->callers[i]);
        free(p->callers);
        if (p->err)
                (void) munmap(p->err, POPULATE_ERROR_MAX);
        free(p->volume);
        free(p);
        return NULL;
}

static int populate_add_caller(Populate *p, sd_bus_message *msg) {
        sd_bus_message **l = realloc(p->callers, (p->n_callers + 1) * sizeof *l);

        if (!l)
                return -ENOMEM;
        p->callers = l;
        p->callers[p->n_callers++] = sd_bus_message_ref(msg);
        return 0;
}

static void populate_done(Populate *p, bool ok) {
        if (!ok) {
                /* the child may have been killed before it said why */
                p->err[POPULATE_ERROR_MAX - 1] = 0;
                if (isempty(p->err))
                        snprintf(p->err, POPULATE_ERROR_MAX, "the copy was interrupted");
                log_warning("Populating volume %s failed: %s", p->volume, p->err);
        }
        for (size_t i = 0; i < p->n_callers; i++) {
                int r = ok ? sd_bus_reply_method_return(p->callers[i], NULL)
                           : sd_bus_reply_method_errorf(p->callers[i], WHARF_ERROR_BACKEND_FAILED,
                                                        "populate %s: %s", p->volume, p->err);
                if (r < 0)
                        log_debug_errno(r, "Failed to reply to PopulateVolume, ignoring: %m");
        }
        populate_free(p);
}

static int populate_on_exit(sd_event_source *s, const siginfo_t *si, void *userdata) {
        Populate *p = userdata;

        populate_done(p, si->si_code == CLD_EXITED && si->si_status == 0);
        return 0;
}

int method_populate_volume(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *data = NULL, *rootfs = NULL;
        Manager *m = userdata;
        const char *name, *cid, *path;
        Populate *p;
        pid_t pid;
        int r;

        r = sd_bus_message_read(msg, "sss", &name, &cid, &path);
        if (r < 0)
                return r;
        if (path[0] != '/')
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "path is not absolute: %s", path);
        r = volume_data_path(m->graph, name, &data);
        if (r == -ENOENT)
                return no_such_volume(error, name);
        if (r < 0)
                return volume_fail(r, error, "Populating the volume");
        r = rootfs_mounted_path(m->graph, cid, &rootfs);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid container id: %s", cid);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER,
                                         "container %s has no mounted rootfs", cid);
        if (r < 0)
                return volume_fail(r, error, "Populating the volume");

        /* two copies into one empty volume would collide: share the first */
        for (p = m->populates; p; p = p->next)
                if (streq(p->volume, name)) {
                        r = populate_add_caller(p, msg);
                        return r < 0 ? volume_fail(r, error, "Populating the volume") : 1;
                }
        /* a volume in use has its own files: no child to fork (each start asks) */
        if (volume_data_is_empty(data) == 0)
                return sd_bus_reply_method_return(msg, NULL);

        p = calloc(1, sizeof *p);
        if (!p)
                return volume_fail(-ENOMEM, error, "Populating the volume");
        p->manager = m;
        p->next = m->populates;
        m->populates = p;
        p->volume = strdup(name);
        p->err = mmap(NULL, POPULATE_ERROR_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
        if (p->err == MAP_FAILED) {
                p->err = NULL;
                r = -errno;
        } else
                r = p->volume ? populate_add_caller(p, msg) : -ENOMEM;
        if (r < 0) {
                populate_free(p);
                return volume_fail(r, error, "Populating the volume");
        }

        pid = manager_fork_helper();
        if (pid < 0) {
                r = -errno;
                populate_free(p);
                return volume_fail(r, error, "Forking the copy-up");
        }
        if (pid == 0)
                _exit(volume_copy_up(rootfs, path, data, p->err, POPULATE_ERROR_MAX) < 0 ? EXIT_FAILURE
                                                                                          : EXIT_SUCCESS);
        p->pid = pid;
        log_debug("Populating volume %s from %s of %s.", name, path, cid);
        r = sd_event_add_child(m->event, &p->source, pid, WEXITED, populate_on_exit, p);
        if (r < 0) {
                int status = 0;

                /* no watch: wait here, the copy's cost on the loop once */
                populate_done(p, waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                                         WEXITSTATUS(status) == 0);
        }
        return 1;
}

void volume_populates_finish(Manager *m) {
        while (m->populates) {
                (void) waitpid(m->populates->pid, NULL, 0);
                populate_free(m->populates);
        }
}
