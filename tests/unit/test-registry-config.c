/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* registries.conf, X-Registry-Auth credentials, resume/retry rules, base64 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base64.h"
#include "credentials.h"
#include "macro.h"
#include "registries-conf.h"
#include "registry-api.h"

static void test_conf_defaults(void **state) {
        RegistriesConf c;

        assert_int_equal(registries_conf_parse("", &c, NULL), 0);
        assert_int_equal(c.max_concurrent_downloads, 3);
        assert_int_equal(c.retries, 3);
        assert_int_equal(c.push_chunk_size, 16 * 1024 * 1024);
        assert_false(registries_conf_insecure(&c, "10.0.0.1:5000"));
        assert_null(registries_conf_mirrors(&c, "docker.io"));
        registries_conf_done(&c);

        assert_int_equal(registries_conf_load("/nonexistent/registries.conf", &c, NULL), 0);
        assert_int_equal(c.max_concurrent_downloads, 3);
        registries_conf_done(&c);
}

static void test_conf_full(void **state) {
        RegistriesConf c;
        char * const *mirrors;

        assert_int_equal(registries_conf_parse(
                "# comment\n"
                "[global]\n"
                "  max-concurrent-downloads = 7\n"
                "retries=0\n"
                "push-chunk-size = 65536\n"
                "\n"
                "[registry \"docker.io\"]\n"
                "mirror = 127.0.0.1:5001\n"
                "mirror = \"mirror.example.com\"\n"
                "; another comment\n"
                "[registry \"10.0.0.5:5000\"]\n"
                "insecure = true\n"
                "[registry \"docker.io\"]\n"
                "mirror = third.example\n", &c, NULL), 0);
        assert_int_equal(c.max_concurrent_downloads, 7);
        assert_int_equal(c.retries, 0);
        assert_int_equal(c.push_chunk_size, 65536);
        mirrors = registries_conf_mirrors(&c, "docker.io");
        assert_non_null(mirrors);
        assert_string_equal(mirrors[0], "127.0.0.1:5001");
        assert_string_equal(mirrors[1], "mirror.example.com");
        assert_string_equal(mirrors[2], "third.example");
        assert_null(mirrors[3]);
        /* index.docker.io is docker.io */
        assert_ptr_equal(registries_conf_mirrors(&c, "index.docker.io"), mirrors);
        assert_true(registries_conf_insecure(&c, "10.0.0.5:5000"));
        assert_false(registries_conf_insecure(&c, "10.0.0.5:5001"));
        assert_false(registries_conf_insecure(&c, "docker.io"));
        registries_conf_done(&c);
}

static void check_bad(const char *text, const char *want) {
        _cleanup_(freep) char *error = NULL;
        RegistriesConf c;

        assert_int_equal(registries_conf_parse(text, &c, &error), -EINVAL);
        assert_non_null(error);
        if (!strstr(error, want))
                fail_msg("error \"%s\" lacks \"%s\"", error, want);
        registries_conf_done(&c);
}

static void test_conf_errors(void **state) {
        check_bad("[global]\nmax-concurrent-downloads = 0\n", "line 2: max-concurrent-downloads must be 1..64");
        check_bad("[global]\nmax-concurrent-downloads = 65\n", "1..64");
        check_bad("[global]\nmax-concurrent-downloads = 3x\n", "1..64");
        check_bad("[global]\nretries = -1\n", "retries");
        check_bad("[global]\nfoo = 1\n", "unknown key \"foo\" in [global]");
        check_bad("mirror = x\n", "line 1: \"mirror\" outside of a section");
        check_bad("[registries]\n", "unknown section [registries]");
        check_bad("[registry docker.io]\n", "must be quoted");
        check_bad("[registry \"bad/name\"]\n", "invalid registry name");
        check_bad("[registry \"a.io\"]\nmirror = http://x/y\n", "invalid mirror");
        check_bad("[registry \"a.io\"]\ninsecure = maybe\n", "insecure must be true or false");
        check_bad("[registry \"a.io\"]\nmirrors = x\n", "unknown key \"mirrors\"");
        check_bad("[global\n", "unterminated");
        check_bad("[global]\njust words\n", "expected key = value");
        check_bad("[global]\npush-chunk-size = 10\n", "push-chunk-size");
}

static char *b64url(const char *s) {
        return base64url_encode(s, strlen(s));
}

static void test_credentials(void **state) {
        _cleanup_(credentials_done) Credentials c = {}, d = {}, e = {}, f = {};
        _cleanup_(freep) char *v1 = NULL, *v2 = NULL, *v3 = NULL, *v4 = NULL, *v5 = NULL, *h = NULL, *up = NULL;

        assert_int_equal(credentials_parse_registry_auth("", &c), 0);
        assert_false(credentials_present(&c));
        assert_string_equal(credentials_key(&c), "");
        assert_null(credentials_basic_header(&c));

        v1 = b64url("{\"username\":\"alice\",\"password\":\"s3:cr/et?\",\"serveraddress\":\"r:5000\"}");
        assert_int_equal(credentials_parse_registry_auth(v1, &d), 0);
        assert_true(credentials_present(&d));
        assert_string_equal(d.username, "alice");
        assert_string_equal(d.password, "s3:cr/et?");
        assert_string_equal(credentials_key(&d), "alice");
        h = credentials_basic_header(&d);
        assert_string_equal(h, "Basic YWxpY2U6czM6Y3IvZXQ/");

        /* config.json's "auth" form */
        v2 = b64url("{\"auth\":\"Ym9iOnB3\"}");
        assert_int_equal(credentials_parse_registry_auth(v2, &e), 0);
        assert_string_equal(e.username, "bob");
        assert_string_equal(e.password, "pw");

        v3 = b64url("{\"identitytoken\":\"tok\"}");
        assert_int_equal(credentials_parse_registry_auth(v3, &f), 0);
        assert_true(credentials_present(&f));
        assert_string_equal(credentials_key(&f), "<token>");

        Credentials g = {};
        assert_int_equal(credentials_parse_registry_auth("not base64!", &g), -EINVAL);
        v4 = b64url("[1,2]");
        assert_int_equal(credentials_parse_registry_auth(v4, &g), -EINVAL);
        /* header injection */
        v5 = b64url("{\"username\":\"a\",\"password\":\"x\\r\\nX-Evil: 1\"}");
        assert_int_equal(credentials_parse_registry_auth(v5, &g), -EINVAL);
        assert_int_equal(credentials_parse_registry_auth("e30", &g), 0); /* {} unpadded */
        assert_false(credentials_present(&g));
        credentials_done(&g);
}

