/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Root only (skipped otherwise): create a real sandbox through the same
 * functions netd uses, without the bus; check lo is up inside it, that it
 * survives its helper, and that removal leaves no mount behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "fs-util.h"
#include "macro.h"
#include "netns.h"
#include "sandbox.h"

#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

/* mount points at or below prefix in our mount namespace */
static int mounts_below(const char *prefix) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/self/mountinfo", "re");
        _cleanup_(freep) char *line = NULL;
        size_t n = 0, l = strlen(prefix);
        int count = 0;

        assert_non_null(f);
        while (getline(&line, &n, f) > 0) {
                char mp[4096];
                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) == 1 &&
                    strncmp(mp, prefix, l) == 0 && (mp[l] == 0 || mp[l] == '/'))
                        count++;
        }
        return count;
}

static int create_sync(const char *dir, const char *id, char **ret_message) {
        pid_t pid;
        int fd, r;
        siginfo_t si = {};

        r = sandbox_create_start(dir, id, NET_MODE_NONE, &pid, &fd);
        if (r < 0)
                return r;
        assert_int_equal(waitid(P_PID, pid, &si, WEXITED), 0);
        r = sandbox_create_finish(dir, id, si.si_code, si.si_status, fd, ret_message);
        close(fd);
        return r;
}

/* lo state inside the namespace pinned at path; we come back afterwards */
static int loopback_up_in(const char *path) {
        _cleanup_(closep) int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        _cleanup_(closep) int ns = open(path, O_RDONLY | O_CLOEXEC);
        int r;

        assert_true(self >= 0);
        assert_true(ns >= 0);
        assert_int_equal(setns(ns, CLONE_NEWNET), 0);
        r = netns_loopback_is_up();
        assert_int_equal(setns(self, CLONE_NEWNET), 0);
        return r;
}

static void test_sandbox_lifecycle(void **state) {
        char top[] = "/tmp/wharf-test-netns-XXXXXX";
        _cleanup_(freep) char *dir = NULL, *path = NULL, *message = NULL;
        _cleanup_(strv_freep) char **ids = NULL;
        struct stat self_st, ns_st;

        if (geteuid() != 0)
                skip();

        assert_non_null(mkdtemp(top));
        dir = path_join(top, "net/netns");
        assert_int_equal(netns_dir_setup(dir), 0);
        assert_int_equal(mounts_below(top), 1);         /* the shared self bind */
        assert_int_equal(netns_dir_setup(dir), 0);      /* again: no second mount */
        assert_int_equal(mounts_below(top), 1);

        assert_int_equal(create_sync(dir, ID_A, &message), 0);
        assert_null(message);
        assert_int_equal(sandbox_path(dir, ID_A, &path), 0);
        assert_int_equal(netns_is_pinned(path), 1);
        assert_int_equal(mounts_below(top), 2);

        /* a namespace of its own, not ours, with lo up */
        assert_int_equal(stat("/proc/self/ns/net", &self_st), 0);
        assert_int_equal(stat(path, &ns_st), 0);
        assert_true(self_st.st_ino != ns_st.st_ino);
        assert_int_equal(loopback_up_in(path), 1);

        /* a second sandbox with the same id is refused, others are fine */
        assert_int_equal(create_sync(dir, ID_A, NULL), -EEXIST);
        assert_int_equal(netns_is_pinned(path), 1);
        assert_int_equal(create_sync(dir, ID_B, NULL), 0);

        assert_int_equal(sandbox_list(dir, &ids), 0);
        assert_int_equal(strv_length(ids), 2);
        assert_string_equal(ids[0], ID_A);
        assert_string_equal(ids[1], ID_B);
        strv_free(TAKE_PTR(ids));

        /* reconciling keeps what is pinned */
        assert_int_equal(sandbox_reconcile(dir), 0);
        assert_int_equal(netns_is_pinned(path), 1);

        assert_int_equal(sandbox_remove(dir, ID_A), 0);
        assert_int_equal(access(path, F_OK), -1);
        assert_int_equal(sandbox_remove(dir, ID_A), 0);
        assert_int_equal(sandbox_remove(dir, ID_B), 0);
        assert_int_equal(sandbox_list(dir, &ids), 0);
        assert_null(ids[0]);
        assert_int_equal(mounts_below(top), 1);

        assert_int_equal(netns_dir_release(dir), 0);
        assert_int_equal(mounts_below(top), 0);
        assert_int_equal(netns_dir_release(dir), 0);    /* nothing mounted: fine */

        assert_int_equal(rm_rf(top), 0);
}

/* A helper that fails reports why, and leaves no pin file. */
static void test_sandbox_create_failure(void **state) {
        char top[] = "/tmp/wharf-test-netns-XXXXXX";
        _cleanup_(freep) char *path = NULL, *message = NULL;
        pid_t pid;
        int fd, r;
        siginfo_t si = {};

        if (geteuid() != 0)
                skip();
        assert_non_null(mkdtemp(top));

        /* the helper pinned the namespace, but we pretend it was killed
         * (as if after pinning): whatever it left is taken down again */
        assert_int_equal(sandbox_create_start(top, ID_A, NET_MODE_NONE, &pid, &fd), 0);
        assert_int_equal(waitid(P_PID, pid, &si, WEXITED), 0);
        assert_int_equal(si.si_code, CLD_EXITED);
        assert_int_equal(mounts_below(top), 1);
        r = sandbox_create_finish(top, ID_A, CLD_KILLED, 9, fd, &message);
        close(fd);
        assert_int_equal(r, -EPROTO);
        assert_non_null(message);
        assert_non_null(strstr(message, "killed by signal 9"));
        assert_int_equal(sandbox_path(top, ID_A, &path), 0);
        assert_int_equal(access(path, F_OK), -1);
        assert_int_equal(mounts_below(top), 0);

        assert_int_equal(rm_rf(top), 0);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_sandbox_lifecycle),
                cmocka_unit_test(test_sandbox_create_failure),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
