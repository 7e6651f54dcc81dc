/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blob-store.h"
#include "fs-util.h"
#include "id.h"
#include "image-store.h"
#include "layer-store.h"
#include "log.h"
#include "macro.h"
#include "store-sync.h"

int store_sync_mark(Graph *g, const char *kind, const char *digest, char **ret) {
        _cleanup_(freep) char *name = NULL, *p = NULL;
        const char *hex = digest_hex(digest);
        int fd, r;

        if (!hex)
                return -EINVAL;
        if (asprintf(&name, "%s-%s", kind, hex) < 0)
                return -ENOMEM;
        p = path_join(g->unsynced, name);
        if (!p)
                return -ENOMEM;
        fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 && errno == ENOENT) {
                r = mkdir_p(g->unsynced, 0700);
                if (r < 0)
                        return r;
                fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        }
        if (fd < 0)
                return -errno;
        close(fd);
        *ret = TAKE_PTR(name);
        return 0;
}

void store_sync_clear(Graph *g, char **names) {
        _cleanup_(closep) int dfd = open(g->unsynced, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (dfd < 0)
                return;
        STRV_FOREACH(n, names)
                (void) unlinkat(dfd, *n, 0);
}

int store_sync_now(Graph *g) {
        _cleanup_(closep) int fd = open(g->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd < 0 || syncfs(fd) < 0)
                return -errno;
        return 0;
}

/* A marked layer or blob of an earlier boot may have lost its data. */
static int drop_marked(Graph *g, const char *name) {
        _cleanup_(freep) char *p = NULL;
        char digest[DIGEST_STRING_MAX];
        const char *hex;
        bool layer;

        if ((hex = startswith(name, STORE_SYNC_LAYER "-")))
                layer = true;
        else if ((hex = startswith(name, STORE_SYNC_BLOB "-")))
                layer = false;
        else
                return 0;
        if (!id_is_valid(hex))
                return 0;
        snprintf(digest, sizeof digest, "%s%s", DIGEST_PREFIX, hex);

        if (!layer) {
                p = blob_path(g, digest);
                if (!p)
                        return -ENOMEM;
                return unlink(p) < 0 && errno != ENOENT ? -errno : 0;
        }
        p = layer_path(g, digest, NULL);
        if (!p)
                return -ENOMEM;
        if (access(p, F_OK) < 0)
                return 0;
        log_warning("Layer %s was not on disk yet when the machine went down; it is fetched again at the next pull.",
                    digest);
        return graph_discard(g, p) < 0 ? -EIO : 1;
}

/* Images that lost a layer go, tags and all: a pull brings them back. */
static int drop_broken_images(Graph *g) {
        Image *images = NULL;
        size_t n = 0;
        int r;

        r = image_list(g, &images, &n);
        if (r < 0)
                return r;
        for (size_t i = 0; i < n; i++) {
                _cleanup_(strv_freep) char **messages = NULL;
                bool broken = false;

                STRV_FOREACH(l, images[i].layers)
                        if (!layer_exists(g, *l))
                                broken = true;
                if (!broken)
                        continue;
                log_warning("Image %s lost a layer and is removed.", images[i].id);
                r = image_remove(g, images[i].id, true, &messages, NULL);
                if (r < 0)
                        log_warning_errno(r, "Failed to remove image %s: %m", images[i].id);
        }
        images_free(images, n);
        return 0;
}

static int recover_boot(Graph *g, int parent_fd, const char *boot, bool this_boot) {
        _cleanup_(closep) int fd = openat(parent_fd, boot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *d;
        int r = 0, dropped = 0;

        if (fd < 0)
                return -errno;
        if (!this_boot) {
                d = fdopendir(fd);
                if (!d)
                        return -errno;
                TAKE_FD(fd);
                for (struct dirent *de; (de = readdir(d)); ) {
                        if (de->d_name[0] == '.')
                                continue;
                        r = drop_marked(g, de->d_name);
                        if (r < 0)
                                break;
                        dropped += r;
                }
                closedir(d);
                if (r < 0)
                        return r;
                if (dropped > 0) {
                        r = drop_broken_images(g);
                        if (r < 0)
                                return r;
                }
        }
        /* what is left, and the removals, on disk before the markers go */
        r = store_sync_now(g);
        if (r < 0)
                return r;
        r = rm_rf_at(parent_fd, boot);
        return r < 0 ? r : dropped;
}

int store_sync_recover(Graph *g) {
        _cleanup_(freep) char *top = NULL;
        const char *this_boot;
        DIR *d;
        int r = 0, dropped = 0;

        top = strdup(g->unsynced);
        if (!top)
                return -ENOMEM;
        this_boot = strrchr(top, '/');
        *(char *) this_boot++ = 0;

        d = opendir(top);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        for (struct dirent *de; (de = readdir(d)); ) {
                if (de->d_name[0] == '.')
                        continue;
                r = recover_boot(g, dirfd(d), de->d_name, streq(de->d_name, this_boot));
                if (r < 0)
                        break;
                dropped += r;
        }
        closedir(d);
        return r < 0 ? r : dropped;
}
