/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "run-options.h"

/* docker's IsUserDefined: not one of the built-in modes */
static bool network_is_user_defined(const char *n) {
        return !streq(n, "default") && !streq(n, "bridge") && !streq(n, "host") && !streq(n, "none") &&
               !startswith(n, "container:");
}

/* One --network: the first becomes NetworkMode (its endpoint options go to
 * *primary_ep), the others are connected after the create. */
static int network_add(RunOptions *o, const char *arg, NetOptions *primary_ep, const char *command) {
        _cleanup_(net_options_done) NetOptions ep = {};
        _cleanup_(freep) char *name = NULL, *error = NULL, *json = NULL;
        int r;

        r = network_spec_parse(arg, &name, o->network ? &ep : primary_ep, &error);
        if (r == -ENOMEM)
                return r;
        if (r < 0)
                return usage_error(command, "invalid argument \"%s\" for \"--network\" flag: %s", arg,
                                   error ?: "invalid syntax");
        if (!o->network) {
                o->network = TAKE_PTR(name);
                return 0;
        }
        if (streq(o->network, name) || strv_contains(o->extra_networks, name))
                return usage_error(command, "network \"%s\" is specified multiple times", name);
        if (ep.mac)
                return usage_error(command, "a MAC address can be set on the first network only (%s)", name);
        r = net_options_to_json(&ep, &json);
        if (r < 0)
                return r;
        if (strv_extend(&o->extra_networks, name) < 0 || strv_extend(&o->extra_network_options, json ?: "{}") < 0)
                return -ENOMEM;
        return 0;
}

void run_options_done(RunOptions *o) {
        free(o->name);
        strv_free(o->env);
        strv_free(o->env_files);
        free(o->workdir);
        free(o->entrypoint);
        free(o->hostname);
        free(o->network);
        strv_free(o->extra_networks);
        strv_free(o->extra_network_options);
        free(o->platform);
        free(o->user);
        free(o->image);
        strv_free(o->cmd);
        run_flags_done(&o->flags);
        net_options_done(&o->net);
        *o = (RunOptions) {};
}

int env_resolve(const char *arg, char **ret) {
        const char *eq = strchr(arg, '=');
        char *s;

        if (eq == arg || isempty(arg))
                return -EINVAL;
        if (!eq) {
                const char *v = getenv(arg);
                if (v) {
                        if (asprintf(&s, "%s=%s", arg, v) < 0)
                                return -ENOMEM;
                        *ret = s;
                        return 0;
                }
        }
        s = strdup(arg);
        if (!s)
                return -ENOMEM;
        *ret = s;
        return 0;
}

static bool utf8_is_valid(const char *s) {
        /* docker refuses env files that are not UTF-8 (Go's utf8.Valid) */
        const unsigned char *p = (const unsigned char *) s;

        while (*p) {
                size_t n;
                if (*p < 0x80)
                        n = 1;
                else if (*p >= 0xc2 && *p <= 0xdf)
                        n = 2;
                else if (*p >= 0xe0 && *p <= 0xef)
                        n = 3;
                else if (*p >= 0xf0 && *p <= 0xf4)
                        n = 4;
                else
                        return false;
                for (size_t i = 1; i < n; i++)
                        if ((p[i] & 0xc0) != 0x80)
                                return false;
                p += n;
        }
        return true;
}

