/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <strings.h>

#include "cap-names.h"
#include "error-message.h"
#include "host-config.h"
#include "macro.h"
#include "mounts.h"
#include "signal-util.h"
#include "units.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

void host_config_done(HostConfig *h) {
        strv_free(h->labels);
        free(h->stop_signal);
        free(h->cpuset_cpus);
        strv_free(h->cap_add);
        strv_free(h->cap_drop);
        strv_free(h->security_opt);
        free(h->ulimits);
        free(h->restart_name);
        free(h->log_type);
        strv_free(h->log_config);
        free(h->runtime);
        strv_free(h->binds);
        strv_free(h->tmpfs);
        free(h->mounts);
        *h = (HostConfig) {};
}

const char *kv_get(char * const *kv, const char *key) {
        for (char * const *p = kv; p && p[0] && p[1]; p += 2)
                if (streq(p[0], key))
                        return p[1];
        return NULL;
}

static int kv_set(char ***kv, const char *key, const char *value) {
        for (char **p = *kv; p && p[0] && p[1]; p += 2)
                if (streq(p[0], key)) {
                        char *v = strdup(value);
                        if (!v)
                                return -ENOMEM;
                        free(p[1]);
                        p[1] = v;
                        return 0;
                }
        if (strv_extend(kv, key) < 0 || strv_extend(kv, value) < 0)
                return -ENOMEM;
        return 0;
}

/* Options */

static int type_error(sd_bus_error *error, const char *key, const char *type) {
        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "option %s must be of type %s", key, type);
}

static int read_basic(sd_bus_message *m, const char *key, char type, void *ret, sd_bus_error *error) {
        char sig[2] = { type, 0 };
        int r;

        r = sd_bus_message_enter_container(m, 'v', sig);
        if (r == -ENXIO)
                return type_error(error, key, sig);
        if (r < 0)
                return r;
        r = sd_bus_message_read_basic(m, type, ret);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int read_bool(sd_bus_message *m, const char *key, bool *ret, sd_bus_error *error) {
        int b = 0, r;

        r = read_basic(m, key, 'b', &b, error);
        if (r < 0)
                return r;
        *ret = b;
        return 0;
}

static int read_string(sd_bus_message *m, const char *key, char **ret, sd_bus_error *error) {
        const char *s;
        char *d;
        int r;

        r = read_basic(m, key, 's', &s, error);
        if (r < 0)
                return r;
        d = strdup(s);
        if (!d)
                return -ENOMEM;
        free(*ret);
        *ret = d;
        return 0;
}

static int read_strv(sd_bus_message *m, const char *key, char ***ret, sd_bus_error *error) {
        _cleanup_(strv_freep) char **l = NULL;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "as");
        if (r == -ENXIO)
                return type_error(error, key, "as");
        if (r < 0)
                return r;
        r = sd_bus_message_read_strv(m, &l);
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        strv_free(*ret);
        *ret = l ? TAKE_PTR(l) : calloc(1, sizeof(char *));
        return *ret ? 0 : -ENOMEM;
}

/* a{ss} (already inside the variant) into a key/value list */
static int read_kv(sd_bus_message *m, char ***ret) {
        _cleanup_(strv_freep) char **kv = calloc(1, sizeof(char *));
        const char *k, *v;
        int r;

        if (!kv)
                return -ENOMEM;
        r = sd_bus_message_enter_container(m, 'a', "{ss}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_read(m, "{ss}", &k, &v)) > 0)
                if (kv_set(&kv, k, v) < 0)
                        return -ENOMEM;
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        strv_free(*ret);
        *ret = TAKE_PTR(kv);
        return 0;
}

static int read_labels(sd_bus_message *m, const char *key, HostConfig *h, sd_bus_error *error) {
        int r;

        r = sd_bus_message_enter_container(m, 'v', "a{ss}");
        if (r == -ENXIO)
                return type_error(error, key, "a{ss}");
        if (r < 0)
                return r;
        r = read_kv(m, &h->labels);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int read_ulimits(sd_bus_message *m, const char *key, HostConfig *h, sd_bus_error *error) {
        const char *name;
        int64_t soft, hard;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "a(sxx)");
        if (r == -ENXIO)
                return type_error(error, key, "a(sxx)");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'a', "(sxx)");
        if (r < 0)
                return r;
        h->ulimits = (free(h->ulimits), NULL);
        h->n_ulimits = 0;
        while ((r = sd_bus_message_read(m, "(sxx)", &name, &soft, &hard)) > 0) {
                Ulimit *l;

                if (strlen(name) >= sizeof(l->name) || ulimit_resource(name) < 0)
                        return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "invalid ulimit type: %s", name);
                l = realloc(h->ulimits, (h->n_ulimits + 1) * sizeof(Ulimit));
                if (!l)
                        return -ENOMEM;
                h->ulimits = l;
                l = &h->ulimits[h->n_ulimits++];
                *l = (Ulimit) { .soft = soft, .hard = hard };
                strcpy(l->name, name);
        }
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

