/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The on-disk store of graphd:
 *   ROOT/graph/layers/<chain-hex>/{diff/,layer.json}   published layers
 *   ROOT/graph/images/<id-hex>/{config.json,manifest.json,image.json}
 *   ROOT/graph/repositories.json                       tags and repo digests
 *   ROOT/graph/blobs/sha256/<hex>                      compressed layers, configs, manifests
 *   ROOT/graph/limits.conf                             optional limits (see graph-limits.h)
 *   ROOT/graph/containers/<cid>/{upper,work,rootfs.json}
 *   ROOT/graph/tmp/                                    work in progress, emptied at start
 *   ROOT/graph/unsynced/<boot-id>/                     published, not yet synced (store-sync.h)
 *   RUN/graph/mounts/<cid>                             overlay rootfs mountpoints
 *   ROOT/volumes/<name>/{_data/,volume.json}           named volumes (volume-store.h)
 * Everything becomes visible by a rename, so a crash leaves either nothing or
 * the whole thing. */

#include <stdbool.h>

typedef struct Graph Graph;

/* Removes a tree already moved out of sight (into tmp/); graphd does it in a
 * child process so a big layer never stalls the event loop. */
typedef void (*GraphDoneFunc)(void *userdata);
/* Takes path; calls done(done_userdata), if given, once the tree is gone. */
typedef void (*GraphRemoveFunc)(Graph *g, char *path, GraphDoneFunc done, void *done_userdata, void *userdata);

struct Graph {
        char *root;           /* ROOT/graph */
        char *layers;
        char *images;
        char *containers;
        char *tmp;
        char *repositories;   /* ROOT/graph/repositories.json */
        char *blobs;          /* ROOT/graph/blobs/sha256 */
        char *mounts;         /* RUN/graph/mounts */
        char *unsynced;       /* ROOT/graph/unsynced/<this boot's id> */
        char *volumes;        /* ROOT/volumes, beside ROOT/graph */
        GraphRemoveFunc remove;
        void *remove_userdata;
};

/* Creates the layout under root/graph and run/graph; empties tmp/. */
int graph_open(const char *root, const char *run, Graph **ret);
Graph *graph_free(Graph *g);
static inline void graph_freep(Graph **g) { if (*g) graph_free(*g); }

/* A fresh private directory below tmp/ */
int graph_mkdtemp(Graph *g, const char *prefix, char **ret);

/* Move path below tmp/ at once (it disappears atomically), then remove it:
 * through g->remove when set, else right away. */
int graph_discard(Graph *g, const char *path);
/* The same, then done(userdata) once the tree is really gone (at once when
 * there was nothing to remove). Not called when it fails (< 0). */
int graph_discard_then(Graph *g, const char *path, GraphDoneFunc done, void *userdata);

/* "sha256:<hex>" or "<hex>" (64) -> hex part, else NULL */
const char *graph_id_hex(const char *id);
