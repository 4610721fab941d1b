/* crun-lite: linux.intelRdt.  Only `closID` is implemented: the container's
 * processes join that existing resctrl group (its tasks file); the schemata
 * fields, which make or change a group, are refused.  A host without the
 * resctrl filesystem at /sys/fs/resctrl refuses the section, saying so. */
#ifndef CRL_INTEL_RDT_H
#define CRL_INTEL_RDT_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

/* Is the resctrl filesystem mounted at /sys/fs/resctrl? */
bool intel_rdt_available (void);
/* At create: what the config asks is possible on this host. */
int intel_rdt_check (const struct oci_linux *l, cl_error **err);
/* Put `pid` into the group (nothing without linux.intelRdt). */
int intel_rdt_join (const struct oci_linux *l, pid_t pid, cl_error **err);

#endif
