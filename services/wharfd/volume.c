/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdlib.h>

#include "backend.h"
#include "bus-errors.h"
#include "container.h"
#include "daemon.h"
#include "log.h"
#include "mounts.h"
#include "volume.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* docker marks the volumes it names itself so that prune (without -a)
 * takes only those */
#define ANONYMOUS_LABEL "com.docker.volume.anonymous"

typedef enum VolumeOpKind {
        VOLUME_OP_CREATE,
        VOLUME_OP_POPULATE,
} VolumeOpKind;

struct VolumeOp {
        Manager *manager;
        VolumeOpKind kind;
        char container_id[ID_HEX_LEN + 1];
        json_object *mount_points;
        size_t next;
        sd_bus_slot *slot;
        VolumeOpDone done;
        void *userdata;
};

VolumeOp *volume_op_free(VolumeOp *op) {
        if (!op)
                return NULL;
        sd_bus_slot_unref(op->slot);
        json_object_put(op->mount_points);
        free(op);
        return NULL;
}

json_object *container_mount_points(const Container *c) {
        json_object *a;

        if (c->record && json_object_object_get_ex(c->record, "MountPoints", &a) &&
            json_object_is_type(a, json_type_array) && json_object_array_length(a) > 0)
                return a;
        return NULL;
}

static bool container_uses_volume(const Container *c, const char *name) {
        json_object *a = container_mount_points(c);
        size_t n = a ? json_object_array_length(a) : 0;

        for (size_t i = 0; i < n; i++)
                if (streq_ptr(mount_point_string(json_object_array_get_idx(a, i), "Name"), name))
                        return true;
        return false;
}

static unsigned volume_ref_count(Manager *m, const char *name) {
        unsigned n = 0;

        LIST_FOREACH(containers, c, m->containers)
                n += container_uses_volume(c, name);
        return n;
}

/* The one line a failed graphd call gives: graphd words bad input as
 * docker does; anything else is graphd failing. */
static char *volume_error_message(const sd_bus_error *e) {
        if (e->message && streq_ptr(e->name, SD_BUS_ERROR_INVALID_ARGS))
                return strdup(e->message);
        return backend_error_message(BACKEND_GRAPH, e);
}

static void volume_op_finish(VolumeOp *op, int r, const char *message) {
        /* done may free op */
        op->slot = sd_bus_slot_unref(op->slot);
        op->done(r, message, op->userdata);
}

static int volume_op_step(VolumeOp *op);

static int on_volume_op_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        VolumeOp *op = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        json_object *mp = json_object_array_get_idx(op->mount_points, op->next);
        int r;

        if (e) {
                _cleanup_(freep) char *msg = volume_error_message(e);
                volume_op_finish(op, -sd_bus_error_get_errno(e) ?: -EIO, msg);
                return 0;
        }
        if (op->kind == VOLUME_OP_CREATE) {
                _cleanup_(json_object_putp) json_object *v = NULL;
                const char *json, *name, *mountpoint;

                r = sd_bus_message_read(reply, "s", &json);
                v = r >= 0 ? json_tokener_parse(json) : NULL;
                name = v ? mount_point_string(v, "Name") : NULL;
                mountpoint = v ? mount_point_string(v, "Mountpoint") : NULL;
                if (isempty(name) || isempty(mountpoint)) {
                        volume_op_finish(op, -EBADMSG, "graphd failed: bad CreateVolume reply");
                        return 0;
                }
                json_object_object_add(mp, "Name", json_object_new_string(name));
                json_object_object_add(mp, "Source", json_object_new_string(mountpoint));
        }
        op->next++;
        r = volume_op_step(op);
        if (r < 0)
                volume_op_finish(op, r, "failed to call graphd");
        return 0;
}

static int send_create(VolumeOp *op, json_object *mp) {
        const char *name = mount_point_string(mp, "Name");
        bool anonymous = isempty(name);

        /* a{ss}: the label docker gives the volumes it names */
        return backend_call(op->manager, BACKEND_GRAPH, &op->slot, "CreateVolume", BACKEND_TIMEOUT_USEC,
                            on_volume_op_reply, op, "sa{ss}", strempty(name), anonymous ? 1 : 0,
                            ANONYMOUS_LABEL, "");
}

static int send_populate(VolumeOp *op, json_object *mp) {
        return backend_call(op->manager, BACKEND_GRAPH, &op->slot, "PopulateVolume", BACKEND_LONG_TIMEOUT_USEC,
                            on_volume_op_reply, op, "sss", mount_point_string(mp, "Name"), op->container_id,
                            mount_point_string(mp, "Destination"));
}

/* Sends the next call, or ends the op. */
static int volume_op_step(VolumeOp *op) {
        size_t n = json_object_array_length(op->mount_points);

        op->slot = sd_bus_slot_unref(op->slot);
        for (; op->next < n; op->next++) {
                json_object *mp = json_object_array_get_idx(op->mount_points, op->next);

                if (op->kind == VOLUME_OP_CREATE)
                        return send_create(op, mp);
                if (!mount_point_bool(mp, "NoCopy") && !isempty(mount_point_string(mp, "Name")))
                        return send_populate(op, mp);
        }
        volume_op_finish(op, 0, NULL);
        return 0;
}

