/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "engine-config.h"
#include "fs-util.h"
#include "macro.h"

static char root[] = "/tmp/wharf-engine-config-XXXXXX";

static void write_config(const char *text) {
        _cleanup_(freep) char *dir = path_join(root, "engine"), *p = path_join(root, "engine/config.json");
        assert_int_equal(mkdir_p(dir, 0700), 0);
        assert_int_equal(write_file_atomic(p, text, strlen(text), 0600), 0);
}

static void test_default_is_bridge(void **state) {
        EngineConfig c = {};
        assert_int_equal(engine_config_load(root, &c), 0);
        assert_string_equal(c.default_network, "bridge");
        engine_config_done(&c);
}

static void test_file_sets_default_network(void **state) {
        EngineConfig c = {};
        write_config("{ \"DefaultNetwork\": \"none\", \"Other\": 1 }");
        assert_int_equal(engine_config_load(root, &c), 0);
        assert_string_equal(c.default_network, "none");
        engine_config_done(&c);
}

static void test_bad_files_are_refused(void **state) {
        static const char *bad[] = { "[]", "{", "{ \"DefaultNetwork\": 3 }", "{ \"DefaultNetwork\": \"\" }" };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                EngineConfig c = {};
                write_config(bad[i]);
                assert_int_equal(engine_config_load(root, &c), -EINVAL);
                assert_null(c.default_network);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_default_is_bridge),
                cmocka_unit_test(test_file_sets_default_network),
                cmocka_unit_test(test_bad_files_are_refused),
        };
        assert_non_null(mkdtemp(root));
        int r = cmocka_run_group_tests(tests, NULL, NULL);
        (void) rm_rf(root);
        return r;
}
