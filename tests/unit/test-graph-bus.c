/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-graphd end to end on a private bus: ingest layers through the
 * handed-out pipe, commit, look up, mount a rootfs, release it, rmi.
 * Starts its own dbus-daemon and the daemon from the build tree; skipped
 * unless root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>

#include "bus-errors.h"
#include "digest.h"
#include "fs-util.h"
#include "graph-test-util.h"
#include "macro.h"

#define DEST "org.wharf.Graph1"
#define PATH "/org/wharf/Graph1"
#define IFACE "org.wharf.Graph1"
#define GZIP_MEDIA "application/vnd.docker.image.rootfs.diff.tar.gzip"

typedef struct Env {
        char dir[64];
        char *address;
        pid_t bus_pid;
        pid_t graphd_pid;
        sd_bus *bus;
        /* IngestDone results, by ingest id */
        struct { uint32_t id; char *chain; char *error; } done[16];
        size_t n_done;
} Env;

static Env env;

static int match_ingest_done(sd_bus_message *m, void *userdata, sd_bus_error *error) {
        const char *chain, *err;
        uint32_t id;

        if (sd_bus_message_read(m, "uss", &id, &chain, &err) < 0 || env.n_done >= ELEMENTSOF(env.done))
                return 0;
        env.done[env.n_done].id = id;
        env.done[env.n_done].chain = strdup(chain);
        env.done[env.n_done].error = strdup(err);
        env.n_done++;
        return 0;
}

static pid_t spawn(char *const argv[], int stdout_fd) {
        pid_t pid = fork();

        assert_true(pid >= 0);
        if (pid == 0) {
                if (stdout_fd >= 0)
                        dup2(stdout_fd, STDOUT_FILENO);
                execv(argv[0], argv);
                _exit(127);
        }
        return pid;
}

static int env_setup(void **state) {
        _cleanup_(freep) char *graphd = NULL, *socket = NULL, *log = NULL;
        const char *builddir = getenv("WHARF_BUILDDIR") ?: ".";
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r;

        if (geteuid() != 0 || access("/usr/bin/dbus-daemon", X_OK) < 0)
                return 0;

        strcpy(env.dir, "/tmp/wharf-test-graphd-XXXXXX");
        assert_non_null(mkdtemp(env.dir));
        socket = path_join(env.dir, "bus");
        assert_true(asprintf(&env.address, "unix:path=%s", socket) > 0);
        assert_true(asprintf(&graphd, "%s/services/graphd/wharf-graphd", builddir) > 0);

        char *bus_argv[] = { (char *) "/usr/bin/dbus-daemon", (char *) "--session", (char *) "--nofork",
                             (char *) "--nopidfile", NULL, NULL };
        _cleanup_(freep) char *addr_arg = NULL;
        assert_true(asprintf(&addr_arg, "--address=%s", env.address) > 0);
        bus_argv[4] = addr_arg;
        env.bus_pid = spawn(bus_argv, -1);
        for (int i = 0; i < 100 && access(socket, F_OK) < 0; i++)
                usleep(20000);

        setenv("DBUS_SYSTEM_BUS_ADDRESS", env.address, 1);
        char *graphd_argv[] = { graphd, (char *) "--state", env.dir, NULL };
        env.graphd_pid = spawn(graphd_argv, -1);

        assert_int_equal(sd_bus_new(&env.bus), 0);
        assert_true(sd_bus_set_address(env.bus, env.address) >= 0);
        assert_true(sd_bus_set_bus_client(env.bus, 1) >= 0);
        assert_true(sd_bus_start(env.bus) >= 0);
        assert_true(sd_bus_match_signal(env.bus, NULL, DEST, PATH, IFACE, "IngestDone",
                                        match_ingest_done, NULL) >= 0);

        /* wait for graphd to take its name */
        for (int i = 0; i < 250; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                r = sd_bus_call_method(env.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                       "org.freedesktop.DBus", "GetNameOwner", &error, &reply, "s", DEST);
                sd_bus_error_free(&error);
                if (r >= 0)
                        break;
                usleep(20000);
        }
        assert_true(r >= 0);
        return 0;
}

