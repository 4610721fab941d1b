/* crun-lite: shared between the config parser's files only. */
#ifndef CRL_CONFIG_INTERNAL_H
#define CRL_CONFIG_INTERNAL_H

#include "config/oci_config.h"
#include "config/json_read.h"

int config_parse_linux (struct jreader *r, yajl_val v, struct oci_linux *linux_);
int config_parse_id_mapping (struct jreader *r, yajl_val v, void *out);
int config_parse_resources (struct jreader *r, yajl_val v, struct oci_resources *res);

#endif