static void test_base64(void **state) {
        _cleanup_(freep) char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;
        size_t n;

        a = base64_encode("alice:s3cret", 12);
        assert_string_equal(a, "YWxpY2U6czNjcmV0");
        b = base64url_encode("\xfb\xff", 2);
        assert_string_equal(b, "-_8=");
        c = base64_encode("", 0);
        assert_string_equal(c, "");
        assert_int_equal(base64_decode("-_8=", &d, &n), 0);
        assert_int_equal(n, 2);
        assert_memory_equal(d, "\xfb\xff", 2);
        assert_int_equal(base64_decode("+/8", &e, &n), 0);
        assert_int_equal(n, 2);
        assert_memory_equal(e, "\xfb\xff", 2);
        char *x = NULL;
        assert_int_equal(base64_decode("a", &x, &n), -EINVAL);
        assert_int_equal(base64_decode("ab$d", &x, &n), -EINVAL);
        assert_int_equal(base64_decode("ab===", &x, &n), -EINVAL);
}

static void test_resume(void **state) {
        uint64_t skip = 99;

        /* a fresh request: whole body */
        assert_int_equal(registry_api_resume_skip(0, 200, NULL, &skip), 0);
        assert_int_equal(skip, 0);
        /* a range granted where we stopped */
        assert_int_equal(registry_api_resume_skip(1000, 206, "bytes 1000-4999/5000", &skip), 0);
        assert_int_equal(skip, 0);
        assert_int_equal(registry_api_resume_skip(1000, 206, "bytes 1000-4999/*", &skip), 0);
        /* the registry ignored Range: drop what we have */
        assert_int_equal(registry_api_resume_skip(1000, 200, NULL, &skip), 0);
        assert_int_equal(skip, 1000);
        /* a range elsewhere, or none: refuse */
        assert_int_equal(registry_api_resume_skip(1000, 206, "bytes 0-4999/5000", &skip), -EBADMSG);
        assert_int_equal(registry_api_resume_skip(1000, 206, "bytes 1001-4999/5000", &skip), -EBADMSG);
        assert_int_equal(registry_api_resume_skip(1000, 206, NULL, &skip), -EBADMSG);
        assert_int_equal(registry_api_resume_skip(1000, 206, "items 1000-2/3", &skip), -EBADMSG);
        assert_int_equal(registry_api_resume_skip(1000, 206, "bytes 2000-1000/5000", &skip), -EBADMSG);

        assert_true(registry_api_status_is_retryable(500));
        assert_true(registry_api_status_is_retryable(503));
        assert_true(registry_api_status_is_retryable(429));
        assert_false(registry_api_status_is_retryable(404));
        assert_false(registry_api_status_is_retryable(401));
        assert_false(registry_api_status_is_retryable(200));

        assert_int_equal(registry_api_retry_delay_usec(1), 500000);
        assert_int_equal(registry_api_retry_delay_usec(2), 1000000);
        assert_int_equal(registry_api_retry_delay_usec(4), 4000000);
        assert_int_equal(registry_api_retry_delay_usec(5), 5000000);
        assert_int_equal(registry_api_retry_delay_usec(10), 5000000);
}

static void test_urls(void **state) {
        _cleanup_(freep) char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

        a = registry_api_url("10.0.0.5:5000", true, "a/b", "blobs/uploads", "");
        assert_string_equal(a, "http://10.0.0.5:5000/v2/a/b/blobs/uploads/");
        b = registry_api_url("docker.io", false, "library/x", "manifests", "latest");
        assert_string_equal(b, "https://registry-1.docker.io/v2/library/x/manifests/latest");
        c = registry_api_absolute_url("http://127.0.0.1:5000/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u?_state=x");
        assert_string_equal(c, "http://127.0.0.1:5000/v2/a/blobs/uploads/u?_state=x");
        d = registry_api_absolute_url("http://h/v2/", "https://other/up");
        assert_string_equal(d, "https://other/up");
        e = registry_api_absolute_url("http://h", "/x");
        assert_string_equal(e, "http://h/x");
        assert_null(registry_api_absolute_url("http://h/v2/", "relative"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_conf_defaults),
                cmocka_unit_test(test_conf_full),
                cmocka_unit_test(test_conf_errors),
                cmocka_unit_test(test_credentials),
                cmocka_unit_test(test_base64),
                cmocka_unit_test(test_resume),
                cmocka_unit_test(test_urls),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
