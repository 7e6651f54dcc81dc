/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <sys/stat.h>

#include "digest.h"
#include "fs-util.h"
#include "graph.h"
#include "id.h"
#include "macro.h"

Graph *graph_free(Graph *g) {
        if (!g)
                return NULL;
        free(g->root);
        free(g->layers);
        free(g->images);
        free(g->containers);
        free(g->tmp);
        free(g->repositories);
        free(g->mounts);
        free(g->blobs);
        free(g->unsynced);
        free(g->volumes);
        free(g);
        return NULL;
}

/* The boot's id: markers of unsynced data are kept per boot (store-sync.h) */
static int boot_id(char ret[static 37]) {
        _cleanup_(freep) char *text = NULL;
        size_t n;
        int r;

        r = read_full_file("/proc/sys/kernel/random/boot_id", &text, &n, 64);
        if (r < 0)
                return r;
        if (n < 36)
                return -EBADMSG;
        memcpy(ret, text, 36);
        ret[36] = 0;
        return 0;
}

int graph_open(const char *root, const char *run, Graph **ret) {
        _cleanup_(graph_freep) Graph *g = NULL;
        char boot[37];
        int r;

        r = boot_id(boot);
        if (r < 0)
                return r;

        g = calloc(1, sizeof *g);
        if (!g)
                return -ENOMEM;
        g->root = path_join(root, "graph");
        if (!g->root)
                return -ENOMEM;
        g->layers = path_join(g->root, "layers");
        g->images = path_join(g->root, "images");
        g->containers = path_join(g->root, "containers");
        g->tmp = path_join(g->root, "tmp");
        g->repositories = path_join(g->root, "repositories.json");
        g->mounts = path_join(run, "graph/mounts");
        g->blobs = path_join(g->root, "blobs/sha256");
        g->volumes = path_join(root, "volumes");
        if (asprintf(&g->unsynced, "%s/unsynced/%s", g->root, boot) < 0)
                g->unsynced = NULL;
        if (!g->layers || !g->images || !g->containers || !g->tmp || !g->repositories || !g->mounts ||
            !g->blobs || !g->unsynced || !g->volumes)
                return -ENOMEM;

        /* whatever is in tmp/ was in progress when we last stopped */
        r = rm_rf(g->tmp);
        if (r < 0)
                return r;
        const char *dirs[] = { g->root, g->layers, g->images, g->containers, g->tmp, g->mounts,
                                g->blobs, g->volumes };
        for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                r = mkdir_p(dirs[i], 0700);
                if (r < 0)
                        return r;
        }
        /* containers' rootfs lie below: others must traverse, not list */
        (void) chmod(g->root, 0711);
        (void) chmod(g->layers, 0711);
        (void) chmod(g->containers, 0711);
        (void) chmod(g->mounts, 0711);
        (void) chmod(g->volumes, 0711);

        *ret = TAKE_PTR(g);
        return 0;
}

int graph_mkdtemp(Graph *g, const char *prefix, char **ret) {
        char *p;

        if (asprintf(&p, "%s/%s-XXXXXX", g->tmp, prefix) < 0)
                return -ENOMEM;
        if (!mkdtemp(p)) {
                int r = -errno;
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int graph_discard_then(Graph *g, const char *path, GraphDoneFunc done, void *userdata) {
        _cleanup_(freep) char *trash = NULL;
        int r;

        r = graph_mkdtemp(g, "trash", &trash);
        if (r < 0)
                return r;
        _cleanup_(freep) char *target = path_join(trash, "t");
        if (!target)
                return -ENOMEM;
        if (rename(path, target) < 0) {
                r = errno == ENOENT ? 0 : -errno;
                (void) rmdir(trash);
                if (r >= 0 && done)
                        done(userdata);
                return r;
        }
        if (g->remove) {
                g->remove(g, TAKE_PTR(trash), done, userdata, g->remove_userdata);
                return 0;
        }
        r = rm_rf(trash);
        if (r >= 0 && done)
                done(userdata);
        return r;
}

int graph_discard(Graph *g, const char *path) {
        return graph_discard_then(g, path, NULL, NULL);
}

const char *graph_id_hex(const char *id) {
        const char *h;

        if (!id)
                return NULL;
        h = startswith(id, DIGEST_PREFIX) ?: id;
        return id_is_valid(h) ? h : NULL;
}
