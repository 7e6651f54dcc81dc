/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf save, load, import. The CLI opens the file (or uses stdin/stdout)
 * and hands the fd to the engine: the bytes never travel in bus messages.
 * An OCI layout directory (save --format oci-dir, load -i oci:DIR) is
 * turned into/from the same tar stream by a child of the CLI, so the
 * daemons never write or read the user's directories. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bus.h"
#include "cli.h"
#include "fs-util.h"
#include "oci-layout.h"

#define OCI_TAR_PROGRAM "wharf-oci-tar"

/* Runs method with fd as its last argument(s) (types/... before it) as a job. */
static int run_archive_job(const char *method, FILE *log, char **names, int fd, const char *reference,
                           const char *source, char **ret_subject) {
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(job_freep) Job *j = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        int r;

        r = engine_connect(&e, NULL);
        if (r < 0)
                return 1;
        r = job_watch(e, log, &j);
        if (r < 0) {
                engine_print_error(NULL, r, NULL, false);
                return 1;
        }
        r = engine_new_call(e, method, &m);
        if (r >= 0 && names)
                r = sd_bus_message_append_strv(m, names);
        if (r >= 0)
                r = sd_bus_message_append(m, "h", fd);
        if (r >= 0 && reference)
                r = sd_bus_message_append(m, "ss", reference, source);
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", strerror(-r));
                return 1;
        }
        r = job_call(e, j, m);
        if (r < 0)
                return job_exit_code(e, r);
        if (ret_subject)
                *ret_subject = j->subject ? strdup(j->subject) : NULL;
        return 0;
}

/* ---- OCI layout directories ---- */

/* The tar <-> layout conversion runs in wharf-oci-tar, a program of its own:
 * the CLI then loads no libarchive (and what it pulls in), which every
 * other command would pay for at start-up. Found beside this binary (the
 * build tree) or in PKGLIBEXECDIR. */
static int oci_tar_path(char **ret) {
        _cleanup_(freep) char *self = NULL;
        char *p;

        self = realpath("/proc/self/exe", NULL);
        if (self && (p = strrchr(self, '/'))) {
                *p = 0;
                if (asprintf(ret, "%s/" OCI_TAR_PROGRAM, self) < 0)
                        return -ENOMEM;
                if (access(*ret, X_OK) >= 0)
                        return 0;
                free(*ret);
                *ret = NULL;
        }
        *ret = strdup(PKGLIBEXECDIR "/" OCI_TAR_PROGRAM);
        return *ret ? 0 : -ENOMEM;
}

/* Runs wharf-oci-tar MODE job->dir [job->tag] with its stdin (mode "write")
 * or stdout ("read") on a pipe; a narrowed index.json goes on its fd 3.
 * *ret_fd: our end of the pipe. */
static pid_t oci_spawn(const char *mode, const OciLayoutJob *job, int *ret_fd) {
        bool child_writes = streq(mode, "read");
        _cleanup_(freep) char *prog = NULL;
        int p[2];
        pid_t pid;

        if (oci_tar_path(&prog) < 0 || pipe2(p, O_CLOEXEC) < 0)
                return -1;
        pid = fork();
        if (pid < 0)
                return -1;
        if (pid == 0) {
                int end = p[child_writes ? 1 : 0];

                if (dup2(end, child_writes ? STDOUT_FILENO : STDIN_FILENO) < 0)
                        _exit(EXIT_FAILURE);
                if (job->index) {
                        int m = memfd_create("index.json", 0);
                        if (m < 0 || loop_write(m, job->index, strlen(job->index)) < 0 ||
                            lseek(m, 0, SEEK_SET) < 0 || dup2(m, 3) < 0)
                                _exit(EXIT_FAILURE);
                }
                execl(prog, OCI_TAR_PROGRAM, mode, job->dir, job->tag ?: (job->index ? "-" : NULL), NULL);
                fprintf(stderr, "Error: cannot run %s: %m\n", prog);
                _exit(EXIT_FAILURE);
        }
        close(p[child_writes ? 1 : 0]);
        *ret_fd = p[child_writes ? 0 : 1];
        return pid;
}

