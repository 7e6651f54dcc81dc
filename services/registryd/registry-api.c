/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <strings.h>

#include "digest.h"
#include "json-util.h"
#include "macro.h"
#include "reference.h"
#include "registry-api.h"

const char *registry_api_host(const char *registry) {
        if (streq(registry, "docker.io") || streq(registry, "index.docker.io"))
                return "registry-1.docker.io";
        return registry;
}

const char *registry_api_scheme(const char *registry) {
        return registry_is_loopback(registry) ? "http" : "https";
}

bool registry_api_registry_is_valid(const char *registry) {
        if (isempty(registry) || strlen(registry) > 255)
                return false;
        for (const char *p = registry; *p; p++)
                if (!isalnum((unsigned char) *p) && !strchr(".-:[]", *p))
                        return false;
        return registry[0] != '.' && registry[0] != '-' && registry[0] != ':';
}

/* path-component(/path-component)*, components [a-z0-9]+ joined by . _ __ -+ */
bool registry_api_repository_is_valid(const char *repository) {
        bool prev_alnum = false;

        if (isempty(repository) || strlen(repository) > 255)
                return false;
        for (const char *p = repository; *p; p++) {
                bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');

                if (alnum) {
                        prev_alnum = true;
                        continue;
                }
                if (!strchr("._-/", *p) || p == repository)
                        return false;
                /* separators sit between alphanumerics; "__" and "--" runs are fine */
                if (!prev_alnum && !(*p == p[-1] && strchr("_-", *p)))
                        return false;
                if (*p == '.' && p[1] == '.')
                        return false;
                prev_alnum = false;
        }
        return prev_alnum;
}

bool registry_api_tag_is_valid(const char *tag) {
        size_t n;

        if (isempty(tag) || (n = strlen(tag)) > 128)
                return false;
        if (!isalnum((unsigned char) tag[0]) && tag[0] != '_')
                return false;
        for (size_t i = 1; i < n; i++)
                if (!isalnum((unsigned char) tag[i]) && !strchr("_.-", tag[i]))
                        return false;
        return true;
}

bool registry_api_reference_is_valid(const char *reference) {
        if (!reference)
                return false;
        if (startswith(reference, DIGEST_PREFIX))
                return digest_is_valid(reference);
        return registry_api_tag_is_valid(reference);
}

static char *url_build(const char *registry, const char *repository, const char *kind, const char *ref) {
        char *s;

        if (asprintf(&s, "%s://%s/v2/%s/%s/%s", registry_api_scheme(registry),
                     registry_api_host(registry), repository, kind, ref) < 0)
                return NULL;
        return s;
}

char *registry_api_manifest_url(const char *registry, const char *repository, const char *reference) {
        return url_build(registry, repository, "manifests", reference);
}

char *registry_api_blob_url(const char *registry, const char *repository, const char *digest) {
        return url_build(registry, repository, "blobs", digest);
}

char *registry_api_display_name(const char *registry, const char *repository, const char *reference) {
        char *s;

        if (asprintf(&s, "%s/%s%s%s", registry, repository,
                     startswith(reference, DIGEST_PREFIX) ? "@" : ":", reference) < 0)
                return NULL;
        return s;
}

int registry_api_parse_error(const char *body, size_t size, char **ret_code, char **ret_message) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        json_object *errors, *first;
        const char *code, *message;
        char *c, *m = NULL;

        if (json_parse_strict(body, size, &o) < 0)
                return -EBADMSG;
        if (!json_object_object_get_ex(o, "errors", &errors) ||
            !json_object_is_type(errors, json_type_array) ||
            json_object_array_length(errors) == 0)
                return -EBADMSG;
        first = json_object_array_get_idx(errors, 0);
        code = json_get_string(first, "code");
        if (!code)
                return -EBADMSG;
        message = json_get_string(first, "message");

        c = strdup(code);
        if (!c)
                return -ENOMEM;
        if (message) {
                /* one line: registries may put anything here */
                m = strndup(message, 200);
                if (!m) {
                        free(c);
                        return -ENOMEM;
                }
                for (char *p = m; *p; p++)
                        if ((unsigned char) *p < ' ')
                                *p = ' ';
        }
        *ret_code = c;
        *ret_message = m;
        return 0;
}

