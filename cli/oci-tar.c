/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf-oci-tar: the CLI's converter between an OCI image layout directory
 * and the tar stream the engine reads (load -i oci:DIR) or writes (save -o
 * oci:DIR, --format oci-dir). A program of its own so that the CLI links
 * no libarchive; run by the CLI only:
 *
 *   wharf-oci-tar write DIR [TAG]   tar on stdin -> DIR (TAG: merge index.json)
 *   wharf-oci-tar read DIR [-]      DIR -> tar on stdout ("-": index.json on fd 3)
 */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-util.h"
#include "macro.h"
#include "oci-layout.h"

#define OCI_BUFFER_SIZE (128U * 1024U)

static bool oci_name_ok(const char *p) {
        const char *h;

        if (streq(p, "oci-layout") || streq(p, "index.json"))
                return true;
        if (!(h = startswith(p, "blobs/sha256/")) || strlen(h) != 64)
                return false;
        return strspn(h, "0123456789abcdef") == 64;
}

/* with a tag the saved image joins the layout's index.json under that
 * name, as skopeo copy ... oci:DIR:TAG does */
static int oci_index_write_merged(const char *dir, const char *tag, const char *added) {
        _cleanup_(freep) char *path = path_join(dir, "index.json"), *old = NULL, *merged = NULL, *error = NULL;
        int r;

        if (!path)
                return -1;
        r = read_full_file(path, &old, NULL, OCI_INDEX_MAX);
        if (r < 0 && r != -ENOENT) {
                fprintf(stderr, "Error: cannot read %s: %s\n", path, strerror(-r));
                return -1;
        }
        r = oci_index_merge_tag(old, added, tag, &merged, &error);
        if (r >= 0)
                r = write_file_atomic(path, merged, strlen(merged), 0644);
        if (r < 0) {
                fprintf(stderr, "Error: %s: %s\n", path, error ?: strerror(-r));
                return -1;
        }
        return 0;
}

/* the tar on fd -> the OCI layout parts of it under dir */
static int oci_dir_write(int fd, const OciLayoutJob *job) {
        static char buf[OCI_BUFFER_SIZE];
        struct archive *a = archive_read_new();
        struct archive_entry *ae;
        _cleanup_(freep) char *blobs = NULL, *index = NULL;
        const char *dir = job->dir;
        size_t index_size = 0;

        if (asprintf(&blobs, "%s/blobs/sha256", dir) < 0 || mkdir_p(blobs, 0755) < 0) {
                fprintf(stderr, "Error: cannot create %s: %m\n", dir);
                return -1;
        }
        archive_read_support_format_tar(a);
        if (archive_read_open_fd(a, fd, OCI_BUFFER_SIZE) != ARCHIVE_OK)
                return -1;
        while (archive_read_next_header(a, &ae) == ARCHIVE_OK) {
                const char *name = archive_entry_pathname(ae);
                _cleanup_(freep) char *path = NULL;
                _cleanup_(closep) int out = -EBADF;

                if (archive_entry_filetype(ae) != AE_IFREG || !oci_name_ok(name))
                        continue;
                if (job->tag && streq(name, "index.json")) {
                        /* kept for the merge once every blob is in place */
                        for (;;) {
                                char *p;
                                la_ssize_t n = archive_read_data(a, buf, sizeof buf);
                                if (n < 0)
                                        return -1;
                                if (n == 0)
                                        break;
                                if (index_size + n > OCI_INDEX_MAX || !(p = realloc(index, index_size + n + 1)))
                                        return -1;
                                index = p;
                                memcpy(index + index_size, buf, n);
                                index_size += n;
                                index[index_size] = 0;
                        }
                        continue;
                }
                path = path_join(dir, name);
                out = path ? open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) : -1;
                if (out < 0) {
                        fprintf(stderr, "Error: cannot write %s/%s: %m\n", dir, name);
                        return -1;
                }
                for (;;) {
                        la_ssize_t n = archive_read_data(a, buf, sizeof buf);
                        if (n < 0)
                                return -1;
                        if (n == 0)
                                break;
                        if (loop_write(out, buf, n) < 0)
                                return -1;
                }
        }
        archive_read_free(a);
        if (job->tag)
                return index ? oci_index_write_merged(dir, job->tag, index) : -1;
        return 0;
}

