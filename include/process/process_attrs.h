/* crun-lite: process attributes beyond credentials: linux.personality,
 * linux.memoryPolicy, process.ioPriority and process.execCPUAffinity.  Parsed and checked in the
 * runtime (so a bad value fails `create` early), applied by the init. */
#ifndef CRL_PROCESS_ATTRS_H
#define CRL_PROCESS_ATTRS_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/error.h"
#include "config/oci_config.h"

struct process_attrs
{
  bool has_personality;
  unsigned long personality;
  bool has_ioprio;
  int ioprio;                 /* IOPRIO_PRIO_VALUE (class, data) */
  bool has_scheduler;
  struct
  {
    uint32_t size, policy;
    uint64_t flags;
    int32_t nice;
    uint32_t priority;
    uint64_t runtime, deadline, period;
    uint32_t util_min, util_max;
  } sched;                    /* struct sched_attr, for sched_setattr(2) */
  bool has_affinity_initial, has_affinity_final;
  cpu_set_t affinity_initial, affinity_final;
  bool has_mempolicy;
  int mempolicy_mode;         /* MPOL_* | MPOL_F_* flags, for set_mempolicy(2) */
  cpu_set_t mempolicy_nodes;  /* 1024 bits, as the kernel's nodemask_t at most */
};

/* linux.memoryPolicy's mode and flag names, NULL-terminated (for `features` too). */
struct mempolicy_name { const char *name; int value; };
extern const struct mempolicy_name mempolicy_modes[], mempolicy_flags[];

int process_attrs_prepare (const struct oci_config *cfg, const struct oci_process *p, struct process_attrs *out,
                           cl_error **err);
/* Early in the init, so that a failure fails `create` (initial affinity,
 * memory policy), and right before exec (the rest). */
int process_attrs_apply_initial (const struct process_attrs *a, cl_error **err);
int process_attrs_apply_final (const struct process_attrs *a, cl_error **err);
/* process.scheduler and process.ioPriority: applied while the capabilities
 * (CAP_SYS_NICE, CAP_SYS_ADMIN for the realtime I/O class) are still held. */
int process_attrs_apply_scheduler (const struct process_attrs *a, cl_error **err);

#endif
