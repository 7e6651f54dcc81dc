/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs-util.h"
#include "host-devices.h"
#include "host-config.h"
#include "macro.h"
#include "spec-host.h"

static char dir[] = "/tmp/test-host-devices.XXXXXX";

static void mk(const char *rel, mode_t mode, dev_t dev) {
        char p[256];
        snprintf(p, sizeof(p), "%s/%s", dir, rel);
        if (mknod(p, mode, dev) < 0)
                fail_msg("mknod %s: %m", p);
}

static int setup(void **state) {
        char p[256];

        if (!mkdtemp(dir))
                return -1;
        umask(0);
        mk("null", S_IFCHR | 0666, makedev(1, 3));
        mk("kmsg", S_IFCHR | 0644, makedev(1, 11));
        mk("console", S_IFCHR | 0600, makedev(5, 1));
        mk("fifo", S_IFIFO | 0600, 0);
        mk("file", S_IFREG | 0600, 0);
        snprintf(p, sizeof(p), "%s/pts", dir);
        mkdir(p, 0755);
        mk("pts/0", S_IFCHR | 0620, makedev(136, 0));
        snprintf(p, sizeof(p), "%s/net", dir);
        mkdir(p, 0755);
        mk("net/tun", S_IFCHR | 0666, makedev(10, 200));
        snprintf(p, sizeof(p), "%s/disk", dir);
        mkdir(p, 0755);
        mk("disk/loop0", S_IFBLK | 0660, makedev(7, 0));
        snprintf(p, sizeof(p), "%s/stdin", dir);
        symlink("/proc/self/fd/0", p);
        snprintf(p, sizeof(p), "%s/linked", dir);
        symlink("net", p);
        umask(022);
        return 0;
}

static int teardown(void **state) {
        return rm_rf(dir) < 0 ? -1 : 0;
}

static json_object *find(json_object *a, const char *path) {
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *d = json_object_array_get_idx(a, i), *p;
                if (json_object_object_get_ex(d, "path", &p) && streq(json_object_get_string(p), path))
                        return d;
        }
        return NULL;
}

static int64_t field(json_object *d, const char *k) {
        json_object *v;
        assert_true(json_object_object_get_ex(d, k, &v));
        return json_object_get_int64(v);
}

static void test_scan(void **state) {
        json_object *a = NULL, *d, *v;

        assert_int_equal(host_devices_json(dir, &a), 0);
        /* null, kmsg, net/tun, disk/loop0; not console, pts, fifo, file, links */
        assert_int_equal(json_object_array_length(a), 4);
        d = find(a, "/dev/kmsg");
        assert_non_null(d);
        assert_true(json_object_object_get_ex(d, "type", &v));
        assert_string_equal(json_object_get_string(v), "c");
        assert_int_equal(field(d, "major"), 1);
        assert_int_equal(field(d, "minor"), 11);
        assert_int_equal(field(d, "fileMode"), 0644);
        assert_int_equal(field(d, "uid"), getuid());
        d = find(a, "/dev/disk/loop0");
        assert_non_null(d);
        assert_true(json_object_object_get_ex(d, "type", &v));
        assert_string_equal(json_object_get_string(v), "b");
        assert_int_equal(field(d, "fileMode"), 0660);
        assert_non_null(find(a, "/dev/net/tun"));
        assert_null(find(a, "/dev/console"));
        assert_null(find(a, "/dev/pts/0"));
        assert_null(find(a, "/dev/linked/tun"));
        json_object_put(a);

        assert_int_equal(host_devices_json("/nonexistent-dir", &a), -ENOENT);
}

/* --privileged in the spec: devices, a devices cgroup allowing all, /sys
 * read-write first among the mounts, the cgroup mount without "ro" */
static void test_privileged_spec(void **state) {
        HostConfig h = { .privileged = true };
        json_object *spec = json_tokener_parse(
                "{\"process\":{},\"root\":{},\"linux\":{},\"mounts\":[{\"destination\":\"/sys/fs/cgroup\","
                "\"type\":\"cgroup\",\"source\":\"cgroup\",\"options\":[\"ro\",\"nosuid\"]}]}");
        json_object *linux_, *v, *m;
        char *error = NULL;

        assert_int_equal(spec_apply_host_config(spec, &(SpecHostInput) { .host = &h, .dev_dir = dir }, &error), 0);
        assert_true(json_object_object_get_ex(spec, "linux", &linux_));
        assert_true(json_object_object_get_ex(linux_, "devices", &v));
        assert_int_equal(json_object_array_length(v), 4);
        assert_true(json_object_object_get_ex(linux_, "resources", &v));
        assert_true(json_object_object_get_ex(v, "devices", &v));
        assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
                            "[{\"allow\":true,\"access\":\"rwm\"}]");
        assert_true(json_object_object_get_ex(spec, "mounts", &v));
        assert_int_equal(json_object_array_length(v), 2);
        m = json_object_array_get_idx(v, 0);
        assert_string_equal(json_object_to_json_string_ext(m, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                            "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
                            "\"options\":[\"nosuid\",\"noexec\",\"nodev\",\"rw\"]}");
        m = json_object_array_get_idx(v, 1);
        assert_true(json_object_object_get_ex(m, "options", &v));
        assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), "[\"nosuid\"]");
        json_object_put(spec);

        /* --read-only keeps /sys read-only (docker) */
        h.readonly_rootfs = true;
        spec = json_tokener_parse("{\"process\":{},\"root\":{},\"linux\":{}}");
        assert_int_equal(spec_apply_host_config(spec, &(SpecHostInput) { .host = &h, .dev_dir = dir }, &error), 0);
        assert_true(json_object_object_get_ex(spec, "mounts", &v));
        m = json_object_array_get_idx(v, 0);
        assert_true(json_object_object_get_ex(m, "options", &v));
        assert_string_equal(json_object_get_string(json_object_array_get_idx(v, 3)), "ro");
        json_object_put(spec);

        /* without --privileged: none of it */
        h = (HostConfig) {};
        spec = json_tokener_parse("{\"process\":{},\"root\":{},\"linux\":{}}");
        assert_int_equal(spec_apply_host_config(spec, &(SpecHostInput) { .host = &h, .dev_dir = dir }, &error), 0);
        assert_true(json_object_object_get_ex(spec, "linux", &linux_));
        assert_false(json_object_object_get_ex(linux_, "devices", &v));
        assert_false(json_object_object_get_ex(spec, "mounts", &v));
        json_object_put(spec);
        free(error);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_scan),
                cmocka_unit_test(test_privileged_spec),
        };
        if (geteuid() != 0) {
                printf("1..0 # SKIP needs root (mknod)\n");
                return 0;
        }
        return cmocka_run_group_tests(tests, setup, teardown);
}
