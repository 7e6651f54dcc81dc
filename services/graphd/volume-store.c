/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>

#include "fs-util.h"
#include "id.h"
#include "macro.h"
#include "volume-store.h"

#define VOLUME_METADATA_MAX (1024U * 1024U)

static inline void json_object_putp(json_object **o) {
        if (*o)
                json_object_put(*o);
}

static bool char_is_alnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool volume_name_is_valid(const char *name) {
        if (!name || !char_is_alnum(name[0]) || name[1] == 0)
                return false;
        for (const char *p = name + 1; *p; p++)
                if (!char_is_alnum(*p) && !strchr("_.-", *p))
                        return false;
        return true;
}

/* ROOT/volumes/<name>[/sub]; -ENOENT for a name no volume can have */
static int volume_path(Graph *g, const char *name, const char *sub, char **ret) {
        char *p;

        if (!volume_name_is_valid(name) || strlen(name) > NAME_MAX)
                return -ENOENT;
        if (asprintf(&p, "%s/%s%s%s", g->volumes, name, sub ? "/" : "", strempty(sub)) < 0)
                return -ENOMEM;
        *ret = p;
        return 0;
}

static int add_string(json_object *o, const char *key, const char *value) {
        json_object *v = json_object_new_string(value);

        if (!v)
                return -ENOMEM;
        return json_object_object_add(o, key, v) < 0 ? -ENOMEM : 0;
}

static int cmp_strp(const void *a, const void *b) {
        return strcmp(*(char * const *) a, *(char * const *) b);
}

