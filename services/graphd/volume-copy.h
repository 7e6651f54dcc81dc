/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* docker's copy-up: a new volume mounted over a directory of the image
 * starts with that directory's content. */

#include <stddef.h>

/* When the directory data is empty and path (absolute, resolved inside
 * rootfs: its symlinks cannot lead out) is a directory in rootfs, copy its
 * content into data: directories, regular files, symlinks as symlinks,
 * devices and fifos; hard links become copies; modes, owners and times
 * kept. data then takes path's mode and owner. Nothing to do is success.
 * Blocking: graphd runs it in a child. On failure, a one-line reason in err. */
int volume_copy_up(const char *rootfs, const char *path, const char *data, char *err, size_t err_size);

/* 1 when the directory data has no entry, 0 when it has, < 0 on error. */
int volume_data_is_empty(const char *data);
