/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "backend.h"
#include "bus-errors.h"
#include "container.h"
#include "image-ops.h"
#include "image.h"
#include "log.h"

/* One request: find the image, then call graphd's method with the id (and
 * extra, for TagImage), relaying its reply unchanged. */
typedef struct ImageOp {
        Manager *manager;
        sd_bus_message *request;
        char *input;
        char *extra;
        const char *method;
        ImageLookup *lookup;
} ImageOp;

static void image_op_free(ImageOp *op) {
        if (!op)
                return;
        image_lookup_free(op->lookup);
        sd_bus_message_unref(op->request);
        free(op->input);
        free(op->extra);
        free(op);
}

/* graphd's reply, as it is */
static int on_graph_reply(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata, *out = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        if (e)
                return backend_reply_error(BACKEND_GRAPH, request, e), 0;
        r = sd_bus_message_new_method_return(request, &out);
        if (r >= 0)
                r = sd_bus_message_copy(out, reply, true);
        if (r >= 0)
                r = sd_bus_send(NULL, out, NULL);
        if (r < 0)
                (void) sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED,
                                                  "graphd failed: bad reply: %s", strerror(-r));
        return 0;
}

static void image_op_on_lookup(ImageLookup *l, int r, const char *key, const char *image_id,
                               const char *config, const sd_bus_error *e, void *userdata) {
        ImageOp *op = userdata;

        op->lookup = NULL;
        if (r == -ENOENT)
                (void) sd_bus_reply_method_errorf(op->request, WHARF_ERROR_NO_SUCH_IMAGE,
                                                  "No such image: %s", op->input);
        else if (r < 0) {
                if (e)
                        (void) backend_reply_error(BACKEND_GRAPH, op->request, e);
                else
                        (void) sd_bus_reply_method_errno(op->request, -r, NULL);
        } else {
                if (op->extra)
                        r = backend_call(op->manager, BACKEND_GRAPH, NULL, op->method, BACKEND_TIMEOUT_USEC,
                                         on_graph_reply, op->request, "ss", image_id, op->extra);
                else
                        r = backend_call(op->manager, BACKEND_GRAPH, NULL, op->method, BACKEND_TIMEOUT_USEC,
                                         on_graph_reply, op->request, "s", image_id);
                if (r < 0)
                        (void) sd_bus_reply_method_errno(op->request, -r, NULL);
                else
                        op->request = NULL; /* on_graph_reply owns it */
        }
        image_lookup_free(l);
        image_op_free(op);
}

static int image_op_start(sd_bus_message *message, Manager *m, const char *method, const char *input,
                          const char *extra, sd_bus_error *error) {
        ImageOp *op;
        int r;

        op = calloc(1, sizeof *op);
        if (!op)
                return -ENOMEM;
        op->manager = m;
        op->method = method;
        op->request = sd_bus_message_ref(message);
        op->input = strdup(input);
        op->extra = extra ? strdup(extra) : NULL;
        if (!op->input || (extra && !op->extra)) {
                image_op_free(op);
                return -ENOMEM;
        }
        r = image_lookup_start(m, input, image_op_on_lookup, op, &op->lookup);
        if (r == -EINVAL) {
                image_op_free(op);
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE,
                                         "invalid reference format: %s", input);
        }
        if (r < 0) {
                image_op_free(op);
                return r;
        }
        return 1;
}

int method_tag_image(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *source, *target;
        int r;

        r = sd_bus_message_read(message, "ss", &source, &target);
        if (r < 0)
                return r;
        return image_op_start(message, userdata, "TagImage", source, target, error);
}

int method_inspect_image(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        return image_op_start(message, userdata, "InspectImage", ref, NULL, error);
}

int method_image_history(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *ref;
        int r;

        r = sd_bus_message_read(message, "s", &ref);
        if (r < 0)
                return r;
        return image_op_start(message, userdata, "ImageHistory", ref, NULL, error);
}

/* the ids of the images the engine's containers use (any state: docker
 * counts stopped containers' images as used too) */
