/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "cap-names.h"
#include "macro.h"
#include "container-config.h"
#include "host-devices.h"
#include "mounts.h"
#include "spec-host.h"

/* docker's default seccomp profile, from execd's side of issue 4 */
#if __has_include("seccomp-profile.h")
#include "seccomp-profile.h"
#define HAVE_SECCOMP_PROFILE 1
#endif

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* docker's default capability set */
static const char *const default_caps[] = {
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
        "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
        "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
};

/* docker's defaults (oci/defaults.go) */
static const char *const default_masked_paths[] = {
        "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
        "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
        "/sys/firmware", "/sys/devices/virtual/powercap",
};
static const char *const default_readonly_paths[] = {
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

#define CPU_PERIOD_USEC 100000

static uint64_t host_caps = UINT64_MAX;

void host_caps_init(void) {
        _cleanup_(fclosep) FILE *f = fopen("/proc/self/status", "re");
        char line[256];

        if (!f)
                return;
        while (fgets(line, sizeof line, f)) {
                unsigned long long v;
                if (sscanf(line, "CapBnd: %llx", &v) == 1) {
                        host_caps = v;
                        return;
                }
        }
}

uint64_t host_caps_get(void) {
        return host_caps;
}

static bool strv_has_ci(char * const *l, const char *s) {
        STRV_FOREACH(p, l)
                if (strcasecmp(*p, s) == 0)
                        return true;
        return false;
}

static int add_unique(char ***l, const char *s) {
        return strv_has_ci(*l, s) ? 0 : strv_extend(l, s);
}

static int add_all(char ***l, uint64_t caps, char * const *drop) {
        for (int i = 0; i <= cap_last_known(); i++) {
                const char *n = cap_number_to_name(i);
                if (!(caps & (UINT64_C(1) << i)) || strv_has_ci(drop, n))
                        continue;
                if (add_unique(l, n) < 0)
                        return -ENOMEM;
        }
        return 0;
}

char **spec_capabilities(const HostConfig *h, uint64_t host) {
        _cleanup_(strv_freep) char **l = calloc(1, sizeof(char *));
        char **add = h ? h->cap_add : NULL, **drop = h ? h->cap_drop : NULL;

        if (!l)
                return NULL;
        if (h && h->privileged)
                return add_all(&l, host, NULL) < 0 ? NULL : TAKE_PTR(l);
        if (strv_has_ci(add, "ALL")) {
                if (add_all(&l, host, drop) < 0)
                        return NULL;
        } else if (!strv_has_ci(drop, "ALL"))
                for (size_t i = 0; i < ELEMENTSOF(default_caps); i++)
                        if (!strv_has_ci(drop, default_caps[i]) && add_unique(&l, default_caps[i]) < 0)
                                return NULL;
        STRV_FOREACH(a, add)
                if (!streq(*a, "ALL") && add_unique(&l, *a) < 0)
                        return NULL;
        return TAKE_PTR(l);
}

static json_object *strv_json(char * const *l) {
        json_object *a = json_object_new_array();

        STRV_FOREACH(s, l)
                json_object_array_add(a, json_object_new_string(*s));
        return a;
}

static json_object *const_strv_json(const char *const *l, size_t n) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < n; i++)
                json_object_array_add(a, json_object_new_string(l[i]));
        return a;
}

json_object *spec_capabilities_json(char * const *caps, uint32_t uid) {
        json_object *o = json_object_new_object();

        json_object_object_add(o, "bounding", strv_json(caps));
        if (uid == 0) {
                json_object_object_add(o, "effective", strv_json(caps));
                json_object_object_add(o, "permitted", strv_json(caps));
        }
        return o;
}

static json_object *object_get_or_add(json_object *parent, const char *key) {
        json_object *o;

        if (json_object_object_get_ex(parent, key, &o) && json_object_is_type(o, json_type_object))
                return o;
        o = json_object_new_object();
        json_object_object_add(parent, key, o);
        return o;
}

