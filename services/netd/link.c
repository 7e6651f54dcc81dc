/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>
#include <netlink/socket.h>

#include "fs-util.h"
#include "link.h"
#include "macro.h"
#include "netns.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_sock *, nl_socket_free);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_link *, rtnl_link_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_addr *, rtnl_addr_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct rtnl_route *, rtnl_route_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_addr *, nl_addr_put);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct nl_cache *, nl_cache_free);

static int addr_new(uint32_t ip, unsigned prefix, struct nl_addr **ret) {
        uint32_t be = htonl(ip);
        struct nl_addr *a = nl_addr_build(AF_INET, &be, sizeof be);

        if (!a)
                return -ENOMEM;
        nl_addr_set_prefixlen(a, prefix);
        *ret = a;
        return 0;
}

static int address_add(struct nl_sock *sk, int ifindex, uint32_t ip, unsigned prefix) {
        _cleanup_(rtnl_addr_putp) struct rtnl_addr *ra = NULL;
        _cleanup_(nl_addr_putp) struct nl_addr *local = NULL;
        int r;

        ra = rtnl_addr_alloc();
        if (!ra)
                return -ENOMEM;
        r = addr_new(ip, prefix, &local);
        if (r < 0)
                return r;
        rtnl_addr_set_ifindex(ra, ifindex);
        r = rtnl_addr_set_local(ra, local);
        if (r < 0)
                return errno_from_nl(r);
        r = rtnl_addr_add(sk, ra, 0);
        if (r == -NLE_EXIST)
                return 0;
        return errno_from_nl(r);
}

static int link_set_up(struct nl_sock *sk, struct rtnl_link *link, int master, unsigned mtu, const uint8_t *mac) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *change = rtnl_link_alloc();
        _cleanup_(nl_addr_putp) struct nl_addr *ll = NULL;
        int r;

        if (!change)
                return -ENOMEM;
        rtnl_link_set_flags(change, IFF_UP);
        if (master > 0)
                rtnl_link_set_master(change, master);
        if (mtu > 0)
                rtnl_link_set_mtu(change, mtu);
        if (mac) {
                ll = nl_addr_build(AF_LLC, mac, 6);
                if (!ll)
                        return -ENOMEM;
                rtnl_link_set_addr(change, ll);
        }
        r = rtnl_link_change(sk, link, change, 0);
        return errno_from_nl(r);
}

/* Hairpin mode on a bridge port, as docker sets it: a packet may leave
 * through the port it came in by (a container reaching its own published
 * port through a host address, when the bridge itself filters). Bridge
 * port flags are changed by RTM_SETLINK in the AF_BRIDGE family (the
 * kernel's br_setlink); RTM_NEWLINK, libnl's default, would ignore them. */
static int link_set_hairpin(struct nl_sock *sk, struct rtnl_link *port) {
        _cleanup_(rtnl_link_putp) struct rtnl_link *orig = rtnl_link_alloc(), *change = rtnl_link_alloc();
        struct nl_msg *msg = NULL;
        int r;

        if (!orig || !change)
                return -ENOMEM;
        /* libnl wants the same family on both (and asserts otherwise) */
        rtnl_link_set_ifindex(orig, rtnl_link_get_ifindex(port));
        rtnl_link_set_family(orig, AF_BRIDGE);
        rtnl_link_set_family(change, AF_BRIDGE);
        r = rtnl_link_bridge_set_flags(change, RTNL_BRIDGE_HAIRPIN_MODE);
        if (r >= 0)
                r = rtnl_link_build_change_request(orig, change, 0, &msg);
        if (r < 0)
                return errno_from_nl(r);
        nlmsg_hdr(msg)->nlmsg_type = RTM_SETLINK;
        r = nl_send_sync(sk, msg);      /* frees msg */
        return errno_from_nl(r);
}

static int sysctl_write(const char *path, const char *value) {
        _cleanup_(closep) int fd = open(path, O_WRONLY | O_CLOEXEC);

        if (fd < 0)
                return -errno;
        return loop_write(fd, value, strlen(value));
}

int link_bridge_ensure(const char *name, uint32_t gw, unsigned prefix) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        _cleanup_(freep) char *p = NULL;
        int r;

        r = rtnl_open(&sk);
        if (r < 0)
                return r;
        r = rtnl_link_get_kernel(sk, 0, name, &link);
        if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV) {
                r = rtnl_link_bridge_add(sk, name);
                if (r < 0 && r != -NLE_EXIST)
                        return errno_from_nl(r);
                r = rtnl_link_get_kernel(sk, 0, name, &link);
        }
        if (r < 0)
                return errno_from_nl(r);
        if (!rtnl_link_is_bridge(link))
                return -ENOTTY;   /* a link of that name that is not a bridge: not ours */

        r = address_add(sk, rtnl_link_get_ifindex(link), gw, prefix);
        if (r < 0)
                return r;
        r = link_set_up(sk, link, 0, 0, NULL);
        if (r < 0)
                return r;

        if (asprintf(&p, "/proc/sys/net/ipv4/conf/%s/route_localnet", name) < 0)
                return -ENOMEM;
        return sysctl_write(p, "1");
}

