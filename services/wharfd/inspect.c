/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <json-c/json.h>
#include <time.h>

#include "inspect.h"
#include "mounts.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

const char *container_docker_state(const Container *c) {
        if (c->restarting)
                return "restarting";
        if (c->status == CONTAINER_RUNNING)
                return c->paused ? "paused" : "running";
        return container_status_to_string(c->status);
}

char *format_rfc3339(int64_t t, char buf[static 32]) {
        struct tm tm;
        time_t tt = (time_t) t;

        if (t <= 0 || !gmtime_r(&tt, &tm)) {
                strcpy(buf, "0001-01-01T00:00:00Z");
                return buf;
        }
        strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
        return buf;
}

char *format_rfc3339_nano(int64_t ns, char buf[static 40]) {
        char frac[16];
        size_t n;

        format_rfc3339(ns / 1000000000, buf);
        if (ns % 1000000000 == 0)
                return buf;
        snprintf(frac, sizeof frac, ".%09" PRId64, ns % 1000000000);
        for (n = strlen(frac); frac[n - 1] == '0'; n--)
                frac[n - 1] = 0;
        /* before the "Z" */
        buf[strlen(buf) - 1] = 0;
        strcat(buf, frac);
        strcat(buf, "Z");
        return buf;
}

static json_object *strv_or_null(char * const *l) {
        json_object *a;

        if (!l || !l[0])
                return NULL;
        a = json_object_new_array();
        STRV_FOREACH(s, l)
                json_object_array_add(a, json_object_new_string(*s));
        return a;
}

/* obj[key], an object; added when absent or of another type */
static json_object *ensure_object(json_object *o, const char *key) {
        json_object *v;

        if (json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_object))
                return v;
        v = json_object_new_object();
        json_object_object_add(o, key, v);
        return v;
}

static void add_default(json_object *o, const char *key, json_object *value) {
        if (json_object_object_get_ex(o, key, NULL)) {
                json_object_put(value);
                return;
        }
        json_object_object_add(o, key, value);
}

static json_object *network_none(void) {
        json_object *settings = json_object_new_object(), *networks, *none;

        json_object_object_add(settings, "Bridge", json_object_new_string(""));
        json_object_object_add(settings, "SandboxID", json_object_new_string(""));
        json_object_object_add(settings, "SandboxKey", json_object_new_string(""));
        json_object_object_add(settings, "Ports", json_object_new_object());
        json_object_object_add(settings, "EndpointID", json_object_new_string(""));
        json_object_object_add(settings, "Gateway", json_object_new_string(""));
        json_object_object_add(settings, "IPAddress", json_object_new_string(""));
        json_object_object_add(settings, "IPPrefixLen", json_object_new_int(0));
        json_object_object_add(settings, "MacAddress", json_object_new_string(""));
        networks = json_object_new_object();
        json_object_object_add(settings, "Networks", networks);
        none = json_object_new_object();
        json_object_object_add(networks, "none", none);
        json_object_object_add(none, "IPAMConfig", NULL);
        json_object_object_add(none, "Links", NULL);
        json_object_object_add(none, "Aliases", NULL);
        json_object_object_add(none, "NetworkID", json_object_new_string(""));
        json_object_object_add(none, "EndpointID", json_object_new_string(""));
        json_object_object_add(none, "Gateway", json_object_new_string(""));
        json_object_object_add(none, "IPAddress", json_object_new_string(""));
        json_object_object_add(none, "IPPrefixLen", json_object_new_int(0));
        json_object_object_add(none, "MacAddress", json_object_new_string(""));
        return settings;
}

