/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "container-config.h"
#include "macro.h"
#include "spec.h"

static const char *image_config =
        "{\"architecture\":\"amd64\",\"os\":\"linux\","
        "\"config\":{\"Env\":[\"PATH=/bin:/usr/bin\",\"FOO=image\",\"BAR=1\"],"
        "\"Entrypoint\":[\"/entry\"],\"Cmd\":[\"default\",\"arg\"],\"WorkingDir\":\"/srv\",\"User\":\"daemon\"},"
        "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";

static const char *image_config_cmd_only =
        "{\"config\":{\"Cmd\":[\"sh\"]},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}";

static void assert_strv(char **l, const char *const *want) {
        size_t i = 0;
        for (; want[i]; i++) {
                assert_non_null(l[i]);
                assert_string_equal(l[i], want[i]);
        }
        assert_null(l[i]);
}

static void test_image_defaults(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        ContainerOptions o = {};
        _cleanup_(strv_freep) char **args = NULL;

        assert_int_equal(container_config_merge(image_config, NULL, &o, &c, NULL), 0);
        args = container_config_args(&c);
        assert_strv(args, (const char *[]) { "/entry", "default", "arg", NULL });
        assert_string_equal(c.workdir, "/srv");
        assert_string_equal(c.user, "daemon");
        assert_string_equal(c.hostname, "");
}

static void test_cmd_replaces_image_cmd(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        ContainerOptions o = {};
        _cleanup_(strv_freep) char **args = NULL;
        char *cmd[] = { "echo", "hello", NULL };

        assert_int_equal(container_config_merge(image_config, cmd, &o, &c, NULL), 0);
        args = container_config_args(&c);
        /* the image entrypoint stays */
        assert_strv(args, (const char *[]) { "/entry", "echo", "hello", NULL });
}

static void test_entrypoint_resets_cmd(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {}, d = {};
        char *ep[] = { "/bin/true", NULL };
        char *cmd[] = { "x", NULL };
        ContainerOptions o = { .entrypoint = ep, .entrypoint_set = true };
        _cleanup_(strv_freep) char **args = NULL, **args2 = NULL;

        assert_int_equal(container_config_merge(image_config, NULL, &o, &c, NULL), 0);
        args = container_config_args(&c);
        assert_strv(args, (const char *[]) { "/bin/true", NULL });

        assert_int_equal(container_config_merge(image_config, cmd, &o, &d, NULL), 0);
        args2 = container_config_args(&d);
        assert_strv(args2, (const char *[]) { "/bin/true", "x", NULL });
}

static void test_no_command(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        _cleanup_(freep) char *error = NULL;
        char *empty[] = { NULL };
        ContainerOptions o = { .entrypoint = empty, .entrypoint_set = true };

        /* an empty entrypoint drops the image's Cmd too: nothing is left */
        assert_int_equal(container_config_merge(image_config, NULL, &o, &c, &error), -EINVAL);
        assert_string_equal(error, "no command specified");
        free(error);
        error = NULL;
        ContainerOptions none = {};
        assert_int_equal(container_config_merge("{}", NULL, &none, &c, &error), -EINVAL);
        assert_string_equal(error, "no command specified");
}

static void test_env_merge(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        char *env[] = { "FOO=option", "NEW=2", "NOVALUE", NULL };
        ContainerOptions o = { .env = env, .workdir = "/work", .user = "1000:1000", .hostname = "box" };

        assert_int_equal(container_config_merge(image_config, NULL, &o, &c, NULL), 0);
        assert_strv(c.env, (const char *[]) { "PATH=/bin:/usr/bin", "FOO=option", "BAR=1", "NEW=2", NULL });
        assert_string_equal(c.workdir, "/work");
        assert_string_equal(c.user, "1000:1000");
        assert_string_equal(c.hostname, "box");
}

static void test_relative_workdir(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        _cleanup_(freep) char *error = NULL;
        ContainerOptions o = { .workdir = "relative" };

        assert_int_equal(container_config_merge(image_config, NULL, &o, &c, &error), -EINVAL);
        assert_non_null(strstr(error, "absolute"));
}

