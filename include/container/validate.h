/* crun-lite: the checks that need the whole config, made before anything
 * of a container exists (validate.c). */
#ifndef CRL_VALIDATE_H
#define CRL_VALIDATE_H

#include "base/error.h"
#include "config/oci_config.h"

int container_validate_config (const struct oci_config *cfg, cl_error **err);

#endif
