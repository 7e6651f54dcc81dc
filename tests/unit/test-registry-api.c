/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "macro.h"
#include "registry-api.h"

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"

static void test_host_and_scheme(void **state) {
        assert_string_equal(registry_api_host("docker.io"), "registry-1.docker.io");
        assert_string_equal(registry_api_host("index.docker.io"), "registry-1.docker.io");
        assert_string_equal(registry_api_host("quay.io"), "quay.io");
        assert_string_equal(registry_api_host("127.0.0.1:5000"), "127.0.0.1:5000");

        assert_string_equal(registry_api_scheme("docker.io"), "https");
        assert_string_equal(registry_api_scheme("127.0.0.1:5000"), "http");
        assert_string_equal(registry_api_scheme("127.1.2.3:80"), "http");
        assert_string_equal(registry_api_scheme("localhost:5000"), "http");
        assert_string_equal(registry_api_scheme("[::1]:5000"), "http");
        assert_string_equal(registry_api_scheme("10.0.0.1:5000"), "https");
        assert_string_equal(registry_api_scheme("127.0.0.1.nip.io:5000"), "https");
        assert_string_equal(registry_api_scheme("localhost.example.com"), "https");
}

static void test_urls(void **state) {
        _cleanup_(freep) char *a = NULL, *b = NULL, *c = NULL, *d = NULL, *e = NULL;

        a = registry_api_manifest_url("docker.io", "library/busybox", "latest");
        assert_string_equal(a, "https://registry-1.docker.io/v2/library/busybox/manifests/latest");
        b = registry_api_manifest_url("127.0.0.1:5000", "library/busybox", D1);
        assert_string_equal(b, "http://127.0.0.1:5000/v2/library/busybox/manifests/" D1);
        c = registry_api_blob_url("quay.io", "a/b/c", D1);
        assert_string_equal(c, "https://quay.io/v2/a/b/c/blobs/" D1);
        d = registry_api_display_name("127.0.0.1:5000", "library/nope", "latest");
        assert_string_equal(d, "127.0.0.1:5000/library/nope:latest");
        e = registry_api_display_name("127.0.0.1:5000", "library/nope", D1);
        assert_string_equal(e, "127.0.0.1:5000/library/nope@" D1);
}

static void test_validation(void **state) {
        assert_true(registry_api_repository_is_valid("library/busybox"));
        assert_true(registry_api_repository_is_valid("a/b-c/d__e/f.g"));
        assert_true(registry_api_repository_is_valid("x"));
        assert_false(registry_api_repository_is_valid(""));
        assert_false(registry_api_repository_is_valid("/x"));
        assert_false(registry_api_repository_is_valid("x/"));
        assert_false(registry_api_repository_is_valid("a//b"));
        assert_false(registry_api_repository_is_valid("a/../b"));
        assert_false(registry_api_repository_is_valid(".."));
        assert_false(registry_api_repository_is_valid("Library/x"));
        assert_false(registry_api_repository_is_valid("a?b"));
        assert_false(registry_api_repository_is_valid("a b"));
        assert_false(registry_api_repository_is_valid("a/-b"));

        assert_true(registry_api_reference_is_valid("latest"));
        assert_true(registry_api_reference_is_valid("1.36_x-y"));
        assert_true(registry_api_reference_is_valid(D1));
        assert_false(registry_api_reference_is_valid("sha256:abc"));
        assert_false(registry_api_reference_is_valid("-x"));
        assert_false(registry_api_reference_is_valid("a/b"));
        assert_false(registry_api_reference_is_valid(""));
        assert_false(registry_api_reference_is_valid("../../x"));

        assert_true(registry_api_registry_is_valid("127.0.0.1:5000"));
        assert_true(registry_api_registry_is_valid("[::1]:5000"));
        assert_true(registry_api_registry_is_valid("docker.io"));
        assert_false(registry_api_registry_is_valid(""));
        assert_false(registry_api_registry_is_valid("a/b"));
        assert_false(registry_api_registry_is_valid("user@host"));
        assert_false(registry_api_registry_is_valid("host?x"));
}

static void test_error_body(void **state) {
        const char body[] = "{\"errors\":[{\"code\":\"MANIFEST_UNKNOWN\",\"message\":\"manifest unknown\","
                            "\"detail\":{\"Tag\":\"nope\"}}]}\n";
        const char multi[] = "{\"errors\":[{\"code\":\"DENIED\",\"message\":\"line1\\nline2\"},{\"code\":\"X\"}]}";
        char *code = NULL, *message = NULL;

        assert_int_equal(registry_api_parse_error(body, strlen(body), &code, &message), 0);
        assert_string_equal(code, "MANIFEST_UNKNOWN");
        assert_string_equal(message, "manifest unknown");
        free(code);
        free(message);

        assert_int_equal(registry_api_parse_error(multi, strlen(multi), &code, &message), 0);
        assert_string_equal(code, "DENIED");
        assert_string_equal(message, "line1 line2");
        free(code);
        free(message);

        assert_int_equal(registry_api_parse_error("404 page not found", 18, &code, &message), -EBADMSG);
        assert_int_equal(registry_api_parse_error("{\"errors\":[]}", 13, &code, &message), -EBADMSG);
        assert_int_equal(registry_api_parse_error(NULL, 0, &code, &message), -EBADMSG);
}

