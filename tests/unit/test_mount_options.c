/* Unit tests: mount options to flags, propagation and data. */
#include <sys/mount.h>
#include "config/mount_options.h"
#include "unit.h"
#include "base/utils.h"

static struct mount_opts
parse (const char *const *opts)
{
  struct mount_opts o;
  cl_error *err = NULL;
  if (mount_options_parse ((char *const *) opts, &o, &err) < 0)
    {
      printf ("# unexpected error: %s\n", err->msg);
      cl_error_free (err);
    }
  return o;
}

int
main (void)
{
  {
    const char *opts[] = { "nosuid", "noexec", "nodev", "ro", NULL };
    struct mount_opts o = parse (opts);
    CHECK (o.flags == (MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY), "flags set");
    CHECK (o.data == NULL && !o.bind && o.propagation == 0, "no data, no bind, no propagation");
    mount_opts_release (&o);
  }
  {
    const char *opts[] = { "ro", "rw", "nosuid", "suid", NULL };
    struct mount_opts o = parse (opts);
    CHECK (o.flags == 0, "later options clear earlier ones (rw after ro, suid after nosuid)");
    CHECK (o.cleared == (MS_RDONLY | MS_NOSUID), "and they are recorded as cleared (runc 1.2's exact bind flags)");
    mount_opts_release (&o);
  }
  {
    const char *opts[] = { "bind", "dev", "exec", "noexec", NULL };
    struct mount_opts o = parse (opts);
    CHECK (o.flags == MS_NOEXEC && o.cleared == MS_NODEV, "a flag set after its clearing is not cleared");
    mount_opts_release (&o);
  }
  {
    const char *opts[] = { "rbind", "rro", "rnosuid", "rnoatime", "rstrictatime", "rnodev", "rdev", NULL };
    struct mount_opts o = parse (opts);
    CHECK (o.flags == 0 && o.data == NULL, "recursive attributes are neither flags nor data");
    CHECK (o.rec_attr_set == (0x1 | 0x2 | 0x20) && o.rec_attr_clr == (0x70 | 0x4),
           "rro rnosuid, the last access-time mode whole, rdev after rnodev");
    mount_opts_release (&o);
  }
  {
    const char *opts[] = { "rbind", "rslave", NULL };
    struct mount_opts o = parse (opts);
    CHECK (o.bind && o.recursive, "rbind: recursive bind");
    CHECK (o.propagation == (MS_SLAVE | MS_REC), "rslave");
    mount_opts_release (&o);
  }
  {
    const char *opts[] = { "bind", "private", NULL };
    struct mount_opts o = parse (opts);
    CHECK (o.bind && !o.recursive && o.propagation == MS_PRIVATE, "bind + private");
    mount_opts_release (&o);
  }
  {
    const char *opts[] = { "nosuid", "mode=755", "size=65536k", "strictatime", "", "newinstance", NULL };
    struct mount_opts o = parse (opts);
    CHECK_STR (o.data, "mode=755,size=65536k,newinstance", "unknown options become filesystem data, in order");
    CHECK (o.flags == (MS_NOSUID | MS_STRICTATIME), "flags beside data");
    mount_opts_release (&o);
  }
  {
    const char *opts[] = { "rbind", "idmap", "ridmap", "ro", NULL };
    struct mount_opts o;
    cl_error *err = NULL;
    CHECK (mount_options_parse ((char *const *) opts, &o, &err) == 0 && o.data == NULL && o.flags == MS_RDONLY
           && o.bind && o.recursive,
           "idmap and ridmap are the runtime's, not mount(2) data: %s", err ? err->msg : "ok");
    mount_opts_release (&o);
    cl_error_free (err);
  }
  CHECK (mount_propagation_flags ("rshared") == (MS_SHARED | MS_REC), "rootfsPropagation rshared");
  CHECK (mount_propagation_flags ("private") == MS_PRIVATE, "rootfsPropagation private");
  CHECK (mount_propagation_flags ("ro") == 0, "not a propagation");
  {
    struct mount_opts o = parse (NULL);
    CHECK (o.flags == 0 && o.data == NULL, "no options");
  }
  return unit_done ();
}
