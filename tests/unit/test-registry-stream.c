/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-registryd against a real docker-registry: a private bus, the daemon
 * from the build tree, a registry on a random loopback port seeded over
 * HTTP. Skipped unless root with /usr/bin/docker-registry and dbus-daemon. */
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <time.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <systemd/sd-bus.h>

#include "bus-errors.h"
#include "digest.h"
#include "fs-util.h"
#include "macro.h"

#define REGISTRY_BIN "/usr/bin/docker-registry"
#define BLOB_SIZE (700U * 1024U)

static struct {
        bool skip;
        char dir[64];
        char registry[64];
        char bus_address[128];
        pid_t registry_pid, bus_pid, daemon_pid;
        char *blob;
        char blob_digest[DIGEST_STRING_MAX];
        char manifest_digest[DIGEST_STRING_MAX];
        char *manifest;
        char *config;
        sd_bus *bus;
} T;

static int free_port(void) {
        struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t l = sizeof a;
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), port = -1;

        if (fd >= 0 && bind(fd, (struct sockaddr *) &a, sizeof a) == 0 &&
            getsockname(fd, (struct sockaddr *) &a, &l) == 0)
                port = ntohs(a.sin_port);
        safe_close(fd);
        return port;
}

static pid_t spawn(char *const argv[], const char *log, const char *bus_address) {
        pid_t pid = fork();

        if (pid != 0)
                return pid;
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
        }
        if (bus_address)
                setenv("DBUS_SYSTEM_BUS_ADDRESS", bus_address, 1);
        execv(argv[0], argv);
        _exit(127);
}

static void stop(pid_t *pid) {
        if (*pid <= 0)
                return;
        kill(*pid, SIGTERM);
        for (int i = 0; i < 50; i++) {
                if (waitpid(*pid, NULL, WNOHANG) == *pid) {
                        *pid = 0;
                        return;
                }
                usleep(20000);
        }
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
        *pid = 0;
}

/* --- a tiny blocking HTTP client for seeding --- */

typedef struct Response {
        long status;
        char location[1024];
        char digest[DIGEST_STRING_MAX];
} Response;

static size_t on_header(char *b, size_t s, size_t n, void *u) {
        Response *r = u;
        size_t len = s * n;
        char line[1200];

        snprintf(line, sizeof line, "%.*s", (int) MIN(len, sizeof line - 1), b);
        line[strcspn(line, "\r\n")] = 0;
        if (strncasecmp(line, "Location: ", 10) == 0)
                snprintf(r->location, sizeof r->location, "%.1000s", line + 10);
        if (strncasecmp(line, "Docker-Content-Digest: ", 23) == 0)
                snprintf(r->digest, sizeof r->digest, "%.71s", line + 23);
        return len;
}

static size_t on_discard(char *b, size_t s, size_t n, void *u) {
        return s * n;
}

static int http(const char *method, const char *url, const char *content_type, const void *body, size_t size,
                Response *ret) {
        CURL *c = curl_easy_init();
        struct curl_slist *h = NULL;
        char ct[200];
        CURLcode e;

        *ret = (Response) {};
        if (!c)
                return -ENOMEM;
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, ret);
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_discard);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
        if (body) {
                curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) size);
        } else if (streq(method, "POST"))
                curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t) 0);
        snprintf(ct, sizeof ct, "Content-Type: %s", content_type ?: "application/octet-stream");
        h = curl_slist_append(h, ct);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        e = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &ret->status);
        curl_slist_free_all(h);
        curl_easy_cleanup(c);
        return e == CURLE_OK ? 0 : -EIO;
}

static int upload_blob(const char *repo, const void *data, size_t size, char digest[static DIGEST_STRING_MAX]) {
        char url[1500];
        Response r;

        if (sha256_digest(data, size, digest) < 0)
                return -EIO;
        snprintf(url, sizeof url, "http://%s/v2/%s/blobs/uploads/", T.registry, repo);
        if (http("POST", url, NULL, NULL, 0, &r) < 0 || r.status != 202 || !r.location[0])
                return -EIO;
        if (startswith(r.location, "http"))
                snprintf(url, sizeof url, "%s%sdigest=%s", r.location, strchr(r.location, '?') ? "&" : "?", digest);
        else
                snprintf(url, sizeof url, "http://%s%s%sdigest=%s", T.registry, r.location,
                         strchr(r.location, '?') ? "&" : "?", digest);
        if (http("PUT", url, NULL, data, size, &r) < 0 || r.status != 201)
                return -EIO;
        return 0;
}

