/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* linux.seccomp (OCI: defaultAction, defaultErrnoRet, architectures,
 * syscalls[{names, action, errnoRet, args[{index, value, valueTwo, op}]}])
 * compiled with libseccomp into a classic BPF program, which the container
 * init loads right before execve. Compiling in execd keeps libseccomp out of
 * the per-container monitor and lets execd reuse the result: the same
 * profile (docker's default, mostly) is compiled once. */

#include <stddef.h>

/* ret: malloc'd struct sock_filter[]; ret_error: one-line reason. */
int seccomp_compile(const char *json, void **ret, size_t *ret_size, char **ret_error);
