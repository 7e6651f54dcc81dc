/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>

#include "digest.h"
#include "macro.h"
#include "reference.h"

void reference_done(Reference *r) {
        free(r->registry);
        free(r->repository);
        free(r->tag);
        free(r->digest);
        *r = (Reference) {};
}

static bool is_alnum_lower(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* path-component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* */
static bool path_component_valid(const char *s, size_t n) {
        size_t i = 0;

        if (n == 0 || !is_alnum_lower(s[0]) || !is_alnum_lower(s[n - 1]))
                return false;
        while (i < n) {
                if (is_alnum_lower(s[i])) {
                        i++;
                        continue;
                }
                /* a separator run */
                size_t j = i;
                while (j < n && !is_alnum_lower(s[j]))
                        j++;
                size_t len = j - i;
                if (len == 1 && (s[i] == '.' || s[i] == '_' || s[i] == '-'))
                        ;
                else if (len == 2 && s[i] == '_' && s[i + 1] == '_')
                        ;
                else {
                        for (size_t k = i; k < j; k++)
                                if (s[k] != '-')
                                        return false;
                }
                i = j;
        }
        return true;
}

/* domain-component(.domain-component)*(:port)? */
static bool domain_valid(const char *s) {
        const char *colon = strrchr(s, ':');
        size_t hostlen = colon ? (size_t) (colon - s) : strlen(s);

        if (hostlen == 0)
                return false;
        if (colon) {
                if (!colon[1])
                        return false;
                for (const char *p = colon + 1; *p; p++)
                        if (!isdigit((unsigned char) *p))
                                return false;
        }
        for (size_t i = 0, start = 0; i <= hostlen; i++) {
                if (i < hostlen && s[i] != '.') {
                        if (!isalnum((unsigned char) s[i]) && s[i] != '-')
                                return false;
                        continue;
                }
                if (i == start || s[start] == '-' || s[i - 1] == '-')
                        return false;
                start = i + 1;
        }
        return true;
}

static bool tag_valid(const char *t) {
        size_t n = strlen(t);

        if (n == 0 || n > 128)
                return false;
        if (!isalnum((unsigned char) t[0]) && t[0] != '_')
                return false;
        for (size_t i = 1; i < n; i++)
                if (!isalnum((unsigned char) t[i]) && !strchr("_.-", t[i]))
                        return false;
        return true;
}

int reference_parse(const char *s, Reference *ret) {
        _cleanup_(freep) char *buf = NULL;
        _cleanup_(reference_done) Reference r = {};
        char *name, *at, *slash, *colon;

        if (isempty(s))
                return -EINVAL;
        buf = strdup(s);
        if (!buf)
                return -ENOMEM;

        at = strchr(buf, '@');
        if (at) {
                *at = 0;
                if (!digest_is_valid(at + 1))
                        return -EINVAL;
                r.digest = strdup(at + 1);
                if (!r.digest)
                        return -ENOMEM;
        }

        name = buf;
        slash = strchr(name, '/');
        if (slash) {
                *slash = 0;
                if (strchr(name, '.') || strchr(name, ':') || streq(name, "localhost")) {
                        if (!domain_valid(name))
                                return -EINVAL;
                        r.registry = strdup(streq(name, "index.docker.io") ? REFERENCE_DEFAULT_REGISTRY : name);
                        name = slash + 1;
                } else
                        *slash = '/';
        }
        if (!r.registry) {
                r.registry = strdup(REFERENCE_DEFAULT_REGISTRY);
                if (!r.registry)
                        return -ENOMEM;
        }

        /* a tag is a ':' after the last '/' */
        slash = strrchr(name, '/');
        colon = strrchr(slash ? slash : name, ':');
        if (colon) {
                *colon = 0;
                if (!tag_valid(colon + 1))
                        return -EINVAL;
                r.tag = strdup(colon + 1);
                if (!r.tag)
                        return -ENOMEM;
        }

        /* validate path components */
        for (const char *p = name; ; ) {
                const char *e = strchr(p, '/');
                size_t n = e ? (size_t) (e - p) : strlen(p);
                if (!path_component_valid(p, n))
                        return -EINVAL;
                if (!e)
                        break;
                p = e + 1;
        }

        if (streq(r.registry, REFERENCE_DEFAULT_REGISTRY) && !strchr(name, '/')) {
                if (asprintf(&r.repository, "library/%s", name) < 0)
                        return -ENOMEM;
        } else {
                r.repository = strdup(name);
                if (!r.repository)
                        return -ENOMEM;
        }

        if (strlen(r.registry) + 1 + strlen(r.repository) > REFERENCE_NAME_MAX)
                return -EINVAL;

        if (!r.tag && !r.digest) {
                r.tag = strdup(REFERENCE_DEFAULT_TAG);
                if (!r.tag)
                        return -ENOMEM;
        }

        *ret = r;
        r = (Reference) {};
        return 0;
}

char *reference_name(const Reference *r) {
        char *s;
        if (asprintf(&s, "%s/%s", r->registry, r->repository) < 0)
                return NULL;
        return s;
}

char *reference_normalized_tag(const Reference *r) {
        char *s;
        if (!r->tag)
                return NULL;
        if (asprintf(&s, "%s/%s:%s", r->registry, r->repository, r->tag) < 0)
                return NULL;
        return s;
}

char *reference_normalized(const Reference *r) {
        char *s;
        if (r->digest) {
                if (asprintf(&s, "%s/%s@%s", r->registry, r->repository, r->digest) < 0)
                        return NULL;
                return s;
        }
        return reference_normalized_tag(r);
}

const char *reference_manifest_ref(const Reference *r) {
        return r->digest ?: r->tag;
}

char *reference_familiar(const char *normalized) {
        const char *p = startswith(normalized, REFERENCE_DEFAULT_REGISTRY "/");

        if (!p)
                return strdup(normalized);
        const char *q = startswith(p, "library/");
        if (q && !strchr(q, '/'))
                p = q;
        return strdup(p);
}

bool registry_is_loopback(const char *registry) {
        _cleanup_(freep) char *host = NULL;
        char *colon;

        if (!registry)
                return false;
        if (registry[0] == '[')
                return startswith(registry, "[::1]") != NULL;
        host = strdup(registry);
        if (!host)
                return false;
        colon = strchr(host, ':');
        if (colon)
                *colon = 0;
        if (streq(host, "localhost"))
                return true;
        /* 127.0.0.0/8 as a dotted quad */
        unsigned a, b, c, d;
        char tail;
        if (sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4)
                return a == 127 && b < 256 && c < 256 && d < 256;
        return false;
}