static int seed(void) {
        char config_digest[DIGEST_STRING_MAX], diff[DIGEST_STRING_MAX], url[300];
        Response r;

        T.blob = malloc(BLOB_SIZE);
        if (!T.blob)
                return -ENOMEM;
        /* not compressible, not uniform: catches reordering and loss */
        srandom(42);
        for (size_t i = 0; i < BLOB_SIZE; i++)
                T.blob[i] = (char) (random() & 0xff);
        if (upload_blob("test/stream", T.blob, BLOB_SIZE, T.blob_digest) < 0)
                return -EIO;

        sha256_digest("", 0, diff);
        if (asprintf(&T.config, "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"Cmd\":[\"sh\"]},"
                     "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"%s\"]}}", diff) < 0)
                return -ENOMEM;
        if (upload_blob("test/stream", T.config, strlen(T.config), config_digest) < 0)
                return -EIO;
        if (asprintf(&T.manifest,
                     "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\","
                     "\"config\":{\"mediaType\":\"application/vnd.docker.container.image.v1+json\",\"size\":%zu,\"digest\":\"%s\"},"
                     "\"layers\":[{\"mediaType\":\"application/vnd.docker.image.rootfs.diff.tar.gzip\",\"size\":%u,\"digest\":\"%s\"}]}",
                     strlen(T.config), config_digest, BLOB_SIZE, T.blob_digest) < 0)
                return -ENOMEM;
        snprintf(url, sizeof url, "http://%s/v2/test/stream/manifests/v1", T.registry);
        if (http("PUT", url, "application/vnd.docker.distribution.manifest.v2+json", T.manifest,
                 strlen(T.manifest), &r) < 0 || r.status != 201)
                return -EIO;
        return sha256_digest(T.manifest, strlen(T.manifest), T.manifest_digest);
}

static int wait_for(bool (*ready)(void)) {
        for (int i = 0; i < 100; i++) {
                if (ready())
                        return 0;
                usleep(50000);
        }
        return -ETIMEDOUT;
}

static bool registry_ready(void) {
        char url[200];
        Response r;

        snprintf(url, sizeof url, "http://%s/v2/", T.registry);
        return http("GET", url, NULL, NULL, 0, &r) == 0 && r.status == 200;
}

static bool bus_ready(void) {
        if (T.bus)
                return true;
        if (sd_bus_new(&T.bus) < 0)
                return false;
        if (sd_bus_set_address(T.bus, T.bus_address) < 0 || sd_bus_set_bus_client(T.bus, 1) < 0 ||
            sd_bus_start(T.bus) < 0) {
                T.bus = sd_bus_unref(T.bus);
                return false;
        }
        return true;
}

