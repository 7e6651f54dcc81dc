/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <time.h>

#include "bus-errors.h"
#include "container.h"
#include "create.h"
#include "image.h"
#include "job.h"
#include "log.h"
#include "mounts.h"
#include "network.h"
#include "names.h"
#include "pull.h"
#include "volume.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

#define NAME_GENERATE_TRIES 10

typedef struct CreateJob {
        Job *job;
        char *image;
        char **cmd;
        ContainerOptions options;
        Reference ref;
        bool has_ref;
        ImageLookup *lookup;
        Pull *pull;
        /* while graphd makes the volumes: the container, not yet stored */
        Container *container;
        char *image_config;
        VolumeOp *volume_op;
} CreateJob;

static void create_job_free(void *userdata) {
        CreateJob *c = userdata;

        if (!c)
                return;
        image_lookup_free(c->lookup);
        pull_free(c->pull);
        volume_op_free(c->volume_op);
        container_free(c->container);
        free(c->image_config);
        free(c->image);
        strv_free(c->cmd);
        container_options_done(&c->options);
        reference_done(&c->ref);
        free(c);
}

static void create_job_freep(CreateJob **c) {
        create_job_free(*c);
}

static int read_strv_variant(sd_bus_message *message, const char *key, char ***ret, sd_bus_error *error) {
        _cleanup_(strv_freep) char **l = NULL;
        int r;

        r = sd_bus_message_enter_container(message, 'v', "as");
        if (r < 0)
                return r == -ENXIO ? sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "option %s must be of type as", key) : r;
        r = sd_bus_message_read_strv(message, &l);
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(message);
        if (r < 0)
                return r;
        strv_free(*ret);
        *ret = l ? TAKE_PTR(l) : calloc(1, sizeof(char *));
        return *ret ? 0 : -ENOMEM;
}

static int read_string_variant(sd_bus_message *message, const char *key, char **ret, sd_bus_error *error) {
        const char *s;
        int r;

        r = sd_bus_message_read(message, "v", "s", &s);
        if (r < 0)
                return r == -ENXIO ? sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "option %s must be of type s", key) : r;
        free(*ret);
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static int read_bool_variant(sd_bus_message *message, const char *key, bool *ret, sd_bus_error *error) {
        int b, r;

        r = sd_bus_message_read(message, "v", "b", &b);
        if (r < 0)
                return r == -ENXIO ? sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "option %s must be of type b", key) : r;
        *ret = b;
        return 0;
}

int container_options_parse(sd_bus_message *message, ContainerOptions *o, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(message, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                const char *key;

                r = sd_bus_message_read(message, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "Name"))
                        r = read_string_variant(message, key, &o->name, error);
                else if (streq(key, "AutoRemove"))
                        r = read_bool_variant(message, key, &o->auto_remove, error);
                else if (streq(key, "Env"))
                        r = read_strv_variant(message, key, &o->env, error);
                else if (streq(key, "Entrypoint")) {
                        r = read_strv_variant(message, key, &o->entrypoint, error);
                        o->entrypoint_set = true;
                } else if (streq(key, "WorkingDir"))
                        r = read_string_variant(message, key, &o->workdir, error);
                else if (streq(key, "Hostname"))
                        r = read_string_variant(message, key, &o->hostname, error);
                else if (streq(key, "NetworkMode"))
                        r = read_string_variant(message, key, &o->network_mode, error);
                else if (streq(key, "NetworkConfig"))
                        r = read_string_variant(message, key, &o->network_config, error);
                else if (streq(key, "User"))
                        r = read_string_variant(message, key, &o->user, error);
                else if (streq(key, "Tty"))
                        r = read_bool_variant(message, key, &o->tty, error);
                else if ((r = host_config_read_option(message, key, &o->host, error)) != 0) {
                        if (r > 0)
                                r = 0;
                } else if ((r = pull_options_read_entry(message, key, &o->pull, error)) != 0)
                        ;
                else {
                        log_debug("Ignoring unknown container option %s.", key);
                        r = sd_bus_message_skip(message, "v");
                }
                if (r < 0)
                        return r;
                r = sd_bus_message_exit_container(message);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(message);
}

