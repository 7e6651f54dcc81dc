/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* registries.conf: how registryd treats registries (docs/registry.md).
 * A small INI file, read once at start-up (before registryd drops to its
 * unprivileged user):
 *
 *   [global]
 *   max-concurrent-downloads = 3      # blob transfers at once (1..64)
 *   retries = 3                       # per request, on connection errors and 5xx (0..10)
 *   push-chunk-size = 16777216        # larger blobs are pushed in PATCH chunks of this size
 *
 *   [registry "docker.io"]
 *   mirror = 127.0.0.1:5001           # tried first, in order; then the registry
 *   mirror = mirror.example.com
 *
 *   [registry "10.0.0.5:5000"]
 *   insecure = true                   # plain HTTP allowed (else loopback only)
 *
 * '#' and ';' start comments; blank lines are ignored; keys are
 * case-sensitive; unknown keys and sections are errors (typos must not go
 * unnoticed). */

#include <stdbool.h>

#define REGISTRIES_CONF_PATH "/etc/wharf/registries.conf"
#define REGISTRIES_CONF_ENV "WHARF_REGISTRIES_CONF"
#define REGISTRIES_CONF_DOWNLOADS_DEFAULT 3U
#define REGISTRIES_CONF_DOWNLOADS_MAX 64U
#define REGISTRIES_CONF_RETRIES_DEFAULT 3U
#define REGISTRIES_CONF_RETRIES_MAX 10U
#define REGISTRIES_CONF_CHUNK_DEFAULT (16U * 1024U * 1024U)
#define REGISTRIES_CONF_CHUNK_MIN 1024U

typedef struct RegistryConf {
        char *name;
        char **mirrors;  /* strv */
        bool insecure;
} RegistryConf;

typedef struct RegistriesConf {
        unsigned max_concurrent_downloads;
        unsigned retries;
        unsigned push_chunk_size;
        RegistryConf *registries;
        size_t n_registries;
} RegistriesConf;

void registries_conf_init(RegistriesConf *c);
void registries_conf_done(RegistriesConf *c);

/* Parses text into c (initialized first). -EINVAL with *ret_error ("line 3:
 * unknown key \"foo\"") on a bad file. */
int registries_conf_parse(const char *text, RegistriesConf *c, char **ret_error);

/* Reads path; a missing file is the defaults. */
int registries_conf_load(const char *path, RegistriesConf *c, char **ret_error);

const RegistryConf *registries_conf_find(const RegistriesConf *c, const char *registry);
bool registries_conf_insecure(const RegistriesConf *c, const char *registry);
/* NULL-terminated; NULL when there are none */
char * const *registries_conf_mirrors(const RegistriesConf *c, const char *registry);
