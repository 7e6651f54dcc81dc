/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* graphd's deferred sync (see store-sync.h): a child process runs one
 * syncfs() once the unpack workers have been idle a moment (or after a few
 * seconds of continuous ingests), then the markers it covered are dropped. */

#include "manager.h"

/* Takes marker (a name from store_sync_mark()). */
int syncer_add(Manager *m, char *marker);

/* At exit: wait for a running sync, so its markers can go. */
void syncer_finish(Manager *m);
