/* crun-lite: mount options (see include/config/mount_options.h). */
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include "config/mount_options.h"
#include "base/utils.h"

#ifndef MS_LAZYTIME
#define MS_LAZYTIME (1 << 25)
#endif

/* linux/mount.h's MOUNT_ATTR_* (5.12), spelled here: older headers lack them. */
#define ATTR_RDONLY 0x00000001ULL
#define ATTR_NOSUID 0x00000002ULL
#define ATTR_NODEV 0x00000004ULL
#define ATTR_NOEXEC 0x00000008ULL
#define ATTR__ATIME 0x00000070ULL
#define ATTR_RELATIME 0x00000000ULL
#define ATTR_NOATIME 0x00000010ULL
#define ATTR_STRICTATIME 0x00000020ULL
#define ATTR_NODIRATIME 0x00000080ULL
#define ATTR_NOSYMFOLLOW 0x00200000ULL

enum opt_kind
{
  OPT_SET, OPT_CLEAR, OPT_PROPAGATION, OPT_BIND, OPT_RBIND, OPT_COPY_UP, OPT_NO_COPY_UP, OPT_IGNORE,
  OPT_REC_SET, OPT_REC_CLEAR, OPT_REC_ATIME, OPT_IDMAP,
};

static const struct
{
  const char *name;
  enum opt_kind kind;
  unsigned long flag;
} option_table[] = {
  { "ro", OPT_SET, MS_RDONLY },
  { "rw", OPT_CLEAR, MS_RDONLY },
  { "nosuid", OPT_SET, MS_NOSUID },
  { "suid", OPT_CLEAR, MS_NOSUID },
  { "nodev", OPT_SET, MS_NODEV },
  { "dev", OPT_CLEAR, MS_NODEV },
  { "noexec", OPT_SET, MS_NOEXEC },
  { "exec", OPT_CLEAR, MS_NOEXEC },
  { "sync", OPT_SET, MS_SYNCHRONOUS },
  { "async", OPT_CLEAR, MS_SYNCHRONOUS },
  { "dirsync", OPT_SET, MS_DIRSYNC },
  { "remount", OPT_SET, MS_REMOUNT },
  { "mand", OPT_SET, MS_MANDLOCK },
  { "nomand", OPT_CLEAR, MS_MANDLOCK },
  { "atime", OPT_CLEAR, MS_NOATIME },
  { "noatime", OPT_SET, MS_NOATIME },
  { "diratime", OPT_CLEAR, MS_NODIRATIME },
  { "nodiratime", OPT_SET, MS_NODIRATIME },
  { "relatime", OPT_SET, MS_RELATIME },
  { "norelatime", OPT_CLEAR, MS_RELATIME },
  { "strictatime", OPT_SET, MS_STRICTATIME },
  { "nostrictatime", OPT_CLEAR, MS_STRICTATIME },
  { "lazytime", OPT_SET, MS_LAZYTIME },
  { "nolazytime", OPT_CLEAR, MS_LAZYTIME },
  { "silent", OPT_SET, MS_SILENT },
  { "loud", OPT_CLEAR, MS_SILENT },
  { "bind", OPT_BIND, 0 },
  { "rbind", OPT_RBIND, 0 },
  { "private", OPT_PROPAGATION, MS_PRIVATE },
  { "rprivate", OPT_PROPAGATION, MS_PRIVATE | MS_REC },
  { "shared", OPT_PROPAGATION, MS_SHARED },
  { "rshared", OPT_PROPAGATION, MS_SHARED | MS_REC },
  { "slave", OPT_PROPAGATION, MS_SLAVE },
  { "rslave", OPT_PROPAGATION, MS_SLAVE | MS_REC },
  { "unbindable", OPT_PROPAGATION, MS_UNBINDABLE },
  { "runbindable", OPT_PROPAGATION, MS_UNBINDABLE | MS_REC },
  /* Runtime extensions (runc and crun have them; podman sends tmpcopyup
   * for its tmpfs /run and /tmp). */
  { "tmpcopyup", OPT_COPY_UP, 0 },
  { "notmpcopyup", OPT_NO_COPY_UP, 0 },
  /* Recursive attributes (runc 1.1, runtime-spec 1.1): the mount and all
   * mounts below it. */
  { "rro", OPT_REC_SET, ATTR_RDONLY },
  { "rrw", OPT_REC_CLEAR, ATTR_RDONLY },
  { "rnosuid", OPT_REC_SET, ATTR_NOSUID },
  { "rsuid", OPT_REC_CLEAR, ATTR_NOSUID },
  { "rnodev", OPT_REC_SET, ATTR_NODEV },
  { "rdev", OPT_REC_CLEAR, ATTR_NODEV },
  { "rnoexec", OPT_REC_SET, ATTR_NOEXEC },
  { "rexec", OPT_REC_CLEAR, ATTR_NOEXEC },
  { "rnodiratime", OPT_REC_SET, ATTR_NODIRATIME },
  { "rdiratime", OPT_REC_CLEAR, ATTR_NODIRATIME },
  { "rnosymfollow", OPT_REC_SET, ATTR_NOSYMFOLLOW },
  { "rsymfollow", OPT_REC_CLEAR, ATTR_NOSYMFOLLOW },
  { "rrelatime", OPT_REC_ATIME, ATTR_RELATIME },
  { "ratime", OPT_REC_ATIME, ATTR_RELATIME },
  { "rnoatime", OPT_REC_ATIME, ATTR_NOATIME },
  { "rstrictatime", OPT_REC_ATIME, ATTR_STRICTATIME },
  /* Idmapped mounts (runtime-spec 1.2), made by the runtime (idmap.c):
   * nothing for mount(2). */
  { "idmap", OPT_IDMAP, 0 },
  { "ridmap", OPT_IDMAP, 0 },
  /* Options engines send that mean nothing to mount(2) itself. */
  { "defaults", OPT_IGNORE, 0 },
};

