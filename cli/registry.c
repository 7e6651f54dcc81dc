/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* wharf login, logout, push; credentials for pulls */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "auth-config.h"
#include "bus.h"
#include "cli.h"
#include "macro.h"
#include "reference.h"
#include "registry-server.h"
#include "registry.h"

static void erase_free(char *s) {
        if (s) {
                explicit_bzero(s, strlen(s));
                free(s);
        }
}

char *registry_auth_for_image(const char *image) {
        _cleanup_(reference_done) Reference ref = {};
        _cleanup_(freep) char *path = NULL;
        json_object *cfg = NULL;
        char *user = NULL, *password = NULL, *value = NULL;

        if (reference_parse(image, &ref) < 0)
                return NULL;
        path = auth_config_path();
        if (!path || auth_config_load(path, &cfg) < 0)
                return NULL;
        if (auth_config_get(cfg, ref.registry, &user, &password) >= 0)
                value = auth_config_registry_auth(ref.registry, user, password);
        json_object_put(cfg);
        free(user);
        erase_free(password);
        return value;
}

int registry_auth_append_entry(sd_bus_message *m, const char *image) {
        char *v = registry_auth_for_image(image);
        int r;

        if (!v)
                return 0;
        r = sd_bus_message_append(m, "{sv}", "RegistryAuth", "s", v);
        erase_free(v);
        return r;
}

/* One line from f without its line break; malloc'd. */
static char *read_line(FILE *f) {
        char *line = NULL;
        size_t n = 0;
        ssize_t k = getline(&line, &n, f);

        if (k < 0) {
                free(line);
                return strdup("");
        }
        while (k > 0 && (line[k - 1] == '\n' || line[k - 1] == '\r'))
                line[--k] = 0;
        return line;
}

static char *read_password_tty(void) {
        struct termios old, raw;
        bool echo_off = tcgetattr(STDIN_FILENO, &old) >= 0;
        char *p;

        if (echo_off) {
                raw = old;
                raw.c_lflag &= ~(tcflag_t) ECHO;
                (void) tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
        }
        p = read_line(stdin);
        if (echo_off) {
                (void) tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
                fputc('\n', stdout);
        }
        return p;
}

int cmd_login(int argc, char *argv[]) {
        static const struct option options[] = {
                { "username",       required_argument, NULL, 'u' },
                { "password",       required_argument, NULL, 'p' },
                { "password-stdin", no_argument,       NULL, 'S' },
                { "help",           no_argument,       NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL, *reply = NULL;
        _cleanup_(freep) char *registry = NULL, *path = NULL, *user = NULL;
        char *password = NULL, *value = NULL;
        bool password_stdin = false;
        json_object *cfg = NULL;
        const char *server = "", *status;
        int c, r, ret = 1;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":u:p:h", options, NULL)) >= 0)
                switch (c) {
                case 'u':
                        free(user);
                        user = strdup(optarg);
                        break;
                case 'p':
                        erase_free(password);
                        password = strdup(optarg);
                        break;
                case 'S':
                        password_stdin = true;
                        break;
                case 'h':
                        printf("\nUsage:  wharf login [OPTIONS] [SERVER]\n\n"
                               "Log in to a registry.\n"
                               "If no server is specified, the default is docker.io.\n\n"
                               "Options:\n"
                               "  -p, --password string   Password\n"
                               "      --password-stdin    Take the password from stdin\n"
                               "  -u, --username string   Username\n");
                        return 0;
                default:
                        usage_getopt_error("login", c, argv);
                        return usage_exit_code("login");
                }
        if (argc - optind > 1) {
                usage_error("login", "'wharf login' requires at most 1 argument.");
                return usage_exit_code("login");
        }
        if (optind < argc)
                server = argv[optind];

        if (password && password_stdin) {
                fputs("Error: --password and --password-stdin are mutually exclusive\n", stderr);
                goto finish;
        }
        if (password_stdin) {
                if (isempty(user)) {
                        fputs("Error: Must provide --username with --password-stdin\n", stderr);
                        goto finish;
                }
                password = read_line(stdin);
        }
        if (registry_server_normalize(server, &registry) < 0 || !(path = auth_config_path()))
                goto oom;
        if (auth_config_load(path, &cfg) < 0) {
                fprintf(stderr, "Error: %s is not a valid docker client config\n", path);
                goto finish;
        }
        if (!user && !password) {
                /* as docker: stored credentials are checked again */
                r = auth_config_get(cfg, registry, &user, &password);
                if (r < 0 && !isatty(STDIN_FILENO)) {
                        fputs("Error: Cannot perform an interactive login from a non TTY device\n", stderr);
                        goto finish;
                }
        }
        if (!user) {
                if (!isatty(STDIN_FILENO)) {
                        fputs("Error: Cannot perform an interactive login from a non TTY device\n", stderr);
                        goto finish;
                }
                printf("Username: ");
                fflush(stdout);
                user = read_line(stdin);
        }
        if (!password) {
                if (!isatty(STDIN_FILENO)) {
                        fputs("Error: Cannot perform an interactive login from a non TTY device\n", stderr);
                        goto finish;
                }
                printf("Password: ");
                fflush(stdout);
                password = read_password_tty();
        }
        if (!user || !password)
                goto oom;
        if (isempty(user)) {
                fputs("Error: Username is required\n", stderr);
                goto finish;
        }
        if (strchr(user, ':')) {
                fputs("Error: Username must not contain ':'\n", stderr);
                goto finish;
        }
        if (isempty(password)) {
                fputs("Error: Password is required\n", stderr);
                goto finish;
        }

        value = auth_config_registry_auth(registry, user, password);
        if (!value)
                goto oom;
        if (engine_connect(&e, NULL) < 0)
                goto finish;
        r = engine_new_call(e, "Login", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "sa{sv}", registry, 1, "RegistryAuth", "s", value);
        if (r < 0)
                goto oom;
        r = engine_call_message(e, m, 0, &reply, NULL, false);
        if (r < 0)
                goto finish;
        if (sd_bus_message_read(reply, "s", &status) < 0)
                status = "Login Succeeded";

        r = auth_config_set(cfg, registry, user, password);
        if (r >= 0)
                r = auth_config_save(path, cfg);
        if (r < 0) {
                errno = -r;
                fprintf(stderr, "Error: saving credentials to %s: %m\n", path);
                goto finish;
        }
        fprintf(stderr, "WARNING! Your password will be stored unencrypted in %s.\n", path);
        printf("%s\n", status);
        ret = 0;
        goto finish;

