/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <json-c/json.h>

#include "archive-bus.h"
#include "blob-store.h"
#include "bus-errors.h"
#include "digest.h"
#include "graph-limits.h"
#include "graphd-bus.h"
#include "image-inspect.h"
#include "image-manifest.h"
#include "image-store.h"
#include "ingest.h"
#include "layer-store.h"
#include "daemon.h"
#include "log.h"
#include "macro.h"
#include "manager.h"
#include "rootfs.h"
#include "volume-bus.h"

#include "config.h"

/* Failures that are not the caller's fault are logged here, once, and
 * turned into a named error with the reason. */
static int bus_fail(int r, sd_bus_error *error, const char *what) {
        if (sd_bus_error_is_set(error))
                return r;
        log_error_errno(r, "%s failed: %m", what);
        return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED, "%s failed: %s", what, strerror(-r));
}

static int method_has_layer(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *chain;
        int r;

        r = sd_bus_message_read(msg, "s", &chain);
        if (r < 0)
                return r;
        if (!digest_is_valid(chain))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid chain id: %s", chain);
        return sd_bus_reply_method_return(msg, "b", layer_exists(m->graph, chain));
}

static int method_ingest_layer(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(closep) int fd = -EBADF;
        const char *blob, *media_type, *diff_id, *parent;
        Manager *m = userdata;
        Ingest *i;
        uint64_t size;
        int r;

        r = sd_bus_message_read(msg, "sstss", &blob, &media_type, &size, &diff_id, &parent);
        if (r < 0)
                return r;
        if (!digest_is_valid(blob))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid blob digest: %s", blob);
        if (!digest_is_valid(diff_id))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid diff_id: %s", diff_id);
        if (!isempty(parent) && !digest_is_valid(parent))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid parent chain id: %s", parent);
        if (layer_media_type_compression(media_type) < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_LAYER, "unsupported layer media type: %s",
                                         media_type);
        if (size == 0)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "layer size must not be 0");

        r = ingest_new(m, blob, media_type, size, diff_id, parent, &i, &fd);
        if (r == -EBUSY)
                return sd_bus_error_setf(error, WHARF_ERROR_BACKEND_FAILED,
                                         "too many layer ingests in progress (%u)", m->n_ingests);
        if (r < 0)
                return bus_fail(r, error, "Starting the ingest");
        log_debug("Ingest %u: %s (%s, %" PRIu64 " bytes) as %s.", i->id, blob, media_type, size, i->chain_id);

        r = sd_bus_reply_method_return(msg, "uh", i->id, fd);
        if (r < 0) {
                ingest_free(i);
                return r;
        }
        /* Started only after the reply went out, so the caller holds the
         * write end before IngestDone could ever be sent. */
        manager_dispatch_ingests(m);
        return 1;
}

static int method_commit_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **tags = NULL;
        const char *manifest_digest, *manifest, *config;
        Manager *m = userdata;
        char id[DIGEST_STRING_MAX];
        int r;

        r = sd_bus_message_read(msg, "sss", &manifest_digest, &manifest, &config);
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(msg, &tags);
        if (r < 0)
                return r;

        r = image_commit(m->graph, manifest_digest, manifest, config, tags, id, error);
        if (r < 0)
                return bus_fail(r, error, "Committing the image");
        log_info("Image %s committed (%zu names).", id, strv_length(tags));
        return sd_bus_reply_method_return(msg, "s", id);
}

static int method_get_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *config = NULL;
        Manager *m = userdata;
        const char *ref;
        char id[DIGEST_STRING_MAX];
        int r;

        r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        r = image_resolve(m->graph, ref, id, error);
        if (r >= 0)
                r = image_read_config(m->graph, id, &config);
        if (r == -ENOENT && !sd_bus_error_is_set(error))
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_IMAGE, "No such image: %s", ref);
        if (r < 0)
                return bus_fail(r, error, "Looking up the image");
        return sd_bus_reply_method_return(msg, "ss", id, config);
}

static int method_list_images(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        Image *images = NULL;
        size_t n = 0;
        int r;

        r = image_list(m->graph, &images, &n);
        if (r < 0)
                return bus_fail(r, error, "Listing images");

        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sasastt)");
        for (size_t i = 0; r >= 0 && i < n; i++) {
                r = sd_bus_message_open_container(reply, 'r', "sasastt");
                if (r >= 0)
                        r = sd_bus_message_append(reply, "s", images[i].id);
                if (r >= 0)
                        r = sd_bus_message_append_strv(reply, images[i].tags);
                if (r >= 0)
                        r = sd_bus_message_append_strv(reply, images[i].digests);
                if (r >= 0)
                        r = sd_bus_message_append(reply, "tt",
                                                  (uint64_t) MAX(images[i].created, (int64_t) 0),
                                                  images[i].size);
                if (r >= 0)
                        r = sd_bus_message_close_container(reply);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        images_free(images, n);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_remove_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **messages = NULL;
        Manager *m = userdata;
        const char *ref;
        int force, r;

        r = sd_bus_message_read(msg, "sb", &ref, &force);
        if (r < 0)
                return r;
        r = image_remove(m->graph, ref, force, &messages, error);
        if (r < 0)
                return bus_fail(r, error, "Removing the image");
        STRV_FOREACH(l, messages)
                log_info("%s", *l);
        return bus_reply_method_return_strv(msg, messages);
}

