/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <time.h>

#include "log.h"

static const char *log_ident = "wharf";
static int log_max_level = LOG_INFO;

void log_open(const char *ident) {
        const char *e;

        log_ident = ident;
        e = getenv("WHARF_LOG_LEVEL");
        if (e && streq(e, "debug"))
                log_max_level = LOG_DEBUG;
}

void log_set_max_level(int level) {
        log_max_level = level;
}

int log_get_max_level(void) {
        return log_max_level;
}

int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *format, ...) {
        char buf[2048];
        va_list ap;
        int saved = errno;

        (void) file; (void) line; (void) func;

        /* %m means the passed error, as in systemd */
        errno = abs(error);
        va_start(ap, format);
        vsnprintf(buf, sizeof buf, format, ap);
        va_end(ap);

        fprintf(stderr, "%s[%d]: %s\n", log_ident, (int) getpid(), buf);
        errno = saved;
        return -abs(error);
}