void bearer_challenge_done(BearerChallenge *c) {
        free(c->realm);
        free(c->service);
        free(c->scope);
        *c = (BearerChallenge) {};
}

/* One auth-param: key=value or key="quoted \" value". Advances *p. */
static int auth_param_next(const char **p, char **ret_key, char **ret_value) {
        const char *s = *p, *k;
        _cleanup_(freep) char *key = NULL, *value = NULL;
        size_t n = 0;

        while (*s == ' ' || *s == '\t' || *s == ',')
                s++;
        if (!*s)
                return 0;

        k = s;
        while (isalnum((unsigned char) *s) || *s == '_' || *s == '-')
                s++;
        if (s == k || *s != '=')
                return -EBADMSG;
        key = strndup(k, s - k);
        if (!key)
                return -ENOMEM;
        s++;

        value = malloc(strlen(s) + 1);
        if (!value)
                return -ENOMEM;
        if (*s == '"') {
                for (s++; *s && *s != '"'; s++) {
                        if (*s == '\\' && s[1])
                                s++;
                        value[n++] = *s;
                }
                if (*s != '"')
                        return -EBADMSG;
                s++;
        } else
                while (*s && *s != ',' && *s != ' ' && *s != '\t')
                        value[n++] = *s++;
        value[n] = 0;

        while (*s == ' ' || *s == '\t')
                s++;
        if (*s && *s != ',')
                return -EBADMSG;

        *p = s;
        *ret_key = TAKE_PTR(key);
        *ret_value = TAKE_PTR(value);
        return 1;
}

int bearer_challenge_parse(const char *header, BearerChallenge *ret) {
        _cleanup_(bearer_challenge_done) BearerChallenge c = {};
        const char *p;
        int r;

        if (!header)
                return -EBADMSG;
        while (*header == ' ' || *header == '\t')
                header++;
        if (strncasecmp(header, "Bearer", 6) != 0 || (header[6] != ' ' && header[6] != '\t'))
                return isempty(header) ? -EBADMSG : -EOPNOTSUPP;

        p = header + 7;
        for (;;) {
                _cleanup_(freep) char *key = NULL, *value = NULL;
                char **slot = NULL;

                r = auth_param_next(&p, &key, &value);
                if (r < 0)
                        return r;
                if (r == 0)
                        break;
                if (0 == strcasecmp(key, "realm"))
                        slot = &c.realm;
                else if (0 == strcasecmp(key, "service"))
                        slot = &c.service;
                else if (0 == strcasecmp(key, "scope"))
                        slot = &c.scope;
                if (slot) {
                        free(*slot);
                        *slot = TAKE_PTR(value);
                }
        }
        if (isempty(c.realm) ||
            !(startswith(c.realm, "https://") || startswith(c.realm, "http://")))
                return -EBADMSG;

        *ret = c;
        c = (BearerChallenge) {};
        return 0;
}

/* RFC 3986 unreserved characters pass, the rest is %XX. */
static int url_escape_append(char **buf, size_t *len, const char *s) {
        size_t n = strlen(s);
        char *b = realloc(*buf, *len + 3 * n + 1);

        if (!b)
                return -ENOMEM;
        *buf = b;
        for (; *s; s++) {
                unsigned char c = *s;
                if (isalnum(c) || strchr("-._~", c))
                        b[(*len)++] = c;
                else
                        *len += sprintf(b + *len, "%%%02X", c);
        }
        b[*len] = 0;
        return 0;
}

static int str_append(char **buf, size_t *len, const char *s) {
        size_t n = strlen(s);
        char *b = realloc(*buf, *len + n + 1);

        if (!b)
                return -ENOMEM;
        memcpy(b + *len, s, n + 1);
        *buf = b;
        *len += n;
        return 0;
}

