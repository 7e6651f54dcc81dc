/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fs-util.h"
#include "macro.h"
#include "registries-conf.h"
#include "registry-api.h"

void registries_conf_init(RegistriesConf *c) {
        *c = (RegistriesConf) {
                .max_concurrent_downloads = REGISTRIES_CONF_DOWNLOADS_DEFAULT,
                .retries = REGISTRIES_CONF_RETRIES_DEFAULT,
                .push_chunk_size = REGISTRIES_CONF_CHUNK_DEFAULT,
        };
}

void registries_conf_done(RegistriesConf *c) {
        for (size_t i = 0; i < c->n_registries; i++) {
                free(c->registries[i].name);
                strv_free(c->registries[i].mirrors);
        }
        free(c->registries);
        registries_conf_init(c);
}

_printf_(3, 4)
static int conf_error(char **ret_error, unsigned line, const char *fmt, ...) {
        _cleanup_(freep) char *msg = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (ret_error && (!msg || asprintf(ret_error, "line %u: %s", line, msg) < 0))
                *ret_error = NULL;
        return -EINVAL;
}

static char *strip(char *s) {
        char *e;

        while (isspace((unsigned char) *s))
                s++;
        e = s + strlen(s);
        while (e > s && isspace((unsigned char) e[-1]))
                *--e = 0;
        return s;
}

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *ret) {
        char *end;
        unsigned long v;

        if (!isdigit((unsigned char) *s))
                return -EINVAL;
        errno = 0;
        v = strtoul(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -EINVAL;
        *ret = (unsigned) v;
        return 0;
}

static int parse_bool(const char *s, bool *ret) {
        if (streq(s, "true") || streq(s, "yes") || streq(s, "1"))
                *ret = true;
        else if (streq(s, "false") || streq(s, "no") || streq(s, "0"))
                *ret = false;
        else
                return -EINVAL;
        return 0;
}

static RegistryConf *conf_add_registry(RegistriesConf *c, const char *name) {
        RegistryConf *l;

        for (size_t i = 0; i < c->n_registries; i++)
                if (streq(c->registries[i].name, name))
                        return &c->registries[i];
        l = realloc(c->registries, (c->n_registries + 1) * sizeof(RegistryConf));
        if (!l)
                return NULL;
        c->registries = l;
        l[c->n_registries] = (RegistryConf) { .name = strdup(name) };
        if (!l[c->n_registries].name)
                return NULL;
        return &l[c->n_registries++];
}

int registries_conf_parse(const char *text, RegistriesConf *c, char **ret_error) {
        _cleanup_(freep) char *copy = strdup(text);
        RegistryConf *section = NULL;
        bool global = false;
        unsigned line = 0;
        char *p, *next;

        registries_conf_init(c);
        if (!copy)
                return -ENOMEM;
        for (p = copy; p; p = next) {
                char *eq, *key, *value;
                int r;

                line++;
                next = strchr(p, '\n');
                if (next)
                        *next++ = 0;
                p = strip(p);
                if (*p == 0 || *p == '#' || *p == ';')
                        continue;

                if (*p == '[') {
                        size_t n = strlen(p);
                        const char *name;
                        if (p[n - 1] != ']')
                                return conf_error(ret_error, line, "unterminated section header");
                        p[n - 1] = 0;
                        p = strip(p + 1);
                        section = NULL;
                        global = false;
                        if (streq(p, "global")) {
                                global = true;
                                continue;
                        }
                        name = startswith(p, "registry");
                        if (!name || !isspace((unsigned char) *name))
                                return conf_error(ret_error, line, "unknown section [%s]", p);
                        name = strip((char *) name);
                        n = strlen(name);
                        if (n < 2 || name[0] != '"' || name[n - 1] != '"')
                                return conf_error(ret_error, line, "registry name must be quoted: [registry \"host:port\"]");
                        ((char *) name)[n - 1] = 0;
                        name++;
                        if (!registry_api_registry_is_valid(name))
                                return conf_error(ret_error, line, "invalid registry name \"%s\"", name);
                        section = conf_add_registry(c, name);
                        if (!section)
                                return -ENOMEM;
                        continue;
                }

                eq = strchr(p, '=');
                if (!eq)
                        return conf_error(ret_error, line, "expected key = value");
                *eq = 0;
                key = strip(p);
                value = strip(eq + 1);
                /* an optional pair of quotes around the value */
                if (strlen(value) >= 2 && value[0] == '"' && value[strlen(value) - 1] == '"') {
                        value[strlen(value) - 1] = 0;
                        value++;
                }

                if (global) {
                        if (streq(key, "max-concurrent-downloads")) {
                                if (parse_uint(value, 1, REGISTRIES_CONF_DOWNLOADS_MAX, &c->max_concurrent_downloads) < 0)
                                        return conf_error(ret_error, line, "max-concurrent-downloads must be 1..%u",
                                                          REGISTRIES_CONF_DOWNLOADS_MAX);
                        } else if (streq(key, "retries")) {
                                if (parse_uint(value, 0, REGISTRIES_CONF_RETRIES_MAX, &c->retries) < 0)
                                        return conf_error(ret_error, line, "retries must be 0..%u",
                                                          REGISTRIES_CONF_RETRIES_MAX);
                        } else if (streq(key, "push-chunk-size")) {
                                if (parse_uint(value, REGISTRIES_CONF_CHUNK_MIN, 1024U * 1024U * 1024U,
                                               &c->push_chunk_size) < 0)
                                        return conf_error(ret_error, line, "push-chunk-size must be %u..1073741824",
                                                          REGISTRIES_CONF_CHUNK_MIN);
                        } else
                                return conf_error(ret_error, line, "unknown key \"%s\" in [global]", key);
                } else if (section) {
                        if (streq(key, "mirror")) {
                                if (!registry_api_registry_is_valid(value))
                                        return conf_error(ret_error, line, "invalid mirror \"%s\" (want host[:port])", value);
                                r = strv_extend(&section->mirrors, value);
                                if (r < 0)
                                        return r;
                        } else if (streq(key, "insecure")) {
                                if (parse_bool(value, &section->insecure) < 0)
                                        return conf_error(ret_error, line, "insecure must be true or false");
                        } else
                                return conf_error(ret_error, line, "unknown key \"%s\" in [registry \"%s\"]", key,
                                                  section->name);
                } else
                        return conf_error(ret_error, line, "\"%s\" outside of a section", key);
        }
        return 0;
}

int registries_conf_load(const char *path, RegistriesConf *c, char **ret_error) {
        _cleanup_(freep) char *text = NULL;
        int r;

        r = read_full_file(path, &text, NULL, 1024 * 1024);
        if (r == -ENOENT) {
                registries_conf_init(c);
                return 0;
        }
        if (r < 0)
                return r;
        r = registries_conf_parse(text, c, ret_error);
        if (r < 0)
                registries_conf_done(c);
        return r;
}

const RegistryConf *registries_conf_find(const RegistriesConf *c, const char *registry) {
        /* docker.io has two spellings */
        if (streq(registry, "index.docker.io"))
                registry = "docker.io";
        for (size_t i = 0; i < c->n_registries; i++)
                if (streq(c->registries[i].name, registry))
                        return &c->registries[i];
        return NULL;
}

bool registries_conf_insecure(const RegistriesConf *c, const char *registry) {
        const RegistryConf *r = registries_conf_find(c, registry);
        return r && r->insecure;
}

char * const *registries_conf_mirrors(const RegistriesConf *c, const char *registry) {
        const RegistryConf *r = registries_conf_find(c, registry);
        return r && r->mirrors && r->mirrors[0] ? r->mirrors : NULL;
}
