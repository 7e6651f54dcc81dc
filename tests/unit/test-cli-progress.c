/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "macro.h"
#include "progress.h"

static void test_line_id(void **state) {
        assert_int_equal(progress_line_id("a3ed95caeb02: Pull complete"), 12);
        assert_int_equal(progress_line_id("sha256:a3ed95caeb02a3ed95caeb02: Downloading 1MB/2MB"), 7 + 24);
        assert_int_equal(progress_line_id("latest: Pulling from library/busybox"), 0);
        assert_int_equal(progress_line_id("Digest: sha256:0123"), 0);
        assert_int_equal(progress_line_id("a3ed95caeb0: too short"), 0);
        assert_int_equal(progress_line_id("a3ed95caeb02 no colon"), 0);
        assert_int_equal(progress_line_id(""), 0);
}

static char *render(bool tty, const char *const *lines) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        Progress p;

        assert_non_null(f);
        progress_init(&p, f, tty);
        for (const char *const *l = lines; *l; l++)
                progress_line(&p, *l);
        progress_done(&p);
        fclose(f);
        return buf;
}

static const char *const pull[] = {
        "latest: Pulling from library/busybox",
        "a3ed95caeb02: Pulling fs layer",
        "b3ed95caeb02: Pulling fs layer",
        "a3ed95caeb02: Pull complete",
        "b3ed95caeb02: Pull complete",
        "Digest: sha256:0123",
        NULL
};

static void test_plain(void **state) {
        _cleanup_(freep) char *out = render(false, pull);

        /* not a terminal: every line as it came */
        assert_string_equal(out,
                            "latest: Pulling from library/busybox\n"
                            "a3ed95caeb02: Pulling fs layer\n"
                            "b3ed95caeb02: Pulling fs layer\n"
                            "a3ed95caeb02: Pull complete\n"
                            "b3ed95caeb02: Pull complete\n"
                            "Digest: sha256:0123\n");
}

static void test_tty_redraw(void **state) {
        _cleanup_(freep) char *out = render(true, pull);

        /* a layer's later lines go back up to its row: 2 rows up for the
         * first layer, 1 for the second */
        assert_string_equal(out,
                            "latest: Pulling from library/busybox\n"
                            "a3ed95caeb02: Pulling fs layer\n"
                            "b3ed95caeb02: Pulling fs layer\n"
                            "\033[2A\r\033[2Ka3ed95caeb02: Pull complete\033[2B\r"
                            "\033[1A\r\033[2Kb3ed95caeb02: Pull complete\033[1B\r"
                            "Digest: sha256:0123\n");
}

static void test_status_line(void **state) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        Progress p;

        assert_non_null(f);
        progress_init(&p, f, true);
        progress_status(&p, "Pulling busybox", 0.5);
        progress_line(&p, "Digest: x");
        progress_status(&p, "Pulling busybox", 2.0);
        progress_done(&p);
        fclose(f);

        /* the transient line is wiped before a message and at the end */
        assert_string_equal(buf,
                            "Pulling busybox  50%"
                            "\r\033[2KDigest: x\n"
                            "Pulling busybox 100%"
                            "\r\033[2K");
        free(buf);

        /* nothing transient when not on a terminal */
        buf = NULL;
        f = open_memstream(&buf, &size);
        progress_init(&p, f, false);
        progress_status(&p, "Pulling busybox", 0.5);
        progress_done(&p);
        fclose(f);
        assert_string_equal(buf, "");
        free(buf);
}

static void test_hold(void **state) {
        char *buf = NULL;
        size_t size = 0;
        FILE *f = open_memstream(&buf, &size);
        Progress p;

        /* not a terminal: nothing shows until released */
        assert_non_null(f);
        progress_init(&p, f, false);
        assert_int_equal(progress_hold(&p), 0);
        progress_line(&p, "Unable to find image 'busybox:latest' locally");
        progress_line(&p, "a3ed95caeb02: Pull complete");
        fflush(f);
        assert_int_equal(size, 0);
        progress_release(&p);
        progress_line(&p, "after");
        progress_done(&p);
        fclose(f);
        assert_string_equal(buf, "Unable to find image 'busybox:latest' locally\n"
                                 "a3ed95caeb02: Pull complete\n"
                                 "after\n");
        free(buf);

        /* discarded: never shown */
        buf = NULL;
        f = open_memstream(&buf, &size);
        progress_init(&p, f, false);
        assert_int_equal(progress_hold(&p), 0);
        progress_line(&p, "Unable to find image 'x:latest' locally");
        progress_discard(&p);
        progress_done(&p);
        fclose(f);
        assert_string_equal(buf, "");
        free(buf);

        /* a terminal sees the lines at once; discarding wipes them */
        buf = NULL;
        f = open_memstream(&buf, &size);
        progress_init(&p, f, true);
        assert_int_equal(progress_hold(&p), 0);
        progress_line(&p, "one");
        progress_line(&p, "two");
        progress_discard(&p);
        progress_done(&p);
        fclose(f);
        assert_string_equal(buf, "one\ntwo\n\033[2A\r\033[J");
        free(buf);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_line_id),
                cmocka_unit_test(test_plain),
                cmocka_unit_test(test_tty_redraw),
                cmocka_unit_test(test_status_line),
                cmocka_unit_test(test_hold),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
