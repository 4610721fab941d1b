/* crun-lite: writes into procfs that a container cannot redirect
 * (see include/base/procfs.h). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/openat2.h>
#include "base/mount_api.h"
#include "base/procfs.h"
#include "base/utils.h"

#define PROC_ROOT_INO 1

static bool
is_procfs_root (int fd)
{
  struct statfs sfs;
  struct stat st;
  return fstatfs (fd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC && fstat (fd, &st) == 0
         && st.st_ino == PROC_ROOT_INO;
}

/* A new procfs instance, mounted nowhere: nothing can be mounted over any
 * part of it.  The kernel refuses it in a user namespace whose /proc is
 * partly masked ("too revealing"), hence the fallbacks. */
static int
open_fresh_procfs (void)
{
  cleanup_close int fsfd = (int) syscall (SYS_fsopen, "proc", FSOPEN_CLOEXEC);
  if (fsfd < 0 || syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  return (int) syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

int
procfs_open_trusted (cl_error **err)
{
  int fd = open_fresh_procfs ();
  if (fd >= 0 && is_procfs_root (fd))
    return fd;
  if (fd >= 0)
    close (fd);
  /* A clone of the /proc mount alone (no AT_RECURSIVE): whatever is
   * mounted over its subdirectories is not in the copy. */
  fd = (int) syscall (SYS_open_tree, AT_FDCWD, "/proc", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (fd >= 0 && is_procfs_root (fd))
    return fd;
  if (fd >= 0)
    close (fd);
  /* /proc itself; procfs_write then refuses to cross any mount below it. */
  fd = open ("/proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd >= 0 && is_procfs_root (fd))
    return fd;
  if (fd >= 0)
    close (fd);
  return cl_fail (err, EPERM, "/proc is not the root of a procfs: cannot write process settings safely");
}

int
procfs_write (int procfd, const char *rel, const char *data, size_t len, cl_error **err)
{
  struct open_how how = { .flags = O_WRONLY | O_CLOEXEC | O_NOFOLLOW,
                          .resolve = RESOLVE_BENEATH | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS };
  cleanup_close int fd = (int) syscall (SYS_openat2, procfd, rel, &how, sizeof how);
  struct statfs sfs;

  if (fd < 0 && errno == ENOSYS)
    fd = openat (procfd, rel, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return cl_fail (err, errno, errno == EXDEV ? "/proc/%s: something is mounted over it" : "open /proc/%s", rel);
  if (fstatfs (fd, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
    return cl_fail (err, EPERM, "/proc/%s is not on procfs", rel);
  if (write_all (fd, data, len) < 0)
    return cl_fail (err, errno, "write /proc/%s", rel);
  return 0;
}
