/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdarg.h>

#include "digest.h"
#include "host-platform.h"
#include "json-util.h"
#include "macro.h"
#include "manifest.h"

static void descriptor_done(Descriptor *d) {
        free(d->media_type);
        free(d->digest);
        free(d->os);
        free(d->architecture);
        free(d->variant);
        *d = (Descriptor) {};
}

void manifest_done(Manifest *m) {
        free(m->media_type);
        descriptor_done(&m->config);
        for (size_t i = 0; i < m->n_layers; i++)
                descriptor_done(&m->layers[i]);
        free(m->layers);
        for (size_t i = 0; i < m->n_manifests; i++)
                descriptor_done(&m->manifests[i]);
        free(m->manifests);
        *m = (Manifest) {};
}

_printf_(2, 3)
static int set_error(char **ret_error, const char *fmt, ...) {
        va_list ap;

        if (!ret_error)
                return 0;
        free(*ret_error);
        va_start(ap, fmt);
        if (vasprintf(ret_error, fmt, ap) < 0)
                *ret_error = NULL;
        va_end(ap);
        return 0;
}

static int strdup_opt(const char *s, char **ret) {
        if (!s) {
                *ret = NULL;
                return 0;
        }
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}

/* The media type without parameters ("; charset=utf-8") in buf. */
static const char *media_type_base(const char *s, char *buf, size_t size) {
        size_t n;

        if (!s)
                return NULL;
        while (*s == ' ')
                s++;
        n = strcspn(s, "; \t");
        if (n == 0 || n >= size)
                return NULL;
        memcpy(buf, s, n);
        buf[n] = 0;
        return buf;
}

static int descriptor_parse(json_object *o, bool with_platform, const char *what,
                            Descriptor *ret, char **ret_error) {
        _cleanup_(descriptor_done) Descriptor d = {};
        const char *digest;
        int r;

        if (!o || !json_object_is_type(o, json_type_object))
                return set_error(ret_error, "%s is not an object", what), -EBADMSG;

        digest = json_get_string(o, "digest");
        if (!digest)
                return set_error(ret_error, "%s has no digest", what), -EBADMSG;
        if (!digest_is_valid(digest))
                return set_error(ret_error, "%s has an unsupported or invalid digest \"%.80s\"", what, digest),
                       -EBADMSG;
        r = json_get_uint64(o, "size", &d.size);
        if (r == -ENOENT)
                return set_error(ret_error, "%s has no size", what), -EBADMSG;
        if (r < 0)
                return set_error(ret_error, "%s has an invalid size", what), -EBADMSG;

        if (strdup_opt(digest, &d.digest) < 0 ||
            strdup_opt(json_get_string(o, "mediaType"), &d.media_type) < 0)
                return -ENOMEM;

        if (with_platform) {
                json_object *p;

                /* entries without platform (e.g. attestations) just never match */
                if (json_object_object_get_ex(o, "platform", &p) &&
                    json_object_is_type(p, json_type_object))
                        if (strdup_opt(json_get_string(p, "os"), &d.os) < 0 ||
                            strdup_opt(json_get_string(p, "architecture"), &d.architecture) < 0 ||
                            strdup_opt(json_get_string(p, "variant"), &d.variant) < 0)
                                return -ENOMEM;
        }

        *ret = d;
        d = (Descriptor) {};
        return 0;
}

static int descriptor_array_parse(json_object *root, const char *key, bool with_platform, size_t max,
                                  Descriptor **ret, size_t *ret_n, char **ret_error) {
        json_object *a;
        Descriptor *l;
        size_t n;
        int r;

        if (!json_object_object_get_ex(root, key, &a) || !json_object_is_type(a, json_type_array))
                return set_error(ret_error, "manifest has no \"%s\" array", key), -EBADMSG;
        n = json_object_array_length(a);
        if (n > max)
                return set_error(ret_error, "manifest has too many %s (%zu, at most %zu)", key, n, max),
                       -EBADMSG;

        l = calloc(n ?: 1, sizeof(Descriptor));
        if (!l)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++) {
                char what[64];

                snprintf(what, sizeof what, "%s[%zu]", key, i);
                r = descriptor_parse(json_object_array_get_idx(a, i), with_platform, what, &l[i], ret_error);
                if (r < 0) {
                        for (size_t j = 0; j < i; j++)
                                descriptor_done(&l[j]);
                        free(l);
                        return r;
                }
        }
        *ret = l;
        *ret_n = n;
        return 0;
}

