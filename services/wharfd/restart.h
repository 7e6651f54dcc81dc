/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Restart policies, decided as docker's restart manager does: 100 ms back-off
 * doubling up to a minute, reset after 10 s of running; on-failure counts its
 * retries against MaximumRetryCount (0: no limit). Pure: no bus. */

#include <stdbool.h>
#include <stdint.h>

typedef enum RestartPolicyName {
        RESTART_NO,
        RESTART_ALWAYS,
        RESTART_UNLESS_STOPPED,
        RESTART_ON_FAILURE,
        _RESTART_POLICY_MAX,
        _RESTART_POLICY_INVALID = -22,
} RestartPolicyName;

typedef struct RestartPolicy {
        RestartPolicyName name;
        unsigned maximum_retry_count;
} RestartPolicy;

#define RESTART_BACKOFF_INITIAL_USEC UINT64_C(100000)       /* 100 ms */
#define RESTART_BACKOFF_MAX_USEC     UINT64_C(60000000)     /* 1 min */
#define RESTART_RESET_USEC           UINT64_C(10000000)     /* ran 10 s: start over */

const char *restart_policy_name_to_string(RestartPolicyName n);
/* "", "no", "always", "unless-stopped", "on-failure" */
RestartPolicyName restart_policy_name_from_string(const char *s);

/* docker's --restart value: "no", "always", "unless-stopped",
 * "on-failure[:N]"; -EINVAL otherwise (a count only with on-failure). */
int restart_policy_parse(const char *s, RestartPolicy *ret);

/* HostConfig.RestartPolicy {Name, MaximumRetryCount} of a container record
 * (a json_object); absent or unreadable means "no". */
void restart_policy_from_record(const void *record, RestartPolicy *ret);

/* The decision after an exit. *backoff_usec is the restart manager's state
 * (0 initially): updated, and when true is returned, the delay before the
 * restart. ran_usec: how long the container ran. restart_count: restarts so
 * far (on-failure's limit). */
bool restart_should(const RestartPolicy *p, int exit_code, bool manually_stopped, uint64_t ran_usec,
                    unsigned restart_count, uint64_t *backoff_usec);

/* docker's restore at daemon start: restart what the policy wants running
 * (a fresh manager: no back-off). never_started: do not. */
bool restart_on_boot(const RestartPolicy *p, int exit_code, bool manually_stopped, unsigned restart_count,
                     bool never_started);
