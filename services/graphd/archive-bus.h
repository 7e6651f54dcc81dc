/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Graph1.SaveImages / LoadImages / ImportImage: reply at once with an
 * archive id, do the work in forked workers (archive-worker.h) and, for
 * load and import, the ordinary layer ingest path; ArchiveDone at the end.
 * A load whose caller leaves the bus is abandoned (workers killed, its
 * work directory discarded). */

#include <systemd/sd-bus.h>

int method_save_images(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_load_images(sd_bus_message *msg, void *userdata, sd_bus_error *error);
int method_import_image(sd_bus_message *msg, void *userdata, sd_bus_error *error);
