/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Info: host facts, and each backend's state asked of the backend itself.
 * All calls go out at once and the reply waits for every answer (or its
 * timeout): a dead backend shows as "failed: ..." and never hangs Info. */

#include <inttypes.h>
#include <linux/magic.h>
#include <stdarg.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>

#include "backend.h"
#include "container.h"
#include "fs-util.h"
#include "log.h"

#define INFO_TIMEOUT_USEC (5 * USEC_PER_SEC)

typedef struct InfoOp InfoOp;

typedef struct InfoCall {
        InfoOp *op;
        Backend backend;
        char *state;
        char *version;
} InfoCall;

struct InfoOp {
        Manager *manager;
        sd_bus_message *request;
        unsigned n_pending;
        InfoCall calls[_BACKEND_MAX];
        int64_t images;   /* -1: unknown */
};

static void info_op_free(InfoOp *op) {
        for (Backend b = 0; b < _BACKEND_MAX; b++) {
                free(op->calls[b].state);
                free(op->calls[b].version);
        }
        sd_bus_message_unref(op->request);
        free(op);
}

static char *os_pretty_name(void) {
        _cleanup_(freep) char *data = NULL;
        const char *p;
        char *v, *e;

        if (read_full_file("/etc/os-release", &data, NULL, 64 * 1024) < 0 &&
            read_full_file("/usr/lib/os-release", &data, NULL, 64 * 1024) < 0)
                return strdup("Linux");
        p = strstr(data, "PRETTY_NAME=");
        if (!p || (p != data && p[-1] != '\n'))
                return strdup("Linux");
        p += strlen("PRETTY_NAME=");
        v = strndup(p, strcspn(p, "\n"));
        if (!v)
                return NULL;
        /* unquote */
        if (v[0] == '"' || v[0] == '\'') {
                memmove(v, v + 1, strlen(v));
                e = v + strlen(v);
                if (e > v && (e[-1] == '"' || e[-1] == '\''))
                        e[-1] = 0;
        }
        return v;
}

static const char *cgroup_version(void) {
        struct statfs fs;

        if (statfs("/sys/fs/cgroup", &fs) < 0)
                return "unknown";
        return fs.f_type == CGROUP2_SUPER_MAGIC ? "2" : "1";
}

static int append_fact(sd_bus_message *m, const char *key, const char *fmt, ...) _printf_(3, 4);
static int append_fact(sd_bus_message *m, const char *key, const char *fmt, ...) {
        _cleanup_(freep) char *v = NULL;
        va_list ap;
        int k;

        va_start(ap, fmt);
        k = vasprintf(&v, fmt, ap);
        va_end(ap);
        if (k < 0)
                return -ENOMEM;
        return sd_bus_message_append(m, "{ss}", key, v);
}

