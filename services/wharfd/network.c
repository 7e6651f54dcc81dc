/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <json-c/json.h>
#include <unistd.h>

#include "backend.h"
#include "bus-errors.h"
#include "fs-util.h"
#include "log.h"
#include "network.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* Modes and the stored configuration */

int network_mode_normalize(const char *mode, const char *default_mode, char **ret) {
        if (isempty(mode) || streq(mode, "default"))
                mode = default_mode;
        if (startswith(mode, "container:") && isempty(mode + strlen("container:")))
                return -EINVAL;
        if (strlen(mode) > 200 || strpbrk(mode, " /\n\t"))
                return -EINVAL;
        *ret = strdup(mode);
        return *ret ? 0 : -ENOMEM;
}

static char *container_file(Manager *m, const char *id, const char *name) {
        char *p;
        return asprintf(&p, "%s/%s/%s", m->containers_dir, id, name) < 0 ? NULL : p;
}

int network_config_check(const char *network_config, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = NULL;

        *ret_error = NULL;
        if (isempty(network_config))
                return 0;
        o = json_tokener_parse(network_config);
        if (!o || !json_object_is_type(o, json_type_object)) {
                *ret_error = strdup("option NetworkConfig must be a JSON object");
                return -EINVAL;
        }
        return 0;
}

int network_config_save(Manager *m, const Container *c, const char *network_config, const char *image_config) {
        _cleanup_(json_object_putp) json_object *o = NULL, *img = NULL;
        _cleanup_(freep) char *p = container_file(m, c->id, "network.json");
        json_object *all, *bindings, *exposed, *cfg;
        const char *s;

        if (!p)
                return -ENOMEM;
        o = json_tokener_parse(isempty(network_config) ? "{}" : network_config);
        if (!o || !json_object_is_type(o, json_type_object))
                return -EINVAL;

        /* -P: every port the image EXPOSEs, on an ephemeral host port */
        if (json_object_object_get_ex(o, "PublishAllPorts", &all) && json_object_get_boolean(all) &&
            image_config && (img = json_tokener_parse(image_config)) &&
            json_object_object_get_ex(img, "config", &cfg) &&
            json_object_object_get_ex(cfg, "ExposedPorts", &exposed) &&
            json_object_is_type(exposed, json_type_object)) {
                if (!json_object_object_get_ex(o, "PortBindings", &bindings)) {
                        bindings = json_object_new_array();
                        json_object_object_add(o, "PortBindings", bindings);
                }
                json_object_object_foreach(exposed, key, val) {
                        unsigned port;
                        char proto[8] = "tcp";
                        json_object *b;

                        (void) val;
                        if (sscanf(key, "%u/%7s", &port, proto) < 1 || port == 0 || port > 65535)
                                continue;
                        b = json_object_new_object();
                        json_object_object_add(b, "ContainerPort", json_object_new_int(port));
                        json_object_object_add(b, "HostPort", json_object_new_int(0));
                        json_object_object_add(b, "Proto", json_object_new_string(proto));
                        json_object_array_add(bindings, b);
                }
        }
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        /* an AutoRemove container goes at exit: its files need not be durable */
        return (c->auto_remove ? write_file_atomic_nosync : write_file_atomic)(p, s, strlen(s), 0644);
}

static json_object *config_load(Manager *m, const char *id) {
        _cleanup_(freep) char *p = container_file(m, id, "network.json"), *json = NULL;
        json_object *o;

        if (p && read_full_file(p, &json, NULL, 1 << 20) >= 0 && (o = json_tokener_parse(json)) &&
            json_object_is_type(o, json_type_object))
                return o;
        return json_object_new_object();
}

static const char *json_str(json_object *o, const char *key) {
        json_object *v;
        return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
                json_object_get_string(v) : NULL;
}

/* Connects and disconnects, recorded in network.json so that they hold
 * across restarts and apply to a container that does not run (docker
 * connects a created or exited container at its next start):
 *   "Connect": [{"Network": NAME, "Aliases": [...], "IPAddress": IP}, ...]
 *   "PrimaryDisconnected": true   (the --network one was disconnected) */

