/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "dns.h"
#include "log.h"
#include "macro.h"
#include "netd-manager.h"

#define DNS_TIMEOUT_USEC (5 * 1000000ULL)
#define DNS_TTL 600
#define DNS_MAX_MSG 1232

typedef struct Pending {
        bool used;
        uint16_t id, client_id;
        int reply_fd;                   /* the network's socket */
        struct sockaddr_in client;
        uint64_t deadline;
} Pending;

typedef struct DnsServer {
        int upstream_fd;
        sd_event_source *upstream_source;
        struct sockaddr_in upstream;
        bool have_upstream;
        uint16_t next_id;
        Pending pending[DNS_MAX_PENDING];
} DnsServer;

static uint64_t now_usec(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + ts.tv_nsec / 1000;
}

/* name, alias or short id of an endpoint of n: its address */
static uint32_t lookup(Manager *m, Network *n, const char *name) {
        for (SandboxRec *s = m->sandboxes; s; s = s->next)
                for (size_t i = 0; i < s->n_endpoints; i++) {
                        Endpoint *e = s->endpoints + i;
                        if (!streq(e->network_id, n->id))
                                continue;
                        if ((!isempty(s->name) && strcasecmp(s->name, name) == 0) ||
                            (strlen(name) == 12 && strncmp(s->id, name, 12) == 0))
                                return e->ip;
                        STRV_FOREACH(a, e->aliases)
                                if (strcasecmp(*a, name) == 0)
                                        return e->ip;
                }
        return 0;
}

static void reply(int fd, const struct sockaddr_in *to, uint8_t *buf, int len) {
        if (len > 0)
                (void) sendto(fd, buf, len, MSG_DONTWAIT, (const struct sockaddr *) to, sizeof *to);
}

static int forward(Manager *m, DnsServer *d, int fd, const struct sockaddr_in *client, uint8_t *buf, size_t len) {
        uint64_t now = now_usec();
        Pending *slot = NULL;

        if (!d->have_upstream || d->upstream_fd < 0)
                return -ENETUNREACH;
        for (size_t i = 0; i < DNS_MAX_PENDING; i++) {
                Pending *p = d->pending + i;
                if (!p->used || p->deadline < now) {
                        slot = p;
                        break;
                }
        }
        if (!slot)
                return -EBUSY;  /* bounded: the client will retry */
        *slot = (Pending) {
                .used = true,
                .id = d->next_id++,
                .client_id = (buf[0] << 8) | buf[1],
                .reply_fd = fd,
                .client = *client,
                .deadline = now + DNS_TIMEOUT_USEC,
        };
        buf[0] = slot->id >> 8;
        buf[1] = slot->id & 0xff;
        if (sendto(d->upstream_fd, buf, len, MSG_DONTWAIT, (struct sockaddr *) &d->upstream, sizeof d->upstream) < 0) {
                slot->used = false;
                return -errno;
        }
        return 0;
}

typedef struct NetRef {
        Manager *m;
        Network *n;
} NetRef;

static int on_network_query(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        NetRef *ref = userdata;
        Manager *m = ref->m;
        DnsServer *d = m->dns;
        uint8_t buf[DNS_MAX_MSG];
        struct sockaddr_in client;
        socklen_t clen = sizeof client;
        char name[256];
        uint16_t type;
        size_t end;
        ssize_t len;
        uint32_t ip;

        len = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &client, &clen);
        if (len < 0 || clen != sizeof client)
                return 0;
        if (dns_parse_question(buf, len, name, sizeof name, &type, &end) < 0) {
                if (len >= 12 && !(buf[2] & 0x80))
                        reply(fd, &client, buf, dns_build_answer(buf, sizeof buf, 12, 1 /* FORMERR */, 0));
                return 0;
        }
        if (name[0] && name[strlen(name) - 1] == '.')
                name[strlen(name) - 1] = 0;
        ip = strchr(name, '.') ? 0 : lookup(m, ref->n, name);
        if (ip) {
                /* A gets the address; other types of a known name: no data */
                reply(fd, &client, buf, dns_build_answer(buf, sizeof buf, end, 0, (type == 1 || type == 255) ? ip : 0));
                return 0;
        }
        if (forward(m, d, fd, &client, buf, len) < 0)
                reply(fd, &client, buf, dns_build_answer(buf, sizeof buf, end, 2 /* SERVFAIL */, 0));
        return 0;
}

