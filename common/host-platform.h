/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* The host's platform in OCI/Go words ("amd64", "arm64", ...): what an image
 * index entry must name to be runnable here. */
const char *host_architecture(void);
