/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* docker's default seccomp profile as a table (see seccomp-profile.h). */
#include <linux/capability.h>
#include <string.h>

#include "macro.h"
#include "seccomp-profile.h"

/* allowed for everyone (docker's first, unconditional rule) */
static const char allowed[] =
        "accept accept4 access adjtimex alarm bind brk capget capset chdir chmod chown chown32 "
        "clock_adjtime clock_adjtime64 clock_getres clock_getres_time64 clock_gettime clock_gettime64 "
        "clock_nanosleep clock_nanosleep_time64 close close_range connect copy_file_range creat dup dup2 "
        "dup3 epoll_create epoll_create1 epoll_ctl epoll_ctl_old epoll_pwait epoll_pwait2 epoll_wait "
        "epoll_wait_old eventfd eventfd2 execve execveat exit exit_group faccessat faccessat2 fadvise64 "
        "fadvise64_64 fallocate fanotify_mark fchdir fchmod fchmodat fchown fchown32 fchownat fcntl "
        "fcntl64 fdatasync fgetxattr flistxattr flock fork fremovexattr fsetxattr fstat fstat64 "
        "fstatat64 fstatfs fstatfs64 fsync ftruncate ftruncate64 futex futex_time64 futex_waitv "
        "futimesat getcpu getcwd getdents getdents64 getegid getegid32 geteuid geteuid32 getgid "
        "getgid32 getgroups getgroups32 getitimer getpeername getpgid getpgrp getpid getppid "
        "getpriority getrandom getresgid getresgid32 getresuid getresuid32 getrlimit get_robust_list "
        "getrusage getsid getsockname getsockopt get_thread_area gettid gettimeofday getuid getuid32 "
        "getxattr inotify_add_watch inotify_init inotify_init1 inotify_rm_watch io_cancel ioctl "
        "io_destroy io_getevents io_pgetevents io_pgetevents_time64 ioprio_get ioprio_set io_setup "
        "io_submit io_uring_enter io_uring_register io_uring_setup ipc kill landlock_add_rule "
        "landlock_create_ruleset landlock_restrict_self lchown lchown32 lgetxattr link linkat listen "
        "listxattr llistxattr _llseek lremovexattr lseek lsetxattr lstat lstat64 madvise membarrier "
        "memfd_create memfd_secret mincore mkdir mkdirat mknod mknodat mlock mlock2 mlockall mmap mmap2 "
        "mprotect mq_getsetattr mq_notify mq_open mq_timedreceive mq_timedreceive_time64 mq_timedsend "
        "mq_timedsend_time64 mq_unlink mremap msgctl msgget msgrcv msgsnd msync munlock munlockall "
        "munmap name_to_handle_at nanosleep newfstatat _newselect open openat openat2 pause pidfd_open "
        "pidfd_send_signal pipe pipe2 pkey_alloc pkey_free pkey_mprotect poll ppoll ppoll_time64 prctl "
        "pread64 preadv preadv2 prlimit64 process_mrelease pselect6 pselect6_time64 pwrite64 pwritev "
        "pwritev2 read readahead readlink readlinkat readv recv recvfrom recvmmsg recvmmsg_time64 "
        "recvmsg remap_file_pages removexattr rename renameat renameat2 restart_syscall rmdir rseq "
        "rt_sigaction rt_sigpending rt_sigprocmask rt_sigqueueinfo rt_sigreturn rt_sigsuspend "
        "rt_sigtimedwait rt_sigtimedwait_time64 rt_tgsigqueueinfo sched_getaffinity sched_getattr "
        "sched_getparam sched_get_priority_max sched_get_priority_min sched_getscheduler "
        "sched_rr_get_interval sched_rr_get_interval_time64 sched_setaffinity sched_setattr "
        "sched_setparam sched_setscheduler sched_yield seccomp select semctl semget semop semtimedop "
        "semtimedop_time64 send sendfile sendfile64 sendmmsg sendmsg sendto setfsgid setfsgid32 "
        "setfsuid setfsuid32 setgid setgid32 setgroups setgroups32 setitimer setpgid setpriority "
        "setregid setregid32 setresgid setresgid32 setresuid setresuid32 setreuid setreuid32 setrlimit "
        "set_robust_list setsid setsockopt set_thread_area set_tid_address setuid setuid32 setxattr "
        "shmat shmctl shmdt shmget shutdown sigaltstack signalfd signalfd4 sigprocmask sigreturn "
        "socketcall socketpair splice stat stat64 statfs statfs64 statx symlink symlinkat sync "
        "sync_file_range syncfs sysinfo tee tgkill time timer_create timer_delete timer_getoverrun "
        "timer_gettime timer_gettime64 timer_settime timer_settime64 timerfd_create timerfd_gettime "
        "timerfd_gettime64 timerfd_settime timerfd_settime64 times tkill truncate truncate64 ugetrlimit "
        "umask uname unlink unlinkat utime utimensat utimensat_time64 utimes vfork vmsplice wait4 "
        "waitid waitpid write writev "
        /* docker: minKernel 4.8, which every supported kernel has */
        "process_vm_readv process_vm_writev ptrace";

