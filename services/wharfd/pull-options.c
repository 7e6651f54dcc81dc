/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "macro.h"
#include "pull-options.h"

int pull_options_copy(const PullOptions *from, PullOptions *to) {
        PullOptions o = {};

        if ((from->platform && !(o.platform = strdup(from->platform))) ||
            (from->registry_auth && !(o.registry_auth = strdup(from->registry_auth)))) {
                pull_options_done(&o);
                return -ENOMEM;
        }
        *to = o;
        return 0;
}

static int read_string(sd_bus_message *m, const char *key, char **ret, sd_bus_error *error) {
        const char *s;
        char *c;
        int r;

        r = sd_bus_message_read(m, "v", "s", &s);
        if (r < 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "option %s must be a string", key);
        c = strdup(s);
        if (!c)
                return -ENOMEM;
        if (*ret)
                explicit_bzero(*ret, strlen(*ret));
        free(*ret);
        *ret = c;
        return 1;
}

int pull_options_read_entry(sd_bus_message *m, const char *key, PullOptions *o, sd_bus_error *error) {
        if (streq(key, "Platform"))
                return read_string(m, key, &o->platform, error);
        if (streq(key, "RegistryAuth"))
                return read_string(m, key, &o->registry_auth, error);
        return 0;
}

int pull_options_parse(sd_bus_message *m, PullOptions *o, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(m, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
                const char *key;

                r = sd_bus_message_read(m, "s", &key);
                if (r < 0)
                        return r;
                r = pull_options_read_entry(m, key, o, error);
                if (r == 0)
                        r = sd_bus_message_skip(m, "v");
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(m);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

int pull_options_append_registry(sd_bus_message *m, const PullOptions *o) {
        if (isempty(o->registry_auth))
                return sd_bus_message_append(m, "a{sv}", 0);
        return sd_bus_message_append(m, "a{sv}", 1, "RegistryAuth", "s", o->registry_auth);
}