/* labels sorted by key (as Go prints a map); null when there are none */
static int labels_sorted(json_object *labels, json_object **ret) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        _cleanup_(freep) const char **keys = NULL;
        size_t n = 0;

        if (!labels || !json_object_is_type(labels, json_type_object) || json_object_object_length(labels) == 0) {
                *ret = NULL;
                return 0;
        }
        keys = calloc(json_object_object_length(labels), sizeof *keys);
        o = json_object_new_object();
        if (!keys || !o)
                return -ENOMEM;
        json_object_object_foreach(labels, k, v) {
                (void) v;
                keys[n++] = k;
        }
        qsort(keys, n, sizeof *keys, cmp_strp);
        for (size_t i = 0; i < n; i++) {
                json_object *value = NULL;

                (void) json_object_object_get_ex(labels, keys[i], &value);
                if (add_string(o, keys[i], json_object_get_string(value)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(o);
        return 0;
}

/* docker volume inspect's object for one volume */
static int volume_object(Graph *g, const char *name, json_object **ret) {
        _cleanup_(json_object_putp) json_object *meta = NULL, *o = NULL, *labels = NULL;
        _cleanup_(freep) char *p = NULL, *text = NULL, *data = NULL;
        json_object *v = NULL;
        int r;

        r = volume_path(g, name, "volume.json", &p);
        if (r < 0)
                return r;
        r = read_full_file(p, &text, NULL, VOLUME_METADATA_MAX);
        if (r < 0)
                return r == -ENOTDIR ? -ENOENT : r;
        meta = json_tokener_parse(text);
        if (!meta || !json_object_is_type(meta, json_type_object))
                return -EBADMSG;
        r = volume_path(g, name, "_data", &data);
        if (r < 0)
                return r;
        (void) json_object_object_get_ex(meta, "Labels", &v);
        r = labels_sorted(v, &labels);
        if (r < 0)
                return r;

        o = json_object_new_object();
        if (!o)
                return -ENOMEM;
        v = NULL;
        (void) json_object_object_get_ex(meta, "CreatedAt", &v);
        /* keys in docker's order */
        if (add_string(o, "CreatedAt", strempty(json_object_get_string(v))) < 0 ||
            add_string(o, "Driver", "local") < 0 ||
            json_object_object_add(o, "Labels", TAKE_PTR(labels)) < 0 ||
            add_string(o, "Mountpoint", data) < 0 ||
            add_string(o, "Name", name) < 0 ||
            json_object_object_add(o, "Options", NULL) < 0 ||
            add_string(o, "Scope", "local") < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(o);
        return 0;
}

static int to_text(json_object *o, char **ret) {
        const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        char *t = s ? strdup(s) : NULL;

        if (!t)
                return -ENOMEM;
        *ret = t;
        return 0;
}

int volume_inspect(Graph *g, const char *name, char **ret_json) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        int r;

        r = volume_object(g, name, &o);
        if (r < 0)
                return r;
        return to_text(o, ret_json);
}

/* volume.json: when, and the labels as given */
static int metadata_text(char * const *labels, char **ret) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        json_object *l;
        char created[sizeof "YYYY-MM-DDTHH:MM:SSZ" + 8];
        struct tm tm;
        time_t now = time(NULL);

        if (!gmtime_r(&now, &tm) || strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return -EINVAL;
        o = json_object_new_object();
        if (!o || add_string(o, "CreatedAt", created) < 0)
                return -ENOMEM;
        l = json_object_new_object();
        if (!l || json_object_object_add(o, "Labels", l) < 0) {
                json_object_put(l);
                return -ENOMEM;
        }
        for (char * const *p = labels; p && p[0] && p[1]; p += 2)
                if (add_string(l, p[0], p[1]) < 0)
                        return -ENOMEM;
        return to_text(o, ret);
}

static void fsync_dir(const char *path) {
        _cleanup_(closep) int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

        if (fd >= 0)
                (void) fsync(fd);
}

static int mkdtemp_in(const char *dir, const char *prefix, char **ret) {
        char *p;

        if (asprintf(&p, "%s/%s-XXXXXX", dir, prefix) < 0)
                return -ENOMEM;
        if (!mkdtemp(p)) {
                int r = -errno;
                free(p);
                return r;
        }
        *ret = p;
        return 0;
}

int volume_create(Graph *g, const char *name, char * const *labels, char **ret_json) {
        _cleanup_(freep) char *tmp = NULL, *sub = NULL, *dir = NULL, *meta = NULL;
        char random[ID_HEX_LEN + 1];
        int r;

        if (isempty(name)) {
                r = random_id(random);
                if (r < 0)
                        return r;
                name = random;
        } else if (!volume_name_is_valid(name))
                return -EINVAL;
        if (strlen(name) > NAME_MAX)
                return -ENAMETOOLONG;

        /* docker keeps an existing volume as it is, labels and all */
        r = volume_inspect(g, name, ret_json);
        if (r != -ENOENT)
                return r;

        r = metadata_text(labels, &meta);
        if (r < 0)
                return r;
        r = mkdtemp_in(g->volumes, ".tmp", &tmp);
        if (r < 0)
                return r;
        sub = path_join(tmp, "_data");
        if (!sub) {
                r = -ENOMEM;
                goto fail;
        }
        if (mkdir(sub, 0755) < 0 || chmod(sub, 0755) < 0 || chmod(tmp, 0711) < 0) {
                r = -errno;
                goto fail;
        }
        free(sub);
        sub = path_join(tmp, "volume.json");
        if (!sub) {
                r = -ENOMEM;
                goto fail;
        }
        r = write_file_atomic(sub, meta, strlen(meta), 0600);
        if (r < 0)
                goto fail;
        r = volume_path(g, name, NULL, &dir);
        if (r < 0)
                goto fail;
        if (renameat2(AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_NOREPLACE) < 0) {
                r = -errno;
                if (r != -EEXIST)
                        goto fail;
                /* created by someone else meanwhile: theirs stands */
                (void) rm_rf(tmp);
        } else
                fsync_dir(g->volumes);
        return ret_json ? volume_inspect(g, name, ret_json) : 0;
fail:
        (void) rm_rf(tmp);
        return r;
}

int volume_list(Graph *g, char **ret_json) {
        _cleanup_(json_object_putp) json_object *a = NULL;
        _cleanup_(strv_freep) char **names = NULL;
        DIR *d;
        int r = 0;

        d = opendir(g->volumes);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d)); )
                if (volume_name_is_valid(de->d_name) && strv_extend(&names, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
        closedir(d);
        if (r < 0)
                return r;
        qsort(names, strv_length(names), sizeof *names, cmp_strp);

        a = json_object_new_array();
        if (!a)
                return -ENOMEM;
        STRV_FOREACH(n, names) {
                json_object *o = NULL;

                r = volume_object(g, *n, &o);
                if (r == -ENOENT)
                        continue;     /* removed meanwhile */
                if (r < 0)
                        return r;
                if (json_object_array_add(a, o) < 0) {
                        json_object_put(o);
                        return -ENOMEM;
                }
        }
        return to_text(a, ret_json);
}

/* Hands path over to g->remove, or removes it at once. */
static int remove_tree(Graph *g, char *path) {
        int r;

        if (g->remove) {
                g->remove(g, path, NULL, NULL, g->remove_userdata);
                return 0;
        }
        r = rm_rf(path);
        free(path);
        return r;
}

int volume_remove(Graph *g, const char *name) {
        _cleanup_(freep) char *dir = NULL, *trash = NULL;
        int r;

        r = volume_path(g, name, NULL, &dir);
        if (r < 0)
                return r;
        r = mkdtemp_in(g->volumes, ".trash", &trash);
        if (r < 0)
                return r;
        /* over the empty trash directory: the volume is gone in one step */
        if (rename(dir, trash) < 0) {
                r = -errno;
                (void) rmdir(trash);
                return r == -ENOTDIR ? -ENOENT : r;
        }
        return remove_tree(g, TAKE_PTR(trash));
}

int volume_data_path(Graph *g, const char *name, char **ret) {
        _cleanup_(freep) char *meta = NULL;
        int r;

        r = volume_path(g, name, "volume.json", &meta);
        if (r < 0)
                return r;
        if (access(meta, F_OK) < 0)
                return errno == ENOTDIR ? -ENOENT : -errno;
        return volume_path(g, name, "_data", ret);
}

int volume_store_cleanup(Graph *g) {
        _cleanup_(strv_freep) char **left = NULL;
        DIR *d;
        int r = 0, n = 0;

        d = opendir(g->volumes);
        if (!d)
                return -errno;
        for (struct dirent *de; (de = readdir(d)); )
                if ((startswith(de->d_name, ".tmp-") || startswith(de->d_name, ".trash-")) &&
                    strv_extend(&left, de->d_name) < 0) {
                        r = -ENOMEM;
                        break;
                }
        closedir(d);
        if (r < 0)
                return r;
        STRV_FOREACH(l, left) {
                char *p = path_join(g->volumes, *l);

                if (!p)
                        return -ENOMEM;
                r = remove_tree(g, p);
                if (r < 0)
                        return r;
                n++;
        }
        return n;
}
