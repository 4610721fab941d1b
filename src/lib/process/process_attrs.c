/* crun-lite: personality, memory policy, I/O priority, exec CPU affinity
 * (see include/process/process_attrs.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "process/process_attrs.h"
#include "base/utils.h"

#define IOPRIO_CLASS_SHIFT 13
#define IOPRIO_WHO_PROCESS 1

/* linux.memoryPolicy: the mode, its flags and its node list, as
 * set_mempolicy(2) takes them.  The kernel checks the combination. */
const struct mempolicy_name mempolicy_modes[] = {
  { "MPOL_DEFAULT", 0 }, { "MPOL_PREFERRED", 1 }, { "MPOL_BIND", 2 }, { "MPOL_INTERLEAVE", 3 },
  { "MPOL_LOCAL", 4 }, { "MPOL_PREFERRED_MANY", 5 }, { "MPOL_WEIGHTED_INTERLEAVE", 6 }, { NULL, 0 },
};
const struct mempolicy_name mempolicy_flags[] = {
  { "MPOL_F_NUMA_BALANCING", 1 << 13 }, { "MPOL_F_RELATIVE_NODES", 1 << 14 }, { "MPOL_F_STATIC_NODES", 1 << 15 },
  { NULL, 0 },
};

static const struct mempolicy_name *
mempolicy_lookup (const struct mempolicy_name *table, const char *name)
{
  for (; table->name; table++)
    if (strcmp (table->name, name) == 0)
      return table;
  return NULL;
}

static int
prepare_mempolicy (const struct oci_memory_policy *mp, struct process_attrs *a, cl_error **err)
{
  const struct mempolicy_name *found = mempolicy_lookup (mempolicy_modes, mp->mode);
  if (found == NULL)
    return cl_fail_as (err, EINVAL, "linux.memoryPolicy.mode: unknown mode `%s`", mp->mode);
  a->mempolicy_mode = found->value;
  for (char **f = mp->flags; f && *f; f++)
    {
      found = mempolicy_lookup (mempolicy_flags, *f);
      if (found == NULL)
        return cl_fail_as (err, EINVAL, "linux.memoryPolicy.flags: unknown flag `%s`", *f);
      a->mempolicy_mode |= found->value;
    }
  CPU_ZERO (&a->mempolicy_nodes);
  if (mp->nodes && *mp->nodes && parse_cpu_list (mp->nodes, &a->mempolicy_nodes) < 0)
    return cl_fail_as (err, EINVAL, "linux.memoryPolicy.nodes: not a node list: `%s`", mp->nodes);
  a->has_mempolicy = true;
  return 0;
}

