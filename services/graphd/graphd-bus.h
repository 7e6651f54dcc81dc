/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

/* org.wharf.Graph1, as proto/org.wharf.Graph1.xml declares it; userdata is
 * the Manager. */
extern const sd_bus_vtable graph_vtable[];
