/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The host's device nodes for docker's --privileged (containerd's
 * oci.HostDevices): every character and block device below a /dev tree,
 * as OCI linux.devices entries. */

#include <json-c/json.h>

/* Walks dir (the host's "/dev"; another tree in tests) and returns a JSON
 * array of {path, type, major, minor, fileMode, uid, gid}, path being
 * "/dev/" + the name relative to dir. Skips, as containerd: the directories
 * pts, shm, fd, mqueue, .lxc, .lxd-mounts, .udev, files named console,
 * symlinks, fifos and everything that is not a device. */
int host_devices_json(const char *dir, json_object **ret);
