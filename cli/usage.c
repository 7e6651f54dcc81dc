/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int usage_error(const char *command, const char *format, ...) {
        va_list ap;

        fputs("wharf: ", stderr);
        va_start(ap, format);
        vfprintf(stderr, format, ap);
        va_end(ap);
        fputc('\n', stderr);
        if (command)
                fprintf(stderr, "See 'wharf %s --help'.\n", command);
        else
                fputs("See 'wharf --help'.\n", stderr);
        return -EINVAL;
}

int usage_getopt_error(const char *command, int c, char *argv[]) {
        /* getopt has moved optind past the failing word, unless it failed
         * inside a group of short options ("-xi"): trust the word only when
         * it is a long option and the failure can be a long one */
        const char *word = optind > 0 ? argv[optind - 1] : NULL;
        bool is_long = word && startswith(word, "--") &&
                (c == ':' || optopt == 0 || optopt >= 0x100 || strchr(word, '='));

        if (is_long) {
                int n = (int) strcspn(word, "=");

                if (c == ':')
                        return usage_error(command, "flag needs an argument: %.*s", n, word);
                if (optopt != 0)
                        return usage_error(command, "flag does not take an argument: %.*s", n, word);
                return usage_error(command, "unknown flag: %.*s", n, word);
        }

        if (c == ':')
                return usage_error(command, "flag needs an argument: '%c' in -%c", optopt, optopt);
        return usage_error(command, "unknown shorthand flag: '%c' in -%c", optopt, optopt);
}

int usage_exit_code(const char *command) {
        if (command && (streq(command, "run") || streq(command, "create") || streq(command, "start")))
                return EXIT_ENGINE_ERROR;
        return 1;
}

int usage_parse_bool(const char *command, const char *flag, const char *value, bool *ret) {
        static const char * const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
        static const char * const no[] = { "0", "f", "F", "FALSE", "false", "False" };

        if (!value) {
                *ret = true;
                return 0;
        }
        for (size_t i = 0; i < ELEMENTSOF(yes); i++)
                if (streq(value, yes[i]) || streq(value, no[i])) {
                        *ret = streq(value, yes[i]);
                        return 0;
                }
        fprintf(stderr, "wharf: invalid argument \"%s\" for \"--%s\" flag: "
                "strconv.ParseBool: parsing \"%s\": invalid syntax\nSee 'wharf %s --help'.\n",
                value, flag, value, command);
        return -EINVAL;
}

int usage_getopt_simple(int argc, char *argv[], const char *command, const char *usage,
                         const struct option *extra, const char *optstring, int (*handle)(int c, void *ud), void *ud) {
        struct option options[16] = {};
        size_t n = 0;
        int c;

        for (; extra && extra[n].name && n < 14; n++)
                options[n] = extra[n];
        options[n] = (struct option) { "help", no_argument, NULL, 0x200 };

        opterr = 0;
        optind = 0;
        while ((c = getopt_long(argc, argv, optstring, options, NULL)) >= 0) {
                if (c == 0x200) {
                        printf("\nUsage:  wharf %s\n", usage);
                        return 1;
                }
                if (c == '?' || c == ':' || !handle || handle(c, ud) < 0) {
                        if (c == '?' || c == ':')
                                usage_getopt_error(command, c, argv);
                        return -EINVAL;
                }
        }
        return 0;
}

/* docker's management commands: "image ls" is "images" and so on */
int usage_dispatch(const char *group, const char *description, int argc, char *argv[],
                   const SubCommand *table, size_t n) {
        if (argc < 2 || streq(argv[1], "--help") || streq(argv[1], "-h")) {
                printf("\nUsage:  wharf %s COMMAND\n\n", group);
                if (description)
                        printf("%s\n\n", description);
                printf("Commands:\n");
                for (size_t i = 0; i < n; i++)
                        if (!table[i].help)
                                printf("  %s\n", table[i].name);
                        else if (table[i].help[0])
                                printf("  %-11s %s\n", table[i].name, table[i].help);
                return argc < 2 ? 1 : 0;
        }
        for (size_t i = 0; i < n; i++)
                if (streq(argv[1], table[i].name))
                        return table[i].run(argc - 1, argv + 1);
        fprintf(stderr, "wharf: '%s %s' is not a wharf command.\nSee 'wharf %s --help'\n", group, argv[1], group);
        return 1;
}