static int oci_add_data(struct archive *a, const char *name, const char *data) {
        struct archive_entry *ae = archive_entry_new();
        size_t n = strlen(data);
        int r = 0;

        archive_entry_set_pathname(ae, name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, n);
        if (archive_write_header(a, ae) != ARCHIVE_OK || archive_write_data(a, data, n) != (la_ssize_t) n)
                r = -1;
        archive_entry_free(ae);
        return r;
}

static int oci_add_file(struct archive *a, const char *dir, const char *name) {
        static char buf[OCI_BUFFER_SIZE];
        _cleanup_(freep) char *path = path_join(dir, name);
        _cleanup_(closep) int fd = -EBADF;
        struct archive_entry *ae;
        struct stat st;
        int r = 0;

        fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
        if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
                return -1;
        ae = archive_entry_new();
        archive_entry_set_pathname(ae, name);
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_perm(ae, 0644);
        archive_entry_set_size(ae, st.st_size);
        if (archive_write_header(a, ae) != ARCHIVE_OK)
                r = -1;
        for (ssize_t n; r == 0 && (n = read(fd, buf, sizeof buf)) > 0;)
                if (archive_write_data(a, buf, n) != n)
                        r = -1;
        archive_entry_free(ae);
        return r;
}

/* dir (an OCI layout) -> a tar on fd */
static int oci_dir_read(int fd, const OciLayoutJob *job) {
        const char *dir = job->dir;
        struct archive *a = archive_write_new();
        _cleanup_(freep) char *blobs = path_join(dir, "blobs/sha256");
        DIR *d;
        struct dirent *de;

        archive_write_set_format_pax_restricted(a);
        if (archive_write_open_fd(a, fd) != ARCHIVE_OK)
                return -1;
        if (oci_add_file(a, dir, "oci-layout") < 0 ||
            (job->index ? oci_add_data(a, "index.json", job->index) : oci_add_file(a, dir, "index.json")) < 0) {
                fprintf(stderr, "Error: %s is not an OCI image layout\n", dir);
                return -1;
        }
        d = blobs ? opendir(blobs) : NULL;
        if (!d) {
                fprintf(stderr, "Error: %s is not an OCI image layout\n", dir);
                return -1;
        }
        while ((de = readdir(d))) {
                _cleanup_(freep) char *name = NULL;
                if (de->d_name[0] == '.')
                        continue;
                if (asprintf(&name, "blobs/sha256/%s", de->d_name) < 0 || !oci_name_ok(name))
                        continue;
                if (oci_add_file(a, dir, name) < 0)
                        break;
        }
        closedir(d);
        archive_write_close(a);
        archive_write_free(a);
        return 0;
}

int main(int argc, char *argv[]) {
        _cleanup_(freep) char *index = NULL;
        OciLayoutJob job = {};
        int r;

        if (argc < 3 || argc > 4 || (!streq(argv[1], "write") && !streq(argv[1], "read"))) {
                fputs("usage: wharf-oci-tar write DIR [TAG] | read DIR [-] (run by wharf)\n", stderr);
                return EXIT_FAILURE;
        }
        job.dir = argv[2];
        if (streq(argv[1], "write")) {
                job.tag = argv[3];
                return oci_dir_write(STDIN_FILENO, &job) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
        }
        if (argv[3]) {
                if (!streq(argv[3], "-"))
                        return EXIT_FAILURE;
                r = read_full_file("/proc/self/fd/3", &index, NULL, OCI_INDEX_MAX);
                if (r < 0) {
                        fprintf(stderr, "Error: reading the index: %s\n", strerror(-r));
                        return EXIT_FAILURE;
                }
                job.index = index;
        }
        return oci_dir_read(STDOUT_FILENO, &job) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
