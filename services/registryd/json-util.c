/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "json-util.h"
#include "macro.h"

int json_parse_strict(const char *data, size_t size, json_object **ret) {
        struct json_tokener *tok;
        json_object *o;
        size_t end;

        if (!data || size == 0 || size > INT32_MAX)
                return -EBADMSG;
        /* a NUL would truncate the string on the bus */
        if (memchr(data, 0, size))
                return -EBADMSG;

        tok = json_tokener_new();
        if (!tok)
                return -ENOMEM;
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_ALLOW_TRAILING_CHARS |
                               JSON_TOKENER_VALIDATE_UTF8);
        o = json_tokener_parse_ex(tok, data, (int) size);
        if (!o || json_tokener_get_error(tok) != json_tokener_success) {
                json_object_put(o);
                json_tokener_free(tok);
                return -EBADMSG;
        }
        end = json_tokener_get_parse_end(tok);
        json_tokener_free(tok);

        /* only whitespace may follow the value */
        for (size_t i = end; i < size; i++)
                if (!strchr(" \t\r\n", data[i])) {
                        json_object_put(o);
                        return -EBADMSG;
                }
        *ret = o;
        return 0;
}

const char *json_get_string(json_object *o, const char *key) {
        json_object *v;

        if (!o || !json_object_is_type(o, json_type_object))
                return NULL;
        if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
                return NULL;
        return json_object_get_string(v);
}

int json_get_uint64(json_object *o, const char *key, uint64_t *ret) {
        json_object *v;
        int64_t n;

        if (!o || !json_object_is_type(o, json_type_object))
                return -EBADMSG;
        if (!json_object_object_get_ex(o, key, &v))
                return -ENOENT;
        if (!json_object_is_type(v, json_type_int))
                return -EBADMSG;
        errno = 0;
        n = json_object_get_int64(v);
        if (n < 0 || errno != 0)
                return -EBADMSG;
        *ret = (uint64_t) n;
        return 0;
}