static bool daemon_ready(void) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        int has = 0;

        if (sd_bus_call_method(T.bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", NULL, &reply, "s", "org.wharf.Registry1") < 0)
                return false;
        return sd_bus_message_read(reply, "b", &has) >= 0 && has;
}

static int teardown(void **state);

static int setup_real(void) {
        const char *builddir = getenv("WHARF_BUILDDIR") ?: ".";
        char path[512], log[128], daemon[512], statedir[128];
        FILE *f;
        int port;

        if (getuid() != 0 || access(REGISTRY_BIN, X_OK) < 0 || access("/usr/bin/dbus-daemon", X_OK) < 0) {
                T.skip = true;
                return 0;
        }
        snprintf(daemon, sizeof daemon, "%s/services/registryd/wharf-registryd", builddir);
        if (access(daemon, X_OK) < 0) {
                T.skip = true;
                return 0;
        }
        curl_global_init(CURL_GLOBAL_DEFAULT);

        snprintf(T.dir, sizeof T.dir, "/tmp/wharf-test-registry-XXXXXX");
        if (!mkdtemp(T.dir))
                return -1;
        port = free_port();
        if (port < 0)
                return -1;
        snprintf(T.registry, sizeof T.registry, "127.0.0.1:%d", port);

        snprintf(path, sizeof path, "%s/config.yml", T.dir);
        f = fopen(path, "we");
        if (!f)
                return -1;
        fprintf(f, "version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n"
                   "storage:\n  filesystem:\n    rootdirectory: %s/storage\n"
                   "http:\n  addr: %s\n", T.dir, T.registry);
        fclose(f);

        snprintf(log, sizeof log, "%s/registry.log", T.dir);
        T.registry_pid = spawn((char *[]) { (char *) REGISTRY_BIN, (char *) "serve", path, NULL }, log, NULL);
        if (wait_for(registry_ready) < 0 || seed() < 0)
                return -1;

        snprintf(T.bus_address, sizeof T.bus_address, "unix:path=%s/bus", T.dir);
        snprintf(path, sizeof path, "--address=%s", T.bus_address);
        snprintf(log, sizeof log, "%s/bus.log", T.dir);
        T.bus_pid = spawn((char *[]) { (char *) "/usr/bin/dbus-daemon", (char *) "--session", (char *) "--nofork",
                                       (char *) "--nopidfile", path, NULL }, log, NULL);
        if (wait_for(bus_ready) < 0)
                return -1;

        /* small chunks: pushes of the test blob take the chunked path */
        snprintf(path, sizeof path, "%s/registries.conf", T.dir);
        f = fopen(path, "we");
        if (!f)
                return -1;
        fprintf(f, "[global]\npush-chunk-size = 65536\n");
        fclose(f);
        setenv("WHARF_REGISTRIES_CONF", path, 1);

        snprintf(log, sizeof log, "%s/daemon.log", T.dir);
        snprintf(statedir, sizeof statedir, "%s/state", T.dir);
        T.daemon_pid = spawn((char *[]) { daemon, (char *) "--state", statedir, (char *) "--debug", NULL },
                             log, T.bus_address);
        if (wait_for(daemon_ready) < 0)
                return -1;
        return 0;
}

static int setup(void **state) {
        if (setup_real() < 0) {
                fprintf(stderr, "# setup failed; logs in %s (kept)\n", T.dir);
                setenv("WHARF_TEST_KEEP", "1", 1);
                teardown(state);
                return -1;
        }
        return 0;
}

static int teardown(void **state) {
        stop(&T.daemon_pid);
        stop(&T.bus_pid);
        stop(&T.registry_pid);
        T.bus = sd_bus_flush_close_unref(T.bus);
        if (T.dir[0] && !getenv("WHARF_TEST_KEEP"))
                (void) rm_rf(T.dir);
        free(T.blob);
        free(T.manifest);
        free(T.config);
        return 0;
}

#define SKIP_UNLESS_READY() do { if (T.skip) skip(); } while (0)

static int resolve(const char *registry, const char *repo, const char *ref, sd_bus_error *error,
                   sd_bus_message **reply) {
        return sd_bus_call_method(T.bus, "org.wharf.Registry1", "/org/wharf/Registry1", "org.wharf.Registry1",
                                  "ResolveImage", error, reply, "ssssa{sv}", registry, repo, ref, "", 0);
}

static void test_resolve(void **state) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *digest, *manifest, *config;

        SKIP_UNLESS_READY();
        assert_int_equal(resolve(T.registry, "test/stream", "v1", &error, &reply), 1);
        assert_int_equal(sd_bus_message_read(reply, "sss", &digest, &manifest, &config), 1);
        assert_string_equal(digest, T.manifest_digest);
        assert_string_equal(manifest, T.manifest);
        assert_string_equal(config, T.config);

        /* the same by digest */
        reply = sd_bus_message_unref(reply);
        assert_int_equal(resolve(T.registry, "test/stream", T.manifest_digest, &error, &reply), 1);
        assert_int_equal(sd_bus_message_read(reply, "sss", &digest, &manifest, &config), 1);
        assert_string_equal(digest, T.manifest_digest);
}