static bool mode_is_shared(const char *mode) {
        return streq_ptr(mode, "none") || streq_ptr(mode, "host") || startswith(strempty(mode), "container:");
}

/* Does the primary mode name this network (by name, id or id prefix)? */
static bool mode_is_network(const char *mode, const char *name, const char *id) {
        if (isempty(mode) || mode_is_shared(mode))
                return false;
        if (streq(mode, "default"))
                mode = "bridge";
        return streq(mode, name) || (id && startswith(id, mode));
}

static int attach_find(json_object *cfg, const char *name) {
        json_object *l;

        if (!json_object_object_get_ex(cfg, "Connect", &l) || !json_object_is_type(l, json_type_array))
                return -ENOENT;
        for (size_t i = 0; i < json_object_array_length(l); i++)
                if (streq_ptr(json_str(json_object_array_get_idx(l, i), "Network"), name))
                        return (int) i;
        return -ENOENT;
}

static bool primary_disconnected(json_object *cfg) {
        json_object *v;
        return json_object_object_get_ex(cfg, "PrimaryDisconnected", &v) && json_object_get_boolean(v);
}

static int config_store(Manager *m, const char *id, json_object *cfg) {
        _cleanup_(freep) char *p = container_file(m, id, "network.json");
        const char *s = json_object_to_json_string_ext(cfg, JSON_C_TO_STRING_PLAIN);
        return p ? write_file_atomic(p, s, strlen(s), 0644) : -ENOMEM;
}

/* Records a connect; -EEXIST when the container is on that network already. */
static int attach_record(Manager *m, const Container *c, const char *name, const char *id, const char *options) {
        _cleanup_(json_object_putp) json_object *cfg = config_load(m, c->id), *opts = NULL;
        json_object *l, *e, *v;

        if (!cfg)
                return -ENOMEM;
        if (attach_find(cfg, name) >= 0 ||
            (mode_is_network(c->network_mode ?: m->config.default_network, name, id) && !primary_disconnected(cfg)))
                return -EEXIST;
        if (!json_object_object_get_ex(cfg, "Connect", &l) || !json_object_is_type(l, json_type_array)) {
                l = json_object_new_array();
                json_object_object_add(cfg, "Connect", l);
        }
        opts = json_tokener_parse(isempty(options) ? "{}" : options);
        e = json_object_new_object();
        json_object_object_add(e, "Network", json_object_new_string(name));
        if (opts && json_object_object_get_ex(opts, "Aliases", &v))
                json_object_object_add(e, "Aliases", json_object_get(v));
        if (json_str(opts, "IPAddress"))
                json_object_object_add(e, "IPAddress", json_object_new_string(json_str(opts, "IPAddress")));
        json_object_array_add(l, e);
        return config_store(m, c->id, cfg);
}

/* Records a disconnect; -ENOENT when the container is not on that network. */
static int attach_forget(Manager *m, const Container *c, const char *name, const char *id) {
        _cleanup_(json_object_putp) json_object *cfg = config_load(m, c->id);
        json_object *l;
        int i;

        if (!cfg)
                return -ENOMEM;
        i = attach_find(cfg, name);
        if (i >= 0) {
                json_object_object_get_ex(cfg, "Connect", &l);
                json_object_array_del_idx(l, i, 1);
        } else if (mode_is_network(c->network_mode ?: m->config.default_network, name, id) && !primary_disconnected(cfg))
                json_object_object_add(cfg, "PrimaryDisconnected", json_object_new_boolean(true));
        else
                return -ENOENT;
        return config_store(m, c->id, cfg);
}

/* Adds the recorded connects to the options of CreateSandboxWithOptions.
 * With the primary network disconnected, the first connect takes its place
 * (*mode changes; returns 1: the primary's own address options do not
 * apply), or, with none left, the container gets mode "none". */