int manifest_parse(const char *data, size_t size, const char *content_type,
                   Manifest *ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *root = NULL;
        _cleanup_(manifest_done) Manifest m = {};
        char ctbuf[128];
        const char *mt, *ct;
        uint64_t schema_version;
        int r;

        if (size > MANIFEST_SIZE_MAX)
                return set_error(ret_error, "manifest too large (%zu bytes, at most %u)", size, MANIFEST_SIZE_MAX),
                       -EFBIG;

        ct = media_type_base(content_type, ctbuf, sizeof ctbuf);
        /* schema1 is recognisable by its content type even when its body is odd */
        if (ct && (streq(ct, MEDIA_TYPE_DOCKER_SCHEMA1) || streq(ct, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED)))
                return set_error(ret_error, "schema1 manifests are not supported"), -EPROTONOSUPPORT;

        if (json_parse_strict(data, size, &root) < 0)
                return set_error(ret_error, "manifest is not valid JSON"), -EBADMSG;
        if (!json_object_is_type(root, json_type_object))
                return set_error(ret_error, "manifest is not a JSON object"), -EBADMSG;

        r = json_get_uint64(root, "schemaVersion", &schema_version);
        if (r < 0)
                return set_error(ret_error, "manifest has no valid schemaVersion"), -EBADMSG;
        if (schema_version == 1)
                return set_error(ret_error, "schema1 manifests are not supported"), -EPROTONOSUPPORT;
        if (schema_version != 2)
                return set_error(ret_error, "unsupported manifest schemaVersion %" PRIu64, schema_version),
                       -EBADMSG;

        /* The body's own mediaType wins; registries are sloppy with Content-Type. */
        mt = json_get_string(root, "mediaType");
        if (!mt && ct && (streq(ct, MEDIA_TYPE_DOCKER_MANIFEST) || streq(ct, MEDIA_TYPE_DOCKER_MANIFEST_LIST) ||
                          streq(ct, MEDIA_TYPE_OCI_MANIFEST) || streq(ct, MEDIA_TYPE_OCI_INDEX)))
                mt = ct;
        if (!mt) {
                /* OCI allows omitting mediaType: tell by shape */
                json_object *dummy;
                mt = json_object_object_get_ex(root, "manifests", &dummy) ? MEDIA_TYPE_OCI_INDEX
                                                                          : MEDIA_TYPE_OCI_MANIFEST;
        }

        if (streq(mt, MEDIA_TYPE_DOCKER_SCHEMA1) || streq(mt, MEDIA_TYPE_DOCKER_SCHEMA1_SIGNED))
                return set_error(ret_error, "schema1 manifests are not supported"), -EPROTONOSUPPORT;
        if (streq(mt, MEDIA_TYPE_DOCKER_MANIFEST) || streq(mt, MEDIA_TYPE_OCI_MANIFEST)) {
                json_object *config;

                m.kind = MANIFEST_IMAGE;
                if (!json_object_object_get_ex(root, "config", &config))
                        return set_error(ret_error, "manifest has no config"), -EBADMSG;
                r = descriptor_parse(config, false, "config", &m.config, ret_error);
                if (r < 0)
                        return r;
                r = descriptor_array_parse(root, "layers", false, MANIFEST_LAYERS_MAX,
                                           &m.layers, &m.n_layers, ret_error);
                if (r < 0)
                        return r;
        } else if (streq(mt, MEDIA_TYPE_DOCKER_MANIFEST_LIST) || streq(mt, MEDIA_TYPE_OCI_INDEX)) {
                m.kind = MANIFEST_INDEX;
                r = descriptor_array_parse(root, "manifests", true, MANIFEST_ENTRIES_MAX,
                                           &m.manifests, &m.n_manifests, ret_error);
                if (r < 0)
                        return r;
        } else
                return set_error(ret_error, "unsupported manifest media type \"%.100s\"", mt), -EBADMSG;

        m.media_type = strdup(mt);
        if (!m.media_type)
                return -ENOMEM;

        *ret = m;
        m = (Manifest) {};
        return 0;
}

static bool platform_word_valid(const char *s, size_t n) {
        if (n == 0 || n >= 32)
                return false;
        for (size_t i = 0; i < n; i++)
                if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
                        return false;
        return true;
}

int platform_parse(const char *s, Platform *ret) {
        Platform p = {};
        const char *parts[3] = {};
        size_t lens[3] = {}, n = 0;

        if (isempty(s)) {
                strcpy(p.os, "linux");
                strcpy(p.architecture, host_architecture());
                *ret = p;
                return 0;
        }
        for (const char *q = s;; ) {
                const char *e = strchr(q, '/');
                if (n == 3)
                        return -EINVAL;
                parts[n] = q;
                lens[n] = e ? (size_t) (e - q) : strlen(q);
                if (!platform_word_valid(parts[n], lens[n]))
                        return -EINVAL;
                n++;
                if (!e)
                        break;
                q = e + 1;
        }
        if (n < 2)
                return -EINVAL;
        memcpy(p.os, parts[0], lens[0]);
        memcpy(p.architecture, parts[1], lens[1]);
        if (n == 3)
                memcpy(p.variant, parts[2], lens[2]);
        *ret = p;
        return 0;
}

const char *platform_format(const Platform *p, char *buf, size_t size) {
        snprintf(buf, size, "%s/%s%s%s", p->os, p->architecture, *p->variant ? "/" : "", p->variant);
        return buf;
}

static bool variant_matches(const Platform *want, const Descriptor *d) {
        if (!*want->variant)
                return true;
        if (streq_ptr(d->variant, want->variant))
                return true;
        /* arm64 images usually leave out the only variant, v8 */
        return streq(want->architecture, "arm64") && streq(want->variant, "v8") && isempty(d->variant);
}

int manifest_select_platform(const Manifest *index, const Platform *platform, const Descriptor **ret) {
        if (index->kind != MANIFEST_INDEX)
                return -EINVAL;

        for (size_t i = 0; i < index->n_manifests; i++) {
                const Descriptor *d = &index->manifests[i];

                /* nested indexes and attestation blobs are not runnable images */
                if (d->media_type && !streq(d->media_type, MEDIA_TYPE_DOCKER_MANIFEST) &&
                    !streq(d->media_type, MEDIA_TYPE_OCI_MANIFEST))
                        continue;
                if (!streq_ptr(d->os, platform->os) || !streq_ptr(d->architecture, platform->architecture))
                        continue;
                if (!variant_matches(platform, d))
                        continue;
                *ret = d;
                return 0;
        }
        return -ENOENT;
}
