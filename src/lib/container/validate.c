/* crun-lite: whole-config checks (include/container/validate.h). */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "config/namespaces.h"
#include "config/oci_config.h"
#include "container/intel_rdt.h"
#include "container/net_devices.h"
#include "container/validate.h"
#include "fs/idmap.h"
#include "process/lsm.h"
#include "base/utils.h"

/* Whether the namespace a config entry joins by path is the runtime's own
 * (the host's, as far as the container is concerned): runc compares the
 * namespace files' inodes too. */
static bool
joins_own_namespace (const struct oci_namespace *ns)
{
  char self[64];
  struct stat a, b;
  if (ns->path == NULL || *ns->path == '\0')
    return false;
  snprintf (self, sizeof self, "/proc/self/ns/%s", namespace_by_flag (ns->type)->proc_name);
  return stat (ns->path, &a) == 0 && stat (self, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The namespace a sysctl key belongs to (a CLONE_NEW* flag), or 0 when it
 * is not namespaced. */
static int
sysctl_namespace (const char *k)
{
  static const char *const ipc_keys[] = { "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
                                          "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced" };
  if (strncmp (k, "net.", 4) == 0)
    return CLONE_NEWNET;
  if (strncmp (k, "fs.mqueue.", 10) == 0)
    return CLONE_NEWIPC;
  for (size_t j = 0; j < sizeof ipc_keys / sizeof ipc_keys[0]; j++)
    if (strcmp (k, ipc_keys[j]) == 0)
      return CLONE_NEWIPC;
  if (strcmp (k, "kernel.hostname") == 0 || strcmp (k, "kernel.domainname") == 0)
    return CLONE_NEWUTS;
  /* user.max_*: limits of the user namespace itself (runc 1.4). */
  if (strncmp (k, "user.", 5) == 0)
    return CLONE_NEWUSER;
  return 0;
}

/* A sysctl is only the container's own when the namespace it belongs to
 * is: net.* needs a network namespace, the IPC ones an IPC namespace,
 * hostname/domainname a UTS namespace, user.* a user namespace, and none
 * of them may be the
 * runtime's own joined by path.  Anything else is the host's. */
static int
validate_sysctl (const struct oci_config *cfg, cl_error **err)
{
  for (size_t i = 0; i < cfg->linux_section.n_sysctl; i++)
    {
      const char *k = cfg->linux_section.sysctl[i].key;
      int kind = sysctl_namespace (k);
      const struct oci_namespace *ns = kind ? config_namespace (cfg, kind) : NULL;
      if (strchr (k, '/') || strstr (k, "..") || *k == '.' || *k == '\0')
        return cl_fail_as (err, EINVAL, "linux.sysctl: invalid key `%s`", k);
      if (kind == 0)
        return cl_fail_as (err, EINVAL, "linux.sysctl.%s: not namespaced: it would change the host", k);
      if (ns == NULL)
        return cl_fail_as (err, EINVAL, "linux.sysctl.%s: needs the container's own %s namespace", k,
                           kind == CLONE_NEWNET ? "network" : kind == CLONE_NEWIPC ? "IPC"
                                                              : kind == CLONE_NEWUSER ? "user" : "UTS");
      if (strcmp (k, "kernel.domainname") == 0 && cfg->domainname && *cfg->domainname && ns->path == NULL)
        return cl_fail_as (err, EINVAL, "linux.sysctl.%s: conflicts with the container's own UTS namespace (set \"domainname\" instead)", k);
      if (joins_own_namespace (ns))
        return cl_fail_as (err, EINVAL, "linux.sysctl.%s: the %s namespace `%s` is the runtime's own: it would change the host",
                           k, namespace_by_flag (kind)->oci_name, ns->path);
    }
  return 0;
}

/* Checks that need the whole config, made before anything is created. */
int
container_validate_config (const struct oci_config *cfg, cl_error **err)
{
  const struct oci_namespace *userns = config_namespace (cfg, CLONE_NEWUSER);
  const struct oci_namespace *mntns = config_namespace (cfg, CLONE_NEWNS);
  const struct oci_namespace *utsns = config_namespace (cfg, CLONE_NEWUTS);

  if (config_check_supported (cfg, err) < 0 || intel_rdt_check (&cfg->linux_section, err) < 0
      || idmap_validate (cfg, err) < 0 || net_devices_validate (cfg, err) < 0)
    return -1;
  /* No mount namespace: the runtime's is the container's (the spec), and
   * nothing that would change the host's own mounts is done there. */
  if (mntns == NULL && ((cfg->linux_section.masked_paths && *cfg->linux_section.masked_paths)
                        || (cfg->linux_section.readonly_paths && *cfg->linux_section.readonly_paths)))
    return cl_fail (err, 0, "linux.maskedPaths/readonlyPaths: unable to restrict paths without a private mount namespace (linux.namespaces: mount)");
  if (mntns == NULL && cfg->root_readonly)
    return cl_fail (err, 0, "root.readonly: a read-only root needs a private mount namespace (linux.namespaces: mount)");
  if (mntns == NULL && cfg->linux_section.rootfs_propagation && *cfg->linux_section.rootfs_propagation)
    return cl_fail (err, 0, "linux.rootfsPropagation: needs a private mount namespace (linux.namespaces: mount)");
  if ((cfg->hostname && *cfg->hostname) && (utsns == NULL))
    return cl_fail (err, 0, "hostname: setting a hostname needs a private UTS namespace (linux.namespaces: uts)");
  if ((cfg->domainname && *cfg->domainname) && (utsns == NULL))
    return cl_fail (err, 0, "domainname: setting a domainname needs a private UTS namespace (linux.namespaces: uts)");
  if ((cfg->linux_section.n_uid_mappings || cfg->linux_section.n_gid_mappings) && (userns == NULL || userns->path))
    return cl_fail (err, 0, "linux.uidMappings: mappings need a new user namespace (linux.namespaces: user)");
  if (userns && userns->path == NULL && (cfg->linux_section.n_uid_mappings == 0 || cfg->linux_section.n_gid_mappings == 0))
    return cl_fail (err, 0, "linux.uidMappings/gidMappings: a new user namespace needs both mappings");
  if (cfg->process.args == NULL)
    return cl_fail (err, 0, "process.args: missing");
  if (lsm_check_process (&cfg->process, err) < 0 || lsm_check_mount_label (cfg->linux_section.mount_label, err) < 0)
    return -1;
  return validate_sysctl (cfg, err);
}