static int name_in_use_error(sd_bus_error *error, const char *name, const Container *c) {
        return sd_bus_error_setf(error, WHARF_ERROR_NAME_IN_USE,
                                 "Conflict. The container name \"/%s\" is already in use by container \"%s\". "
                                 "You have to remove (or rename) that container to be able to reuse that name.",
                                 name, c->id);
}

static void create_job_fail_error(Job *j, const sd_bus_error *e) {
        job_finish(j, JOB_FAILED, e->message ?: e->name);
}

static int create_pick_name(CreateJob *cj, char **ret, sd_bus_error *error) {
        Manager *m = cj->job->manager;
        Container *c;

        if (!isempty(cj->options.name)) {
                const char *name = cj->options.name[0] == '/' ? cj->options.name + 1 : cj->options.name;
                c = container_find_by_name(m->containers, name);
                if (c)
                        return name_in_use_error(error, name, c);
                *ret = strdup(name);
                return *ret ? 0 : -ENOMEM;
        }
        for (unsigned i = 0; i < NAME_GENERATE_TRIES; i++) {
                _cleanup_(freep) char *name = NULL;
                int r = container_name_generate(i, &name);
                if (r < 0)
                        return r;
                if (!container_find_by_name(m->containers, name)) {
                        *ret = TAKE_PTR(name);
                        return 0;
                }
        }
        return sd_bus_error_setf(error, SD_BUS_ERROR_FAILED, "could not generate a unique container name");
}

/* Stores the container (its volumes made); ends the job. */
static void create_store(CreateJob *cj) {
        _cleanup_(container_freep) Container *c = TAKE_PTR(cj->container);
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(freep) char *msg = NULL;
        Job *j = cj->job;
        Manager *m = j->manager;
        Container *other;
        int r;

        /* the name was free when the job began; graphd's volumes took a while */
        other = container_find_by_name(m->containers, c->name);
        if (other) {
                (void) name_in_use_error(&error, c->name, other);
                create_job_fail_error(j, &error);
                volumes_drop_anonymous(m, c);
                return;
        }
        r = manager_save_container(m, c);
        if (r < 0) {
                errno = -r;
                if (asprintf(&msg, "failed to store the container: %m") < 0)
                        msg = NULL;
                job_finish(j, JOB_FAILED, msg ?: "failed to store the container");
                return;
        }
        r = network_config_save(m, c, cj->options.network_config, cj->image_config);
        if (r < 0)
                log_warning_errno(r, "Failed to store the network configuration of %s: %m", c->id);
        if (job_set_subject(j, c->id) < 0) {
                job_finish(j, JOB_FAILED, "out of memory");
                return;
        }
        log_info("Created container %s (%s) from %s.", c->id, c->name, c->image);
        LIST_PREPEND(containers, m->containers, c);
        TAKE_PTR(c);
        job_finish(j, JOB_DONE, NULL);
}

static void create_on_volumes(int r, const char *message, void *userdata) {
        CreateJob *cj = userdata;

        cj->volume_op = volume_op_free(cj->volume_op);
        if (r < 0) {
                /* the anonymous volumes made so far go again */
                volumes_drop_anonymous(cj->job->manager, cj->container);
                job_finish(cj->job, JOB_FAILED, message ?: "failed to create the volumes");
                return;
        }
        create_store(cj);
}

/* The -v entries that are volumes become the record's MountPoints; graphd
 * makes them before the container is stored, as docker's create does. */
