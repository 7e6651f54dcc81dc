/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The org.wharf.Engine1 manager object; simple queries live here, jobs and
 * the container life cycle in pull.c, create.c, start.c. */

#include "backend.h"
#include "bus-errors.h"
#include "container.h"
#include "create.h"
#include "digest.h"
#include "image-archive.h"
#include "image-ops.h"
#include "image.h"
#include "lifecycle.h"
#include "daemon.h"
#include "log.h"
#include "network.h"
#include "volume.h"
#include "login.h"
#include "pull.h"
#include "push.h"
#include "reference.h"
#include "start.h"
#include "streams.h"

/* ListImages: graphd's list with docker's familiar names */

static int append_familiar(sd_bus_message *out, sd_bus_message *in) {
        const char *s;
        int r;

        r = sd_bus_message_enter_container(in, 'a', "s");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(out, 'a', "s");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(in, "s", &s)) > 0) {
                _cleanup_(freep) char *f = reference_familiar(s);
                if (!f)
                        return -ENOMEM;
                r = sd_bus_message_append(out, "s", f);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(in);
        if (r < 0)
                return r;
        return sd_bus_message_close_container(out);
}

static int list_images_convert(sd_bus_message *request, sd_bus_message *reply) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *out = NULL;
        int r;

        r = sd_bus_message_new_method_return(request, &out);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "(sasastt)");
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(out, 'a', "(sasastt)");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(reply, 'r', "sasastt")) > 0) {
                const char *id;
                uint64_t created, size;

                r = sd_bus_message_read(reply, "s", &id);
                if (r < 0)
                        return r;
                r = sd_bus_message_open_container(out, 'r', "sasastt");
                if (r < 0)
                        return r;
                r = sd_bus_message_append(out, "s", id);
                if (r < 0)
                        return r;
                r = append_familiar(out, reply);
                if (r < 0)
                        return r;
                r = append_familiar(out, reply);
                if (r < 0)
                        return r;
                r = sd_bus_message_read(reply, "tt", &created, &size);
                if (r < 0)
                        return r;
                r = sd_bus_message_append(out, "tt", created, size);
                if (r < 0)
                        return r;
                r = sd_bus_message_close_container(out);
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(reply);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        r = sd_bus_message_close_container(out);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, out, NULL);
}

static int on_list_images(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        if (e)
                return backend_reply_error(BACKEND_GRAPH, request, e), 0;
        r = list_images_convert(request, reply);
        if (r < 0)
                (void) sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED,
                                                  "graphd failed: bad ListImages reply");
        return 0;
}

static int method_list_images(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        int r;

        r = backend_call(m, BACKEND_GRAPH, NULL, "ListImages", BACKEND_TIMEOUT_USEC, on_list_images,
                         sd_bus_message_ref(message), NULL);
        if (r < 0) {
                sd_bus_message_unref(message);
                return r;
        }
        return 1;
}

/* RemoveImage: refuse what containers still use, then graphd's rmi */

typedef struct RemoveImage {
        Manager *manager;
        sd_bus_message *request;
        char *input;
        bool force;
        ImageLookup *lookup;
} RemoveImage;

static void remove_image_free(RemoveImage *ri) {
        if (!ri)
                return;
        image_lookup_free(ri->lookup);
        sd_bus_message_unref(ri->request);
        free(ri->input);
        free(ri);
}

static const char *short_id(const char *id, char buf[static 13]) {
        snprintf(buf, 13, "%.12s", digest_hex(id) ?: id);
        return buf;
}

static int on_remove_image(sd_bus_message *reply, void *userdata, sd_bus_error *ret_error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *request = userdata;
        _cleanup_(strv_freep) char **lines = NULL;
        const sd_bus_error *e = sd_bus_message_get_error(reply);
        int r;

        if (e)
                return backend_reply_error(BACKEND_GRAPH, request, e), 0;
        r = sd_bus_message_read_strv(reply, &lines);
        if (r < 0)
                return sd_bus_reply_method_errorf(request, WHARF_ERROR_BACKEND_FAILED,
                                                  "graphd failed: bad RemoveImage reply"), 0;
        /* "Untagged: docker.io/library/x:y" reads "Untagged: x:y" with docker */
        STRV_FOREACH(l, lines) {
                const char *rest = startswith(*l, "Untagged: ");
                _cleanup_(freep) char *f = rest ? reference_familiar(rest) : NULL;
                if (f) {
                        char *n;
                        if (asprintf(&n, "Untagged: %s", f) >= 0) {
                                free(*l);
                                *(char **) l = n;
                        }
                }
        }
        (void) bus_reply_method_return_strv(request, lines);
        return 0;
}

