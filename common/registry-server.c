/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "macro.h"
#include "reference.h"
#include "registry-server.h"

int registry_server_normalize(const char *server, char **ret) {
        const char *s = server, *e;
        char *r;

        if (isempty(s))
                r = strdup(REFERENCE_DEFAULT_REGISTRY);
        else {
                s = startswith(s, "https://") ?: startswith(s, "http://") ?: s;
                e = strchr(s, '/');
                r = e ? strndup(s, e - s) : strdup(s);
                if (r && (streq(r, "index.docker.io") || streq(r, "registry-1.docker.io"))) {
                        free(r);
                        r = strdup(REFERENCE_DEFAULT_REGISTRY);
                }
        }
        if (!r)
                return -ENOMEM;
        *ret = r;
        return 0;
}

const char *registry_server_config_key(const char *registry) {
        return streq(registry, REFERENCE_DEFAULT_REGISTRY) ? REGISTRY_SERVER_DOCKER_IO : registry;
}
