/* crun-lite: process attributes beyond credentials: linux.personality,
 * process.ioPriority and process.execCPUAffinity.  Parsed and checked in the
 * runtime (so a bad value fails `create` early), applied by the init. */
#ifndef CRL_PROCESS_ATTRS_H
#define CRL_PROCESS_ATTRS_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include "error.h"
#include "oci_config.h"

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
};

int process_attrs_prepare (const struct oci_config *cfg, const struct oci_process *p, struct process_attrs *out,
                           cl_error **err);
/* Early in the init (initial affinity) and right before exec (the rest). */
int process_attrs_apply_initial (const struct process_attrs *a, cl_error **err);
int process_attrs_apply_final (const struct process_attrs *a, cl_error **err);
/* process.scheduler: applied while the capabilities (CAP_SYS_NICE) are still held. */
int process_attrs_apply_scheduler (const struct process_attrs *a, cl_error **err);
/* "0-3,7" -> a cpu set; -1 when malformed. */
int parse_cpu_list (const char *s, cpu_set_t *out);

#endif
