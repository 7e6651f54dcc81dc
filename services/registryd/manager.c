/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <inttypes.h>

#include "auth.h"
#include "credentials.h"
#include "bus-errors.h"
#include "daemon.h"
#include "digest.h"
#include "reference.h"
#include "log.h"
#include "login.h"
#include "push.h"
#include "macro.h"
#include "manager.h"
#include "registry-api.h"
#include "resolve.h"
#include "transfer.h"

#include "config.h"

/* Runs before sd-bus flushes and closes the connection at exit, so that
 * callers hear why their call or transfer ended. */
static int manager_on_exit(sd_event_source *s, void *userdata) {
        Manager *m = userdata;

        m->max_active = 0;
        while (m->resolves)
                resolve_abort(m->resolves, "registryd is shutting down");
        while (m->transfers)
                transfer_finish(m->transfers, "registryd is shutting down");
        pushes_free_all(m);
        return 0;
}

int manager_new(sd_event *event, Manager **ret) {
        Manager *m;
        int r;

        m = calloc(1, sizeof(*m));
        if (!m)
                return -ENOMEM;
        m->event = sd_event_ref(event);
        m->max_active = TRANSFERS_ACTIVE_DEFAULT;
        registries_conf_init(&m->conf);
        r = curl_glue_new(event, &m->glue);
        if (r >= 0)
                r = sd_event_add_exit(event, &m->exit_source, manager_on_exit, m);
        if (r >= 0)
                r = sd_event_source_set_priority(m->exit_source, SD_EVENT_PRIORITY_IMPORTANT - 10);
        if (r < 0) {
                manager_free(m);
                return r;
        }
        *ret = m;
        return 0;
}

Manager *manager_free(Manager *m) {
        if (!m)
                return NULL;
        sd_event_source_disable_unref(m->exit_source);
        while (m->resolves)
                resolve_free(m->resolves);
        while (m->transfers)
                transfer_free(m->transfers);
        while (m->pushes)
                blob_push_free(m->pushes);
        auth_tokens_free(m);
        strv_free(m->basic_registries);
        registries_conf_done(&m->conf);
        curl_glue_free(m->glue);
        sd_bus_flush_close_unref(m->bus);
        sd_event_unref(m->event);
        free(m);
        return NULL;
}

int manager_load_config(Manager *m) {
        _cleanup_(freep) char *error = NULL;
        const char *path = getenv(REGISTRIES_CONF_ENV) ?: REGISTRIES_CONF_PATH;
        int r;

        registries_conf_done(&m->conf);
        r = registries_conf_load(path, &m->conf, &error);
        if (r < 0 && error)
                return log_error_errno(r, "%s: %s", path, error);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", path);
        m->max_active = m->conf.max_concurrent_downloads;
        log_debug("%s: %u parallel downloads, %u retries, %zu registries configured", path,
                  m->conf.max_concurrent_downloads, m->conf.retries, m->conf.n_registries);
        return 0;
}

bool manager_plain_http_ok(Manager *m, const char *registry) {
        return registry_is_loopback(registry) || registries_conf_insecure(&m->conf, registry);
}

char *manager_url(Manager *m, const char *registry, const char *repository, const char *kind, const char *ref) {
        return registry_api_url(registry, manager_plain_http_ok(m, registry), repository, kind, ref);
}

int manager_endpoints(Manager *m, const char *registry, char ***ret) {
        _cleanup_(strv_freep) char **l = strv_copy(registries_conf_mirrors(&m->conf, registry));

        if (!l && registries_conf_mirrors(&m->conf, registry))
                return -ENOMEM;
        if (strv_extend(&l, registry) < 0)
                return -ENOMEM;
        *ret = TAKE_PTR(l);
        return 0;
}

int manager_read_options(sd_bus_message *msg, Credentials *creds, char ***mount_from, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(msg, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(msg, 'e', "sv")) > 0) {
                const char *key, *v;

                r = sd_bus_message_read(msg, "s", &key);
                if (r < 0)
                        return r;
                if (streq(key, "RegistryAuth")) {
                        r = sd_bus_message_read(msg, "v", "s", &v);
                        if (r < 0)
                                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "RegistryAuth must be a string");
                        credentials_done(creds);
                        r = credentials_parse_registry_auth(v, creds);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0)
                                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid RegistryAuth value");
                } else if (streq(key, "MountFrom") && mount_from) {
                        r = sd_bus_message_enter_container(msg, 'v', "as");
                        if (r < 0)
                                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "MountFrom must be a string array");
                        strv_free(*mount_from);
                        *mount_from = NULL;
                        r = sd_bus_message_read_strv(msg, mount_from);
                        if (r < 0)
                                return r;
                        r = sd_bus_message_exit_container(msg);
                        if (r < 0)
                                return r;
                } else {
                        r = sd_bus_message_skip(msg, "v");
                        if (r < 0)
                                return r;
                }
                r = sd_bus_message_exit_container(msg);
                if (r < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(msg);
}

