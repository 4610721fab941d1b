/* crun-lite: a mount's "options" turned into mount(2) flags, propagation and
 * filesystem data.  Pure: no system calls, tested on its own. */
#ifndef CRL_MOUNT_OPTIONS_H
#define CRL_MOUNT_OPTIONS_H

#include <stdbool.h>
#include "base/error.h"
#include "config/oci_config.h"

struct mount_opts
{
  unsigned long flags;        /* MS_RDONLY, MS_NOSUID, ... */
  unsigned long cleared;      /* flags an option asked to clear ("rw", "dev", "exec", "atime"...) */
  unsigned long propagation;  /* MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE, maybe | MS_REC; 0 = none */
  bool bind, recursive;       /* "bind" / "rbind" */
  bool copy_up;               /* "tmpcopyup": a tmpfs starts with the content of the directory it covers */
  char *data;                 /* the rest, comma-joined, for the filesystem ("mode=755,size=64k") */
  /* The recursive attributes ("rro", "rnosuid", "rnoatime"...): MOUNT_ATTR_*
   * values for mount_setattr(AT_RECURSIVE), applied to the mount and
   * everything below it once it is made. */
  unsigned long long rec_attr_set, rec_attr_clr;
};

int mount_options_parse (char *const *options, struct mount_opts *out, cl_error **err);
void mount_opts_release (struct mount_opts *o);
/* Propagation flags for a rootfsPropagation value ("rslave"...); 0 if unknown. */
unsigned long mount_propagation_flags (const char *name);

/* Is this mount a bind ("bind" type, or a "bind"/"rbind" option)? */
bool mount_is_bind (const struct oci_mount *m);

/* The i-th option this runtime knows (for `features`); NULL past the end. */
const char *mount_option_name (size_t i);

#endif
