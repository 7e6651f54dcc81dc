/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fs-util.h"
#include "mount-option.h"
#include "run-flags.h"
#include "units.h"

#define SECCOMP_PROFILE_MAX (4U * 1024U * 1024U)

void run_flags_done(RunFlags *f) {
        free(f->cpuset_cpus);
        strv_free(f->cap_add);
        strv_free(f->cap_drop);
        strv_free(f->security_opt);
        free(f->ulimits);
        free(f->stop_signal);
        free(f->restart);
        free(f->restart_name);
        strv_free(f->labels);
        strv_free(f->label_files);
        strv_free(f->log_opts);
        free(f->log_driver);
        free(f->runtime);
        free(f->detach_keys);
        strv_free(f->volumes);
        strv_free(f->tmpfs);
        json_object_put(f->mounts);
        *f = (RunFlags) {};
}

/* pflag's wording: invalid argument "12q" for "-m, --memory" flag: ... */
#define INVALID(name, fmt, ...) \
        usage_error(command, "invalid argument \"%s\" for \"%s\" flag: " fmt, arg, name, ##__VA_ARGS__)

static int set_string(char **target, const char *arg) {
        char *s = strdup(arg);

        if (!s)
                return -ENOMEM;
        free(*target);
        *target = s;
        return 0;
}

static int parse_int64_flag(const char *arg, const char *name, const char *command, int64_t *ret) {
        int r = units_parse_int64(arg, ret);

        if (r == -ERANGE)
                return INVALID(name, "strconv.ParseInt: parsing \"%s\": value out of range", arg);
        if (r < 0)
                return INVALID(name, "strconv.ParseInt: parsing \"%s\": invalid syntax", arg);
        return 0;
}

/* docker's CLI sends a seccomp profile file's content, compacted */
static int security_opt_resolve(const char *arg, const char *command, char **ret) {
        _cleanup_(freep) char *data = NULL;
        const char *v;
        json_object *o;
        int r;

        v = startswith(arg, "seccomp=") ?: startswith(arg, "seccomp:");
        if (!strchr(arg, '=') && !strchr(arg, ':') && !streq(arg, "no-new-privileges"))
                return usage_error(command, "Invalid --security-opt: \"%s\"", arg);
        if (!v)
                return set_string(ret, arg);
        if (isempty(v))
                return usage_error(command, "Invalid --security-opt: \"%s\"", arg);
        if (streq(v, "unconfined") || streq(v, "builtin"))
                return set_string(ret, arg);

        r = read_full_file(v, &data, NULL, SECCOMP_PROFILE_MAX);
        if (r < 0) {
                fprintf(stderr, "wharf: opening seccomp profile (%s) failed: open %s: %s\n", v, v, strerror(-r));
                return -EINVAL;
        }
        o = json_tokener_parse(data);
        if (!o) {
                fprintf(stderr, "wharf: compacting json for seccomp profile (%s) failed: invalid JSON\n", v);
                return -EINVAL;
        }
        r = asprintf(ret, "seccomp=%s", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(o);
        return r < 0 ? -ENOMEM : 0;
}

int restart_policy_parse(const char *s, char **ret_name, int64_t *ret_max, const char **ret_error) {
        const char *colon = strchr(s, ':');
        int64_t max = 0;

        if (colon == s) {
                *ret_error = "invalid restart policy format: no policy provided before colon";
                return -EINVAL;
        }
        if (colon && colon[1]) {
                int r = units_parse_int64(colon + 1, &max);
                if (r < 0 || max < INT32_MIN || max > INT32_MAX) {
                        *ret_error = "invalid restart policy format: maximum retry count must be an integer";
                        return -EINVAL;
                }
        }
        *ret_name = colon ? strndup(s, colon - s) : strdup(s);
        if (!*ret_name)
                return -ENOMEM;
        *ret_max = max;
        return 0;
}

int detach_keys_parse(const char *s, unsigned char *ret, size_t size) {
        static const char special[] = "@[\\]^_";
        size_t n = 0;
        const char *p = s;

        if (isempty(s))
                return -EINVAL;
        for (;;) {
                size_t len = strcspn(p, ",");
                const char *k;

                if (n >= size)
                        return -EINVAL;
                if (len == 1)
                        ret[n++] = (unsigned char) p[0];
                else if (len == 6 && (k = startswith(p, "ctrl-"))) {
                        if (*k >= 'a' && *k <= 'z')
                                ret[n++] = (unsigned char) (*k - 'a' + 1);
                        else if (strchr(special, *k))
                                ret[n++] = (unsigned char) (*k == '@' ? 0 : 27 + (strchr(special, *k) - special) - 1);
                        else
                                return -EINVAL;
                } else
                        return -EINVAL;
                p += len;
                if (!*p)
                        break;
                p++;
        }
        return (int) n;
}

int run_flags_parse(RunFlags *f, int c, const char *arg, const char *command) {
        _cleanup_(freep) char *error = NULL;
        int64_t v;
        int r;

        switch (c) {
        case 'm':
        case RUN_FLAG_MEMORY:
                if (units_ram_in_bytes(arg, &v) < 0)
                        return INVALID("-m, --memory", "invalid size: '%s'", arg);
                f->memory = v;
                return 0;
        case RUN_FLAG_MEMORY_SWAP:
                if (streq(arg, "-1"))
                        v = -1;
                else if (units_ram_in_bytes(arg, &v) < 0)
                        return INVALID("--memory-swap", "invalid size: '%s'", arg);
                f->memory_swap = v;
                return 0;
        case RUN_FLAG_CPUS:
                r = units_parse_nano_cpus(arg, &v);
                if (r == -ERANGE)
                        return INVALID("--cpus", "value is too precise");
                if (r < 0)
                        return INVALID("--cpus", "failed to parse %s as a rational number", arg);
                f->nano_cpus = v;
                return 0;
        case 'c':
        case RUN_FLAG_CPU_SHARES:
                return parse_int64_flag(arg, "-c, --cpu-shares", command, &f->cpu_shares);
        case RUN_FLAG_CPUSET_CPUS:
                return set_string(&f->cpuset_cpus, arg);
        case RUN_FLAG_PIDS_LIMIT:
                r = parse_int64_flag(arg, "--pids-limit", command, &f->pids_limit);
                if (r < 0)
                        return r;
                f->pids_limit_set = true;
                return 0;
        case RUN_FLAG_CAP_ADD:
                return strv_extend(&f->cap_add, arg);
        case 'v':
        case RUN_FLAG_VOLUME:
                /* checked by the engine, which makes the mounts */
                return strv_extend(&f->volumes, arg);
        case RUN_FLAG_TMPFS:
                return strv_extend(&f->tmpfs, arg);
        case RUN_FLAG_MOUNT: {
                _cleanup_(freep) char *error = NULL;
                json_object *m = NULL;

                r = mount_option_parse(arg, &m, &error);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return INVALID("--mount", "%s", strempty(error));
                if (!f->mounts)
                        f->mounts = json_object_new_array();
                if (!f->mounts || json_object_array_add(f->mounts, m) < 0) {
                        json_object_put(m);
                        return -ENOMEM;
                }
                return 0;
        }
        case RUN_FLAG_CAP_DROP:
                return strv_extend(&f->cap_drop, arg);
        case RUN_FLAG_PRIVILEGED:
                f->privileged = true;
                return 0;
        case RUN_FLAG_SECURITY_OPT: {
                _cleanup_(freep) char *s = NULL;

                r = security_opt_resolve(arg, command, &s);
                if (r < 0)
                        return r;
                return strv_extend(&f->security_opt, s);
        }
        case RUN_FLAG_ULIMIT: {
                Ulimit u, *l;

                r = ulimit_parse(arg, &u, &error);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return INVALID("--ulimit", "%s", error);
                /* the last value for a name wins, as docker's UlimitOpt */
                for (size_t i = 0; i < f->n_ulimits; i++)
                        if (streq(f->ulimits[i].name, u.name)) {
                                f->ulimits[i] = u;
                                return 0;
                        }
                l = realloc(f->ulimits, (f->n_ulimits + 1) * sizeof(Ulimit));
                if (!l)
                        return -ENOMEM;
                f->ulimits = l;
                f->ulimits[f->n_ulimits++] = u;
                return 0;
        }
        case RUN_FLAG_READ_ONLY:
                f->read_only = true;
                return 0;
        case RUN_FLAG_INIT:
                f->init = true;
                return 0;
        case RUN_FLAG_STOP_SIGNAL:
                return set_string(&f->stop_signal, arg);
        case RUN_FLAG_STOP_TIMEOUT:
                r = parse_int64_flag(arg, "--stop-timeout", command, &f->stop_timeout);
                if (r < 0)
                        return r;
                f->stop_timeout_set = true;
                return 0;
        case RUN_FLAG_RESTART:
                return set_string(&f->restart, arg);
        case 'l':
        case RUN_FLAG_LABEL:
                return strv_extend(&f->labels, arg);
        case RUN_FLAG_LABEL_FILE:
                return strv_extend(&f->label_files, arg);
        case RUN_FLAG_LOG_OPT:
                if (!strchr(arg, '='))
                        return INVALID("--log-opt", "invalid key value pair format in log options");
                return strv_extend(&f->log_opts, arg);
        case RUN_FLAG_LOG_DRIVER:
                return set_string(&f->log_driver, arg);
        case RUN_FLAG_RUNTIME:
                return set_string(&f->runtime, arg);
        case RUN_FLAG_DETACH_KEYS:
                return set_string(&f->detach_keys, arg);
        default:
                return -ENOENT;
        }
}

/* docker's --label-file: KEY=VALUE lines, '#' comments and blank lines
 * skipped; a bare KEY is an empty label */
static int label_file_read(RunFlags *f, const char *path) {
        _cleanup_(fclosep) FILE *file = NULL;
        _cleanup_(freep) char *line = NULL;
        size_t allocated = 0;
        ssize_t n;

        file = fopen(path, "re");
        if (!file) {
                fprintf(stderr, "wharf: open %s: %m\n", path);
                return -EINVAL;
        }
        while ((n = getline(&line, &allocated, file)) >= 0) {
                char *p = line;

                while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
                        p[--n] = 0;
                p += strspn(p, " \t");
                if (*p == 0 || *p == '#')
                        continue;
                if (strv_extend(&f->labels, p) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int run_flags_finish(RunFlags *f, bool auto_remove, const char *command) {
        const char *error = NULL;
        unsigned char keys[16];
        int r;

        if (f->restart) {
                r = restart_policy_parse(f->restart, &f->restart_name, &f->restart_max, &error);
                if (r == -ENOMEM)
                        return r;
                if (r < 0)
                        return usage_error(command, "%s", error);
                if (auto_remove && !isempty(f->restart_name) && !streq(f->restart_name, "no"))
                        return usage_error(command, "Conflicting options: --restart and --rm");
        }
        if (f->detach_keys && detach_keys_parse(f->detach_keys, keys, sizeof keys) < 0)
                return usage_error(command, "Invalid detach keys (%s) provided", f->detach_keys);

        /* label files first, then --label, as docker */
        if (f->label_files) {
                _cleanup_(strv_freep) char **given = TAKE_PTR(f->labels);

                STRV_FOREACH(p, f->label_files) {
                        r = label_file_read(f, *p);
                        if (r < 0)
                                return r;
                }
                STRV_FOREACH(l, given)
                        if (strv_extend(&f->labels, *l) < 0)
                                return -ENOMEM;
        }
        return 0;
}

static int append_strv(sd_bus_message *m, const char *key, char **l) {
        int r;

        if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0 ||
            (r = sd_bus_message_append(m, "s", key)) < 0 ||
            (r = sd_bus_message_open_container(m, 'v', "as")) < 0 ||
            (r = sd_bus_message_append_strv(m, l)) < 0 ||
            (r = sd_bus_message_close_container(m)) < 0)
                return r;
        return sd_bus_message_close_container(m);
}

/* "k=v" items as a{ss} ("k" alone: empty value) */
static int append_kv(sd_bus_message *m, char **l) {
        int r;

        r = sd_bus_message_open_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        STRV_FOREACH(s, l) {
                const char *eq = strchr(*s, '=');
                _cleanup_(freep) char *k = eq ? strndup(*s, eq - *s) : strdup(*s);

                if (!k)
                        return -ENOMEM;
                r = sd_bus_message_append(m, "{ss}", k, eq ? eq + 1 : "");
                if (r < 0)
                        return r;
        }
        return sd_bus_message_close_container(m);
}

int run_flags_append(sd_bus_message *m, const RunFlags *f) {
        int r = 0;

#define APPEND(key, type, ...)                                                          \
        if ((r = sd_bus_message_append(m, "{sv}", key, type, __VA_ARGS__)) < 0)         \
                return r;

        if (f->memory != 0)
                APPEND("Memory", "x", f->memory);
        if (f->memory_swap != 0)
                APPEND("MemorySwap", "x", f->memory_swap);
        if (f->nano_cpus != 0)
                APPEND("NanoCpus", "x", f->nano_cpus);
        if (f->cpu_shares != 0)
                APPEND("CpuShares", "x", f->cpu_shares);
        if (f->cpuset_cpus)
                APPEND("CpusetCpus", "s", f->cpuset_cpus);
        if (f->pids_limit_set)
                APPEND("PidsLimit", "x", f->pids_limit);
        if (f->cap_add && (r = append_strv(m, "CapAdd", f->cap_add)) < 0)
                return r;
        if (f->cap_drop && (r = append_strv(m, "CapDrop", f->cap_drop)) < 0)
                return r;
        if (f->privileged)
                APPEND("Privileged", "b", 1);
        if (f->security_opt && (r = append_strv(m, "SecurityOpt", f->security_opt)) < 0)
                return r;
        if (f->n_ulimits > 0) {
                if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0 ||
                    (r = sd_bus_message_append(m, "s", "Ulimits")) < 0 ||
                    (r = sd_bus_message_open_container(m, 'v', "a(sxx)")) < 0 ||
                    (r = sd_bus_message_open_container(m, 'a', "(sxx)")) < 0)
                        return r;
                for (size_t i = 0; i < f->n_ulimits; i++)
                        if ((r = sd_bus_message_append(m, "(sxx)", f->ulimits[i].name,
                                                       f->ulimits[i].soft, f->ulimits[i].hard)) < 0)
                                return r;
                if ((r = sd_bus_message_close_container(m)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0)
                        return r;
        }
        if (f->read_only)
                APPEND("ReadonlyRootfs", "b", 1);
        if (f->init)
                APPEND("Init", "b", 1);
        if (f->stop_signal)
                APPEND("StopSignal", "s", f->stop_signal);
        if (f->stop_timeout_set)
                APPEND("StopTimeout", "x", f->stop_timeout);
        if (f->restart_name)
                APPEND("RestartPolicy", "(sx)", f->restart_name, f->restart_max);
        if (f->labels) {
                if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0 ||
                    (r = sd_bus_message_append(m, "s", "Labels")) < 0 ||
                    (r = sd_bus_message_open_container(m, 'v', "a{ss}")) < 0 ||
                    (r = append_kv(m, f->labels)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0)
                        return r;
        }
        if (f->log_opts || f->log_driver) {
                if ((r = sd_bus_message_open_container(m, 'e', "sv")) < 0 ||
                    (r = sd_bus_message_append(m, "s", "LogConfig")) < 0 ||
                    (r = sd_bus_message_open_container(m, 'v', "(sa{ss})")) < 0 ||
                    (r = sd_bus_message_open_container(m, 'r', "sa{ss}")) < 0 ||
                    (r = sd_bus_message_append(m, "s", f->log_driver ?: "json-file")) < 0 ||
                    (r = append_kv(m, f->log_opts)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0 ||
                    (r = sd_bus_message_close_container(m)) < 0)
                        return r;
        }
        if (f->runtime)
                APPEND("Runtime", "s", f->runtime);
        if (f->volumes && (r = append_strv(m, "Binds", f->volumes)) < 0)
                return r;
        if (f->tmpfs && (r = append_strv(m, "Tmpfs", f->tmpfs)) < 0)
                return r;
        if (f->mounts)
                APPEND("Mounts", "s", json_object_to_json_string_ext(f->mounts, JSON_C_TO_STRING_PLAIN |
                                                                     JSON_C_TO_STRING_NOSLASHESCAPE));
#undef APPEND
        return 0;
}

const char run_flags_help[] =
        "      --cap-add list         Add Linux capabilities\n"
        "      --cap-drop list        Drop Linux capabilities\n"
        "  -c, --cpu-shares int       CPU shares (relative weight)\n"
        "      --cpus decimal         Number of CPUs\n"
        "      --cpuset-cpus string   CPUs in which to allow execution (0-3, 0,1)\n"
        "      --detach-keys string   Override the key sequence for detaching a container\n"
        "      --init                 Run an init inside the container that forwards signals and reaps processes\n"
        "  -l, --label list           Set meta data on a container\n"
        "      --label-file list      Read in a line delimited file of labels\n"
        "      --log-driver string    Logging driver for the container (json-file)\n"
        "      --log-opt list         Log driver options (max-size, max-file)\n"
        "  -m, --memory bytes         Memory limit\n"
        "      --memory-swap bytes    Swap limit equal to memory plus swap: '-1' to enable unlimited swap\n"
        "      --pids-limit int       Tune container pids limit (set -1 for unlimited)\n"
        "      --privileged           Give extended privileges to this container\n"
        "      --read-only            Mount the container's root filesystem as read only\n"
        "      --restart string       Restart policy to apply when a container exits (default \"no\")\n"
        "      --runtime string       Runtime to use for this container\n"
        "      --security-opt list    Security Options\n"
        "      --stop-signal string   Signal to stop the container\n"
        "      --stop-timeout int     Timeout (in seconds) to stop a container\n"
        "      --mount mount          Attach a filesystem mount to the container\n"
        "      --tmpfs list           Mount a tmpfs directory\n"
        "      --ulimit ulimit        Ulimit options (default [])\n"
        "  -v, --volume list          Bind mount a volume (NAME:CONTAINER[:ro], HOST:CONTAINER, CONTAINER)\n";
