/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf logs: the engine hands out read-only fds of the json-file logs
 * (Engine1.OpenLogs); we parse and filter them here, and follow the current
 * file with inotify until ContainerExited. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bus.h"
#include "cli.h"
#include "log-record.h"
#include "stream.h"
#include "units.h"

typedef struct LogsOptions {
        bool follow;
        bool timestamps;
        int64_t tail;           /* -1: all */
        bool has_since, has_until;
        int64_t since_ns, until_ns;
} LogsOptions;

typedef struct Reader {
        int fd;
        struct stat st;
        char *partial;          /* a line without its "\n" yet */
        size_t n_partial;
} Reader;

/* --tail keeps the last N records */
typedef struct Tail {
        LogRecord *ring;
        size_t size, next, count;
} Tail;

static int64_t now_ns(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void record_print(const LogsOptions *o, const LogRecord *r) {
        FILE *f = r->is_stderr ? stderr : stdout;

        if (o->timestamps) {
                char buf[40];
                rfc3339_format(r->time_ns, buf);
                fprintf(f, "%s ", buf);
        }
        fputs(r->log, f);
        fflush(f);
}

static bool record_wanted(const LogsOptions *o, const LogRecord *r) {
        if (o->has_since && r->time_ns < o->since_ns)
                return false;
        if (o->has_until && r->time_ns > o->until_ns)
                return false;
        return true;
}

static void record_take(const LogsOptions *o, Tail *t, LogRecord *r) {
        if (!record_wanted(o, r)) {
                log_record_done(r);
                return;
        }
        if (!t || o->tail < 0) {
                record_print(o, r);
                log_record_done(r);
                return;
        }
        if (t->size == 0) {
                log_record_done(r);
                return;
        }
        log_record_done(&t->ring[t->next]);
        t->ring[t->next] = *r;
        *r = (LogRecord) {};
        t->next = (t->next + 1) % t->size;
        if (t->count < t->size)
                t->count++;
}

static void tail_flush(const LogsOptions *o, Tail *t) {
        for (size_t i = 0; i < t->count; i++) {
                LogRecord *r = &t->ring[(t->next + t->size - t->count + i) % t->size];
                record_print(o, r);
                log_record_done(r);
        }
        t->count = 0;
}

static void line_take(const LogsOptions *o, Tail *t, const char *line) {
        LogRecord r = {};

        /* a line we cannot read (a torn write) is skipped, as docker does */
        if (log_record_parse(line, &r) < 0)
                return;
        record_take(o, t, &r);
}

/* Reads what fd has now; complete lines only */
static int reader_drain(Reader *rd, const LogsOptions *o, Tail *t) {
        char buf[65536];
        ssize_t n;

        while ((n = read(rd->fd, buf, sizeof buf)) > 0) {
                char *p = buf, *nl;
                size_t left = (size_t) n;

                while ((nl = memchr(p, '\n', left))) {
                        size_t len = (size_t) (nl - p);
                        char *line = malloc(rd->n_partial + len + 1);

                        if (!line)
                                return -ENOMEM;
                        memcpy(line, rd->partial, rd->n_partial);
                        memcpy(line + rd->n_partial, p, len);
                        line[rd->n_partial + len] = 0;
                        rd->n_partial = 0;
                        line_take(o, t, line);
                        free(line);
                        left -= len + 1;
                        p = nl + 1;
                }
                if (left > 0) {
                        char *q = realloc(rd->partial, rd->n_partial + left);
                        if (!q)
                                return -ENOMEM;
                        rd->partial = q;
                        memcpy(rd->partial + rd->n_partial, p, left);
                        rd->n_partial += left;
                }
        }
        return n < 0 ? -errno : 0;
}

static void reader_done(Reader *rd) {
        safe_close(rd->fd);
        free(rd->partial);
        *rd = (Reader) { .fd = -EBADF };
}

/* OpenLogs: fds oldest first; the last is the current file */
static int open_logs(Engine *e, const char *id, int **ret_fds, size_t *ret_n, char **ret_status) {
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *reply = NULL;
        _cleanup_(freep) int *fds = NULL;
        const char *status;
        size_t n = 0;
        int fd, r;

        r = engine_call(e, "OpenLogs", 0, &reply, "", false, "s", id);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(reply, 'a', "h");
        if (r < 0)
                goto bad;
        while ((r = sd_bus_message_read(reply, "h", &fd)) > 0) {
                int *l = realloc(fds, (n + 1) * sizeof(int));
                if (!l)
                        goto oom;
                fds = l;
                fds[n] = fcntl(fd, F_DUPFD_CLOEXEC, 3);
                if (fds[n] < 0) {
                        r = -errno;
                        goto bad;
                }
                n++;
        }
        if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0 ||
            (r = sd_bus_message_read(reply, "s", &status)) < 0)
                goto bad;
        *ret_status = strdup(status);
        if (!*ret_status)
                goto oom;
        *ret_fds = TAKE_PTR(fds);
        *ret_n = n;
        return 0;
oom:
        r = -ENOMEM;
bad:
        for (size_t i = 0; i < n; i++)
                safe_close(fds[i]);
        fprintf(stderr, "Error: unexpected OpenLogs reply: %s\n", strerror(-r));
        return r;
}

