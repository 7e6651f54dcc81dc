/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "container.h"
#include "host-config.h"
#include "macro.h"
#include "mounts.h"
#include "spec-host.h"
#include "spec.h"

#define ALL_CAPS UINT64_C(0x1fffeffffff)   /* a host without CAP_SYS_RESOURCE */
#define ID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char **strv_of(const char *const *l) {
        char **r = calloc(1, sizeof(char *));
        for (; *l; l++)
                strv_extend(&r, *l);
        return r;
}

/* dotted path into a JSON object; array indices as numbers */
static json_object *get(json_object *o, const char *path) {
        _cleanup_(freep) char *p = strdup(path);
        char *save = NULL;

        for (char *k = strtok_r(p, ".", &save); k && o; k = strtok_r(NULL, ".", &save)) {
                if (json_object_is_type(o, json_type_array))
                        o = json_object_array_get_idx(o, (size_t) atoi(k));
                else if (!json_object_object_get_ex(o, k, &o))
                        return NULL;
        }
        return o;
}

static const char *annotation(json_object *spec, const char *key) {
        json_object *v;

        if (!json_object_object_get_ex(get(spec, "annotations"), key, &v))
                return NULL;
        return json_object_get_string(v);
}

static bool has(json_object *array, const char *s) {
        for (size_t i = 0; array && i < json_object_array_length(array); i++)
                if (streq(json_object_get_string(json_object_array_get_idx(array, i)), s))
                        return true;
        return false;
}

static int check(HostConfig *h, char **error) {
        return host_config_check(h, false, 2, error);
}

static void test_caps_tweak(void **state) {
        _cleanup_(strv_freep) char **d = NULL, **a = NULL, **b = NULL, **c = NULL, **p = NULL;
        HostConfig h = {};

        d = spec_capabilities(NULL, ALL_CAPS);
        assert_int_equal(strv_length(d), 14);
        assert_true(strv_contains(d, "CAP_CHOWN"));
        assert_false(strv_contains(d, "CAP_NET_ADMIN"));

        h.cap_add = strv_of((const char *[]) { "CAP_NET_ADMIN", NULL });
        h.cap_drop = strv_of((const char *[]) { "CAP_CHOWN", NULL });
        a = spec_capabilities(&h, ALL_CAPS);
        assert_int_equal(strv_length(a), 14);
        assert_true(strv_contains(a, "CAP_NET_ADMIN"));
        assert_false(strv_contains(a, "CAP_CHOWN"));
        host_config_done(&h);

        h.cap_drop = strv_of((const char *[]) { "ALL", NULL });
        h.cap_add = strv_of((const char *[]) { "CAP_KILL", NULL });
        b = spec_capabilities(&h, ALL_CAPS);
        assert_int_equal(strv_length(b), 1);
        assert_string_equal(b[0], "CAP_KILL");
        host_config_done(&h);

        h.cap_add = strv_of((const char *[]) { "ALL", NULL });
        h.cap_drop = strv_of((const char *[]) { "CAP_MKNOD", NULL });
        c = spec_capabilities(&h, ALL_CAPS);
        assert_int_equal(strv_length(c), 39);      /* 41 known - SYS_RESOURCE (not on host) - MKNOD */
        assert_false(strv_contains(c, "CAP_SYS_RESOURCE"));
        assert_false(strv_contains(c, "CAP_MKNOD"));
        host_config_done(&h);

        h.privileged = true;
        p = spec_capabilities(&h, ALL_CAPS);
        assert_int_equal(strv_length(p), 40);
        assert_true(strv_contains(p, "CAP_SYS_ADMIN"));
}