static int on_upstream(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        DnsServer *d = userdata;
        uint8_t buf[DNS_MAX_MSG];
        struct sockaddr_in from;
        socklen_t flen = sizeof from;
        ssize_t len;
        uint16_t id;

        len = recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, (struct sockaddr *) &from, &flen);
        if (len < 12)
                return 0;
        if (from.sin_addr.s_addr != d->upstream.sin_addr.s_addr || from.sin_port != d->upstream.sin_port)
                return 0;       /* only our resolver answers */
        id = (buf[0] << 8) | buf[1];
        for (size_t i = 0; i < DNS_MAX_PENDING; i++) {
                Pending *p = d->pending + i;
                if (!p->used || p->id != id)
                        continue;
                p->used = false;
                if (p->deadline < now_usec())
                        return 0;
                buf[0] = p->client_id >> 8;
                buf[1] = p->client_id & 0xff;
                reply(p->reply_fd, &p->client, buf, (int) len);
                return 0;
        }
        return 0;
}

static int dns_server_get(Manager *m, DnsServer **ret) {
        DnsServer *d = m->dns;
        int r;

        if (d) {
                *ret = d;
                return 0;
        }
        d = calloc(1, sizeof *d);
        if (!d)
                return -ENOMEM;
        d->upstream_fd = -EBADF;
        d->next_id = (uint16_t) now_usec();
        m->dns = d;
        STRV_FOREACH(u, m->upstreams) {
                struct in_addr a;
                if (inet_pton(AF_INET, *u, &a) == 1) {
                        d->upstream = (struct sockaddr_in) { .sin_family = AF_INET, .sin_port = htons(53), .sin_addr = a };
                        d->have_upstream = true;
                        break;
                }
        }
        if (d->have_upstream) {
                d->upstream_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
                if (d->upstream_fd < 0)
                        return -errno;
                r = sd_event_add_io(m->event, &d->upstream_source, d->upstream_fd, EPOLLIN, on_upstream, d);
                if (r < 0)
                        return r;
        }
        *ret = d;
        return 0;
}

int dns_network_start(Manager *m, Network *n) {
        struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53), .sin_addr.s_addr = htonl(n->gateway) };
        _cleanup_(closep) int fd = -EBADF;
        sd_event_source *source = NULL;
        DnsServer *d;
        NetRef *ref;
        int r, one = 1;

        if (n->dns_fd >= 0)
                return 0;
        r = dns_server_get(m, &d);
        if (r < 0)
                return log_warning_errno(r, "Failed to set up DNS forwarding: %m");
        fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return log_warning_errno(-errno, "Failed to create the DNS socket of %s: %m", n->name);
        /* the gateway address may still be tentative on a new bridge */
        (void) setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof one);
        if (bind(fd, (struct sockaddr *) &sa, sizeof sa) < 0)
                return log_warning_errno(-errno, "Failed to bind DNS of network %s: %m", n->name);
        ref = calloc(1, sizeof *ref);
        if (!ref)
                return -ENOMEM;
        *ref = (NetRef) { .m = m, .n = n };
        r = sd_event_add_io(m->event, &source, fd, EPOLLIN, on_network_query, ref);
        if (r < 0) {
                free(ref);
                return log_warning_errno(r, "Failed to watch the DNS socket of %s: %m", n->name);
        }
        (void) sd_event_source_set_destroy_callback(source, free);
        n->dns_source = source;
        n->dns_fd = TAKE_FD(fd);
        log_debug("DNS of network %s listening on its gateway.", n->name);
        return 0;
}

void dns_network_stop(Manager *m, Network *n) {
        DnsServer *d = m->dns;

        n->dns_source = sd_event_source_disable_unref(n->dns_source);
        if (n->dns_fd >= 0 && d)
                for (size_t i = 0; i < DNS_MAX_PENDING; i++)
                        if (d->pending[i].reply_fd == n->dns_fd)
                                d->pending[i].used = false;
        n->dns_fd = safe_close(n->dns_fd);
}

void dns_free(Manager *m) {
        DnsServer *d = m->dns;

        if (!d)
                return;
        sd_event_source_disable_unref(d->upstream_source);
        safe_close(d->upstream_fd);
        free(d);
        m->dns = NULL;
}
