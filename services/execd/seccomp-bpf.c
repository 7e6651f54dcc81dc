/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* OCI linux.seccomp -> BPF with libseccomp (see seccomp.h). */
#include <errno.h>
#include <json-c/json.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "macro.h"
#include "seccomp-bpf.h"

#define strna(s) ((s) ?: "n/a")

DEFINE_TRIVIAL_CLEANUP_FUNC(json_object *, json_object_put);

/* the last profile compiled, by its text */
static struct {
        char *json;
        void *bpf;
        size_t size;
} cache;

_printf_(3, 4)
static int fail(char **ret_error, int r, const char *fmt, ...) {
        va_list ap;

        if (ret_error && !*ret_error) {
                va_start(ap, fmt);
                if (vasprintf(ret_error, fmt, ap) < 0)
                        *ret_error = NULL;
                va_end(ap);
        }
        return r;
}

static json_object *get(json_object *o, const char *key) {
        json_object *v = NULL;

        if (!o || !json_object_object_get_ex(o, key, &v) || json_object_is_type(v, json_type_null))
                return NULL;
        return v;
}

static int action_from_json(json_object *o, const char *key, const char *errno_key, uint32_t *ret,
                            char **ret_error) {
        json_object *a = get(o, key), *e = get(o, errno_key);
        const char *s = a ? json_object_get_string(a) : NULL;
        int err = e ? json_object_get_int(e) : 1; /* EPERM */

        if (!s)
                return fail(ret_error, -EINVAL, "linux.seccomp: %s missing", key);
        if (streq(s, "SCMP_ACT_ALLOW"))
                *ret = SCMP_ACT_ALLOW;
        else if (streq(s, "SCMP_ACT_ERRNO"))
                *ret = SCMP_ACT_ERRNO(err);
        else if (streq(s, "SCMP_ACT_KILL") || streq(s, "SCMP_ACT_KILL_THREAD"))
                *ret = SCMP_ACT_KILL_THREAD;
        else if (streq(s, "SCMP_ACT_KILL_PROCESS"))
                *ret = SCMP_ACT_KILL_PROCESS;
        else if (streq(s, "SCMP_ACT_TRAP"))
                *ret = SCMP_ACT_TRAP;
        else if (streq(s, "SCMP_ACT_TRACE"))
                *ret = SCMP_ACT_TRACE(err);
        else if (streq(s, "SCMP_ACT_LOG"))
                *ret = SCMP_ACT_LOG;
        else
                return fail(ret_error, -EOPNOTSUPP, "linux.seccomp: action %s not supported", s);
        return 0;
}