static void test_check_normalizes_and_refuses(void **state) {
        HostConfig h = {};
        _cleanup_(freep) char *e = NULL;

        h.cap_add = strv_of((const char *[]) { "net_admin", "all", "CAP_SYS_TIME", NULL });
        assert_int_equal(check(&h, &e), 0);
        assert_string_equal(h.cap_add[0], "CAP_NET_ADMIN");
        assert_string_equal(h.cap_add[1], "ALL");
        assert_string_equal(h.restart_name, "no");
        assert_string_equal(h.log_type, "json-file");
        assert_string_equal(h.runtime, "wharf");
        host_config_done(&h);

#define REFUSED(setup, message)                                                 \
        do {                                                                    \
                HostConfig _h = {};                                             \
                _cleanup_(freep) char *_e = NULL;                               \
                setup;                                                          \
                assert_int_equal(check(&_h, &_e), -EINVAL);                     \
                assert_string_equal(_e, message);                               \
                host_config_done(&_h);                                          \
        } while (0)

        REFUSED(_h.cap_drop = strv_of((const char *[]) { "foo", NULL }), "invalid CapDrop: unknown capability: \"CAP_FOO\"");
        REFUSED(_h.memory = 1024, "Minimum memory limit allowed is 6MB");
        REFUSED(_h.memory_swap = 100 << 20,
                "You should always set the Memory limit when using Memoryswap limit, see usage");
        REFUSED((_h.memory = 100 << 20, _h.memory_swap = 50 << 20),
                "Minimum memoryswap limit should be larger than memory limit, see usage");
        REFUSED(_h.nano_cpus = 3000000000, "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
        REFUSED(_h.nano_cpus = 1000, "Range of CPUs is from 0.01 to 2.00, as there are only 2 CPUs available");
        REFUSED(_h.cpuset_cpus = strdup("0-x"), "Invalid value 0-x for cpuset cpus");
        REFUSED(_h.cpuset_cpus = strdup("3"), "Requested CPUs are not available - requested 3, available: 0-1");
        REFUSED(_h.stop_signal = strdup("SIGFOO"), "Invalid signal: SIGFOO");
        REFUSED(_h.restart_name = strdup("sometimes"),
                "invalid restart policy: unknown policy 'sometimes'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'");
        REFUSED((_h.restart_name = strdup("always"), _h.restart_max = 2),
                "invalid restart policy: maximum retry count can only be used with 'on-failure'");
        REFUSED((_h.restart_name = strdup("on-failure"), _h.restart_max = -1),
                "invalid restart policy: maximum retry count cannot be negative");
        REFUSED(_h.security_opt = strv_of((const char *[]) { "bogus=1", NULL }), "invalid --security-opt 2: \"bogus=1\"");
        REFUSED(_h.security_opt = strv_of((const char *[]) { "seccomp=[1]", NULL }),
                "Decoding seccomp profile failed: not a JSON object");
        REFUSED(_h.log_config = strv_of((const char *[]) { "max-file", "0", NULL }), "max-file cannot be less than 1");
        REFUSED(_h.log_config = strv_of((const char *[]) { "max-size", "1q", NULL }), "invalid size: '1q'");
        REFUSED(_h.log_type = strdup("syslog"), "logger: no log driver named 'syslog' is registered");
        REFUSED(_h.runtime = strdup("kata"), "unknown or invalid runtime name: kata");

        /* docker: swap defaults to twice the memory; AutoRemove excludes a restart policy */
        h.memory = 10 << 20;
        assert_int_equal(check(&h, &e), 0);
        assert_int_equal(h.memory_swap, 20 << 20);
        host_config_done(&h);
        h.restart_name = strdup("always");
        free(e);
        e = NULL;
        assert_int_equal(host_config_check(&h, true, 2, &e), -EINVAL);
        assert_string_equal(e, "can't create 'AutoRemove' container with restart policy");
        host_config_done(&h);
}

static void test_json_round_trip(void **state) {
        _cleanup_(container_freep) Container *c = calloc(1, sizeof(Container)), *d = NULL;
        _cleanup_(freep) char *json = NULL, *json2 = NULL;
        _cleanup_(freep) char *e = NULL;

        strcpy(c->id, ID);
        c->name = strdup("rec");
        c->image = strdup("busybox");
        c->image_id = strdup("sha256:00");
        c->config.entrypoint = strv_of((const char *[]) { NULL });
        c->config.cmd = strv_of((const char *[]) { "true", NULL });
        c->config.env = strv_of((const char *[]) { NULL });
        c->host.labels = strv_of((const char *[]) { "a", "b", "c", "", NULL });
        c->host.stop_signal = strdup("SIGUSR1");
        c->host.stop_timeout = 7;
        c->host.stop_timeout_set = true;
        c->host.memory = 64 << 20;
        c->host.nano_cpus = 500000000;
        c->host.pids_limit = 50;
        c->host.cap_add = strv_of((const char *[]) { "CAP_NET_ADMIN", NULL });
        c->host.ulimits = calloc(1, sizeof(Ulimit));
        strcpy(c->host.ulimits[0].name, "nofile");
        c->host.ulimits[0].soft = 1;
        c->host.ulimits[0].hard = 2;
        c->host.n_ulimits = 1;
        c->host.restart_name = strdup("on-failure");
        c->host.restart_max = 3;
        c->host.log_config = strv_of((const char *[]) { "max-size", "1k", NULL });
        c->host.init = true;
        c->host.open_stdin = true;
        c->host.binds = strv_of((const char *[]) { "/h:/c:ro", NULL });
        c->host.tmpfs = strv_of((const char *[]) { "/t:size=1m", "/u", NULL });
        c->rootfs = strdup("/r/merged");

        assert_int_equal(container_to_json(c, &json), 0);
        assert_int_equal(container_from_json(json, &d), 0);
        assert_int_equal(container_to_json(d, &json2), 0);
        assert_string_equal(json, json2);
        assert_string_equal(kv_get(d->host.labels, "a"), "b");
        assert_string_equal(kv_get(d->host.labels, "c"), "");
        assert_int_equal(d->host.stop_timeout, 7);
        assert_true(d->host.stop_timeout_set);
        assert_int_equal(d->host.ulimits[0].hard, 2);
        assert_string_equal(d->host.restart_name, "on-failure");
        assert_int_equal(d->host.restart_max, 3);
        assert_string_equal(d->rootfs, "/r/merged");
        assert_true(d->host.init);
        assert_true(d->host.open_stdin);
        assert_string_equal(d->host.binds[0], "/h:/c:ro");
        assert_int_equal(strv_length(d->host.tmpfs), 2);
        assert_true(strv_contains(d->host.tmpfs, "/t:size=1m") && strv_contains(d->host.tmpfs, "/u"));
}

/* -v and --tmpfs: docker's checks, and the spec mounts they become */
static void test_mounts(void **state) {
        _cleanup_(freep) char *e = NULL;
        json_object *spec = json_object_new_object(), *mounts, *m, *v;
        char *ok_binds[] = { (char *) "/tmp:/a", (char *) "/tmp:/b:ro,rshared,z", NULL };
        char *ok_tmpfs[] = { (char *) "/c:size=1m,mode=1777", NULL };
        struct { char *bind, *tmpfs; const char *error; } bad[] = {
                { "vol:a", NULL, "destination must be an absolute path" },
                { "/tmp:a", NULL, "destination must be an absolute path" },
                { "/tmp:/", NULL, "destination can't be '/'" },
                { ":/a", NULL, "invalid volume specification" },
                { "vol:/a:rx", NULL, "invalid mode: rx" },
                { "vol:/a", "/a", "Duplicate mount point: /a" },
                { "/tmp:/a:rx", NULL, "invalid mode: rx" },
                { "/tmp:/a", "/a", "Duplicate mount point: /a" },
                { NULL, "rel", "invalid tmpfs mount" },
        };

        assert_int_equal(mounts_check(ok_binds, ok_tmpfs, &e), 0);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                char *b[] = { bad[i].bind, NULL }, *t[] = { bad[i].tmpfs, NULL };
                free(e);
                e = NULL;
                assert_int_equal(mounts_check(bad[i].bind ? b : NULL, bad[i].tmpfs ? t : NULL, &e), -EINVAL);
                assert_non_null(strstr(e, bad[i].error));
        }

        assert_int_equal(mounts_spec_add(spec, ok_binds, ok_tmpfs, &e), 0);
        assert_true(json_object_object_get_ex(spec, "mounts", &mounts));
        assert_int_equal(json_object_array_length(mounts), 3);
        m = json_object_array_get_idx(mounts, 1);
        assert_true(json_object_object_get_ex(m, "options", &v));
        assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), "[\"rbind\",\"rshared\",\"ro\"]");
        m = json_object_array_get_idx(mounts, 2);
        assert_true(json_object_object_get_ex(m, "options", &v));
        assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN),
                            "[\"nosuid\",\"nodev\",\"noexec\",\"size=1m\",\"mode=1777\"]");
        json_object_put(spec);

        v = mounts_inspect_json(ok_binds);
        assert_string_equal(json_object_to_json_string_ext(json_object_array_get_idx(v, 1),
                                                           JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                            "{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Destination\":\"/b\",\"Mode\":\"ro,rshared,z\","
                            "\"RW\":false,\"Propagation\":\"rshared\"}");
        json_object_put(v);
}