typedef struct Follow {
        Engine *engine;
        const char *id;
        const LogsOptions *options;
        Reader current;
        int inotify_fd;
        int wd;
        sd_event_source *source, *post;
        ContainerWatch *watch;
        bool done;
        int error;
} Follow;

static int follow_watch(Follow *f) {
        char path[64];

        if (f->wd >= 0)
                (void) inotify_rm_watch(f->inotify_fd, f->wd);
        /* the magic link names the open file, wherever it was renamed to */
        snprintf(path, sizeof path, "/proc/self/fd/%d", f->current.fd);
        f->wd = inotify_add_watch(f->inotify_fd, path, IN_MODIFY | IN_MOVE_SELF | IN_DELETE_SELF | IN_ATTRIB);
        return f->wd < 0 ? -errno : 0;
}

/* the file was rotated: finish it, then go on with the new current one */
static int follow_reopen(Follow *f) {
        _cleanup_(freep) int *fds = NULL;
        _cleanup_(freep) char *status = NULL;
        size_t n = 0;
        struct stat st;
        int r;

        r = reader_drain(&f->current, f->options, NULL);
        if (r < 0)
                return r;
        r = open_logs(f->engine, f->id, &fds, &n, &status);
        if (r < 0)
                return r;
        for (size_t i = 0; i + 1 < n; i++)
                safe_close(fds[i]);
        if (n == 0)
                return 0;
        if (fstat(fds[n - 1], &st) < 0 || (st.st_ino == f->current.st.st_ino && st.st_dev == f->current.st.st_dev)) {
                safe_close(fds[n - 1]);
                return 0;
        }
        reader_done(&f->current);
        f->current.fd = fds[n - 1];
        f->current.st = st;
        r = reader_drain(&f->current, f->options, NULL);
        if (r < 0)
                return r;
        return follow_watch(f);
}

static int on_inotify(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Follow *f = userdata;
        char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
        bool rotated = false;
        ssize_t n;
        int r;

        n = read(fd, buf, sizeof buf);
        for (char *p = buf; n > 0 && p < buf + n;) {
                struct inotify_event *ev = (struct inotify_event *) p;
                if (ev->mask & (IN_MOVE_SELF | IN_DELETE_SELF | IN_IGNORED))
                        rotated = true;
                p += sizeof *ev + ev->len;
        }
        r = rotated ? follow_reopen(f) : reader_drain(&f->current, f->options, NULL);
        if (r < 0) {
                f->error = r;
                f->done = true;
        }
        return 0;
}

static int on_follow_post(sd_event_source *s, void *userdata) {
        Follow *f = userdata;

        if (f->watch->exited) {
                /* the monitor wrote its last line before the exit was recorded */
                (void) reader_drain(&f->current, f->options, NULL);
                f->done = true;
        }
        return 0;
}

static int follow(Engine *e, const char *id, const LogsOptions *o, ContainerWatch *w, int fd) {
        Follow f = { .engine = e, .id = id, .options = o, .current = { .fd = fd }, .inotify_fd = -EBADF,
                     .wd = -1, .watch = w };
        int r;

        if (fstat(fd, &f.current.st) < 0)
                return -errno;
        f.inotify_fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
        if (f.inotify_fd < 0)
                return -errno;
        r = follow_watch(&f);
        if (r >= 0)
                r = sd_event_add_io(e->event, &f.source, f.inotify_fd, EPOLLIN, on_inotify, &f);
        if (r >= 0)
                r = sd_event_add_post(e->event, &f.post, on_follow_post, &f);
        /* what came between reading and watching */
        if (r >= 0)
                r = reader_drain(&f.current, o, NULL);
        if (r >= 0 && !w->exited)
                r = engine_wait(e, &f.done);
        if (r >= 0)
                r = f.error;
        sd_event_source_disable_unref(f.source);
        sd_event_source_disable_unref(f.post);
        safe_close(f.inotify_fd);
        free(f.current.partial);
        /* fd is the caller's */
        return r;
}