static void test_resolve_errors(void **state) {
        _cleanup_(sd_bus_error_free) sd_bus_error e1 = SD_BUS_ERROR_NULL, e2 = SD_BUS_ERROR_NULL,
                                                  e3 = SD_BUS_ERROR_NULL;
        char want[200];

        SKIP_UNLESS_READY();
        assert_true(resolve(T.registry, "library/nope", "latest", &e1, NULL) < 0);
        assert_string_equal(e1.name, WHARF_ERROR_NO_SUCH_IMAGE);
        snprintf(want, sizeof want, "manifest for %s/library/nope:latest not found: manifest unknown", T.registry);
        assert_string_equal(e1.message, want);

        assert_true(resolve(T.registry, "test/stream", "nope", &e2, NULL) < 0);
        assert_string_equal(e2.name, WHARF_ERROR_NO_SUCH_IMAGE);

        assert_true(resolve("127.0.0.1:1", "library/busybox", "latest", &e3, NULL) < 0);
        assert_string_equal(e3.name, WHARF_ERROR_REGISTRY_UNREACHABLE);
        assert_string_equal(e3.message, "registry 127.0.0.1:1 unreachable: Connection refused");
}

typedef struct Fetch {
        int fd;             /* read end */
        uint32_t id;
        char *buf;
        size_t size;
        bool eof, done;
        char *error;
        unsigned progress;
        uint64_t last_progress;
} Fetch;

static Fetch fetches[8];
static size_t n_fetches;

static int on_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        uint32_t id;

        if (sd_bus_message_is_signal(m, "org.wharf.Registry1", "TransferDone")) {
                const char *err;
                if (sd_bus_message_read(m, "us", &id, &err) < 0)
                        return 0;
                for (size_t i = 0; i < n_fetches; i++)
                        if (fetches[i].id == id) {
                                fetches[i].done = true;
                                fetches[i].error = strdup(err);
                        }
        } else {
                uint64_t bytes, total;
                if (sd_bus_message_read(m, "utt", &id, &bytes, &total) < 0)
                        return 0;
                for (size_t i = 0; i < n_fetches; i++)
                        if (fetches[i].id == id) {
                                /* only ever on change */
                                assert_true(bytes != fetches[i].last_progress);
                                fetches[i].progress++;
                                fetches[i].last_progress = bytes;
                        }
        }
        return 0;
}

static void fetch_start(const char *repo, const char *digest, uint64_t size) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        Fetch *f = &fetches[n_fetches++];
        int p[2];

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        *f = (Fetch) { .fd = p[0] };
        assert_int_equal(sd_bus_call_method(T.bus, "org.wharf.Registry1", "/org/wharf/Registry1",
                                            "org.wharf.Registry1", "FetchBlob", &error, &reply, "ssstha{sv}",
                                            T.registry, repo, digest, size, p[1], 0), 1);
        close(p[1]);
        assert_int_equal(sd_bus_message_read(reply, "u", &f->id), 1);
        assert_true(f->id > 0);
}

/* Reads every pipe slowly (small reads, pauses) so registryd must pause curl. */
static void fetch_run_all(bool slow) {
        time_t deadline = time(NULL) + 60;

        for (;;) {
                struct pollfd pfd[9];
                size_t n = 0;
                bool all = true;

                while (sd_bus_process(T.bus, NULL) > 0)
                        ;
                for (size_t i = 0; i < n_fetches; i++)
                        if (!fetches[i].eof || !fetches[i].done)
                                all = false;
                if (all)
                        break;
                assert_true(time(NULL) < deadline);

                pfd[n++] = (struct pollfd) { .fd = sd_bus_get_fd(T.bus), .events = POLLIN };
                for (size_t i = 0; i < n_fetches; i++)
                        pfd[n++] = (struct pollfd) { .fd = fetches[i].eof ? -1 : fetches[i].fd, .events = POLLIN };
                assert_true(poll(pfd, n, 200) >= 0);

                for (size_t i = 0; i < n_fetches; i++) {
                        Fetch *f = &fetches[i];
                        char buf[4096];
                        ssize_t k;

                        if (f->eof || !(pfd[i + 1].revents & (POLLIN | POLLHUP)))
                                continue;
                        k = read(f->fd, buf, slow ? 1024 : sizeof buf);
                        assert_true(k >= 0);
                        if (k == 0) {
                                f->eof = true;
                                close(f->fd);
                                continue;
                        }
                        f->buf = realloc(f->buf, f->size + k);
                        assert_non_null(f->buf);
                        memcpy(f->buf + f->size, buf, k);
                        f->size += k;
                }
                if (slow)
                        usleep(300);
        }
}

