/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "net-options.h"

void net_options_done(NetOptions *o) {
        free(o->ports);
        free(o->ip);
        free(o->mac);
        strv_free(o->dns);
        strv_free(o->add_hosts);
        strv_free(o->aliases);
        *o = (NetOptions) {};
}

static int error(char **ret_error, const char *fmt, const char *arg) {
        if (asprintf(ret_error, fmt, arg) < 0)
                *ret_error = NULL;
        return -EINVAL;
}

/* "80" or "8000-8010": 1..65535 (0 allowed for an empty host part) */
static int range_parse(const char *s, size_t len, unsigned *lo, unsigned *hi) {
        char buf[16], *dash, *end;
        unsigned long a, b;

        if (len == 0 || len >= sizeof buf)
                return -EINVAL;
        memcpy(buf, s, len);
        buf[len] = 0;
        for (char *p = buf; *p; p++)
                if (!isdigit((unsigned char) *p) && *p != '-')
                        return -EINVAL;
        dash = strchr(buf, '-');
        if (dash)
                *dash = 0;
        errno = 0;
        a = strtoul(buf, &end, 10);
        if (errno || *end || buf[0] == 0 || a < 1 || a > 65535)
                return -EINVAL;
        b = a;
        if (dash) {
                b = strtoul(dash + 1, &end, 10);
                if (errno || *end || dash[1] == 0 || b < a || b > 65535)
                        return -EINVAL;
        }
        *lo = a;
        *hi = b;
        return 0;
}

int port_spec_parse(const char *s, PortSpec **ports, size_t *n_ports, char **ret_error) {
        const char *proto, *cport, *hport = NULL, *ip = NULL, *p;
        size_t cport_len, hport_len = 0, ip_len = 0;
        unsigned clo, chi, hlo = 0, hhi = 0;
        bool udp = false;
        PortSpec *l;

        *ret_error = NULL;
        if (isempty(s))
                return error(ret_error, "No port specified: %s<empty>", "");
        proto = strchr(s, '/');
        if (proto) {
                if (streq(proto + 1, "udp"))
                        udp = true;
                else if (!streq(proto + 1, "tcp"))
                        return error(ret_error, "Invalid proto: %s", proto + 1);
        }
        /* split from the right: containerport, hostport, ip */
        p = proto ? proto : s + strlen(s);
        cport = memrchr(s, ':', p - s);
        if (cport) {
                const char *hp_end = cport;
                cport++;
                hport = memrchr(s, ':', hp_end - s);
                if (hport) {
                        ip = s;
                        ip_len = hport - s;
                        hport++;
                } else
                        hport = s;
                hport_len = hp_end - hport;
        } else
                cport = s;
        cport_len = p - cport;

        if (range_parse(cport, cport_len, &clo, &chi) < 0) {
                char buf[32];
                snprintf(buf, sizeof buf, "%.*s", (int) MIN(cport_len, (size_t) 31), cport);
                return error(ret_error, "Invalid containerPort: %s", buf);
        }
        if (hport_len > 0 && range_parse(hport, hport_len, &hlo, &hhi) < 0) {
                char buf[32];
                snprintf(buf, sizeof buf, "%.*s", (int) MIN(hport_len, (size_t) 31), hport);
                return error(ret_error, "Invalid hostPort: %s", buf);
        }
        if (hport_len > 0 && hhi - hlo != chi - clo && hlo != hhi)
                return error(ret_error, "Invalid ranges specified for container and host Ports: %s", s);

        char ipbuf[16] = "";
        if (ip_len > 0) {
                struct in_addr a;
                if (ip_len >= sizeof ipbuf)
                        return error(ret_error, "Invalid ip address: %s", s);
                memcpy(ipbuf, ip, ip_len);
                ipbuf[ip_len] = 0;
                if (inet_pton(AF_INET, ipbuf, &a) != 1)
                        return error(ret_error, "Invalid ip address: %s", ipbuf);
        }

        l = reallocarray(*ports, *n_ports + (chi - clo + 1), sizeof *l);
        if (!l)
                return -ENOMEM;
        *ports = l;
        for (unsigned i = 0; i <= chi - clo; i++) {
                PortSpec *ps = l + (*n_ports)++;
                *ps = (PortSpec) {
                        .container_port = clo + i,
                        .host_port = hport_len == 0 ? 0 : hlo == hhi ? hlo : hlo + i,
                        .udp = udp,
                };
                memcpy(ps->host_ip, ipbuf, sizeof ipbuf);
        }
        return 0;
}