unsigned long
mount_propagation_flags (const char *name)
{
  for (size_t i = 0; i < sizeof option_table / sizeof option_table[0]; i++)
    if (option_table[i].kind == OPT_PROPAGATION && strcmp (option_table[i].name, name) == 0)
      return option_table[i].flag;
  return 0;
}

int
mount_options_parse (char *const *options, struct mount_opts *out, cl_error **err)
{
  size_t data_len = 0;
  memset (out, 0, sizeof *out);

  for (size_t i = 0; options && options[i]; i++)
    {
      const char *o = options[i];
      size_t k, n = sizeof option_table / sizeof option_table[0];
      if (*o == '\0')
        continue;
      for (k = 0; k < n; k++)
        if (strcmp (option_table[k].name, o) == 0)
          break;
      if (k == n)
        {
          /* Filesystem-specific: passed on as data. */
          size_t len = strlen (o);
          out->data = xrealloc (out->data, data_len + len + 2);
          if (data_len)
            out->data[data_len++] = ',';
          memcpy (out->data + data_len, o, len + 1);
          data_len += len;
          continue;
        }
      switch (option_table[k].kind)
        {
        case OPT_SET:
          out->cleared &= ~option_table[k].flag;
          out->flags |= option_table[k].flag;
          break;
        case OPT_CLEAR:
          out->flags &= ~option_table[k].flag;
          out->cleared |= option_table[k].flag;
          break;
        case OPT_PROPAGATION:
          out->propagation = option_table[k].flag;
          break;
        case OPT_BIND:
          out->bind = true;
          break;
        case OPT_RBIND:
          out->bind = out->recursive = true;
          break;
        case OPT_COPY_UP:
          out->copy_up = true;
          break;
        case OPT_NO_COPY_UP:
          out->copy_up = false;
          break;
        case OPT_IGNORE:
        case OPT_IDMAP:
          break;
        case OPT_REC_SET:
          out->rec_attr_set |= option_table[k].flag;
          out->rec_attr_clr &= ~(unsigned long long) option_table[k].flag;
          break;
        case OPT_REC_CLEAR:
          out->rec_attr_clr |= option_table[k].flag;
          out->rec_attr_set &= ~(unsigned long long) option_table[k].flag;
          break;
        case OPT_REC_ATIME:
          /* The kernel takes the access-time mode only as a whole. */
          out->rec_attr_clr |= ATTR__ATIME;
          out->rec_attr_set = (out->rec_attr_set & ~ATTR__ATIME) | option_table[k].flag;
          break;
        }
    }
  return 0;
}

void
mount_opts_release (struct mount_opts *o)
{
  free (o->data);
  o->data = NULL;
}

const char *
mount_option_name (size_t i)
{
  return i < sizeof option_table / sizeof option_table[0] ? option_table[i].name : NULL;
}

bool
mount_is_bind (const struct oci_mount *m)
{
  if (m->type && strcmp (m->type, "bind") == 0)
    return true;
  for (char *const *o = m->options; o && *o; o++)
    if (strcmp (*o, "bind") == 0 || strcmp (*o, "rbind") == 0)
      return true;
  return false;
}