static json_object *get(json_object *o, const char *path) {
        _cleanup_(freep) char *p = strdup(path);
        char *save = NULL;

        for (char *k = strtok_r(p, ".", &save); k; k = strtok_r(NULL, ".", &save)) {
                json_object *v;
                if (json_object_is_type(o, json_type_array))
                        v = json_object_array_get_idx(o, atoi(k));
                else if (!json_object_object_get_ex(o, k, &v))
                        return NULL;
                o = v;
        }
        return o;
}

static const char *gets(json_object *o, const char *path) {
        json_object *v = get(o, path);
        assert_non_null(v);
        return json_object_get_string(v);
}

static void test_spec(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        _cleanup_(freep) char *spec = NULL;
        char *cmd[] = { "echo", "hi", NULL };
        ContainerOptions o = {};
        UserInfo user = { .uid = 1, .gid = 2, .home = (char *) "/usr/sbin" };
        const char *id = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        json_object *j, *ns;

        assert_int_equal(container_config_merge(image_config_cmd_only, cmd, &o, &c, NULL), 0);
        assert_int_equal(spec_build(&(SpecInput) { .id = id, .config = &c, .rootfs = "/r/merged",
                                                   .netns = "/run/netns/x", .user = &user }, &spec, NULL), 0);
        j = json_tokener_parse(spec);
        assert_non_null(j);
        assert_string_equal(gets(j, "ociVersion"), "1.0.2");
        assert_string_equal(gets(j, "process.args.0"), "echo");
        assert_string_equal(gets(j, "process.args.1"), "hi");
        assert_null(get(j, "process.args.2"));
        /* PATH default first, then HOSTNAME, HOME from passwd */
        assert_string_equal(gets(j, "process.env.0"), DEFAULT_PATH_ENV);
        assert_string_equal(gets(j, "process.env.1"), "HOSTNAME=0123456789ab");
        assert_string_equal(gets(j, "process.env.2"), "HOME=/usr/sbin");
        assert_string_equal(gets(j, "process.cwd"), "/");
        assert_int_equal(json_object_get_int(get(j, "process.user.uid")), 1);
        assert_int_equal(json_object_get_int(get(j, "process.user.gid")), 2);
        assert_false(json_object_get_boolean(get(j, "process.terminal")));
        assert_string_equal(gets(j, "root.path"), "/r/merged");
        assert_string_equal(gets(j, "hostname"), "0123456789ab");
        ns = get(j, "linux.namespaces");
        assert_int_equal(json_object_array_length(ns), 6);
        assert_string_equal(gets(j, "linux.namespaces.5.type"), "cgroup");
        assert_string_equal(gets(j, "mounts.0.destination"), "/sys/fs/cgroup");
        assert_string_equal(gets(j, "linux.namespaces.4.type"), "network");
        assert_string_equal(gets(j, "linux.namespaces.4.path"), "/run/netns/x");
        assert_null(get(j, "linux.namespaces.0.path"));
        json_object_put(j);
}

static void test_spec_env_path_kept(void **state) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        _cleanup_(strv_freep) char **env = NULL;
        char *opt_env[] = { "HOME=/custom", NULL };
        ContainerOptions o = { .env = opt_env, .hostname = "h" };

        assert_int_equal(container_config_merge(image_config, NULL, &o, &c, NULL), 0);
        env = spec_environment(&c, "h", "/root");
        /* the image's PATH replaces the default in place; HOME is not overridden */
        assert_strv(env, (const char *[]) { "PATH=/bin:/usr/bin", "HOSTNAME=h", "FOO=image", "BAR=1", "HOME=/custom", NULL });
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_image_defaults),
                cmocka_unit_test(test_cmd_replaces_image_cmd),
                cmocka_unit_test(test_entrypoint_resets_cmd),
                cmocka_unit_test(test_no_command),
                cmocka_unit_test(test_env_merge),
                cmocka_unit_test(test_relative_workdir),
                cmocka_unit_test(test_spec),
                cmocka_unit_test(test_spec_env_path_kept),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