static json_object *resources_json(const HostConfig *h) {
        json_object *res = json_object_new_object(), *o;

        if (h->memory > 0 || h->memory_swap != 0) {
                o = object_get_or_add(res, "memory");
                if (h->memory > 0)
                        json_object_object_add(o, "limit", json_object_new_int64(h->memory));
                if (h->memory_swap != 0)
                        json_object_object_add(o, "swap", json_object_new_int64(h->memory_swap));
        }
        if (h->nano_cpus > 0 || h->cpu_shares > 0 || !isempty(h->cpuset_cpus)) {
                o = object_get_or_add(res, "cpu");
                if (h->cpu_shares > 0)
                        json_object_object_add(o, "shares", json_object_new_uint64((uint64_t) h->cpu_shares));
                if (h->nano_cpus > 0) {
                        json_object_object_add(o, "quota",
                                               json_object_new_int64(h->nano_cpus * CPU_PERIOD_USEC / 1000000000));
                        json_object_object_add(o, "period", json_object_new_uint64(CPU_PERIOD_USEC));
                }
                if (!isempty(h->cpuset_cpus))
                        json_object_object_add(o, "cpus", json_object_new_string(h->cpuset_cpus));
        }
        if (h->pids_limit > 0) {
                o = object_get_or_add(res, "pids");
                json_object_object_add(o, "limit", json_object_new_int64(h->pids_limit));
        }
        return res;
}

static uint64_t rlimit_value(int64_t v) {
        return v < 0 ? (uint64_t) RLIM_INFINITY : (uint64_t) v;
}

static json_object *rlimits_json(const HostConfig *h) {
        json_object *a = json_object_new_array();

        for (size_t i = 0; i < h->n_ulimits; i++) {
                json_object *o = json_object_new_object();
                const char *type = ulimit_oci_type(h->ulimits[i].name);

                if (!type)
                        continue;
                json_object_object_add(o, "type", json_object_new_string(type));
                json_object_object_add(o, "hard", json_object_new_uint64(rlimit_value(h->ulimits[i].hard)));
                json_object_object_add(o, "soft", json_object_new_uint64(rlimit_value(h->ulimits[i].soft)));
                json_object_array_add(a, o);
        }
        return a;
}

static int annotations_add(json_object *spec, const SpecHostInput *in) {
        json_object *a = object_get_or_add(spec, "annotations");
        int64_t size, files;
        char buf[32];
        int r;

        if (in->log_path && !streq(in->host->log_type ?: "json-file", "none")) {
                json_object_object_add(a, "org.wharf.log.path", json_object_new_string(in->log_path));
                r = host_config_log_limits(in->host, &size, &files);
                if (r < 0)
                        return r;
                if (size > 0) {
                        snprintf(buf, sizeof buf, "%" PRIi64, size);
                        json_object_object_add(a, "org.wharf.log.max-size", json_object_new_string(buf));
                        snprintf(buf, sizeof buf, "%" PRIi64, files);
                        json_object_object_add(a, "org.wharf.log.max-file", json_object_new_string(buf));
                }
        }
        if (in->host->runtime)
                json_object_object_add(a, "org.wharf.runtime", json_object_new_string(in->host->runtime));
        /* docker's StdinOnce is off for -i without an attached client (run -i -d):
         * the stdin stays open for a later attach */
        if (in->host->open_stdin && !in->host->attach_stdin)
                json_object_object_add(a, "org.wharf.stdin.keep-open", json_object_new_string("true"));
        return 0;
}

