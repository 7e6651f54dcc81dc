/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Named bus errors, shared by all daemons and the CLI; mapped to errno in
 * one table (bus-errors.c) so sd_bus_error_get_errno() works on them. */

#define WHARF_ERROR_NO_SUCH_IMAGE            "org.wharf.Error.NoSuchImage"
#define WHARF_ERROR_NO_SUCH_CONTAINER        "org.wharf.Error.NoSuchContainer"
#define WHARF_ERROR_NO_SUCH_JOB              "org.wharf.Error.NoSuchJob"
#define WHARF_ERROR_INVALID_REFERENCE        "org.wharf.Error.InvalidReference"
#define WHARF_ERROR_REGISTRY_UNREACHABLE     "org.wharf.Error.RegistryUnreachable"
#define WHARF_ERROR_INVALID_MANIFEST         "org.wharf.Error.InvalidManifest"
#define WHARF_ERROR_DIGEST_MISMATCH          "org.wharf.Error.DigestMismatch"
#define WHARF_ERROR_INVALID_LAYER            "org.wharf.Error.InvalidLayer"
#define WHARF_ERROR_COMMAND_NOT_FOUND        "org.wharf.Error.CommandNotFound"
#define WHARF_ERROR_COMMAND_NOT_EXECUTABLE   "org.wharf.Error.CommandNotExecutable"
#define WHARF_ERROR_IMAGE_IN_USE             "org.wharf.Error.ImageInUse"
#define WHARF_ERROR_CONTAINER_RUNNING        "org.wharf.Error.ContainerRunning"
#define WHARF_ERROR_CONTAINER_NOT_RUNNING    "org.wharf.Error.ContainerNotRunning"
#define WHARF_ERROR_NAME_IN_USE              "org.wharf.Error.NameInUse"
#define WHARF_ERROR_BACKEND_FAILED           "org.wharf.Error.BackendFailed"
#define WHARF_ERROR_AMBIGUOUS                "org.wharf.Error.Ambiguous"
#define WHARF_ERROR_CONTAINER_PAUSED         "org.wharf.Error.ContainerPaused"
#define WHARF_ERROR_CONTAINER_NOT_PAUSED     "org.wharf.Error.ContainerNotPaused"
#define WHARF_ERROR_NO_SUCH_BLOB             "org.wharf.Error.NoSuchBlob"
/* networks (netd, wharfd) */
#define WHARF_ERROR_NO_SUCH_NETWORK          "org.wharf.Error.NoSuchNetwork"
#define WHARF_ERROR_NETWORK_IN_USE           "org.wharf.Error.NetworkInUse"
#define WHARF_ERROR_PORT_IN_USE              "org.wharf.Error.PortInUse"
#define WHARF_ERROR_UNAUTHORIZED             "org.wharf.Error.Unauthorized"
/* volumes (graphd, wharfd) */
#define WHARF_ERROR_NO_SUCH_VOLUME           "org.wharf.Error.NoSuchVolume"
#define WHARF_ERROR_VOLUME_IN_USE            "org.wharf.Error.VolumeInUse"

/* Registers the table with sd-bus; call once at start-up. */
int bus_errors_register(void);
