/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The client's side of registry credentials: what `wharf login` stored
 * for an image's registry, as the RegistryAuth option of Pull, Push and
 * CreateContainer. */

#include <systemd/sd-bus.h>

/* malloc'd X-Registry-Auth value for image's registry, or NULL when there
 * are no (readable) stored credentials. */
char *registry_auth_for_image(const char *image);

/* Appends {"RegistryAuth": <value>} as one a{sv} entry (inside an open
 * a{sv}) when credentials are stored for image; nothing otherwise. */
int registry_auth_append_entry(sd_bus_message *m, const char *image);
