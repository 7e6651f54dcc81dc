/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/stat.h>

#include "container.h"
#include "fs-util.h"
#include "macro.h"

#define ID1 "aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111aaaa1111"
#define ID2 "aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222aaaa2222"
#define ID3 "bbbb3333bbbb3333bbbb3333bbbb3333bbbb3333bbbb3333bbbb3333bbbb3333"

static Container *make(const char *id, const char *name) {
        Container *c = calloc(1, sizeof *c);
        char *cmd[] = { "echo", "a b", NULL }, *env[] = { "A=1", "PATH=/bin", NULL };

        assert_non_null(c);
        strcpy(c->id, id);
        c->name = strdup(name);
        c->image = strdup("127.0.0.1:5000/library/busybox");
        c->image_id = strdup("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        c->created = 1700000000;
        c->config.entrypoint = strv_copy(NULL);
        c->config.cmd = strv_copy(cmd);
        c->config.env = strv_copy(env);
        c->config.workdir = strdup("/tmp");
        c->config.hostname = strdup("");
        c->config.user = strdup("nobody");
        c->config.tty = true;
        c->auto_remove = true;
        c->network_mode = strdup("none");
        c->status = CONTAINER_EXITED;
        c->pid = 0;
        c->exit_code = 137;
        c->started_at = 1700000001;
        c->finished_at = 1700000002;
        return c;
}

static void assert_same(const Container *a, const Container *b) {
        assert_string_equal(a->id, b->id);
        assert_string_equal(a->name, b->name);
        assert_string_equal(a->image, b->image);
        assert_string_equal(a->image_id, b->image_id);
        assert_int_equal(a->created, b->created);
        assert_int_equal(strv_length(a->config.entrypoint), strv_length(b->config.entrypoint));
        assert_int_equal(strv_length(a->config.cmd), strv_length(b->config.cmd));
        for (size_t i = 0; a->config.cmd[i]; i++)
                assert_string_equal(a->config.cmd[i], b->config.cmd[i]);
        for (size_t i = 0; a->config.env[i]; i++)
                assert_string_equal(a->config.env[i], b->config.env[i]);
        assert_string_equal(a->config.workdir, b->config.workdir);
        assert_string_equal(a->config.hostname, b->config.hostname);
        assert_string_equal(a->config.user, b->config.user);
        assert_int_equal(a->config.tty, b->config.tty);
        assert_int_equal(a->auto_remove, b->auto_remove);
        assert_string_equal(a->network_mode, b->network_mode);
        assert_int_equal(a->status, b->status);
        assert_int_equal(a->exit_code, b->exit_code);
        assert_int_equal(a->started_at, b->started_at);
        assert_int_equal(a->finished_at, b->finished_at);
}

static void test_json_roundtrip(void **state) {
        _cleanup_(container_freep) Container *c = make(ID1, "web"), *d = NULL;
        _cleanup_(freep) char *json = NULL;

        assert_int_equal(container_to_json(c, &json), 0);
        assert_non_null(strstr(json, "\"Status\":\"exited\"") ?: strstr(json, "\"Status\": \"exited\""));
        assert_int_equal(container_from_json(json, &d), 0);
        assert_same(c, d);
}

static void test_json_bad(void **state) {
        Container *c = NULL;

        assert_int_equal(container_from_json("not json", &c), -EBADMSG);
        assert_int_equal(container_from_json("{\"Id\":\"short\"}", &c), -EBADMSG);
        /* unknown status */
        assert_int_equal(container_from_json("{\"Id\":\"" ID1 "\",\"Name\":\"ab\",\"Image\":\"x\",\"ImageId\":\"y\","
                                             "\"Config\":{},\"State\":{\"Status\":\"zombie\"}}", &c), -EBADMSG);
        assert_null(c);
}

static void test_store(void **state) {
        char dir[] = "/tmp/test-engine-container.XXXXXX";
        Container *head = NULL, *found = NULL;
        _cleanup_(container_freep) Container *a = make(ID1, "web"), *b = make(ID2, "db"), *c = make(ID3, "cache");
        _cleanup_(freep) char *bad = NULL;
        unsigned n_bad = 0, n = 0;

        assert_non_null(mkdtemp(dir));
        assert_int_equal(container_save(a, dir), 0);
        assert_int_equal(container_save(b, dir), 0);
        b->exit_code = 3;
        assert_int_equal(container_save(b, dir), 0); /* overwrite */
        assert_int_equal(container_save(c, dir), 0);
        /* a broken record is skipped, not fatal */
        assert_int_equal(asprintf(&bad, "%s/%s", dir, "cccc4444cccc4444cccc4444cccc4444cccc4444cccc4444cccc4444cccc4444"), (int) strlen(dir) + 65);
        assert_int_equal(mkdir(bad, 0700), 0);

        assert_int_equal(container_load_all(dir, &head, &n_bad), 0);
        assert_int_equal(n_bad, 1);
        LIST_FOREACH(containers, i, head) {
                n++;
                if (streq(i->id, ID2)) {
                        assert_int_equal(i->exit_code, 3);
                        assert_same(b, i);
                }
        }
        assert_int_equal(n, 3);

        /* lookups: id, name, /name, unique prefix, ambiguous prefix */
        assert_int_equal(container_find(head, ID1, &found), 0);
        assert_string_equal(found->name, "web");
        assert_int_equal(container_find(head, "db", &found), 0);
        assert_string_equal(found->id, ID2);
        assert_int_equal(container_find(head, "/cache", &found), 0);
        assert_string_equal(found->id, ID3);
        assert_int_equal(container_find(head, "bbbb", &found), 0);
        assert_string_equal(found->id, ID3);
        assert_int_equal(container_find(head, "aaaa", &found), -ENOTUNIQ);
        assert_int_equal(container_find(head, "aaaa2", &found), 0);
        assert_string_equal(found->id, ID2);
        assert_int_equal(container_find(head, "nope", &found), -ESRCH);
        assert_int_equal(container_find(head, "ffff", &found), -ESRCH);

        assert_int_equal(container_remove_files(a, dir), 0);
        while (head) {
                Container *i = head;
                LIST_REMOVE(containers, head, i);
                container_free(i);
        }
        assert_int_equal(container_load_all(dir, &head, &n_bad), 0);
        n = 0;
        LIST_FOREACH(containers, i, head)
                n++;
        assert_int_equal(n, 2);
        while (head) {
                Container *i = head;
                LIST_REMOVE(containers, head, i);
                container_free(i);
        }
        assert_int_equal(rm_rf(dir), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_json_roundtrip),
                cmocka_unit_test(test_json_bad),
                cmocka_unit_test(test_store),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
