/* crun-lite: namespace kinds (see include/config/namespaces.h). */
#include <string.h>
#include "config/namespaces.h"

const struct namespace_kind namespace_kinds[] = {
  { "user", "user", CLONE_NEWUSER },
  { "pid", "pid", CLONE_NEWPID },
  { "network", "net", CLONE_NEWNET },
  { "ipc", "ipc", CLONE_NEWIPC },
  { "uts", "uts", CLONE_NEWUTS },
  { "cgroup", "cgroup", CLONE_NEWCGROUP },
  { "time", "time", CLONE_NEWTIME },
  { "mount", "mnt", CLONE_NEWNS },
};
const size_t n_namespace_kinds = sizeof namespace_kinds / sizeof namespace_kinds[0];

const struct namespace_kind *
namespace_by_oci_name (const char *name)
{
  for (size_t i = 0; i < n_namespace_kinds; i++)
    if (strcmp (namespace_kinds[i].oci_name, name) == 0)
      return &namespace_kinds[i];
  return NULL;
}

const struct namespace_kind *
namespace_by_flag (int flag)
{
  for (size_t i = 0; i < n_namespace_kinds; i++)
    if (namespace_kinds[i].clone_flag == flag)
      return &namespace_kinds[i];
  return NULL;
}
