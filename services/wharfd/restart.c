/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>

#include "macro.h"
#include "restart.h"

static const char *const policy_table[_RESTART_POLICY_MAX] = {
        [RESTART_NO]             = "no",
        [RESTART_ALWAYS]         = "always",
        [RESTART_UNLESS_STOPPED] = "unless-stopped",
        [RESTART_ON_FAILURE]     = "on-failure",
};

const char *restart_policy_name_to_string(RestartPolicyName n) {
        return n >= 0 && n < _RESTART_POLICY_MAX ? policy_table[n] : NULL;
}

RestartPolicyName restart_policy_name_from_string(const char *s) {
        if (isempty(s))
                return RESTART_NO; /* docker stores "" for never set */
        for (int i = 0; i < _RESTART_POLICY_MAX; i++)
                if (streq(policy_table[i], s))
                        return i;
        return _RESTART_POLICY_INVALID;
}

int restart_policy_parse(const char *s, RestartPolicy *ret) {
        _cleanup_(freep) char *name = NULL;
        const char *colon;
        RestartPolicy p = {};

        if (!s)
                return -EINVAL;
        colon = strchr(s, ':');
        name = colon ? strndup(s, colon - s) : strdup(s);
        if (!name)
                return -ENOMEM;
        p.name = restart_policy_name_from_string(name);
        if (p.name < 0 || (isempty(name) && !colon && *s))
                return -EINVAL;
        if (colon) {
                char *end;
                long v;

                if (p.name != RESTART_ON_FAILURE || !colon[1])
                        return -EINVAL;
                errno = 0;
                v = strtol(colon + 1, &end, 10);
                if (*end || errno || v < 0 || v > INT_MAX)
                        return -EINVAL;
                p.maximum_retry_count = (unsigned) v;
        }
        *ret = p;
        return 0;
}

void restart_policy_from_record(const void *record, RestartPolicy *ret) {
        json_object *host, *policy, *v;

        *ret = (RestartPolicy) { .name = RESTART_NO };
        if (!record ||
            !json_object_object_get_ex((json_object *) record, "HostConfig", &host) ||
            !json_object_object_get_ex(host, "RestartPolicy", &policy) ||
            !json_object_is_type(policy, json_type_object))
                return;
        if (json_object_object_get_ex(policy, "Name", &v) && json_object_is_type(v, json_type_string)) {
                RestartPolicyName n = restart_policy_name_from_string(json_object_get_string(v));
                if (n >= 0)
                        ret->name = n;
        }
        if (json_object_object_get_ex(policy, "MaximumRetryCount", &v) && json_object_is_type(v, json_type_int)) {
                int64_t n = json_object_get_int64(v);
                ret->maximum_retry_count = n > 0 && n <= INT_MAX ? (unsigned) n : 0;
        }
}

static bool policy_wants(const RestartPolicy *p, int exit_code, bool manually_stopped, unsigned restart_count) {
        switch (p->name) {
        case RESTART_ALWAYS:
                return !manually_stopped;
        case RESTART_UNLESS_STOPPED:
                return !manually_stopped;
        case RESTART_ON_FAILURE:
                if (manually_stopped)
                        return false;
                if (p->maximum_retry_count > 0 && restart_count >= p->maximum_retry_count)
                        return false;
                return exit_code != 0;
        default:
                return false;
        }
}

bool restart_should(const RestartPolicy *p, int exit_code, bool manually_stopped, uint64_t ran_usec,
                    unsigned restart_count, uint64_t *backoff_usec) {
        if (p->name == RESTART_NO)
                return false;

        /* docker's restart manager: a run of 10 s or more starts the back-off over */
        if (ran_usec >= RESTART_RESET_USEC)
                *backoff_usec = 0;
        if (*backoff_usec == 0)
                *backoff_usec = RESTART_BACKOFF_INITIAL_USEC;
        else if (*backoff_usec < RESTART_BACKOFF_MAX_USEC)
                *backoff_usec *= 2;
        if (*backoff_usec > RESTART_BACKOFF_MAX_USEC)
                *backoff_usec = RESTART_BACKOFF_MAX_USEC;

        return policy_wants(p, exit_code, manually_stopped, restart_count);
}

bool restart_on_boot(const RestartPolicy *p, int exit_code, bool manually_stopped, unsigned restart_count,
                     bool never_started) {
        if (never_started)
                return false;
        /* docker brings "always" back even after a stop; "unless-stopped" not */
        if (p->name == RESTART_ALWAYS)
                return true;
        return policy_wants(p, exit_code, manually_stopped, restart_count);
}