static int volume_op_start(Manager *m, VolumeOpKind kind, const char *container_id, json_object *mount_points,
                           VolumeOpDone done, void *userdata, VolumeOp **ret) {
        _cleanup_(volume_op_freep) VolumeOp *op = NULL;
        int r;

        op = calloc(1, sizeof *op);
        if (!op)
                return -ENOMEM;
        op->manager = m;
        op->kind = kind;
        snprintf(op->container_id, sizeof op->container_id, "%s", strempty(container_id));
        op->mount_points = json_object_get(mount_points);
        op->done = done;
        op->userdata = userdata;
        /* the first call goes out before done can be called: *ret is set
         * by then; an empty list ends at once */
        if (json_object_array_length(mount_points) == 0) {
                *ret = NULL;
                done(0, NULL, userdata);
                return 0;
        }
        *ret = op;
        r = volume_op_step(TAKE_PTR(op));
        if (r < 0) {
                *ret = volume_op_free(*ret);
                return r;
        }
        return 0;
}

int volumes_create(Manager *m, json_object *mount_points, VolumeOpDone done, void *userdata, VolumeOp **ret) {
        return volume_op_start(m, VOLUME_OP_CREATE, NULL, mount_points, done, userdata, ret);
}

int volumes_populate(Manager *m, const char *container_id, json_object *mount_points,
                     VolumeOpDone done, void *userdata, VolumeOp **ret) {
        return volume_op_start(m, VOLUME_OP_POPULATE, container_id, mount_points, done, userdata, ret);
}

void volumes_drop_anonymous(Manager *m, const Container *c) {
        json_object *a = container_mount_points(c);
        size_t n = a ? json_object_array_length(a) : 0;

        for (size_t i = 0; i < n; i++) {
                json_object *mp = json_object_array_get_idx(a, i);
                const char *name = mount_point_string(mp, "Name");

                if (!mount_point_bool(mp, "Anonymous") || isempty(name))
                        continue;
                /* another container may have it through --volumes-from one
                 * day; today an anonymous volume is its container's alone */
                if (volume_ref_count(m, name) > 1)
                        continue;
                if (backend_call_ignore(m, BACKEND_GRAPH, "RemoveVolume", "s", name) < 0)
                        log_warning("Failed to remove the anonymous volume %s of %s.", name, c->id);
        }
}

/* Engine1 */

int method_create_volume(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return backend_forward(userdata, BACKEND_GRAPH, message, "CreateVolume");
}

int method_inspect_volume(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        return backend_forward(userdata, BACKEND_GRAPH, message, "InspectVolume");
}

typedef struct VolumeCall {
        Manager *manager;
        sd_bus_message *request;
        char *name;
        bool force, all;
        json_object *candidates;   /* prune: the volumes to remove */
        size_t next;
        char **removed;
} VolumeCall;

static VolumeCall *volume_call_free(VolumeCall *vc) {
        if (!vc)
                return NULL;
        sd_bus_message_unref(vc->request);
        free(vc->name);
        json_object_put(vc->candidates);
        strv_free(vc->removed);
        free(vc);
        return NULL;
}
DEFINE_TRIVIAL_CLEANUP_FUNC(VolumeCall *, volume_call_free);

static int volume_call_new(Manager *m, sd_bus_message *request, VolumeCall **ret) {
        VolumeCall *vc = calloc(1, sizeof *vc);

        if (!vc)
                return -ENOMEM;
        vc->manager = m;
        vc->request = sd_bus_message_ref(request);
        *ret = vc;
        return 0;
}

/* ListVolumes' objects with docker's UsageData.RefCount (the containers
 * that use each; Size is not measured: -1, as docker says when it did not). */
static int on_list_volumes(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(volume_call_freep) VolumeCall *vc = userdata;
        _cleanup_(json_object_putp) json_object *a = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *json;
        int r;

        if (e) {
                (void) backend_reply_error(BACKEND_GRAPH, vc->request, e);
                return 0;
        }
        r = sd_bus_message_read(reply, "s", &json);
        a = r >= 0 ? json_tokener_parse(json) : NULL;
        if (!a || !json_object_is_type(a, json_type_array)) {
                (void) sd_bus_reply_method_errorf(vc->request, WHARF_ERROR_BACKEND_FAILED,
                                                  "graphd failed: bad ListVolumes reply");
                return 0;
        }
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *v = json_object_array_get_idx(a, i), *u = json_object_new_object();

                json_object_object_add(u, "RefCount", json_object_new_int64(volume_ref_count(vc->manager, mount_point_string(v, "Name"))));
                json_object_object_add(u, "Size", json_object_new_int64(-1));
                json_object_object_add(v, "UsageData", u);
        }
        r = sd_bus_reply_method_return(vc->request, "s", json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN));
        if (r < 0)
                log_warning_errno(r, "Failed to answer ListVolumes: %m");
        return 0;
}