static int attach_apply(json_object *cfg, json_object *o, char **mode) {
        _cleanup_(json_object_putp) json_object *rest = json_object_new_array();
        json_object *l = NULL, *first = NULL, *v;
        size_t start = 0;
        char *n;

        if (!rest)
                return -ENOMEM;
        if (mode_is_shared(*mode))
                return 0;
        if (!json_object_object_get_ex(cfg, "Connect", &l) || !json_object_is_type(l, json_type_array))
                l = NULL;
        if (primary_disconnected(cfg)) {
                first = l && json_object_array_length(l) > 0 ? json_object_array_get_idx(l, 0) : NULL;
                n = strdup(first ? strempty(json_str(first, "Network")) : "none");
                if (!n)
                        return -ENOMEM;
                free(*mode);
                *mode = n;
                start = 1;
        }
        for (size_t i = start; l && i < json_object_array_length(l); i++)
                json_object_array_add(rest, json_object_get(json_object_array_get_idx(l, i)));
        if (json_object_array_length(rest) > 0)
                json_object_object_add(o, "Connect", json_object_get(rest));
        if (!first)
                return 0;
        if (json_str(first, "IPAddress"))
                json_object_object_add(o, "IPAddress", json_object_new_string(json_str(first, "IPAddress")));
        if (json_object_object_get_ex(first, "Aliases", &v))
                json_object_object_add(o, "Aliases", json_object_get(v));
        return 1;
}

/* Sandbox */

int network_sandbox_create(Manager *m, const Container *c, sd_bus_message_handler_t callback, void *userdata,
                           char **ret_error) {
        _cleanup_(json_object_putp) json_object *cfg = config_load(m, c->id), *o = json_object_new_object();
        _cleanup_(freep) char *mode = NULL;
        json_object *v;
        int r;

        *ret_error = NULL;
        if (!cfg || !o)
                return -ENOMEM;
        mode = strdup(c->network_mode ?: m->config.default_network);
        if (!mode)
                return -ENOMEM;
        if (startswith(mode, "container:")) {
                const char *ref = mode + strlen("container:");
                Container *other = NULL;

                if (container_find(m->containers, ref, &other) < 0 || other->status != CONTAINER_RUNNING) {
                        if (asprintf(ret_error, "cannot join network of a non running container: %s", ref) < 0)
                                *ret_error = NULL;
                        return -ESRCH;
                }
                free(mode);
                if (asprintf(&mode, "container:%s", other->id) < 0)
                        return -ENOMEM;
        }

        json_object_object_add(o, "Name", json_object_new_string(strempty(c->name)));
        r = attach_apply(cfg, o, &mode);
        if (r < 0)
                return r;
        if (r > 0)
                goto call;      /* the first connect stands in for a disconnected primary */
        if (json_str(cfg, "IPAddress"))
                json_object_object_add(o, "IPAddress", json_object_new_string(json_str(cfg, "IPAddress")));
        if (json_str(cfg, "MacAddress"))
                json_object_object_add(o, "MacAddress", json_object_new_string(json_str(cfg, "MacAddress")));
        if (json_object_object_get_ex(cfg, "Aliases", &v))
                json_object_object_add(o, "Aliases", json_object_get(v));
call:
        if (json_object_object_get_ex(cfg, "PortBindings", &v))
                json_object_object_add(o, "PortBindings", json_object_get(v));

        return backend_call(m, BACKEND_NET, NULL, "CreateSandboxWithOptions", BACKEND_TIMEOUT_USEC, callback, userdata,
                            "sss", c->id, mode, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
}

/* Rewrites a file in place: it may be bind-mounted into a running
 * container already, and a rename would leave the mount on the old file. */
static int write_in_place(const char *path, const char *data) {
        _cleanup_(closep) int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);

        if (fd < 0)
                return -errno;
        return loop_write(fd, data, strlen(data));
}

static char *hostname_of(const Container *c) {
        char *h;

        if (!isempty(c->config.hostname))
                return strdup(c->config.hostname);
        h = strndup(c->id, 12);
        return h;
}

/* /etc/hosts, /etc/hostname and /etc/resolv.conf of a container, from its
 * network settings (netd's JSON) and configuration. */