static int info_reply(InfoOp *op) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(freep) char *os = os_pretty_name();
        Manager *m = op->manager;
        unsigned total = 0, running = 0;
        struct utsname u = {};
        struct sysinfo si = {};
        char host[256] = "";
        int r;

        LIST_FOREACH(containers, c, m->containers) {
                total++;
                if (c->status == CONTAINER_RUNNING)
                        running++;
        }
        (void) uname(&u);
        (void) sysinfo(&si);
        (void) gethostname(host, sizeof host - 1);

        r = sd_bus_message_new_method_return(op->request, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "{ss}");
        if (r < 0)
                return r;
        if ((r = append_fact(reply, "Containers", "%u", total)) < 0 ||
            (r = append_fact(reply, "ContainersRunning", "%u", running)) < 0 ||
            (r = append_fact(reply, "ContainersPaused", "0")) < 0 ||
            (r = append_fact(reply, "ContainersStopped", "%u", total - running)) < 0 ||
            (r = op->images >= 0 ? append_fact(reply, "Images", "%" PRIi64, op->images)
                                 : append_fact(reply, "Images", "unknown")) < 0 ||
            (r = append_fact(reply, "ServerVersion", "%s", PACKAGE_VERSION)) < 0 ||
            (r = append_fact(reply, "Driver", "overlay")) < 0 ||
            (r = append_fact(reply, "DockerRootDir", "%s", m->root)) < 0 ||
            (r = append_fact(reply, "RunDir", "%s", m->run)) < 0 ||
            (r = append_fact(reply, "KernelVersion", "%s", u.release)) < 0 ||
            (r = append_fact(reply, "OperatingSystem", "%s", strempty(os))) < 0 ||
            (r = append_fact(reply, "OSType", "linux")) < 0 ||
            (r = append_fact(reply, "Architecture", "%s", u.machine)) < 0 ||
            (r = append_fact(reply, "CgroupVersion", "%s", cgroup_version())) < 0 ||
            (r = append_fact(reply, "NCPU", "%ld", sysconf(_SC_NPROCESSORS_ONLN))) < 0 ||
            (r = append_fact(reply, "MemTotal", "%llu", (unsigned long long) si.totalram * si.mem_unit)) < 0 ||
            (r = append_fact(reply, "Name", "%s", host)) < 0)
                return r;
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;

        r = sd_bus_message_open_container(reply, 'a', "(ssss)");
        if (r < 0)
                return r;
        for (Backend b = 0; b < _BACKEND_MAX; b++) {
                const BackendInfo *i = backend_info(b);
                r = sd_bus_message_append(reply, "(ssss)", i->short_name, i->bus_name,
                                          op->calls[b].state ?: "failed: no answer",
                                          strempty(op->calls[b].version));
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static void info_call_done(InfoOp *op) {
        int r;

        if (--op->n_pending > 0)
                return;
        r = info_reply(op);
        if (r < 0)
                (void) sd_bus_reply_method_errno(op->request, -r, NULL);
        info_op_free(op);
}

static int on_version(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        InfoCall *c = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *v;

        if (e) {
                if (asprintf(&c->state, "failed: %s", e->message ?: e->name) < 0)
                        c->state = NULL;
        } else if (sd_bus_message_read(reply, "v", "s", &v) < 0)
                c->state = strdup("failed: bad Version property");
        else {
                c->state = strdup("running");
                c->version = strdup(v);
        }
        info_call_done(c->op);
        return 0;
}

static int on_image_count(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        InfoOp *op = userdata;
        int r;

        if (!sd_bus_message_is_method_error(reply, NULL) &&
            sd_bus_message_enter_container(reply, 'a', "(sasastt)") >= 0) {
                op->images = 0;
                while ((r = sd_bus_message_skip(reply, "(sasastt)")) > 0)
                        op->images++;
                if (r < 0)
                        op->images = -1;
        }
        info_call_done(op);
        return 0;
}

static int get_version_async(Manager *m, const BackendInfo *i, InfoCall *c) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        int r;

        r = sd_bus_message_new_method_call(m->bus, &call, i->bus_name, i->path,
                                           "org.freedesktop.DBus.Properties", "Get");
        if (r < 0)
                return r;
        r = sd_bus_message_append(call, "ss", i->interface, "Version");
        if (r < 0)
                return r;
        return sd_bus_call_async(m->bus, NULL, call, on_version, c, INFO_TIMEOUT_USEC);
}

int method_info(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        InfoOp *op;
        int r;

        op = calloc(1, sizeof *op);
        if (!op)
                return -ENOMEM;
        op->manager = m;
        op->request = sd_bus_message_ref(message);
        op->images = -1;
        /* one extra hold, released below, so no answer can reply early */
        op->n_pending = 1;

        for (Backend b = 0; b < _BACKEND_MAX; b++) {
                const BackendInfo *i = backend_info(b);
                op->calls[b] = (InfoCall) { .op = op, .backend = b };
                r = get_version_async(m, i, &op->calls[b]);
                if (r < 0) {
                        errno = -r;
                        if (asprintf(&op->calls[b].state, "failed: %m") < 0)
                                op->calls[b].state = NULL;
                        continue;
                }
                op->n_pending++;
        }
        r = backend_call(m, BACKEND_GRAPH, NULL, "ListImages", INFO_TIMEOUT_USEC, on_image_count, op, NULL);
        if (r >= 0)
                op->n_pending++;

        info_call_done(op);
        return 1;
}
