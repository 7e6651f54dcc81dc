/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "credentials.h"
#include "json-util.h"
#include "macro.h"

static void erase_free(char *s) {
        if (!s)
                return;
        explicit_bzero(s, strlen(s));
        free(s);
}

void credentials_done(Credentials *c) {
        erase_free(c->username);
        erase_free(c->password);
        erase_free(c->identity_token);
        *c = (Credentials) {};
}

bool credentials_present(const Credentials *c) {
        return !isempty(c->identity_token) || (!isempty(c->username) && c->password);
}

static int dup_opt(const char *s, char **ret) {
        if (!s) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

int credentials_copy(const Credentials *from, Credentials *to) {
        Credentials c = {};

        if (dup_opt(from->username, &c.username) < 0 || dup_opt(from->password, &c.password) < 0 ||
            dup_opt(from->identity_token, &c.identity_token) < 0) {
                credentials_done(&c);
                return -ENOMEM;
        }
        *to = c;
        return 0;
}

/* a value that ends up in a header must not carry line breaks */
static bool header_safe(const char *s) {
        for (; s && *s; s++)
                if ((unsigned char) *s < ' ' && *s != '\t')
                        return false;
        return true;
}

int credentials_parse_registry_auth(const char *value, Credentials *ret) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        Credentials c = {};
        char *json = NULL;
        size_t size;
        int r;

        if (isempty(value)) {
                *ret = (Credentials) {};
                return 0;
        }
        r = base64_decode(value, &json, &size);
        if (r < 0)
                return r;
        r = json_parse_strict(json, size, &o);
        explicit_bzero(json, size);
        free(json);
        if (r < 0 || !json_object_is_type(o, json_type_object))
                return -EINVAL;

        /* docker's AuthConfig keys; "auth" (base64 user:pass) as in config.json */
        if (dup_opt(json_get_string(o, "username"), &c.username) < 0 ||
            dup_opt(json_get_string(o, "password"), &c.password) < 0 ||
            dup_opt(json_get_string(o, "identitytoken"), &c.identity_token) < 0) {
                credentials_done(&c);
                return -ENOMEM;
        }
        if (!c.username && !c.password && json_get_string(o, "auth")) {
                char *up = NULL, *colon;
                if (base64_decode(json_get_string(o, "auth"), &up, &size) < 0 || !(colon = strchr(up, ':'))) {
                        erase_free(up);
                        credentials_done(&c);
                        return -EINVAL;
                }
                *colon = 0;
                c.username = strdup(up);
                c.password = strdup(colon + 1);
                erase_free(up);
                if (!c.username || !c.password) {
                        credentials_done(&c);
                        return -ENOMEM;
                }
        }
        if (!header_safe(c.username) || !header_safe(c.password) || !header_safe(c.identity_token) ||
            (c.username && strchr(c.username, ':'))) {
                credentials_done(&c);
                return -EINVAL;
        }
        *ret = c;
        return 0;
}

char *credentials_basic_header(const Credentials *c) {
        _cleanup_(freep) char *b64 = NULL;
        char *up = NULL, *h = NULL;

        if (isempty(c->username) || !c->password)
                return NULL;
        if (asprintf(&up, "%s:%s", c->username, c->password) < 0)
                return NULL;
        b64 = base64_encode(up, strlen(up));
        erase_free(up);
        if (!b64)
                return NULL;
        if (asprintf(&h, "Basic %s", b64) < 0)
                h = NULL;
        explicit_bzero(b64, strlen(b64));
        return h;
}

const char *credentials_key(const Credentials *c) {
        if (!isempty(c->username))
                return c->username;
        return c->identity_token ? "<token>" : "";
}
