/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What a client may say about a pull (Engine1.Pull, Push and
 * CreateContainer options): "Platform" ("os/arch[/variant]", "" = the
 * host's) and "RegistryAuth" (docker's X-Registry-Auth value, handed to
 * registryd as it is: the engine neither decodes, logs nor stores it). */

#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>

typedef struct PullOptions {
        char *platform;
        char *registry_auth;
} PullOptions;

static inline void pull_options_done(PullOptions *o) {
        free(o->platform);
        if (o->registry_auth)
                explicit_bzero(o->registry_auth, strlen(o->registry_auth));
        free(o->registry_auth);
        *o = (PullOptions) {};
}

int pull_options_copy(const PullOptions *from, PullOptions *to);

/* For an a{sv} entry whose key was read: 1 if key is one of ours (the
 * variant is read), 0 if not (nothing read), <0 on error. */
int pull_options_read_entry(sd_bus_message *m, const char *key, PullOptions *o, sd_bus_error *error);

/* A whole a{sv} of pull options; other keys are ignored. */
int pull_options_parse(sd_bus_message *m, PullOptions *o, sd_bus_error *error);

/* Appends registryd's options a{sv} ("RegistryAuth" when set). */
int pull_options_append_registry(sd_bus_message *m, const PullOptions *o);
