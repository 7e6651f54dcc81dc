/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Networks, endpoints and published ports: the state behind Net1's
 * network methods, and the kernel objects derived from it. */
#include <arpa/inet.h>
#include <ctype.h>
#include <fcntl.h>
#include <net/if.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <time.h>

#include "daemon.h"
#include "bus-errors.h"
#include "dns.h"
#include "fs-util.h"
#include "log.h"
#include "netd-manager.h"
#include "netd-network.h"
#include "netns.h"
#include "nft.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

#define DEFAULT_NETWORK "bridge"

/* Lookup */

Network *manager_find_network(Manager *m, const char *ref) {
        Network *prefix = NULL;
        size_t n_prefix = 0;

        if (isempty(ref))
                return NULL;
        for (Network *n = m->networks; n; n = n->next)
                if (streq(n->id, ref) || streq(n->name, ref))
                        return n;
        for (Network *n = m->networks; n; n = n->next)
                if (startswith(n->id, ref)) {
                        prefix = n;
                        n_prefix++;
                }
        return n_prefix == 1 ? prefix : NULL;
}

static Network *find_network_by_id(Manager *m, const char *id) {
        for (Network *n = m->networks; n; n = n->next)
                if (streq(n->id, id))
                        return n;
        return NULL;
}

SandboxRec *manager_find_sandbox_rec(Manager *m, const char *id) {
        for (SandboxRec *s = m->sandboxes; s; s = s->next)
                if (streq(s->id, id))
                        return s;
        return NULL;
}

static size_t network_n_endpoints(Manager *m, const Network *n) {
        size_t k = 0;
        for (SandboxRec *s = m->sandboxes; s; s = s->next)
                for (size_t i = 0; i < s->n_endpoints; i++)
                        if (streq(s->endpoints[i].network_id, n->id))
                                k++;
        return k;
}

static bool network_name_is_valid(const char *s) {
        if (isempty(s) || strlen(s) > 128 || !isalnum((unsigned char) s[0]))
                return false;
        for (const char *p = s; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr("_.-", *p))
                        return false;
        return true;
}

/* nft */

int manager_nft_sync(Manager *m, char **ret_error) {
        _cleanup_(freep) NftNetwork *nets = NULL;
        _cleanup_(freep) NftPort *ports = NULL;
        _cleanup_(freep) char *script = NULL;
        size_t n_nets = 0, n_ports = 0, cap_ports = 0;
        int r;

        for (Network *n = m->networks; n; n = n->next)
                n_nets += n->bridge_ready;
        nets = calloc(n_nets ?: 1, sizeof *nets);
        if (!nets)
                return -ENOMEM;
        n_nets = 0;
        for (Network *n = m->networks; n; n = n->next)
                if (n->bridge_ready)
                        nets[n_nets++] = (NftNetwork) { .bridge = n->bridge, .subnet = n->subnet, .internal = n->internal };

        for (SandboxRec *s = m->sandboxes; s; s = s->next) {
                if (s->n_ports == 0 || s->n_endpoints == 0)
                        continue;
                cap_ports += s->n_ports;
        }
        ports = calloc(cap_ports ?: 1, sizeof *ports);
        if (!ports)
                return -ENOMEM;
        for (SandboxRec *s = m->sandboxes; s; s = s->next)
                for (size_t i = 0; s->n_endpoints > 0 && i < s->n_ports; i++)
                        ports[n_ports++] = (NftPort) {
                                .host_ip = s->ports[i].host_ip,
                                .host_port = s->ports[i].host_port,
                                .udp = s->ports[i].udp,
                                .container_ip = s->endpoints[0].ip,
                                .container_port = s->ports[i].container_port,
                        };

        r = nft_script_build(m->table, nets, n_nets, ports, n_ports, &script);
        if (r < 0)
                return r;
        log_debug("nft script:\n%s", script);
        r = nft_script_run(script, ret_error);
        if (r >= 0)
                m->nft_stale = false;
        return r;
}

static void nft_sync_logged(Manager *m) {
        _cleanup_(freep) char *e = NULL;
        int r = manager_nft_sync(m, &e);
        if (r < 0)
                log_warning_errno(r, "Failed to update the nft table %s: %s", m->table, e ?: strerror(-r));
}

/* Bridges */

static int network_bridge_up(Manager *m, Network *n, sd_bus_error *error) {
        int r;

        if (n->bridge_ready || !streq(n->driver, "bridge"))
                return 0;
        r = link_bridge_ensure(n->bridge, n->gateway, n->subnet.prefix);
        if (r < 0) {
                log_error_errno(r, "Failed to set up bridge %s: %m", n->bridge);
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                         "failed to set up bridge %s: %s", n->bridge, strerror(-r));
        }
        if (!n->internal) {
                /* as docker: a bridge with outbound NAT needs forwarding */
                _cleanup_(closep) int fd = open("/proc/sys/net/ipv4/ip_forward", O_WRONLY | O_CLOEXEC);
                if (fd < 0 || loop_write(fd, "1", 1) < 0)
                        log_warning_errno(-errno, "Failed to enable IPv4 forwarding: %m");
        }
        n->bridge_ready = true;
        /* its masquerade and isolation rules are not in the table yet */
        m->nft_stale = true;
        if (!n->predefined)
                (void) dns_network_start(m, n);
        return 0;
}

/* Ports */

static int port_reserve(PortMap *p) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(p->host_port),
                                  .sin_addr.s_addr = htonl(p->host_ip) };
        socklen_t len = sizeof sa;
        _cleanup_(closep) int fd = -EBADF;

        /* What docker's proxy does by listening: hold the host port, so that
         * a second container or another program cannot take it. */
        fd = socket(AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return -errno;
        if (getsockname(fd, (struct sockaddr *) &sa, &len) < 0)
                return -errno;
        p->host_port = ntohs(sa.sin_port);
        p->fd = TAKE_FD(fd);
        return 0;
}

/* Release / commit */

