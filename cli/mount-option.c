/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "mount-option.h"
#include "units.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static int fail(char **ret_error, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        if (ret_error && vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return -EINVAL;
}

/* Go's strconv.ParseBool */
static int parse_bool(const char *s, bool *ret) {
        static const char *const yes[] = { "1", "t", "T", "true", "TRUE", "True" };
        static const char *const no[] = { "0", "f", "F", "false", "FALSE", "False" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (streq(s, yes[i]) || streq(s, no[i])) {
                        *ret = streq(s, yes[i]);
                        return 0;
                }
        return -EINVAL;
}

/* o[key] as an object, made when missing */
static json_object *sub_object(json_object *o, const char *key) {
        json_object *v;

        if (json_object_object_get_ex(o, key, &v))
                return v;
        v = json_object_new_object();
        json_object_object_add(o, key, v);
        return v;
}

static int set_field(json_object *m, const char *key, const char *value, const char *field, char **ret_error) {
        bool b;

        if (streq(key, "type"))
                json_object_object_add(m, "Type", json_object_new_string(value));
        else if (streq(key, "source") || streq(key, "src"))
                json_object_object_add(m, "Source", json_object_new_string(value));
        else if (streq(key, "target") || streq(key, "destination") || streq(key, "dst"))
                json_object_object_add(m, "Target", json_object_new_string(value));
        else if (streq(key, "readonly") || streq(key, "ro")) {
                if (parse_bool(value, &b) < 0)
                        return fail(ret_error, "invalid value for %s: %s", key, value);
                json_object_object_add(m, "ReadOnly", json_object_new_boolean(b));
        } else if (streq(key, "consistency"))
                ;       /* macOS only, as docker says */
        else if (streq(key, "bind-propagation"))
                json_object_object_add(sub_object(m, "BindOptions"), "Propagation", json_object_new_string(value));
        else if (streq(key, "volume-nocopy")) {
                if (parse_bool(value, &b) < 0)
                        return fail(ret_error, "invalid value for volume-nocopy: %s", value);
                json_object_object_add(sub_object(m, "VolumeOptions"), "NoCopy", json_object_new_boolean(b));
        } else if (streq(key, "volume-driver")) {
                if (!streq(value, "local"))
                        return fail(ret_error, "volume driver %s is not supported by wharf (only local)", value);
                (void) sub_object(m, "VolumeOptions");
        } else if (streq(key, "tmpfs-size")) {
                int64_t size;
                if (units_ram_in_bytes(value, &size) < 0)
                        return fail(ret_error, "invalid value for %s: %s", key, value);
                json_object_object_add(sub_object(m, "TmpfsOptions"), "SizeBytes", json_object_new_int64(size));
        } else if (streq(key, "tmpfs-mode")) {
                char *end;
                unsigned long mode;

                errno = 0;
                mode = strtoul(value, &end, 8);
                if (errno != 0 || end == value || *end || mode > 07777)
                        return fail(ret_error, "invalid value for %s: %s", key, value);
                json_object_object_add(sub_object(m, "TmpfsOptions"), "Mode", json_object_new_int64((int64_t) mode));
        } else
                return fail(ret_error, "unexpected key '%s' in '%s'", key, field);
        return 0;
}

int mount_option_parse(const char *spec, json_object **ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *m = json_object_new_object();
        _cleanup_(freep) char *copy = strdup(spec);
        const char *type;
        json_object *v;
        char *save = NULL;
        int r;

        if (!m || !copy)
                return -ENOMEM;
        /* no quoting: docker's CSV fields rarely need it */
        for (char *f = strtok_r(copy, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
                char *eq = strchr(f, '=');

                if (!eq) {
                        /* a few keys stand for key=true */
                        if (streq(f, "readonly") || streq(f, "ro") || streq(f, "volume-nocopy") ||
                            streq(f, "bind-nonrecursive")) {
                                if (streq(f, "bind-nonrecursive"))
                                        return fail(ret_error, "bind-nonrecursive is not supported by wharf");
                                r = set_field(m, f, "true", f, ret_error);
                                if (r < 0)
                                        return r;
                                continue;
                        }
                        return fail(ret_error, "invalid field '%s' must be a key=value pair", f);
                }
                _cleanup_(freep) char *field = strdup(f);
                if (!field)
                        return -ENOMEM;
                *eq = 0;
                r = set_field(m, f, eq + 1, field, ret_error);
                if (r < 0)
                        return r;
        }
        if (!json_object_object_get_ex(m, "Type", &v))
                json_object_object_add(m, "Type", json_object_new_string("volume"));
        json_object_object_get_ex(m, "Type", &v);
        type = json_object_get_string(v);
        if (!json_object_object_get_ex(m, "Target", NULL))
                return fail(ret_error, "target is required");
        if (json_object_object_get_ex(m, "VolumeOptions", NULL) && !streq(type, "volume"))
                return fail(ret_error, "cannot mix 'volume-*' options with mount type '%s'", type);
        if (json_object_object_get_ex(m, "BindOptions", NULL) && !streq(type, "bind"))
                return fail(ret_error, "cannot mix 'bind-*' options with mount type '%s'", type);
        if (json_object_object_get_ex(m, "TmpfsOptions", NULL) && !streq(type, "tmpfs"))
                return fail(ret_error, "cannot mix 'tmpfs-*' options with mount type '%s'", type);
        *ret = TAKE_PTR(m);
        return 0;
}
