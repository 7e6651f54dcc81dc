/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "log.h"
#include "macro.h"
#include "netd-store.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

Network *network_free(Network *n) {
        if (!n)
                return NULL;
        free(n->name);
        free(n->driver);
        strv_free(n->labels);
        free(n->created);
        free(n);
        return NULL;
}

void endpoint_done(Endpoint *e) {
        strv_free(e->aliases);
        e->aliases = NULL;
}

SandboxRec *sandbox_rec_free(SandboxRec *s) {
        if (!s)
                return NULL;
        for (size_t i = 0; i < s->n_endpoints; i++)
                endpoint_done(s->endpoints + i);
        free(s->endpoints);
        for (size_t i = 0; i < s->n_ports; i++)
                safe_close(s->ports[i].fd);
        free(s->ports);
        free(s->mode);
        free(s->name);
        free(s);
        return NULL;
}

static json_object *strv_to_json(char * const *l) {
        json_object *a = json_object_new_array();
        STRV_FOREACH(s, l)
                json_object_array_add(a, json_object_new_string(*s));
        return a;
}

static int strv_from_json(json_object *a, char ***ret) {
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        if (a && json_object_is_type(a, json_type_array))
                for (size_t i = 0; i < json_object_array_length(a); i++) {
                        const char *s = json_object_get_string(json_object_array_get_idx(a, i));
                        if (s && strv_extend(&l, s) < 0)
                                return -ENOMEM;
                }
        *ret = TAKE_PTR(l);
        return 0;
}

static const char *get_str(json_object *o, const char *key) {
        json_object *v;
        return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
                json_object_get_string(v) : NULL;
}

static int copy_id(char dst[static ID_HEX_LEN + 1], const char *s) {
        if (!s || !id_is_valid(s))
                return -EBADMSG;
        memcpy(dst, s, ID_HEX_LEN + 1);
        return 0;
}

static int json_finish(json_object *o, char **ret) {
        const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        *ret = s ? strdup(s) : NULL;
        return *ret ? 0 : -ENOMEM;
}

int network_to_json(const Network *n, char **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        char sub[CIDR_STRLEN], gw[IP4_STRLEN];

        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "Id", json_object_new_string(n->id));
        json_object_object_add(o, "Name", json_object_new_string(n->name));
        json_object_object_add(o, "Driver", json_object_new_string(n->driver));
        json_object_object_add(o, "Bridge", json_object_new_string(n->bridge));
        if (streq(n->driver, "bridge")) {
                json_object_object_add(o, "Subnet", json_object_new_string(cidr_format(n->subnet, sub)));
                json_object_object_add(o, "Gateway", json_object_new_string(ip4_format(n->gateway, gw)));
        }
        json_object_object_add(o, "Internal", json_object_new_boolean(n->internal));
        json_object_object_add(o, "Predefined", json_object_new_boolean(n->predefined));
        json_object_object_add(o, "Labels", strv_to_json(n->labels));
        json_object_object_add(o, "Created", json_object_new_string(strempty(n->created)));
        return json_finish(o, ret);
}

int network_from_json(const char *json, Network **ret) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(json);
        _cleanup_(network_freep) Network *n = NULL;
        json_object *v;
        const char *s;

        if (!o || !json_object_is_type(o, json_type_object))
                return -EBADMSG;
        n = calloc(1, sizeof *n);
        if (!n)
                return -ENOMEM;
        n->dns_fd = -EBADF;
        if (copy_id(n->id, get_str(o, "Id")) < 0 || !get_str(o, "Name") || !get_str(o, "Driver"))
                return -EBADMSG;
        n->name = strdup(get_str(o, "Name"));
        n->driver = strdup(get_str(o, "Driver"));
        n->created = strdup(strempty(get_str(o, "Created")));
        if (!n->name || !n->driver || !n->created)
                return -ENOMEM;
        snprintf(n->bridge, sizeof n->bridge, "%s", strempty(get_str(o, "Bridge")));
        if (streq(n->driver, "bridge")) {
                if (isempty(n->bridge) || cidr_parse(get_str(o, "Subnet"), &n->subnet) < 0 ||
                    ip4_parse(get_str(o, "Gateway"), &n->gateway) < 0)
                        return -EBADMSG;
        }
        n->internal = json_object_object_get_ex(o, "Internal", &v) && json_object_get_boolean(v);
        n->predefined = json_object_object_get_ex(o, "Predefined", &v) && json_object_get_boolean(v);
        if (strv_from_json(json_object_object_get_ex(o, "Labels", &v) ? v : NULL, &n->labels) < 0)
                return -ENOMEM;
        (void) s;
        *ret = TAKE_PTR(n);
        return 0;
}

