/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>

#include "backend.h"
#include "bus-errors.h"
#include "container.h"
#include "log.h"
#include "spec-host.h"
#include "spec.h"
#include "streams.h"
#include "user.h"

#define LOG_FILES_MAX 100


char *container_log_path(Manager *m, const char *id) {
        char *p;

        if (asprintf(&p, "%s/%s/%s-json.log", m->containers_dir, id, id) < 0)
                return NULL;
        return p;
}

static int find_container(Manager *m, const char *ref, Container **ret, sd_bus_error *error) {
        int r = container_find(m->containers, ref, ret);

        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(error, WHARF_ERROR_AMBIGUOUS, "multiple IDs found with provided prefix: %s", ref);
        if (r < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", ref);
        return 0;
}

static int require_running(Container *c, sd_bus_error *error) {
        if (c->status != CONTAINER_RUNNING || c->cleaning)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING, "container %s is not running", c->id);
        return 0;
}

/* The reply of a call passed on to execd goes back to the client as is
 * (org.wharf.Error.* keep their names). */
static int on_forwarded(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        if (e)
                return backend_reply_error(BACKEND_EXEC, request, e), 0;
        (void) sd_bus_reply_method_return(request, NULL);
        return 0;
}

int method_attach(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c;
        int fds[3], r;

        r = sd_bus_message_read(message, "shhh", &ref, &fds[0], &fds[1], &fds[2]);
        if (r < 0)
                return r;
        r = find_container(m, ref, &c, error);
        if (r < 0)
                return r;
        if (c->status != CONTAINER_RUNNING || c->cleaning)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING,
                                         "You cannot attach to a stopped container, start it first");
        r = backend_call(m, BACKEND_EXEC, NULL, "Attach", BACKEND_TIMEOUT_USEC, on_forwarded,
                         sd_bus_message_ref(message), "shhh", c->id, fds[0], fds[1], fds[2]);
        if (r < 0) {
                sd_bus_message_unref(message);
                return r;
        }
        return 1;
}

int method_resize(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c;
        uint32_t pid;
        uint16_t rows, cols;
        int r;

        r = sd_bus_message_read(message, "suqq", &ref, &pid, &rows, &cols);
        if (r < 0)
                return r;
        r = find_container(m, ref, &c, error);
        if (r < 0)
                return r;
        r = require_running(c, error);
        if (r < 0)
                return r;
        r = backend_call(m, BACKEND_EXEC, NULL, "Resize", BACKEND_TIMEOUT_USEC, on_forwarded,
                         sd_bus_message_ref(message), "suqq", c->id, pid, rows, cols);
        if (r < 0) {
                sd_bus_message_unref(message);
                return r;
        }
        return 1;
}

/* Logs: the rotated files (<log>.N ... <log>.1) then the current one */

int method_open_logs(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(freep) char *path = NULL;
        int fds[LOG_FILES_MAX + 1];
        size_t n = 0;
        Manager *m = userdata;
        const char *ref;
        Container *c;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = find_container(m, ref, &c, error);
        if (r < 0)
                return r;
        if (streq_ptr(c->host.log_type, "none"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                         "configured logging driver does not support reading");
        path = container_log_path(m, c->id);
        if (!path)
                return -ENOMEM;

        for (int i = LOG_FILES_MAX; i >= 0; i--) {
                _cleanup_(freep) char *p = NULL;
                int fd;

                if (i > 0 ? asprintf(&p, "%s.%d", path, i) < 0 : !(p = strdup(path))) {
                        r = -ENOMEM;
                        goto finish;
                }
                fd = open(p, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
                if (fd < 0) {
                        if (errno != ENOENT) {
                                r = sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "open %s: %m", p);
                                goto finish;
                        }
                        continue;
                }
                fds[n++] = fd;
        }

        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "h");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "h", fds[i]);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_message_append(reply, "s", container_status_to_string(c->status));
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
finish:
        for (size_t i = 0; i < n; i++)
                safe_close(fds[i]);
        return r;
}

/* Exec */

typedef struct ExecOptions {
        char **env;
        char *user;
        char *workdir;
        bool tty;
        bool privileged;
} ExecOptions;

static void exec_options_done(ExecOptions *o) {
        strv_free(o->env);
        free(o->user);
        free(o->workdir);
}