static int init_add(json_object *spec, json_object *process, const SpecHostInput *in, char **ret_error) {
        json_object *mounts, *m, *args, *nargs;

        if (!in->init_path) {
                *ret_error = strdup("--init: the wharf-init binary is not installed");
                return *ret_error ? -EINVAL : -ENOMEM;
        }
        if (!json_object_object_get_ex(spec, "mounts", &mounts) || !json_object_is_type(mounts, json_type_array)) {
                mounts = json_object_new_array();
                json_object_object_add(spec, "mounts", mounts);
        }
        m = json_object_new_object();
        json_object_object_add(m, "destination", json_object_new_string(SPEC_INIT_PATH));
        json_object_object_add(m, "type", json_object_new_string("bind"));
        json_object_object_add(m, "source", json_object_new_string(in->init_path));
        json_object_object_add(m, "options", const_strv_json((const char *[]) { "bind", "ro" }, 2));
        json_object_array_add(mounts, m);

        /* docker: docker-init -- ENTRYPOINT CMD */
        nargs = json_object_new_array();
        json_object_array_add(nargs, json_object_new_string(SPEC_INIT_PATH));
        json_object_array_add(nargs, json_object_new_string("--"));
        if (json_object_object_get_ex(process, "args", &args))
                for (size_t i = 0; i < json_object_array_length(args); i++)
                        json_object_array_add(nargs, json_object_get(json_object_array_get_idx(args, i)));
        json_object_object_add(process, "args", nargs);
        return 0;
}

static json_object *options_without_ro(json_object *options) {
        json_object *o = json_object_new_array();

        for (size_t i = 0, n = options ? json_object_array_length(options) : 0; i < n; i++) {
                json_object *v = json_object_array_get_idx(options, i);
                if (!streq_ptr(json_object_get_string(v), "ro"))
                        json_object_array_add(o, json_object_get(v));
        }
        return o;
}

/* docker's --privileged beyond caps: every host device (oci.WithDevices:
 * linux.devices and a devices cgroup allowing all), /sys read-write unless
 * the root is read-only, the cgroup mount read-write (WithMounts). As spec
 * content, so an external runtime gets the same. */
static int privileged_apply(json_object *spec, json_object *linux_, const HostConfig *h,
                            const char *dev_dir, char **ret_error) {
        json_object *mounts = NULL, *all, *sys, *opts, *devices, *rule, *res;
        int r;

        r = host_devices_json(dev_dir ?: "/dev", &devices);
        if (r < 0) {
                if (ret_error && asprintf(ret_error, "list the host's devices: %s", strerror(-r)) < 0)
                        *ret_error = NULL;
                return r;
        }
        json_object_object_add(linux_, "devices", devices);
        res = object_get_or_add(linux_, "resources");
        rule = json_object_new_object();
        json_object_object_add(rule, "allow", json_object_new_boolean(true));
        json_object_object_add(rule, "access", json_object_new_string("rwm"));
        devices = json_object_new_array();
        json_object_array_add(devices, rule);
        json_object_object_add(res, "devices", devices);

        /* /sys first: the spec's other mounts (/sys/fs/cgroup) go on top */
        all = json_object_new_array();
        sys = json_object_new_object();
        json_object_object_add(sys, "destination", json_object_new_string("/sys"));
        json_object_object_add(sys, "type", json_object_new_string("sysfs"));
        json_object_object_add(sys, "source", json_object_new_string("sysfs"));
        opts = json_object_new_array();
        json_object_array_add(opts, json_object_new_string("nosuid"));
        json_object_array_add(opts, json_object_new_string("noexec"));
        json_object_array_add(opts, json_object_new_string("nodev"));
        json_object_array_add(opts, json_object_new_string(h->readonly_rootfs ? "ro" : "rw"));
        json_object_object_add(sys, "options", opts);
        json_object_array_add(all, sys);
        (void) json_object_object_get_ex(spec, "mounts", &mounts);
        for (size_t i = 0, n = mounts ? json_object_array_length(mounts) : 0; i < n; i++) {
                json_object *m = json_object_array_get_idx(mounts, i), *type, *o = NULL;

                if (json_object_object_get_ex(m, "destination", &type) &&
                    streq_ptr(json_object_get_string(type), "/sys"))
                        continue; /* replaced by ours */
                if (json_object_object_get_ex(m, "type", &type) &&
                    streq_ptr(json_object_get_string(type), "cgroup")) {
                        (void) json_object_object_get_ex(m, "options", &o);
                        json_object_object_add(m, "options", options_without_ro(o));
                }
                json_object_array_add(all, json_object_get(m));
        }
        json_object_object_add(spec, "mounts", all);
        return 0;
}