/* defer_veths: the host veths are appended there for the caller to delete
 * later (after its reply: a veth's deletion waits for RCU grace periods)
 * instead of being deleted here; NULL: deleted here. */
static void sandbox_release_full(Manager *m, SandboxRec *rec, char ***defer_veths) {
        int r;

        for (size_t i = 0; i < rec->n_endpoints; i++) {
                Endpoint *e = rec->endpoints + i;

                if (!isempty(e->veth) && defer_veths && strv_extend(defer_veths, e->veth) >= 0)
                        ;
                else if (!isempty(e->veth)) {
                        r = link_delete(e->veth);
                        if (r < 0)
                                log_warning_errno(r, "Failed to delete %s: %m", e->veth);
                }
                (void) lease_release(m->leases_dir, e->network_id, e->ip);
        }
        for (size_t i = 0; i < rec->n_ports; i++)
                rec->ports[i].fd = safe_close(rec->ports[i].fd);
        (void) store_remove(m->sandboxes_dir, rec->id);
}

void manager_sandbox_release(Manager *m, SandboxRec *rec) {
        sandbox_release_full(m, rec, NULL);
}

static void sandboxes_unlink(Manager *m, SandboxRec *rec) {
        for (SandboxRec **p = &m->sandboxes; *p; p = &(*p)->next)
                if (*p == rec) {
                        *p = rec->next;
                        rec->next = NULL;
                        return;
                }
}

int manager_remove_sandbox_network_deferred(Manager *m, const char *id, char ***defer_veths) {
        SandboxRec *rec = manager_find_sandbox_rec(m, id);
        bool ports;

        if (!rec)
                return 0;
        ports = rec->n_ports > 0;
        sandboxes_unlink(m, rec);
        sandbox_release_full(m, rec, defer_veths);
        sandbox_rec_free(rec);
        if (ports)
                nft_sync_logged(m);
        return 0;
}

int manager_remove_sandbox_network(Manager *m, const char *id) {
        return manager_remove_sandbox_network_deferred(m, id, NULL);
}

int manager_sandbox_commit(Manager *m, Creation *c, char **ret_error) {
        int r = 0;

        if ((c->rec && c->rec->n_ports > 0) || m->nft_stale)
                r = manager_nft_sync(m, ret_error);
        return r;
}

/* Prepare */

static int endpoint_add(Manager *m, SandboxRec *rec, Network *n, const char *want_ip, const char *want_mac,
                        char **aliases, VethConfig **veths, size_t *n_veths, sd_bus_error *error) {
        _cleanup_(freep) uint32_t *used = NULL;
        size_t n_used = 0, k = 0;
        Endpoint *e, *l;
        VethConfig *v;
        uint32_t ip;
        int r, mtu;

        if (!streq(n->driver, "bridge"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "container cannot be connected to the %s network", n->name);
        for (size_t i = 0; i < rec->n_endpoints; i++)
                if (streq(rec->endpoints[i].network_id, n->id))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_EXISTS,
                                                 "endpoint with name %s already exists in network %s",
                                                 strempty(rec->name), n->name);
        if (rec->n_endpoints >= 16)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "too many networks for one container");

        r = network_bridge_up(m, n, error);
        if (r < 0)
                return r;

        for (SandboxRec *s = m->sandboxes; s; s = s->next)
                n_used += s->n_endpoints;
        used = calloc(n_used ?: 1, sizeof *used);
        if (!used)
                return -ENOMEM;
        for (SandboxRec *s = m->sandboxes; s; s = s->next)
                for (size_t i = 0; i < s->n_endpoints; i++)
                        if (streq(s->endpoints[i].network_id, n->id))
                                used[k++] = s->endpoints[i].ip;

        if (!isempty(want_ip)) {
                if (n->predefined)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "user specified IP address is supported on user defined networks only");
                if (ip4_parse(want_ip, &ip) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid IPv4 address: %s", want_ip);
                r = ipam_check(n->subnet, n->gateway, ip);
                if (r == -ERANGE) {
                        char sub[CIDR_STRLEN];
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "invalid address %s: it does not belong to the subnet %s of network %s",
                                                 want_ip, cidr_format(n->subnet, sub), n->name);
                }
                for (size_t i = 0; r >= 0 && i < k; i++)
                        if (used[i] == ip)
                                r = -EADDRINUSE;
                if (r < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_NETWORK_IN_USE,
                                                 "Address already in use: %s", want_ip);
        } else {
                r = ipam_pick(n->subnet, n->gateway, used, k, &ip);
                if (r < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                                 "no available IPv4 addresses on network %s", n->name);
        }

        l = reallocarray(rec->endpoints, rec->n_endpoints + 1, sizeof *l);
        if (!l)
                return -ENOMEM;
        rec->endpoints = l;
        v = reallocarray(*veths, *n_veths + 1, sizeof *v);
        if (!v)
                return -ENOMEM;
        *veths = v;

        e = rec->endpoints + rec->n_endpoints;
        *e = (Endpoint) { .ip = ip };
        memcpy(e->network_id, n->id, sizeof e->network_id);
        if (!isempty(want_mac)) {
                if (mac_parse(want_mac, e->mac) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid MAC address: %s", want_mac);
        } else
                mac_from_ip4(ip, e->mac);
        e->aliases = strv_copy(aliases);
        if (!e->aliases)
                return -ENOMEM;
        /* the sandbox side is named by its position, the host side by the
         * container id and a counter kept unique in the record */
        snprintf(e->ifname, sizeof e->ifname, "eth%zu", rec->n_endpoints);
        for (unsigned x = 0; x < 256; x++) {
                bool taken = false;
                snprintf(e->veth, sizeof e->veth, "wh%.10s%02x", rec->id, x);
                for (size_t i = 0; i < rec->n_endpoints; i++)
                        taken = taken || streq(rec->endpoints[i].veth, e->veth);
                if (!taken)
                        break;
        }
        for (size_t i = 0; i < rec->n_endpoints; i++)
                if (streq(rec->endpoints[i].ifname, e->ifname))
                        snprintf(e->ifname, sizeof e->ifname, "eth%zu", rec->n_endpoints + 1);

        r = lease_take(m->leases_dir, n->id, ip, rec->id);
        if (r < 0) {
                endpoint_done(e);
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to record the address lease: %s",
                                         strerror(-r));
        }
        rec->n_endpoints++;

        mtu = link_get_mtu(n->bridge);
        v = *veths + (*n_veths)++;
        *v = (VethConfig) {
                .ip = ip,
                .prefix = n->subnet.prefix,
                .gateway = n->internal ? 0 : n->gateway,
                .mtu = mtu > 0 ? (unsigned) mtu : 1500,
        };
        memcpy(v->mac, e->mac, 6);
        snprintf(v->host_name, sizeof v->host_name, "%s", e->veth);
        snprintf(v->ifname, sizeof v->ifname, "%s", e->ifname);
        snprintf(v->bridge, sizeof v->bridge, "%s", n->bridge);
        return 0;
}

