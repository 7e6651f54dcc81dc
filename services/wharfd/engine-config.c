/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <json-c/json.h>

#include "engine-config.h"
#include "fs-util.h"
#include "macro.h"

void engine_config_done(EngineConfig *c) {
        free(c->default_network);
        *c = (EngineConfig) {};
}

int engine_config_load(const char *root, EngineConfig *ret) {
        _cleanup_(freep) char *path = NULL, *text = NULL;
        json_object *o = NULL, *v;
        const char *network = ENGINE_DEFAULT_NETWORK;
        int r;

        if (asprintf(&path, "%s/engine/config.json", root) < 0)
                return -ENOMEM;
        r = read_full_file(path, &text, NULL, 64 * 1024);
        if (r < 0 && r != -ENOENT)
                return r;
        if (r >= 0) {
                o = json_tokener_parse(text);
                if (!o || !json_object_is_type(o, json_type_object)) {
                        json_object_put(o);
                        return -EINVAL;
                }
                if (json_object_object_get_ex(o, "DefaultNetwork", &v)) {
                        if (!json_object_is_type(v, json_type_string) || isempty(json_object_get_string(v))) {
                                json_object_put(o);
                                return -EINVAL;
                        }
                        network = json_object_get_string(v);
                }
        }

        ret->default_network = strdup(network);
        json_object_put(o);
        return ret->default_network ? 0 : -ENOMEM;
}