oom:
        fputs("Error: out of memory\n", stderr);
finish:
        json_object_put(cfg);
        erase_free(password);
        erase_free(value);
        return ret;
}

int cmd_logout(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(freep) char *registry = NULL, *path = NULL;
        json_object *cfg = NULL;
        const char *server = "";
        int c, r, ret = 1;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":h", options, NULL)) >= 0)
                switch (c) {
                case 'h':
                        printf("\nUsage:  wharf logout [SERVER]\n\n"
                               "Log out from a registry.\n"
                               "If no server is specified, the default is docker.io.\n");
                        return 0;
                default:
                        usage_getopt_error("logout", c, argv);
                        return usage_exit_code("logout");
                }
        if (argc - optind > 1) {
                usage_error("logout", "'wharf logout' requires at most 1 argument.");
                return usage_exit_code("logout");
        }
        if (optind < argc)
                server = argv[optind];
        if (registry_server_normalize(server, &registry) < 0 || !(path = auth_config_path())) {
                fputs("Error: out of memory\n", stderr);
                return 1;
        }
        if (auth_config_load(path, &cfg) < 0) {
                fprintf(stderr, "Error: %s is not a valid docker client config\n", path);
                return 1;
        }
        r = auth_config_remove(cfg, registry);
        if (r == -ENOENT) {
                printf("Not logged in to %s\n", registry_server_config_key(registry));
                ret = 0;
                goto finish;
        }
        if (r >= 0)
                r = auth_config_save(path, cfg);
        if (r < 0) {
                errno = -r;
                fprintf(stderr, "Error: saving %s: %m\n", path);
                goto finish;
        }
        printf("Removing login credentials for %s\n", registry_server_config_key(registry));
        ret = 0;
finish:
        json_object_put(cfg);
        return ret;
}

int cmd_push(int argc, char *argv[]) {
        static const struct option options[] = {
                { "quiet", no_argument, NULL, 'q' },
                { "help",  no_argument, NULL, 'h' },
                {}
        };
        _cleanup_(engine_freep) Engine *e = NULL;
        _cleanup_(job_freep) Job *j = NULL;
        _cleanup_(sd_bus_message_unrefp) sd_bus_message *m = NULL;
        _cleanup_(reference_done) Reference ref = {};
        _cleanup_(freep) char *name = NULL, *familiar = NULL;
        bool quiet = false;
        const char *image;
        int c, r;

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, ":qh", options, NULL)) >= 0)
                switch (c) {
                case 'q':
                        quiet = true;
                        break;
                case 'h':
                        printf("\nUsage:  wharf push [OPTIONS] NAME[:TAG]\n\n"
                               "Upload an image to a registry\n\n"
                               "Options:\n"
                               "  -q, --quiet   Suppress verbose output\n");
                        return 0;
                default:
                        usage_getopt_error("push", c, argv);
                        return usage_exit_code("push");
                }
        if (argc - optind != 1) {
                usage_error("push", "'wharf push' requires 1 argument.");
                return usage_exit_code("push");
        }
        image = argv[optind];
        if (reference_parse(image, &ref) < 0) {
                fprintf(stderr, "Error: invalid reference format\n");
                return 1;
        }
        name = reference_name(&ref);
        if (!name || !(familiar = reference_familiar(name))) {
                fputs("Error: out of memory\n", stderr);
                return 1;
        }

        r = engine_connect(&e, NULL);
        if (r < 0)
                return 1;
        r = job_watch(e, quiet ? NULL : stdout, &j);
        if (r < 0) {
                engine_print_error(NULL, r, NULL, false);
                return 1;
        }
        if (!quiet) {
                printf("The push refers to repository [%s]\n", familiar);
                fflush(stdout);
        }
        r = engine_new_call(e, "Push", &m);
        if (r >= 0)
                r = sd_bus_message_append(m, "s", image);
        if (r >= 0)
                r = sd_bus_message_open_container(m, 'a', "{sv}");
        if (r >= 0)
                r = registry_auth_append_entry(m, image);
        if (r >= 0)
                r = sd_bus_message_close_container(m);
        if (r < 0) {
                fprintf(stderr, "Error: %s\n", strerror(-r));
                return 1;
        }
        r = job_call(e, j, m);
        if (r < 0)
                return job_exit_code(e, r);
        if (quiet)
                printf("%s\n", image);
        return 0;
}