static int env_teardown(void **state) {
        if (env.graphd_pid > 0) {
                kill(env.graphd_pid, SIGTERM);
                waitpid(env.graphd_pid, NULL, 0);
        }
        if (env.bus_pid > 0) {
                kill(env.bus_pid, SIGTERM);
                waitpid(env.bus_pid, NULL, 0);
        }
        sd_bus_flush_close_unref(env.bus);
        if (env.dir[0]) {
                _cleanup_(freep) char *mounts = path_join(env.dir, "run/graph/mounts");
                /* leave nothing mounted, whatever failed */
                DIR *d = opendir(mounts);
                if (d) {
                        for (struct dirent *de; (de = readdir(d)); ) {
                                _cleanup_(freep) char *p = path_join(mounts, de->d_name);
                                if (de->d_name[0] != '.')
                                        (void) umount2(p, MNT_DETACH);
                        }
                        closedir(d);
                }
                (void) rm_rf(env.dir);
        }
        for (size_t i = 0; i < env.n_done; i++) {
                free(env.done[i].chain);
                free(env.done[i].error);
        }
        free(env.address);
        return 0;
}

#define SKIP_UNLESS_READY() do { if (!env.bus) skip(); } while (0)

/* IngestLayer: returns the write end of the pipe graphd handed out. */
static int ingest_begin(const char *blob, const char *diff, const char *parent, uint64_t declared,
                        uint32_t *ret_id) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int fd, wfd;

        assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "IngestLayer", &error, &reply,
                                            "sstss", blob, GZIP_MEDIA, declared, diff, parent), 1);
        assert_int_equal(sd_bus_message_read(reply, "uh", ret_id, &fd), 1);
        wfd = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        assert_true(wfd >= 0);
        return wfd;
}

static const char *ingest_wait(uint32_t id, char chain[static DIGEST_STRING_MAX]) {
        for (int i = 0; i < 1000; i++) {
                for (size_t j = 0; j < env.n_done; j++)
                        if (env.done[j].id == id) {
                                strcpy(chain, env.done[j].chain);
                                return env.done[j].error;
                        }
                if (sd_bus_process(env.bus, NULL) > 0)
                        continue;
                (void) sd_bus_wait(env.bus, 100000);
        }
        fail_msg("no IngestDone for ingest %u", id);
        return NULL;
}

/* IngestLayer, write data into the returned fd, wait for IngestDone. */
static const char *ingest(const char *data, size_t size, const char *blob, const char *diff,
                          const char *parent, uint64_t declared, char chain[static DIGEST_STRING_MAX]) {
        uint32_t id;
        int wfd = ingest_begin(blob, diff, parent, declared, &id);

        (void) loop_write(wfd, data, size);
        safe_close(wfd);
        return ingest_wait(id, chain);
}

static void build(const TarEntry *e, size_t n, char **gz, size_t *gz_size, char blob[static DIGEST_STRING_MAX],
                  char diff[static DIGEST_STRING_MAX]) {
        _cleanup_(freep) char *tar = NULL;
        size_t tar_size;

        assert_int_equal(tar_build(e, n, TAR_GZIP, gz, gz_size), 0);
        assert_int_equal(tar_build(e, n, TAR_UNPADDED, &tar, &tar_size), 0);
        assert_int_equal(sha256_digest(*gz, *gz_size, blob), 0);
        assert_int_equal(sha256_digest(tar, tar_size, diff), 0);
}

