/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker login's server names: "", "https://index.docker.io/v1/",
 * "http://host:port", "host:port/v2/" all name a registry, "docker.io" or
 * "host:port". config.json keys are such names; docker.io is stored under
 * "https://index.docker.io/v1/" as the docker CLI does. */

#define REGISTRY_SERVER_DOCKER_IO "https://index.docker.io/v1/"

/* malloc'd registry name for server; -ENOMEM only. */
int registry_server_normalize(const char *server, char **ret);

/* The config.json key to write for registry (as docker writes it). */
const char *registry_server_config_key(const char *registry);
