/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "bus-errors.h"
#include "fs-util.h"
#include "id.h"
#include "image-store.h"
#include "layer-store.h"
#include "macro.h"
#include "rootfs.h"

#define ROOTFS_METADATA_MAX (256U * 1024U)
/* mount(2) takes one page of options */
#define MOUNT_OPTIONS_MAX 4095U

void container_refs_free(ContainerRef *refs, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(refs[i].container_id);
                free(refs[i].image_id);
                strv_free(refs[i].layers);
        }
        free(refs);
}

static int container_ref_load(Graph *g, const char *cid, ContainerRef *ret) {
        _cleanup_(freep) char *p = NULL, *text = NULL;
        json_object *o, *v;
        ContainerRef c = {};
        int r;

        if (asprintf(&p, "%s/%s/rootfs.json", g->containers, cid) < 0)
                return -ENOMEM;
        r = read_full_file(p, &text, NULL, ROOTFS_METADATA_MAX);
        if (r < 0)
                return r;
        o = json_tokener_parse(text);
        if (!o)
                return -EBADMSG;

        r = -EBADMSG;
        if (!json_object_object_get_ex(o, "image_id", &v) || !digest_is_valid(json_object_get_string(v)))
                goto finish;
        c.image_id = strdup(json_object_get_string(v));
        c.container_id = strdup(cid);
        if (!c.image_id || !c.container_id) {
                r = -ENOMEM;
                goto finish;
        }
        if (json_object_object_get_ex(o, "layers", &v) && json_object_is_type(v, json_type_array))
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        const char *l = json_object_get_string(json_object_array_get_idx(v, i));
                        if (digest_is_valid(l) && strv_extend(&c.layers, l) < 0) {
                                r = -ENOMEM;
                                goto finish;
                        }
                }
        *ret = c;
        c = (ContainerRef) {};
        r = 0;
finish:
        json_object_put(o);
        free(c.container_id);
        free(c.image_id);
        strv_free(c.layers);
        return r;
}

int container_refs_load(Graph *g, ContainerRef **ret, size_t *ret_n) {
        ContainerRef *l = NULL;
        size_t n = 0, alloc = 0;
        DIR *d;
        int r = 0;

        d = opendir(g->containers);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d)); ) {
                if (!id_is_valid(de->d_name))
                        continue;
                if (n == alloc) {
                        alloc = alloc ? alloc * 2 : 8;
                        ContainerRef *nl = realloc(l, alloc * sizeof *l);
                        if (!nl) {
                                r = -ENOMEM;
                                break;
                        }
                        l = nl;
                }
                r = container_ref_load(g, de->d_name, &l[n]);
                if (r == -ENOENT || r == -EBADMSG) {
                        /* being created or removed right now */
                        r = 0;
                        continue;
                }
                if (r < 0)
                        break;
                n++;
        }
        closedir(d);
        if (r < 0) {
                container_refs_free(l, n);
                return r;
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

static int container_dir_create(Graph *g, const char *dir, const char *cid, const Image *img) {
        _cleanup_(freep) char *tmp = NULL, *upper = NULL, *work = NULL, *meta = NULL;
        json_object *o, *layers;
        const char *text;
        int r;

        r = graph_mkdtemp(g, "container", &tmp);
        if (r < 0)
                return r;
        upper = path_join(tmp, "upper");
        work = path_join(tmp, "work");
        meta = path_join(tmp, "rootfs.json");
        o = json_object_new_object();
        layers = json_object_new_array();
        if (!upper || !work || !meta || !o || !layers) {
                r = -ENOMEM;
                goto finish;
        }
        STRV_FOREACH(l, img->layers)
                json_object_array_add(layers, json_object_new_string(*l));
        json_object_object_add(o, "container_id", json_object_new_string(cid));
        json_object_object_add(o, "image_id", json_object_new_string(img->id));
        json_object_object_add(o, "layers", TAKE_PTR(layers));

        if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0) {
                r = -errno;
                goto finish;
        }
        text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        /* No fsync: this is on every container start's path, a kill -9 loses
         * nothing, and after a power loss an empty rootfs.json reads as a
         * container being created (container_refs_load skips it), as
         * docker's overlay2 does not sync its per-container files either. */
        r = text ? write_file_atomic_nosync(meta, text, strlen(text), 0600) : -ENOMEM;
        if (r >= 0 && chmod(tmp, 0711) < 0)
                r = -errno;
        if (r >= 0 && rename(tmp, dir) < 0)
                r = -errno;
finish:
        if (layers)
                json_object_put(layers);
        if (o)
                json_object_put(o);
        if (r < 0)
                (void) rm_rf(tmp);
        return r;
}

static bool is_mounted(const char *path, const char *parent) {
        struct stat a, b;

        return stat(path, &a) >= 0 && stat(parent, &b) >= 0 && a.st_dev != b.st_dev;
}

/* Lower dirs relative to layers/ (mount(2) resolves them against the cwd),
 * top-most first: more layers fit in the one page of mount options. */
