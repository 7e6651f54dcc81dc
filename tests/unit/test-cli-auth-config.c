/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's config.json: reading what docker wrote, writing what docker reads */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "auth-config.h"
#include "base64.h"
#include "fs-util.h"
#include "macro.h"
#include "progress.h"
#include "registry-server.h"

static void test_server_names(void **state) {
        const char *in[][2] = {
                { "", "docker.io" },
                { "https://index.docker.io/v1/", "docker.io" },
                { "index.docker.io", "docker.io" },
                { "registry-1.docker.io", "docker.io" },
                { "docker.io", "docker.io" },
                { "http://127.0.0.1:5000", "127.0.0.1:5000" },
                { "127.0.0.1:5000/v2/", "127.0.0.1:5000" },
                { "quay.io", "quay.io" },
        };
        for (size_t i = 0; i < ELEMENTSOF(in); i++) {
                _cleanup_(freep) char *r = NULL;
                assert_int_equal(registry_server_normalize(in[i][0], &r), 0);
                assert_string_equal(r, in[i][1]);
        }
        assert_string_equal(registry_server_config_key("docker.io"), "https://index.docker.io/v1/");
        assert_string_equal(registry_server_config_key("r:5000"), "r:5000");
}

static void test_get(void **state) {
        json_object *cfg = NULL;
        char *u = NULL, *p = NULL;

        /* as the docker CLI writes it: tabs, docker.io's v1 URL, other keys */
        assert_int_equal(auth_config_parse(
                "{\n\t\"auths\": {\n"
                "\t\t\"https://index.docker.io/v1/\": {\"auth\": \"aHViOmh1YnB3\"},\n"
                "\t\t\"http://127.0.0.1:5000\": {\"auth\": \"YWxpY2U6czNjcmV0\"},\n"
                "\t\t\"old:1\": {\"username\": \"o\", \"password\": \"pw\"},\n"
                "\t\t\"bad:1\": {\"auth\": \"bm9jb2xvbg==\"},\n"
                "\t\t\"helper:1\": {}\n"
                "\t},\n\t\"credsStore\": \"\",\n\t\"psFormat\": \"x\"\n}\n", &cfg), 0);
        assert_int_equal(auth_config_get(cfg, "docker.io", &u, &p), 0);
        assert_string_equal(u, "hub");
        assert_string_equal(p, "hubpw");
        free(u), free(p);
        assert_int_equal(auth_config_get(cfg, "127.0.0.1:5000", &u, &p), 0);
        assert_string_equal(u, "alice");
        assert_string_equal(p, "s3cret");
        free(u), free(p);
        assert_int_equal(auth_config_get(cfg, "old:1", &u, &p), 0);
        assert_string_equal(u, "o");
        free(u), free(p);
        assert_int_equal(auth_config_get(cfg, "bad:1", &u, &p), -EBADMSG);
        assert_int_equal(auth_config_get(cfg, "helper:1", &u, &p), -ENOENT);
        assert_int_equal(auth_config_get(cfg, "127.0.0.1:5001", &u, &p), -ENOENT);
        json_object_put(cfg);

        assert_int_equal(auth_config_parse("[]", &cfg), -EBADMSG);
        assert_int_equal(auth_config_parse("{", &cfg), -EBADMSG);
        assert_int_equal(auth_config_parse(NULL, &cfg), 0);
        assert_int_equal(auth_config_get(cfg, "docker.io", &u, &p), -ENOENT);
        json_object_put(cfg);
}

static void test_set_remove_save(void **state) {
        char dir[] = "/tmp/wharf-test-auth-XXXXXX", path[128];
        json_object *cfg = NULL, *back = NULL, *v;
        _cleanup_(freep) char *text = NULL;
        char *u = NULL, *p = NULL;
        struct stat st;

        assert_non_null(mkdtemp(dir));
        snprintf(path, sizeof path, "%s/sub/config.json", dir);
        assert_int_equal(auth_config_parse("{\"auths\":{\"http://r:5000\":{\"auth\":\"eDp5\"}},\"detachKeys\":\"ctrl-e,e\"}", &cfg), 0);
        /* replaces the other spelling of the same registry */
        assert_int_equal(auth_config_set(cfg, "r:5000", "alice", "pa:ss"), 0);
        assert_int_equal(auth_config_set(cfg, "docker.io", "hub", "pw"), 0);
        assert_int_equal(auth_config_save(path, cfg), 0);
        assert_int_equal(stat(path, &st), 0);
        assert_int_equal(st.st_mode & 07777, 0600);

        assert_int_equal(auth_config_load(path, &back), 0);
        assert_true(json_object_object_get_ex(back, "detachKeys", &v));
        assert_string_equal(json_object_get_string(v), "ctrl-e,e");
        assert_true(json_object_object_get_ex(back, "auths", &v));
        assert_int_equal(json_object_object_length(v), 2);
        assert_true(json_object_object_get_ex(v, "https://index.docker.io/v1/", NULL));
        assert_int_equal(auth_config_get(back, "r:5000", &u, &p), 0);
        assert_string_equal(u, "alice");
        assert_string_equal(p, "pa:ss");
        free(u), free(p);

        assert_int_equal(auth_config_remove(back, "r:5000"), 0);
        assert_int_equal(auth_config_remove(back, "r:5000"), -ENOENT);
        assert_int_equal(auth_config_get(back, "docker.io", &u, &p), 0);
        free(u), free(p);

        /* the X-Registry-Auth value */
        _cleanup_(freep) char *xra = auth_config_registry_auth("r:5000", "alice", "pw");
        char *json = NULL;
        size_t n;
        assert_int_equal(base64_decode(xra, &json, &n), 0);
        assert_string_equal(json, "{\"username\":\"alice\",\"password\":\"pw\",\"serveraddress\":\"r:5000\"}");
        free(json);

        json_object_put(cfg);
        json_object_put(back);
        assert_int_equal(rm_rf(dir), 0);
}

static void test_transient_lines(void **state) {
        assert_true(progress_line_is_transient("a3ed95caeb02: Downloading 1.2MB/3.4MB (2.0MB/s)"));
        assert_true(progress_line_is_transient("a3ed95caeb02: Pushing 512B/1.0kB"));
        assert_false(progress_line_is_transient("a3ed95caeb02: Downloading"));
        assert_false(progress_line_is_transient("a3ed95caeb02: Pushing"));
        assert_false(progress_line_is_transient("a3ed95caeb02: Pull complete"));
        assert_false(progress_line_is_transient("Downloading 1MB"));
        assert_false(progress_line_is_transient("latest: digest: sha256:abc size: 5"));

        /* not on a terminal: dropped; on one: shown */
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        Progress p;
        progress_init(&p, f, false);
        progress_line(&p, "a3ed95caeb02: Downloading");
        progress_line(&p, "a3ed95caeb02: Downloading 1.2MB/3.4MB (2.0MB/s)");
        progress_line(&p, "a3ed95caeb02: Pull complete");
        progress_done(&p);
        fclose(f);
        assert_string_equal(buf, "a3ed95caeb02: Downloading\na3ed95caeb02: Pull complete\n");
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_server_names),
                cmocka_unit_test(test_get),
                cmocka_unit_test(test_set_remove_save),
                cmocka_unit_test(test_transient_lines),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
