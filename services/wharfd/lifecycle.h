/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* stop, kill, restart, pause/unpause, rename and the restart policies: what
 * happens to a container between its start and its removal. */

#include <systemd/sd-bus.h>

#include "manager.h"

int method_stop_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_kill_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_restart_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_pause_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_unpause_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_rename_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_top_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_container_stats(sd_bus_message *message, void *userdata, sd_bus_error *error);

/* start.c, when an exit arrives, before its clean-up: a container its
 * policy will restart is "restarting" from then on (docker's state; rm
 * without -f refuses it). */
void lifecycle_exit_seen(Manager *m, Container *c);

/* start.c, once an exit is recorded and cleaned up (before an AutoRemove
 * drops the record and before ContainerExited): answers the stop calls,
 * starts a `restart`, or plans the restart policy's. */
void lifecycle_exit_recorded(Manager *m, Container *c);

/* start.c: a StartContainer by a client: ends a wait for a policy restart
 * and, as docker, resets RestartCount and the manual stop. */
void lifecycle_start_requested(Manager *m, Container *c);

/* rm: refuses a restarting container unless forced (then cancels the
 * restart). Returns 0 or a bus error set in error. */
int lifecycle_check_remove(Container *c, bool force, sd_bus_error *error);

/* Schedules a policy restart of c after delay_usec (restarting = true). */
int lifecycle_schedule_restart(Manager *m, Container *c, uint64_t delay_usec);

/* Reply helpers: docker's "No such container: X" / ambiguous prefix. */
int reply_container_lookup_error(sd_bus_error *error, const char *ref, int r);

/* inspect-bus.c */
int method_inspect_container(sd_bus_message *message, void *userdata, sd_bus_error *error);
int method_inspect_containers(sd_bus_message *message, void *userdata, sd_bus_error *error);