static int overlay_mount(Graph *g, const Image *img, const char *dir, const char *target, unsigned flags) {
        _cleanup_(freep) char *opts = NULL;
        _cleanup_(closep) int cwd = -EBADF;
        size_t n = strv_length(img->layers);
        FILE *f;
        size_t size = 0;
        int r;

        f = open_memstream(&opts, &size);
        if (!f)
                return -ENOMEM;
        fputs("lowerdir=", f);
        for (size_t i = n; i > 0; i--)
                fprintf(f, "%s%s/diff", i < n ? ":" : "", digest_hex(img->layers[i - 1]));
        fprintf(f, ",upperdir=%s/upper,workdir=%s/work%s", dir, dir, flags & ROOTFS_VOLATILE ? ",volatile" : "");
        if (fclose(f) != 0)
                return -ENOMEM;
        if (size > MOUNT_OPTIONS_MAX)
                return -E2BIG;

        cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (cwd < 0)
                return -errno;
        if (chdir(g->layers) < 0)
                return -errno;
        r = mount("overlay", target, "overlay", 0, opts) < 0 ? -errno : 0;
        if (fchdir(cwd) < 0 && r >= 0)
                r = -errno;
        return r;
}

int rootfs_create(Graph *g, const char *cid, const char *image_id, unsigned flags, char **ret_path,
                  sd_bus_error *error) {
        _cleanup_(image_done) Image img = {};
        _cleanup_(freep) char *dir = NULL, *target = NULL;
        ContainerRef existing = {};
        int r;

        if (!id_is_valid(cid))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid container id: %s", cid);
        if (!graph_id_hex(image_id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid image id: %s", image_id);
        r = image_load(g, image_id, &img);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_IMAGE, "No such image: %s", image_id);
        if (r < 0)
                return r;
        if (strv_length(img.layers) == 0)
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_LAYER, "image %s has no layers", img.id);
        STRV_FOREACH(l, img.layers) {
                _cleanup_(freep) char *p = layer_path(g, *l, "diff");
                if (!p)
                        return -ENOMEM;
                if (access(p, F_OK) < 0)
                        return sd_bus_error_setf(error, WHARF_ERROR_INVALID_LAYER,
                                                 "layer %s of image %s is missing", *l, img.id);
        }

        dir = path_join(g->containers, cid);
        target = path_join(g->mounts, cid);
        if (!dir || !target)
                return -ENOMEM;

        r = container_ref_load(g, cid, &existing);
        if (r >= 0) {
                bool same = streq(existing.image_id, img.id);
                free(existing.container_id);
                free(existing.image_id);
                strv_free(existing.layers);
                if (!same)
                        return sd_bus_error_setf(error, WHARF_ERROR_NAME_IN_USE,
                                                 "container %s already has a rootfs from another image", cid);
        } else if (r == -ENOENT) {
                r = container_dir_create(g, dir, cid, &img);
                if (r < 0)
                        return r;
        } else
                return r;

        if (mkdir(target, 0755) < 0 && errno != EEXIST)
                return -errno;
        if (!is_mounted(target, g->mounts)) {
                r = overlay_mount(g, &img, dir, target, flags);
                if (r == -E2BIG)
                        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                                 "image %s has too many layers to mount (%zu)",
                                                 img.id, strv_length(img.layers));
                if (r < 0) {
                        (void) rmdir(target);
                        return sd_bus_error_set_errnof(error, -r, "mounting overlay rootfs for %s failed: %s",
                                                       cid, strerror(-r));
                }
        }

        *ret_path = TAKE_PTR(target);
        return 0;
}

int rootfs_release(Graph *g, const char *cid, bool remove, sd_bus_error *error) {
        _cleanup_(freep) char *dir = NULL, *target = NULL;
        int r;

        if (!id_is_valid(cid))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid container id: %s", cid);
        dir = path_join(g->containers, cid);
        target = path_join(g->mounts, cid);
        if (!dir || !target)
                return -ENOMEM;

        /* a stacked mount would leave the rootfs behind the first one */
        for (int i = 0; i < 16 && is_mounted(target, g->mounts); i++)
                if (umount2(target, 0) < 0) {
                        if (errno != EBUSY)
                                return sd_bus_error_set_errnof(error, errno, "unmounting %s failed: %m", target);
                        /* still in use (a process with a cwd in it): detach now */
                        if (umount2(target, MNT_DETACH) < 0)
                                return sd_bus_error_set_errnof(error, errno, "unmounting %s failed: %m", target);
                }
        if (rmdir(target) < 0 && errno != ENOENT)
                return sd_bus_error_set_errnof(error, errno, "removing %s failed: %m", target);

        if (remove) {
                r = graph_discard(g, dir);
                if (r < 0)
                        return sd_bus_error_set_errnof(error, -r, "removing writable layer of %s failed: %s",
                                                       cid, strerror(-r));
        }
        return 0;
}

int rootfs_mounted_path(Graph *g, const char *cid, char **ret) {
        _cleanup_(freep) char *target = NULL;

        if (!id_is_valid(cid))
                return -EINVAL;
        target = path_join(g->mounts, cid);
        if (!target)
                return -ENOMEM;
        if (!is_mounted(target, g->mounts))
                return -ENOENT;
        *ret = TAKE_PTR(target);
        return 0;
}