static void test_bearer_challenge(void **state) {
        _cleanup_(bearer_challenge_done) BearerChallenge c = {}, d = {}, e = {};
        _cleanup_(freep) char *url = NULL, *url2 = NULL, *url3 = NULL, *url4 = NULL;

        assert_int_equal(bearer_challenge_parse(
                "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\","
                "scope=\"repository:library/busybox:pull\"", &c), 0);
        assert_string_equal(c.realm, "https://auth.docker.io/token");
        assert_string_equal(c.service, "registry.docker.io");
        assert_string_equal(c.scope, "repository:library/busybox:pull");
        url = bearer_challenge_token_url(&c, "repository:library/busybox:pull", NULL);
        assert_string_equal(url, "https://auth.docker.io/token?service=registry.docker.io"
                                 "&scope=repository%3Alibrary%2Fbusybox%3Apull");

        /* case, spaces, unquoted values, escapes, unknown keys; no scope: ours */
        assert_int_equal(bearer_challenge_parse(
                "bearer  realm=\"http://127.0.0.1:9/t?x=1\" , service=reg,error=\"insufficient_scope\","
                "note=\"a \\\"q\\\" b\"", &d), 0);
        assert_string_equal(d.realm, "http://127.0.0.1:9/t?x=1");
        assert_string_equal(d.service, "reg");
        assert_null(d.scope);
        url2 = bearer_challenge_token_url(&d, "repository:a/b:pull,push", "jo e");
        assert_string_equal(url2, "http://127.0.0.1:9/t?x=1&service=reg&scope=repository%3Aa%2Fb%3Apull%2Cpush"
                                  "&account=jo%20e");
        /* a login: no scope of ours, none in the challenge */
        url3 = bearer_challenge_token_url(&d, NULL, "u");
        assert_string_equal(url3, "http://127.0.0.1:9/t?x=1&service=reg&account=u");
        /* ... or the challenge's */
        url4 = bearer_challenge_token_url(&c, NULL, NULL);
        assert_string_equal(url4, "https://auth.docker.io/token?service=registry.docker.io"
                                  "&scope=repository%3Alibrary%2Fbusybox%3Apull");

        assert_int_equal(bearer_challenge_parse("Basic realm=\"Registry\"", &e), -EOPNOTSUPP);
        assert_int_equal(bearer_challenge_parse("Bearer service=\"x\"", &e), -EBADMSG);
        assert_int_equal(bearer_challenge_parse("Bearer realm=\"file:///etc/passwd\"", &e), -EBADMSG);
        assert_int_equal(bearer_challenge_parse("Bearer realm=\"https://x/unterminated", &e), -EBADMSG);
        assert_int_equal(bearer_challenge_parse("Bearer realm", &e), -EBADMSG);
        assert_int_equal(bearer_challenge_parse("", &e), -EBADMSG);
        assert_int_equal(bearer_challenge_parse(NULL, &e), -EBADMSG);
}

static void test_challenge_scheme(void **state) {
        _cleanup_(freep) char *s = NULL;

        assert_int_equal(registry_api_challenge_scheme("Basic realm=\"Registry Realm\""), AUTH_SCHEME_BASIC);
        assert_int_equal(registry_api_challenge_scheme("  basic realm=x"), AUTH_SCHEME_BASIC);
        assert_int_equal(registry_api_challenge_scheme("Bearer realm=\"https://a/t\""), AUTH_SCHEME_BEARER);
        assert_int_equal(registry_api_challenge_scheme("BEARER realm=x"), AUTH_SCHEME_BEARER);
        assert_int_equal(registry_api_challenge_scheme("Negotiate"), -EOPNOTSUPP);
        assert_int_equal(registry_api_challenge_scheme("Basically realm=x"), -EOPNOTSUPP);
        assert_int_equal(registry_api_challenge_scheme(""), -EBADMSG);
        assert_int_equal(registry_api_challenge_scheme(NULL), -EBADMSG);
        s = registry_api_scope("library/busybox", "pull,push");
        assert_string_equal(s, "repository:library/busybox:pull,push");
}

static void test_token(void **state) {
        char *t = NULL;
        unsigned exp = 0;

        assert_int_equal(registry_api_parse_token("{\"token\":\"abc.def\",\"expires_in\":300}", 36, &t, &exp), 0);
        assert_string_equal(t, "abc.def");
        assert_int_equal(exp, 300);
        free(t);

        const char s[] = "{\"access_token\":\"xyz\"}";
        assert_int_equal(registry_api_parse_token(s, strlen(s), &t, &exp), 0);
        assert_string_equal(t, "xyz");
        assert_int_equal(exp, 60);
        free(t);

        const char crlf[] = "{\"token\":\"a\\r\\nX-Evil: 1\"}";
        assert_int_equal(registry_api_parse_token(crlf, strlen(crlf), &t, &exp), -EBADMSG);
        const char none[] = "{\"token\":\"\"}";
        assert_int_equal(registry_api_parse_token(none, strlen(none), &t, &exp), -EBADMSG);
        assert_int_equal(registry_api_parse_token("nope", 4, &t, &exp), -EBADMSG);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_host_and_scheme),
                cmocka_unit_test(test_urls),
                cmocka_unit_test(test_validation),
                cmocka_unit_test(test_error_body),
                cmocka_unit_test(test_bearer_challenge),
                cmocka_unit_test(test_challenge_scheme),
                cmocka_unit_test(test_token),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
