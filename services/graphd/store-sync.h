/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Layers and blobs are made durable after they are published, not before:
 * a pull answers once its layers are in the page cache, and one syncfs()
 * later writes them all out (docker never syncs a layer at all).
 *
 * Until that sync has returned, each published layer or blob has a marker
 *   ROOT/graph/unsynced/<boot-id>/{layer,blob}-<hex>
 * created before its rename into sight. The file systems the store lives on
 * (ext4, xfs) journal metadata in order, so a rename that survived a crash
 * has its marker too. At start-up:
 *   - markers of this boot: only a process died, the page cache still has
 *     the data: sync, then drop the markers;
 *   - markers of an earlier boot: the machine went down before the sync, the
 *     data may be lost: the marked layers and blobs are removed, with the
 *     images that needed them, and the next pull fetches them again. */

#include "graph.h"

#define STORE_SYNC_LAYER "layer"
#define STORE_SYNC_BLOB "blob"

/* Record that kind (STORE_SYNC_*) digest is about to be published. Returns
 * the marker's name (in *ret) for store_sync_clear(). */
int store_sync_mark(Graph *g, const char *kind, const char *digest, char **ret);

/* Drop the markers named: a syncfs() that started after they were made has
 * returned. */
void store_sync_clear(Graph *g, char **names);

/* syncfs() of the store's file system */
int store_sync_now(Graph *g);

/* At start-up, before anything reads the store: returns how many layers
 * were dropped (>= 0). */
int store_sync_recover(Graph *g);