static int read_restart(sd_bus_message *m, const char *key, HostConfig *h, sd_bus_error *error) {
        const char *name;
        int64_t max;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "(sx)");
        if (r == -ENXIO)
                return type_error(error, key, "(sx)");
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "(sx)", &name, &max);
        if (r < 0)
                return r;
        free(h->restart_name);
        h->restart_name = strdup(name);
        if (!h->restart_name)
                return -ENOMEM;
        h->restart_max = max;
        return sd_bus_message_exit_container(m);
}

static int read_log_config(sd_bus_message *m, const char *key, HostConfig *h, sd_bus_error *error) {
        const char *type;
        int r;

        r = sd_bus_message_enter_container(m, 'v', "(sa{ss})");
        if (r == -ENXIO)
                return type_error(error, key, "(sa{ss})");
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(m, 'r', "sa{ss}");
        if (r < 0)
                return r;
        r = sd_bus_message_read(m, "s", &type);
        if (r < 0)
                return r;
        free(h->log_type);
        h->log_type = strdup(type);
        if (!h->log_type)
                return -ENOMEM;
        r = read_kv(m, &h->log_config);
        if (r < 0)
                return r;
        r = sd_bus_message_exit_container(m);
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(m);
}

int host_config_read_option(sd_bus_message *m, const char *key, HostConfig *h, sd_bus_error *error) {
        int r;

        if (streq(key, "OpenStdin"))
                r = read_bool(m, key, &h->open_stdin, error);
        else if (streq(key, "AttachStdin"))
                r = read_bool(m, key, &h->attach_stdin, error);
        else if (streq(key, "Labels"))
                r = read_labels(m, key, h, error);
        else if (streq(key, "StopSignal"))
                r = read_string(m, key, &h->stop_signal, error);
        else if (streq(key, "StopTimeout")) {
                r = read_basic(m, key, 'x', &h->stop_timeout, error);
                h->stop_timeout_set = r >= 0;
        } else if (streq(key, "Memory"))
                r = read_basic(m, key, 'x', &h->memory, error);
        else if (streq(key, "MemorySwap"))
                r = read_basic(m, key, 'x', &h->memory_swap, error);
        else if (streq(key, "NanoCpus"))
                r = read_basic(m, key, 'x', &h->nano_cpus, error);
        else if (streq(key, "CpuShares"))
                r = read_basic(m, key, 'x', &h->cpu_shares, error);
        else if (streq(key, "CpusetCpus"))
                r = read_string(m, key, &h->cpuset_cpus, error);
        else if (streq(key, "PidsLimit"))
                r = read_basic(m, key, 'x', &h->pids_limit, error);
        else if (streq(key, "CapAdd"))
                r = read_strv(m, key, &h->cap_add, error);
        else if (streq(key, "CapDrop"))
                r = read_strv(m, key, &h->cap_drop, error);
        else if (streq(key, "Privileged"))
                r = read_bool(m, key, &h->privileged, error);
        else if (streq(key, "SecurityOpt"))
                r = read_strv(m, key, &h->security_opt, error);
        else if (streq(key, "Ulimits"))
                r = read_ulimits(m, key, h, error);
        else if (streq(key, "ReadonlyRootfs"))
                r = read_bool(m, key, &h->readonly_rootfs, error);
        else if (streq(key, "Init"))
                r = read_bool(m, key, &h->init, error);
        else if (streq(key, "RestartPolicy"))
                r = read_restart(m, key, h, error);
        else if (streq(key, "LogConfig"))
                r = read_log_config(m, key, h, error);
        else if (streq(key, "Runtime"))
                r = read_string(m, key, &h->runtime, error);
        else if (streq(key, "Binds"))
                r = read_strv(m, key, &h->binds, error);
        else if (streq(key, "Tmpfs"))
                r = read_strv(m, key, &h->tmpfs, error);
        else if (streq(key, "Mounts"))
                r = read_string(m, key, &h->mounts, error);
        else
                return 0;
        return r < 0 ? r : 1;
}

