/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* External OCI runtimes (runc): which binary runs a container whose spec
 * carries the annotation org.wharf.runtime, and the config.json it gets.
 * execd only (json-c); the monitor runs the binary (monitor-oci.c). */

#include "spec.h"

#define OCI_RUNTIME_ANNOTATION "org.wharf.runtime"
#define OCI_RUNTIME_DEFAULT "wharf"

/* NULL, "" or "wharf": 0 and *ret_path NULL (wharf's own init). Otherwise
 * the environment variable WHARF_RUNTIME_<NAME> (upper case; an absolute
 * path) or, for "runc", "runc" found in PATH. -EINVAL for an unknown name,
 * -ENOENT for a known one that is not installed. */
int oci_runtime_resolve(const char *name, char **ret_path);

/* config.json for an external runtime: json as given, plus what wharf's own
 * init does without being asked (docker's spec has it all): the standard
 * mounts (/proc, /dev, /dev/pts, /dev/shm, /dev/mqueue, /sys) where the
 * spec has none at that destination, process.capabilities and
 * linux.maskedPaths/readonlyPaths as parsed (docker's defaults when
 * absent), and linux.cgroupsPath = cgroups_path when unset, so both
 * runtimes name the cgroup alike. */
int oci_spec_complete(const char *json, const ExecSpec *spec, const char *cgroups_path, char **ret);

/* name is the folder in RUN/exec where a runtime keeps its state (`--root`,
 * named after its binary: "runc"), not a container's */
bool oci_runtime_is_state_root(const char *name);
