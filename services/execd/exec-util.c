/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exec-util.h"
#include "fs-util.h"
#include "macro.h"

int exit_code_from_status(int wstatus) {
        if (WIFEXITED(wstatus))
                return WEXITSTATUS(wstatus);
        if (WIFSIGNALED(wstatus))
                return 128 + WTERMSIG(wstatus);
        return 255; /* stopped/continued are no final states; should not happen */
}

const char *exec_env_path(char * const *env) {
        const char *path = NULL;

        /* the last assignment wins, as with putenv() in order */
        STRV_FOREACH(e, env) {
                const char *v = startswith(*e, "PATH=");
                if (v)
                        path = v;
        }
        return path ?: EXEC_DEFAULT_PATH;
}

static bool is_executable(const char *p) {
        struct stat st;

        return stat(p, &st) >= 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) &&
                access(p, X_OK) >= 0;
}

int exec_path_lookup(const char *name, const char *path, char *buf, size_t size) {
        size_t nl = strlen(name);

        if (strchr(name, '/')) {
                if (nl + 1 > size)
                        return -ENAMETOOLONG;
                memcpy(buf, name, nl + 1);
                return 0;
        }

        for (const char *p = path; p; ) {
                const char *colon = strchr(p, ':');
                size_t dl = colon ? (size_t) (colon - p) : strlen(p);

                /* relative and empty entries would resolve against the cwd: skipped */
                if (dl > 0 && p[0] == '/') {
                        bool slash = p[dl - 1] == '/';
                        if (dl + !slash + nl + 1 <= size) {
                                memcpy(buf, p, dl);
                                if (!slash)
                                        buf[dl++] = '/';
                                memcpy(buf + dl, name, nl + 1);
                                if (is_executable(buf))
                                        return 0;
                        }
                }
                p = colon ? colon + 1 : NULL;
        }
        return -ENOENT;
}

int log_size_parse(const char *s, uint64_t *ret) {
        static const char units[] = "kmgtp";
        char *end;
        double v;

        if (!s || !*s || !strchr("0123456789.", *s))
                return -EINVAL;
        errno = 0;
        v = strtod(s, &end);
        if (errno || end == s || v < 0)
                return -EINVAL;
        double mul = 1;
        if (*end) {
                const char *u = strchr(units, tolower((unsigned char) *end));
                if (!u)
                        return -EINVAL;
                for (const char *i = units; i <= u; i++)
                        mul *= 1000;
                end++;
                if (*end == 'b' || *end == 'B')
                        end++;
                if (*end == 'i' || *end == 'I')
                        return -EINVAL;
        }
        if (*end || v * mul >= 18446744073709551615.0)
                return -EINVAL;
        *ret = (uint64_t) (v * mul);
        return 0;
}

int run_file_write(const char *path, const void *data, size_t size, mode_t mode) {
        _cleanup_(freep) char *tmp = NULL;
        _cleanup_(closep) int fd = -EBADF;
        int r;

        if (asprintf(&tmp, "%s.tmp.%d", path, (int) getpid()) < 0)
                return -ENOMEM;
        fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
        if (fd < 0)
                return -errno;
        r = loop_write(fd, data, size);
        if (r >= 0 && rename(tmp, path) < 0)
                r = -errno;
        if (r < 0)
                (void) unlink(tmp);
        return r;
}
