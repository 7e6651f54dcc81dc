/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "format.h"
#include "macro.h"
#include "ps-format.h"

json_object *json_path(json_object *o, ...) {
        va_list ap;
        const char *k;

        va_start(ap, o);
        while (o && (k = va_arg(ap, const char *)))
                if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &o))
                        o = NULL;
        va_end(ap);
        return o;
}

const char *json_path_string(json_object *o, ...) {
        va_list ap;
        const char *k;

        va_start(ap, o);
        while (o && (k = va_arg(ap, const char *)))
                if (!json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, k, &o))
                        o = NULL;
        va_end(ap);
        return o && json_object_is_type(o, json_type_string) ? json_object_get_string(o) : NULL;
}

int64_t rfc3339_to_unix(const char *s) {
        struct tm tm = {};
        const char *p;
        time_t t;

        if (!s)
                return 0;
        p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
        if (!p || tm.tm_year + 1900 <= 1)
                return 0;
        t = timegm(&tm);
        return t < 0 ? 0 : (int64_t) t;
}

static bool state_bool(json_object *o, const char *a, const char *b) {
        json_object *v = json_path(o, a, b, NULL);
        return v && json_object_get_boolean(v);
}

static int json_int(json_object *o, const char *a, const char *b) {
        json_object *v = json_path(o, a, b, NULL);
        return v ? json_object_get_int(v) : 0;
}

char *ps_status(json_object *c, int64_t now) {
        int64_t started = rfc3339_to_unix(json_path_string(c, "State", "StartedAt", NULL)),
                finished = rfc3339_to_unix(json_path_string(c, "State", "FinishedAt", NULL));
        int code = json_int(c, "State", "ExitCode");
        char d[HUMAN_DURATION_MAX];
        char *s;

        if (state_bool(c, "State", "Restarting")) {
                format_human_duration((now - finished) * (int64_t) USEC_PER_SEC, d);
                return asprintf(&s, "Restarting (%d) %s ago", code, d) < 0 ? NULL : s;
        }
        if (state_bool(c, "State", "Paused") && state_bool(c, "State", "Running")) {
                format_human_duration((now - started) * (int64_t) USEC_PER_SEC, d);
                return asprintf(&s, "Up %s (Paused)", d) < 0 ? NULL : s;
        }
        return format_container_status(state_bool(c, "State", "Running") ? "running" :
                                       json_path_string(c, "State", "Status", NULL),
                                       code, started, finished, now);
}

static int key_compare(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

static char *labels_string(json_object *labels) {
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));
        size_t len = 1;
        char *s;

        if (!l)
                return NULL;
        if (labels && json_object_is_type(labels, json_type_object)) {
                json_object_object_foreach(labels, key, val) {
                        _cleanup_(freep) char *kv = NULL;
                        if (asprintf(&kv, "%s=%s", key, json_object_get_string(val) ?: "") < 0 ||
                            strv_extend(&l, kv) < 0)
                                return NULL;
                }
        }
        qsort(l, strv_length(l), sizeof(char *), key_compare);
        STRV_FOREACH(k, l)
                len += strlen(*k) + 1;
        s = calloc(1, len);
        if (!s)
                return NULL;
        STRV_FOREACH(k, l) {
                if (k != l)
                        strcat(s, ",");
                strcat(s, *k);
        }
        return s;
}

static char *command_string(json_object *c) {
        json_object *args = json_path(c, "Args", NULL);
        const char *path = json_path_string(c, "Path", NULL);
        size_t len = strlen(strempty(path)) + 1;
        char *s;

        for (size_t i = 0; args && i < json_object_array_length(args); i++)
                len += strlen(json_object_get_string(json_object_array_get_idx(args, i)) ?: "") + 1;
        s = calloc(1, len);
        if (!s)
                return NULL;
        strcat(s, strempty(path));
        for (size_t i = 0; args && i < json_object_array_length(args); i++) {
                strcat(s, " ");
                strcat(s, json_object_get_string(json_object_array_get_idx(args, i)) ?: "");
        }
        return s;
}

json_object *ps_row(json_object *c, bool no_trunc, int64_t now) {
        json_object *row = json_object_new_object();
        const char *id = json_path_string(c, "Id", NULL), *name = json_path_string(c, "Name", NULL);
        _cleanup_(freep) char *command = command_string(c), *quoted = NULL, *status = ps_status(c, now),
                *labels = labels_string(json_path(c, "Config", "Labels", NULL));
        int64_t created = rfc3339_to_unix(json_path_string(c, "Created", NULL));
        char ago[HUMAN_DURATION_MAX + 4], at[64];
        struct tm tm;
        time_t t = (time_t) created;

        if (!row || !command || !status || !labels)
                goto oom;
        quoted = format_command(command, no_trunc);
        if (!quoted)
                goto oom;
        if (gmtime_r(&t, &tm))
                strftime(at, sizeof at, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
        else
                at[0] = 0;
        format_time_ago(now, created, ago);

        json_object_object_add(row, "Command", json_object_new_string(quoted));
        json_object_object_add(row, "CreatedAt", json_object_new_string(at));
        json_object_object_add(row, "ID", json_object_new_string_len(strempty(id),
                                                                     no_trunc ? (int) strlen(strempty(id)) : (int) MIN(strlen(strempty(id)), 12)));
        json_object_object_add(row, "Image", json_object_new_string(strempty(json_path_string(c, "Config", "Image", NULL))));
        json_object_object_add(row, "Labels", json_object_new_string(labels));
        json_object_object_add(row, "LocalVolumes", json_object_new_string("0"));
        json_object_object_add(row, "Mounts", json_object_new_string(""));
        json_object_object_add(row, "Names", json_object_new_string(name && name[0] == '/' ? name + 1 : strempty(name)));
        json_object_object_add(row, "Networks", json_object_new_string(strempty(json_path_string(c, "HostConfig", "NetworkMode", NULL))));
        json_object_object_add(row, "Ports", json_object_new_string(""));
        json_object_object_add(row, "RunningFor", json_object_new_string(ago));
        json_object_object_add(row, "Size", json_object_new_string("0B"));
        json_object_object_add(row, "State", json_object_new_string(strempty(json_path_string(c, "State", "Status", NULL))));
        json_object_object_add(row, "Status", json_object_new_string(status));
        /* {{.Label "k"}} reads the map */
        json_object *l = json_path(c, "Config", "Labels", NULL);
        json_object_object_add(row, "Labels.map", l ? json_object_get(l) : json_object_new_object());
        return row;

oom:
        json_object_put(row);
        return NULL;
}

const char *ps_header(const char *field) {
        static const struct { const char *field, *header; } table[] = {
                { "ID", "CONTAINER ID" }, { "Image", "IMAGE" }, { "Command", "COMMAND" },
                { "CreatedAt", "CREATED AT" }, { "RunningFor", "CREATED" }, { "Ports", "PORTS" },
                { "State", "STATE" }, { "Status", "STATUS" }, { "Size", "SIZE" }, { "Names", "NAMES" },
                { "Labels", "LABELS" }, { "Mounts", "MOUNTS" }, { "Networks", "NETWORKS" },
                { "LocalVolumes", "LOCAL VOLUMES" },
        };
        for (size_t i = 0; i < ELEMENTSOF(table); i++)
                if (streq(table[i].field, field))
                        return table[i].header;
        return field;
}