void *container_inspect(const Container *c) {
        _cleanup_(json_object_putp) json_object *record = NULL, *o = NULL;
        _cleanup_(strv_freep) char **args = NULL;
        json_object *v, *state, *config, *host, *policy;
        char buf[40], *name = NULL;

        if (container_to_record(c, (void **) &record) < 0)
                return NULL;
        o = json_object_new_object();
        if (!o)
                return NULL;
        args = container_config_args(&c->config);
        if (!args)
                return NULL;

        json_object_object_add(o, "Id", json_object_new_string(c->id));
        json_object_object_add(o, "Created", json_object_new_string(
                        c->created_ns > 0 ? format_rfc3339_nano(c->created_ns, buf) : format_rfc3339(c->created, buf)));
        json_object_object_add(o, "Path", json_object_new_string(args[0] ?: ""));
        v = json_object_new_array();
        for (size_t i = 1; args[0] && args[i]; i++)
                json_object_array_add(v, json_object_new_string(args[i]));
        json_object_object_add(o, "Args", v);

        state = json_object_new_object();
        json_object_object_add(o, "State", state);
        json_object_object_add(state, "Status", json_object_new_string(container_docker_state(c)));
        json_object_object_add(state, "Running", json_object_new_boolean(c->status == CONTAINER_RUNNING || c->restarting));
        json_object_object_add(state, "Paused", json_object_new_boolean(c->paused));
        json_object_object_add(state, "Restarting", json_object_new_boolean(c->restarting));
        json_object_object_add(state, "OOMKilled", json_object_new_boolean(c->oom_killed));
        json_object_object_add(state, "Dead", json_object_new_boolean(false));
        json_object_object_add(state, "Pid", json_object_new_int64(c->status == CONTAINER_RUNNING ? c->pid : 0));
        json_object_object_add(state, "ExitCode", json_object_new_int(c->exit_code));
        json_object_object_add(state, "Error", json_object_new_string(strempty(c->error)));
        json_object_object_add(state, "StartedAt", json_object_new_string(format_rfc3339(c->started_at, buf)));
        json_object_object_add(state, "FinishedAt", json_object_new_string(format_rfc3339(c->finished_at, buf)));

        json_object_object_add(o, "Image", json_object_new_string(strempty(c->image_id)));
        if (json_object_object_get_ex(record, "LogPath", &v))
                json_object_object_add(o, "LogPath", json_object_get(v));
        else
                json_object_object_add(o, "LogPath", json_object_new_string(""));
        if (asprintf(&name, "/%s", strempty(c->name)) < 0)
                return NULL;
        json_object_object_add(o, "Name", json_object_new_string(name));
        free(name);
        json_object_object_add(o, "RestartCount", json_object_new_int64(c->restart_count));
        json_object_object_add(o, "Driver", json_object_new_string("overlay"));
        json_object_object_add(o, "Platform", json_object_new_string("linux"));

        /* HostConfig: the record's (other areas add theirs), with docker's defaults */
        host = json_object_new_object();
        json_object_object_add(o, "HostConfig", host);
        if (json_object_object_get_ex(record, "HostConfig", &v) && json_object_is_type(v, json_type_object)) {
                json_object_object_foreach(v, key, val)
                        json_object_object_add(host, key, json_object_get(val));
        }
        json_object_object_add(host, "AutoRemove", json_object_new_boolean(c->auto_remove));
        json_object_object_add(host, "NetworkMode", json_object_new_string(isempty(c->network_mode) ? "none" : c->network_mode));
        policy = ensure_object(host, "RestartPolicy");
        add_default(policy, "Name", json_object_new_string("no"));
        add_default(policy, "MaximumRetryCount", json_object_new_int(0));

        /* the binds, from HostConfig (-v) */
        {
                _cleanup_(strv_freep) char **binds = NULL, **tmpfs = NULL;

                /* -v and --mount */
                (void) host_config_mounts(&c->host, &binds, &tmpfs);
                json_object *mounts = mounts_inspect_json(binds), *mp;

                /* and the volumes (volume.h), kept in the record's MountPoints */
                if (json_object_object_get_ex(record, "MountPoints", &mp) && json_object_is_type(mp, json_type_array))
                        mounts_inspect_add_volumes(mounts, mp);
                json_object_object_del(o, "MountPoints");
                json_object_object_add(o, "Mounts", mounts);
        }

        /* Config: the record's, in docker's forms */
        config = json_object_new_object();
        json_object_object_add(o, "Config", config);
        if (json_object_object_get_ex(record, "Config", &v) && json_object_is_type(v, json_type_object)) {
                json_object_object_foreach(v, ckey, cval)
                        json_object_object_add(config, ckey, json_object_get(cval));
        }
        json_object_object_add(config, "Hostname",
                               json_object_new_string_len(isempty(c->config.hostname) ? c->id : c->config.hostname,
                                                          isempty(c->config.hostname) ? 12 : (int) strlen(c->config.hostname)));
        add_default(config, "Domainname", json_object_new_string(""));
        json_object_object_add(config, "User", json_object_new_string(strempty(c->config.user)));
        json_object_object_add(config, "Tty", json_object_new_boolean(c->config.tty));
        json_object_object_add(config, "Env", strv_or_null(c->config.env));
        json_object_object_add(config, "Cmd", strv_or_null(c->config.cmd));
        json_object_object_add(config, "Image", json_object_new_string(strempty(c->image)));
        json_object_object_add(config, "WorkingDir", json_object_new_string(strempty(c->config.workdir)));
        json_object_object_add(config, "Entrypoint", strv_or_null(c->config.entrypoint));
        ensure_object(config, "Labels");
        /* docker's Config.Volumes: the anonymous volumes' paths (-v PATH, the image's VOLUME) */
        {
                json_object *mp, *vols = NULL;

                if (json_object_object_get_ex(record, "MountPoints", &mp) && json_object_is_type(mp, json_type_array))
                        for (size_t i = 0; i < json_object_array_length(mp); i++) {
                                json_object *e = json_object_array_get_idx(mp, i);
                                const char *d = mount_point_string(e, "Destination");

                                if (!mount_point_bool(e, "Anonymous") || !d)
                                        continue;
                                if (!vols)
                                        vols = json_object_new_object();
                                json_object_object_add(vols, d, json_object_new_object());
                        }
                json_object_object_add(config, "Volumes", vols);
        }

        json_object_object_add(o, "NetworkSettings", json_object_object_get_ex(record, "NetworkSettings", &v) ?
                               json_object_get(v) : network_none());
        return TAKE_PTR(o);
}