static void remove_image_on_lookup(ImageLookup *l, int r, const char *key, const char *image_id,
                                   const char *config, const sd_bus_error *e, void *userdata) {
        RemoveImage *ri = userdata;
        Manager *m = ri->manager;
        char a[13], b[13];
        bool by_id;

        if (r == -ENOENT) {
                (void) sd_bus_reply_method_errorf(ri->request, WHARF_ERROR_NO_SUCH_IMAGE, "No such image: %s", ri->input);
                goto finish;
        }
        if (r < 0) {
                if (e)
                        (void) backend_reply_error(BACKEND_GRAPH, ri->request, e);
                else
                        (void) sd_bus_reply_method_errno(ri->request, -r, NULL);
                goto finish;
        }
        /* a normalized reference always has a '/'; an id never */
        by_id = streq(key, ri->input) && !strchr(key, '/');

        LIST_FOREACH(containers, c, m->containers) {
                if (!streq_ptr(c->image_id, image_id))
                        continue;
                if (by_id && c->status == CONTAINER_RUNNING) {
                        (void) sd_bus_reply_method_errorf(ri->request, WHARF_ERROR_IMAGE_IN_USE,
                                "conflict: unable to delete %s (cannot be forced) - image is being used by running container %.12s",
                                short_id(image_id, a), c->id);
                        goto finish;
                }
                if (ri->force)
                        continue;
                if (by_id)
                        (void) sd_bus_reply_method_errorf(ri->request, WHARF_ERROR_IMAGE_IN_USE,
                                "conflict: unable to delete %s (must be forced) - image is being used by stopped container %.12s",
                                short_id(image_id, a), c->id);
                else
                        (void) sd_bus_reply_method_errorf(ri->request, WHARF_ERROR_IMAGE_IN_USE,
                                "conflict: unable to remove repository reference \"%s\" (must force) - container %s is using its referenced image %s",
                                ri->input, short_id(c->id, b), short_id(image_id, a));
                goto finish;
        }

        r = backend_call(m, BACKEND_GRAPH, NULL, "RemoveImage", BACKEND_LONG_TIMEOUT_USEC, on_remove_image,
                         ri->request, "sb", key, (int) ri->force);
        if (r < 0)
                (void) sd_bus_reply_method_errno(ri->request, -r, NULL);
        else
                ri->request = NULL; /* on_remove_image owns it now */

finish:
        remove_image_free(ri);
}

static int method_remove_image(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        RemoveImage *ri;
        const char *s;
        int force, r;

        r = sd_bus_message_read(message, "sb", &s, &force);
        if (r < 0)
                return r;
        ri = calloc(1, sizeof *ri);
        if (!ri)
                return -ENOMEM;
        ri->manager = m;
        ri->force = force;
        ri->input = strdup(s);
        ri->request = sd_bus_message_ref(message);
        if (!ri->input) {
                remove_image_free(ri);
                return -ENOMEM;
        }
        r = image_lookup_start(m, s, remove_image_on_lookup, ri, &ri->lookup);
        if (r < 0) {
                remove_image_free(ri);
                if (r == -EINVAL)
                        return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid reference format");
                return r;
        }
        return 1;
}

/* ListContainers */

static int container_compare(const void *a, const void *b) {
        const Container *x = *(Container * const *) a, *y = *(Container * const *) b;
        /* newest first, as docker ps */
        return x->created < y->created ? 1 : x->created > y->created ? -1 : strcmp(x->id, y->id);
}

