/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>
#include <stddef.h>

/* mkdir -p; existing directories are fine. */
int mkdir_p(const char *path, mode_t mode);

/* Write data to path atomically: temp file beside it, fsync, rename, fsync dir. */
int write_file_atomic(const char *path, const void *data, size_t size, mode_t mode);
/* The same without the fsyncs: readers see the old or the new file, but a
 * crash may lose it; for records that need not outlive one. */
int write_file_atomic_nosync(const char *path, const void *data, size_t size, mode_t mode);

/* Read a whole file (at most max bytes, else -EFBIG); NUL-terminated. */
int read_full_file(const char *path, char **ret, size_t *ret_size, size_t max);

/* Remove a tree without crossing into other file systems (refuses "/"). */
int rm_rf(const char *path);

/* Remove the tree below dir_fd's entry name (relative, openat based). */
int rm_rf_at(int dir_fd, const char *name);

/* malloc'd "a/b"; NULL on OOM */
char *path_join(const char *a, const char *b);

/* Write all of buf, retrying on EINTR and short writes. */
int loop_write(int fd, const void *buf, size_t size);