void manager_dispatch_transfers(Manager *m) {
        /* transfer_start() may finish a transfer, which calls us again */
        if (m->dispatching)
                return;
        m->dispatching = true;
        for (Transfer *t = m->transfers; t && m->n_active < m->max_active; ) {
                Transfer *next = transfer_next(t);
                if (transfer_is_queued(t)) {
                        transfer_start(t);
                        /* t may be gone, and so may be next: start over */
                        t = m->transfers;
                        continue;
                }
                t = next;
        }
        m->dispatching = false;
}

static int method_resolve_image(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *registry, *repository, *reference, *platform;
        int r;

        _cleanup_(credentials_done) Credentials creds = {};

        r = sd_bus_message_read(msg, "ssss", &registry, &repository, &reference, &platform);
        if (r < 0)
                return r;
        r = manager_read_options(msg, &creds, NULL, error);
        if (r < 0)
                return r;
        return resolve_start(m, msg, registry, repository, reference, platform, &creds, error);
}

static int method_fetch_blob(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        const char *registry, *repository, *digest;
        _cleanup_(closep) int fd = -EBADF;
        _cleanup_(credentials_done) Credentials creds = {};
        Transfer *t;
        uint64_t size;
        int bus_fd, flags, r;

        r = sd_bus_message_read(msg, "sssth", &registry, &repository, &digest, &size, &bus_fd);
        if (r < 0)
                return r;
        r = manager_read_options(msg, &creds, NULL, error);
        if (r < 0)
                return r;
        if (!registry_api_registry_is_valid(registry))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid registry \"%s\"", registry);
        if (!registry_api_repository_is_valid(repository))
                return sd_bus_error_setf(error, WHARF_ERROR_INVALID_REFERENCE, "invalid repository name \"%s\"",
                                         repository);
        if (!digest_is_valid(digest))
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid digest \"%s\"", digest);
        if (m->n_transfers >= TRANSFERS_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "too many transfers");

        flags = fcntl(bus_fd, F_GETFL);
        if (flags < 0)
                return -errno;
        if ((flags & O_ACCMODE) == O_RDONLY)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "fd is not open for writing");

        /* the message owns bus_fd; ours must outlive it */
        fd = fcntl(bus_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        /* graphd may read slower than we download: never block on it */
        if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
                return -errno;

        r = transfer_new(m, registry, repository, digest, size, TAKE_FD(fd), &creds, &t);
        if (r < 0)
                return r;

        log_debug("Transfer %" PRIu32 " queued: %s/%s@%s (%" PRIu64 " bytes)",
                  transfer_id(t), registry, repository, digest, size);

        /* reply before anything can emit TransferDone for this id */
        r = sd_bus_reply_method_return(msg, "u", transfer_id(t));
        if (r < 0) {
                transfer_free(t);
                return r;
        }
        manager_dispatch_transfers(m);
        return 1;
}

static int method_check_auth(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(credentials_done) Credentials creds = {};
        Manager *m = userdata;
        const char *registry;
        int r;

        r = sd_bus_message_read(msg, "s", &registry);
        if (r < 0)
                return r;
        r = manager_read_options(msg, &creds, NULL, error);
        if (r < 0)
                return r;
        return login_start(m, msg, registry, &creds, error);
}

static int method_push_blob(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(credentials_done) Credentials creds = {};
        _cleanup_(strv_freep) char **mount_from = NULL;
        _cleanup_(closep) int fd = -EBADF;
        Manager *m = userdata;
        const char *registry, *repository, *digest;
        uint64_t size;
        int bus_fd, r;

        r = sd_bus_message_read(msg, "sssth", &registry, &repository, &digest, &size, &bus_fd);
        if (r < 0)
                return r;
        r = manager_read_options(msg, &creds, &mount_from, error);
        if (r < 0)
                return r;
        if (m->n_transfers >= TRANSFERS_MAX)
                return sd_bus_error_setf(error, SD_BUS_ERROR_LIMITS_EXCEEDED, "too many transfers");
        fd = fcntl(bus_fd, F_DUPFD_CLOEXEC, 3);
        if (fd < 0)
                return -errno;
        r = blob_push_start(m, msg, registry, repository, digest, size, TAKE_FD(fd), &creds, mount_from, error);
        if (r >= 0)
                mount_from = NULL; /* taken */
        return r;
}