static int create_volumes(CreateJob *cj, Container *c) {
        _cleanup_(json_object_putp) json_object *mount_points = NULL;
        _cleanup_(strv_freep) char **image_volumes = NULL, **binds = NULL, **tmpfs = NULL;
        int r;

        r = host_config_mounts(&c->host, &binds, &tmpfs);
        if (r < 0)
                return r;
        /* the image's VOLUME paths are anonymous volumes, unless mounted over */
        r = mounts_image_volumes(cj->image_config, binds, tmpfs, &image_volumes);
        if (r < 0)
                return r;
        STRV_FOREACH(p, image_volumes)
                if (strv_extend(&binds, *p) < 0)
                        return -ENOMEM;
        r = mounts_volume_requests(binds, &mount_points);
        if (r < 0)
                return r;
        if (json_object_array_length(mount_points) == 0)
                return 0;
        if (!c->record)
                c->record = json_object_new_object();
        if (!c->record)
                return -ENOMEM;
        json_object_object_add(c->record, "MountPoints", json_object_get(mount_points));
        return 1;
}

/* Merges the image config and records the container; ends the job. */
static void create_record(CreateJob *cj, const char *image_id, const char *image_config) {
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(container_freep) Container *c = NULL;
        _cleanup_(freep) char *msg = NULL;
        Job *j = cj->job;
        Manager *m = j->manager;
        int r;

        c = calloc(1, sizeof *c);
        if (!c)
                goto oom;
        r = container_config_merge(image_config, cj->cmd, &cj->options, &c->config, &msg);
        if (r < 0) {
                job_finish(j, JOB_FAILED, msg ?: "invalid image config");
                return;
        }
        r = create_pick_name(cj, &c->name, &error);
        if (r < 0) {
                if (sd_bus_error_is_set(&error))
                        create_job_fail_error(j, &error);
                else
                        goto oom;
                return;
        }
        do {
                r = random_id(c->id);
                if (r < 0) {
                        job_finish(j, JOB_FAILED, "failed to generate a container id");
                        return;
                }
                /* an all-digit id would be taken for a number by some tools: docker avoids it too */
        } while (strspn(c->id, "0123456789") == ID_HEX_LEN || container_find(m->containers, c->id, &(Container *) {NULL}) >= 0);

        c->image = strdup(cj->image);
        c->image_id = strdup(image_id);
        if (network_mode_normalize(cj->options.network_mode, m->config.default_network, &c->network_mode) < 0)
                goto oom;       /* checked when the job began */
        if (!c->image || !c->image_id)
                goto oom;
        c->created = (int64_t) time(NULL);
        c->created_ns = container_now_ns();
        c->auto_remove = cj->options.auto_remove;
        c->host = cj->options.host;
        cj->options.host = (HostConfig) {};
        c->status = CONTAINER_CREATED;

        cj->image_config = strdup(strempty(image_config));
        if (!cj->image_config)
                goto oom;
        cj->container = TAKE_PTR(c);
        r = create_volumes(cj, cj->container);
        if (r < 0)
                goto oom;
        if (r == 0) {
                create_store(cj);
                return;
        }
        r = volumes_create(m, container_mount_points(cj->container), create_on_volumes, cj, &cj->volume_op);
        if (r < 0)
                job_finish(j, JOB_FAILED, "failed to call graphd for the volumes");
        return;

oom:
        job_finish(j, JOB_FAILED, "out of memory");
}

static void create_on_pulled(Pull *p, int r, const char *message, void *userdata) {
        CreateJob *cj = userdata;

        if (r < 0) {
                job_finish(cj->job, JOB_FAILED, message);
                return;
        }
        create_record(cj, pull_image_id(p), pull_config(p));
}

