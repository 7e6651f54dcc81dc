/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <sys/mount.h>

#include "macro.h"
#include "cap-names.h"
#include "spec.h"

static const char valid_spec[] =
        "{ \"ociVersion\": \"1.0.2\","
        "  \"process\": { \"args\": [\"echo\", \"hello\"],"
        "                \"env\": [\"PATH=/bin\", \"A=b=c\"],"
        "                \"cwd\": \"/work\","
        "                \"user\": { \"uid\": 1000, \"gid\": 100, \"additionalGids\": [10, 20] },"
        "                \"noNewPrivileges\": true },"
        "  \"root\": { \"path\": \"/tmp/rootfs\", \"readonly\": true },"
        "  \"hostname\": \"abc123\","
        "  \"mounts\": [ { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },"
        "              { \"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv\","
        "                \"options\": [\"rbind\", \"ro\", \"nosuid\"] },"
        "              { \"destination\": \"/tmp\", \"type\": \"tmpfs\", \"source\": \"tmpfs\","
        "                \"options\": [\"nodev\", \"mode=1777\", \"size=1m\"] } ],"
        "  \"linux\": { \"namespaces\": [ { \"type\": \"pid\" }, { \"type\": \"mount\" },"
        "               { \"type\": \"uts\" }, { \"type\": \"ipc\" },"
        "               { \"type\": \"network\", \"path\": \"/run/netns/x\" } ],"
        "              \"maskedPaths\": [\"/proc/kcore\"] },"
        "  \"unknown\": { \"ignored\": 1 } }";

static void test_valid(void **state) {
        _cleanup_(exec_spec_done) ExecSpec s = {};
        _cleanup_(freep) char *error = NULL;

        assert_int_equal(exec_spec_parse(valid_spec, &s, &error), 0);
        assert_null(error);
        assert_string_equal(s.oci_version, "1.0.2");
        assert_int_equal(strv_length(s.args), 2);
        assert_string_equal(s.args[1], "hello");
        assert_string_equal(s.env[1], "A=b=c");
        assert_string_equal(s.cwd, "/work");
        assert_int_equal(s.uid, 1000);
        assert_int_equal(s.gid, 100);
        assert_int_equal(s.n_additional_gids, 2);
        assert_int_equal(s.additional_gids[1], 20);
        assert_true(s.no_new_privs);
        assert_false(s.terminal);
        assert_string_equal(s.root_path, "/tmp/rootfs");
        assert_true(s.root_readonly);
        assert_string_equal(s.hostname, "abc123");

        assert_true(s.ns[NAMESPACE_PID] && s.ns[NAMESPACE_MOUNT] && s.ns[NAMESPACE_UTS] && s.ns[NAMESPACE_IPC]);
        assert_false(s.ns[NAMESPACE_CGROUP]);
        assert_null(s.ns_path[NAMESPACE_PID]);
        assert_true(s.ns[NAMESPACE_NETWORK]);
        assert_string_equal(s.ns_path[NAMESPACE_NETWORK], "/run/netns/x");

        assert_int_equal(s.n_mounts, 3);
        assert_string_equal(s.mounts[1].destination, "/data");
        assert_int_equal(s.mounts[1].flags, MS_BIND | MS_REC | MS_RDONLY | MS_NOSUID);
        assert_null(s.mounts[1].data);
        assert_int_equal(s.mounts[2].flags, MS_NODEV);
        assert_string_equal(s.mounts[2].data, "mode=1777,size=1m");

        /* no capabilities in the spec: docker's default set */
        assert_int_equal(s.caps[CAP_SET_BOUNDING], exec_default_caps);
        assert_int_equal(s.caps[CAP_SET_EFFECTIVE], exec_default_caps);
        assert_int_equal(s.caps[CAP_SET_AMBIENT], 0);
        /* given masked paths replace the defaults; absent readonly ones default */
        assert_int_equal(strv_length(s.masked_paths), 1);
        assert_true(strv_contains(s.readonly_paths, "/proc/sys"));
}