/* {"Volatile": bool} -> ROOTFS_* flags */
static int rootfs_options_parse(const char *text, unsigned *ret, sd_bus_error *error) {
        json_object *o, *v;

        *ret = 0;
        if (isempty(text))
                return 0;
        o = json_tokener_parse(text);
        if (!o || !json_object_is_type(o, json_type_object)) {
                json_object_put(o);
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid rootfs options: %s", text);
        }
        if (json_object_object_get_ex(o, "Volatile", &v) && json_object_get_boolean(v))
                *ret |= ROOTFS_VOLATILE;
        json_object_put(o);
        return 0;
}

static int method_create_rootfs(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *path = NULL;
        const char *cid, *image, *options = NULL;
        Manager *m = userdata;
        unsigned flags;
        int r;

        r = sd_bus_message_read(msg, "ss", &cid, &image);
        if (r >= 0 && sd_bus_message_has_signature(msg, "sss"))
                r = sd_bus_message_read(msg, "s", &options);
        if (r < 0)
                return r;
        r = rootfs_options_parse(options, &flags, error);
        if (r < 0)
                return r;
        r = rootfs_create(m->graph, cid, image, flags, &path, error);
        if (r < 0)
                return bus_fail(r, error, "Creating the rootfs");
        log_debug("Rootfs of %s (image %s) at %s.", cid, image, path);
        return sd_bus_reply_method_return(msg, "s", path);
}

static int method_release_rootfs(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *cid;
        int remove, r;

        r = sd_bus_message_read(msg, "sb", &cid, &remove);
        if (r < 0)
                return r;
        r = rootfs_release(m->graph, cid, remove, error);
        if (r < 0)
                return bus_fail(r, error, "Releasing the rootfs");
        log_debug("Rootfs of %s released%s.", cid, remove ? " and removed" : "");
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_open_blob(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(closep) int fd = -EBADF;
        _cleanup_(freep) char *media_type = NULL;
        Manager *m = userdata;
        const char *digest;
        uint64_t size;
        int r;

        r = sd_bus_message_read(msg, "s", &digest);
        if (r < 0)
                return r;
        if (!digest_is_valid(digest))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid digest: %s", digest);
        /* only what the store refers to: a blob on its way out is gone */
        r = blob_media_type(m->graph, digest, &media_type);
        if (r >= 0)
                r = blob_open(m->graph, digest, &fd, &size);
        if (r == -ENOENT)
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_BLOB, "blob %s is not stored", digest);
        if (r < 0)
                return bus_fail(r, error, "Opening the blob");
        return sd_bus_reply_method_return(msg, "hts", fd, size, media_type);
}

static int method_get_manifest(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *config = NULL, *manifest = NULL;
        Manager *m = userdata;
        const char *ref;
        char id[DIGEST_STRING_MAX], digest[DIGEST_STRING_MAX];
        int r;

        r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        r = image_resolve(m->graph, ref, id, error);
        if (r >= 0)
                r = image_read_config(m->graph, id, &config);
        if (r == -ENOENT && !sd_bus_error_is_set(error))
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_IMAGE, "No such image: %s", ref);
        if (r >= 0) {
                r = image_manifest_get(m->graph, id, &manifest, digest);
                if (r == -ENOENT)
                        return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_BLOB,
                                                 "image %s has layers stored without their blobs", id);
        }
        if (r < 0)
                return bus_fail(r, error, "Reading the manifest");
        return sd_bus_reply_method_return(msg, "ssss", id, digest, manifest, config);
}

/* reference -> id, NoSuchImage when absent */
static int resolve(Manager *m, const char *ref, char id[static DIGEST_STRING_MAX], sd_bus_error *error) {
        int r = image_resolve(m->graph, ref, id, error);

        if (r == -ENOENT && !sd_bus_error_is_set(error))
                return sd_bus_error_setf(error, WHARF_ERROR_NO_SUCH_IMAGE, "No such image: %s", ref);
        return r;
}