static const char *json_str(json_object *o, const char *key) {
        json_object *v;
        return o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
                json_object_get_string(v) : NULL;
}

static int json_strv(json_object *o, const char *key, char ***ret) {
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));
        json_object *a;

        if (!l)
                return -ENOMEM;
        if (o && json_object_object_get_ex(o, key, &a) && json_object_is_type(a, json_type_array))
                for (size_t i = 0; i < json_object_array_length(a); i++) {
                        const char *s = json_object_get_string(json_object_array_get_idx(a, i));
                        if (!isempty(s) && strv_extend(&l, s) < 0)
                                return -ENOMEM;
                }
        *ret = TAKE_PTR(l);
        return 0;
}

static int ports_add(SandboxRec *rec, json_object *bindings, sd_bus_error *error) {
        size_t n;

        if (!bindings || !json_object_is_type(bindings, json_type_array))
                return 0;
        n = json_object_array_length(bindings);
        rec->ports = calloc(n ?: 1, sizeof *rec->ports);
        if (!rec->ports)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                json_object *b = json_object_array_get_idx(bindings, i), *v;
                const char *proto = json_str(b, "Proto"), *hip = json_str(b, "HostIp");
                PortMap *p = rec->ports + rec->n_ports;
                int64_t cp = json_object_object_get_ex(b, "ContainerPort", &v) ? json_object_get_int64(v) : 0;
                int64_t hp = json_object_object_get_ex(b, "HostPort", &v) ? json_object_get_int64(v) : 0;
                char ip[IP4_STRLEN];
                int r;

                *p = (PortMap) { .fd = -EBADF, .udp = streq_ptr(proto, "udp") };
                if (!isempty(proto) && !streq(proto, "tcp") && !streq(proto, "udp"))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid proto: %s", proto);
                if (cp < 1 || cp > 65535 || hp < 0 || hp > 65535)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid port specification");
                if (!isempty(hip) && ip4_parse(hip, &p->host_ip) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid IP address: %s", hip);
                p->container_port = cp;
                p->host_port = hp;
                r = port_reserve(p);
                if (r == -EADDRINUSE)
                        return sd_bus_error_setf(error, WHARF_ERROR_PORT_IN_USE,
                                                 "driver failed programming external connectivity on endpoint %s: "
                                                 "Bind for %s:%u failed: port is already allocated",
                                                 strempty(rec->name), ip4_format(p->host_ip, ip), (unsigned) hp);
                if (r == -EADDRNOTAVAIL)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "Bind for %s:%u failed: the address is not on this host",
                                                 ip4_format(p->host_ip, ip), (unsigned) hp);
                if (r < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to reserve port %u: %s",
                                                 (unsigned) hp, strerror(-r));
                rec->n_ports++;
        }
        return 0;
}

/* The further networks of a sandbox, made at start: options' "Connect",
 * a list of {"Network", "Aliases", "IPAddress"} (connects of a container
 * that was not running, which docker applies at its next start). */
static int connect_add(Manager *m, SandboxRec *rec, json_object *o, Creation *c, sd_bus_error *error) {
        json_object *l;
        int r;

        if (!json_object_object_get_ex(o, "Connect", &l))
                return 0;
        if (!json_object_is_type(l, json_type_array))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "option Connect must be a list");
        for (size_t i = 0; i < json_object_array_length(l); i++) {
                json_object *e = json_object_array_get_idx(l, i);
                _cleanup_(strv_freep) char **aliases = NULL;
                const char *ref = json_str(e, "Network");
                Network *n = manager_find_network(m, ref);

                if (!n)
                        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_NETWORK, "network %s not found",
                                                 strempty(ref));
                r = json_strv(e, "Aliases", &aliases);
                if (r < 0)
                        return r;
                r = endpoint_add(m, rec, n, json_str(e, "IPAddress"), NULL, aliases, &c->veths, &c->n_veths, error);
                if (r < 0)
                        return r;
        }
        return 0;
}

