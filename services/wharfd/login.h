/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* Engine1.Login(server, options{RegistryAuth}) -> status */
int method_login(sd_bus_message *message, void *userdata, sd_bus_error *error);