int spec_apply_host_config(json_object *spec, const SpecHostInput *in, char **ret_error) {
        const HostConfig *h = in->host;
        json_object *process, *root, *linux_, *res, *rl, *seccomp = NULL;
        _cleanup_(strv_freep) char **caps = NULL;
        const char *profile;
        int r;

        if (!h)
                return -EINVAL;
        process = object_get_or_add(spec, "process");
        root = object_get_or_add(spec, "root");
        linux_ = object_get_or_add(spec, "linux");

        caps = spec_capabilities(h, in->host_caps);
        if (!caps)
                return -ENOMEM;
        json_object_object_add(process, "capabilities", spec_capabilities_json(caps, in->uid));
        if (host_config_no_new_privileges(h))
                json_object_object_add(process, "noNewPrivileges", json_object_new_boolean(true));
        rl = rlimits_json(h);
        if (json_object_array_length(rl) > 0)
                json_object_object_add(process, "rlimits", rl);
        else
                json_object_put(rl);

        json_object_object_add(root, "readonly", json_object_new_boolean(h->readonly_rootfs));

        res = resources_json(h);
        if (json_object_object_length(res) > 0)
                json_object_object_add(linux_, "resources", res);
        else
                json_object_put(res);

        if (h->privileged) {
                /* docker: no masks, no read-only /proc parts, no seccomp */
                json_object_object_add(linux_, "maskedPaths", json_object_new_array());
                json_object_object_add(linux_, "readonlyPaths", json_object_new_array());
                r = privileged_apply(spec, linux_, h, in->dev_dir, ret_error);
                if (r < 0)
                        return r;
        } else {
                json_object_object_add(linux_, "maskedPaths",
                                       const_strv_json(default_masked_paths, ELEMENTSOF(default_masked_paths)));
                json_object_object_add(linux_, "readonlyPaths",
                                       const_strv_json(default_readonly_paths, ELEMENTSOF(default_readonly_paths)));
                profile = host_config_seccomp(h);
                if (profile && !streq(profile, "unconfined")) {
                        r = spec_seccomp_from_docker(profile, caps, &seccomp, ret_error);
                        if (r < 0)
                                return r;
                        json_object_object_add(linux_, "seccomp", seccomp);
                }
                else if (!profile) {
#ifdef HAVE_SECCOMP_PROFILE
                        /* docker's default profile, with the rules our caps allow */
                        uint64_t mask = 0;

                        STRV_FOREACH(c, caps) {
                                int n = cap_name_to_number(*c);
                                if (n >= 0)
                                        mask |= UINT64_C(1) << n;
                        }
                        seccomp = seccomp_profile_default(mask);
                        if (!seccomp)
                                return -ENOMEM;
                        json_object_object_add(linux_, "seccomp", seccomp);
#endif
                }
        }

        {
                _cleanup_(strv_freep) char **binds = NULL, **tmpfs = NULL;

                r = host_config_mounts(h, &binds, &tmpfs);
                if (r < 0)
                        return r;
                r = mounts_spec_add(spec, binds, tmpfs, ret_error);
                if (r < 0)
                        return r;
        }
        mounts_spec_add_volumes(spec, in->volumes);
        r = annotations_add(spec, in);
        if (r < 0)
                return r;
        if (h->init)
                return init_add(spec, process, in, ret_error);
        return 0;
}

/* Seccomp: docker's profile format to the OCI one */