static void test_defaults_and_caps(void **state) {
        _cleanup_(exec_spec_done) ExecSpec s = {};

        assert_int_equal(exec_spec_parse(
                "{\"process\":{\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NET_ADMIN\"],"
                "\"effective\":[\"CAP_KILL\"]}},\"root\":{\"path\":\"/r\"}}", &s, NULL), 0);
        assert_string_equal(s.cwd, "/");
        assert_int_equal(s.uid, 0);
        assert_null(s.hostname);
        assert_null(s.env);
        assert_false(s.ns[NAMESPACE_PID]);
        assert_int_equal(s.caps[CAP_SET_BOUNDING], (UINT64_C(1) << 5) | (UINT64_C(1) << 12));
        assert_int_equal(s.caps[CAP_SET_EFFECTIVE], UINT64_C(1) << 5);
        assert_int_equal(s.caps[CAP_SET_PERMITTED], 0);
        assert_int_equal(cap_name_to_number("CAP_SYS_ADMIN"), 21);
        assert_int_equal(cap_name_to_number("sys_admin"), 21);
        assert_int_equal(cap_name_to_number("CAP_NOPE"), -EINVAL);
}

static void expect_error(const char *json, int error, const char *needle) {
        ExecSpec s = {};
        _cleanup_(freep) char *reason = NULL;

        assert_int_equal(exec_spec_parse(json, &s, &reason), error);
        assert_non_null(reason);
        if (!strstr(reason, needle))
                fail_msg("\"%s\" does not mention \"%s\"", reason, needle);
        assert_null(s.args);
}

static void test_errors(void **state) {
        expect_error("{", -EINVAL, "not valid JSON");
        expect_error("[]", -EINVAL, "expected a JSON object");
        expect_error("{\"root\":{\"path\":\"/r\"}}", -EINVAL, "process: missing");
        expect_error("{\"process\":{},\"root\":{\"path\":\"/r\"}}", -EINVAL, "process.args");
        expect_error("{\"process\":{\"args\":[]},\"root\":{\"path\":\"/r\"}}", -EINVAL, "process.args");
        expect_error("{\"process\":{\"args\":[\"\"]},\"root\":{\"path\":\"/r\"}}", -EINVAL, "process.args");
        expect_error("{\"process\":{\"args\":\"sh\"},\"root\":{\"path\":\"/r\"}}", -EINVAL, "process.args");
        expect_error("{\"process\":{\"args\":[1]},\"root\":{\"path\":\"/r\"}}", -EINVAL, "process.args");
        expect_error("{\"process\":{\"args\":[\"a\\u0000b\"]},\"root\":{\"path\":\"/r\"}}", -EINVAL, "NUL");
        expect_error("{\"process\":{\"args\":[\"sh\"],\"env\":[\"NOEQUALS\"]},\"root\":{\"path\":\"/r\"}}",
                     -EINVAL, "process.env");
        expect_error("{\"process\":{\"args\":[\"sh\"],\"cwd\":\"rel\"},\"root\":{\"path\":\"/r\"}}",
                     -EINVAL, "process.cwd");
        expect_error("{\"process\":{\"args\":[\"sh\"],\"cwd\":5},\"root\":{\"path\":\"/r\"}}",
                     -EINVAL, "process.cwd");
        expect_error("{\"process\":{\"args\":[\"sh\"],\"terminal\":\"yes\"},\"root\":{\"path\":\"/r\"}}",
                     -EINVAL, "process.terminal");
        expect_error("{\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":-1}},\"root\":{\"path\":\"/r\"}}",
                     -ERANGE, "process.user.uid");
        expect_error("{\"process\":{\"args\":[\"sh\"],\"user\":{\"uid\":\"0\"}},\"root\":{\"path\":\"/r\"}}",
                     -EINVAL, "process.user.uid");
        expect_error("{\"process\":{\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_NOPE\"]}},"
                     "\"root\":{\"path\":\"/r\"}}", -EINVAL, "unknown capability");
        expect_error("{\"process\":{\"args\":[\"sh\"]}}", -EINVAL, "root.path");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":\"/r\"}", -EINVAL, "root");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},\"hostname\":\"h\"}",
                     -EINVAL, "uts");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
                     "\"mounts\":[{\"destination\":\"rel\",\"type\":\"tmpfs\"}]}", -EINVAL, "destination");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
                     "\"mounts\":[{\"destination\":\"/x\",\"type\":\"bind\",\"source\":\"rel\"}]}", -EINVAL, "source");
}

