/* crun-lite: what a parsed config asks and the runtime refuses before
 * anything is made (see include/config/oci_config.h). */
#include <sched.h>
#include "config/oci_config.h"
#include "config/namespaces.h"

int
config_check_supported (const struct oci_config *cfg, cl_error **err)
{
  const struct oci_process *p = &cfg->process;
  const struct oci_linux *l = &cfg->linux_section;

  if (!p->present)
    return cl_fail (err, 0, "process: missing required field");
  if (cfg->oci_version && cfg->oci_version[0] >= '2' && cfg->oci_version[0] <= '9')
    return cl_fail (err, 0, "ociVersion: `%s` is newer than the runtime-spec crun-lite implements (%s)",
                    cfg->oci_version, OCI_VERSION_IMPLEMENTED);
  if (l->has_time_offsets)
    {
      const struct oci_namespace *time_ns = config_namespace (cfg, CLONE_NEWTIME);
      if (time_ns == NULL)
        return cl_fail (err, 0, "linux.timeOffsets: needs a new time namespace in linux.namespaces");
      if (time_ns->path)
        return cl_fail (err, 0, "linux.timeOffsets: cannot be set on a time namespace joined by path (`%s`)",
                        time_ns->path);
    }
  return 0;
}