static int etc_files_write(Manager *m, const Container *c, json_object *settings) {
        _cleanup_(json_object_putp) json_object *cfg = config_load(m, c->id);
        _cleanup_(freep) char *hostname = hostname_of(c), *hosts = NULL, *resolv = NULL,
                *p_hosts = container_file(m, c->id, "hosts"), *p_resolv = container_file(m, c->id, "resolv.conf"),
                *p_hostname = container_file(m, c->id, "hostname"), *hn = NULL;
        size_t hosts_size = 0, resolv_size = 0;
        json_object *nets, *l;
        bool host_mode = streq_ptr(c->network_mode, "host");
        FILE *f;
        int r;

        if (!cfg || !hostname || !p_hosts || !p_resolv || !p_hostname)
                return -ENOMEM;

        f = open_memstream(&hosts, &hosts_size);
        if (!f)
                return -ENOMEM;
        if (host_mode) {
                /* as docker: the host's own hosts file */
                _cleanup_(freep) char *h = NULL;
                if (read_full_file("/etc/hosts", &h, NULL, 1 << 20) >= 0)
                        fputs(h, f);
        } else {
                fputs("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                      "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
                      "ff02::2\tip6-allrouters\n", f);
        }
        if (json_object_object_get_ex(cfg, "ExtraHosts", &l) && json_object_is_type(l, json_type_array))
                for (size_t i = 0; i < json_object_array_length(l); i++) {
                        const char *e = json_object_get_string(json_object_array_get_idx(l, i));
                        const char *colon = e ? strchr(e, ':') : NULL;
                        if (colon)
                                fprintf(f, "%s\t%.*s\n", colon + 1, (int) (colon - e), e);
                }
        if (settings && json_object_object_get_ex(settings, "Networks", &nets)) {
                json_object_object_foreach(nets, name, ep) {
                        const char *ip = json_str(ep, "IPAddress");
                        (void) name;
                        if (!isempty(ip))
                                fprintf(f, "%s\t%s\n", ip, hostname);
                }
        }
        if (fclose(f) != 0)
                return -ENOMEM;

        f = open_memstream(&resolv, &resolv_size);
        if (!f)
                return -ENOMEM;
        if (json_object_object_get_ex(cfg, "Dns", &l) && json_object_is_type(l, json_type_array) &&
            json_object_array_length(l) > 0) {
                for (size_t i = 0; i < json_object_array_length(l); i++)
                        fprintf(f, "nameserver %s\n", json_object_get_string(json_object_array_get_idx(l, i)));
        } else if (host_mode) {
                _cleanup_(freep) char *h = NULL;
                if (read_full_file("/etc/resolv.conf", &h, NULL, 1 << 20) >= 0)
                        fputs(h, f);
        } else if (settings && json_object_object_get_ex(settings, "WharfNameservers", &l))
                for (size_t i = 0; i < json_object_array_length(l); i++)
                        fprintf(f, "nameserver %s\n", json_object_get_string(json_object_array_get_idx(l, i)));
        if (fclose(f) != 0)
                return -ENOMEM;

        if (asprintf(&hn, "%s\n", hostname) < 0)
                return -ENOMEM;
        r = write_in_place(p_hosts, hosts);
        if (r >= 0)
                r = write_in_place(p_resolv, resolv);
        if (r >= 0)
                r = write_in_place(p_hostname, hn);
        return r;
}

static int settings_store(Manager *m, const Container *c, const char *settings) {
        _cleanup_(freep) char *p = container_file(m, c->id, "network-settings.json");
        if (!p)
                return -ENOMEM;
        return (c->auto_remove ? write_file_atomic_nosync : write_file_atomic)(p, settings, strlen(settings), 0644);
}

int network_sandbox_finish(Manager *m, const Container *c, sd_bus_message *reply) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        const char *settings = NULL;
        int r;

        /* CreateSandboxWithOptions answers (netns, settings) */
        r = sd_bus_message_read(reply, "s", &settings);
        if (r < 0)
                return r;
        o = json_tokener_parse(settings);
        (void) settings_store(m, c, settings);
        return etc_files_write(m, c, o);
}