/* -v NAME:PATH and -v PATH are volumes: requests for graphd, not binds;
 * the spec gets them as binds of their Source once graphd named them. */
static void test_volume_mounts(void **state) {
        char *binds[] = { (char *) "vol:/v:ro", (char *) "/anon", (char *) "/tmp:/h", (char *) "/quiet:nocopy", NULL };
        json_object *req = NULL, *spec = json_object_new_object(), *mounts, *m, *v;
        _cleanup_(freep) char *e = NULL;

        assert_int_equal(mounts_check(binds, NULL, &e), 0);
        assert_int_equal(mounts_volume_requests(binds, &req), 0);
        assert_string_equal(json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE),
                            "[{\"Type\":\"volume\",\"Name\":\"vol\",\"Source\":\"\",\"Destination\":\"/v\","
                            "\"Driver\":\"local\",\"Mode\":\"ro\",\"RW\":false,\"Propagation\":\"\","
                            "\"Anonymous\":false,\"NoCopy\":false},"
                            "{\"Type\":\"volume\",\"Name\":\"\",\"Source\":\"\",\"Destination\":\"/anon\","
                            "\"Driver\":\"local\",\"Mode\":\"z\",\"RW\":true,\"Propagation\":\"\","
                            "\"Anonymous\":true,\"NoCopy\":false},"
                            "{\"Type\":\"volume\",\"Name\":\"\",\"Source\":\"\",\"Destination\":\"/quiet\","
                            "\"Driver\":\"local\",\"Mode\":\"nocopy\",\"RW\":true,\"Propagation\":\"\","
                            "\"Anonymous\":true,\"NoCopy\":true}]");
        /* only the host path is a bind */
        assert_int_equal(mounts_spec_add(spec, binds, NULL, &e), 0);
        assert_true(json_object_object_get_ex(spec, "mounts", &mounts));
        assert_int_equal(json_object_array_length(mounts), 1);
        /* a volume without a Source (not made yet) is no mount */
        json_object_object_add(json_object_array_get_idx(req, 0), "Source", json_object_new_string("/vols/vol/_data"));
        mounts_spec_add_volumes(spec, req);
        assert_int_equal(json_object_array_length(mounts), 2);
        m = json_object_array_get_idx(mounts, 1);
        assert_true(json_object_object_get_ex(m, "source", &v));
        assert_string_equal(json_object_get_string(v), "/vols/vol/_data");
        assert_true(json_object_object_get_ex(m, "options", &v));
        assert_string_equal(json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN), "[\"rbind\",\"rprivate\",\"ro\"]");
        json_object_put(spec);
        json_object_put(req);
}