/* Checks */

/* caps.NormalizeLegacyCapabilities: "ALL", else upper case with CAP_ */
static int caps_normalize(char **l, const char *what, char **ret_error) {
        STRV_FOREACH(p, l) {
                _cleanup_(freep) char *name = NULL;
                const char *known;
                int n;

                if (strcasecmp(*p, "ALL") == 0) {
                        strcpy(*p, "ALL");
                        continue;
                }
                n = cap_name_to_number(*p);
                if (n < 0) {
                        if (asprintf(&name, "%s%s", strncasecmp(*p, "CAP_", 4) == 0 ? "" : "CAP_", *p) < 0)
                                return -ENOMEM;
                        for (char *c = name; *c; c++)
                                *c = (char) toupper((unsigned char) *c);
                        return error_message(ret_error, "invalid %s: unknown capability: \"%s\"", what, name);
                }
                known = cap_number_to_name(n);
                name = strdup(known);
                if (!name)
                        return -ENOMEM;
                free(*p);
                *(char **) p = TAKE_PTR(name);
        }
        return 0;
}

/* Go's strconv.ParseBool */
static int parse_go_bool(const char *s) {
        static const char *const yes[] = { "1", "t", "T", "TRUE", "true", "True" };
        static const char *const no[] = { "0", "f", "F", "FALSE", "false", "False" };

        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (streq(s, yes[i]))
                        return 1;
                if (streq(s, no[i]))
                        return 0;
        }
        return -EINVAL;
}

static int security_opt_split(const char *opt, char **ret_key, const char **ret_value) {
        size_t n = strcspn(opt, "=");

        if (!opt[n])
                n = strcspn(opt, ":");
        if (!opt[n]) {
                *ret_key = strdup(opt);
                *ret_value = NULL;
        } else {
                *ret_key = strndup(opt, n);
                *ret_value = opt + n + 1;
        }
        return *ret_key ? 0 : -ENOMEM;
}

static int check_security_opts(const HostConfig *h, char **ret_error) {
        STRV_FOREACH(o, h->security_opt) {
                _cleanup_(freep) char *key = NULL;
                const char *value;

                if (security_opt_split(*o, &key, &value) < 0)
                        return -ENOMEM;
                if (streq(key, "no-new-privileges")) {
                        if (value && parse_go_bool(value) < 0)
                                return error_message(ret_error, "invalid --security-opt 2: \"%s\"", *o);
                        continue;
                }
                if (!value)
                        return error_message(ret_error, "invalid --security-opt 1: \"%s\"", *o);
                if (streq(key, "seccomp")) {
                        json_object *p;

                        if (streq(value, "unconfined") || streq(value, "builtin"))
                                continue;
                        p = json_tokener_parse(value);
                        if (!p || !json_object_is_type(p, json_type_object)) {
                                json_object_put(p);
                                return error_message(ret_error, "Decoding seccomp profile failed: not a JSON object");
                        }
                        json_object_put(p);
                        continue;
                }
                /* no LSM here: accepted as docker does on hosts without them */
                if (streq(key, "label") || streq(key, "apparmor") || streq(key, "systempaths"))
                        continue;
                return error_message(ret_error, "invalid --security-opt 2: \"%s\"", *o);
        }
        return 0;
}

/* "0-2,4" with every CPU below ncpu */
static int check_cpuset(const char *s, long ncpu, char **ret_error) {
        const char *p = s;

        if (isempty(s))
                return 0;
        for (;;) {
                char *end;
                long a, b;

                if (*p < '0' || *p > '9')
                        return error_message(ret_error, "Invalid value %s for cpuset cpus", s);
                a = b = strtol(p, &end, 10);
                p = end;
                if (*p == '-') {
                        p++;
                        if (*p < '0' || *p > '9')
                                return error_message(ret_error, "Invalid value %s for cpuset cpus", s);
                        b = strtol(p, &end, 10);
                        p = end;
                        if (b < a)
                                return error_message(ret_error, "Invalid value %s for cpuset cpus", s);
                }
                if (b >= ncpu)
                        return error_message(ret_error, "Requested CPUs are not available - requested %s, available: 0-%ld",
                                    s, ncpu - 1);
                if (!*p)
                        return 0;
                if (*p != ',')
                        return error_message(ret_error, "Invalid value %s for cpuset cpus", s);
                p++;
        }
}

