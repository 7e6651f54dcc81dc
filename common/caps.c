/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "caps.h"
#include "macro.h"

static int cap_last(void) {
        FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
        int n = CAP_LAST_CAP;

        if (f) {
                if (fscanf(f, "%d", &n) != 1)
                        n = CAP_LAST_CAP;
                fclose(f);
        }
        return n;
}

static int capset_mask(uint64_t mask) {
        struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
        struct __user_cap_data_struct d[2] = {};

        for (int i = 0; i < 2; i++) {
                uint32_t v = (uint32_t) (mask >> (32 * i));
                d[i].effective = d[i].permitted = d[i].inheritable = v;
        }
        return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

int caps_keep_only(uint64_t keep) {
        int last = cap_last();

        (void) prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
        for (int c = 0; c <= last && c < 64; c++) {
                if (keep & CAP_MASK(c))
                        continue;
                if (prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
                        return -errno;
        }
        return capset_mask(keep);
}

int caps_become_user(const char *user) {
        struct passwd *pw;
        uid_t uid;
        gid_t gid;
        char *end;

        errno = 0;
        unsigned long n = strtoul(user, &end, 10);
        if (*user && !*end) {
                uid = (uid_t) n;
                pw = getpwuid(uid);
                gid = pw ? pw->pw_gid : (gid_t) n;
        } else {
                pw = getpwnam(user);
                if (!pw)
                        return errno > 0 ? -errno : -ESRCH;
                uid = pw->pw_uid;
                gid = pw->pw_gid;
        }
        if (uid == 0)
                return -EPERM;

        if (setgroups(0, NULL) < 0)
                return -errno;
        if (setresgid(gid, gid, gid) < 0)
                return -errno;
        if (setresuid(uid, uid, uid) < 0)
                return -errno;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return -errno;
        /* the uid change cleared permitted/effective; make sure nothing lingers */
        return capset_mask(0);
}