int sandbox_rec_to_json(const SandboxRec *s, char **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        json_object *eps, *ports;

        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "Id", json_object_new_string(s->id));
        json_object_object_add(o, "Mode", json_object_new_string(strempty(s->mode)));
        json_object_object_add(o, "Name", json_object_new_string(strempty(s->name)));
        eps = json_object_new_array();
        for (size_t i = 0; i < s->n_endpoints; i++) {
                const Endpoint *e = s->endpoints + i;
                json_object *j = json_object_new_object();
                char ip[IP4_STRLEN], mac[MAC_STRLEN];

                json_object_object_add(j, "NetworkID", json_object_new_string(e->network_id));
                json_object_object_add(j, "IfName", json_object_new_string(e->ifname));
                json_object_object_add(j, "Veth", json_object_new_string(e->veth));
                json_object_object_add(j, "IPAddress", json_object_new_string(ip4_format(e->ip, ip)));
                json_object_object_add(j, "MacAddress", json_object_new_string(mac_format(e->mac, mac)));
                json_object_object_add(j, "Aliases", strv_to_json(e->aliases));
                json_object_array_add(eps, j);
        }
        json_object_object_add(o, "Endpoints", eps);
        ports = json_object_new_array();
        for (size_t i = 0; i < s->n_ports; i++) {
                const PortMap *p = s->ports + i;
                json_object *j = json_object_new_object();
                char ip[IP4_STRLEN];

                json_object_object_add(j, "HostIp", json_object_new_string(ip4_format(p->host_ip, ip)));
                json_object_object_add(j, "HostPort", json_object_new_int(p->host_port));
                json_object_object_add(j, "ContainerPort", json_object_new_int(p->container_port));
                json_object_object_add(j, "Proto", json_object_new_string(p->udp ? "udp" : "tcp"));
                json_object_array_add(ports, j);
        }
        json_object_object_add(o, "Ports", ports);
        return json_finish(o, ret);
}

int sandbox_rec_from_json(const char *json, SandboxRec **ret) {
        _cleanup_(json_object_putp) json_object *o = json_tokener_parse(json);
        _cleanup_(sandbox_rec_freep) SandboxRec *s = NULL;
        json_object *eps = NULL, *ports = NULL, *v;

        if (!o || !json_object_is_type(o, json_type_object))
                return -EBADMSG;
        s = calloc(1, sizeof *s);
        if (!s)
                return -ENOMEM;
        if (copy_id(s->id, get_str(o, "Id")) < 0)
                return -EBADMSG;
        s->mode = strdup(strempty(get_str(o, "Mode")));
        s->name = strdup(strempty(get_str(o, "Name")));
        if (!s->mode || !s->name)
                return -ENOMEM;
        if (json_object_object_get_ex(o, "Endpoints", &eps) && json_object_is_type(eps, json_type_array)) {
                size_t n = json_object_array_length(eps);
                s->endpoints = calloc(n ?: 1, sizeof *s->endpoints);
                if (!s->endpoints)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        json_object *j = json_object_array_get_idx(eps, i);
                        Endpoint *e = s->endpoints + s->n_endpoints;

                        if (copy_id(e->network_id, get_str(j, "NetworkID")) < 0 ||
                            ip4_parse(get_str(j, "IPAddress"), &e->ip) < 0 ||
                            mac_parse(get_str(j, "MacAddress"), e->mac) < 0)
                                return -EBADMSG;
                        snprintf(e->ifname, sizeof e->ifname, "%s", strempty(get_str(j, "IfName")));
                        snprintf(e->veth, sizeof e->veth, "%s", strempty(get_str(j, "Veth")));
                        if (strv_from_json(json_object_object_get_ex(j, "Aliases", &v) ? v : NULL, &e->aliases) < 0)
                                return -ENOMEM;
                        s->n_endpoints++;
                }
        }
        if (json_object_object_get_ex(o, "Ports", &ports) && json_object_is_type(ports, json_type_array)) {
                size_t n = json_object_array_length(ports);
                s->ports = calloc(n ?: 1, sizeof *s->ports);
                if (!s->ports)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        json_object *j = json_object_array_get_idx(ports, i);
                        PortMap *p = s->ports + s->n_ports;

                        p->fd = -EBADF;
                        if (ip4_parse(get_str(j, "HostIp"), &p->host_ip) < 0)
                                return -EBADMSG;
                        p->host_port = json_object_object_get_ex(j, "HostPort", &v) ? json_object_get_int(v) : 0;
                        p->container_port = json_object_object_get_ex(j, "ContainerPort", &v) ? json_object_get_int(v) : 0;
                        p->udp = streq_ptr(get_str(j, "Proto"), "udp");
                        s->n_ports++;
                }
        }
        *ret = TAKE_PTR(s);
        return 0;
}