static int check_log_config(HostConfig *h, char **ret_error) {
        int64_t v;

        if (isempty(h->log_type)) {
                free(h->log_type);
                h->log_type = strdup("json-file");
                if (!h->log_type)
                        return -ENOMEM;
        }
        if (!streq(h->log_type, "json-file") && !streq(h->log_type, "none"))
                return error_message(ret_error, "logger: no log driver named '%s' is registered", h->log_type);
        for (char **p = h->log_config; p && p[0] && p[1]; p += 2) {
                if (streq(h->log_type, "none"))
                        return error_message(ret_error, "unknown log opt '%s' for none log driver", p[0]);
                if (streq(p[0], "max-size")) {
                        if (units_from_human_size(p[1], &v) < 0)
                                return error_message(ret_error, "invalid size: '%s'", p[1]);
                } else if (streq(p[0], "max-file")) {
                        if (units_parse_int64(p[1], &v) < 0)
                                return error_message(ret_error, "strconv.Atoi: parsing \"%s\": invalid syntax", p[1]);
                        if (v < 1)
                                return error_message(ret_error, "max-file cannot be less than 1");
                } else if (!streq(p[0], "compress") && !streq(p[0], "labels") && !streq(p[0], "env") &&
                           !streq(p[0], "env-regex") && !streq(p[0], "tag"))
                        return error_message(ret_error, "unknown log opt '%s' for json-file log driver", p[0]);
        }
        return 0;
}

int host_config_check(HostConfig *h, bool auto_remove, long ncpu, char **ret_error) {
        int r;

        r = caps_normalize(h->cap_add, "CapAdd", ret_error);
        if (r < 0)
                return r;
        r = caps_normalize(h->cap_drop, "CapDrop", ret_error);
        if (r < 0)
                return r;
        {
                _cleanup_(strv_freep) char **binds = strv_copy(h->binds), **tmpfs = strv_copy(h->tmpfs);

                if ((h->binds && !binds) || (h->tmpfs && !tmpfs))
                        return -ENOMEM;
                r = mounts_expand(h->mounts, true, &binds, &tmpfs, ret_error);
                if (r < 0)
                        return r;
                r = mounts_check(binds, tmpfs, ret_error);
                if (r < 0)
                        return r;
        }

        if (h->memory < 0)
                h->memory = 0;
        if (h->memory > 0 && h->memory < MEMORY_MIN_BYTES)
                return error_message(ret_error, "Minimum memory limit allowed is 6MB");
        if (h->memory == 0 && h->memory_swap > 0)
                return error_message(ret_error, "You should always set the Memory limit when using Memoryswap limit, see usage");
        if (h->memory > 0 && h->memory_swap > 0 && h->memory_swap < h->memory)
                return error_message(ret_error, "Minimum memoryswap limit should be larger than memory limit, see usage");
        if (h->memory > 0 && h->memory_swap == 0)
                /* docker's default: as much swap as memory */
                h->memory_swap = 2 * h->memory;

        if (h->nano_cpus < 0 || (h->nano_cpus > 0 && (h->nano_cpus < 10000000 || h->nano_cpus > ncpu * 1000000000)))
                return error_message(ret_error, "Range of CPUs is from 0.01 to %ld.00, as there are only %ld CPUs available",
                            ncpu, ncpu);
        if (h->cpu_shares < 0)
                return error_message(ret_error, "invalid CPU shares: %lld", (long long) h->cpu_shares);
        r = check_cpuset(h->cpuset_cpus, ncpu, ret_error);
        if (r < 0)
                return r;

        for (size_t i = 0; i < h->n_ulimits; i++)
                if (h->ulimits[i].hard != -1 && h->ulimits[i].soft > h->ulimits[i].hard)
                        return error_message(ret_error, "ulimit soft limit must be less than or equal to hard limit: %lld > %lld",
                                    (long long) h->ulimits[i].soft, (long long) h->ulimits[i].hard);

        if (h->stop_signal && signal_parse(h->stop_signal) < 0)
                return error_message(ret_error, "Invalid signal: %s", h->stop_signal);

        if (!h->restart_name || isempty(h->restart_name)) {
                free(h->restart_name);
                h->restart_name = strdup("no");
                if (!h->restart_name)
                        return -ENOMEM;
        }
        if (streq(h->restart_name, "always") || streq(h->restart_name, "unless-stopped") ||
            streq(h->restart_name, "no")) {
                if (h->restart_max != 0)
                        return error_message(ret_error, "invalid restart policy: maximum retry count can only be used with 'on-failure'%s",
                                    h->restart_max < 0 ? " and cannot be negative" : "");
        } else if (streq(h->restart_name, "on-failure")) {
                if (h->restart_max < 0)
                        return error_message(ret_error, "invalid restart policy: maximum retry count cannot be negative");
        } else
                return error_message(ret_error, "invalid restart policy: unknown policy '%s'; use one of 'no', 'always', "
                            "'on-failure', or 'unless-stopped'", h->restart_name);
        if (auto_remove && !streq(h->restart_name, "no"))
                return error_message(ret_error, "can't create 'AutoRemove' container with restart policy");

        r = check_security_opts(h, ret_error);
        if (r < 0)
                return r;
        r = check_log_config(h, ret_error);
        if (r < 0)
                return r;

        if (isempty(h->runtime)) {
                free(h->runtime);
                h->runtime = strdup("wharf");
                if (!h->runtime)
                        return -ENOMEM;
        }
        if (!streq(h->runtime, "wharf") && !streq(h->runtime, "runc"))
                return error_message(ret_error, "unknown or invalid runtime name: %s", h->runtime);
        return 0;
}

