/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <systemd/sd-bus.h>

#include "bus-errors.h"

static const sd_bus_error_map wharf_errors[] = {
        SD_BUS_ERROR_MAP(WHARF_ERROR_NO_SUCH_IMAGE,          ENOENT),
        SD_BUS_ERROR_MAP(WHARF_ERROR_NO_SUCH_CONTAINER,      ESRCH),
        SD_BUS_ERROR_MAP(WHARF_ERROR_NO_SUCH_JOB,            ENXIO),
        SD_BUS_ERROR_MAP(WHARF_ERROR_INVALID_REFERENCE,      EINVAL),
        SD_BUS_ERROR_MAP(WHARF_ERROR_REGISTRY_UNREACHABLE,   EHOSTUNREACH),
        SD_BUS_ERROR_MAP(WHARF_ERROR_INVALID_MANIFEST,       EBADMSG),
        SD_BUS_ERROR_MAP(WHARF_ERROR_DIGEST_MISMATCH,        EBADMSG),
        SD_BUS_ERROR_MAP(WHARF_ERROR_INVALID_LAYER,          EBADMSG),
        SD_BUS_ERROR_MAP(WHARF_ERROR_COMMAND_NOT_FOUND,      ENOENT),
        SD_BUS_ERROR_MAP(WHARF_ERROR_COMMAND_NOT_EXECUTABLE, EACCES),
        SD_BUS_ERROR_MAP(WHARF_ERROR_IMAGE_IN_USE,           EBUSY),
        SD_BUS_ERROR_MAP(WHARF_ERROR_CONTAINER_RUNNING,      EBUSY),
        SD_BUS_ERROR_MAP(WHARF_ERROR_NAME_IN_USE,            EEXIST),
        SD_BUS_ERROR_MAP(WHARF_ERROR_BACKEND_FAILED,         EIO),
        SD_BUS_ERROR_MAP(WHARF_ERROR_AMBIGUOUS,              ENOTUNIQ),
        SD_BUS_ERROR_MAP_END
};

int bus_errors_register(void) {
        return sd_bus_error_add_map(wharf_errors);
}
