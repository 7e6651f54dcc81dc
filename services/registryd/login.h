/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* CheckAuth: docker login's check. GET /v2/ and answer the challenge with
 * the caller's credentials (Basic, or a Bearer token fetched with them);
 * the call is answered when that succeeded or failed. */

#include <systemd/sd-bus.h>

#include "credentials.h"
#include "manager.h"

/* Takes a reference on call and creds; replies later. */
int login_start(Manager *m, sd_bus_message *call, const char *registry, Credentials *creds, sd_bus_error *error);