int manager_sandbox_prepare(Manager *m, Creation *c, const char *mode, const char *options, sd_bus_error *error) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_(sandbox_rec_freep) SandboxRec *rec = NULL;
        _cleanup_(strv_freep) char **aliases = NULL;
        json_object *bindings = NULL;
        const char *net_ref;
        Network *n;
        int r;

        o = json_tokener_parse(isempty(options) ? "{}" : options);
        if (!o || !json_object_is_type(o, json_type_object))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "options are not a JSON object");

        if (streq(mode, "none"))
                return 0;
        if (streq(mode, "host")) {
                c->join = strdup("/proc/self/ns/net");
                return c->join ? 0 : -ENOMEM;
        }
        if (startswith(mode, "container:")) {
                _cleanup_(freep) char *path = NULL;
                const char *other = mode + strlen("container:");

                if (sandbox_path(m->netns_dir, other, &path) < 0 || netns_is_pinned(path) <= 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER,
                                                 "cannot join the network of container %s: it is not running", other);
                c->join = TAKE_PTR(path);
                return 0;
        }

        net_ref = streq(mode, "bridge") || streq(mode, "default") ? DEFAULT_NETWORK : mode;
        n = manager_find_network(m, net_ref);
        if (!n)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_NETWORK, "network %s not found", net_ref);

        rec = calloc(1, sizeof *rec);
        if (!rec)
                return -ENOMEM;
        memcpy(rec->id, c->id, sizeof rec->id);
        rec->mode = strdup(mode);
        rec->name = strdup(strempty(json_str(o, "Name")));
        if (!rec->mode || !rec->name)
                return -ENOMEM;
        /* docker adds no aliases on the default bridge: no DNS there */
        r = json_strv(o, "Aliases", &aliases);
        if (r < 0)
                return r;

        r = endpoint_add(m, rec, n, json_str(o, "IPAddress"), json_str(o, "MacAddress"), aliases,
                         &c->veths, &c->n_veths, error);
        if (r >= 0)
                r = connect_add(m, rec, o, c, error);
        /* as docker: a container on an internal network publishes nothing
         * (the bindings are accepted and ignored, `port` shows none) */
        if (r >= 0 && !n->internal && json_object_object_get_ex(o, "PortBindings", &bindings))
                r = ports_add(rec, bindings, error);
        if (r >= 0) {
                r = store_save_sandbox(m->sandboxes_dir, rec);
                if (r < 0)
                        sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to record the sandbox: %s",
                                          strerror(-r));
        }
        if (r < 0) {
                manager_sandbox_release(m, rec);
                return r;
        }

        rec->next = m->sandboxes;
        m->sandboxes = rec;
        c->rec = TAKE_PTR(rec);
        return 0;
}

/* Connect: a second (third...) network for a sandbox that exists */
int manager_sandbox_connect_prepare(Manager *m, Creation *c, const char *network, const char *options,
                                    sd_bus_error *error) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_(strv_freep) char **aliases = NULL;
        _cleanup_(freep) char *path = NULL;
        SandboxRec *rec;
        Network *n;
        int r;

        o = json_tokener_parse(isempty(options) ? "{}" : options);
        if (!o || !json_object_is_type(o, json_type_object))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "options are not a JSON object");
        n = manager_find_network(m, network);
        if (!n)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_NETWORK, "network %s not found", network);
        if (sandbox_path(m->netns_dir, c->id, &path) < 0 || netns_is_pinned(path) <= 0)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "container %s is not running", c->id);
        rec = manager_find_sandbox_rec(m, c->id);
        if (!rec)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "container %s shares a namespace (none, host or container mode): "
                                         "cannot connect it to a network", c->id);
        r = json_strv(o, "Aliases", &aliases);
        if (r < 0)
                return r;
        r = endpoint_add(m, rec, n, json_str(o, "IPAddress"), NULL, aliases, &c->veths, &c->n_veths, error);
        if (r < 0)
                return r;
        r = store_save_sandbox(m->sandboxes_dir, rec);
        if (r < 0)
                log_warning_errno(r, "Failed to record sandbox %s: %m", rec->id);
        c->attach = true;
        return 0;
}

/* Undo the last endpoint (a connect whose helper failed). */
void manager_sandbox_connect_undo(Manager *m, Creation *c) {
        SandboxRec *rec = manager_find_sandbox_rec(m, c->id);
        Endpoint *e;

        if (!rec || rec->n_endpoints == 0)
                return;
        e = rec->endpoints + --rec->n_endpoints;
        (void) link_delete(e->veth);
        (void) lease_release(m->leases_dir, e->network_id, e->ip);
        endpoint_done(e);
        (void) store_save_sandbox(m->sandboxes_dir, rec);
}

int manager_sandbox_disconnect(Manager *m, const char *id, const char *network, sd_bus_error *error) {
        SandboxRec *rec = manager_find_sandbox_rec(m, id);
        Network *n = manager_find_network(m, network);
        size_t i;
        int r;

        if (!n)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_NETWORK, "network %s not found", network);
        for (i = 0; rec && i < rec->n_endpoints; i++)
                if (streq(rec->endpoints[i].network_id, n->id))
                        break;
        if (!rec || i >= rec->n_endpoints)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "container %s is not connected to network %s", id, n->name);
        r = link_delete(rec->endpoints[i].veth);
        if (r < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to delete %s: %s",
                                         rec->endpoints[i].veth, strerror(-r));
        (void) lease_release(m->leases_dir, n->id, rec->endpoints[i].ip);
        endpoint_done(rec->endpoints + i);
        memmove(rec->endpoints + i, rec->endpoints + i + 1, (rec->n_endpoints - i - 1) * sizeof *rec->endpoints);
        rec->n_endpoints--;
        (void) store_save_sandbox(m->sandboxes_dir, rec);
        if (rec->n_ports > 0)
                nft_sync_logged(m);
        log_info("Disconnected %s from network %s.", id, n->name);
        return 0;
}

/* NetworkSettings */

static void upstreams_for(Manager *m, SandboxRec *rec, json_object *dns) {
        for (size_t i = 0; rec && i < rec->n_endpoints; i++) {
                Network *n = find_network_by_id(m, rec->endpoints[i].network_id);
                if (n && !n->predefined) {
                        char gw[IP4_STRLEN];
                        json_object_array_add(dns, json_object_new_string(ip4_format(n->gateway, gw)));
                        return;
                }
        }
        /* as docker: the host's resolvers, without loopback ones, which a
         * container cannot reach; Google's when none is left */
        STRV_FOREACH(u, m->upstreams)
                if (!startswith(*u, "127.") && !streq(*u, "::1"))
                        json_object_array_add(dns, json_object_new_string(*u));
        if (json_object_array_length(dns) == 0) {
                json_object_array_add(dns, json_object_new_string("8.8.8.8"));
                json_object_array_add(dns, json_object_new_string("8.8.4.4"));
        }
}