static int method_tag_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *source, *target;
        int r;

        r = sd_bus_message_read(msg, "ss", &source, &target);
        if (r < 0)
                return r;
        r = image_tag(m->graph, source, target, error);
        if (r < 0)
                return bus_fail(r, error, "Tagging the image");
        log_info("Tagged %s as %s.", source, target);
        return sd_bus_reply_method_return(msg, NULL);
}

static int method_inspect_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(freep) char *json = NULL;
        Manager *m = userdata;
        const char *ref;
        char id[DIGEST_STRING_MAX];
        int r;

        r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        r = resolve(m, ref, id, error);
        if (r >= 0)
                r = image_inspect_json(m->graph, id, &json);
        if (r < 0)
                return bus_fail(r, error, "Inspecting the image");
        return sd_bus_reply_method_return(msg, "s", json);
}

static int method_image_history(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        Manager *m = userdata;
        HistoryRow *rows = NULL;
        size_t n = 0;
        const char *ref;
        char id[DIGEST_STRING_MAX];
        int r;

        r = sd_bus_message_read(msg, "s", &ref);
        if (r < 0)
                return r;
        r = resolve(m, ref, id, error);
        if (r >= 0)
                r = image_history(m->graph, id, &rows, &n);
        if (r < 0)
                return bus_fail(r, error, "Reading the image history");
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(sxsts)");
        for (size_t i = 0; r >= 0 && i < n; i++)
                r = sd_bus_message_append(reply, "(sxsts)", rows[i].id, rows[i].created, rows[i].created_by,
                                          rows[i].size, rows[i].comment);
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        history_rows_free(rows, n);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_prune_images(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(strv_freep) char **keep = NULL, **messages = NULL;
        Manager *m = userdata;
        uint64_t reclaimed = 0;
        int all, r;

        r = sd_bus_message_read(msg, "b", &all);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &keep);
        if (r < 0)
                return r;
        r = image_prune(m->graph, all, keep, &messages, &reclaimed);
        if (r < 0)
                return bus_fail(r, error, "Pruning images");
        STRV_FOREACH(l, messages)
                log_info("%s", *l);
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append_strv(reply, messages);
        if (r >= 0)
                r = sd_bus_message_append(reply, "t", reclaimed);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

static int method_disk_usage(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(strv_freep) char **active = NULL, **containers = NULL;
        Manager *m = userdata;
        DiskUsage du;
        int r;

        r = sd_bus_message_read_strv(msg, &active);
        if (r >= 0)
                r = sd_bus_message_read_strv(msg, &containers);
        if (r < 0)
                return r;
        r = image_disk_usage(m->graph, active, &du);
        if (r < 0)
                return bus_fail(r, error, "Measuring disk usage");
        r = sd_bus_message_new_method_return(msg, &reply);
        if (r >= 0)
                r = sd_bus_message_append(reply, "uutt", du.images, du.active, du.size, du.reclaimable);
        if (r >= 0)
                r = sd_bus_message_open_container(reply, 'a', "(st)");
        STRV_FOREACH(c, containers) {
                uint64_t size = 0;

                if (r < 0)
                        break;
                (void) container_layer_size(m->graph, *c, &size);
                r = sd_bus_message_append(reply, "(st)", *c, size);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

/* limits.conf is read at each Get, as graphd itself does at each use */
static int property_get_max_layers(sd_bus *bus, const char *path, const char *interface, const char *property,
                                   sd_bus_message *reply, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        GraphLimits limits;

        graph_limits_load(m->graph, &limits);
        return sd_bus_message_append(reply, "u", limits.max_layers);
}

/* UNPRIVILEGED: sd-bus would otherwise demand CAP_SYS_ADMIN of callers, and
 * wharfd keeps no capabilities; the bus policy admits root only. */
const sd_bus_vtable graph_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_NAMES("HasLayer",
                                 "s", SD_BUS_PARAM(chain_id),
                                 "b", SD_BUS_PARAM(present),
                                 method_has_layer, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("IngestLayer",
                                 "sstss", SD_BUS_PARAM(blob_digest) SD_BUS_PARAM(media_type)
                                          SD_BUS_PARAM(size) SD_BUS_PARAM(diff_id)
                                          SD_BUS_PARAM(parent_chain_id),
                                 "uh", SD_BUS_PARAM(ingest_id) SD_BUS_PARAM(fd),
                                 method_ingest_layer, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_NAMES("IngestDone",
                                 "uss", SD_BUS_PARAM(ingest_id) SD_BUS_PARAM(chain_id) SD_BUS_PARAM(error),
                                 0),
        SD_BUS_METHOD_WITH_NAMES("CommitImage",
                                 "sssas", SD_BUS_PARAM(manifest_digest) SD_BUS_PARAM(manifest)
                                          SD_BUS_PARAM(config) SD_BUS_PARAM(tags),
                                 "s", SD_BUS_PARAM(image_id),
                                 method_commit_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetImage",
                                 "s", SD_BUS_PARAM(reference),
                                 "ss", SD_BUS_PARAM(image_id) SD_BUS_PARAM(config),
                                 method_get_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListImages",
                                 NULL,,
                                 "a(sasastt)", SD_BUS_PARAM(images),
                                 method_list_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveImage",
                                 "sb", SD_BUS_PARAM(reference) SD_BUS_PARAM(force),
                                 "as", SD_BUS_PARAM(messages),
                                 method_remove_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("CreateRootfs",
                                 "ss", SD_BUS_PARAM(container_id) SD_BUS_PARAM(image_id),
                                 "s", SD_BUS_PARAM(path),
                                 method_create_rootfs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("CreateRootfsWithOptions",
                                 "sss", SD_BUS_PARAM(container_id) SD_BUS_PARAM(image_id) SD_BUS_PARAM(options),
                                 "s", SD_BUS_PARAM(path),
                                 method_create_rootfs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ReleaseRootfs",
                                 "sb", SD_BUS_PARAM(container_id) SD_BUS_PARAM(remove),
                                 NULL,,
                                 method_release_rootfs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("OpenBlob",
                                 "s", SD_BUS_PARAM(digest),
                                 "hts", SD_BUS_PARAM(fd) SD_BUS_PARAM(size) SD_BUS_PARAM(media_type),
                                 method_open_blob, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetManifest",
                                 "s", SD_BUS_PARAM(reference),
                                 "ssss", SD_BUS_PARAM(image_id) SD_BUS_PARAM(manifest_digest)
                                         SD_BUS_PARAM(manifest) SD_BUS_PARAM(config),
                                 method_get_manifest, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("TagImage",
                                 "ss", SD_BUS_PARAM(source) SD_BUS_PARAM(target),
                                 NULL,,
                                 method_tag_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectImage",
                                 "s", SD_BUS_PARAM(reference),
                                 "s", SD_BUS_PARAM(json),
                                 method_inspect_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ImageHistory",
                                 "s", SD_BUS_PARAM(reference),
                                 "a(sxsts)", SD_BUS_PARAM(history),
                                 method_image_history, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PruneImages",
                                 "bas", SD_BUS_PARAM(all) SD_BUS_PARAM(keep),
                                 "ast", SD_BUS_PARAM(messages) SD_BUS_PARAM(reclaimed),
                                 method_prune_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("DiskUsage",
                                 "asas", SD_BUS_PARAM(active_images) SD_BUS_PARAM(containers),
                                 "uutta(st)", SD_BUS_PARAM(images) SD_BUS_PARAM(active)
                                              SD_BUS_PARAM(size) SD_BUS_PARAM(reclaimable)
                                              SD_BUS_PARAM(container_sizes),
                                 method_disk_usage, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("SaveImages",
                                 "a(ss)h", SD_BUS_PARAM(names) SD_BUS_PARAM(fd),
                                 "u", SD_BUS_PARAM(archive_id),
                                 method_save_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("LoadImages",
                                 "h", SD_BUS_PARAM(fd),
                                 "u", SD_BUS_PARAM(archive_id),
                                 method_load_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ImportImage",
                                 "hss", SD_BUS_PARAM(fd) SD_BUS_PARAM(tag) SD_BUS_PARAM(source),
                                 "u", SD_BUS_PARAM(archive_id),
                                 method_import_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_NAMES("ArchiveDone",
                                 "ua(ss)s", SD_BUS_PARAM(archive_id) SD_BUS_PARAM(images) SD_BUS_PARAM(error),
                                 0),
        SD_BUS_METHOD_WITH_NAMES("CreateVolume",
                                 "sa{ss}", SD_BUS_PARAM(name) SD_BUS_PARAM(labels),
                                 "s", SD_BUS_PARAM(volume),
                                 method_create_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListVolumes",
                                 NULL,,
                                 "s", SD_BUS_PARAM(volumes),
                                 method_list_volumes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectVolume",
                                 "s", SD_BUS_PARAM(name),
                                 "s", SD_BUS_PARAM(volume),
                                 method_inspect_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveVolume",
                                 "s", SD_BUS_PARAM(name),
                                 NULL,,
                                 method_remove_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PopulateVolume",
                                 "sss", SD_BUS_PARAM(name) SD_BUS_PARAM(container_id) SD_BUS_PARAM(path),
                                 NULL,,
                                 method_populate_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_PROPERTY("Version", "s", bus_property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("MaxLayers", "u", property_get_max_layers, 0, 0),
        SD_BUS_VTABLE_END
};