int link_get_mtu(const char *name) {
        _cleanup_(closep) int fd = -EBADF;
        struct ifreq ifr = {};

        /* an ioctl: no netlink socket and dump for one number */
        if (strlen(name) >= sizeof ifr.ifr_name)
                return -EINVAL;
        strncpy(ifr.ifr_name, name, sizeof ifr.ifr_name - 1);
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return -errno;
        if (ioctl(fd, SIOCGIFMTU, &ifr) < 0)
                return -errno;
        return ifr.ifr_mtu;
}

int link_delete(const char *name) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *link = NULL;
        int r;

        r = rtnl_open(&sk);
        if (r < 0)
                return r;
        /* by name (IFLA_IFNAME): one round trip, no lookup first */
        link = rtnl_link_alloc();
        if (!link)
                return -ENOMEM;
        rtnl_link_set_name(link, name);
        r = rtnl_link_delete(sk, link);
        if (r == -NLE_OBJ_NOTFOUND || r == -NLE_NODEV)
                return 0;
        return errno_from_nl(r);
}

int link_list_prefix(const char *prefix, char ***ret) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(nl_cache_freep) struct nl_cache *cache = NULL;
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));
        int r;

        if (!l)
                return -ENOMEM;
        r = rtnl_open(&sk);
        if (r < 0)
                return r;
        r = rtnl_link_alloc_cache(sk, AF_UNSPEC, &cache);
        if (r < 0)
                return errno_from_nl(r);
        for (struct nl_object *o = nl_cache_get_first(cache); o; o = nl_cache_get_next(o)) {
                const char *n = rtnl_link_get_name((struct rtnl_link *) o);
                if (n && startswith(n, prefix)) {
                        r = strv_extend(&l, n);
                        if (r < 0)
                                return r;
                }
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int cidr_push(Cidr **l, size_t *n, struct nl_addr *a) {
        Cidr *nl;
        uint32_t be;

        if (!a || nl_addr_get_family(a) != AF_INET || nl_addr_get_len(a) != 4)
                return 0;
        memcpy(&be, nl_addr_get_binary_addr(a), 4);
        nl = reallocarray(*l, *n + 1, sizeof **l);
        if (!nl)
                return -ENOMEM;
        *l = nl;
        unsigned p = nl_addr_get_prefixlen(a);
        (*l)[(*n)++] = (Cidr) { .addr = ntohl(be) & cidr_mask(p), .prefix = p };
        return 0;
}

int link_routes_list(Cidr **ret, size_t *ret_n) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL;
        _cleanup_(nl_cache_freep) struct nl_cache *routes = NULL, *addrs = NULL;
        _cleanup_(freep) Cidr *l = NULL;
        size_t n = 0;
        int r;

        r = rtnl_open(&sk);
        if (r < 0)
                return r;
        r = rtnl_route_alloc_cache(sk, AF_INET, 0, &routes);
        if (r < 0)
                return errno_from_nl(r);
        for (struct nl_object *o = nl_cache_get_first(routes); o; o = nl_cache_get_next(o)) {
                struct rtnl_route *rt = (struct rtnl_route *) o;
                struct nl_addr *dst = rtnl_route_get_dst(rt);

                /* the default route is not a subnet we could collide with */
                if (rtnl_route_get_table(rt) != RT_TABLE_MAIN || !dst || nl_addr_get_prefixlen(dst) == 0)
                        continue;
                r = cidr_push(&l, &n, dst);
                if (r < 0)
                        return r;
        }
        r = rtnl_addr_alloc_cache(sk, &addrs);
        if (r < 0)
                return errno_from_nl(r);
        for (struct nl_object *o = nl_cache_get_first(addrs); o; o = nl_cache_get_next(o)) {
                r = cidr_push(&l, &n, rtnl_addr_get_local((struct rtnl_addr *) o));
                if (r < 0)
                        return r;
        }
        *ret = TAKE_PTR(l);
        *ret_n = n;
        return 0;
}

