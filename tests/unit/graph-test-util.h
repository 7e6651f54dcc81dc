/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Layer tarballs built in memory with libarchive's writer, for graphd's
 * tests. */

#include <archive.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <archive_entry.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

typedef struct TarEntry {
        const char *path;
        unsigned type;          /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFCHR; 0 = regular */
        unsigned mode;          /* permission bits; 0 = 0644/0755 */
        const char *data;       /* regular file contents */
        const char *symlink;    /* symlink target */
        const char *hardlink;   /* hard link target */
        unsigned uid, gid;
        const char *xattr_name, *xattr_value;
        size_t xattr_size;      /* binary values (security.capability); 0 = strlen */
} TarEntry;

enum {
        TAR_GZIP     = 1 << 0,
        TAR_UNPADDED = 1 << 1,  /* no zeros up to 10240 bytes after the end marker */
        TAR_ZSTD     = 1 << 2,
};

/* Returns a malloc'd tarball in *ret. With TAR_GZIP the tar inside is
 * unpadded, as libarchive pads only the compressed output, which we do not
 * want (it would be trailing garbage after the gzip stream). */
static inline int tar_build(const TarEntry *entries, size_t n, int flags, char **ret, size_t *ret_size) {
        bool gzip = flags & TAR_GZIP;
        struct archive *a = archive_write_new();
        char *buf = NULL;
        size_t size = 0;
        FILE *f;
        int r = -EIO;

        f = open_memstream(&buf, &size);
        if (!a || !f)
                goto finish;
        if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK)
                goto finish;
        if (gzip && archive_write_add_filter_gzip(a) != ARCHIVE_OK)
                goto finish;
        if ((flags & TAR_ZSTD) && archive_write_add_filter_zstd(a) != ARCHIVE_OK)
                goto finish;
        if ((flags & (TAR_GZIP | TAR_UNPADDED | TAR_ZSTD)) &&
            archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK)
                goto finish;
        if (archive_write_open_FILE(a, f) != ARCHIVE_OK)
                goto finish;

        for (size_t i = 0; i < n; i++) {
                const TarEntry *t = &entries[i];
                struct archive_entry *e = archive_entry_new();
                unsigned type = t->type ?: AE_IFREG;

                archive_entry_set_pathname(e, t->path);
                archive_entry_set_uid(e, t->uid);
                archive_entry_set_gid(e, t->gid);
                archive_entry_set_mtime(e, 1700000000, 0);
                if (t->hardlink) {
                        archive_entry_set_filetype(e, AE_IFREG);
                        archive_entry_set_perm(e, t->mode ?: 0644);
                        archive_entry_set_hardlink(e, t->hardlink);
                        archive_entry_set_size(e, 0);
                } else {
                        archive_entry_set_filetype(e, type);
                        archive_entry_set_perm(e, t->mode ?: (type == AE_IFDIR ? 0755 : 0644));
                        if (type == AE_IFLNK)
                                archive_entry_set_symlink(e, t->symlink);
                        archive_entry_set_size(e, type == AE_IFREG && t->data ? strlen(t->data) : 0);
                }
                if (t->xattr_name)
                        archive_entry_xattr_add_entry(e, t->xattr_name, t->xattr_value,
                                                      t->xattr_size ?: strlen(t->xattr_value));
                if (archive_write_header(a, e) != ARCHIVE_OK) {
                        archive_entry_free(e);
                        goto finish;
                }
                if (type == AE_IFREG && !t->hardlink && t->data &&
                    archive_write_data(a, t->data, strlen(t->data)) != (la_ssize_t) strlen(t->data)) {
                        archive_entry_free(e);
                        goto finish;
                }
                archive_entry_free(e);
        }
        if (archive_write_close(a) != ARCHIVE_OK)
                goto finish;
        r = 0;
finish:
        if (a)
                archive_write_free(a);
        if (f)
                fclose(f);
        if (r < 0) {
                free(buf);
                return r;
        }
        *ret = buf;
        *ret_size = size;
        return 0;
}