int network_spec_add_mounts(Manager *m, const Container *c, char **spec) {
        static const char *const files[] = { "hosts", "hostname", "resolv.conf" };
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(*spec);
        json_object *mounts;
        const char *s;
        char *n;

        if (!o || !json_object_is_type(o, json_type_object))
                return -EINVAL;
        if (!json_object_object_get_ex(o, "mounts", &mounts)) {
                mounts = json_object_new_array();
                json_object_object_add(o, "mounts", mounts);
        }
        for (size_t i = 0; i < ELEMENTSOF(files); i++) {
                _cleanup_(freep) char *src = container_file(m, c->id, files[i]), *dst = NULL;
                json_object *mnt, *opts;

                if (!src || asprintf(&dst, "/etc/%s", files[i]) < 0)
                        return -ENOMEM;
                if (access(src, F_OK) < 0)
                        continue;
                mnt = json_object_new_object();
                json_object_object_add(mnt, "destination", json_object_new_string(dst));
                json_object_object_add(mnt, "type", json_object_new_string("bind"));
                json_object_object_add(mnt, "source", json_object_new_string(src));
                opts = json_object_new_array();
                json_object_array_add(opts, json_object_new_string("rbind"));
                json_object_array_add(opts, json_object_new_string("rprivate"));
                json_object_object_add(mnt, "options", opts);
                json_object_array_add(mounts, mnt);
        }
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        n = s ? strdup(s) : NULL;
        if (!n)
                return -ENOMEM;
        free(*spec);
        *spec = n;
        return 0;
}

/* Engine1 methods: forwarded to netd, answered with its reply */

typedef struct Forward {
        Manager *manager;
        sd_bus_message *request;
        char id[ID_HEX_LEN + 1];        /* connect: the container whose files follow */
        /* connect/disconnect: the network as netd named it, recorded in
         * network.json once netd has applied it */
        char *network, *network_id, *options;
        bool disconnect;
} Forward;

static void forward_free(Forward *f) {
        sd_bus_message_unref(f->request);
        free(f->network);
        free(f->network_id);
        free(f->options);
        free(f);
}

static int on_forward_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Forward *f = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *out = NULL;
        int r;

        if (e) {
                /* netd's messages are docker's: pass them on as they are */
                r = backend_reply_error_as_is(f->request, e);
                goto finish;
        }
        if (f->id[0]) {
                /* a connect: the container's hosts file gets the new address */
                Container *c = NULL;
                const char *settings;
                if (container_find(f->manager->containers, f->id, &c) >= 0 && f->network) {
                        r = f->disconnect ? attach_forget(f->manager, c, f->network, f->network_id) :
                                attach_record(f->manager, c, f->network, f->network_id, f->options);
                        if (r < 0 && r != -EEXIST && r != -ENOENT)
                                log_warning_errno(r, "Failed to record the networks of %s: %m", c->id);
                }
                if (c && !f->disconnect && sd_bus_message_read(reply, "s", &settings) >= 0) {
                        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(settings);
                        (void) settings_store(f->manager, c, settings);
                        (void) etc_files_write(f->manager, c, o);
                        (void) sd_bus_message_rewind(reply, true);
                }
                r = sd_bus_reply_method_return(f->request, NULL);
                goto finish;
        }
        r = sd_bus_message_new_method_return(f->request, &out);
        if (r >= 0)
                r = sd_bus_message_copy(out, reply, true);
        if (r >= 0)
                r = sd_bus_send(NULL, out, NULL);
finish:
        if (r < 0)
                log_warning_errno(r, "Failed to answer a network call: %m");
        forward_free(f);
        return 0;
}

static int forward_new(Manager *m, sd_bus_message *request, Forward **ret) {
        Forward *f = calloc(1, sizeof *f);
        if (!f)
                return -ENOMEM;
        f->manager = m;
        f->request = sd_bus_message_ref(request);
        *ret = f;
        return 0;
}

static int forward_fail(Forward *f, int r) {
        forward_free(f);
        return r;
}

