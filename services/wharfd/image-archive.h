/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Engine1.SaveImages / LoadImages / ImportImage: jobs around graphd's
 * calls of the same names. The caller's fd goes to graphd as it is (bytes
 * never travel in bus messages); graphd's ArchiveDone ends the job. */

#include <systemd/sd-bus.h>

int method_save_images(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_load_images(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_import_image(sd_bus_message *message, void *userdata, sd_bus_error *error);