static void test_end_to_end(void **state) {
        static const TarEntry base[] = {
                { .path = "etc", .type = AE_IFDIR },
                { .path = "etc/motd", .data = "base\n" },
                { .path = "etc/old", .data = "to be whited out\n" },
                { .path = "bin", .type = AE_IFDIR },
                { .path = "bin/sh", .data = "#!fake\n", .mode = 0755 },
        };
        static const TarEntry top[] = {
                { .path = "etc", .type = AE_IFDIR },
                { .path = "etc/.wh.old" },
                { .path = "etc/motd", .data = "top\n" },
        };
        _cleanup_(freep) char *gz1 = NULL, *gz2 = NULL, *config = NULL, *manifest = NULL, *path = NULL,
                *motd = NULL, *old = NULL, *content = NULL;
        char blob1[DIGEST_STRING_MAX], diff1[DIGEST_STRING_MAX], blob2[DIGEST_STRING_MAX],
                diff2[DIGEST_STRING_MAX], chain1[DIGEST_STRING_MAX], chain2[DIGEST_STRING_MAX],
                chain[DIGEST_STRING_MAX], id[DIGEST_STRING_MAX];
        sd_bus_error error = SD_BUS_ERROR_NULL;
        size_t size1, size2;
        const char *err, *s;
        int present;

        SKIP_UNLESS_READY();
        build(base, ELEMENTSOF(base), &gz1, &size1, blob1, diff1);
        build(top, ELEMENTSOF(top), &gz2, &size2, blob2, diff2);

        /* a wrong digest is caught and nothing is published */
        err = ingest(gz1, size1, diff1, diff1, "", size1, chain);
        assert_non_null(startswith(err, "digest mismatch: expected "));
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "HasLayer", &error, &reply,
                                                    "s", diff1), 1);
                assert_int_equal(sd_bus_message_read(reply, "b", &present), 1);
                assert_false(present);
        }
        /* a writer that stops half-way */
        err = ingest(gz1, size1 / 2, blob1, diff1, "", size1, chain);
        assert_non_null(startswith(err, "stream ended early"));

        err = ingest(gz1, size1, blob1, diff1, "", size1, chain1);
        assert_string_equal(err, "");
        assert_string_equal(chain1, diff1);
        err = ingest(gz2, size2, blob2, diff2, chain1, size2, chain2);
        assert_string_equal(err, "");
        /* again, twice at once: the layer is there already (or the other
         * one wins), each still succeeds */
        {
                uint32_t a, b;
                int fa = ingest_begin(blob2, diff2, chain1, size2, &a);
                int fb = ingest_begin(blob2, diff2, chain1, size2, &b);
                assert_int_equal(loop_write(fa, gz2, size2 / 2), 0);
                assert_int_equal(loop_write(fb, gz2, size2), 0);
                assert_int_equal(loop_write(fa, gz2 + size2 / 2, size2 - size2 / 2), 0);
                safe_close(fa);
                safe_close(fb);
                assert_string_equal(ingest_wait(b, chain), "");
                assert_string_equal(chain, chain2);
                assert_string_equal(ingest_wait(a, chain), "");
                assert_string_equal(chain, chain2);
        }

        assert_true(asprintf(&config, "{\"created\":\"2024-01-02T03:04:05Z\",\"config\":{\"Cmd\":[\"/bin/sh\"]},"
                             "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\",\"%s\"]}}", diff1, diff2) > 0);
        assert_int_equal(sha256_digest(config, strlen(config), id), 0);
        assert_true(asprintf(&manifest, "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\"},"
                             "\"layers\":[{\"digest\":\"%s\"},{\"digest\":\"%s\"}]}", id, blob1, blob2) > 0);
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "CommitImage", &error, &reply,
                                                    "sssas", "", manifest, config, 1,
                                                    "127.0.0.1:5000/library/test:latest"), 1);
                assert_int_equal(sd_bus_message_read(reply, "s", &s), 1);
                assert_string_equal(s, id);
        }
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                const char *cfg;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "GetImage", &error, &reply,
                                                    "s", "127.0.0.1:5000/library/test:latest"), 1);
                assert_int_equal(sd_bus_message_read(reply, "ss", &s, &cfg), 1);
                assert_string_equal(s, id);
                assert_string_equal(cfg, config);
        }
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_true(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "GetImage", &error, &reply,
                                               "s", "nope:latest") < 0);
                assert_string_equal(error.name, WHARF_ERROR_NO_SUCH_IMAGE);
                sd_bus_error_free(&error);
        }

        const char *cid = "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "CreateRootfs", &error, &reply,
                                                    "ss", cid, id), 1);
                assert_int_equal(sd_bus_message_read(reply, "s", &s), 1);
                path = strdup(s);
        }
        /* the top layer wins, the whiteout hides the lower file */
        motd = path_join(path, "etc/motd");
        old = path_join(path, "etc/old");
        assert_int_equal(read_full_file(motd, &content, NULL, 1024), 0);
        assert_string_equal(content, "top\n");
        assert_int_equal(access(old, F_OK), -1);
        /* a kept container's writable layer is synced as usual */
        {
                _cleanup_(freep) char *mi_path = NULL, *mi = NULL;
                const char *line, *eol;

                assert_true(asprintf(&mi_path, "/proc/%d/mountinfo", (int) env.graphd_pid) > 0);
                assert_int_equal(read_full_file(mi_path, &mi, NULL, 1024 * 1024), 0);
                line = strstr(mi, path);
                assert_non_null(line);
                eol = strchrnul(line, '\n');
                assert_true(!memmem(line, eol - line, "volatile", 8));
        }
        /* idempotent */
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "CreateRootfs", &error, &reply,
                                                    "ss", cid, id), 1);
        }
        /* in use: rmi without force refused */
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_true(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "RemoveImage", &error, &reply,
                                               "sb", "127.0.0.1:5000/library/test:latest", 0) < 0);
                assert_string_equal(error.name, WHARF_ERROR_IMAGE_IN_USE);
                sd_bus_error_free(&error);
        }
        for (int i = 0; i < 2; i++) {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "ReleaseRootfs", &error, &reply,
                                                    "sb", cid, 1), 1);
        }
        /* a --rm container's rootfs: "volatile" among the overlay's options
         * (graphd's mounts, seen in its mount namespace); bad options refused */
        {
                const char *cid2 = "bbcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789";
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *bad = NULL;
                _cleanup_(freep) char *mi_path = NULL, *mi = NULL, *path2 = NULL;
                const char *line;

                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "CreateRootfsWithOptions", &error,
                                                    &reply, "sss", cid2, id, "{\"Volatile\":true}"), 1);
                assert_int_equal(sd_bus_message_read(reply, "s", &s), 1);
                path2 = strdup(s);
                assert_true(asprintf(&mi_path, "/proc/%d/mountinfo", (int) env.graphd_pid) > 0);
                assert_int_equal(read_full_file(mi_path, &mi, NULL, 1024 * 1024), 0);
                line = strstr(mi, path2);
                assert_non_null(line);
                assert_non_null(strstr(line, "volatile"));
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "ReleaseRootfs", &error, NULL,
                                                    "sb", cid2, 1), 1);
                assert_true(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "CreateRootfsWithOptions", &error,
                                               &bad, "sss", cid2, id, "[not json") < 0);
                assert_string_equal(error.name, SD_BUS_ERROR_INVALID_ARGS);
                sd_bus_error_free(&error);
        }
        assert_int_equal(access(path, F_OK), -1);
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                _cleanup_(strv_freep) char **lines = NULL;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "RemoveImage", &error, &reply,
                                                    "sb", "127.0.0.1:5000/library/test:latest", 0), 1);
                assert_true(sd_bus_message_read_strv(reply, &lines) >= 0);
                assert_int_equal(strv_length(lines), 4);
                assert_string_equal(lines[0], "Untagged: 127.0.0.1:5000/library/test:latest");
        }
        {
                _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
                assert_int_equal(sd_bus_call_method(env.bus, DEST, PATH, IFACE, "HasLayer", &error, &reply,
                                                    "s", chain1), 1);
                assert_int_equal(sd_bus_message_read(reply, "b", &present), 1);
                assert_false(present);
        }
}

static void test_version(void **state) {
        _cleanup_(freep) char *v = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;

        SKIP_UNLESS_READY();
        assert_true(sd_bus_get_property_string(env.bus, DEST, PATH, IFACE, "Version", &error, &v) >= 0);
        assert_string_equal(v, PACKAGE_VERSION);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_version),
                cmocka_unit_test(test_end_to_end),
        };

        (void) signal(SIGPIPE, SIG_IGN);
        return cmocka_run_group_tests(tests, env_setup, env_teardown);
}