static int method_push_manifest(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        _cleanup_(credentials_done) Credentials creds = {};
        Manager *m = userdata;
        const char *registry, *repository, *reference, *media_type, *manifest;
        int r;

        r = sd_bus_message_read(msg, "sssss", &registry, &repository, &reference, &media_type, &manifest);
        if (r < 0)
                return r;
        r = manager_read_options(msg, &creds, NULL, error);
        if (r < 0)
                return r;
        return manifest_push_start(m, msg, registry, repository, reference, media_type, manifest, &creds, error);
}

static int method_cancel_transfer(sd_bus_message *msg, void *userdata, sd_bus_error *error) {
        Manager *m = userdata;
        Transfer *t;
        uint32_t id;
        int r;

        r = sd_bus_message_read(msg, "u", &id);
        if (r < 0)
                return r;
        t = manager_find_transfer(m, id);
        if (!t && blob_push_cancel(m, id, "canceled"))
                return sd_bus_reply_method_return(msg, NULL);
        if (!t)
                return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "no transfer %" PRIu32, id);

        transfer_finish(t, "canceled");
        return sd_bus_reply_method_return(msg, NULL);
}

const sd_bus_vtable registry_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_NAMES("ResolveImage",
                                 "ssssa{sv}", SD_BUS_PARAM(registry) SD_BUS_PARAM(repository)
                                         SD_BUS_PARAM(reference) SD_BUS_PARAM(platform) SD_BUS_PARAM(options),
                                 "sss", SD_BUS_PARAM(manifest_digest) SD_BUS_PARAM(manifest)
                                        SD_BUS_PARAM(config),
                                 method_resolve_image, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("FetchBlob",
                                 "ssstha{sv}", SD_BUS_PARAM(registry) SD_BUS_PARAM(repository)
                                          SD_BUS_PARAM(digest) SD_BUS_PARAM(size) SD_BUS_PARAM(fd)
                                          SD_BUS_PARAM(options),
                                 "u", SD_BUS_PARAM(transfer_id),
                                 method_fetch_blob, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("CheckAuth",
                                 "sa{sv}", SD_BUS_PARAM(registry) SD_BUS_PARAM(options),
                                 "s", SD_BUS_PARAM(status),
                                 method_check_auth, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PushBlob",
                                 "ssstha{sv}", SD_BUS_PARAM(registry) SD_BUS_PARAM(repository)
                                          SD_BUS_PARAM(digest) SD_BUS_PARAM(size) SD_BUS_PARAM(fd)
                                          SD_BUS_PARAM(options),
                                 "u", SD_BUS_PARAM(transfer_id),
                                 method_push_blob, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("PushManifest",
                                 "sssssa{sv}", SD_BUS_PARAM(registry) SD_BUS_PARAM(repository)
                                          SD_BUS_PARAM(reference) SD_BUS_PARAM(media_type)
                                          SD_BUS_PARAM(manifest) SD_BUS_PARAM(options),
                                 "s", SD_BUS_PARAM(digest),
                                 method_push_manifest, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD_WITH_NAMES("CancelTransfer",
                                 "u", SD_BUS_PARAM(transfer_id),
                                 NULL,,
                                 method_cancel_transfer, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL_WITH_NAMES("TransferProgress",
                                 "utt", SD_BUS_PARAM(transfer_id) SD_BUS_PARAM(bytes) SD_BUS_PARAM(total), 0),
        SD_BUS_SIGNAL_WITH_NAMES("PushStatus",
                                 "us", SD_BUS_PARAM(transfer_id) SD_BUS_PARAM(status), 0),
        SD_BUS_SIGNAL_WITH_NAMES("TransferDone",
                                 "us", SD_BUS_PARAM(transfer_id) SD_BUS_PARAM(error), 0),
        SD_BUS_PROPERTY("Version", "s", bus_property_get_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("MaxConcurrentDownloads", "u", NULL, offsetof(Manager, max_active),
                        SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_VTABLE_END
};

int manager_connect_bus(Manager *m) {
        int r;

        r = daemon_bus_open(m->event, &m->bus);
        if (r < 0)
                return log_error_errno(r, "Failed to connect to the system bus: %m");
        r = sd_bus_add_object_vtable(m->bus, NULL, REGISTRY_OBJECT_PATH, REGISTRY_INTERFACE, registry_vtable, m);
        if (r < 0)
                return log_error_errno(r, "Failed to add the object vtable: %m");
        r = daemon_bus_request_name(m->bus, REGISTRY_BUS_NAME);
        if (r < 0)
                return log_error_errno(r, "Failed to request the name %s: %m", REGISTRY_BUS_NAME);
        return 0;
}