static void test_namespaces(void **state) {
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
                     "\"linux\":{\"namespaces\":[{\"type\":\"user\"}]}}", -EOPNOTSUPP, "\"user\" not supported");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
                     "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"pid\"}]}}", -EINVAL, "twice");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
                     "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"netns\"}]}}", -EINVAL, "absolute");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
                     "\"linux\":{\"namespaces\":[{\"path\":\"/x\"}]}}", -EINVAL, "type missing");
        expect_error("{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},"
                     "\"linux\":{\"namespaces\":{}}}", -EINVAL, "linux.namespaces");

        _cleanup_(exec_spec_done) ExecSpec s = {};
        assert_int_equal(exec_spec_parse(
                "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},\"linux\":{\"namespaces\":["
                "{\"type\":\"cgroup\"},{\"type\":\"ipc\",\"path\":\"/proc/1/ns/ipc\"}]}}", &s, NULL), 0);
        assert_true(s.ns[NAMESPACE_CGROUP]);
        assert_null(s.ns_path[NAMESPACE_CGROUP]);
        assert_string_equal(s.ns_path[NAMESPACE_IPC], "/proc/1/ns/ipc");
        assert_false(s.ns[NAMESPACE_NETWORK]);
        assert_int_equal(namespace_type_from_string("network"), NAMESPACE_NETWORK);
        assert_int_equal(namespace_type_from_string("net"), _NAMESPACE_TYPE_INVALID);
}

static void test_wire_roundtrip(void **state) {
        _cleanup_(exec_spec_done) ExecSpec a = {}, b = {};
        _cleanup_(freep) char *buf = NULL;
        size_t size;

        assert_int_equal(exec_spec_parse(valid_spec, &a, NULL), 0);
        assert_int_equal(exec_spec_serialize(&a, &buf, &size), 0);
        assert_int_equal(exec_spec_deserialize(buf, size, &b), 0);

        assert_int_equal(strv_length(b.args), 2);
        assert_string_equal(b.args[0], "echo");
        assert_string_equal(b.env[0], "PATH=/bin");
        assert_string_equal(b.cwd, "/work");
        assert_int_equal(b.uid, 1000);
        assert_int_equal(b.gid, 100);
        assert_int_equal(b.n_additional_gids, 2);
        assert_int_equal(b.additional_gids[0], 10);
        assert_true(b.no_new_privs);
        assert_string_equal(b.root_path, "/tmp/rootfs");
        assert_true(b.root_readonly);
        assert_string_equal(b.hostname, "abc123");
        for (NamespaceType t = 0; t < _NAMESPACE_TYPE_MAX; t++) {
                assert_int_equal(a.ns[t], b.ns[t]);
                assert_true(streq_ptr(a.ns_path[t], b.ns_path[t]));
        }
        for (CapSet c = 0; c < _CAP_SET_MAX; c++)
                assert_int_equal(a.caps[c], b.caps[c]);
        assert_int_equal(b.n_mounts, 3);
        for (size_t i = 0; i < 3; i++) {
                assert_string_equal(a.mounts[i].destination, b.mounts[i].destination);
                assert_true(streq_ptr(a.mounts[i].type, b.mounts[i].type));
                assert_true(streq_ptr(a.mounts[i].source, b.mounts[i].source));
                assert_true(streq_ptr(a.mounts[i].data, b.mounts[i].data));
                assert_int_equal(a.mounts[i].flags, b.mounts[i].flags);
        }
        assert_int_equal(strv_length(b.masked_paths), strv_length(a.masked_paths));
        assert_int_equal(strv_length(b.readonly_paths), strv_length(a.readonly_paths));

        /* malformed input is refused */
        ExecSpec c = {};
        assert_int_equal(exec_spec_deserialize("ash", 3, &c), -EBADMSG);            /* no NUL */
        /* no root: an Exec'd process; the monitor checks root.path for Run itself */
        assert_int_equal(exec_spec_deserialize("ash\0", 4, &c), 0);
        exec_spec_done(&c);
        assert_int_equal(exec_spec_deserialize("ash\0r/\0?x\0", 10, &c), -EBADMSG); /* unknown tag */
        assert_int_equal(exec_spec_deserialize("ash\0r/\0uxyz\0", 12, &c), -EINVAL);
        assert_int_equal(exec_spec_deserialize("ash\0r/\0tproc\0", 13, &c), -EINVAL); /* type before mount */
        assert_int_equal(exec_spec_deserialize("ash\0r/\0", 7, &c), 0);
        assert_string_equal(c.args[0], "sh");
        exec_spec_done(&c);
}