bool host_config_no_new_privileges(const HostConfig *h) {
        bool on = false;

        STRV_FOREACH(o, h->security_opt) {
                const char *v = startswith(*o, "no-new-privileges");

                if (!v)
                        continue;
                if (*v == 0)
                        on = true;
                else if (*v == '=' || *v == ':')
                        on = parse_go_bool(v + 1) == 1;
        }
        return on;
}

const char *host_config_seccomp(const HostConfig *h) {
        const char *profile = NULL;

        STRV_FOREACH(o, h->security_opt) {
                const char *v = startswith(*o, "seccomp=") ?: startswith(*o, "seccomp:");
                if (v)
                        profile = streq(v, "builtin") ? NULL : v;
        }
        return profile;
}

int host_config_log_limits(const HostConfig *h, int64_t *ret_max_size, int64_t *ret_max_file) {
        const char *s;
        int64_t size = 0, files = 1;
        int r;

        s = kv_get(h->log_config, "max-size");
        if (s && (r = units_from_human_size(s, &size)) < 0)
                return r;
        s = kv_get(h->log_config, "max-file");
        if (s && (r = units_parse_int64(s, &files)) < 0)
                return r;
        *ret_max_size = size;
        *ret_max_file = size > 0 ? files : 1;
        return 0;
}

/* container.json */

static json_object *strv_json(char * const *l) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(s, l)
                json_object_array_add(a, json_object_new_string(*s));
        return a;
}

static json_object *kv_json(char * const *kv) {
        json_object *o = json_object_new_object();

        for (char * const *p = kv; p && p[0] && p[1]; p += 2)
                json_object_object_add(o, p[0], json_object_new_string(p[1]));
        return o;
}