static void create_on_lookup(ImageLookup *l, int r, const char *key, const char *image_id,
                             const char *config, const sd_bus_error *e, void *userdata) {
        CreateJob *cj = userdata;
        Job *j = cj->job;

        if (r == 0) {
                create_record(cj, image_id, config);
                return;
        }
        if (r != -ENOENT) {
                _cleanup_(freep) char *msg = e ? backend_error_message(BACKEND_GRAPH, e) : NULL;
                if (!e) {
                        errno = -r;
                        if (asprintf(&msg, "failed to look up the image: %m") < 0)
                                msg = NULL;
                }
                job_finish(j, JOB_FAILED, msg ?: "out of memory");
                return;
        }
        if (!cj->has_ref) {
                _cleanup_(freep) char *msg = NULL;
                if (asprintf(&msg, "No such image: %s", cj->image) < 0)
                        msg = NULL;
                job_finish(j, JOB_FAILED, msg ?: "out of memory");
                return;
        }

        _cleanup_(freep) char *normalized = reference_normalized(&cj->ref);
        _cleanup_(freep) char *familiar = normalized ? reference_familiar(normalized) : NULL;
        if (!familiar) {
                job_finish(j, JOB_FAILED, "out of memory");
                return;
        }
        job_log(j, "Unable to find image '%s' locally", familiar);
        r = pull_start(j->manager, j, &cj->ref, &cj->options.pull, create_on_pulled, cj, &cj->pull);
        if (r < 0) {
                errno = -r;
                _cleanup_(freep) char *msg = NULL;
                if (asprintf(&msg, "failed to start the pull: %m") < 0)
                        msg = NULL;
                job_finish(j, JOB_FAILED, msg ?: "out of memory");
        }
}

static int create_job_start(Job *j) {
        CreateJob *cj = j->userdata;

        return image_lookup_start(j->manager, cj->image, create_on_lookup, cj, &cj->lookup);
}

int method_create_container(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        _cleanup_(create_job_freep) CreateJob *cj = NULL;
        _cleanup_(strv_freep) char **keys = NULL;
        _cleanup_(freep) char *description = NULL, *msg = NULL;
        Manager *m = userdata;
        const char *image, *mode;
        Container *c;
        Job *j;
        int r;

        cj = calloc(1, sizeof *cj);
        if (!cj)
                return -ENOMEM;

        r = sd_bus_message_read(message, "s", &image);
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(message, &cj->cmd);
        if (r < 0)
                return r;
        r = container_options_parse(message, &cj->options, error);
        if (r < 0)
                return r;

        if (!isempty(cj->options.name)) {
                if (!container_name_is_valid(cj->options.name))
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
                                                 "Invalid container name (%s), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
                                                 cj->options.name);
                c = container_find_by_name(m->containers, cj->options.name);
                if (c)
                        return name_in_use_error(error, cj->options.name[0] == '/' ? cj->options.name + 1 : cj->options.name, c);
        }

        r = host_config_check(&cj->options.host, cj->options.auto_remove, sysconf(_SC_NPROCESSORS_ONLN), &msg);
        if (r == -EINVAL)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%s", msg);
        if (r < 0)
                return r;

        /* network names are netd's: they are checked at start */
        mode = strempty(cj->options.network_mode);
        {
                _cleanup_(freep) char *normalized = NULL, *msg = NULL;
                if (network_mode_normalize(mode, m->config.default_network, &normalized) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid network mode: %s", mode);
                if (network_config_check(cj->options.network_config, &msg) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%s", msg ?: "invalid NetworkConfig");
        }

        if (image_lookup_keys(image, &keys, NULL) < 0)
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid reference format");
        cj->has_ref = reference_parse(image, &cj->ref) >= 0;
        cj->image = strdup(image);
        if (!cj->image)
                return -ENOMEM;

        if (asprintf(&description, "Creating container from %s", image) < 0)
                return -ENOMEM;
        r = job_new(m, JOB_CREATE, description, &j);
        if (r < 0)
                return r;
        cj->job = j;
        j->userdata = TAKE_PTR(cj);
        j->free_userdata = create_job_free;

        r = job_announce(j, create_job_start);
        if (r < 0) {
                job_free(j);
                return r;
        }
        return sd_bus_reply_method_return(message, "uo", j->id, j->object_path);
}