int manager_sandbox_settings(Manager *m, const char *id, char **ret) {
        _cleanup_(json_object_putp) json_object *o = json_object_new_object();
        _cleanup_(freep) char *path = NULL;
        SandboxRec *rec = manager_find_sandbox_rec(m, id);
        json_object *nets, *ports, *dns;
        const char *s;
        int r;

        if (!o)
                return -ENOMEM;
        r = sandbox_path(m->netns_dir, id, &path);
        if (r < 0)
                return r;
        json_object_object_add(o, "SandboxKey", json_object_new_string(path));
        json_object_object_add(o, "Gateway", json_object_new_string(""));
        json_object_object_add(o, "IPAddress", json_object_new_string(""));
        json_object_object_add(o, "IPPrefixLen", json_object_new_int(0));
        json_object_object_add(o, "MacAddress", json_object_new_string(""));
        nets = json_object_new_object();
        ports = json_object_new_object();
        for (size_t i = 0; rec && i < rec->n_endpoints; i++) {
                Endpoint *e = rec->endpoints + i;
                Network *n = find_network_by_id(m, e->network_id);
                json_object *j = json_object_new_object();
                char ip[IP4_STRLEN], gw[IP4_STRLEN], mac[MAC_STRLEN];

                if (!n)
                        continue;
                json_object_object_add(j, "Aliases", json_object_new_array());
                STRV_FOREACH(a, e->aliases)
                        json_object_array_add(json_object_object_get(j, "Aliases"), json_object_new_string(*a));
                json_object_object_add(j, "NetworkID", json_object_new_string(n->id));
                json_object_object_add(j, "EndpointID", json_object_new_string(e->veth));
                json_object_object_add(j, "Gateway", json_object_new_string(n->internal ? "" : ip4_format(n->gateway, gw)));
                json_object_object_add(j, "IPAddress", json_object_new_string(ip4_format(e->ip, ip)));
                json_object_object_add(j, "IPPrefixLen", json_object_new_int(n->subnet.prefix));
                json_object_object_add(j, "MacAddress", json_object_new_string(mac_format(e->mac, mac)));
                json_object_object_add(nets, n->name, j);
                if (streq(n->name, DEFAULT_NETWORK)) {
                        /* docker repeats the default bridge's at the top */
                        json_object_object_add(o, "Gateway", json_object_new_string(gw));
                        json_object_object_add(o, "IPAddress", json_object_new_string(ip));
                        json_object_object_add(o, "IPPrefixLen", json_object_new_int(n->subnet.prefix));
                        json_object_object_add(o, "MacAddress", json_object_new_string(mac));
                }
        }
        for (size_t i = 0; rec && i < rec->n_ports; i++) {
                PortMap *p = rec->ports + i;
                char key[16], hip[IP4_STRLEN], hp[8];
                json_object *l, *b;

                snprintf(key, sizeof key, "%u/%s", p->container_port, p->udp ? "udp" : "tcp");
                if (!json_object_object_get_ex(ports, key, &l)) {
                        l = json_object_new_array();
                        json_object_object_add(ports, key, l);
                }
                b = json_object_new_object();
                snprintf(hp, sizeof hp, "%u", p->host_port);
                json_object_object_add(b, "HostIp", json_object_new_string(ip4_format(p->host_ip, hip)));
                json_object_object_add(b, "HostPort", json_object_new_string(hp));
                json_object_array_add(l, b);
        }
        json_object_object_add(o, "Networks", nets);
        json_object_object_add(o, "Ports", ports);
        dns = json_object_new_array();
        upstreams_for(m, rec, dns);
        /* not docker's: what wharfd writes into the container's resolv.conf */
        json_object_object_add(o, "WharfNameservers", dns);
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
        *ret = s ? strdup(s) : NULL;
        return *ret ? 0 : -ENOMEM;
}

/* Networks: create, remove, inspect */

static int now_rfc3339(char **ret) {
        struct timespec ts;
        struct tm tm;
        char buf[64];

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
        return asprintf(ret, "%s.%09ldZ", buf, ts.tv_nsec) < 0 ? -ENOMEM : 0;
}

static int taken_subnets(Manager *m, Cidr **ret, size_t *ret_n) {
        _cleanup_(freep) Cidr *l = NULL;
        size_t n = 0;
        Cidr *nl;
        int r;

        r = link_routes_list(&l, &n);
        if (r < 0)
                return r;
        for (Network *x = m->networks; x; x = x->next) {
                if (!streq(x->driver, "bridge"))
                        continue;
                nl = reallocarray(l, n + 1, sizeof *l);
                if (!nl)
                        return -ENOMEM;
                l = nl;
                l[n++] = x->subnet;
        }
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

static int network_new(Manager *m, const char *name, const char *driver, Network **ret) {
        _cleanup_(network_freep) Network *n = calloc(1, sizeof *n);
        int r;

        if (!n)
                return -ENOMEM;
        n->dns_fd = -EBADF;
        do {
                r = random_id(n->id);
                if (r < 0)
                        return r;
        } while (find_network_by_id(m, n->id));
        n->name = strdup(name);
        n->driver = strdup(driver);
        n->labels = calloc(1, sizeof(char *));
        if (!n->name || !n->driver || !n->labels)
                return -ENOMEM;
        r = now_rfc3339(&n->created);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(n);
        return 0;
}

static void network_link(Manager *m, Network *n) {
        Network **p = &m->networks;
        while (*p)
                p = &(*p)->next;
        *p = n;
}

static void network_unlink(Manager *m, Network *n) {
        for (Network **p = &m->networks; *p; p = &(*p)->next)
                if (*p == n) {
                        *p = n->next;
                        n->next = NULL;
                        return;
                }
}

/* Checks subnet/gateway strings for a new network and fills n; errors are
 * docker's messages. */
static int network_set_ipam(Manager *m, Network *n, const char *subnet, const char *gateway, sd_bus_error *error) {
        int r;

        if (!isempty(subnet)) {
                r = cidr_parse(subnet, &n->subnet);
                if (r == -EADDRNOTAVAIL) {
                        char buf[CIDR_STRLEN];
                        Cidr c;
                        (void) cidr_parse(strchr(subnet, '/') ? subnet : "0.0.0.0/0", &c);
                        /* recompute the network address for the hint */
                        uint32_t a = 0;
                        char ip[IP4_STRLEN];
                        snprintf(ip, sizeof ip, "%.*s", (int) MIN(strcspn(subnet, "/"), sizeof ip - 1), subnet);
                        (void) ip4_parse(ip, &a);
                        unsigned p = (unsigned) atoi(strchr(subnet, '/') + 1);
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "invalid subnet %s: it should be %s", subnet,
                                                 cidr_format((Cidr) { .addr = a & cidr_mask(p), .prefix = p }, buf));
                }
                if (r < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid CIDR address: %s", subnet);
                if (n->subnet.prefix > 30 || n->subnet.prefix < 8)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "invalid subnet %s: the prefix must be between /8 and /30", subnet);
                for (Network *x = m->networks; x; x = x->next)
                        if (streq(x->driver, "bridge") && cidr_overlaps(x->subnet, n->subnet))
                                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                         "Pool overlaps with other one on this address space");
        } else {
                _cleanup_(freep) Cidr *taken = NULL;
                size_t n_taken = 0;

                if (!isempty(gateway))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "a gateway needs a subnet (--subnet)");
                r = taken_subnets(m, &taken, &n_taken);
                if (r < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to read the host's routes: %s",
                                                 strerror(-r));
                r = ipam_pick_subnet(taken, n_taken, &n->subnet);
                if (r < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                                 "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
        }
        if (!isempty(gateway)) {
                if (ip4_parse(gateway, &n->gateway) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid gateway address: %s", gateway);
                if (ipam_check(n->subnet, 0, n->gateway) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "no matching subnet for gateway %s", gateway);
        } else
                n->gateway = cidr_first_host(n->subnet);
        return 0;
}