static void logs_help(void) {
        printf("\nUsage:  wharf logs [OPTIONS] CONTAINER\n\n"
               "Fetch the logs of a container\n\n"
               "Options:\n"
               "  -f, --follow         Follow log output\n"
               "      --since string   Show logs since timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)\n"
               "  -n, --tail string    Number of lines to show from the end of the logs (default \"all\")\n"
               "  -t, --timestamps     Show timestamps\n"
               "      --until string   Show logs before a timestamp (e.g. \"2013-01-02T13:23:37Z\") or relative (e.g. \"42m\" for 42 minutes)\n");
}

int cmd_logs(int argc, char *argv[]) {
        enum { ARG_SINCE = 0x100, ARG_UNTIL, ARG_DETAILS };
        static const struct option options[] = {
                { "follow",     no_argument,       NULL, 'f'         },
                { "timestamps", no_argument,       NULL, 't'         },
                { "tail",       required_argument, NULL, 'n'         },
                { "since",      required_argument, NULL, ARG_SINCE   },
                { "until",      required_argument, NULL, ARG_UNTIL   },
                { "details",    no_argument,       NULL, ARG_DETAILS },
                { "help",       no_argument,       NULL, 'h'         },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(container_watch_freep) ContainerWatch *w = NULL;
        _cleanup_(freep) char *id = NULL, *status = NULL;
        _cleanup_(freep) int *fds = NULL;
        LogsOptions o = { .tail = -1 };
        Tail tail = {};
        size_t n = 0;
        int c, r, ret = 0;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":ftn:h", options, NULL)) >= 0)
                switch (c) {
                case 'f':
                        o.follow = true;
                        break;
                case 't':
                        o.timestamps = true;
                        break;
                case 'n':
                        if (streq(optarg, "all") || isempty(optarg))
                                o.tail = -1;
                        else if (units_parse_int64(optarg, &o.tail) < 0)
                                /* docker shows everything for a tail it cannot read */
                                o.tail = -1;
                        break;
                case ARG_SINCE:
                case ARG_UNTIL:
                        if (log_time_parse(optarg, now_ns(), c == ARG_SINCE ? &o.since_ns : &o.until_ns) < 0) {
                                fprintf(stderr, "Error: invalid value for \"%s\": failed to parse value as time or duration: \"%s\"\n",
                                        c == ARG_SINCE ? "since" : "until", optarg);
                                return 1;
                        }
                        *(c == ARG_SINCE ? &o.has_since : &o.has_until) = true;
                        break;
                case ARG_DETAILS:
                        break;
                case 'h':
                        logs_help();
                        return 0;
                default:
                        usage_getopt_error("logs", c, argv);
                        return 1;
                }
        if (argc - optind != 1) {
                usage_error("logs", "\"wharf logs\" requires exactly 1 argument.");
                return 1;
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;
        r = container_resolve_id(e, argv[optind], &id);
        if (r < 0)
                return 1;
        if (o.follow && container_watch(e, id, &w) < 0) {
                fputs("Error: cannot watch the container\n", stderr);
                return 1;
        }
        r = open_logs(e, id, &fds, &n, &status);
        if (r < 0)
                return 1;

        if (o.tail >= 0) {
                tail.size = (size_t) o.tail;
                tail.ring = calloc(tail.size + 1, sizeof(LogRecord));
                if (!tail.ring) {
                        fputs("Error: out of memory\n", stderr);
                        ret = 1;
                        goto finish;
                }
        }
        for (size_t i = 0; i < n; i++) {
                Reader rd = { .fd = fds[i] };

                r = reader_drain(&rd, &o, &tail);
                free(rd.partial);
                if (r < 0) {
                        fprintf(stderr, "Error: reading the log: %s\n", strerror(-r));
                        ret = 1;
                        goto finish;
                }
        }
        tail_flush(&o, &tail);

        if (o.follow && n > 0 && streq(status, "running")) {
                r = follow(e, id, &o, w, fds[n - 1]);
                if (r == -EINTR)
                        ret = 0;
                else if (r < 0 && r != -ECONNRESET) {
                        fprintf(stderr, "Error: following the log: %s\n", strerror(-r));
                        ret = 1;
                }
        }
finish:
        for (size_t i = 0; i < tail.size; i++)
                log_record_done(&tail.ring[i]);
        free(tail.ring);
        for (size_t i = 0; i < n; i++)
                safe_close(fds[i]);
        return ret;
}