#define ANY_CAP (-1)
#define NO_CAP  (-2)

typedef struct Rule {
        const char *names;      /* space separated */
        int cap;                /* needed capability; ANY_CAP: none; */
        int without_cap;        /* only when the capability is missing; -1: none */
        int errno_ret;          /* > 0: SCMP_ACT_ERRNO with it, else ALLOW */
        int arg_index;          /* -1: no argument condition */
        const char *op;
        uint64_t value;
} Rule;

static const Rule rules[] = {
        /* AF_VSOCK sockets stay out */
        { "socket", ANY_CAP, -1, 0, 0, "SCMP_CMP_NE", 40 },
        /* personality: PER_LINUX, UNAME26, PER_LINUX32, PER_LINUX32|UNAME26, query */
        { "personality", ANY_CAP, -1, 0, 0, "SCMP_CMP_EQ", 0 },
        { "personality", ANY_CAP, -1, 0, 0, "SCMP_CMP_EQ", 8 },
        { "personality", ANY_CAP, -1, 0, 0, "SCMP_CMP_EQ", 131072 },
        { "personality", ANY_CAP, -1, 0, 0, "SCMP_CMP_EQ", 131080 },
        { "personality", ANY_CAP, -1, 0, 0, "SCMP_CMP_EQ", 4294967295u },
#if defined(__x86_64__) || defined(__i386__)
        { "arch_prctl modify_ldt", ANY_CAP, -1, 0, -1, NULL, 0 },
#endif
#if defined(__aarch64__) || defined(__arm__)
        { "arm_fadvise64_64 arm_sync_file_range sync_file_range2 breakpoint cacheflush set_tls",
          ANY_CAP, -1, 0, -1, NULL, 0 },
#endif
        { "open_by_handle_at", CAP_DAC_READ_SEARCH, -1, 0, -1, NULL, 0 },
        { "bpf clone clone3 fanotify_init fsconfig fsmount fsopen fspick lookup_dcookie mount "
          "mount_setattr move_mount open_tree perf_event_open quotactl quotactl_fd setdomainname "
          "sethostname setns syslog umount umount2 unshare", CAP_SYS_ADMIN, -1, 0, -1, NULL, 0 },
        /* clone without namespace flags (CLONE_NEW* mask 0x7E020000) */
        { "clone", ANY_CAP, CAP_SYS_ADMIN, 0, 0, "SCMP_CMP_MASKED_EQ", 2114060288 },
        /* clone3 hides its flags from seccomp: ENOSYS makes libc fall back to clone */
        { "clone3", ANY_CAP, CAP_SYS_ADMIN, 38, -1, NULL, 0 },
        { "reboot", CAP_SYS_BOOT, -1, 0, -1, NULL, 0 },
        { "chroot", CAP_SYS_CHROOT, -1, 0, -1, NULL, 0 },
        { "delete_module init_module finit_module", CAP_SYS_MODULE, -1, 0, -1, NULL, 0 },
        { "acct", CAP_SYS_PACCT, -1, 0, -1, NULL, 0 },
        { "kcmp pidfd_getfd process_madvise process_vm_readv process_vm_writev ptrace",
          CAP_SYS_PTRACE, -1, 0, -1, NULL, 0 },
        { "iopl ioperm", CAP_SYS_RAWIO, -1, 0, -1, NULL, 0 },
        { "settimeofday stime clock_settime clock_settime64", CAP_SYS_TIME, -1, 0, -1, NULL, 0 },
        { "vhangup", CAP_SYS_TTY_CONFIG, -1, 0, -1, NULL, 0 },
        { "get_mempolicy mbind set_mempolicy set_mempolicy_home_node", CAP_SYS_NICE, -1, 0, -1, NULL, 0 },
        { "syslog", CAP_SYSLOG, -1, 0, -1, NULL, 0 },
        { "bpf", CAP_BPF, -1, 0, -1, NULL, 0 },
        { "perf_event_open", CAP_PERFMON, -1, 0, -1, NULL, 0 },
};