int link_veth_setup(const VethConfig *cfg, int host_nsfd, int sandbox_nsfd, const char **ret_step) {
        _cleanup_(nl_socket_freep) struct nl_sock *sk = NULL, *hsk = NULL;
        _cleanup_(rtnl_link_putp) struct rtnl_link *veth = NULL, *host = NULL;
        _cleanup_(rtnl_route_putp) struct rtnl_route *rt = NULL;
        struct rtnl_link *peer;
        int ifindex, br_index, r;

#define STEP(s) (*ret_step = (s))
        STEP("open netlink");
        r = rtnl_open(&sk);
        if (r < 0)
                return r;

        STEP("create veth pair");
        veth = rtnl_link_veth_alloc();
        if (!veth)
                return -ENOMEM;
        rtnl_link_set_name(veth, cfg->ifname);
        /* the container's end is made up, with its MTU and MAC: one
         * round trip instead of an add, a lookup and a change */
        rtnl_link_set_flags(veth, IFF_UP);
        if (cfg->mtu > 0)
                rtnl_link_set_mtu(veth, cfg->mtu);
        {
                _cleanup_(nl_addr_putp) struct nl_addr *ll = nl_addr_build(AF_LLC, cfg->mac, 6);
                if (!ll)
                        return -ENOMEM;
                rtnl_link_set_addr(veth, ll);
        }
        peer = rtnl_link_veth_get_peer(veth);
        rtnl_link_set_name(peer, cfg->host_name);
        rtnl_link_set_ns_fd(peer, host_nsfd);
        rtnl_link_put(peer);
        r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
        if (r == -NLE_EXIST && sandbox_nsfd >= 0) {
                /* the host end of this container's previous sandbox, which
                 * the kernel is still taking down with its namespace */
                STEP("remove the stale host end of an earlier sandbox");
                if (setns(host_nsfd, CLONE_NEWNET) < 0)
                        return -errno;
                r = link_delete(cfg->host_name);
                if (setns(sandbox_nsfd, CLONE_NEWNET) < 0)
                        return -errno;
                if (r < 0)
                        return r;
                STEP("create veth pair");
                r = rtnl_link_add(sk, veth, NLM_F_CREATE | NLM_F_EXCL);
        }
        if (r < 0)
                return errno_from_nl(r);

        STEP("configure the container's interface");
        ifindex = (int) if_nametoindex(cfg->ifname);
        if (ifindex <= 0)
                return -errno;
        STEP("add the container's address");
        r = address_add(sk, ifindex, cfg->ip, cfg->prefix);
        if (r < 0)
                return r;

        if (cfg->gateway != 0) {
                _cleanup_(nl_addr_putp) struct nl_addr *dst = NULL, *gw = NULL;
                struct rtnl_nexthop *nh;

                STEP("add the default route");
                rt = rtnl_route_alloc();
                nh = rtnl_route_nh_alloc();
                if (!rt || !nh)
                        return -ENOMEM;
                r = addr_new(0, 0, &dst);
                if (r >= 0)
                        r = addr_new(cfg->gateway, 32, &gw);
                if (r < 0) {
                        rtnl_route_nh_free(nh);
                        return r;
                }
                rtnl_route_set_family(rt, AF_INET);
                rtnl_route_set_dst(rt, dst);
                rtnl_route_nh_set_ifindex(nh, ifindex);
                rtnl_route_nh_set_gateway(nh, gw);
                rtnl_route_add_nexthop(rt, nh);
                r = rtnl_route_add(sk, rt, NLM_F_CREATE | NLM_F_EXCL);
                /* a second network does not replace the first one's route */
                if (r < 0 && r != -NLE_EXIST)
                        return errno_from_nl(r);
        }

        STEP("enter the host's network namespace");
        if (setns(host_nsfd, CLONE_NEWNET) < 0)
                return -errno;
        STEP("attach the host end to the bridge");
        r = rtnl_open(&hsk);
        if (r < 0)
                return r;
        /* ifindexes by ioctl, not by netlink lookups */
        br_index = (int) if_nametoindex(cfg->bridge);
        if (br_index <= 0)
                return -errno;
        host = rtnl_link_alloc();
        if (!host)
                return -ENOMEM;
        rtnl_link_set_ifindex(host, (int) if_nametoindex(cfg->host_name));
        if (rtnl_link_get_ifindex(host) <= 0)
                return -errno;
        r = link_set_up(hsk, host, br_index, cfg->mtu, NULL);
        if (r < 0)
                return r;
        STEP("set hairpin mode on the bridge port");
        r = link_set_hairpin(hsk, host);
        if (r < 0)
                return r;
        STEP("return to the sandbox's network namespace");
        if (sandbox_nsfd >= 0 && setns(sandbox_nsfd, CLONE_NEWNET) < 0)
                return -errno;
        return 0;
#undef STEP
}