static int method_list_containers(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(freep) Container **array = NULL;
        Manager *m = userdata;
        size_t n = 0, k = 0;
        int all, r;

        r = sd_bus_message_read(message, "b", &all);
        if (r < 0)
                return r;
        LIST_FOREACH(containers, c, m->containers)
                n++;
        array = calloc(n + 1, sizeof(Container *));
        if (!array)
                return -ENOMEM;
        LIST_FOREACH(containers, c, m->containers)
                if (all || c->status == CONTAINER_RUNNING)
                        array[k++] = c;
        qsort(array, k, sizeof(Container *), container_compare);

        r = sd_bus_message_new_method_return(message, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(ssssxsixx)");
        if (r < 0)
                return r;
        for (size_t i = 0; i < k; i++) {
                Container *c = array[i];
                _cleanup_(strv_freep) char **args = container_config_args(&c->config);
                _cleanup_(freep) char *command = args ? args_to_string(args) : NULL;

                if (!command)
                        return -ENOMEM;
                r = sd_bus_message_append(reply, "(ssssxsixx)", c->id, c->name, c->image, command,
                                          c->created, container_status_to_string(c->status),
                                          (int32_t) c->exit_code, c->started_at, c->finished_at);
                if (r < 0)
                        return r;
        }
        r = sd_bus_message_close_container(reply);
        if (r < 0)
                return r;
        return sd_bus_send(NULL, reply, NULL);
}

const sd_bus_vtable engine_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Version", "s", bus_property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_METHOD_WITH_NAMES("Pull", "sa{sv}", SD_BUS_PARAM(reference) SD_BUS_PARAM(options),
                                 "uo", SD_BUS_PARAM(job_id) SD_BUS_PARAM(job_path),
                                 method_pull, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("Push", "sa{sv}", SD_BUS_PARAM(reference) SD_BUS_PARAM(options),
                                 "uo", SD_BUS_PARAM(job_id) SD_BUS_PARAM(job_path),
                                 method_push, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("Login", "sa{sv}", SD_BUS_PARAM(server) SD_BUS_PARAM(options),
                                 "s", SD_BUS_PARAM(status),
                                 method_login, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListImages", NULL,, "a(sasastt)", SD_BUS_PARAM(images),
                                 method_list_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveImage", "sb", SD_BUS_PARAM(reference) SD_BUS_PARAM(force),
                                 "as", SD_BUS_PARAM(messages),
                                 method_remove_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("CreateContainer", "sasa{sv}",
                                 SD_BUS_PARAM(image) SD_BUS_PARAM(cmd) SD_BUS_PARAM(options),
                                 "uo", SD_BUS_PARAM(job_id) SD_BUS_PARAM(job_path),
                                 method_create_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("StartContainer", "shhh",
                                 SD_BUS_PARAM(container) SD_BUS_PARAM(stdin) SD_BUS_PARAM(stdout) SD_BUS_PARAM(stderr),
                                 NULL,,
                                 method_start_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveContainer", "sb", SD_BUS_PARAM(container) SD_BUS_PARAM(force),
                                 NULL,,
                                 method_remove_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveContainerWithOptions", "sbb",
                                 SD_BUS_PARAM(container) SD_BUS_PARAM(force) SD_BUS_PARAM(volumes),
                                 NULL,,
                                 method_remove_container_with_options, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListContainers", "b", SD_BUS_PARAM(all),
                                 "a(ssssxsixx)", SD_BUS_PARAM(containers),
                                 method_list_containers, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("Info", NULL,, "a{ss}a(ssss)", SD_BUS_PARAM(facts) SD_BUS_PARAM(backends),
                                 method_info, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("StopContainer", "si", SD_BUS_PARAM(container) SD_BUS_PARAM(timeout),
                                 NULL,,
                                 method_stop_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("KillContainer", "ss", SD_BUS_PARAM(container) SD_BUS_PARAM(signal),
                                 NULL,,
                                 method_kill_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RestartContainer", "si", SD_BUS_PARAM(container) SD_BUS_PARAM(timeout),
                                 NULL,,
                                 method_restart_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PauseContainer", "s", SD_BUS_PARAM(container),
                                 NULL,,
                                 method_pause_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("UnpauseContainer", "s", SD_BUS_PARAM(container),
                                 NULL,,
                                 method_unpause_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RenameContainer", "ss", SD_BUS_PARAM(container) SD_BUS_PARAM(name),
                                 NULL,,
                                 method_rename_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectContainer", "s", SD_BUS_PARAM(container),
                                 "s", SD_BUS_PARAM(json),
                                 method_inspect_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectContainers", "b", SD_BUS_PARAM(all),
                                 "s", SD_BUS_PARAM(json),
                                 method_inspect_containers, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("TopContainer", "s", SD_BUS_PARAM(container),
                                 "a(uuus)", SD_BUS_PARAM(processes),
                                 method_top_container, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ContainerStats", "s", SD_BUS_PARAM(container),
                                 "a{st}", SD_BUS_PARAM(stats),
                                 method_container_stats, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("TagImage", "ss", SD_BUS_PARAM(source) SD_BUS_PARAM(target),
                                 NULL,, method_tag_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectImage", "s", SD_BUS_PARAM(reference),
                                 "s", SD_BUS_PARAM(json), method_inspect_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ImageHistory", "s", SD_BUS_PARAM(reference),
                                 "a(sxsts)", SD_BUS_PARAM(history), method_image_history,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PruneImages", "b", SD_BUS_PARAM(all),
                                 "ast", SD_BUS_PARAM(messages) SD_BUS_PARAM(reclaimed),
                                 method_prune_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("SystemDiskUsage", NULL,,
                                 "a(suutt)", SD_BUS_PARAM(usage), method_system_disk_usage,
                                 SD_BUS_VTABLE_UNPRIVILEGED),
        /* networks (network.c) */
        SD_BUS_METHOD_WITH_NAMES("CreateNetwork", "ssssba{ss}",
                                 SD_BUS_PARAM(name) SD_BUS_PARAM(driver) SD_BUS_PARAM(subnet) SD_BUS_PARAM(gateway)
                                 SD_BUS_PARAM(internal) SD_BUS_PARAM(labels),
                                 "s", SD_BUS_PARAM(id), method_create_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveNetwork", "s", SD_BUS_PARAM(network), NULL,,
                                 method_remove_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectNetwork", "s", SD_BUS_PARAM(network), "s", SD_BUS_PARAM(json),
                                 method_inspect_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListNetworks", NULL,, "s", SD_BUS_PARAM(json),
                                 method_list_networks, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PruneNetworks", NULL,, "as", SD_BUS_PARAM(removed),
                                 method_prune_networks, SD_BUS_VTABLE_UNPRIVILEGED),
        /* volumes (volume.c) */
        SD_BUS_METHOD_WITH_NAMES("CreateVolume", "sa{ss}", SD_BUS_PARAM(name) SD_BUS_PARAM(labels),
                                 "s", SD_BUS_PARAM(json), method_create_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("InspectVolume", "s", SD_BUS_PARAM(name), "s", SD_BUS_PARAM(json),
                                 method_inspect_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ListVolumes", NULL,, "s", SD_BUS_PARAM(json),
                                 method_list_volumes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("RemoveVolume", "sb", SD_BUS_PARAM(name) SD_BUS_PARAM(force), NULL,,
                                 method_remove_volume, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PruneVolumes", "b", SD_BUS_PARAM(all), "as", SD_BUS_PARAM(removed),
                                 method_prune_volumes, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ConnectNetwork", "sss",
                                 SD_BUS_PARAM(container) SD_BUS_PARAM(network) SD_BUS_PARAM(options), NULL,,
                                 method_connect_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("DisconnectNetwork", "ssb",
                                 SD_BUS_PARAM(container) SD_BUS_PARAM(network) SD_BUS_PARAM(force), NULL,,
                                 method_disconnect_network, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("GetNetworkSettings", "s", SD_BUS_PARAM(container), "s", SD_BUS_PARAM(json),
                                 method_get_network_settings, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("SaveImages", "ash", SD_BUS_PARAM(images) SD_BUS_PARAM(fd),
                                 "uo", SD_BUS_PARAM(job_id) SD_BUS_PARAM(job_path),
                                 method_save_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("LoadImages", "h", SD_BUS_PARAM(fd),
                                 "uo", SD_BUS_PARAM(job_id) SD_BUS_PARAM(job_path),
                                 method_load_images, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("ImportImage", "hss", SD_BUS_PARAM(fd) SD_BUS_PARAM(reference) SD_BUS_PARAM(source),
                                 "uo", SD_BUS_PARAM(job_id) SD_BUS_PARAM(job_path),
                                 method_import_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_NAMES("JobNew", "uos", SD_BUS_PARAM(id) SD_BUS_PARAM(path) SD_BUS_PARAM(type), 0),
        SD_BUS_SIGNAL_WITH_NAMES("JobRemoved", "uosss",
                                 SD_BUS_PARAM(id) SD_BUS_PARAM(path) SD_BUS_PARAM(result)
                                 SD_BUS_PARAM(subject) SD_BUS_PARAM(message), 0),
        SD_BUS_SIGNAL_WITH_NAMES("ContainerExited", "si", SD_BUS_PARAM(id) SD_BUS_PARAM(exit_code), 0),
        SD_BUS_METHOD_WITH_NAMES("Attach", "shhh",
                                 SD_BUS_PARAM(container) SD_BUS_PARAM(stdin) SD_BUS_PARAM(stdout) SD_BUS_PARAM(stderr),
                                 NULL,,
                                 method_attach, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("Resize", "suqq",
                                 SD_BUS_PARAM(container) SD_BUS_PARAM(exec_pid) SD_BUS_PARAM(rows) SD_BUS_PARAM(cols),
                                 NULL,,
                                 method_resize, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("OpenLogs", "s", SD_BUS_PARAM(container),
                                 "ahs", SD_BUS_PARAM(logs) SD_BUS_PARAM(status),
                                 method_open_logs, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("Exec", "sasa{sv}hhh",
                                 SD_BUS_PARAM(container) SD_BUS_PARAM(cmd) SD_BUS_PARAM(options)
                                 SD_BUS_PARAM(stdin) SD_BUS_PARAM(stdout) SD_BUS_PARAM(stderr),
                                 "u", SD_BUS_PARAM(pid),
                                 method_exec, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_NAMES("ExecExited", "sui", SD_BUS_PARAM(id) SD_BUS_PARAM(pid) SD_BUS_PARAM(exit_code), 0),
        SD_BUS_VTABLE_END
};