/* --mount entries as the -v and --tmpfs text they mean; docker's errors */
static void test_mounts_expand(void **state) {
        const char *json = "[{\"Type\":\"bind\",\"Source\":\"/tmp\",\"Target\":\"/b\",\"ReadOnly\":true,"
                           "\"BindOptions\":{\"Propagation\":\"rslave\"}},"
                           "{\"Type\":\"volume\",\"Source\":\"v\",\"Target\":\"/v\"},"
                           "{\"Type\":\"volume\",\"Target\":\"/anon\",\"VolumeOptions\":{\"NoCopy\":true}},"
                           "{\"Type\":\"tmpfs\",\"Target\":\"/t\",\"TmpfsOptions\":{\"SizeBytes\":1024,\"Mode\":448}}]";
        static const struct { const char *json, *error; } bad[] = {
                { "[{\"Type\":\"bind\",\"Target\":\"/b\"}]", "field Source must not be empty" },
                { "[{\"Type\":\"bind\",\"Source\":\"/nonexistent/wharf\",\"Target\":\"/b\"}]",
                  "bind source path does not exist: /nonexistent/wharf" },
                { "[{\"Type\":\"bind\",\"Source\":\"rel\",\"Target\":\"/b\"}]", "mount path must be absolute" },
                { "[{\"Type\":\"tmpfs\",\"Source\":\"x\",\"Target\":\"/t\"}]", "field Source must not be specified" },
                { "[{\"Type\":\"npipe\",\"Target\":\"/t\"}]", "mount type unknown" },
                { "[{\"Type\":\"volume\"}]", "field Target must not be empty" },
                { "{}", "not a JSON array" },
        };
        char **binds = NULL, **tmpfs = NULL, *e = NULL;

        assert_int_equal(mounts_expand(json, true, &binds, &tmpfs, &e), 0);
        assert_string_equal(binds[0], "/tmp:/b:ro,rslave");
        assert_string_equal(binds[1], "v:/v");
        assert_string_equal(binds[2], "/anon:nocopy");
        assert_null(binds[3]);
        assert_string_equal(tmpfs[0], "/t:size=1024,mode=700");
        assert_int_equal(mounts_check(binds, tmpfs, &e), 0);
        strv_free(binds);
        strv_free(tmpfs);
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                binds = tmpfs = NULL;
                assert_int_equal(mounts_expand(bad[i].json, true, &binds, &tmpfs, &e), -EINVAL);
                assert_non_null(strstr(e, bad[i].error));
                free(e);
                e = NULL;
                strv_free(binds);
                strv_free(tmpfs);
        }
        /* from a stored record, a missing source is no error (checked at create) */
        assert_int_equal(mounts_expand(bad[1].json, false, &binds, &tmpfs, &e), 0);
        strv_free(binds);
}

