/* crun-lite: idmapped bind mounts (include/fs/idmap.h). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fs/idmap.h"
#include "base/mount_api.h"
#include "config/mount_options.h"
#include "base/utils.h"

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif

bool
mount_is_idmapped (const struct oci_mount *m, bool *attr_recursive)
{
  bool idmapped = m->n_uid_mappings || m->n_gid_mappings;
  if (attr_recursive)
    *attr_recursive = false;
  for (char *const *o = m->options; o && *o; o++)
    if (strcmp (*o, "idmap") == 0)
      idmapped = true;
    else if (strcmp (*o, "ridmap") == 0)
      {
        idmapped = true;
        if (attr_recursive)
          *attr_recursive = true;
      }
  return idmapped;
}

int
idmap_validate (const struct oci_config *cfg, cl_error **err)
{
  const struct oci_namespace *userns = config_namespace (cfg, CLONE_NEWUSER);
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      if (!mount_is_idmapped (m, NULL))
        continue;
      if (!mount_is_bind (m))
        return cl_fail (err, 0, "mounts[%zu] (%s): idmap: only bind mounts can be idmapped", i, m->destination);
      if ((m->n_uid_mappings == 0) != (m->n_gid_mappings == 0))
        return cl_fail (err, 0, "mounts[%zu] (%s): idmap: uidMappings and gidMappings go together", i, m->destination);
      if (m->n_uid_mappings == 0 && userns == NULL)
        return cl_fail (err, 0, "mounts[%zu] (%s): idmap without uidMappings/gidMappings uses the container's user "
                        "namespace, and the config has none (linux.namespaces: user)", i, m->destination);
    }
  return 0;
}

int
id_map_write (pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n, cl_error **err)
{
  char path[64];
  cleanup_free char *buf = xzalloc (n * 36 + 1);
  size_t len = 0;
  for (size_t i = 0; i < n; i++)
    len += (size_t) sprintf (buf + len, "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
  snprintf (path, sizeof path, "/proc/%d/%s", (int) pid, file);
  return write_file_at (AT_FDCWD, path, buf, len, err);
}

/* A child unshares a user namespace and waits; its maps are written, the
 * namespace opened, and the child let go. */
int
idmap_userns_open (const struct oci_mount *m, int *out, cl_error **err)
{
  int ready[2], done[2], rc = -1;
  char c;
  pid_t child;

  if (pipe2 (ready, O_CLOEXEC) < 0)
    return cl_fail (err, errno, "idmap: pipe");
  if (pipe2 (done, O_CLOEXEC) < 0)
    {
      close (ready[0]);
      close (ready[1]);
      return cl_fail (err, errno, "idmap: pipe");
    }
  child = fork ();
  if (child == 0)
    {
      close (ready[0]);
      close (done[1]);
      if (unshare (CLONE_NEWUSER) < 0)
        _exit (1);
      (void) !write (ready[1], "u", 1);
      (void) !read (done[0], &c, 1);
      _exit (0);
    }
  close (ready[1]);
  close (done[0]);
  if (child < 0)
    cl_fail (err, errno, "idmap: fork");
  else if (read (ready[0], &c, 1) != 1)
    cl_fail (err, EPERM, "idmap: a user namespace for the mount's mappings could not be made");
  else if (id_map_write (child, "uid_map", m->uid_mappings, m->n_uid_mappings, err) == 0
           && id_map_write (child, "gid_map", m->gid_mappings, m->n_gid_mappings, err) == 0)
    {
      char path[64];
      snprintf (path, sizeof path, "/proc/%d/ns/user", (int) child);
      *out = open (path, O_RDONLY | O_CLOEXEC);
      rc = *out < 0 ? cl_fail (err, errno, "idmap: open %s", path) : 0;
    }
  close (done[1]);
  close (ready[0]);
  if (child > 0)
    while (waitpid (child, NULL, 0) < 0 && errno == EINTR)
      ;
  return rc < 0 ? cl_wrap (err, "mounts: uidMappings/gidMappings") : 0;
}

static const char *
fs_name (int fd, char buf[32])
{
  static const struct { unsigned long magic; const char *name; } known[] = {
    { 0xEF53, "ext4" }, { 0x01021994, "tmpfs" }, { 0x58465342, "xfs" }, { 0x9123683E, "btrfs" },
    { 0x794c7630, "overlay" }, { 0x6969, "nfs" }, { 0x65735546, "fuse" }, { 0x4d44, "vfat" },
    { 0x9fa0, "proc" }, { 0x62656572, "sysfs" }, { 0x858458f6, "ramfs" },
  };
  struct statfs sfs;
  if (fstatfs (fd, &sfs) < 0)
    return "its filesystem";
  for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
    if ((unsigned long) sfs.f_type == known[i].magic)
      return known[i].name;
  snprintf (buf, 32, "type %#lx", (unsigned long) sfs.f_type);
  return buf;
}

int
idmap_tree (const struct oci_config *cfg, size_t index, int userns_fd, int *out, cl_error **err)
{
  const struct oci_mount *m = &cfg->mounts[index];
  struct mount_opts o;
  bool attr_recursive;
  struct crl_mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
  cleanup_close int tree = -1;
  char name[32];

  mount_is_idmapped (m, &attr_recursive);
  if (mount_options_parse (m->options, &o, err) < 0)
    return -1;
  mount_opts_release (&o);
  tree = (int) syscall (SYS_open_tree, AT_FDCWD, m->source,
                        OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (o.recursive ? AT_RECURSIVE : 0));
  if (tree < 0)
    return cl_fail (err, errno, "mounts[%zu] (%s): idmap: source `%s`%s", index, m->destination, m->source,
                    errno == ENOSYS ? " (idmapped mounts need Linux 5.12)" : "");
  attr.userns_fd = (unsigned long long) userns_fd;
  if (syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (attr_recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) < 0)
    {
      if (errno == ENOSYS)
        return cl_fail (err, errno, "mounts[%zu] (%s): idmap: mount_setattr needs Linux 5.12", index, m->destination);
      if (errno == EINVAL)
        return cl_fail (err, errno, "mounts[%zu] (%s): idmap: %s (the filesystem of `%s`) cannot be idmapped here",
                        index, m->destination, fs_name (tree, name), m->source);
      return cl_fail (err, errno, "mounts[%zu] (%s): idmap `%s`", index, m->destination, m->source);
    }
  *out = steal_fd (&tree);
  return 0;
}
