/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "oci-layout.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

_printf_(2, 3)
static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return -EBADMSG;
}

int oci_layout_parse(const char *s, char **ret_dir, char **ret_tag) {
        const char *colon = strchr(s, ':');
        _cleanup_(freep) char *dir = NULL, *tag = NULL;

        dir = colon ? strndup(s, colon - s) : strdup(s);
        if (!dir)
                return -ENOMEM;
        if (colon) {
                tag = strdup(colon + 1);
                if (!tag)
                        return -ENOMEM;
        }
        if (isempty(dir) || (tag && isempty(tag)))
                return -EINVAL;
        *ret_dir = TAKE_PTR(dir);
        *ret_tag = TAKE_PTR(tag);
        return 0;
}

static const char *entry_ref_name(json_object *e) {
        json_object *an, *v;

        if (!json_object_object_get_ex(e, "annotations", &an) ||
            !json_object_object_get_ex(an, OCI_REF_NAME, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

static int index_parse(const char *json, json_object **ret, json_object **ret_manifests) {
        json_object *o = json_tokener_parse(json), *a;

        if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, "manifests", &a) ||
            !json_object_is_type(a, json_type_array)) {
                json_object_put(o);
                return -EBADMSG;
        }
        *ret = o;
        *ret_manifests = a;
        return 0;
}

static int index_to_string(json_object *o, char **ret) {
        char *s = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));

        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

int oci_index_select_tag(const char *json, const char *tag, const char *where, char **ret_json, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        json_object *a, *keep = NULL;
        size_t n;

        if (index_parse(json, &o, &a) < 0)
                return fail(ret_error, "%s: index.json is not an OCI image index", where);
        n = json_object_array_length(a);
        if (!tag) {
                if (n == 0)
                        return fail(ret_error, "%s: index.json names no image", where);
                if (n > 1)
                        return fail(ret_error, "%s holds %zu images: choose one with oci:DIR:TAG", where, n);
                keep = json_object_array_get_idx(a, 0);
        } else {
                for (size_t i = 0; i < n; i++) {
                        json_object *e = json_object_array_get_idx(a, i);
                        if (streq_ptr(entry_ref_name(e), tag)) {
                                keep = e;
                                break;
                        }
                }
                if (!keep)
                        return fail(ret_error, "%s: no image named \"%s\" (no org.opencontainers.image.ref.name \"%s\" in index.json)",
                                    where, tag, tag);
        }
        json_object_get(keep);
        json_object_object_add(o, "manifests", json_object_new_array());
        json_object_object_get_ex(o, "manifests", &a);
        json_object_array_add(a, keep);
        return index_to_string(o, ret_json);
}

int oci_index_merge_tag(const char *old, const char *added, const char *tag, char **ret_json, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = NULL, *n = NULL;
        json_object *a, *na, *e, *an, *merged;

        if (index_parse(added, &n, &na) < 0 || json_object_array_length(na) != 1)
                return fail(ret_error, "the saved stream has no single-image index.json");
        if (old && index_parse(old, &o, &a) < 0)
                return fail(ret_error, "the existing index.json is not an OCI image index");
        if (!o) {
                o = json_object_get(n);
                a = na;
        }

        merged = json_object_new_array();
        if (!merged)
                return -ENOMEM;
        if (o != n)
                for (size_t i = 0; i < json_object_array_length(a); i++) {
                        json_object *x = json_object_array_get_idx(a, i);
                        if (!streq_ptr(entry_ref_name(x), tag))
                                json_object_array_add(merged, json_object_get(x));
                }
        e = json_object_get(json_object_array_get_idx(na, 0));
        if (!json_object_object_get_ex(e, "annotations", &an) || !json_object_is_type(an, json_type_object)) {
                an = json_object_new_object();
                json_object_object_add(e, "annotations", an);
        }
        json_object_object_add(an, OCI_REF_NAME, json_object_new_string(tag));
        json_object_array_add(merged, e);
        json_object_object_add(o, "manifests", merged);
        return index_to_string(o, ret_json);
}