static int network_destroy(Manager *m, Network *n) {
        int r;

        dns_network_stop(m, n);
        if (!isempty(n->bridge)) {
                r = link_delete(n->bridge);
                if (r < 0)
                        return r;
        }
        n->bridge_ready = false;
        r = store_remove(m->networks_dir, n->id);
        if (r < 0)
                return r;
        {
                _cleanup_(freep) char *d = path_join(m->leases_dir, n->id);
                if (d)
                        (void) rm_rf(d);
        }
        network_unlink(m, n);
        network_free(n);
        nft_sync_logged(m);
        return 0;
}

int method_create_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(network_freep) Network *n = NULL;
        _cleanup_(freep) char *nft_error = NULL;
        Manager *m = userdata;
        const char *name, *driver, *subnet, *gateway;
        int internal, r;

        r = sd_bus_message_read(message, "ssssb", &name, &driver, &subnet, &gateway, &internal);
        if (r < 0)
                return r;
        if (!network_name_is_valid(name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                         "invalid network name \"%s\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", name);
        if (!isempty(driver) && !streq(driver, "bridge"))
                return sd_bus_error_setf(error, SD_BUS_ERROR_NOT_SUPPORTED,
                                         "plugin \"%s\" not found: only the bridge driver is supported", driver);
        if (manager_find_network(m, name) && streq(manager_find_network(m, name)->name, name))
                return sd_bus_error_setf(error, SD_BUS_ERROR_FILE_EXISTS, "network with name %s already exists", name);

        r = network_new(m, name, "bridge", &n);
        if (r < 0)
                return r;
        n->internal = internal;
        r = sd_bus_message_enter_container(message, 'a', "{ss}");
        if (r < 0)
                return r;
        for (;;) {
                const char *k, *v;
                _cleanup_(freep) char *kv = NULL;

                r = sd_bus_message_read(message, "{ss}", &k, &v);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (asprintf(&kv, "%s=%s", k, v) < 0 || strv_extend(&n->labels, kv) < 0)
                        return -ENOMEM;
        }
        r = sd_bus_message_exit_container(message);
        if (r < 0)
                return r;

        r = network_set_ipam(m, n, subnet, gateway, error);
        if (r < 0)
                return r;
        /* docker's br-<12 hex of the id> */
        snprintf(n->bridge, sizeof n->bridge, "br-%.12s", n->id);

        r = network_bridge_up(m, n, error);
        if (r < 0) {
                (void) link_delete(n->bridge);
                return r;
        }
        r = store_save_network(m->networks_dir, n);
        if (r < 0) {
                dns_network_stop(m, n);
                (void) link_delete(n->bridge);
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to record the network: %s", strerror(-r));
        }
        network_link(m, n);
        r = manager_nft_sync(m, &nft_error);
        if (r < 0) {
                Network *x = TAKE_PTR(n);
                (void) network_destroy(m, x);
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to program nftables: %s",
                                         nft_error ?: strerror(-r));
        }
        log_info("Created network %s (%s, bridge %s).", n->name, n->id, n->bridge);
        Network *x = TAKE_PTR(n);
        return sd_bus_reply_method_return(message, "s", x->id);
}

int method_remove_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *ref;
        Network *n;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        n = manager_find_network(m, ref);
        if (!n)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_NETWORK, "network %s not found", ref);
        if (n->predefined)
                return sd_bus_error_setf(error, SD_BUS_ERROR_ACCESS_DENIED,
                                         "%s is a pre-defined network and cannot be removed", n->name);
        if (network_n_endpoints(m, n) > 0)
                return sd_bus_error_setf(error, WHARF_ERROR_NETWORK_IN_USE,
                                         "error while removing network: network %s id %s has active endpoints",
                                         n->name, n->id);
        log_info("Removing network %s (%s).", n->name, n->id);
        r = network_destroy(m, n);
        if (r < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to remove network %s: %s",
                                         ref, strerror(-r));
        return sd_bus_reply_method_return(message, NULL);
}

