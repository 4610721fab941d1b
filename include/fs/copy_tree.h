/* crun-lite: copying a directory tree between two directory fds, for the
 * `tmpcopyup` mount option (a tmpfs mounted over a rootfs directory starts
 * with that directory's content, as runc and crun do for engines' /run and
 * /tmp).  The source is the rootfs, so the walk is hostile-input safe: every
 * step is fd-relative with O_NOFOLLOW, symlinks are copied as links (never
 * followed), and the depth is bounded. */
#ifndef CRL_COPY_TREE_H
#define CRL_COPY_TREE_H

#include "base/error.h"

/* Copy the content of directory `src_dirfd` into directory `dst_dirfd`:
 * directories, regular files, symlinks, fifos and device nodes, with their
 * mode, owner and times. */
int copy_tree (int src_dirfd, int dst_dirfd, cl_error **err);

#endif
