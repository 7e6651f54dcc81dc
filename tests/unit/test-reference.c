/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "macro.h"
#include "reference.h"

static void check(const char *in, const char *normalized, const char *familiar) {
        _cleanup_(reference_done) Reference r = {};
        _cleanup_(freep) char *n = NULL, *f = NULL;

        assert_int_equal(reference_parse(in, &r), 0);
        n = reference_normalized(&r);
        assert_non_null(n);
        assert_string_equal(n, normalized);
        f = reference_familiar(n);
        assert_string_equal(f, familiar);
}

static void test_docker_rules(void **state) {
        check("busybox", "docker.io/library/busybox:latest", "busybox:latest");
        check("busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36");
        check("user/app", "docker.io/user/app:latest", "user/app:latest");
        check("docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest");
        check("index.docker.io/busybox", "docker.io/library/busybox:latest", "busybox:latest");
        check("127.0.0.1:5000/library/busybox", "127.0.0.1:5000/library/busybox:latest",
              "127.0.0.1:5000/library/busybox:latest");
        /* library/ is docker.io's alone */
        check("127.0.0.1:5000/busybox:v1", "127.0.0.1:5000/busybox:v1", "127.0.0.1:5000/busybox:v1");
        check("localhost/a/b/c", "localhost/a/b/c:latest", "localhost/a/b/c:latest");
        check("quay.io/a/b-c__d.e", "quay.io/a/b-c__d.e:latest", "quay.io/a/b-c__d.e:latest");
        check("busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "docker.io/library/busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
              "busybox@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_tag_and_digest(void **state) {
        _cleanup_(reference_done) Reference r = {};
        assert_int_equal(reference_parse("example.com:443/x:t@sha256:"
                                         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", &r), 0);
        assert_string_equal(r.registry, "example.com:443");
        assert_string_equal(r.repository, "x");
        assert_string_equal(r.tag, "t");
        assert_string_equal(reference_manifest_ref(&r),
                            "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
}

static void test_invalid(void **state) {
        static const char *bad[] = {
                "", "Busybox", "busybox:", ":tag", "busybox:-x", "a//b", "/a", "a/", "a__-b",
                "busybox@sha256:abc", "busybox@md5:0123", "-a", "a-", "host:/x",
                "127.0.0.1:port/x", "a:b:c", "UPPER.io:5000/x/Y", "a b",
        };
        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                Reference r = {};
                int q = reference_parse(bad[i], &r);
                if (q != -EINVAL)
                        fail_msg("accepted invalid reference '%s'", bad[i]);
                reference_done(&r);
        }
}

static void test_loopback(void **state) {
        assert_true(registry_is_loopback("127.0.0.1:5000"));
        assert_true(registry_is_loopback("127.1.2.3"));
        assert_true(registry_is_loopback("localhost:80"));
        assert_true(registry_is_loopback("[::1]:5000"));
        assert_false(registry_is_loopback("128.0.0.1:5000"));
        assert_false(registry_is_loopback("127.0.0.1.evil.com"));
        assert_false(registry_is_loopback("docker.io"));
        assert_false(registry_is_loopback("localhost.example.com"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_docker_rules),
                cmocka_unit_test(test_tag_and_digest),
                cmocka_unit_test(test_invalid),
                cmocka_unit_test(test_loopback),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