static int save(const char *dir, const char *id, const char *json) {
        _cleanup_(freep) char *p = NULL;

        if (asprintf(&p, "%s/%s.json", dir, id) < 0)
                return -ENOMEM;
        return write_file_atomic(p, json, strlen(json), 0644);
}

int store_save_network(const char *dir, const Network *n) {
        _cleanup_(freep) char *json = NULL;
        int r = network_to_json(n, &json);
        return r < 0 ? r : save(dir, n->id, json);
}

int store_save_sandbox(const char *dir, const SandboxRec *s) {
        _cleanup_(freep) char *json = NULL;
        int r = sandbox_rec_to_json(s, &json);
        return r < 0 ? r : save(dir, s->id, json);
}

int store_remove(const char *dir, const char *id) {
        _cleanup_(freep) char *p = NULL;

        if (asprintf(&p, "%s/%s.json", dir, id) < 0)
                return -ENOMEM;
        return unlink(p) < 0 && errno != ENOENT ? -errno : 0;
}

typedef int (*LoadOne)(const char *json, void **ret);

static int load_all(const char *dir, LoadOne load, void (*link)(void *item, void *head), void *head) {
        DIR *d = opendir(dir);

        if (!d)
                return errno == ENOENT ? 0 : -errno;
        for (struct dirent *de; (de = readdir(d)); ) {
                _cleanup_(freep) char *p = NULL, *json = NULL;
                const char *dot = strrchr(de->d_name, '.');
                void *item = NULL;

                if (!dot || !streq(dot, ".json"))
                        continue;
                p = path_join(dir, de->d_name);
                if (!p || read_full_file(p, &json, NULL, 1 << 20) < 0 || load(json, &item) < 0) {
                        log_warning("Ignoring unreadable record %s/%s.", dir, de->d_name);
                        continue;
                }
                link(item, head);
        }
        closedir(d);
        return 0;
}

static int load_network(const char *json, void **ret) { return network_from_json(json, (Network **) ret); }
static int load_sandbox(const char *json, void **ret) { return sandbox_rec_from_json(json, (SandboxRec **) ret); }
static void link_network(void *item, void *head) {
        Network *n = item, **h = head;
        n->next = *h;
        *h = n;
}
static void link_sandbox(void *item, void *head) {
        SandboxRec *s = item, **h = head;
        s->next = *h;
        *h = s;
}

int store_load_networks(const char *dir, Network **head) {
        return load_all(dir, load_network, link_network, head);
}

int store_load_sandboxes(const char *dir, SandboxRec **head) {
        return load_all(dir, load_sandbox, link_sandbox, head);
}

static int lease_path(const char *dir, const char *net_id, uint32_t ip, char **ret) {
        char s[IP4_STRLEN];
        return asprintf(ret, "%s/%s/%s", dir, net_id, ip4_format(ip, s)) < 0 ? -ENOMEM : 0;
}

int lease_take(const char *dir, const char *net_id, uint32_t ip, const char *container_id) {
        _cleanup_(freep) char *p = NULL, *d = NULL;
        _cleanup_(closep) int fd = -EBADF;
        int r;

        if (asprintf(&d, "%s/%s", dir, net_id) < 0)
                return -ENOMEM;
        r = mkdir_p(d, 0755);
        if (r < 0)
                return r;
        r = lease_path(dir, net_id, ip, &p);
        if (r < 0)
                return r;
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, container_id, strlen(container_id));
        if (r < 0 || fsync(fd) < 0) {
                (void) unlink(p);
                return r < 0 ? r : -errno;
        }
        return 0;
}

int lease_release(const char *dir, const char *net_id, uint32_t ip) {
        _cleanup_(freep) char *p = NULL;
        int r = lease_path(dir, net_id, ip, &p);

        if (r < 0)
                return r;
        return unlink(p) < 0 && errno != ENOENT ? -errno : 0;
}