char *bearer_challenge_token_url(const BearerChallenge *c, const char *scope, const char *account) {
        _cleanup_(freep) char *buf = NULL;
        size_t len = 0;
        char sep = strchr(c->realm, '?') ? '&' : '?';

        if (!scope)
                scope = c->scope;

        if (str_append(&buf, &len, c->realm) < 0)
                return NULL;
        if (c->service) {
                if (str_append(&buf, &len, sep == '?' ? "?service=" : "&service=") < 0 ||
                    url_escape_append(&buf, &len, c->service) < 0)
                        return NULL;
                sep = '&';
        }
        if (scope) {
                if (str_append(&buf, &len, sep == '?' ? "?scope=" : "&scope=") < 0 ||
                    url_escape_append(&buf, &len, scope) < 0)
                        return NULL;
                sep = '&';
        }
        if (account) {
                if (str_append(&buf, &len, sep == '?' ? "?account=" : "&account=") < 0 ||
                    url_escape_append(&buf, &len, account) < 0)
                        return NULL;
        }
        return TAKE_PTR(buf);
}

char *registry_api_scope(const char *repository, const char *actions) {
        char *s;

        if (asprintf(&s, "repository:%s:%s", repository, actions) < 0)
                return NULL;
        return s;
}

int registry_api_challenge_scheme(const char *header) {
        size_t n;

        if (!header)
                return -EBADMSG;
        while (*header == ' ' || *header == '\t')
                header++;
        n = strcspn(header, " \t");
        if (n == 0)
                return -EBADMSG;
        if (n == 5 && strncasecmp(header, "Basic", 5) == 0)
                return AUTH_SCHEME_BASIC;
        if (n == 6 && strncasecmp(header, "Bearer", 6) == 0)
                return AUTH_SCHEME_BEARER;
        return -EOPNOTSUPP;
}

int registry_api_parse_token(const char *body, size_t size, char **ret_token, unsigned *ret_expires_in) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        const char *token;
        uint64_t expires = 60;
        char *t;
        int r;

        if (json_parse_strict(body, size, &o) < 0)
                return -EBADMSG;
        token = json_get_string(o, "token");
        if (isempty(token))
                token = json_get_string(o, "access_token");
        if (isempty(token))
                return -EBADMSG;
        /* the token goes into a header line */
        for (const char *p = token; *p; p++)
                if ((unsigned char) *p <= ' ' || (unsigned char) *p >= 0x7f)
                        return -EBADMSG;
        r = json_get_uint64(o, "expires_in", &expires);
        if (r < 0 && r != -ENOENT)
                return r;
        if (expires < 10)
                expires = 10;
        if (expires > 3600)
                expires = 3600;

        t = strdup(token);
        if (!t)
                return -ENOMEM;
        *ret_token = t;
        *ret_expires_in = (unsigned) expires;
        return 0;
}

int registry_api_resume_skip(uint64_t have, long status, const char *content_range, uint64_t *ret_skip) {
        unsigned long long start, end;
        char total[32];

        if (status == 200) {
                *ret_skip = have;
                return 0;
        }
        if (status != 206 || !content_range)
                return -EBADMSG;
        if (sscanf(content_range, "bytes %llu-%llu/%31s", &start, &end, total) != 3 || start > end)
                return -EBADMSG;
        if (start != have)
                return -EBADMSG;
        *ret_skip = 0;
        return 0;
}

bool registry_api_status_is_retryable(long status) {
        return status >= 500 || status == 429 || status == 408;
}

uint64_t registry_api_retry_delay_usec(unsigned attempt) {
        uint64_t d = 500000;

        for (unsigned i = 1; i < attempt && d < 5000000; i++)
                d *= 2;
        return MIN(d, (uint64_t) 5000000);
}

char *registry_api_url(const char *registry, bool plain_http, const char *repository, const char *kind,
                       const char *ref) {
        char *s;

        if (asprintf(&s, "%s://%s/v2/%s/%s/%s", plain_http ? "http" : "https", registry_api_host(registry),
                     repository, kind, ref) < 0)
                return NULL;
        return s;
}

char *registry_api_absolute_url(const char *base, const char *location) {
        const char *p;
        char *s;

        if (startswith(location, "http://") || startswith(location, "https://"))
                return strdup(location);
        if (location[0] != '/')
                return NULL;
        /* scheme://host of base */
        p = strstr(base, "://");
        if (!p)
                return NULL;
        p = strchr(p + 3, '/');
        if (asprintf(&s, "%.*s%s", (int) (p ? p - base : (long) strlen(base)), base, location) < 0)
                return NULL;
        return s;
}
