/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Registry credentials in docker's client config ($DOCKER_CONFIG/config.json,
 * else ~/.docker/config.json): {"auths": {"<server>": {"auth":
 * base64("user:pass")}}}. Every other key of the file is kept as it is, so
 * the docker CLI and wharf share the file. Credential helpers (credsStore,
 * credHelpers) are not supported. */

#include <json-c/json.h>

/* malloc'd path of config.json */
char *auth_config_path(void);

/* Parses text (NULL or "" = empty config). -EBADMSG if it is not a JSON object. */
int auth_config_parse(const char *text, json_object **ret);
/* Reads path (missing = empty). */
int auth_config_load(const char *path, json_object **ret);
/* Writes path atomically with mode 0600 (its directory 0700 if created). */
int auth_config_save(const char *path, json_object *cfg);

/* Credentials for registry ("docker.io", "host:port"); keys are matched
 * after normalization (scheme and path dropped, docker.io's spellings).
 * -ENOENT when there are none, -EBADMSG when the entry is malformed. */
int auth_config_get(json_object *cfg, const char *registry, char **ret_user, char **ret_password);
int auth_config_set(json_object *cfg, const char *registry, const char *user, const char *password);
/* Removes every key naming registry; -ENOENT if there was none. */
int auth_config_remove(json_object *cfg, const char *registry);

/* docker's X-Registry-Auth value for user/password (URL-safe base64 of
 * {"username","password","serveraddress"}); malloc'd. */
char *auth_config_registry_auth(const char *registry, const char *user, const char *password);