static void test_devices(void **state) {
        _cleanup_(exec_spec_done) ExecSpec a = {}, b = {};
        _cleanup_(freep) char *buf = NULL;
        size_t size;

        assert_int_equal(exec_spec_parse(
                "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},\"linux\":{\"devices\":["
                "{\"path\":\"/dev/kmsg\",\"type\":\"c\",\"major\":1,\"minor\":11,\"fileMode\":420,\"uid\":0,\"gid\":0},"
                "{\"path\":\"/dev/a:b/loop0\",\"type\":\"b\",\"major\":7,\"minor\":0,\"uid\":5,\"gid\":6},"
                "{\"path\":\"/dev/fifo\",\"type\":\"p\"}]}}", &a, NULL), 0);
        assert_int_equal(a.n_devices, 3);
        assert_string_equal(a.devices[0].path, "/dev/kmsg");
        assert_int_equal(a.devices[0].type, 'c');
        assert_int_equal(a.devices[0].minor, 11);
        assert_int_equal(a.devices[0].mode, 0644);
        assert_int_equal(a.devices[1].mode, 0666); /* runc's default */
        assert_int_equal(a.devices[2].type, 'p');

        assert_int_equal(exec_spec_serialize(&a, &buf, &size), 0);
        assert_int_equal(exec_spec_deserialize(buf, size, &b), 0);
        assert_int_equal(b.n_devices, 3);
        for (size_t i = 0; i < 3; i++) {
                assert_string_equal(a.devices[i].path, b.devices[i].path);
                assert_int_equal(a.devices[i].type, b.devices[i].type);
                assert_int_equal(a.devices[i].major, b.devices[i].major);
                assert_int_equal(a.devices[i].minor, b.devices[i].minor);
                assert_int_equal(a.devices[i].mode, b.devices[i].mode);
                assert_int_equal(a.devices[i].uid, b.devices[i].uid);
                assert_int_equal(a.devices[i].gid, b.devices[i].gid);
        }

#define DEV(x) "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/r\"},\"linux\":{\"devices\":" x "}}"
        expect_error(DEV("{}"), -EINVAL, "linux.devices");
        expect_error(DEV("[{\"type\":\"c\",\"major\":1,\"minor\":3}]"), -EINVAL, "path");
        expect_error(DEV("[{\"path\":\"dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3}]"), -EINVAL, "path");
        expect_error(DEV("[{\"path\":\"/dev/../etc/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]"), -EINVAL, "path");
        expect_error(DEV("[{\"path\":\"/dev/x\",\"type\":\"s\",\"major\":1,\"minor\":3}]"), -EINVAL, "type");
        expect_error(DEV("[{\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":3}]"), -EINVAL, "major");
        expect_error(DEV("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":-1,\"minor\":3}]"), -ERANGE, "major");
        expect_error(DEV("[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":70000}]"),
                     -ERANGE, "fileMode");
#undef DEV
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid),
                cmocka_unit_test(test_defaults_and_caps),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_namespaces),
                cmocka_unit_test(test_wire_roundtrip),
                cmocka_unit_test(test_devices),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
