/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <json-c/json.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>

#include "container.h"
#include "fs-util.h"
#include "macro.h"
#include "names.h"

#define CONTAINER_JSON_MAX (1024U * 1024U)

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

static const char *const status_table[_CONTAINER_STATUS_MAX] = {
        [CONTAINER_CREATED] = "created",
        [CONTAINER_RUNNING] = "running",
        [CONTAINER_EXITED]  = "exited",
};

const char *container_status_to_string(ContainerStatus s) {
        return s >= 0 && s < _CONTAINER_STATUS_MAX ? status_table[s] : NULL;
}

ContainerStatus container_status_from_string(const char *s) {
        for (int i = 0; s && i < _CONTAINER_STATUS_MAX; i++)
                if (streq(status_table[i], s))
                        return i;
        return _CONTAINER_STATUS_INVALID;
}

int64_t container_now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int container_compare_newest(const Container *x, const Container *y) {
        int64_t a = x->created_ns > 0 ? x->created_ns : x->created * 1000000000,
                b = y->created_ns > 0 ? y->created_ns : y->created * 1000000000;

        return a < b ? 1 : a > b ? -1 : strcmp(x->id, y->id);
}

Container *container_free(Container *c) {
        if (!c)
                return NULL;
        free(c->name);
        free(c->image);
        free(c->image_id);
        container_config_done(&c->config);
        free(c->network_mode);
        free(c->error);
        json_object_put(c->record);
        container_life_free(c->life);
        host_config_done(&c->host);
        free(c->rootfs);
        for (size_t i = 0; i < c->n_remove_requests; i++)
                sd_bus_message_unref(c->remove_requests[i]);
        free(c->remove_requests);
        free(c);
        return NULL;
}

static json_object *strv_to_json(char * const *l) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(s, l)
                json_object_array_add(a, json_object_new_string(*s));
        return a;
}

/* the member key of o, an object (created unless there) */
static json_object *object_member(json_object *o, const char *key) {
        json_object *v;

        if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object))
                return v;
        v = json_object_new_object();
        json_object_object_add(o, key, v);
        return v;
}

int container_to_record(const Container *c, void **ret) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        json_object *config, *host, *state;
        int r;

        /* start from the stored record: keys not modelled here survive */
        if (c->record) {
                r = json_object_deep_copy(c->record, &o, NULL);
                if (r < 0)
                        return -ENOMEM;
        } else
                o = json_object_new_object();
        if (!o)
                return -ENOMEM;
        json_object_object_add(o, "Id", json_object_new_string(c->id));
        json_object_object_add(o, "Name", json_object_new_string(strempty(c->name)));
        json_object_object_add(o, "Image", json_object_new_string(strempty(c->image)));
        json_object_object_add(o, "ImageId", json_object_new_string(strempty(c->image_id)));
        json_object_object_add(o, "Created", json_object_new_int64(c->created));
        if (c->created_ns > 0)
                json_object_object_add(o, "CreatedNs", json_object_new_int64(c->created_ns));

        config = object_member(o, "Config");
        json_object_object_add(config, "Entrypoint", strv_to_json(c->config.entrypoint));
        json_object_object_add(config, "Cmd", strv_to_json(c->config.cmd));
        json_object_object_add(config, "Env", strv_to_json(c->config.env));
        json_object_object_add(config, "WorkingDir", json_object_new_string(strempty(c->config.workdir)));
        json_object_object_add(config, "Hostname", json_object_new_string(strempty(c->config.hostname)));
        json_object_object_add(config, "User", json_object_new_string(strempty(c->config.user)));
        json_object_object_add(config, "Tty", json_object_new_boolean(c->config.tty));

        host = object_member(o, "HostConfig");
        json_object_object_add(host, "AutoRemove", json_object_new_boolean(c->auto_remove));
        json_object_object_add(host, "NetworkMode", json_object_new_string(c->network_mode ?: "none"));
        host_config_to_json(&c->host, config, host);
        if (c->rootfs) {
                json_object *gd = json_object_new_object(), *data = json_object_new_object();
                json_object_object_add(o, "GraphDriver", gd);
                json_object_object_add(gd, "Data", data);
                json_object_object_add(data, "MergedDir", json_object_new_string(c->rootfs));
        }

        state = object_member(o, "State");
        json_object_object_add(state, "Status", json_object_new_string(container_status_to_string(c->status)));
        json_object_object_add(state, "Pid", json_object_new_int64(c->pid));
        json_object_object_add(state, "ExitCode", json_object_new_int(c->exit_code));
        json_object_object_add(state, "StartedAt", json_object_new_int64(c->started_at));
        json_object_object_add(state, "FinishedAt", json_object_new_int64(c->finished_at));
        json_object_object_add(state, "Paused", json_object_new_boolean(c->paused));
        json_object_object_add(state, "Restarting", json_object_new_boolean(c->restarting));
        json_object_object_add(state, "OOMKilled", json_object_new_boolean(c->oom_killed));
        json_object_object_add(state, "Error", json_object_new_string(strempty(c->error)));
        json_object_object_add(o, "RestartCount", json_object_new_int64(c->restart_count));
        json_object_object_add(o, "HasBeenManuallyStopped", json_object_new_boolean(c->manually_stopped));

        *ret = TAKE_PTR(o);
        return 0;
}