static void fetches_clear(void) {
        for (size_t i = 0; i < n_fetches; i++) {
                free(fetches[i].buf);
                free(fetches[i].error);
        }
        n_fetches = 0;
}

static void add_match(sd_bus_slot **slot) {
        assert_true(sd_bus_add_match(T.bus, slot,
                                     "type='signal',interface='org.wharf.Registry1',path='/org/wharf/Registry1'",
                                     on_signal, NULL) >= 0);
}

static void test_fetch_blob_slow_reader(void **state) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;

        SKIP_UNLESS_READY();
        /* subscribe before the call, or the signal may be missed */
        add_match(&slot);
        fetch_start("test/stream", T.blob_digest, BLOB_SIZE);
        fetch_run_all(true);
        assert_string_equal(fetches[0].error, "");
        assert_int_equal(fetches[0].size, BLOB_SIZE);
        assert_memory_equal(fetches[0].buf, T.blob, BLOB_SIZE);
        assert_true(fetches[0].progress >= 1);
        assert_int_equal(fetches[0].last_progress, BLOB_SIZE);
        fetches_clear();
}

static void test_fetch_blob_concurrent(void **state) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;

        SKIP_UNLESS_READY();
        add_match(&slot);
        /* more than the active limit: the rest queue and still complete */
        for (int i = 0; i < 6; i++)
                fetch_start("test/stream", T.blob_digest, BLOB_SIZE);
        fetch_run_all(false);
        for (int i = 0; i < 6; i++) {
                assert_string_equal(fetches[i].error, "");
                assert_int_equal(fetches[i].size, BLOB_SIZE);
                assert_memory_equal(fetches[i].buf, T.blob, BLOB_SIZE);
        }
        fetches_clear();
}

static void test_fetch_blob_errors(void **state) {
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        char want[300];

        SKIP_UNLESS_READY();
        add_match(&slot);
        fetch_start("test/stream", T.blob_digest, BLOB_SIZE - 1);     /* declared too small */
        fetch_start("test/stream", T.blob_digest, BLOB_SIZE + 1);     /* declared too big */
        fetch_start("test/stream", "sha256:0000000000000000000000000000000000000000000000000000000000000000",
                    10);                                               /* unknown */
        fetch_run_all(false);

        snprintf(want, sizeof want, "blob %s is larger than its declared size %u", T.blob_digest, BLOB_SIZE - 1);
        assert_string_equal(fetches[0].error, want);
        /* closed at once: a short stream */
        assert_true(fetches[0].size < BLOB_SIZE);
        snprintf(want, sizeof want, "blob %s is shorter than its declared size: got %u of %u bytes",
                 T.blob_digest, BLOB_SIZE, BLOB_SIZE + 1);
        assert_string_equal(fetches[1].error, want);
        assert_non_null(strstr(fetches[2].error, "not found"));
        assert_int_equal(fetches[2].size, 0);
        fetches_clear();
}

/* Push */

typedef struct PushResult {
        uint32_t id;
        bool done;
        char *status;
        char *error;
} PushResult;

static int on_push_signal(sd_bus_message *m, void *userdata, sd_bus_error *ret_error) {
        PushResult *p = userdata;
        const char *s;
        uint32_t id;

        if (sd_bus_message_is_signal(m, "org.wharf.Registry1", "PushStatus") &&
            sd_bus_message_read(m, "us", &id, &s) > 0 && id == p->id)
                p->status = strdup(s);
        if (sd_bus_message_is_signal(m, "org.wharf.Registry1", "TransferDone") &&
            sd_bus_message_read(m, "us", &id, &s) > 0 && id == p->id) {
                p->error = strdup(s);
                p->done = true;
        }
        return 0;
}