static int wait_child(pid_t pid) {
        int status;

        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -1;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* ---- commands ---- */

int cmd_save(int argc, char *argv[]) {
        static const struct option options[] = {
                { "output", required_argument, NULL, 'o' },
                { "format", required_argument, NULL, 'F' },
                { "help",   no_argument,       NULL, 'h' },
                {}
        };
        const char *output = NULL, *format = "docker-archive";
        _cleanup_(freep) char *tmp = NULL, *oci_dir = NULL, *oci_tag = NULL;
        OciLayoutJob job = {};
        _cleanup_(closep) int fd = -EBADF;
        pid_t child = 0;
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":o:h", options, NULL)) >= 0)
                switch (c) {
                case 'o':
                        output = optarg;
                        break;
                case 'F':
                        format = optarg;
                        break;
                case 'h':
                        printf("\nUsage:  wharf save [OPTIONS] IMAGE [IMAGE...]\n\n"
                               "Save one or more images to a tar archive (streamed to STDOUT by default)\n\n"
                               "Options:\n"
                               "      --format string   docker-archive (default: a tar that is also an OCI\n"
                               "                        layout) or oci-dir (an OCI layout directory, -o DIR)\n"
                               "  -o, --output string   Write to a file, instead of STDOUT, or to\n"
                               "                        oci:DIR[:TAG] (an OCI layout; TAG adds the image\n"
                               "                        to it under that name, as skopeo)\n");
                        return 0;
                default:
                        usage_getopt_error("save", c, argv);
                        return usage_exit_code("save");
                }
        if (argc - optind < 1) {
                usage_error("save", "'wharf save' requires at least 1 argument.");
                return usage_exit_code("save");
        }
        if (!streq(format, "docker-archive") && !streq(format, "oci-dir")) {
                fprintf(stderr, "Error: unknown format %s: docker-archive or oci-dir\n", format);
                return 1;
        }
        if (output && startswith(output, "oci:")) {
                format = "oci-dir";
                if (oci_layout_parse(output + 4, &oci_dir, &oci_tag) < 0) {
                        fprintf(stderr, "Error: invalid output %s: oci:DIR[:TAG]\n", output);
                        return 1;
                }
                if (oci_tag && argc - optind != 1) {
                        fprintf(stderr, "Error: %s names one image: save one image to it\n", output);
                        return 1;
                }
                output = oci_dir;
                job.tag = oci_tag;
        }
        if (streq(format, "oci-dir")) {
                if (!output) {
                        fputs("Error: --format oci-dir needs -o DIR\n", stderr);
                        return 1;
                }
                job.dir = output;
                child = oci_spawn("write", &job, &fd);
                if (child < 0) {
                        fprintf(stderr, "Error: %m\n");
                        return 1;
                }
        } else if (output) {
                /* as docker: a temporary file renamed into place once complete */
                if (asprintf(&tmp, "%s.XXXXXX", output) < 0)
                        return 1;
                fd = mkostemp(tmp, O_CLOEXEC);
                if (fd < 0) {
                        fprintf(stderr, "Error: failed to save image: invalid output path: %m\n");
                        return 1;
                }
                (void) fchmod(fd, 0644);
        } else {
                if (isatty(STDOUT_FILENO)) {
                        fputs("Error: cowardly refusing to save to a terminal. Use the -o flag or redirect\n", stderr);
                        return 1;
                }
                fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
        }

        r = run_archive_job("SaveImages", NULL, argv + optind, fd, NULL, NULL, NULL);
        fd = safe_close(fd);
        if (child > 0 && wait_child(child) < 0 && r == 0) {
                fprintf(stderr, "Error: cannot write the OCI layout to %s\n", output);
                r = 1;
        }
        if (tmp) {
                if (r == 0 && rename(tmp, output) < 0) {
                        fprintf(stderr, "Error: failed to save image: %m\n");
                        r = 1;
                }
                if (r != 0)
                        (void) unlink(tmp);
        }
        return r;
}

