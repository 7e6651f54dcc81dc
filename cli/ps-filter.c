/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "ps-filter.h"

static const char *const states[] = {
        "created", "restarting", "running", "removing", "paused", "exited", "dead",
};

void ps_filter_done(PsFilter *f) {
        strv_free(f->status);
        strv_free(f->name);
        strv_free(f->id);
        strv_free(f->label);
        strv_free(f->ancestor);
        *f = (PsFilter) {};
}

static bool regex_valid(const char *pattern) {
        regex_t re;

        if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
                return false;
        regfree(&re);
        return true;
}

static bool regex_match(const char *pattern, const char *s) {
        regex_t re;
        bool m;

        if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
                return false;
        m = regexec(&re, s, 0, NULL, 0) == 0;
        regfree(&re);
        return m;
}

int ps_filter_add(PsFilter *f, const char *arg, char **ret_error) {
        _cleanup_(freep) char *key = NULL;
        const char *eq = strchr(arg, '='), *value;
        char ***l;

        *ret_error = NULL;
        if (!eq) {
                *ret_error = strdup("bad format of filter (expected name=value)");
                return -EINVAL;
        }
        key = strndup(arg, eq - arg);
        if (!key)
                return -ENOMEM;
        /* docker lower-cases and trims the key */
        for (char *p = key; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        value = eq + 1;

        if (streq(key, "status")) {
                bool ok = false;
                for (size_t i = 0; i < ELEMENTSOF(states); i++)
                        ok = ok || streq(states[i], value);
                if (!ok) {
                        if (asprintf(ret_error, "Unrecognised filter value for status: %s", value) < 0)
                                *ret_error = NULL;
                        return -EINVAL;
                }
                l = &f->status;
        } else if (streq(key, "name") || streq(key, "id")) {
                if (!regex_valid(value)) {
                        if (asprintf(ret_error, "invalid regexp in filter '%s=%s'", key, value) < 0)
                                *ret_error = NULL;
                        return -EINVAL;
                }
                l = streq(key, "name") ? &f->name : &f->id;
        } else if (streq(key, "label"))
                l = &f->label;
        else if (streq(key, "ancestor"))
                l = &f->ancestor;
        else {
                if (asprintf(ret_error, "invalid filter '%s'", key) < 0)
                        *ret_error = NULL;
                return -EINVAL;
        }
        if (!*l && !(*l = calloc(1, sizeof(char *))))
                return -ENOMEM;
        return strv_extend(l, value);
}

static const char *get_string(json_object *o, const char *a, const char *b) {
        json_object *v;

        if (!json_object_object_get_ex(o, a, &v))
                return NULL;
        if (b && !json_object_object_get_ex(v, b, &v))
                return NULL;
        return json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool match_label(json_object *c, const char *filter) {
        json_object *config, *labels, *v;
        const char *eq = strchr(filter, '=');
        _cleanup_(freep) char *key = eq ? strndup(filter, eq - filter) : strdup(filter);

        if (!key)
                return false;
        if (!json_object_object_get_ex(c, "Config", &config) ||
            !json_object_object_get_ex(config, "Labels", &labels) ||
            !json_object_is_type(labels, json_type_object) ||
            !json_object_object_get_ex(labels, key, &v))
                return false;
        if (!eq)
                return true;
        return json_object_is_type(v, json_type_string) && streq(json_object_get_string(v), eq + 1);
}

static bool match_ancestor(json_object *c, const char *a) {
        const char *image = get_string(c, "Config", "Image"), *id = get_string(c, "Image", NULL);
        size_t n = strlen(a);

        if (image) {
                const char *tag = strrchr(image, ':');
                /* "busybox" names "busybox:latest" */
                if (streq(image, a))
                        return true;
                if (tag && !strchr(tag, '/') && streq(tag, ":latest") && strlen(image) - 7 == n &&
                    strncmp(image, a, n) == 0)
                        return true;
                /* "busybox:latest" names "busybox" */
                if (n > 7 && streq(a + n - 7, ":latest") && strlen(image) == n - 7 && strncmp(image, a, n - 7) == 0)
                        return true;
                if (!strchr(a, ':') || strchr(a, '/')) {
                        _cleanup_(freep) char *with_tag = NULL;
                        if (asprintf(&with_tag, "%s:latest", a) >= 0 && streq(image, with_tag))
                                return true;
                }
        }
        if (id) {
                const char *hex = startswith(id, "sha256:") ?: id;
                const char *ahex = startswith(a, "sha256:") ?: a;
                if (strlen(ahex) >= 1 && strspn(ahex, "0123456789abcdef") == strlen(ahex) &&
                    strncmp(hex, ahex, strlen(ahex)) == 0)
                        return true;
        }
        return false;
}

bool ps_filter_match(const PsFilter *f, json_object *c) {
        const char *status = get_string(c, "State", "Status"), *name = get_string(c, "Name", NULL),
                   *id = get_string(c, "Id", NULL);
        bool ok;

        if (f->status) {
                ok = false;
                STRV_FOREACH(s, f->status)
                        ok = ok || streq_ptr(*s, status);
                if (!ok)
                        return false;
        }
        if (f->name) {
                ok = false;
                STRV_FOREACH(s, f->name)
                        ok = ok || (name && regex_match(*s, name));
                if (!ok)
                        return false;
        }
        if (f->id) {
                ok = false;
                STRV_FOREACH(s, f->id)
                        ok = ok || (id && regex_match(*s, id));
                if (!ok)
                        return false;
        }
        STRV_FOREACH(s, f->label)
                if (!match_label(c, *s))
                        return false;
        if (f->ancestor) {
                ok = false;
                STRV_FOREACH(s, f->ancestor)
                        ok = ok || match_ancestor(c, *s);
                if (!ok)
                        return false;
        }
        return true;
}
