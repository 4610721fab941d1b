/* crun-lite: a new user namespace's uid_map and gid_map, written by the
 * runtime for its init (id_maps.c): directly by root or for one's own id,
 * through newuidmap/newgidmap for an unprivileged user's ranges. */
#ifndef CRL_ID_MAPS_H
#define CRL_ID_MAPS_H

#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

int id_maps_write (pid_t pid, const struct oci_config *cfg, cl_error **err);

#endif
