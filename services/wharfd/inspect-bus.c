/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* InspectContainer, InspectContainers: docker's inspect documents as JSON. */
#include <json-c/json.h>

#include "container.h"
#include "inspect.h"
#include "lifecycle.h"
#include "manager.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

#define JSON_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

int method_inspect_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        Manager *m = userdata;
        const char *ref;
        Container *c;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        r = container_find(m->containers, ref, &c);
        if (r < 0)
                return reply_container_lookup_error(error, ref, r);
        o = container_inspect(c);
        if (!o)
                return -ENOMEM;
        return sd_bus_reply_method_return(message, "s", json_object_to_json_string_ext(o, JSON_FLAGS));
}

static int compare_created(const void *a, const void *b) {
        return container_compare_newest(*(Container * const *) a, *(Container * const *) b);
}

int method_inspect_containers(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(json_object_putp) json_object *a = json_object_new_array();
        _cleanup_(freep) Container **array = NULL;
        Manager *m = userdata;
        size_t n = 0, k = 0;
        int all, r;

        r = sd_bus_message_read(message, "b", &all);
        if (r < 0)
                return r;
        if (!a)
                return -ENOMEM;
        LIST_FOREACH(containers, c, m->containers)
                n++;
        array = calloc(n + 1, sizeof(Container *));
        if (!array)
                return -ENOMEM;
        LIST_FOREACH(containers, c, m->containers)
                /* docker ps: running, paused and restarting ones */
                if (all || c->status == CONTAINER_RUNNING || c->restarting)
                        array[k++] = c;
        qsort(array, k, sizeof(Container *), compare_created);
        for (size_t i = 0; i < k; i++) {
                json_object *o = container_inspect(array[i]);
                if (!o)
                        return -ENOMEM;
                json_object_array_add(a, o);
        }
        return sd_bus_reply_method_return(message, "s", json_object_to_json_string_ext(a, JSON_FLAGS));
}