int container_to_json(const Container *c, char **ret) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        const char *s;
        int r;

        r = container_to_record(c, (void **) &o);
        if (r < 0)
                return r;
        s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s)
                return -ENOMEM;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

static json_object *member(json_object *o, const char *key, json_type type) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
                return NULL;
        return v;
}

static int dup_string(json_object *o, const char *key, bool required, char **ret) {
        json_object *v = member(o, key, json_type_string);

        if (!v && required)
                return -EBADMSG;
        *ret = strdup(v ? json_object_get_string(v) : "");
        return *ret ? 0 : -ENOMEM;
}

static int dup_strv(json_object *o, const char *key, char ***ret) {
        json_object *a = member(o, key, json_type_array);
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));

        if (!l)
                return -ENOMEM;
        for (size_t i = 0; a && i < json_object_array_length(a); i++) {
                json_object *s = json_object_array_get_idx(a, i);
                if (!json_object_is_type(s, json_type_string))
                        return -EBADMSG;
                if (strv_extend(&l, json_object_get_string(s)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(l);
        return 0;
}

static int64_t get_int(json_object *o, const char *key) {
        json_object *v = member(o, key, json_type_int);
        return v ? json_object_get_int64(v) : 0;
}

int container_from_json(const char *json, Container **ret) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_(container_freep) Container *c = NULL;
        json_object *config, *host, *state, *v;
        _cleanup_(freep) char *status = NULL;
        int r;

        o = json_tokener_parse(json);
        if (!o || !json_object_is_type(o, json_type_object))
                return -EBADMSG;

        c = calloc(1, sizeof *c);
        if (!c)
                return -ENOMEM;

        v = member(o, "Id", json_type_string);
        if (!v || !id_is_valid(json_object_get_string(v)))
                return -EBADMSG;
        strcpy(c->id, json_object_get_string(v));

        if ((r = dup_string(o, "Name", true, &c->name)) < 0 ||
            (r = dup_string(o, "Image", true, &c->image)) < 0 ||
            (r = dup_string(o, "ImageId", true, &c->image_id)) < 0)
                return r;
        c->created = get_int(o, "Created");
        c->created_ns = get_int(o, "CreatedNs");

        config = member(o, "Config", json_type_object);
        if (!config)
                return -EBADMSG;
        if ((r = dup_strv(config, "Entrypoint", &c->config.entrypoint)) < 0 ||
            (r = dup_strv(config, "Cmd", &c->config.cmd)) < 0 ||
            (r = dup_strv(config, "Env", &c->config.env)) < 0 ||
            (r = dup_string(config, "WorkingDir", false, &c->config.workdir)) < 0 ||
            (r = dup_string(config, "Hostname", false, &c->config.hostname)) < 0 ||
            (r = dup_string(config, "User", false, &c->config.user)) < 0)
                return r;
        v = member(config, "Tty", json_type_boolean);
        c->config.tty = v && json_object_get_boolean(v);

        host = member(o, "HostConfig", json_type_object);
        v = member(host, "AutoRemove", json_type_boolean);
        c->auto_remove = v && json_object_get_boolean(v);
        if ((r = dup_string(host, "NetworkMode", false, &c->network_mode)) < 0)
                return r;
        if ((r = host_config_from_json(config, host, &c->host)) < 0)
                return r;
        v = member(member(member(o, "GraphDriver", json_type_object), "Data", json_type_object), "MergedDir", json_type_string);
        if (v && !(c->rootfs = strdup(json_object_get_string(v))))
                return -ENOMEM;

        state = member(o, "State", json_type_object);
        if (!state)
                return -EBADMSG;
        if ((r = dup_string(state, "Status", true, &status)) < 0)
                return r;
        c->status = container_status_from_string(status);
        if (c->status < 0)
                return -EBADMSG;
        c->pid = (uint32_t) get_int(state, "Pid");
        c->exit_code = (int) get_int(state, "ExitCode");
        c->started_at = get_int(state, "StartedAt");
        c->finished_at = get_int(state, "FinishedAt");
        v = member(state, "Paused", json_type_boolean);
        c->paused = v && json_object_get_boolean(v);
        v = member(state, "Restarting", json_type_boolean);
        c->restarting = v && json_object_get_boolean(v);
        v = member(state, "OOMKilled", json_type_boolean);
        c->oom_killed = v && json_object_get_boolean(v);
        if ((r = dup_string(state, "Error", false, &c->error)) < 0)
                return r;
        c->restart_count = (unsigned) get_int(o, "RestartCount");
        v = member(o, "HasBeenManuallyStopped", json_type_boolean);
        c->manually_stopped = v && json_object_get_boolean(v);
        c->record = json_object_get(o);

        if (!container_name_is_valid(c->name))
                return -EBADMSG;

        *ret = TAKE_PTR(c);
        return 0;
}

int container_save(const Container *c, const char *dir) {
        _cleanup_(freep) char *json = NULL, *cdir = NULL, *path = NULL;
        int r;

        r = container_to_json(c, &json);
        if (r < 0)
                return r;
        cdir = path_join(dir, c->id);
        if (!cdir)
                return -ENOMEM;
        r = mkdir_p(cdir, 0700);
        if (r < 0)
                return r;
        path = path_join(cdir, "container.json");
        if (!path)
                return -ENOMEM;
        /* an AutoRemove container's record goes at its exit: atomic, but
         * not worth an fsync (a crash loses a container docker would
         * remove at the next start anyway) */
        return (c->auto_remove ? write_file_atomic_nosync : write_file_atomic)(path, json, strlen(json), 0600);
}

int container_load(const char *dir, const char *id, Container **ret) {
        _cleanup_(freep) char *path = NULL, *json = NULL;
        _cleanup_(container_freep) Container *c = NULL;
        int r;

        if (!id_is_valid(id))
                return -EINVAL;
        if (asprintf(&path, "%s/%s/container.json", dir, id) < 0)
                return -ENOMEM;
        r = read_full_file(path, &json, NULL, CONTAINER_JSON_MAX);
        if (r < 0)
                return r;
        r = container_from_json(json, &c);
        if (r < 0)
                return r;
        /* the directory name is what counts */
        if (!streq(c->id, id))
                return -EBADMSG;
        *ret = TAKE_PTR(c);
        return 0;
}

int container_load_all(const char *dir, Container **head, unsigned *ret_n_bad) {
        DIR *d;
        unsigned bad = 0;

        d = opendir(dir);
        if (!d)
                return errno == ENOENT ? 0 : -errno;
        for (struct dirent *de; (de = readdir(d)); ) {
                Container *c = NULL;

                if (!id_is_valid(de->d_name))
                        continue;
                if (container_load(dir, de->d_name, &c) < 0) {
                        bad++;
                        continue;
                }
                LIST_PREPEND(containers, *head, c);
        }
        closedir(d);
        if (ret_n_bad)
                *ret_n_bad = bad;
        return 0;
}

#define TRASH_PREFIX ".trash-"

static void *rm_rf_thread(void *path) {
        (void) rm_rf(path);
        free(path);
        return NULL;
}

/* The record is renamed out of the way at once (a restarted engine no
 * longer sees the container) and its files are deleted on a thread: a
 * `run --rm` is answered once the container is gone, not once its log and
 * records are unlinked, which on a journaling fs costs milliseconds. */
int container_remove_files(const Container *c, const char *dir) {
        _cleanup_(freep) char *cdir = path_join(dir, c->id), *trash = NULL;
        pthread_attr_t attr;
        pthread_t thread;
        bool started = false;

        if (!cdir || asprintf(&trash, "%s/" TRASH_PREFIX "%s", dir, c->id) < 0)
                return -ENOMEM;
        if (rename(cdir, trash) < 0)
                return errno == ENOENT ? 0 : rm_rf(cdir);
        if (pthread_attr_init(&attr) == 0) {
                started = pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0 &&
                          pthread_create(&thread, &attr, rm_rf_thread, trash) == 0;
                (void) pthread_attr_destroy(&attr);
        }
        if (started) {
                TAKE_PTR(trash);
                return 0;
        }
        return rm_rf(trash);
}

/* what a removal thread had not finished when the engine stopped */
void container_sweep_trash(const char *dir) {
        DIR *d = opendir(dir);

        if (!d)
                return;
        for (struct dirent *de; (de = readdir(d)); ) {
                _cleanup_(freep) char *p = NULL;

                if (!startswith(de->d_name, TRASH_PREFIX))
                        continue;
                p = path_join(dir, de->d_name);
                if (p)
                        (void) rm_rf(p);
        }
        closedir(d);
}

Container *container_find_by_name(Container *head, const char *name) {
        if (name && name[0] == '/')
                name++;
        LIST_FOREACH(containers, c, head)
                if (streq_ptr(c->name, name))
                        return c;
        return NULL;
}

int container_find(Container *head, const char *ref, Container **ret) {
        Container *found = NULL;
        size_t n;

        if (isempty(ref))
                return -ESRCH;
        LIST_FOREACH(containers, c, head)
                if (streq(c->id, ref)) {
                        *ret = c;
                        return 0;
                }
        found = container_find_by_name(head, ref);
        if (found) {
                *ret = found;
                return 0;
        }
        if (!id_prefix_is_valid(ref))
                return -ESRCH;
        n = strlen(ref);
        LIST_FOREACH(containers, c, head)
                if (strncmp(c->id, ref, n) == 0) {
                        if (found)
                                return -ENOTUNIQ;
                        found = c;
                }
        if (!found)
                return -ESRCH;
        *ret = found;
        return 0;
}

/* Answers the RemoveContainer calls waiting on c; error_name NULL: success. */
void container_answer_removals(Container *c, const char *error_name, const char *message) {
        for (size_t i = 0; i < c->n_remove_requests; i++) {
                if (error_name)
                        (void) sd_bus_reply_method_errorf(c->remove_requests[i], error_name, "%s", message);
                else
                        (void) sd_bus_reply_method_return(c->remove_requests[i], NULL);
                sd_bus_message_unref(c->remove_requests[i]);
        }
        c->remove_requests = (free(c->remove_requests), NULL);
        c->n_remove_requests = 0;
}
