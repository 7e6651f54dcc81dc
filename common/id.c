/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <sys/random.h>

#include "id.h"
#include "macro.h"

int random_id(char out[static ID_HEX_LEN + 1]) {
        unsigned char b[ID_HEX_LEN / 2];
        static const char hex[] = "0123456789abcdef";
        size_t got = 0;

        while (got < sizeof b) {
                ssize_t n = getrandom(b + got, sizeof b - got, 0);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                got += n;
        }
        for (size_t i = 0; i < sizeof b; i++) {
                out[2 * i] = hex[b[i] >> 4];
                out[2 * i + 1] = hex[b[i] & 15];
        }
        out[ID_HEX_LEN] = 0;
        return 0;
}

bool id_prefix_is_valid(const char *s) {
        size_t n = 0;

        if (!s)
                return false;
        for (; s[n]; n++)
                if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
                        return false;
        return n > 0 && n <= ID_HEX_LEN;
}

bool id_is_valid(const char *s) {
        return id_prefix_is_valid(s) && strlen(s) == ID_HEX_LEN;
}