int host_config_to_json(const HostConfig *h, json_object *config, json_object *host) {
        json_object *o, *a;

        json_object_object_add(config, "OpenStdin", json_object_new_boolean(h->open_stdin));
        json_object_object_add(config, "AttachStdin", json_object_new_boolean(h->attach_stdin));
        json_object_object_add(config, "Labels", kv_json(h->labels));
        if (h->stop_signal)
                json_object_object_add(config, "StopSignal", json_object_new_string(h->stop_signal));
        if (h->stop_timeout_set)
                json_object_object_add(config, "StopTimeout", json_object_new_int64(h->stop_timeout));

        json_object_object_add(host, "Memory", json_object_new_int64(h->memory));
        json_object_object_add(host, "MemorySwap", json_object_new_int64(h->memory_swap));
        json_object_object_add(host, "NanoCpus", json_object_new_int64(h->nano_cpus));
        json_object_object_add(host, "CpuShares", json_object_new_int64(h->cpu_shares));
        json_object_object_add(host, "CpusetCpus", json_object_new_string(strempty(h->cpuset_cpus)));
        json_object_object_add(host, "PidsLimit", h->pids_limit != 0 ? json_object_new_int64(h->pids_limit) : NULL);
        json_object_object_add(host, "CapAdd", h->cap_add ? strv_json(h->cap_add) : NULL);
        json_object_object_add(host, "CapDrop", h->cap_drop ? strv_json(h->cap_drop) : NULL);
        json_object_object_add(host, "Privileged", json_object_new_boolean(h->privileged));
        json_object_object_add(host, "SecurityOpt", h->security_opt ? strv_json(h->security_opt) : NULL);
        json_object_object_add(host, "Binds", h->binds ? strv_json(h->binds) : NULL);
        if (!isempty(h->mounts)) {
                json_object *mounts = json_tokener_parse(h->mounts);
                if (!mounts)
                        return -EINVAL;
                json_object_object_add(host, "Mounts", mounts);
        }
        if (h->tmpfs) {
                /* docker's shape: a map of destination to options */
                json_object *t = json_object_new_object();
                STRV_FOREACH(s, h->tmpfs) {
                        const char *colon = strchr(*s, ':');
                        _cleanup_(freep) char *d = colon ? strndup(*s, colon - *s) : strdup(*s);
                        if (!d)
                                return -ENOMEM;
                        json_object_object_add(t, d, json_object_new_string(colon ? colon + 1 : ""));
                }
                json_object_object_add(host, "Tmpfs", t);
        }
        a = json_object_new_array();
        for (size_t i = 0; i < h->n_ulimits; i++) {
                o = json_object_new_object();
                json_object_object_add(o, "Name", json_object_new_string(h->ulimits[i].name));
                json_object_object_add(o, "Hard", json_object_new_int64(h->ulimits[i].hard));
                json_object_object_add(o, "Soft", json_object_new_int64(h->ulimits[i].soft));
                json_object_array_add(a, o);
        }
        json_object_object_add(host, "Ulimits", a);
        json_object_object_add(host, "ReadonlyRootfs", json_object_new_boolean(h->readonly_rootfs));
        json_object_object_add(host, "Init", json_object_new_boolean(h->init));
        o = json_object_new_object();
        json_object_object_add(o, "Name", json_object_new_string(h->restart_name ?: "no"));
        json_object_object_add(o, "MaximumRetryCount", json_object_new_int64(h->restart_max));
        json_object_object_add(host, "RestartPolicy", o);
        o = json_object_new_object();
        json_object_object_add(o, "Type", json_object_new_string(h->log_type ?: "json-file"));
        json_object_object_add(o, "Config", kv_json(h->log_config));
        json_object_object_add(host, "LogConfig", o);
        json_object_object_add(host, "Runtime", json_object_new_string(h->runtime ?: "wharf"));
        return 0;
}

static json_object *member(json_object *o, const char *key, json_type type) {
        json_object *v;

        if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, type))
                return NULL;
        return v;
}

static bool get_bool(json_object *o, const char *key) {
        json_object *v = member(o, key, json_type_boolean);
        return v && json_object_get_boolean(v);
}

static int64_t get_int(json_object *o, const char *key, bool *ret_present) {
        json_object *v = member(o, key, json_type_int);

        if (ret_present)
                *ret_present = v;
        return v ? json_object_get_int64(v) : 0;
}

static int get_string(json_object *o, const char *key, char **ret) {
        json_object *v = member(o, key, json_type_string);

        if (!v)
                return 0;
        *ret = strdup(json_object_get_string(v));
        return *ret ? 0 : -ENOMEM;
}