int
process_attrs_prepare (const struct oci_config *cfg, const struct oci_process *p, struct process_attrs *a,
                       cl_error **err)
{
  const struct oci_linux *l = &cfg->linux_section;
  memset (a, 0, sizeof *a);
  if (l->personality_domain)
    {
      if (strcmp (l->personality_domain, "LINUX") == 0)
        a->personality = PER_LINUX;
      else if (strcmp (l->personality_domain, "LINUX32") == 0)
        a->personality = PER_LINUX32;
      else
        return cl_fail_as (err, EINVAL, "linux.personality.domain: unknown domain `%s` (LINUX or LINUX32)",
                           l->personality_domain);
      if (l->personality_flags && l->personality_flags[0])
        return cl_fail_as (err, EINVAL, "linux.personality.flags: `%s`: no flags are defined by the runtime spec",
                           l->personality_flags[0]);
      a->has_personality = true;
    }
  if (p->io_priority_class)
    {
      static const char *const classes[] = { NULL, "IOPRIO_CLASS_RT", "IOPRIO_CLASS_BE", "IOPRIO_CLASS_IDLE" };
      int cls = 0;
      long long prio = p->io_priority.set ? p->io_priority.v : 0;
      for (int i = 1; i < 4; i++)
        if (strcmp (p->io_priority_class, classes[i]) == 0)
          cls = i;
      if (cls == 0)
        return cl_fail_as (err, EINVAL, "process.ioPriority.class: unknown class `%s`", p->io_priority_class);
      if (prio < 0 || prio > 7)
        return cl_fail_as (err, EINVAL, "process.ioPriority.priority: %lld is not between 0 and 7", prio);
      a->ioprio = (cls << IOPRIO_CLASS_SHIFT) | (int) prio;
      a->has_ioprio = true;
    }
  if (p->scheduler)
    {
      static const struct { const char *name; uint32_t policy; } policies[] = {
        { "SCHED_OTHER", 0 }, { "SCHED_FIFO", 1 }, { "SCHED_RR", 2 }, { "SCHED_BATCH", 3 },
        { "SCHED_ISO", 4 },   { "SCHED_IDLE", 5 }, { "SCHED_DEADLINE", 6 },
      };
      static const struct { const char *name; uint64_t flag; } flags[] = {
        { "SCHED_FLAG_RESET_ON_FORK", 0x01 }, { "SCHED_FLAG_RECLAIM", 0x02 }, { "SCHED_FLAG_DL_OVERRUN", 0x04 },
        { "SCHED_FLAG_KEEP_POLICY", 0x08 },   { "SCHED_FLAG_KEEP_PARAMS", 0x10 },
        { "SCHED_FLAG_UTIL_CLAMP_MIN", 0x20 }, { "SCHED_FLAG_UTIL_CLAMP_MAX", 0x40 },
      };
      const struct oci_scheduler *sc = p->scheduler;
      size_t i;
      for (i = 0; i < sizeof policies / sizeof policies[0]; i++)
        if (strcmp (policies[i].name, sc->policy) == 0)
          break;
      if (i == sizeof policies / sizeof policies[0])
        return cl_fail_as (err, EINVAL, "process.scheduler.policy: unknown policy `%s`", sc->policy);
      a->sched.size = sizeof a->sched;
      a->sched.policy = policies[i].policy;
      for (char **f = sc->flags; f && *f; f++)
        {
          size_t k;
          for (k = 0; k < sizeof flags / sizeof flags[0]; k++)
            if (strcmp (flags[k].name, *f) == 0)
              break;
          if (k == sizeof flags / sizeof flags[0])
            return cl_fail_as (err, EINVAL, "process.scheduler.flags: unknown flag `%s`", *f);
          a->sched.flags |= flags[k].flag;
        }
      if (sc->nice.set && (sc->nice.v < -20 || sc->nice.v > 19))
        return cl_fail_as (err, EINVAL, "process.scheduler.nice: %lld is not between -20 and 19", (long long) sc->nice.v);
      a->sched.nice = sc->nice.set ? (int32_t) sc->nice.v : 0;
      a->sched.priority = sc->priority.set ? (uint32_t) sc->priority.v : 0;
      a->sched.runtime = sc->runtime.set ? (uint64_t) sc->runtime.v : 0;
      a->sched.deadline = sc->deadline.set ? (uint64_t) sc->deadline.v : 0;
      a->sched.period = sc->period.set ? (uint64_t) sc->period.v : 0;
      a->has_scheduler = true;
    }
  if (l->memory_policy.set && prepare_mempolicy (&l->memory_policy, a, err) < 0)
    return -1;
  if (p->exec_cpu_affinity_initial)
    {
      if (parse_cpu_list (p->exec_cpu_affinity_initial, &a->affinity_initial) < 0)
        return cl_fail_as (err, EINVAL, "process.execCPUAffinity.initial: not a CPU list: `%s`",
                           p->exec_cpu_affinity_initial);
      a->has_affinity_initial = true;
    }
  if (p->exec_cpu_affinity_final)
    {
      if (parse_cpu_list (p->exec_cpu_affinity_final, &a->affinity_final) < 0)
        return cl_fail_as (err, EINVAL, "process.execCPUAffinity.final: not a CPU list: `%s`",
                           p->exec_cpu_affinity_final);
      a->has_affinity_final = true;
    }
  return 0;
}

int
process_attrs_apply_initial (const struct process_attrs *a, cl_error **err)
{
  if (a->has_affinity_initial && sched_setaffinity (0, sizeof a->affinity_initial, &a->affinity_initial) < 0)
    return cl_fail (err, errno, "process.execCPUAffinity.initial");
  if (!a->has_affinity_initial)
    {
      /* Not the runtime's caller's (`taskset -c 0 runc run` must not pin
       * the container): every CPU, which the kernel narrows to the
       * cgroup's cpuset (runc 1.2+).  Best effort: a cpuset may forbid. */
      cpu_set_t all;
      memset (&all, 0xff, sizeof all);
      sched_setaffinity (0, sizeof all, &all);
    }
  if (a->has_mempolicy
      && syscall (SYS_set_mempolicy, a->mempolicy_mode, CPU_COUNT (&a->mempolicy_nodes) ? &a->mempolicy_nodes : NULL,
                  CPU_COUNT (&a->mempolicy_nodes) ? CPU_SETSIZE + 1 : 0)
             < 0)
    return cl_fail (err, errno, "linux.memoryPolicy: set_mempolicy");
  return 0;
}

int
process_attrs_apply_final (const struct process_attrs *a, cl_error **err)
{
  if (a->has_affinity_final && sched_setaffinity (0, sizeof a->affinity_final, &a->affinity_final) < 0)
    return cl_fail (err, errno, "process.execCPUAffinity.final");
  if (a->has_personality && personality (a->personality) < 0)
    return cl_fail (err, errno, "linux.personality");

  return 0;
}

int
process_attrs_apply_scheduler (const struct process_attrs *a, cl_error **err)
{
  if (a->has_scheduler && syscall (SYS_sched_setattr, 0, &a->sched, 0) < 0)
    return cl_fail (err, errno, "process.scheduler: sched_setattr");
  /* While the runtime's capabilities are still there: the realtime I/O
   * class needs CAP_SYS_ADMIN (or CAP_SYS_NICE), as runc applies it. */
  if (a->has_ioprio && syscall (SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, a->ioprio) < 0)
    return cl_fail (err, errno, "process.ioPriority");
  return 0;
}
