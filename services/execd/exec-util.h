/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Small pure helpers of the container process model, shared by wharf-monitor
 * and the unit tests. */

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define EXEC_DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* wait status -> docker's exit code: the exit status, or 128+signal */
int exit_code_from_status(int wstatus);

/* The PATH value from an environment (NULL-terminated "NAME=VALUE" list),
 * or EXEC_DEFAULT_PATH when it has none. */
const char *exec_env_path(char * const *env);

/* Resolves name as execvp does, but like Go's exec.LookPath (which docker's
 * runtimes use): a name with a '/' is taken as is; otherwise the first
 * executable regular file in path's absolute entries wins. Writes the result
 * into buf. Returns 0, -ENOENT when nothing was found, -ENAMETOOLONG. */
int exec_path_lookup(const char *name, const char *path, char *buf, size_t size);

/* docker's units.FromHumanSize (log-opt max-size): "10m", "1.5k", "100"
 * (bytes), decimal multiples k/m/g/t/p with an optional "b"/"B". */
int log_size_parse(const char *s, uint64_t *ret);

/* Writes a file under RUN atomically (temp file beside it + rename) without
 * fsync: runtime state does not survive a reboot, so syncing it to disk only
 * costs time (ms each on a disk-backed RUN). */
int run_file_write(const char *path, const void *data, size_t size, mode_t mode);