/* the image's VOLUME paths, less what -v or --tmpfs mount there */
static void test_image_volumes(void **state) {
        const char *config = "{\"config\":{\"Volumes\":{\"/data\":{},\"/taken\":{},\"/t\":{},\"rel\":{}}}}";
        char *binds[] = { (char *) "x:/taken", NULL }, *tmpfs[] = { (char *) "/t:size=1m", NULL };
        char **l = NULL;

        assert_int_equal(mounts_image_volumes(config, binds, tmpfs, &l), 0);
        assert_non_null(l);
        assert_string_equal(l[0], "/data");
        assert_null(l[1]);
        strv_free(l);
        assert_int_equal(mounts_image_volumes("{\"config\":{}}", NULL, NULL, &l), 0);
        assert_null(l);
}

static json_object *build(const HostConfig *h, uint32_t uid, char **error) {
        _cleanup_(container_config_done) ContainerConfig c = {};
        _cleanup_(freep) char *spec = NULL;
        char *cmd[] = { "echo", "hi", NULL };
        ContainerOptions o = {};
        UserInfo user = { .uid = uid, .gid = uid, .home = (char *) "/" };

        assert_int_equal(container_config_merge("{\"config\":{\"Cmd\":[\"sh\"]}}", cmd, &o, &c, NULL), 0);
        if (spec_build(&(SpecInput) { .id = ID, .config = &c, .rootfs = "/r", .netns = "/n", .user = &user,
                                      .host = h, .host_caps = ALL_CAPS, .log_path = "/l/x-json.log",
                                      .init_path = "/usr/libexec/wharf/wharf-init" }, &spec, error) < 0)
                return NULL;
        return json_tokener_parse(spec);
}