static bool strv_json_has(json_object *a, const char *s) {
        for (size_t i = 0; a && i < json_object_array_length(a); i++)
                if (streq(json_object_get_string(json_object_array_get_idx(a, i)), s))
                        return true;
        return false;
}

static const char *go_arch(void) {
#if defined(__x86_64__)
        return "amd64";
#elif defined(__aarch64__)
        return "arm64";
#else
        return "";
#endif
}

static const char *seccomp_arch(void) {
#if defined(__x86_64__)
        return "SCMP_ARCH_X86_64";
#elif defined(__aarch64__)
        return "SCMP_ARCH_AARCH64";
#else
        return "";
#endif
}

/* includes: every listed cap held, our arch listed; excludes: none held, not listed */
static bool rule_applies(json_object *rule, char * const *caps) {
        json_object *inc = NULL, *exc = NULL, *v;

        json_object_object_get_ex(rule, "includes", &inc);
        json_object_object_get_ex(rule, "excludes", &exc);
        if (inc && json_object_object_get_ex(inc, "caps", &v))
                for (size_t i = 0; i < json_object_array_length(v); i++)
                        if (!strv_has_ci(caps, json_object_get_string(json_object_array_get_idx(v, i))))
                                return false;
        if (inc && json_object_object_get_ex(inc, "arches", &v) && json_object_array_length(v) > 0 &&
            !strv_json_has(v, go_arch()))
                return false;
        if (exc && json_object_object_get_ex(exc, "caps", &v))
                for (size_t i = 0; i < json_object_array_length(v); i++)
                        if (strv_has_ci(caps, json_object_get_string(json_object_array_get_idx(v, i))))
                                return false;
        if (exc && json_object_object_get_ex(exc, "arches", &v) && strv_json_has(v, go_arch()))
                return false;
        return true;
}

int spec_seccomp_from_docker(const char *profile, char * const *caps, json_object **ret, char **ret_error) {
        _cleanup_(json_object_putp) json_object *p = NULL, *out = NULL;
        json_object *v, *arches, *syscalls;

        p = json_tokener_parse(profile);
        if (!p || !json_object_is_type(p, json_type_object) ||
            !json_object_object_get_ex(p, "defaultAction", &v) || !json_object_is_type(v, json_type_string)) {
                *ret_error = strdup("Decoding seccomp profile failed: no defaultAction");
                return *ret_error ? -EINVAL : -ENOMEM;
        }
        out = json_object_new_object();
        json_object_object_add(out, "defaultAction", json_object_get(v));
        if (json_object_object_get_ex(p, "defaultErrnoRet", &v))
                json_object_object_add(out, "defaultErrnoRet", json_object_get(v));

        arches = json_object_new_array();
        json_object_object_add(out, "architectures", arches);
        if (json_object_object_get_ex(p, "archMap", &v) && json_object_is_type(v, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        json_object *m = json_object_array_get_idx(v, i), *a, *subs;

                        if (!json_object_object_get_ex(m, "architecture", &a) ||
                            !streq(json_object_get_string(a), seccomp_arch()))
                                continue;
                        json_object_array_add(arches, json_object_get(a));
                        if (json_object_object_get_ex(m, "subArchitectures", &subs))
                                for (size_t k = 0; k < json_object_array_length(subs); k++)
                                        json_object_array_add(arches, json_object_get(json_object_array_get_idx(subs, k)));
                }
        } else if (json_object_object_get_ex(p, "architectures", &v) && json_object_is_type(v, json_type_array))
                for (size_t i = 0; i < json_object_array_length(v); i++)
                        json_object_array_add(arches, json_object_get(json_object_array_get_idx(v, i)));

        syscalls = json_object_new_array();
        json_object_object_add(out, "syscalls", syscalls);
        if (json_object_object_get_ex(p, "syscalls", &v) && json_object_is_type(v, json_type_array))
                for (size_t i = 0; i < json_object_array_length(v); i++) {
                        json_object *rule = json_object_array_get_idx(v, i), *o, *x;

                        if (!json_object_is_type(rule, json_type_object) || !rule_applies(rule, caps))
                                continue;
                        o = json_object_new_object();
                        if (json_object_object_get_ex(rule, "names", &x))
                                json_object_object_add(o, "names", json_object_get(x));
                        else if (json_object_object_get_ex(rule, "name", &x)) {
                                json_object *names = json_object_new_array();
                                json_object_array_add(names, json_object_get(x));
                                json_object_object_add(o, "names", names);
                        }
                        if (json_object_object_get_ex(rule, "action", &x))
                                json_object_object_add(o, "action", json_object_get(x));
                        if (json_object_object_get_ex(rule, "errnoRet", &x))
                                json_object_object_add(o, "errnoRet", json_object_get(x));
                        if (json_object_object_get_ex(rule, "args", &x) && json_object_is_type(x, json_type_array) &&
                            json_object_array_length(x) > 0)
                                json_object_object_add(o, "args", json_object_get(x));
                        json_object_array_add(syscalls, o);
                }
        *ret = TAKE_PTR(out);
        return 0;
}