static bool is_ip(const char *s) {
        unsigned char buf[16];
        return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

int net_options_add(NetOptions *o, const char *flag, const char *arg, char **ret_error) {
        *ret_error = NULL;
        if (streq(flag, "publish"))
                return port_spec_parse(arg, &o->ports, &o->n_ports, ret_error);
        if (streq(flag, "publish-all")) {
                o->publish_all = true;
                return 0;
        }
        if (streq(flag, "ip")) {
                unsigned char buf[4];
                if (inet_pton(AF_INET, arg, buf) != 1)
                        return error(ret_error, "invalid argument \"%s\" for \"--ip\" flag: invalid IPv4 address", arg);
                free(o->ip);
                o->ip = strdup(arg);
                return o->ip ? 0 : -ENOMEM;
        }
        if (streq(flag, "mac-address")) {
                unsigned v[6];
                char end;
                if (strlen(arg) != 17 ||
                    sscanf(arg, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &end) != 6)
                        return error(ret_error, "%s is not a valid mac address", arg);
                free(o->mac);
                o->mac = strdup(arg);
                return o->mac ? 0 : -ENOMEM;
        }
        if (streq(flag, "dns")) {
                if (!is_ip(arg))
                        return error(ret_error, "invalid argument \"%s\" for \"--dns\" flag: not an IP address", arg);
                return strv_extend(&o->dns, arg);
        }
        if (streq(flag, "add-host")) {
                const char *colon = strchr(arg, ':');
                if (!colon || colon == arg || !is_ip(colon + 1))
                        return error(ret_error, "invalid argument \"%s\" for \"--add-host\" flag: bad format for add-host", arg);
                return strv_extend(&o->add_hosts, arg);
        }
        if (streq(flag, "network-alias") || streq(flag, "alias"))
                return strv_extend(&o->aliases, arg);
        return -EOPNOTSUPP;
}

int network_spec_parse(const char *s, char **ret_name, NetOptions *ep, char **ret_error) {
        _cleanup_(freep) char *copy = NULL, *name = NULL;
        char *save = NULL;
        int r;

        if (!strchr(s, '=')) {
                name = strdup(s);
                if (!name)
                        return -ENOMEM;
                *ret_name = TAKE_PTR(name);
                return 0;
        }
        copy = strdup(s);
        if (!copy)
                return -ENOMEM;
        for (char *field = strtok_r(copy, ",", &save); field; field = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(field, '=');
                const char *key = field, *value;

                if (!eq)
                        return error(ret_error, "invalid field '%s' must be a key=value pair", field);
                *eq = 0;
                value = eq + 1;
                if (streq(key, "name")) {
                        free(name);
                        name = strdup(value);
                        if (!name)
                                return -ENOMEM;
                        continue;
                }
                if (streq(key, "alias") || streq(key, "ip") || streq(key, "mac-address")) {
                        r = net_options_add(ep, key, value, ret_error);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (streq(key, "ip6") || streq(key, "link-local-ip") || streq(key, "driver-opt") ||
                    streq(key, "gw-priority"))
                        return error(ret_error, "network option %s is not supported by wharf", key);
                return error(ret_error, "invalid field key %s", key);
        }
        if (isempty(name))
                return error(ret_error, "invalid network spec \"%s\": no name=", s);
        *ret_name = TAKE_PTR(name);
        return 0;
}

/* the strings here are checked above or plain names; escape anyway */
static void json_string(FILE *f, const char *s) {
        fputc('"', f);
        for (; *s; s++) {
                if (*s == '"' || *s == '\\')
                        fprintf(f, "\\%c", *s);
                else if ((unsigned char) *s < 0x20)
                        fprintf(f, "\\u%04x", *s);
                else
                        fputc(*s, f);
        }
        fputc('"', f);
}

static void json_strv(FILE *f, const char *key, char * const *l) {
        if (!l || !l[0])
                return;
        fprintf(f, ",\"%s\":[", key);
        for (size_t i = 0; l[i]; i++) {
                if (i)
                        fputc(',', f);
                json_string(f, l[i]);
        }
        fputc(']', f);
}

int net_options_to_json(const NetOptions *o, char **ret) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f;

        if (o->n_ports == 0 && !o->publish_all && !o->ip && !o->mac && !o->dns && !o->add_hosts && !o->aliases) {
                *ret = NULL;
                return 0;
        }
        f = open_memstream(&buf, &size);
        if (!f)
                return -ENOMEM;
        fprintf(f, "{\"PublishAllPorts\":%s", o->publish_all ? "true" : "false");
        if (o->n_ports > 0) {
                fputs(",\"PortBindings\":[", f);
                for (size_t i = 0; i < o->n_ports; i++)
                        fprintf(f, "%s{\"HostIp\":\"%s\",\"HostPort\":%u,\"ContainerPort\":%u,\"Proto\":\"%s\"}",
                                i ? "," : "", o->ports[i].host_ip, o->ports[i].host_port,
                                o->ports[i].container_port, o->ports[i].udp ? "udp" : "tcp");
                fputc(']', f);
        }
        if (o->ip) {
                fputs(",\"IPAddress\":", f);
                json_string(f, o->ip);
        }
        if (o->mac) {
                fputs(",\"MacAddress\":", f);
                json_string(f, o->mac);
        }
        json_strv(f, "Dns", o->dns);
        json_strv(f, "ExtraHosts", o->add_hosts);
        json_strv(f, "Aliases", o->aliases);
        fputc('}', f);
        if (fclose(f) != 0)
                return -ENOMEM;
        *ret = buf;
        return 0;
}