static int op_from_string(const char *s, enum scmp_compare *ret) {
        static const struct { const char *name; enum scmp_compare op; } ops[] = {
                { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
                { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
                { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
                { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
        };
        for (size_t i = 0; s && i < ELEMENTSOF(ops); i++)
                if (streq(s, ops[i].name)) {
                        *ret = ops[i].op;
                        return 0;
                }
        return -EINVAL;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t default_action, json_object *rule, char **ret_error) {
        json_object *names = get(rule, "names"), *args = get(rule, "args");
        struct scmp_arg_cmp cmp[6];
        unsigned n_cmp = 0;
        uint32_t action;
        int r;

        r = action_from_json(rule, "action", "errnoRet", &action, ret_error);
        if (r < 0)
                return r;
        if (action == default_action)
                return 0; /* libseccomp refuses rules that change nothing */
        if (!names || !json_object_is_type(names, json_type_array))
                return fail(ret_error, -EINVAL, "linux.seccomp.syscalls[].names: expected an array");
        if (args) {
                if (!json_object_is_type(args, json_type_array) || json_object_array_length(args) > 6)
                        return fail(ret_error, -EINVAL, "linux.seccomp.syscalls[].args: expected up to 6 entries");
                for (size_t i = 0; i < json_object_array_length(args); i++) {
                        json_object *a = json_object_array_get_idx(args, i);
                        enum scmp_compare op;
                        json_object *v2 = get(a, "valueTwo");

                        if (op_from_string(json_object_get_string(get(a, "op")), &op) < 0)
                                return fail(ret_error, -EINVAL, "linux.seccomp: unknown operator %s",
                                            strna(json_object_get_string(get(a, "op"))));
                        cmp[n_cmp++] = (struct scmp_arg_cmp) {
                                .arg = json_object_get_int(get(a, "index")),
                                .op = op,
                                .datum_a = json_object_get_uint64(get(a, "value")),
                                .datum_b = v2 ? json_object_get_uint64(v2) : 0,
                        };
                }
        }
        for (size_t i = 0; i < json_object_array_length(names); i++) {
                const char *name = json_object_get_string(json_object_array_get_idx(names, i));
                int nr = name ? seccomp_syscall_resolve_name(name) : __NR_SCMP_ERROR;

                /* unknown here (another architecture's, or newer): skipped, as runc does */
                if (nr == __NR_SCMP_ERROR)
                        continue;
                r = seccomp_rule_add_array(ctx, action, nr, n_cmp, cmp);
                if (r < 0 && n_cmp > 1 && r == -EINVAL) {
                        /* several conditions on one argument: one rule each (OR), as runc */
                        for (unsigned k = 0; k < n_cmp && r < 0; k++)
                                r = seccomp_rule_add_array(ctx, action, nr, 1, &cmp[k]);
                }
                if (r < 0)
                        return fail(ret_error, r, "linux.seccomp: rule for %s: %s", name, strerror(-r));
        }
        return 0;
}

static int compile(json_object *o, void **ret, size_t *ret_size, char **ret_error) {
        json_object *arches = get(o, "architectures"), *syscalls = get(o, "syscalls");
        uint32_t default_action;
        scmp_filter_ctx ctx;
        int r, fd;

        r = action_from_json(o, "defaultAction", "defaultErrnoRet", &default_action, ret_error);
        if (r < 0)
                return r;
        ctx = seccomp_init(default_action);
        if (!ctx)
                return fail(ret_error, -ENOMEM, "linux.seccomp: out of memory");
        /* no_new_privs is the spec's business, not the filter's */
        (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);

        for (size_t i = 0; arches && i < json_object_array_length(arches); i++) {
                const char *a = json_object_get_string(json_object_array_get_idx(arches, i));
                const char *n = a ? startswith(a, "SCMP_ARCH_") : NULL;
                char lower[32];
                size_t k;

                if (!n || strlen(n) >= sizeof(lower)) {
                        r = fail(ret_error, -EINVAL, "linux.seccomp: unknown architecture %s", strna(a));
                        goto finish;
                }
                for (k = 0; n[k]; k++)
                        lower[k] = (char) (n[k] >= 'A' && n[k] <= 'Z' ? n[k] + 32 : n[k]);
                lower[k] = 0;
                uint32_t token = streq(lower, "native") ? seccomp_arch_native() : seccomp_arch_resolve_name(lower);
                if (token == 0) {
                        r = fail(ret_error, -EINVAL, "linux.seccomp: unknown architecture %s", a);
                        goto finish;
                }
                r = seccomp_arch_add(ctx, token);
                if (r < 0 && r != -EEXIST) {
                        r = fail(ret_error, r, "linux.seccomp: architecture %s: %s", a, strerror(-r));
                        goto finish;
                }
        }
        if (syscalls && !json_object_is_type(syscalls, json_type_array)) {
                r = fail(ret_error, -EINVAL, "linux.seccomp.syscalls: expected an array");
                goto finish;
        }
        for (size_t i = 0; syscalls && i < json_object_array_length(syscalls); i++) {
                r = add_rule(ctx, default_action, json_object_array_get_idx(syscalls, i), ret_error);
                if (r < 0)
                        goto finish;
        }

        /* libseccomp 2.5 exports to an fd only */
        fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                goto finish;
        }
        r = seccomp_export_bpf(ctx, fd);
        if (r >= 0) {
                off_t size = lseek(fd, 0, SEEK_END);
                void *buf = size > 0 ? malloc(size) : NULL;
                if (!buf)
                        r = -ENOMEM;
                else if (pread(fd, buf, size, 0) != size) {
                        free(buf);
                        r = -EIO;
                } else {
                        *ret = buf;
                        *ret_size = size;
                }
        }
        close(fd);
        if (r < 0)
                r = fail(ret_error, r, "linux.seccomp: export: %s", strerror(-r));
finish:
        seccomp_release(ctx);
        return r;
}

int seccomp_compile(const char *json, void **ret, size_t *ret_size, char **ret_error) {
        _cleanup_(json_object_putp) json_object *o = NULL;
        void *bpf = NULL;
        size_t size = 0;
        int r;

        if (ret_error)
                *ret_error = NULL;
        if (!cache.json || !streq(cache.json, json)) {
                o = json_tokener_parse(json);
                if (!o || !json_object_is_type(o, json_type_object))
                        return fail(ret_error, -EINVAL, "linux.seccomp: expected an object");
                r = compile(o, &bpf, &size, ret_error);
                if (r < 0)
                        return r;
                char *copy = strdup(json);
                if (!copy) {
                        free(bpf);
                        return -ENOMEM;
                }
                free(cache.json);
                free(cache.bpf);
                cache.json = copy;
                cache.bpf = bpf;
                cache.size = size;
        }
        *ret = malloc(cache.size);
        if (!*ret)
                return -ENOMEM;
        memcpy(*ret, cache.bpf, cache.size);
        *ret_size = cache.size;
        return 0;
}