static int exec_options_read(sd_bus_message *message, ExecOptions *o, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(message, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                const char *key, *s;
                int b;

                r = sd_bus_message_read(message, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "Env")) {
                        strv_free(o->env);
                        o->env = NULL;
                        r = sd_bus_message_enter_container(message, 'v', "as");
                        if (r >= 0)
                                r = sd_bus_message_read_strv(message, &o->env);
                        if (r >= 0)
                                r = sd_bus_message_exit_container(message);
                } else if (streq(key, "User") || streq(key, "WorkingDir")) {
                        char **target = streq(key, "User") ? &o->user : &o->workdir;
                        r = sd_bus_message_read(message, "v", "s", &s);
                        if (r >= 0) {
                                free(*target);
                                *target = strdup(s);
                                if (!*target)
                                        return -ENOMEM;
                        }
                } else if (streq(key, "Tty") || streq(key, "Privileged")) {
                        r = sd_bus_message_read(message, "v", "b", &b);
                        if (r >= 0)
                                *(streq(key, "Tty") ? &o->tty : &o->privileged) = b;
                } else
                        r = sd_bus_message_skip(message, "v");
                if (r == -ENXIO)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "option %s has the wrong type", key);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(message);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(message);
}

static int on_exec(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        uint32_t pid;

        if (e)
                return backend_reply_error(BACKEND_EXEC, request, e), 0;
        if (sd_bus_message_read(reply, "u", &pid) < 0)
                return sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED, "execd failed: bad Exec reply"), 0;
        (void) sd_bus_reply_method_return(request, "u", pid);
        return 0;
}

int method_exec(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **cmd = NULL, **env = NULL;
        _cleanup_(exec_options_done) ExecOptions o = {};
        _cleanup_(user_info_done) UserInfo user = {};
        _cleanup_(freep) char *process = NULL, *msg = NULL;
        Manager *m = userdata;
        const char *ref, *hostname;
        char short_id[13];
        Container *c;
        int fds[3], r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(message, &cmd);
        if (r < 0)
                return r;
        r = exec_options_read(message, &o, error);
        if (r < 0)
                return r;
        r = sd_bus_message_read(message, "hhh", &fds[0], &fds[1], &fds[2]);
        if (r < 0)
                return r;
        if (strv_length(cmd) == 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No exec command specified");

        r = find_container(m, ref, &c, error);
        if (r < 0)
                return r;
        r = require_running(c, error);
        if (r < 0)
                return r;
        if (!c->rootfs)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "container %s has no known root file system", c->id);

        /* docker: the container's user and working directory unless given */
        r = user_resolve(c->rootfs, !isempty(o.user) ? o.user : c->config.user, &user, &msg);
        if (r < 0) {
                if (msg)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "%s", msg);
                return sd_bus_error_set_errnof(error, r, "failed to read the container's user database: %m");
        }
        if (!isempty(o.workdir) && o.workdir[0] != '/')
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "the working directory '%s' is invalid, it needs to be an absolute path", o.workdir);

        if (!isempty(c->config.hostname))
                hostname = c->config.hostname;
        else {
                snprintf(short_id, sizeof short_id, "%.12s", c->id);
                hostname = short_id;
        }
        env = spec_environment(&c->config, hostname, user.home);
        if (!env)
                return -ENOMEM;

        r = spec_exec_process(&(ExecProcessInput) {
                        .args = cmd,
                        .env = env,
                        .extra_env = o.env,
                        .cwd = !isempty(o.workdir) ? o.workdir : c->config.workdir,
                        .uid = user.uid,
                        .gid = user.gid,
                        .gids = user.gids,
                        .n_gids = user.n_gids,
                        .tty = o.tty,
                        .privileged = o.privileged || c->host.privileged,
                        .host = &c->host,
                        .host_caps = host_caps_get(),
                }, &process);
        if (r < 0)
                return r;
        log_debug("Exec in %s: %s", c->id, process);

        r = backend_call(m, BACKEND_EXEC, NULL, "Exec", BACKEND_LONG_TIMEOUT_USEC, on_exec, sd_bus_message_ref(message),
                         "sshhh", c->id, process, fds[0], fds[1], fds[2]);
        if (r < 0) {
                sd_bus_message_unref(message);
                return r;
        }
        return 1;
}

static int match_exec_exited(sd_bus_message *message, void *userdata, sd_bus_error *ret_error) {
        Manager *m = userdata;
        const char *id;
        uint32_t pid;
        int32_t code;

        if (sd_bus_message_read(message, "sui", &id, &pid, &code) < 0) {
                log_warning("Malformed ExecExited signal, ignoring.");
                return 0;
        }
        (void) sd_bus_emit_signal(m->bus, ENGINE_PATH, ENGINE_INTERFACE, "ExecExited", "sui", id, pid, code);
        return 0;
}

int streams_subscribe(Manager *m) {
        const BackendInfo *b = backend_info(BACKEND_EXEC);
        int r;

        r = sd_bus_match_signal_async(m->bus, NULL, b->bus_name, b->path, b->interface, "ExecExited",
                                      match_exec_exited, NULL, m);
        if (r < 0)
                return log_error_errno(r, "Failed to subscribe to %s.ExecExited: %m", b->interface);
        return 0;
}