int method_prune_networks(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **removed = calloc(1, sizeof(char *));
        Manager *m = userdata;
        Network *n, *next;
        int r;

        if (!removed)
                return -ENOMEM;
        for (n = m->networks; n; n = next) {
                next = n->next;
                if (n->predefined || network_n_endpoints(m, n) > 0)
                        continue;
                r = strv_extend(&removed, n->name);
                if (r < 0)
                        return r;
                r = network_destroy(m, n);
                if (r < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "failed to remove network %s: %s",
                                                 removed[strv_length(removed) - 1], strerror(-r));
        }
        return bus_reply_method_return_strv(message, removed);
}

/* docker's network inspect shape */
static json_object *network_inspect_json(Manager *m, const Network *n) {
        json_object *o = json_object_new_object(), *ipam, *cfg, *ctrs, *labels, *opts;
        char sub[CIDR_STRLEN], gw[IP4_STRLEN];

        json_object_object_add(o, "Name", json_object_new_string(n->name));
        json_object_object_add(o, "Id", json_object_new_string(n->id));
        json_object_object_add(o, "Created", json_object_new_string(strempty(n->created)));
        json_object_object_add(o, "Scope", json_object_new_string("local"));
        json_object_object_add(o, "Driver", json_object_new_string(n->driver));
        json_object_object_add(o, "EnableIPv6", json_object_new_boolean(false));
        ipam = json_object_new_object();
        json_object_object_add(ipam, "Driver", json_object_new_string("default"));
        json_object_object_add(ipam, "Options", NULL);
        cfg = json_object_new_array();
        if (streq(n->driver, "bridge")) {
                json_object *c = json_object_new_object();
                json_object_object_add(c, "Subnet", json_object_new_string(cidr_format(n->subnet, sub)));
                json_object_object_add(c, "Gateway", json_object_new_string(ip4_format(n->gateway, gw)));
                json_object_array_add(cfg, c);
        }
        json_object_object_add(ipam, "Config", cfg);
        json_object_object_add(o, "IPAM", ipam);
        json_object_object_add(o, "Internal", json_object_new_boolean(n->internal));
        json_object_object_add(o, "Attachable", json_object_new_boolean(false));
        json_object_object_add(o, "Ingress", json_object_new_boolean(false));
        ctrs = json_object_new_object();
        for (SandboxRec *s = m->sandboxes; s; s = s->next)
                for (size_t i = 0; i < s->n_endpoints; i++) {
                        Endpoint *e = s->endpoints + i;
                        json_object *c;
                        char ip[IP4_STRLEN], mac[MAC_STRLEN], addr[CIDR_STRLEN + 4];

                        if (!streq(e->network_id, n->id))
                                continue;
                        c = json_object_new_object();
                        snprintf(addr, sizeof addr, "%s/%u", ip4_format(e->ip, ip), n->subnet.prefix);
                        json_object_object_add(c, "Name", json_object_new_string(strempty(s->name)));
                        json_object_object_add(c, "EndpointID", json_object_new_string(e->veth));
                        json_object_object_add(c, "MacAddress", json_object_new_string(mac_format(e->mac, mac)));
                        json_object_object_add(c, "IPv4Address", json_object_new_string(addr));
                        json_object_object_add(c, "IPv6Address", json_object_new_string(""));
                        json_object_object_add(ctrs, s->id, c);
                }
        json_object_object_add(o, "Containers", ctrs);
        opts = json_object_new_object();
        if (!isempty(n->bridge))
                json_object_object_add(opts, "com.docker.network.bridge.name", json_object_new_string(n->bridge));
        json_object_object_add(o, "Options", opts);
        labels = json_object_new_object();
        STRV_FOREACH(l, n->labels) {
                const char *eq = strchr(*l, '=');
                _cleanup_(freep) char *k = eq ? strndup(*l, eq - *l) : strdup(*l);
                if (k)
                        json_object_object_add(labels, k, json_object_new_string(eq ? eq + 1 : ""));
        }
        json_object_object_add(o, "Labels", labels);
        return o;
}

int method_inspect_network(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        Manager *m = userdata;
        const char *ref;
        Network *n;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        n = manager_find_network(m, ref);
        if (!n)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_NETWORK, "network %s not found", ref);
        o = network_inspect_json(m, n);
        return sd_bus_reply_method_return(message, "s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED));
}

int method_list_networks(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();
        Manager *m = userdata;

        if (!a)
                return -ENOMEM;
        for (Network *n = m->networks; n; n = n->next)
                json_object_array_add(a, network_inspect_json(m, n));
        return sd_bus_reply_method_return(message, "s", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
}

int method_get_sandbox(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *settings = NULL, *path = NULL;
        Manager *m = userdata;
        const char *id;
        int r;

        r = sd_bus_message_read(message, "s", &id);
        if (r < 0)
                return r;
        if (sandbox_path(m->netns_dir, id, &path) < 0 || netns_is_pinned(path) <= 0)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_CONTAINER, "no sandbox for %s", id);
        r = manager_sandbox_settings(m, id, &settings);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(message, "s", settings);
}

