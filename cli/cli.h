/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* What every command of `wharf` shares: the global options, the commands'
 * entry points, and docker's usage-error conventions. */

#include <getopt.h>
#include <stdbool.h>

#include "macro.h"

/* docker's exit codes */
#define EXIT_ENGINE_ERROR     125   /* `run`: the engine or the CLI failed */
#define EXIT_NOT_EXECUTABLE   126
#define EXIT_NOT_FOUND        127

typedef struct GlobalOptions {
        const char *host;       /* -H: a D-Bus address; NULL = the system bus */
        bool debug;
} GlobalOptions;

extern GlobalOptions arg_global;

/* Each command gets argv with argv[0] = the command's name and returns the
 * process exit code. */
int cmd_pull(int argc, char *argv[]);
int cmd_images(int argc, char *argv[]);
int cmd_rmi(int argc, char *argv[]);
int cmd_run(int argc, char *argv[]);
int cmd_create(int argc, char *argv[]);
int cmd_start(int argc, char *argv[]);
int cmd_ps(int argc, char *argv[]);
int cmd_rm(int argc, char *argv[]);
int cmd_info(int argc, char *argv[]);
int cmd_stop(int argc, char *argv[]);
int cmd_kill(int argc, char *argv[]);
int cmd_restart(int argc, char *argv[]);
int cmd_pause(int argc, char *argv[]);
int cmd_unpause(int argc, char *argv[]);
int cmd_wait(int argc, char *argv[]);
int cmd_rename(int argc, char *argv[]);
int cmd_inspect(int argc, char *argv[]);
int cmd_top(int argc, char *argv[]);
int cmd_stats(int argc, char *argv[]);
int cmd_version(int argc, char *argv[]);
/* image-cmds.c */
int cmd_tag(int argc, char *argv[]);
int cmd_history(int argc, char *argv[]);
int cmd_image(int argc, char *argv[]);
int cmd_image_inspect(int argc, char *argv[]);
int cmd_image_prune(int argc, char *argv[]);
int cmd_system(int argc, char *argv[]);
int cmd_system_df(int argc, char *argv[]);
int cmd_logs(int argc, char *argv[]);
int cmd_exec(int argc, char *argv[]);
int cmd_attach(int argc, char *argv[]);
/* network.c */
int cmd_network(int argc, char *argv[]);
/* volume.c */
int cmd_volume(int argc, char *argv[]);
int cmd_port(int argc, char *argv[]);
int cmd_login(int argc, char *argv[]);
int cmd_logout(int argc, char *argv[]);
int cmd_push(int argc, char *argv[]);
/* archive.c */
int cmd_save(int argc, char *argv[]);
int cmd_load(int argc, char *argv[]);
int cmd_import(int argc, char *argv[]);

/* "wharf: <message>" and "See 'wharf <command> --help'." on stderr, as
 * docker prints usage errors. Returns -EINVAL. */
int usage_error(const char *command, const char *format, ...) _printf_(2, 3);

/* Explains a getopt_long failure (c is '?' or ':', with "+:" or ":" at the
 * start of optstring) in docker's words. Returns -EINVAL. */
int usage_getopt_error(const char *command, int c, char *argv[]);

/* getopt_long over extra (at most 14 options) and --help: handle(c, ud)
 * takes each option (< 0: a usage error). 1 after printing the usage
 * for --help, < 0 on a usage error (printed), 0 otherwise. */
int usage_getopt_simple(int argc, char *argv[], const char *command, const char *usage,
                        const struct option *extra, const char *optstring, int (*handle)(int c, void *ud), void *ud);

/* A management command's subcommand ("image ls", "volume rm", ...). help:
 * its line in the group's --help; NULL lists the name alone, "" not at all
 * (an alias). */
typedef struct SubCommand {
        const char *name;
        int (*run)(int argc, char *argv[]);
        const char *help;
} SubCommand;

/* Runs argv[1] of group from table; without one, the group's usage (exit
 * 1; with --help, 0); an unknown one is docker's one-line error. */
int usage_dispatch(const char *group, const char *description, int argc, char *argv[],
                   const SubCommand *table, size_t n);

/* A Go bool flag's value (--flag: NULL, true; --flag=false ...) in the
 * spellings of strconv.ParseBool; else docker's usage error. */
int usage_parse_bool(const char *command, const char *flag, const char *value, bool *ret);

/* The exit code for a usage error of command: 125 for run/create/start,
 * 1 for the others (docker's convention for run). */
int usage_exit_code(const char *command);