#define FORWARD(m, message, method, types, ...)                                                         \
        ({                                                                                              \
                Forward *_f;                                                                            \
                int _r = forward_new(m, message, &_f);                                                  \
                if (_r >= 0) {                                                                          \
                        _r = backend_call(m, BACKEND_NET, NULL, method, BACKEND_TIMEOUT_USEC,           \
                                          on_forward_reply, _f, types, ##__VA_ARGS__);                  \
                        _r = _r < 0 ? forward_fail(_f, _r) : 1;                                         \
                }                                                                                       \
                _r;                                                                                     \
        })

int method_create_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        Manager *m = userdata;
        const BackendInfo *bi = backend_info(BACKEND_NET);
        Forward *f;
        int r;

        /* labels (a{ss}) are copied over as they came */
        r = sd_bus_message_new_method_call(m->bus, &call, bi->bus_name, bi->path, bi->interface, "CreateNetwork");
        if (r >= 0)
                r = sd_bus_message_copy(call, message, true);
        if (r < 0)
                return r;
        r = forward_new(m, message, &f);
        if (r < 0)
                return r;
        r = sd_bus_call_async(m->bus, NULL, call, on_forward_reply, f, BACKEND_TIMEOUT_USEC);
        return r < 0 ? forward_fail(f, r) : 1;
}

int method_remove_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(message, "s", &ref);
        return r < 0 ? r : FORWARD(userdata, message, "RemoveNetwork", "s", ref);
}

int method_inspect_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref;
        int r = sd_bus_message_read(message, "s", &ref);
        return r < 0 ? r : FORWARD(userdata, message, "InspectNetwork", "s", ref);
}

int method_list_networks(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return FORWARD(userdata, message, "ListNetworks", NULL);
}

int method_prune_networks(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return FORWARD(userdata, message, "PruneNetworks", NULL);
}

static int find_attachable(Manager *m, const char *ref, Container **ret, sd_bus_error *error) {
        Container *c = NULL;
        int r = container_find(m->containers, ref, &c);

        if (r == -ENOTUNIQ)
                return sd_bus_error_setf(error, WHARF_ERROR_AMBIGUOUS, "multiple IDs found with provided prefix: %s", ref);
        if (r < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", ref);
        if (c->starting)
                return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                         "container %s is starting: try again when it runs", c->id);
        /* docker's runconfig errors */
        if (streq_ptr(c->network_mode ?: m->config.default_network, "none"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "container cannot be connected to multiple networks with one of the "
                                         "networks in private (none) mode");
        if (mode_is_shared(c->network_mode ?: m->config.default_network))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "container sharing network namespace with another container or host "
                                         "cannot be connected to any other network");
        *ret = c;
        return 0;
}

/* Second step of connect/disconnect: the network exists (netd's
 * InspectNetwork answered with its Name and Id). A running container is
 * changed by netd, then recorded; one that does not run is only recorded,
 * and gets the change at its next start. */