static void test_spec_host(void **state) {
        HostConfig h = {};
        _cleanup_(freep) char *e = NULL;
        json_object *j;

        h.memory = 64 << 20;
        h.nano_cpus = 1500000000;
        h.cpu_shares = 512;
        h.cpuset_cpus = strdup("0");
        h.pids_limit = 50;
        h.readonly_rootfs = true;
        h.init = true;
        h.security_opt = strv_of((const char *[]) { "no-new-privileges", "seccomp=unconfined", NULL });
        h.log_config = strv_of((const char *[]) { "max-size", "1k", "max-file", "3", NULL });
        h.ulimits = calloc(1, sizeof(Ulimit));
        strcpy(h.ulimits[0].name, "nofile");
        h.ulimits[0].soft = 512;
        h.ulimits[0].hard = -1;
        h.n_ulimits = 1;
        h.open_stdin = true;
        assert_int_equal(check(&h, &e), 0);

        j = build(&h, 0, &e);
        assert_non_null(j);
        assert_int_equal(json_object_get_int64(get(j, "linux.resources.memory.limit")), 64 << 20);
        assert_int_equal(json_object_get_int64(get(j, "linux.resources.memory.swap")), 128 << 20);
        assert_int_equal(json_object_get_int64(get(j, "linux.resources.cpu.quota")), 150000);
        assert_int_equal(json_object_get_int64(get(j, "linux.resources.cpu.period")), 100000);
        assert_int_equal(json_object_get_int64(get(j, "linux.resources.cpu.shares")), 512);
        assert_string_equal(json_object_get_string(get(j, "linux.resources.cpu.cpus")), "0");
        assert_int_equal(json_object_get_int64(get(j, "linux.resources.pids.limit")), 50);
        assert_true(json_object_get_boolean(get(j, "root.readonly")));
        assert_true(json_object_get_boolean(get(j, "process.noNewPrivileges")));
        assert_null(get(j, "linux.seccomp"));
        assert_string_equal(json_object_get_string(get(j, "process.rlimits.0.type")), "RLIMIT_NOFILE");
        assert_int_equal(json_object_get_uint64(get(j, "process.rlimits.0.soft")), 512);
        assert_true(json_object_get_uint64(get(j, "process.rlimits.0.hard")) == UINT64_MAX);
        assert_string_equal(annotation(j, "org.wharf.log.path"), "/l/x-json.log");
        assert_string_equal(annotation(j, "org.wharf.log.max-size"), "1000");
        assert_string_equal(annotation(j, "org.wharf.log.max-file"), "3");
        assert_string_equal(annotation(j, "org.wharf.stdin.keep-open"), "true");
        /* --init: docker-init -- args, bound read-only */
        assert_string_equal(json_object_get_string(get(j, "process.args.0")), SPEC_INIT_PATH);
        assert_string_equal(json_object_get_string(get(j, "process.args.1")), "--");
        assert_string_equal(json_object_get_string(get(j, "process.args.2")), "echo");
        assert_string_equal(json_object_get_string(get(j, "mounts.1.destination")), SPEC_INIT_PATH);
        assert_string_equal(json_object_get_string(get(j, "mounts.1.source")), "/usr/libexec/wharf/wharf-init");
        assert_true(has(get(j, "mounts.1.options"), "ro"));
        assert_true(has(get(j, "linux.maskedPaths"), "/proc/kcore"));
        assert_true(has(get(j, "linux.readonlyPaths"), "/proc/sys"));
        assert_int_equal(json_object_array_length(get(j, "process.capabilities.effective")), 14);
        json_object_put(j);
        host_config_done(&h);

        /* privileged: host caps, no masks; a non-root user only has the bounding set */
        h.privileged = true;
        assert_int_equal(check(&h, &e), 0);
        j = build(&h, 1000, &e);
        assert_non_null(j);
        assert_int_equal(json_object_array_length(get(j, "linux.maskedPaths")), 0);
        assert_int_equal(json_object_array_length(get(j, "linux.readonlyPaths")), 0);
        assert_int_equal(json_object_array_length(get(j, "process.capabilities.bounding")), 40);
        assert_null(get(j, "process.capabilities.effective"));
        /* only the devices cgroup rule (allow all) of docker's --privileged */
        assert_int_equal(json_object_object_length(get(j, "linux.resources")), 1);
        assert_non_null(get(j, "linux.resources.devices"));
        assert_false(json_object_get_boolean(get(j, "root.readonly")));
        json_object_put(j);
        host_config_done(&h);
}

