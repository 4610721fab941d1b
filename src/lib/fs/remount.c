/* crun-lite: bind remounts (include/fs/remount.h). */
#include <errno.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include "fs/remount.h"

/* statfs flags the kernel locks on mounts inherited into a user namespace;
 * ST_* and MS_* share these values. */
#define LOCKABLE_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME)

int
remount_bind_exact (const char *target, unsigned long flags, unsigned long cleared, const char *what, cl_error **err)
{
  struct statfs sfs;
  unsigned long locked;

  if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | flags, NULL) == 0)
    return 0;
  if (errno != EPERM || statfs (target, &sfs) < 0)
    return cl_fail (err, errno, "remount `%s`", what);
  locked = (unsigned long) sfs.f_flags & LOCKABLE_FLAGS;
  if (locked & cleared & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME))
    return cl_fail_as (err, EPERM, "remount `%s`: the source's mount has flags this user namespace cannot clear "
                                   "(%s%s%s%s%s)", what, locked & cleared & MS_RDONLY ? " ro" : "",
                       locked & cleared & MS_NOSUID ? " nosuid" : "", locked & cleared & MS_NODEV ? " nodev" : "",
                       locked & cleared & MS_NOEXEC ? " noexec" : "",
                       locked & cleared & (MS_NOATIME | MS_NODIRATIME) ? " noatime" : "");
  if (mount (NULL, target, NULL, MS_BIND | MS_REMOUNT | flags | locked, NULL) < 0)
    return cl_fail (err, errno, "remount `%s`", what);
  return 0;
}

int
remount_bind (const char *target, unsigned long flags, const char *what, cl_error **err)
{
  struct statfs sfs;
  unsigned long mflags = MS_BIND | MS_REMOUNT | flags;

  /* A bind remount replaces every per-mount flag: making a mount read-only
   * keeps the nosuid, nodev and noexec it has (runc's readonly paths). */
  if ((flags & MS_RDONLY) && statfs (target, &sfs) == 0)
    mflags |= (unsigned long) sfs.f_flags & (ST_NOSUID | ST_NODEV | ST_NOEXEC);
  if (mount (NULL, target, NULL, mflags, NULL) == 0)
    return 0;
  if (errno != EPERM || statfs (target, &sfs) < 0)
    return cl_fail (err, errno, "remount `%s`", what);
  mflags |= (unsigned long) sfs.f_flags & LOCKABLE_FLAGS & ~MS_RDONLY;
  if (flags & MS_RDONLY || sfs.f_flags & ST_RDONLY)
    mflags |= MS_RDONLY;
  if (mount (NULL, target, NULL, mflags, NULL) < 0)
    return cl_fail (err, errno, "remount `%s`", what);
  return 0;
}