static int on_network_resolved(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        Forward *f = userdata;
        _cleanup_(json_object_putp) json_object *o = NULL;
        Container *c = NULL;
        const char *json;
        int r;

        if (sd_bus_message_is_method_error(reply, NULL))
                return on_forward_reply(reply, userdata, ret_error);
        r = sd_bus_message_read(reply, "s", &json);
        if (r >= 0 && (!(o = json_tokener_parse(json)) || !json_str(o, "Name") || !json_str(o, "Id")))
                r = -EBADMSG;
        if (r >= 0 && (!(f->network = strdup(json_str(o, "Name"))) || !(f->network_id = strdup(json_str(o, "Id")))))
                r = -ENOMEM;
        if (r < 0) {
                r = sd_bus_reply_method_errorf(f->request, WHARF_ERROR_BACKEND_FAILED,
                                               "unexpected answer from the network daemon: %s", strerror(-r));
                goto finish;
        }
        if (container_find(f->manager->containers, f->id, &c) < 0) {
                r = sd_bus_reply_method_errorf(f->request, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", f->id);
                goto finish;
        }
        if (c->starting) {
                r = sd_bus_reply_method_errorf(f->request, SD_BUS_ERROR_NOT_SUPPORTED,
                                               "container %s is starting: try again when it runs", c->id);
                goto finish;
        }
        if (c->status == CONTAINER_RUNNING) {
                r = f->disconnect ?
                        backend_call(f->manager, BACKEND_NET, NULL, "DisconnectSandbox", BACKEND_TIMEOUT_USEC,
                                     on_forward_reply, f, "ss", c->id, f->network) :
                        backend_call(f->manager, BACKEND_NET, NULL, "ConnectSandbox", BACKEND_TIMEOUT_USEC,
                                     on_forward_reply, f, "sss", c->id, f->network, f->options);
                if (r >= 0)
                        return 0;       /* f goes on to on_forward_reply */
                r = sd_bus_reply_method_errorf(f->request, WHARF_ERROR_BACKEND_FAILED,
                                               "cannot reach the network daemon: %s", strerror(-r));
                goto finish;
        }
        r = f->disconnect ? attach_forget(f->manager, c, f->network, f->network_id) :
                attach_record(f->manager, c, f->network, f->network_id, f->options);
        if (r == -EEXIST)
                r = sd_bus_reply_method_errorf(f->request, SD_BUS_ERROR_FILE_EXISTS,
                                               "endpoint with name %s already exists in network %s",
                                               strempty(c->name), f->network);
        else if (r == -ENOENT)
                r = sd_bus_reply_method_errorf(f->request, SD_BUS_ERROR_INVALID_ARGS,
                                               "container %s is not connected to network %s", c->id, f->network);
        else if (r < 0)
                r = sd_bus_reply_method_errorf(f->request, WHARF_ERROR_BACKEND_FAILED,
                                               "failed to record the networks of %s: %s", c->id, strerror(-r));
        else
                r = sd_bus_reply_method_return(f->request, NULL);
finish:
        if (r < 0)
                log_warning_errno(r, "Failed to answer a network call: %m");
        forward_free(f);
        return 0;
}

static int attach_start(Manager *m, sd_bus_message *message, const char *ref, const char *network,
                        const char *options, bool disconnect, sd_bus_error *error) {
        Container *c = NULL;
        Forward *f;
        int r;

        r = find_attachable(m, ref, &c, error);
        if (r < 0)
                return r;
        /* docker's runconfig errors, for the target this time */
        if (!disconnect && streq(network, "none"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "container cannot be connected to multiple networks with one of the "
                                         "networks in private (none) mode");
        if (!disconnect && streq(network, "host"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "container cannot be disconnected from host network or connected to host "
                                         "network");
        r = forward_new(m, message, &f);
        if (r < 0)
                return r;
        snprintf(f->id, sizeof f->id, "%s", c->id);
        f->disconnect = disconnect;
        f->options = strdup(isempty(options) ? "{}" : options);
        if (!f->options)
                return forward_fail(f, -ENOMEM);
        r = backend_call(m, BACKEND_NET, NULL, "InspectNetwork", BACKEND_TIMEOUT_USEC, on_network_resolved, f,
                         "s", network);
        return r < 0 ? forward_fail(f, r) : 1;
}

int method_connect_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref, *network, *options;
        int r;

        r = sd_bus_message_read(message, "sss", &ref, &network, &options);
        if (r < 0)
                return r;
        return attach_start(userdata, message, ref, network, options, false, error);
}

int method_disconnect_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref, *network;
        int force, r;

        r = sd_bus_message_read(message, "ssb", &ref, &network, &force);
        if (r < 0)
                return r;
        return attach_start(userdata, message, ref, network, NULL, true, error);
}

int method_get_network_settings(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Container *c = NULL;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "No such container: %s", ref);
        if (c->status != CONTAINER_RUNNING)
                /* docker shows empty settings for a container that does not run */
                return sd_bus_reply_method_return(message, "s", "{\"Networks\":{},\"Ports\":{}}");
        return FORWARD(m, message, "GetSandbox", "s", c->id);
}
