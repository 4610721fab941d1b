/* crun-lite: the device rules on cgroup v2, as an eBPF program attached to
 * the container's cgroup (cgroup_devices_bpf.c). */
#ifndef CRL_CGROUP_DEVICES_BPF_H
#define CRL_CGROUP_DEVICES_BPF_H

#include <stddef.h>
#include "base/error.h"
#include "config/oci_config.h"

int cgroup_v2_apply_devices (const char *dir, const struct oci_device_rule *rules, size_t n, cl_error **err);

#endif