int env_file_parse(const char *path, char ***env, char **ret_error) {
        _cleanup_(fclosep) FILE *f = NULL;
        _cleanup_(freep) char *line = NULL;
        size_t allocated = 0;
        unsigned lineno = 0;
        ssize_t n;
        int r;

        f = fopen(path, "re");
        if (!f) {
                r = -errno;
                if (asprintf(ret_error, "open %s: %s", path, strerror(-r)) < 0)
                        return -ENOMEM;
                return r;
        }

        while ((n = getline(&line, &allocated, f)) >= 0) {
                char *p = line, *eq;

                lineno++;
                /* bufio.Scanner's lines: no "\n", no "\r" before it */
                if (n > 0 && p[n - 1] == '\n')
                        p[--n] = 0;
                if (n > 0 && p[n - 1] == '\r')
                        p[--n] = 0;
                if (strlen(p) != (size_t) n || !utf8_is_valid(p)) {
                        if (asprintf(ret_error, "env file %s contains invalid utf8 bytes at line %u",
                                     path, lineno) < 0)
                                return -ENOMEM;
                        return -EINVAL;
                }
                if (lineno == 1)
                        p = (char *) (startswith(p, "\xef\xbb\xbf") ?: p);

                p += strspn(p, " \t\n\v\f\r");
                if (*p == 0 || *p == '#')
                        continue;

                eq = strchr(p, '=');
                size_t keylen = eq ? (size_t) (eq - p) : strlen(p);

                if (keylen == 0) {
                        if (asprintf(ret_error, "poorly formatted environment: no variable name on line '%s'", p) < 0)
                                return -ENOMEM;
                        return -EINVAL;
                }
                if (memchr(p, ' ', keylen) || memchr(p, '\t', keylen)) {
                        if (asprintf(ret_error, "poorly formatted environment: variable '%.*s' contains whitespaces",
                                     (int) keylen, p) < 0)
                                return -ENOMEM;
                        return -EINVAL;
                }

                if (eq) {
                        /* the value passes through untouched */
                        r = strv_extend(env, p);
                } else {
                        _cleanup_(freep) char *kv = NULL;
                        const char *v = getenv(p);

                        if (!v)
                                continue;
                        if (asprintf(&kv, "%s=%s", p, v) < 0)
                                return -ENOMEM;
                        r = strv_extend(env, kv);
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

static void run_help(const char *command) {
        printf("\n"
               "Usage:  wharf %s [OPTIONS] IMAGE [COMMAND] [ARG...]\n"
               "\n"
               "%s\n"
               "\n"
               "Options:\n"
               "      --entrypoint string    Overwrite the default ENTRYPOINT of the image\n"
               "  -e, --env list             Set environment variables\n"
               "      --env-file list        Read in a file of environment variables\n"
               "  -h, --hostname string      Container host name\n"
               "  -i, --interactive          Keep STDIN open even if not attached\n"
               "      --name string          Assign a name to the container\n"
               "      --network string       Connect a container to a network (default \"default\")\n"
               "      --add-host list        Add a custom host-to-IP mapping (host:ip)\n"
               "      --dns list             Set custom DNS servers\n"
               "      --ip string            IPv4 address (e.g., 172.30.100.104)\n"
               "      --mac-address string   Container MAC address (e.g., 92:d0:c6:0a:29:33)\n"
               "      --network-alias list   Add network-scoped alias for the container\n"
               "  -p, --publish list         Publish a container's port(s) to the host\n"
               "  -P, --publish-all          Publish all exposed ports to random ports\n"
               "      --platform string      Set platform if server is multi-platform capable\n"
               "      --rm                   Automatically remove the container when it exits\n"
               "      --sig-proxy            Proxy received signals to the process (default true)\n"
               "  -u, --user string          Username or UID (format: <name|uid>[:<group|gid>])\n"
               "  -w, --workdir string       Working directory inside the container\n"
               "%s",
               command,
               streq(command, "create") ? "Create a new container" : "Create and run a new container from an image",
               run_flags_help);
}

int run_options_parse(int argc, char *argv[], RunOptions *ret) {
        enum {
                ARG_RM = 0x100,
                ARG_NAME,
                ARG_ENV_FILE,
                ARG_ENTRYPOINT,
                ARG_NETWORK,
                ARG_HELP,
                ARG_NET_FLAG,   /* net-options.c's, by their long name */
                ARG_PLATFORM,
                ARG_SIG_PROXY,
        };
        static const struct option options[] = {
                { "rm",          no_argument,       NULL, ARG_RM         },
                { "name",        required_argument, NULL, ARG_NAME       },
                { "env",         required_argument, NULL, 'e'            },
                { "env-file",    required_argument, NULL, ARG_ENV_FILE   },
                { "workdir",     required_argument, NULL, 'w'            },
                { "entrypoint",  required_argument, NULL, ARG_ENTRYPOINT },
                { "hostname",    required_argument, NULL, 'h'            },
                { "network",     required_argument, NULL, ARG_NETWORK    },
                { "net",         required_argument, NULL, ARG_NETWORK    },
                { "user",        required_argument, NULL, 'u'            },
                { "interactive", no_argument,       NULL, 'i'            },
                { "tty",         no_argument,       NULL, 't'            },
                { "detach",      no_argument,       NULL, 'd'            },
                { "help",        no_argument,       NULL, ARG_HELP       },
                { "publish",     required_argument, NULL, 'p'            },
                { "publish-all", no_argument,       NULL, 'P'            },
                { "ip",          required_argument, NULL, ARG_NET_FLAG   },
                { "mac-address", required_argument, NULL, ARG_NET_FLAG   },
                { "dns",         required_argument, NULL, ARG_NET_FLAG   },
                { "add-host",    required_argument, NULL, ARG_NET_FLAG   },
                { "network-alias", required_argument, NULL, ARG_NET_FLAG },
                { "platform",    required_argument, NULL, ARG_PLATFORM   },
                { "sig-proxy",   optional_argument, NULL, ARG_SIG_PROXY  },
                RUN_FLAGS_OPTIONS,
                {}
        };
        _cleanup_(run_options_done) RunOptions o = {};
        _cleanup_(strv_freep) char **env_args = NULL;
        const char *command = argv[0];
        bool is_create = streq(command, "create");
        _cleanup_(net_options_done) NetOptions primary_ep = {};
        bool b;
        int c, r;

        /* "+": stop at the image, the rest belongs to the container */
        const char *optstring = is_create ? "+:e:w:h:u:itp:P" RUN_FLAGS_SHORT : "+:e:w:h:u:itdp:P" RUN_FLAGS_SHORT;
        int option_index = -1;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, optstring, options, &option_index)) >= 0) {
                char **target = NULL;

                switch (c) {
                case ARG_RM:
                        o.rm = true;
                        break;
                case ARG_NAME:
                        target = &o.name;
                        break;
                case 'e':
                        if (isempty(optarg) || optarg[0] == '=')
                                return usage_error(command, "invalid argument \"%s\" for \"-e, --env\" flag: "
                                                   "invalid environment variable: %s", optarg, optarg);
                        if (strv_extend(&env_args, optarg) < 0)
                                return -ENOMEM;
                        break;
                case ARG_ENV_FILE:
                        if (strv_extend(&o.env_files, optarg) < 0)
                                return -ENOMEM;
                        break;
                case 'w':
                        target = &o.workdir;
                        break;
                case ARG_ENTRYPOINT:
                        o.entrypoint_set = true;
                        target = &o.entrypoint;
                        break;
                case 'h':
                        target = &o.hostname;
                        break;
                case ARG_NETWORK:
                        /* docker >= 25: several --network, the first is the primary */
                        r = network_add(&o, optarg, &primary_ep, command);
                        if (r < 0)
                                return r;
                        break;
                case ARG_PLATFORM:
                        target = &o.platform;
                        break;
                case 'u':
                        target = &o.user;
                        break;
                case 'i':
                        o.interactive = true;
                        break;
                case 't':
                        o.tty = true;
                        break;
                case 'd':
                        o.detach = true;
                        break;
                case ARG_SIG_PROXY:
                        if (usage_parse_bool(command, "sig-proxy", optarg, &b) < 0)
                                return -EINVAL;
                        o.no_sig_proxy = !b;
                        break;
                case ARG_HELP:
                        run_help(command);
                        return 1;
                case 'p':
                case 'P':
                case ARG_NET_FLAG: {
                        _cleanup_(freep) char *error = NULL;
                        const char *flag = c == 'p' ? "publish" : c == 'P' ? "publish-all" : options[option_index].name;

                        r = net_options_add(&o.net, flag, optarg, &error);
                        if (r == -ENOMEM)
                                return r;
                        if (r < 0) {
                                fprintf(stderr, "wharf: %s\nSee 'wharf %s --help'.\n", error ?: "invalid argument", command);
                                return -EINVAL;
                        }
                        break;
                }
                default:
                        r = run_flags_parse(&o.flags, c, optarg, command);
                        if (r == -ENOENT)
                                return usage_getopt_error(command, c, argv);
                        if (r < 0)
                                return r;
                }

                if (target) {
                        free(*target);
                        *target = strdup(optarg);
                        if (!*target)
                                return -ENOMEM;
                }
        }

        if (optind >= argc)
                return usage_error(command, "'wharf %s' requires at least 1 argument.", command);

        r = run_flags_finish(&o.flags, o.rm, command);
        if (r < 0)
                return r;

        o.image = strdup(argv[optind]);
        if (!o.image)
                return -ENOMEM;
        o.cmd = strv_copy(argv + optind + 1);
        if (!o.cmd)
                return -ENOMEM;
        if (!o.network) {
                o.network = strdup("default");
                if (!o.network)
                        return -ENOMEM;
        }
        /* the primary's own options and the legacy flags (--ip ...) meet */
        if (primary_ep.ip && o.net.ip)
                return usage_error(command, "conflicting options: cannot specify both --ip and per-network IPv4 address");
        if (primary_ep.mac && o.net.mac)
                return usage_error(command, "conflicting options: cannot specify both --mac-address and per-network MAC address");
        if (primary_ep.ip)
                o.net.ip = TAKE_PTR(primary_ep.ip);
        if (primary_ep.mac)
                o.net.mac = TAKE_PTR(primary_ep.mac);
        STRV_FOREACH(a, primary_ep.aliases)
                if (strv_extend(&o.net.aliases, *a) < 0)
                        return -ENOMEM;
        if (o.extra_networks) {
                bool user = network_is_user_defined(o.network);

                STRV_FOREACH(n, o.extra_networks)
                        if (network_is_user_defined(*n) != user)
                                return usage_error(command, "conflicting options: cannot attach both user-defined "
                                                   "and non-user-defined network-modes");
        }

        /* docker reads the env files first, then the -e flags */
        o.env = calloc(1, sizeof(char *));
        if (!o.env)
                return -ENOMEM;
        STRV_FOREACH(file, o.env_files) {
                _cleanup_(freep) char *error = NULL;

                r = env_file_parse(*file, &o.env, &error);
                if (r == -ENOMEM)
                        return r;
                if (r < 0) {
                        fprintf(stderr, "wharf: %s\n", error);
                        return -EINVAL;
                }
        }
        STRV_FOREACH(a, env_args) {
                _cleanup_(freep) char *kv = NULL;

                r = env_resolve(*a, &kv);
                if (r < 0)
                        return r;
                if (strv_extend(&o.env, kv) < 0)
                        return -ENOMEM;
        }

        *ret = o;
        o = (RunOptions) {};
        return 0;
}