int cmd_load(int argc, char *argv[]) {
        static const struct option options[] = {
                { "input", required_argument, NULL, 'i' },
                { "quiet", no_argument,       NULL, 'q' },
                { "help",  no_argument,       NULL, 'h' },
                {}
        };
        const char *input = NULL;
        _cleanup_(freep) char *oci_dir = NULL, *oci_tag = NULL, *index = NULL, *selected = NULL, *error = NULL;
        _cleanup_(closep) int fd = -EBADF;
        OciLayoutJob job = {};
        struct stat st;
        pid_t child = 0;
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":i:qh", options, NULL)) >= 0)
                switch (c) {
                case 'i':
                        input = optarg;
                        break;
                case 'q':
                        /* there is no progress to hide: the "Loaded image" lines stay, as docker's */
                        break;
                case 'h':
                        printf("\nUsage:  wharf load [OPTIONS]\n\n"
                               "Load an image from a tar archive or STDIN\n\n"
                               "Options:\n"
                               "  -i, --input string   Read from tar archive file, or oci:DIR[:TAG] (an OCI\n"
                               "                       layout directory; TAG picks the image named so),\n"
                               "                       instead of STDIN\n"
                               "  -q, --quiet          Suppress the load output\n");
                        return 0;
                default:
                        usage_getopt_error("load", c, argv);
                        return usage_exit_code("load");
                }
        if (argc - optind != 0) {
                usage_error("load", "'wharf load' accepts no arguments.");
                return usage_exit_code("load");
        }
        if (input && startswith(input, "oci:")) {
                /* skopeo's rules: TAG picks the entry by its ref.name; without
                 * it the layout must hold one image */
                _cleanup_(freep) char *path = NULL;

                if (oci_layout_parse(input + 4, &oci_dir, &oci_tag) < 0) {
                        fprintf(stderr, "Error: invalid input %s: oci:DIR[:TAG]\n", input);
                        return 1;
                }
                path = path_join(oci_dir, "index.json");
                r = path ? read_full_file(path, &index, NULL, OCI_INDEX_MAX) : -ENOMEM;
                if (r < 0) {
                        fprintf(stderr, "Error: %s is not an OCI image layout: %s\n", oci_dir, strerror(-r));
                        return 1;
                }
                if (oci_index_select_tag(index, oci_tag, input, &selected, &error) < 0) {
                        fprintf(stderr, "Error: %s\n", error ?: "out of memory");
                        return 1;
                }
                job = (OciLayoutJob) { .dir = oci_dir, .index = selected };
        } else if (input && stat(input, &st) >= 0 && S_ISDIR(st.st_mode))
                job = (OciLayoutJob) { .dir = input };
        if (job.dir) {
                child = oci_spawn("read", &job, &fd);
                if (child < 0) {
                        fprintf(stderr, "Error: %m\n");
                        return 1;
                }
        } else if (input) {
                fd = open(input, O_RDONLY | O_CLOEXEC);
                if (fd < 0) {
                        fprintf(stderr, "Error: open %s: %m\n", input);
                        return 1;
                }
        } else {
                if (isatty(STDIN_FILENO)) {
                        fputs("Error: requested load from stdin, but stdin is empty\n", stderr);
                        return 1;
                }
                fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
        }

        r = run_archive_job("LoadImages", stdout, NULL, fd, NULL, NULL, NULL);
        fd = safe_close(fd);
        if (child > 0) {
                if (r != 0)
                        (void) kill(child, SIGKILL);
                (void) wait_child(child);
        }
        return r;
}

int cmd_import(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(freep) char *id = NULL;
        _cleanup_(closep) int fd = -EBADF;
        const char *file, *reference;
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("\nUsage:  wharf import [OPTIONS] file|- [REPOSITORY[:TAG]]\n\n"
                               "Import the contents from a tarball to create a filesystem image\n");
                        return 0;
                default:
                        usage_getopt_error("import", c, argv);
                        return usage_exit_code("import");
                }
        if (argc - optind < 1 || argc - optind > 2) {
                usage_error("import", "'wharf import' requires at least 1 and at most 2 arguments.");
                return usage_exit_code("import");
        }
        file = argv[optind];
        reference = argc - optind == 2 ? argv[optind + 1] : "";
        if (streq(file, "-"))
                fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
        else
                fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "Error: open %s: %m\n", file);
                return 1;
        }
        /* docker's client streams a local file too: the history says "-" */
        r = run_archive_job("ImportImage", NULL, NULL, fd, reference, "-", &id);
        if (r == 0)
                printf("%s\n", strempty(id));
        return r;
}