/* PushBlob of data from a regular file; waits for the end. */
static void push_blob(const char *repo, const char *digest, const void *data, size_t size, const char *mount_from,
                      PushResult *ret) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        _cleanup_(sd_bus_slot_unrefp) sd_bus_slot *slot = NULL;
        char path[128];
        time_t deadline = time(NULL) + 60;
        int fd;

        *ret = (PushResult) {};
        snprintf(path, sizeof path, "%s/push-blob", T.dir);
        fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, size), (ssize_t) size);
        assert_true(sd_bus_add_match(T.bus, &slot,
                                     "type='signal',interface='org.wharf.Registry1',path='/org/wharf/Registry1'",
                                     on_push_signal, ret) >= 0);
        if (mount_from)
                assert_int_equal(sd_bus_call_method(T.bus, "org.wharf.Registry1", "/org/wharf/Registry1",
                                                    "org.wharf.Registry1", "PushBlob", &error, &reply, "ssstha{sv}",
                                                    T.registry, repo, digest, (uint64_t) size, fd,
                                                    1, "MountFrom", "as", 1, mount_from), 1);
        else
                assert_int_equal(sd_bus_call_method(T.bus, "org.wharf.Registry1", "/org/wharf/Registry1",
                                                    "org.wharf.Registry1", "PushBlob", &error, &reply, "ssstha{sv}",
                                                    T.registry, repo, digest, (uint64_t) size, fd, 0), 1);
        close(fd);
        assert_int_equal(sd_bus_message_read(reply, "u", &ret->id), 1);
        while (!ret->done && time(NULL) < deadline) {
                assert_true(sd_bus_process(T.bus, NULL) >= 0);
                (void) sd_bus_wait(T.bus, 200000);
        }
        assert_true(ret->done);
}

static void push_result_done(PushResult *p) {
        free(p->status);
        free(p->error);
}

static void test_push(void **state) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL, *reply2 = NULL;
        _cleanup_(sd_bus_error_free) sd_bus_error error = SD_BUS_ERROR_NULL;
        char config_digest[DIGEST_STRING_MAX];
        const char *digest, *d, *manifest, *config;
        PushResult p;

        SKIP_UNLESS_READY();
        /* new repository: uploaded in chunks (BLOB_SIZE > push-chunk-size) */
        push_blob("pushed/app", T.blob_digest, T.blob, BLOB_SIZE, NULL, &p);
        assert_string_equal(p.error, "");
        assert_string_equal(p.status, "uploaded");
        push_result_done(&p);
        /* again: HEAD finds it */
        push_blob("pushed/app", T.blob_digest, T.blob, BLOB_SIZE, NULL, &p);
        assert_string_equal(p.error, "");
        assert_string_equal(p.status, "exists");
        push_result_done(&p);
        /* another repository: mounted */
        push_blob("other/app", T.blob_digest, T.blob, BLOB_SIZE, "pushed/app", &p);
        assert_string_equal(p.error, "");
        assert_string_equal(p.status, "mounted pushed/app");
        push_result_done(&p);
        /* the config: small, one PUT */
        assert_int_equal(sha256_digest(T.config, strlen(T.config), config_digest), 0);
        push_blob("pushed/app", config_digest, T.config, strlen(T.config), NULL, &p);
        assert_string_equal(p.error, "");
        assert_string_equal(p.status, "uploaded");
        push_result_done(&p);
        /* a wrong digest is refused by the registry */
        push_blob("pushed/app", "sha256:1111111111111111111111111111111111111111111111111111111111111111",
                  T.config, strlen(T.config), NULL, &p);
        assert_non_null(strstr(p.error, "HTTP 400"));
        assert_null(p.status);
        push_result_done(&p);

        assert_int_equal(sd_bus_call_method(T.bus, "org.wharf.Registry1", "/org/wharf/Registry1",
                                            "org.wharf.Registry1", "PushManifest", &error, &reply, "sssssa{sv}",
                                            T.registry, "pushed/app", "v2",
                                            "application/vnd.docker.distribution.manifest.v2+json", T.manifest, 0), 1);
        assert_int_equal(sd_bus_message_read(reply, "s", &digest), 1);
        assert_string_equal(digest, T.manifest_digest);

        /* and it resolves like any image */
        assert_int_equal(resolve(T.registry, "pushed/app", "v2", &error, &reply2), 1);
        assert_int_equal(sd_bus_message_read(reply2, "sss", &d, &manifest, &config), 1);
        assert_string_equal(d, T.manifest_digest);
        assert_string_equal(config, T.config);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_resolve),
                cmocka_unit_test(test_resolve_errors),
                cmocka_unit_test(test_fetch_blob_slow_reader),
                cmocka_unit_test(test_fetch_blob_concurrent),
                cmocka_unit_test(test_fetch_blob_errors),
                cmocka_unit_test(test_push),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
