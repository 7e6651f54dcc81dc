/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* ResolveImage: manifest (through an index to the platform's entry), then
 * the config blob, each verified against its digest; the bus call is
 * answered when done, within RESOLVE_TIMEOUT_USEC. */

#include "credentials.h"
#include "manager.h"

/* room for a few retries with backoff (registries.conf "retries") */
#define RESOLVE_TIMEOUT_USEC (60U * 1000000U)
#define RESOLVE_REQUEST_TIMEOUT_MS 15000U
#define CONFIG_SIZE_MAX (8U * 1024U * 1024U)

/* Takes a reference on call and replies to it later; takes creds. */
int resolve_start(Manager *m, sd_bus_message *call, const char *registry, const char *repository,
                  const char *reference, const char *platform, Credentials *creds, sd_bus_error *error);

/* Answers the call with an error and frees r. */
void resolve_abort(Resolve *r, const char *why);
Resolve *resolve_free(Resolve *r);
