/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* graphd's volumes: docker's name rule, the store (create, list, inspect,
 * remove, start-up cleanup) in a temporary directory, and the copy-up,
 * which must never follow a symlink out of the rootfs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sys/stat.h>

#include "fs-util.h"
#include "graph.h"
#include "id.h"
#include "macro.h"
#include "volume-copy.h"
#include "volume-store.h"

typedef struct Fixture {
        char dir[64];
        Graph *graph;
        char *removed;          /* what the fake remover was handed */
} Fixture;

static int setup(void **state) {
        Fixture *f = calloc(1, sizeof *f);
        _cleanup_(freep) char *run = NULL;

        assert_non_null(f);
        strcpy(f->dir, "/tmp/wharf-test-volume-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
        run = path_join(f->dir, "run");
        assert_int_equal(graph_open(f->dir, run, &f->graph), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        graph_free(f->graph);
        assert_int_equal(rm_rf(f->dir), 0);
        free(f->removed);
        free(f);
        return 0;
}

static char *pathf(const char *fmt, ...) _printf_(1, 2);
static char *pathf(const char *fmt, ...) {
        va_list ap;
        char *p;

        va_start(ap, fmt);
        assert_true(vasprintf(&p, fmt, ap) > 0);
        va_end(ap);
        return p;
}

static bool exists(const char *p) {
        struct stat st;
        return lstat(p, &st) >= 0;
}

static const char *jstr(json_object *o, const char *key) {
        json_object *v;

        assert_true(json_object_object_get_ex(o, key, &v));
        return json_object_get_string(v);
}

static void test_name_rule(void **state) {
        const char *good[] = { "ab", "a1", "0x", "A.b_c-d", "my-volume.v2", "a..", "Z_" };
        const char *bad[] = { "", "a", "-a", ".a", "_a", "..", "a/b", "a b", "a:b", "\xc3\xa9t", "ab\n" };

        for (size_t i = 0; i < ELEMENTSOF(good); i++)
                assert_true(volume_name_is_valid(good[i]));
        for (size_t i = 0; i < ELEMENTSOF(bad); i++)
                assert_false(volume_name_is_valid(bad[i]));
        assert_false(volume_name_is_valid(NULL));
}

static void test_create_inspect_list_remove(void **state) {
        Fixture *f = *state;
        char *labels[] = { (char *) "b", (char *) "2", (char *) "a", (char *) "1", NULL };
        char *other[] = { (char *) "c", (char *) "3", NULL };
        _cleanup_(freep) char *json = NULL, *again = NULL, *anon = NULL, *list = NULL, *data = NULL,
                              *mp = NULL, *meta = NULL;
        json_object *o, *a, *l;

        assert_int_equal(volume_create(f->graph, "vol1", labels, &json), 0);
        o = json_tokener_parse(json);
        assert_non_null(o);
        assert_string_equal(jstr(o, "Name"), "vol1");
        assert_string_equal(jstr(o, "Driver"), "local");
        assert_string_equal(jstr(o, "Scope"), "local");
        mp = pathf("%s/volumes/vol1/_data", f->dir);
        assert_string_equal(jstr(o, "Mountpoint"), mp);
        assert_true(json_object_object_get_ex(o, "Labels", &l));
        assert_string_equal(json_object_to_json_string_ext(l, JSON_C_TO_STRING_PLAIN), "{\"a\":\"1\",\"b\":\"2\"}");
        assert_true(json_object_object_get_ex(o, "Options", &l));
        assert_null(l);
        assert_int_equal(strlen(jstr(o, "CreatedAt")), strlen("2026-12-06T06:30:00Z"));
        assert_int_equal(jstr(o, "CreatedAt")[19], 'Z');
        json_object_put(o);
        meta = pathf("%s/volumes/vol1/volume.json", f->dir);
        assert_true(exists(meta));

        struct stat st;
        assert_int_equal(stat(mp, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0755);

        /* an existing volume stays as it is */
        assert_int_equal(volume_create(f->graph, "vol1", other, &again), 0);
        assert_string_equal(again, json);
        free(again);
        assert_int_equal(volume_inspect(f->graph, "vol1", &again), 0);
        assert_string_equal(again, json);

        assert_int_equal(volume_create(f->graph, "", NULL, &anon), 0);
        o = json_tokener_parse(anon);
        assert_true(id_is_valid(jstr(o, "Name")));
        assert_true(json_object_object_get_ex(o, "Labels", &l));
        assert_null(l);
        json_object_put(o);

        assert_int_equal(volume_create(f->graph, "a", NULL, NULL), -EINVAL);
        assert_int_equal(volume_create(f->graph, "../x", NULL, NULL), -EINVAL);
        assert_int_equal(volume_create(f->graph, "Zed", NULL, NULL), 0);

        /* sorted by name, byte order */
        assert_int_equal(volume_list(f->graph, &list), 0);
        a = json_tokener_parse(list);
        assert_int_equal(json_object_array_length(a), 3);
        for (size_t i = 1; i < 3; i++)
                assert_true(strcmp(jstr(json_object_array_get_idx(a, i - 1), "Name"),
                                   jstr(json_object_array_get_idx(a, i), "Name")) < 0);
        assert_string_equal(jstr(json_object_array_get_idx(a, 2), "Name"), "vol1");
        json_object_put(a);

        assert_int_equal(volume_data_path(f->graph, "vol1", &data), 0);
        assert_string_equal(data, mp);
        free(data);
        data = NULL;
        assert_int_equal(volume_inspect(f->graph, "nosuch", &again), -ENOENT);
        assert_int_equal(volume_inspect(f->graph, "../graph", &again), -ENOENT);
        assert_int_equal(volume_data_path(f->graph, "nosuch", &data), -ENOENT);

        /* without a remover (no graphd): deleted in-line */
        assert_int_equal(volume_remove(f->graph, "vol1"), 0);
        assert_false(exists(mp));
        assert_int_equal(volume_remove(f->graph, "vol1"), -ENOENT);
        assert_int_equal(volume_remove(f->graph, "../graph"), -ENOENT);
        assert_int_equal(volume_inspect(f->graph, "vol1", &again), -ENOENT);
        assert_int_equal(volume_store_cleanup(f->graph), 0);
}

static void fake_remove(Graph *g, char *path, GraphDoneFunc done, void *done_userdata, void *userdata) {
        Fixture *f = userdata;

        free(f->removed);
        f->removed = path;
        if (done)
                done(done_userdata);
}

static void test_remove_deferred_and_cleanup(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *tmp = NULL, *trash = NULL, *prefix = NULL, *list = NULL, *kept = NULL;

        f->graph->remove = fake_remove;
        f->graph->remove_userdata = f;
        assert_int_equal(volume_create(f->graph, "gone", NULL, NULL), 0);
        assert_int_equal(volume_create(f->graph, "kept", NULL, NULL), 0);
        assert_int_equal(volume_remove(f->graph, "gone"), 0);

        /* out of sight at once, in volumes/.trash-*, the tree handed over */
        assert_non_null(f->removed);
        prefix = pathf("%s/volumes/.trash-", f->dir);
        assert_non_null(startswith(f->removed, prefix));
        trash = path_join(f->removed, "_data");
        assert_true(exists(trash));
        assert_int_equal(volume_list(f->graph, &list), 0);
        assert_null(strstr(list, "\"gone\""));
        assert_non_null(strstr(list, "\"kept\""));

        /* start-up: .tmp-* and .trash-* go, volumes stay */
        tmp = pathf("%s/volumes/.tmp-AbC123/_data", f->dir);
        assert_int_equal(mkdir_p(tmp, 0755), 0);
        f->graph->remove = NULL;
        assert_int_equal(volume_store_cleanup(f->graph), 2);
        assert_false(exists(tmp));
        assert_false(exists(f->removed));
        kept = pathf("%s/volumes/kept/_data", f->dir);
        assert_true(exists(kept));
}

static void write_file(const char *p, const char *text, mode_t mode) {
        assert_int_equal(write_file_atomic_nosync(p, text, strlen(text), mode), 0);
        assert_int_equal(chmod(p, mode), 0);
}

static void test_copy_up(void **state) {
        Fixture *f = *state;
        _cleanup_(freep) char *root = NULL, *host = NULL, *data = NULL, *data2 = NULL, *p = NULL, *q = NULL;
        char err[256], target[256];
        struct stat st, st2;
        ssize_t n;

        root = pathf("%s/rootfs", f->dir);
        host = pathf("%s/host", f->dir);
        data = pathf("%s/data", f->dir);
        data2 = pathf("%s/data2", f->dir);
        p = pathf("%s/etc/sub/deep", root);
        assert_int_equal(mkdir_p(p, 0755), 0);
        assert_int_equal(mkdir_p(host, 0755), 0);
        assert_int_equal(mkdir(data, 0755), 0);
        assert_int_equal(mkdir(data2, 0755), 0);
        free(p);

        p = pathf("%s/hostfile", host);
        write_file(p, "host\n", 0644);
        free(p);
        p = pathf("%s/etc/file", root);
        write_file(p, "image\n", 0640);
        if (geteuid() == 0)
                assert_int_equal(chown(p, 1234, 5678), 0);
        struct timespec ts[2] = { { 1000000000, 0 }, { 1100000000, 0 } };
        assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
        free(p);
        p = pathf("%s/etc", root);
        assert_int_equal(chmod(p, 0750), 0);
        free(p);
        /* links that point out of the rootfs: copied as links, never followed */
        p = pathf("%s/etc/sub/out", root);
        assert_int_equal(symlink(host, p), 0);
        free(p);
        p = pathf("%s/etc/sub/up", root);
        assert_int_equal(symlink("../../../host", p), 0);
        free(p);
        p = pathf("%s/escape", root);
        assert_int_equal(symlink(host, p), 0);
        free(p);
        p = pathf("%s/dotdot", root);
        assert_int_equal(symlink("../../host", p), 0);
        free(p);
        /* an absolute link in the image means the image's /etc */
        p = pathf("%s/etc-link", root);
        assert_int_equal(symlink("/etc", p), 0);
        free(p);

        /* symlinks of the image resolve inside it: nothing there, nothing copied */
        assert_int_equal(volume_copy_up(root, "/escape", data, err, sizeof err), 0);
        assert_int_equal(volume_copy_up(root, "/dotdot", data, err, sizeof err), 0);
        assert_int_equal(volume_copy_up(root, "/../host", data, err, sizeof err), 0);
        assert_int_equal(volume_copy_up(root, "/nosuch", data, err, sizeof err), 0);
        assert_int_equal(volume_copy_up(root, "/etc/file", data, err, sizeof err), 0);
        p = pathf("%s/hostfile", data);
        assert_false(exists(p));
        free(p);
        assert_int_equal(rmdir(data), 0);      /* still empty */
        assert_int_equal(mkdir(data, 0755), 0);

        assert_int_equal(volume_copy_up(root, "/etc", data, err, sizeof err), 0);
        p = pathf("%s/file", data);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(st.st_mtim.tv_sec, 1100000000);
        if (geteuid() == 0) {
                assert_int_equal(st.st_uid, 1234);
                assert_int_equal(st.st_gid, 5678);
        }
        free(p);
        p = pathf("%s/sub/deep", data);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        free(p);
        p = pathf("%s/sub/out", data);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        n = readlink(p, target, sizeof target - 1);
        assert_true(n > 0);
        target[n] = 0;
        assert_string_equal(target, host);
        free(p);
        p = pathf("%s/sub/up", data);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        free(p);
        /* _data takes the directory's mode */
        assert_int_equal(stat(data, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0750);
        /* nothing of the host came along */
        p = pathf("%s/sub/out", data);
        q = pathf("%s/hostfile", host);
        assert_int_equal(lstat(q, &st), 0);
        assert_int_equal(lstat(p, &st2), 0);
        assert_true(st.st_ino != st2.st_ino);
        free(p);
        free(q);
        q = NULL;

        /* not empty any more: left alone */
        p = pathf("%s/file", data);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(volume_copy_up(root, "/etc", data, err, sizeof err), 0);
        assert_false(exists(p));
        free(p);

        /* an absolute symlink of the image leads to the image's /etc */
        assert_int_equal(volume_copy_up(root, "/etc-link", data2, err, sizeof err), 0);
        p = pathf("%s/file", data2);
        assert_true(exists(p));
        free(p);
        p = NULL;

        /* a failure comes with one line */
        assert_true(volume_copy_up(root, "/etc", "/nonexistent/data", err, sizeof err) < 0);
        assert_non_null(strstr(err, "opening the volume"));
        assert_null(strchr(err, '\n'));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_name_rule),
                cmocka_unit_test_setup_teardown(test_create_inspect_list_remove, setup, teardown),
                cmocka_unit_test_setup_teardown(test_remove_deferred_and_cleanup, setup, teardown),
                cmocka_unit_test_setup_teardown(test_copy_up, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