int method_list_volumes(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(volume_call_freep) VolumeCall *vc = NULL;
        int r;

        r = volume_call_new(userdata, message, &vc);
        if (r < 0)
                return r;
        r = backend_call(userdata, BACKEND_GRAPH, NULL, "ListVolumes", BACKEND_TIMEOUT_USEC, on_list_volumes, vc, NULL);
        if (r < 0)
                return r;
        TAKE_PTR(vc);
        return 1;
}

static int in_use_error(Manager *m, const char *name, sd_bus_error *error) {
        _cleanup_(freep) char *ids = NULL;

        LIST_FOREACH(containers, c, m->containers) {
                char *s;

                if (!container_uses_volume(c, name))
                        continue;
                if (asprintf(&s, "%s%s%s", strempty(ids), ids ? ", " : "", c->id) < 0)
                        return -ENOMEM;
                free(ids);
                ids = s;
        }
        if (!ids)
                return 0;
        return sd_bus_error_setf(error, WHARF_ERROR_VOLUME_IN_USE, "remove %s: volume is in use - [%s]", name, ids);
}

static int on_remove_volume(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(volume_call_freep) VolumeCall *vc = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);

        /* rm -f: a volume that is not there is no error */
        if (e && !(vc->force && sd_bus_error_has_name(e, WHARF_ERROR_NO_SUCH_VOLUME)))
                (void) backend_reply_error_as_is(vc->request, e);
        else
                (void) sd_bus_reply_method_return(vc->request, NULL);
        return 0;
}

int method_remove_volume(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(volume_call_freep) VolumeCall *vc = NULL;
        Manager *m = userdata;
        const char *name;
        int force, r;

        r = sd_bus_message_read(message, "sb", &name, &force);
        if (r < 0)
                return r;
        r = in_use_error(m, name, error);
        if (r != 0)
                return r;
        r = volume_call_new(m, message, &vc);
        if (r < 0)
                return r;
        vc->force = force;
        r = backend_call(m, BACKEND_GRAPH, NULL, "RemoveVolume", BACKEND_TIMEOUT_USEC, on_remove_volume, vc, "s", name);
        if (r < 0)
                return r;
        TAKE_PTR(vc);
        return 1;
}

/* Prune: ListVolumes, then RemoveVolume of each unused one, one after the other. */

static void prune_next(VolumeCall *vc);

static int on_prune_removed(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        VolumeCall *vc = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *name = mount_point_string(json_object_array_get_idx(vc->candidates, vc->next), "Name");

        if (e)
                log_warning("Failed to prune volume %s: %s", name, e->message ?: e->name);
        else if (strv_extend(&vc->removed, name) < 0)
                log_oom();
        vc->next++;
        prune_next(vc);
        return 0;
}

/* Removes the next candidate, or answers and frees vc. */
static void prune_next(VolumeCall *vc) {
        size_t n = json_object_array_length(vc->candidates);
        int r;

        for (; vc->next < n; vc->next++) {
                json_object *v = json_object_array_get_idx(vc->candidates, vc->next), *labels;
                const char *name = mount_point_string(v, "Name");

                if (!name || volume_ref_count(vc->manager, name) > 0)
                        continue;
                if (!vc->all && !(json_object_object_get_ex(v, "Labels", &labels) &&
                                  json_object_object_get_ex(labels, ANONYMOUS_LABEL, NULL)))
                        continue;
                r = backend_call(vc->manager, BACKEND_GRAPH, NULL, "RemoveVolume", BACKEND_TIMEOUT_USEC,
                                 on_prune_removed, vc, "s", name);
                if (r >= 0)
                        return;
                log_warning_errno(r, "Failed to call graphd to prune volume %s: %m", name);
        }
        r = bus_reply_method_return_strv(vc->request, vc->removed);
        if (r < 0)
                log_warning_errno(r, "Failed to answer PruneVolumes: %m");
        volume_call_free(vc);
}

static int on_prune_list(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        VolumeCall *vc = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        const char *json;

        if (e) {
                (void) backend_reply_error(BACKEND_GRAPH, vc->request, e);
                volume_call_free(vc);
                return 0;
        }
        if (sd_bus_message_read(reply, "s", &json) >= 0)
                vc->candidates = json_tokener_parse(json);
        if (!vc->candidates || !json_object_is_type(vc->candidates, json_type_array)) {
                (void) sd_bus_reply_method_errorf(vc->request, WHARF_ERROR_BACKEND_FAILED,
                                                  "graphd failed: bad ListVolumes reply");
                volume_call_free(vc);
                return 0;
        }
        prune_next(vc);
        return 0;
}

int method_prune_volumes(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(volume_call_freep) VolumeCall *vc = NULL;
        int all, r;

        r = sd_bus_message_read(message, "b", &all);
        if (r < 0)
                return r;
        r = volume_call_new(userdata, message, &vc);
        if (r < 0)
                return r;
        vc->all = all;
        r = backend_call(userdata, BACKEND_GRAPH, NULL, "ListVolumes", BACKEND_TIMEOUT_USEC, on_prune_list, vc, NULL);
        if (r < 0)
                return r;
        TAKE_PTR(vc);
        return 1;
}