static int get_strv(json_object *o, const char *key, char ***ret) {
        json_object *a = member(o, key, json_type_array);

        if (!a)
                return 0;
        *ret = calloc(1, sizeof(char *));
        if (!*ret)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_array_length(a); i++) {
                json_object *s = json_object_array_get_idx(a, i);
                if (!json_object_is_type(s, json_type_string))
                        return -EBADMSG;
                if (strv_extend(ret, json_object_get_string(s)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int get_kv(json_object *o, const char *key, char ***ret) {
        json_object *m = member(o, key, json_type_object);

        if (!m)
                return 0;
        *ret = calloc(1, sizeof(char *));
        if (!*ret)
                return -ENOMEM;
        json_object_object_foreach(m, k, v) {
                if (!json_object_is_type(v, json_type_string))
                        return -EBADMSG;
                if (kv_set(ret, k, json_object_get_string(v)) < 0)
                        return -ENOMEM;
        }
        return 0;
}

int host_config_from_json(json_object *config, json_object *host, HostConfig *ret) {
        _cleanup_(host_config_done) HostConfig h = {};
        json_object *a, *o;
        int r;

        h.open_stdin = get_bool(config, "OpenStdin");
        h.attach_stdin = get_bool(config, "AttachStdin");
        if ((r = get_kv(config, "Labels", &h.labels)) < 0 ||
            (r = get_string(config, "StopSignal", &h.stop_signal)) < 0)
                return r;
        h.stop_timeout = get_int(config, "StopTimeout", &h.stop_timeout_set);

        h.memory = get_int(host, "Memory", NULL);
        h.memory_swap = get_int(host, "MemorySwap", NULL);
        h.nano_cpus = get_int(host, "NanoCpus", NULL);
        h.cpu_shares = get_int(host, "CpuShares", NULL);
        h.pids_limit = get_int(host, "PidsLimit", NULL);
        h.privileged = get_bool(host, "Privileged");
        h.readonly_rootfs = get_bool(host, "ReadonlyRootfs");
        h.init = get_bool(host, "Init");
        if ((r = get_string(host, "CpusetCpus", &h.cpuset_cpus)) < 0 ||
            (r = get_strv(host, "CapAdd", &h.cap_add)) < 0 ||
            (r = get_strv(host, "CapDrop", &h.cap_drop)) < 0 ||
            (r = get_strv(host, "SecurityOpt", &h.security_opt)) < 0 ||
            (r = get_strv(host, "Binds", &h.binds)) < 0 ||
            (r = get_string(host, "Runtime", &h.runtime)) < 0)
                return r;
        if (isempty(h.cpuset_cpus))
                h.cpuset_cpus = (free(h.cpuset_cpus), NULL);
        a = member(host, "Mounts", json_type_array);
        if (a) {
                h.mounts = strdup(json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
                if (!h.mounts)
                        return -ENOMEM;
        }
        a = member(host, "Tmpfs", json_type_object);
        if (a) {
                json_object_object_foreach(a, dst, opts) {
                        const char *o = json_object_get_string(opts);
                        _cleanup_(freep) char *s = NULL;

                        if (asprintf(&s, "%s%s%s", dst, isempty(o) ? "" : ":", strempty(o)) < 0 ||
                            strv_extend(&h.tmpfs, s) < 0)
                                return -ENOMEM;
                }
        }

        a = member(host, "Ulimits", json_type_array);
        if (a && json_object_array_length(a) > 0) {
                size_t n = json_object_array_length(a);

                h.ulimits = calloc(n, sizeof(Ulimit));
                if (!h.ulimits)
                        return -ENOMEM;
                for (size_t i = 0; i < n; i++) {
                        json_object *u = json_object_array_get_idx(a, i), *name = member(u, "Name", json_type_string);

                        if (!name || strlen(json_object_get_string(name)) >= sizeof(h.ulimits[i].name))
                                return -EBADMSG;
                        strcpy(h.ulimits[i].name, json_object_get_string(name));
                        h.ulimits[i].soft = get_int(u, "Soft", NULL);
                        h.ulimits[i].hard = get_int(u, "Hard", NULL);
                        h.n_ulimits++;
                }
        }
        o = member(host, "RestartPolicy", json_type_object);
        if ((r = get_string(o, "Name", &h.restart_name)) < 0)
                return r;
        h.restart_max = get_int(o, "MaximumRetryCount", NULL);
        o = member(host, "LogConfig", json_type_object);
        if ((r = get_string(o, "Type", &h.log_type)) < 0 ||
            (r = get_kv(o, "Config", &h.log_config)) < 0)
                return r;

        *ret = h;
        h = (HostConfig) {};
        return 0;
}

int host_config_mounts(const HostConfig *h, char ***ret_binds, char ***ret_tmpfs) {
        _cleanup_(strv_freep) char **binds = strv_copy(h->binds), **tmpfs = strv_copy(h->tmpfs);
        _cleanup_(freep) char *error = NULL;
        int r;

        if ((h->binds && !binds) || (h->tmpfs && !tmpfs))
                return -ENOMEM;
        /* checked at create: a failure now is only ENOMEM */
        r = mounts_expand(h->mounts, false, &binds, &tmpfs, &error);
        if (r < 0)
                return r;
        *ret_binds = TAKE_PTR(binds);
        *ret_tmpfs = TAKE_PTR(tmpfs);
        return 0;
}
