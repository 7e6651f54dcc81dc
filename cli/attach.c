/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf attach: Engine1.Attach with socket pairs we copy to our stdio (so
 * the detach keys work), until ContainerExited; its code is ours. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "cli.h"
#include "inspect.h"
#include "stream.h"

/* Copies between our stdio and the running container id until it exits
 * (its code) or the detach keys (0). Shared by attach and start -a. */
int container_attach_running(Engine *e, const char *id, bool no_stdin, const char *detach_keys, bool sig_proxy) {
        _cleanup_(container_watch_freep) ContainerWatch *w = NULL;
        _cleanup_(stream_proxy_freep) StreamProxy *p = NULL;
        _cleanup_(closep) int in = -EBADF, out = -EBADF, err = -EBADF, hold_r = -EBADF, hold_w = -EBADF;
        int hold[2];
        bool tty;
        int r;

        r = container_watch(e, id, &w);
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", strerror(-r));
                return 1;
        }
        /* the terminal mode follows ours: raw when we are a terminal */
        tty = isatty(STDIN_FILENO) && !no_stdin;
        r = stream_proxy_new(e, &(StreamOptions) {
                        .id = id,
                        .stdin_ = !no_stdin,
                        .tty = tty,
                        .detach_keys = detach_keys,
                        .exited = &w->exited,
                        .sig_proxy = sig_proxy,
                }, &p, &in, &out, &err);
        /* from before Attach: a signal from then on is the container's */
        if (r >= 0 && sig_proxy)
                r = engine_proxy_signals(e);
        if (r >= 0 && in < 0) {
                /* --no-stdin: a stdin that never ends while we are attached */
                if (pipe2(hold, O_CLOEXEC) < 0)
                        r = -errno;
                else {
                        hold_r = hold[0];
                        hold_w = hold[1];
                }
        }
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", strerror(-r));
                return 1;
        }
        r = engine_call(e, "Attach", 0, NULL, "", false, "shhh", id, in >= 0 ? in : hold_r, out,
                        err >= 0 ? err : out);
        in = safe_close(in);
        out = safe_close(out);
        err = safe_close(err);
        if (r < 0)
                return 1;

        r = stream_proxy_run(p);
        if (r == 1)
                return 0;
        if (r == -EINTR)
                return 128 + e->signal;
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", r == -ECONNRESET ? "the wharf engine exited" : strerror(-r));
                return 1;
        }
        return w->exit_code;
}

int cmd_attach(int argc, char *argv[]) {
        enum { ARG_NO_STDIN = 0x100, ARG_DETACH_KEYS, ARG_SIG_PROXY };
        static const struct option options[] = {
                { "no-stdin",    no_argument,       NULL, ARG_NO_STDIN    },
                { "detach-keys", required_argument, NULL, ARG_DETACH_KEYS },
                { "sig-proxy",   optional_argument, NULL, ARG_SIG_PROXY   },
                { "help",        no_argument,       NULL, 'h'             },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(freep) char *id = NULL;
        const char *detach_keys = NULL;
        bool no_stdin = false, sig_proxy = true;
        int c;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, "+:h", options, NULL)) >= 0)
                switch (c) {
                case ARG_NO_STDIN:
                        no_stdin = true;
                        break;
                case ARG_DETACH_KEYS:
                        detach_keys = optarg;
                        break;
                case ARG_SIG_PROXY:
                        if (usage_parse_bool("attach", "sig-proxy", optarg, &sig_proxy) < 0)
                                return 1;
                        break;
                case 'h':
                        printf("\nUsage:  wharf attach [OPTIONS] CONTAINER\n\n"
                               "Attach local standard input, output, and error streams to a running container\n\n"
                               "Options:\n"
                               "      --detach-keys string   Override the key sequence for detaching a container\n"
                               "      --no-stdin             Do not attach STDIN\n"
                               "      --sig-proxy            Proxy all received signals to the process (default true)\n");
                        return 0;
                default:
                        usage_getopt_error("attach", c, argv);
                        return 1;
                }
        if (argc - optind != 1) {
                usage_error("attach", "\"wharf attach\" requires exactly 1 argument.");
                return 1;
        }

        if (engine_connect(&e, NULL) < 0)
                return 1;
        if (container_resolve_id(e, argv[optind], &id) < 0)
                return 1;
        /* as docker: a terminal's signals are the terminal's business */
        return container_attach_running(e, id, no_stdin, detach_keys, sig_proxy && !container_has_tty(e, id));
}
