/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* org.wharf.Exec1 on /org/wharf/Exec1 (proto/org.wharf.Exec1.xml). */
#include <signal.h>
#include <sys/stat.h>

#include "bus-errors.h"
#include "config.h"
#include "execd.h"
#include "runtime-oci.h"
#include "fs-util.h"
#include "daemon.h"
#include "log.h"
#include "seccomp-bpf.h"

#include <dirent.h>

static int lookup(Manager *m, const char *id, sd_bus_error *error, Container **ret) {
        Container *c = manager_get_container(m, id);

        if (!c)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", id);
        *ret = c;
        return 0;
}

static int method_run(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(exec_spec_done) ExecSpec spec = {};
        _cleanup_(freep) char *reason = NULL;
        _cleanup_(container_freep) Container *c = NULL;
        Manager *m = userdata;
        const char *id, *json;
        int stdio[3], r;
        struct stat st;

        r = sd_bus_message_read(message, "sshhh", &id, &json, &stdio[0], &stdio[1], &stdio[2]);
        if (r < 0)
                return r;

        if (!container_id_is_valid(id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid container id: %s", id);
        if (oci_runtime_is_state_root(id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid container id: %s (a runtime's state)", id);
        if (manager_get_container(m, id))
                return sd_bus_error_setf(error, WHARF_ERROR_NAME_IN_USE, "Container %s exists already", id);

        r = exec_spec_parse(json, &spec, &reason);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: %s", strempty(reason));
        if (stat(spec.root_path, &st) < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: root.path %s: %s",
                                         spec.root_path, strerror(errno));
        if (!S_ISDIR(st.st_mode))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: root.path %s: not a directory",
                                         spec.root_path);

        if (spec.seccomp_json) {
                _cleanup_(freep) char *why = NULL;
                r = seccomp_compile(spec.seccomp_json, &spec.seccomp_bpf, &spec.seccomp_bpf_size, &why);
                if (r < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: %s",
                                                 why ?: strerror(-r));
        }

        /* --runtime: the same bundle, run by an external OCI runtime */
        _cleanup_(freep) char *oci_json = NULL;
        r = oci_runtime_resolve(spec.runtime, &spec.runtime_path);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "unknown or invalid runtime name: %s",
                                         spec.runtime);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "runtime %s: not installed", spec.runtime);
        if (spec.runtime_path) {
                if (!spec.cgroups_path && asprintf(&spec.cgroups_path, "wharf/%s", id) < 0)
                        return -ENOMEM;
                r = oci_spec_complete(json, &spec, spec.cgroups_path, &oci_json);
                if (r < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid spec: %s", strerror(-r));
        }

        r = container_new(m, id, &c);
        if (r < 0)
                return r;
        r = container_start(c, &spec, oci_json ?: json, stdio, message);
        if (r < 0) {
                if (r != -EEXIST)
                        (void) rm_rf(c->dir);
                return sd_bus_error_set_errnof(error, r, "Failed to start container %s: %m", id);
        }
        TAKE_PTR(c);
        return 1; /* answered when the monitor reports */
}

static int method_kill(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Container *c = NULL;
        const char *id;
        int sig, r;

        r = sd_bus_message_read(message, "si", &id, &sig);
        if (r < 0)
                return r;
        if (sig <= 0 || sig >= _NSIG)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid signal %d", sig);
        r = lookup(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_kill(c, sig);
        if (r == -ESRCH)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", id);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to signal container %s: %m", id);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_delete(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Container *c = NULL;
        const char *id;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        r = lookup(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_remove(c);
        if (r == -EBUSY)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_RUNNING, "container is running");
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to delete container %s: %m", id);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_list(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        int r;

        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(susi)");
        for (Container *c = m->containers; c && r >= 0; c = c->next) {
                bool running = c->state != CONTAINER_STOPPED;
                /* a starting container is running as far as callers care */
                r = sd_bus_message_append(reply, "(susi)", c->id,
                                          (uint32_t) (running ? c->init_pid : 0),
                                          running ? "running" : "stopped",
                                          running ? 0 : c->exit_code);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int lookup_running(Manager *m, const char *id, sd_bus_error *error, Container **ret) {
        int r = lookup(m, id, error, ret);

        if (r < 0)
                return r;
        if ((*ret)->state != CONTAINER_RUNNING)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", id);
        return 0;
}

static int control_error(sd_bus_error *error, const char *id, int r, const MonitorMessage *reply) {
        if (r == -ESRCH || (r >= 0 && reply->type == MONITOR_FAILED && reply->error == ESRCH))
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", id);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Container %s: monitor unreachable: %m", id);
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "Container %s: %s", id, reply->text);
}

static int method_attach(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        MonitorMessage reply = {};
        Container *c = NULL;
        const char *id;
        int fds[3], r;

        r = sd_bus_message_read(message, "shhh", &id, &fds[0], &fds[1], &fds[2]);
        if (r < 0)
                return r;
        r = lookup_running(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_control_call(c, &(MonitorRequest) { .type = MONITOR_REQUEST_ATTACH }, fds, 3, &reply);
        if (r < 0 || reply.type != MONITOR_OK)
                return control_error(error, id, r, &reply);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_resize(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        MonitorMessage reply = {};
        Container *c = NULL;
        const char *id;
        uint32_t pid;
        uint16_t rows, cols;
        int r;

        r = sd_bus_message_read(message, "suqq", &id, &pid, &rows, &cols);
        if (r < 0)
                return r;
        r = lookup_running(userdata, id, error, &c);
        if (r < 0)
                return r;
        MonitorRequest req = { .type = MONITOR_REQUEST_RESIZE, .pid = (int32_t) pid, .rows = rows, .cols = cols };
        r = container_control_call(c, &req, NULL, 0, &reply);
        if (r >= 0 && reply.type == MONITOR_FAILED && reply.error == ENOTTY)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Container %s: %s", id, reply.text);
        if (r < 0 || reply.type != MONITOR_OK)
                return control_error(error, id, r, &reply);
        return sd_bus_reply_method_return(message, NULL);
}

static int method_exec(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(exec_spec_done) ExecSpec process = {};
        _cleanup_(freep) char *reason = NULL;
        Container *c = NULL;
        const char *id, *json;
        int stdio[3], r;

        r = sd_bus_message_read(message, "sshhh", &id, &json, &stdio[0], &stdio[1], &stdio[2]);
        if (r < 0)
                return r;
        r = lookup_running(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = exec_process_parse(json, &process, &reason);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "Invalid process: %s", strempty(reason));
        r = container_exec(c, &process, stdio, message);
        if (r == -ESRCH)
                return sd_bus_error_setf(error, WHARF_ERROR_CONTAINER_NOT_RUNNING, "Container %s is not running", id);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to exec in container %s: %m", id);
        return 1; /* answered when the monitor reports */
}

static int freeze(sd_bus_message *message, void *userdata, sd_bus_error *error, bool on) {
        _cleanup_(cgroup_done) Cgroup cg = {};
        Container *c = NULL;
        const char *id;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        r = lookup_running(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_get_cgroup(c, &cg);
        if (r >= 0)
                r = cg.ops->freeze(&cg, on);
        if (r == -EOPNOTSUPP)
                return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED, "Container %s: no freezer cgroup", id);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to %s container %s: %m", on ? "pause" : "resume", id);
        log_info("Container %s %s.", id, on ? "paused" : "resumed");
        return sd_bus_reply_method_return(message, NULL);
}

static int method_pause(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return freeze(message, userdata, error, true);
}

static int method_resume(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return freeze(message, userdata, error, false);
}

static int method_stats(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(cgroup_done) Cgroup cg = {};
        CgroupStats st;
        Container *c = NULL;
        const char *id;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        r = lookup_running(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_get_cgroup(c, &cg);
        if (r >= 0)
                r = cg.ops->stats(&cg, &st);
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to read the cgroup of %s: %m", id);

        const struct { const char *key; uint64_t v; } items[] = {
                { "memory_usage", st.memory_usage }, { "memory_limit", st.memory_limit },
                { "memory_max_usage", st.memory_max_usage }, { "cpu_usage_ns", st.cpu_usage_ns },
                { "pids_current", st.pids_current }, { "pids_limit", st.pids_limit },
                { "oom_kills", st.oom_kills }, { "blkio_read_bytes", st.blkio_read_bytes },
                { "blkio_write_bytes", st.blkio_write_bytes },
        };
        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "{st}");
        for (size_t i = 0; r >= 0 && i < ELEMENTSOF(items); i++)
                /* absent when unknown; "max" limits are unknown as numbers too */
                if (items[i].v != UINT64_MAX)
                        r = sd_bus_message_append(reply, "{st}", items[i].key, items[i].v);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* ppid and real uid from /proc/PID/status, the command line from cmdline */
static int process_info(pid_t pid, uint32_t *ret_ppid, uint32_t *ret_uid, char **ret_cmd) {
        _cleanup_(freep) char *status = NULL, *cmdline = NULL;
        char p[64];
        const char *l;
        size_t n = 0;

        snprintf(p, sizeof(p), "/proc/%d/status", (int) pid);
        if (read_full_file(p, &status, NULL, 65536) < 0)
                return -ESRCH;
        *ret_ppid = (l = strstr(status, "\nPPid:")) ? (uint32_t) strtoul(l + 6, NULL, 10) : 0;
        *ret_uid = (l = strstr(status, "\nUid:")) ? (uint32_t) strtoul(l + 5, NULL, 10) : 0;
        snprintf(p, sizeof(p), "/proc/%d/cmdline", (int) pid);
        if (read_full_file(p, &cmdline, &n, 65536) < 0 || n == 0) {
                /* a kernel thread or zombie: [comm], as ps shows it */
                _cleanup_(freep) char *comm = NULL;
                snprintf(p, sizeof(p), "/proc/%d/comm", (int) pid);
                if (read_full_file(p, &comm, NULL, 256) < 0)
                        return -ESRCH;
                comm[strcspn(comm, "\n")] = 0;
                return asprintf(ret_cmd, "[%s]", comm) < 0 ? -ENOMEM : 0;
        }
        for (size_t i = 0; i + 1 < n; i++)
                if (cmdline[i] == 0)
                        cmdline[i] = ' ';
        *ret_cmd = TAKE_PTR(cmdline);
        return 0;
}

static int method_list_processes(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(cgroup_done) Cgroup cg = {};
        _cleanup_(freep) char *procs = NULL;
        Container *c = NULL;
        const char *id, *dir;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        r = lookup_running(userdata, id, error, &c);
        if (r < 0)
                return r;
        r = container_get_cgroup(c, &cg);
        if (r >= 0)
                r = (dir = cg.ops->procs_dir(&cg)) ? cgroup_read(dir, "cgroup.procs", &procs) : -ENOENT;
        if (r < 0)
                return sd_bus_error_set_errnof(error, r, "Failed to list the processes of %s: %m", id);

        r = sd_bus_message_new_method_return(message, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(uuus)");
        for (char *p = procs; r >= 0 && *p; ) {
                _cleanup_(freep) char *cmd = NULL;
                uint32_t ppid, uid;
                int pid = atoi(p);

                if (pid > 0 && process_info(pid, &ppid, &uid, &cmd) >= 0)
                        r = sd_bus_message_append(reply, "(uuus)", (uint32_t) pid, ppid, uid, cmd);
                p = strchrnul(p, '\n');
                if (*p)
                        p++;
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_get_state(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Container *c = NULL;
        const char *id, *status;
        uint64_t started, finished;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        r = lookup(userdata, id, error, &c);
        if (r < 0)
                return r;
        container_get_times(c, &started, &finished);
        status = c->state == CONTAINER_STOPPED ? "stopped" : "running";
        if (c->state == CONTAINER_RUNNING) {
                _cleanup_(cgroup_done) Cgroup cg = {};
                if (container_get_cgroup(c, &cg) >= 0 && cg.ops->frozen(&cg) > 0)
                        status = "paused";
        }
        return sd_bus_reply_method_return(message, "suibtt", status,
                                          (uint32_t) (c->state == CONTAINER_STOPPED ? 0 : c->init_pid),
                                          c->state == CONTAINER_STOPPED ? c->exit_code : 0,
                                          container_oom_killed(c), started, finished);
}

const sd_bus_vtable exec_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", bus_property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_ARGS("Run",
                                SD_BUS_ARGS("s", id, "s", spec, "h", stdin, "h", stdout, "h", stderr),
                                SD_BUS_RESULT("u", pid),
                                method_run, 0),
        SD_BUS_METHOD_WITH_ARGS("Kill", SD_BUS_ARGS("s", id, "i", signal), SD_BUS_NO_RESULT,
                                method_kill, 0),
        SD_BUS_METHOD_WITH_ARGS("Delete", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT,
                                method_delete, 0),
        SD_BUS_METHOD_WITH_ARGS("List", SD_BUS_NO_ARGS, SD_BUS_RESULT("a(susi)", containers),
                                method_list, 0),
        SD_BUS_METHOD_WITH_ARGS("Attach", SD_BUS_ARGS("s", id, "h", stdin, "h", stdout, "h", stderr),
                                SD_BUS_NO_RESULT, method_attach, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Resize", SD_BUS_ARGS("s", id, "u", exec_pid, "q", rows, "q", cols),
                                SD_BUS_NO_RESULT, method_resize, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Exec",
                                SD_BUS_ARGS("s", id, "s", process, "h", stdin, "h", stdout, "h", stderr),
                                SD_BUS_RESULT("u", pid), method_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("ExecExited", SD_BUS_ARGS("s", id, "u", pid, "i", exit_code), 0),
        SD_BUS_METHOD_WITH_ARGS("Pause", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT,
                                method_pause, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Resume", SD_BUS_ARGS("s", id), SD_BUS_NO_RESULT,
                                method_resume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("Stats", SD_BUS_ARGS("s", id), SD_BUS_RESULT("a{st}", stats),
                                method_stats, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("ListProcesses", SD_BUS_ARGS("s", id), SD_BUS_RESULT("a(uuus)", processes),
                                method_list_processes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_ARGS("GetState", SD_BUS_ARGS("s", id),
                                SD_BUS_RESULT("s", status, "u", pid, "i", exit_code, "b", oom_killed,
                                              "t", started_at, "t", finished_at),
                                method_get_state, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_ARGS("Exited", SD_BUS_ARGS("s", id, "i", exit_code), 0),
        SD_BUS_VTABLE_END
};