static int used_images(Manager *m, char ***ret) {
        _cleanup_(strv_freep) char **l = NULL;

        LIST_FOREACH(containers, c, m->containers)
                if (c->image_id && !strv_contains(l, c->image_id) && strv_extend(&l, c->image_id) < 0)
                        return -ENOMEM;
        if (!l) {
                l = calloc(1, sizeof(char *));
                if (!l)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int call_with_strv(Manager *m, const char *method, void *userdata,
                          sd_bus_message_handler_t callback, int all, char **a, char **b) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *call = NULL;
        const BackendInfo *g = backend_info(BACKEND_GRAPH);
        int r;

        r = sd_bus_message_new_method_call(m->bus, &call, g->bus_name, g->path, g->interface, method);
        if (r >= 0 && all >= 0)
                r = sd_bus_message_append(call, "b", all);
        if (r >= 0)
                r = sd_bus_message_append_strv(call, a);
        if (r >= 0 && b)
                r = sd_bus_message_append_strv(call, b);
        if (r >= 0)
                r = sd_bus_call_async(m->bus, NULL, call, callback, userdata, BACKEND_LONG_TIMEOUT_USEC);
        return r;
}

int method_prune_images(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **keep = NULL;
        Manager *m = userdata;
        int all, r;

        r = sd_bus_message_read(message, "b", &all);
        if (r < 0)
                return r;
        r = used_images(m, &keep);
        if (r < 0)
                return r;
        r = call_with_strv(m, "PruneImages", sd_bus_message_ref(message), on_graph_reply, all, keep, NULL);
        if (r < 0) {
                sd_bus_message_unref(message);
                return r;
        }
        return 1;
}

typedef struct DiskUsageRequest {
        Manager *manager;
        sd_bus_message *request;
} DiskUsageRequest;

static int on_disk_usage(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(freep) DiskUsageRequest *req = userdata;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = req->request, *out = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        uint32_t images, active, n_containers = 0, running = 0;
        uint64_t size, reclaimable, csize = 0, creclaimable = 0;
        int r;

        if (e)
                return backend_reply_error(BACKEND_GRAPH, request, e), 0;
        r = sd_bus_message_read(reply, "uutt", &images, &active, &size, &reclaimable);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(st)");
        while (r >= 0) {
                Container *c = NULL;
                const char *id;
                uint64_t s;

                r = sd_bus_message_read(reply, "(st)", &id, &s);
                if (r <= 0)
                        break;
                n_containers++;
                csize += s;
                /* docker: a running container's layer is not reclaimable */
                if (container_find(req->manager->containers, id, &c) >= 0 && c &&
                    c->status == CONTAINER_RUNNING)
                        running++;
                else
                        creclaimable += s;
        }
        if (r < 0)
                return sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED,
                                                  "graphd failed: bad DiskUsage reply"), 0;

        r = sd_bus_message_new_method_return(request, &out);
        if (r >= 0)
                r = sd_bus_message_append(out, "a(suutt)", 4,
                                          "Images", images, active, size, reclaimable,
                                          "Containers", n_containers, running, csize, creclaimable,
                                          "Local Volumes", 0, 0, (uint64_t) 0, (uint64_t) 0,
                                          "Build Cache", 0, 0, (uint64_t) 0, (uint64_t) 0);
        if (r >= 0)
                r = sd_bus_send(NULL, out, NULL);
        return 0;
}

int method_system_disk_usage(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(strv_freep) char **active = NULL, **containers = NULL;
        DiskUsageRequest *req;
        Manager *m = userdata;
        int r;

        r = used_images(m, &active);
        if (r < 0)
                return r;
        LIST_FOREACH(containers, c, m->containers)
                if (strv_extend(&containers, c->id) < 0)
                        return -ENOMEM;
        req = calloc(1, sizeof *req);
        if (!req)
                return -ENOMEM;
        req->manager = m;
        req->request = sd_bus_message_ref(message);
        r = call_with_strv(m, "DiskUsage", req, on_disk_usage, -1, active,
                           containers ?: (char *[]) { NULL });
        if (r < 0) {
                sd_bus_message_unref(req->request);
                free(req);
                return r;
        }
        return 1;
}