const char *init_binary_path(void) {
        static char *path = NULL;
        static bool looked = false;
        char self[4096];
        ssize_t n;

        if (looked)
                return path;
        looked = true;
        /* installed: beside wharfd; build tree: services/execd */
        n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n > 0) {
                char *slash;

                self[n] = 0;
                slash = strrchr(self, '/');
                if (slash) {
                        *slash = 0;
                        if (asprintf(&path, "%s/wharf-init", self) >= 0 && access(path, X_OK) == 0)
                                return path;
                        free(path);
                        if (asprintf(&path, "%s/../execd/wharf-init", self) >= 0 && access(path, X_OK) == 0)
                                return path;
                        free(path);
                }
        }
        path = strdup(WHARF_LIBEXECDIR "/wharf-init");
        if (path && access(path, X_OK) < 0)
                path = (free(path), NULL);
        return path;
}

int spec_exec_process(const ExecProcessInput *in, char **ret) {
        _cleanup_(json_object_putp) json_object *p = NULL;
        _cleanup_(strv_freep) char **env = NULL, **caps = NULL;
        json_object *user, *gids;
        HostConfig priv = {};
        const char *s;

        if (strv_length(in->args) == 0)
                return -EINVAL;
        env = env_merge(in->env, in->extra_env);
        if (!env)
                return -ENOMEM;
        if (in->privileged) {
                priv.privileged = true;
                caps = spec_capabilities(&priv, in->host_caps);
        } else
                caps = spec_capabilities(in->host, in->host_caps);
        if (!caps)
                return -ENOMEM;

        p = json_object_new_object();
        json_object_object_add(p, "terminal", json_object_new_boolean(in->tty));
        user = json_object_new_object();
        json_object_object_add(p, "user", user);
        json_object_object_add(user, "uid", json_object_new_int64(in->uid));
        json_object_object_add(user, "gid", json_object_new_int64(in->gid));
        if (in->n_gids > 0) {
                gids = json_object_new_array();
                for (size_t i = 0; i < in->n_gids; i++)
                        json_object_array_add(gids, json_object_new_int64(in->gids[i]));
                json_object_object_add(user, "additionalGids", gids);
        }
        json_object_object_add(p, "args", strv_json(in->args));
        json_object_object_add(p, "env", strv_json(env));
        json_object_object_add(p, "cwd", json_object_new_string(isempty(in->cwd) ? "/" : in->cwd));
        json_object_object_add(p, "capabilities", spec_capabilities_json(caps, in->uid));
        if (in->host && host_config_no_new_privileges(in->host))
                json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(true));

        s = json_object_to_json_string_ext(p, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
        if (!s)
                return -ENOMEM;
        *ret = strdup(s);
        return *ret ? 0 : -ENOMEM;
}