static void test_seccomp_from_docker(void **state) {
        const char *profile =
                "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
                "\"archMap\":[{\"architecture\":\"SCMP_ARCH_X86_64\",\"subArchitectures\":[\"SCMP_ARCH_X86\"]},"
                "{\"architecture\":\"SCMP_ARCH_AARCH64\",\"subArchitectures\":[\"SCMP_ARCH_ARM\"]}],"
                "\"syscalls\":[{\"names\":[\"read\",\"write\"],\"action\":\"SCMP_ACT_ALLOW\"},"
                "{\"names\":[\"mount\"],\"action\":\"SCMP_ACT_ALLOW\",\"includes\":{\"caps\":[\"CAP_SYS_ADMIN\"]}},"
                "{\"names\":[\"ptrace\"],\"action\":\"SCMP_ACT_ALLOW\",\"excludes\":{\"caps\":[\"CAP_KILL\"]}}]}";
        _cleanup_(strv_freep) char **caps = strv_of((const char *[]) { "CAP_KILL", NULL });
        _cleanup_(freep) char *e = NULL;
        json_object *o = NULL;

        assert_int_equal(spec_seccomp_from_docker(profile, caps, &o, &e), 0);
        assert_string_equal(json_object_get_string(get(o, "defaultAction")), "SCMP_ACT_ERRNO");
        assert_int_equal(json_object_get_int(get(o, "defaultErrnoRet")), 1);
#if defined(__x86_64__)
        assert_string_equal(json_object_get_string(get(o, "architectures.0")), "SCMP_ARCH_X86_64");
        assert_string_equal(json_object_get_string(get(o, "architectures.1")), "SCMP_ARCH_X86");
        assert_int_equal(json_object_array_length(get(o, "architectures")), 2);
#endif
        /* mount needs CAP_SYS_ADMIN, ptrace is excluded with CAP_KILL */
        assert_int_equal(json_object_array_length(get(o, "syscalls")), 1);
        assert_string_equal(json_object_get_string(get(o, "syscalls.0.names.1")), "write");
        json_object_put(o);

        assert_int_equal(spec_seccomp_from_docker("{}", caps, &o, &e), -EINVAL);
        assert_string_equal(e, "Decoding seccomp profile failed: no defaultAction");
}

static void test_exec_process(void **state) {
        _cleanup_(freep) char *p = NULL;
        char *args[] = { "sh", "-c", "id", NULL };
        char *env[] = { "PATH=/bin", "A=1", NULL };
        char *extra[] = { "A=2", "B=3", NULL };
        uint32_t gids[] = { 10, 11 };
        HostConfig h = { .security_opt = (char *[]) { "no-new-privileges", NULL } };
        json_object *j;

        assert_int_equal(spec_exec_process(&(ExecProcessInput) {
                .args = args, .env = env, .extra_env = extra, .cwd = "/tmp", .uid = 5, .gid = 6,
                .gids = gids, .n_gids = 2, .tty = true, .host = &h, .host_caps = ALL_CAPS }, &p), 0);
        j = json_tokener_parse(p);
        assert_non_null(j);
        assert_string_equal(json_object_get_string(get(j, "args.2")), "id");
        assert_string_equal(json_object_get_string(get(j, "env.1")), "A=2");
        assert_string_equal(json_object_get_string(get(j, "env.2")), "B=3");
        assert_string_equal(json_object_get_string(get(j, "cwd")), "/tmp");
        assert_int_equal(json_object_get_int(get(j, "user.uid")), 5);
        assert_int_equal(json_object_get_int(get(j, "user.additionalGids.1")), 11);
        assert_true(json_object_get_boolean(get(j, "terminal")));
        assert_true(json_object_get_boolean(get(j, "noNewPrivileges")));
        assert_int_equal(json_object_array_length(get(j, "capabilities.bounding")), 14);
        json_object_put(j);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_caps_tweak),
                cmocka_unit_test(test_check_normalizes_and_refuses),
                cmocka_unit_test(test_json_round_trip),
                cmocka_unit_test(test_mounts),
                cmocka_unit_test(test_volume_mounts),
                cmocka_unit_test(test_image_volumes),
                cmocka_unit_test(test_mounts_expand),
                cmocka_unit_test(test_spec_host),
                cmocka_unit_test(test_seccomp_from_docker),
                cmocka_unit_test(test_exec_process),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