int method_disconnect_sandbox(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *id, *network;
        int r;

        r = sd_bus_message_read(message, "ss", &id, &network);
        if (r < 0)
                return r;
        if (manager_find_creation(m, id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "the sandbox of %s is busy", id);
        r = manager_sandbox_disconnect(m, id, network, error);
        if (r < 0)
                return r;
        return sd_bus_reply_method_return(message, NULL);
}

/* Start-up */

static int config_load(Manager *m) {
        _cleanup_(freep) char *p = path_join(m->state_dir, "config.json"), *json = NULL;
        _cleanup_(json_object_putp) json_object *o = NULL;
        const char *s;
        int r;

        if (!p)
                return -ENOMEM;
        r = read_full_file(p, &json, NULL, 1 << 16);
        if (r == -ENOENT)
                return 0;
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", p);
        o = json_tokener_parse(json);
        if (!o || !json_object_is_type(o, json_type_object))
                return log_error_errno(-EBADMSG, "%s is not a JSON object.", p);
        if ((s = json_str(o, "DefaultBridge"))) {
                free(m->default_bridge);
                m->default_bridge = strdup(s);
        }
        if ((s = json_str(o, "DefaultSubnet"))) {
                free(m->default_subnet);
                m->default_subnet = strdup(s);
        }
        if ((s = json_str(o, "Table"))) {
                free(m->table);
                m->table = strdup(s);
        }
        if (!m->default_bridge || !m->table)
                return -ENOMEM;
        if (strlen(m->default_bridge) >= IFNAMSIZ)
                return log_error_errno(-EINVAL, "%s: DefaultBridge \"%s\" is too long.", p, m->default_bridge);
        return 0;
}

static int upstreams_load(Manager *m) {
        _cleanup_(fclosep) FILE *f = fopen("/etc/resolv.conf", "re");
        _cleanup_(freep) char *line = NULL;
        size_t n = 0;

        m->upstreams = calloc(1, sizeof(char *));
        if (!m->upstreams)
                return -ENOMEM;
        if (!f)
                return 0;
        while (getline(&line, &n, f) > 0) {
                char ns[64];
                if (sscanf(line, " nameserver %63s", ns) == 1 && strv_extend(&m->upstreams, ns) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int predefined_ensure(Manager *m) {
        static const struct { const char *name, *driver; } pre[] = {
                { DEFAULT_NETWORK, "bridge" }, { "host", "host" }, { "none", "null" },
        };
        int r;

        for (size_t i = 0; i < ELEMENTSOF(pre); i++) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                _cleanup_(network_freep) Network *n = NULL;
                Network *x = manager_find_network(m, pre[i].name);

                if (x && streq(x->name, pre[i].name))
                        continue;
                r = network_new(m, pre[i].name, pre[i].driver, &n);
                if (r < 0)
                        return r;
                n->predefined = true;
                if (streq(pre[i].driver, "bridge")) {
                        snprintf(n->bridge, sizeof n->bridge, "%s", m->default_bridge);
                        r = network_set_ipam(m, n, m->default_subnet, NULL, &error);
                        if (r < 0)
                                return log_error_errno(r, "Failed to choose the default bridge's subnet: %s",
                                                       error.message ?: strerror(-r));
                }
                r = store_save_network(m->networks_dir, n);
                if (r < 0)
                        return log_error_errno(r, "Failed to record network %s: %m", n->name);
                network_link(m, TAKE_PTR(n));
        }
        return 0;
}

int manager_networks_startup(Manager *m) {
        SandboxRec *s, *next;
        Network *n;
        bool any_ports = false;
        int r;

        m->default_bridge = strdup("wharf0");
        m->table = strdup("wharf");
        m->state_dir = path_join(m->root_dir, "net");
        if (!m->default_bridge || !m->table || !m->state_dir)
                return log_oom();
        m->networks_dir = path_join(m->state_dir, "networks");
        /* what exists only while a container runs lives in RUN (a tmpfs):
         * it survives netd's restarts, not the host's, as the sandboxes
         * themselves; no disk journal on a container's start and stop */
        m->sandboxes_dir = path_join(m->run_dir, "sandboxes");
        m->leases_dir = path_join(m->run_dir, "leases");
        if (!m->networks_dir || !m->sandboxes_dir || !m->leases_dir)
                return log_oom();
        if ((r = mkdir_p(m->networks_dir, 0755)) < 0 || (r = mkdir_p(m->sandboxes_dir, 0755)) < 0 ||
            (r = mkdir_p(m->leases_dir, 0755)) < 0)
                return log_error_errno(r, "Failed to create %s: %m", m->state_dir);
        r = config_load(m);
        if (r < 0)
                return r;
        r = upstreams_load(m);
        if (r < 0)
                return log_oom();

        r = store_load_networks(m->networks_dir, &m->networks);
        if (r < 0)
                return log_error_errno(r, "Failed to load networks: %m");
        r = predefined_ensure(m);
        if (r < 0)
                return r;
        r = store_load_sandboxes(m->sandboxes_dir, &m->sandboxes);
        if (r < 0)
                return log_error_errno(r, "Failed to load sandboxes: %m");

        /* Reconcile: a record whose namespace is gone (the container
         * exited while we were away, or we crashed mid-create) is undone;
         * the others keep their addresses and get their ports back. */
        for (s = m->sandboxes; s; s = next) {
                _cleanup_(freep) char *path = NULL;
                next = s->next;
                if (sandbox_path(m->netns_dir, s->id, &path) >= 0 && netns_is_pinned(path) > 0) {
                        for (size_t i = 0; i < s->n_ports; i++)
                                if (port_reserve(s->ports + i) < 0)
                                        log_warning("Could not reserve port %u of %s again.",
                                                    s->ports[i].host_port, s->id);
                        any_ports = any_ports || s->n_ports > 0;
                        continue;
                }
                log_info("Releasing the network of vanished sandbox %s.", s->id);
                sandboxes_unlink(m, s);
                manager_sandbox_release(m, s);
                sandbox_rec_free(s);
        }

        /* user networks keep their bridge; the default one is made on use,
         * and taken up again when containers still use it */
        for (n = m->networks; n; n = n->next) {
                _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
                if (!streq(n->driver, "bridge"))
                        continue;
                if (n->predefined && network_n_endpoints(m, n) == 0 && link_get_mtu(n->bridge) < 0)
                        continue;
                if (network_bridge_up(m, n, &error) < 0)
                        log_warning("Network %s: %s", n->name, error.message);
        }
        (void) any_ports;
        nft_sync_logged(m);
        return 0;
}

void manager_networks_free(Manager *m) {
        while (m->networks) {
                Network *n = m->networks;
                m->networks = n->next;
                dns_network_stop(m, n);
                network_free(n);
        }
        while (m->sandboxes) {
                SandboxRec *s = m->sandboxes;
                m->sandboxes = s->next;
                sandbox_rec_free(s);
        }
        dns_free(m);
        strv_free(m->upstreams);
        free(m->state_dir);
        free(m->networks_dir);
        free(m->sandboxes_dir);
        free(m->leases_dir);
        free(m->default_bridge);
        free(m->default_subnet);
        free(m->table);
}