static json_object *names_array(const char *names) {
        json_object *a = json_object_new_array();

        if (!a)
                return NULL;
        for (const char *p = names; *p; ) {
                size_t l = strcspn(p, " ");
                if (l > 0 && json_object_array_add(a, json_object_new_string_len(p, (int) l)) < 0) {
                        json_object_put(a);
                        return NULL;
                }
                p += l;
                p += strspn(p, " ");
        }
        return a;
}

static bool has_cap(uint64_t caps, int cap) {
        return cap >= 0 && cap < 64 && (caps & (UINT64_C(1) << cap));
}

json_object *seccomp_profile_default(uint64_t caps) {
        json_object *o = json_object_new_object(), *arches = json_object_new_array(),
                    *syscalls = json_object_new_array(), *rule;
        bool ok = o && arches && syscalls;

        if (ok) {
#if defined(__x86_64__)
                static const char * const a[] = { "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32" };
#elif defined(__aarch64__)
                static const char * const a[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM" };
#elif defined(__s390x__)
                static const char * const a[] = { "SCMP_ARCH_S390X", "SCMP_ARCH_S390" };
#elif defined(__riscv) && __riscv_xlen == 64
                static const char * const a[] = { "SCMP_ARCH_RISCV64" };
#else
                static const char * const a[] = { "SCMP_ARCH_NATIVE" };
#endif
                for (size_t i = 0; i < ELEMENTSOF(a); i++)
                        ok = ok && json_object_array_add(arches, json_object_new_string(a[i])) >= 0;
                ok = ok && json_object_object_add(o, "defaultAction", json_object_new_string("SCMP_ACT_ERRNO")) >= 0 &&
                     json_object_object_add(o, "defaultErrnoRet", json_object_new_int(1)) >= 0 &&
                     json_object_object_add(o, "architectures", json_object_get(arches)) >= 0;
        }

        rule = ok ? json_object_new_object() : NULL;
        ok = rule && json_object_object_add(rule, "names", names_array(allowed)) >= 0 &&
             json_object_object_add(rule, "action", json_object_new_string("SCMP_ACT_ALLOW")) >= 0 &&
             json_object_array_add(syscalls, rule) >= 0;

        for (size_t i = 0; ok && i < ELEMENTSOF(rules); i++) {
                const Rule *r = &rules[i];

                if (r->cap != ANY_CAP && !has_cap(caps, r->cap))
                        continue;
                if (r->without_cap >= 0 && has_cap(caps, r->without_cap))
                        continue;
                rule = json_object_new_object();
                ok = rule && json_object_array_add(syscalls, rule) >= 0 &&
                     json_object_object_add(rule, "names", names_array(r->names)) >= 0 &&
                     json_object_object_add(rule, "action",
                                            json_object_new_string(r->errno_ret > 0 ? "SCMP_ACT_ERRNO" : "SCMP_ACT_ALLOW")) >= 0;
                if (ok && r->errno_ret > 0)
                        ok = json_object_object_add(rule, "errnoRet", json_object_new_int(r->errno_ret)) >= 0;
                if (ok && r->arg_index >= 0) {
                        json_object *args = json_object_new_array(), *arg = json_object_new_object();
                        ok = args && arg && json_object_array_add(args, arg) >= 0 &&
                             json_object_object_add(arg, "index", json_object_new_int(r->arg_index)) >= 0 &&
                             json_object_object_add(arg, "value", json_object_new_uint64(r->value)) >= 0 &&
                             json_object_object_add(arg, "op", json_object_new_string(r->op)) >= 0 &&
                             json_object_object_add(rule, "args", args) >= 0;
                        if (!ok) {
                                json_object_put(args);
                                if (!args)
                                        json_object_put(arg);
                        }
                }
        }
        ok = ok && json_object_object_add(o, "syscalls", json_object_get(syscalls)) >= 0;

        json_object_put(arches);
        json_object_put(syscalls);
        if (!ok) {
                json_object_put(o);
                return NULL;
        }
        return o;
}
