/* crun-lite: AppArmor profiles and SELinux labels (see include/process/lsm.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include "process/lsm.h"
#include "base/procfs.h"
#include "base/utils.h"

#ifndef SELINUX_MAGIC
#define SELINUX_MAGIC 0xf97cff8c
#endif

bool
lsm_apparmor_enabled (void)
{
  cleanup_free char *v = NULL;
  size_t len;
  cleanup_error cl_error *err = NULL;
  if (read_file_at (AT_FDCWD, "/sys/module/apparmor/parameters/enabled", 16, &v, &len, &err) < 0)
    return false;
  return len > 0 && v[0] == 'Y';
}

bool
lsm_selinux_enabled (void)
{
  struct statfs sfs;
  return statfs ("/sys/fs/selinux", &sfs) == 0 && sfs.f_type == SELINUX_MAGIC;
}

static bool
is_set (const char *s)
{
  return s && *s;
}

int
lsm_check_process (const struct oci_process *p, cl_error **err)
{
  if (is_set (p->apparmor_profile) && !lsm_apparmor_enabled ())
    return cl_fail (err, 0, "process.apparmorProfile `%s`: AppArmor is not enabled on this host",
                    p->apparmor_profile);
  if (is_set (p->selinux_label) && !lsm_selinux_enabled ())
    return cl_fail (err, 0, "process.selinuxLabel `%s`: SELinux is disabled or not supported on this host",
                    p->selinux_label);
  return 0;
}

int
lsm_check_mount_label (const char *mount_label, cl_error **err)
{
  if (is_set (mount_label) && !lsm_selinux_enabled ())
    return cl_fail (err, 0, "linux.mountLabel `%s`: SELinux is disabled or not supported on this host", mount_label);
  return 0;
}

bool
lsm_wants_exec_label (const struct oci_process *p)
{
  return is_set (p->apparmor_profile) || is_set (p->selinux_label);
}

int
lsm_set_exec_label (int procfd, const struct oci_process *p, cl_error **err)
{
  if (is_set (p->apparmor_profile))
    {
      cleanup_free char *cmd = xasprintf ("exec %s", p->apparmor_profile);
      cleanup_error cl_error *first = NULL;
      /* The AppArmor-only file (5.1+, safe with stacked LSMs), else the
       * shared one. */
      int rc = procfs_write (procfd, "thread-self/attr/apparmor/exec", cmd, strlen (cmd), &first);
      if (rc < 0 && first->errnum == ENOENT)
        rc = procfs_write (procfd, "thread-self/attr/exec", cmd, strlen (cmd), err);
      else if (rc < 0)
        *err = steal_ptr (&first);
      if (rc < 0)
        return cl_wrap (err, "process.apparmorProfile `%s` (is the profile loaded?)", p->apparmor_profile);
    }
  if (is_set (p->selinux_label)
      && procfs_write (procfd, "thread-self/attr/exec", p->selinux_label, strlen (p->selinux_label), err) < 0)
    return cl_wrap (err, "process.selinuxLabel `%s`", p->selinux_label);
  return 0;
}

int
lsm_set_keycreate_label (int procfd, const struct oci_process *p, cl_error **err)
{
  if (is_set (p->selinux_label)
      && procfs_write (procfd, "thread-self/attr/keycreate", p->selinux_label, strlen (p->selinux_label), err) < 0)
    return cl_wrap (err, "process.selinuxLabel `%s`: key label", p->selinux_label);
  return 0;
}

char *
lsm_mount_data (const char *type, const char *data, const char *mount_label)
{
  static const char *const unlabeled[] = { "proc", "sysfs", "mqueue", "cgroup", "cgroup2", "bind" };
  if (!is_set (mount_label) || type == NULL)
    return NULL;
  for (size_t i = 0; i < sizeof unlabeled / sizeof unlabeled[0]; i++)
    if (strcmp (type, unlabeled[i]) == 0)
      return NULL;
  if (is_set (data))
    return xasprintf ("%s,context=\"%s\"", data, mount_label);
  return xasprintf ("context=\"%s\"", mount_label);
}
