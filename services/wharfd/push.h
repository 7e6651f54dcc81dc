/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Engine1.Push: a "push" job. Graph1.GetManifest gives the image's stored
 * manifest and config; each blob (layers, then the config) goes from
 * Graph1.OpenBlob's fd to Registry1.PushBlob (a few at a time), with the
 * repositories on the same registry that hold the image as cross-repository
 * mount sources; then Registry1.PushManifest under the tag. Progress as
 * docker prints it: "<layer>: Preparing", "Pushing 1.2MB/3.4MB (5.1MB/s)",
 * "Pushed", "Layer already exists", "Mounted from <repo>", and at the end
 * "<tag>: digest: sha256:... size: N". Job subject: the manifest digest. */

#include <systemd/sd-bus.h>

int method_push(sd_bus_message *message, void *userdata, sd_bus_error *error);
