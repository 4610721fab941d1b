/* crun-lite: bind mount sources opened with the runtime's privileges.
 *
 * With a new user namespace the init mounts as that namespace's root, which
 * cannot reach a source below a directory only the host's root may search
 * (a 0700 parent).  So the runtime, still the host's root, enters the init's
 * mount namespace once the namespaces exist, opens every bind source there
 * with O_PATH and passes the fds over the sync socket (sync.h); the init
 * binds from the fd.  Opened in the init's namespace, the fd names the
 * init's own copy of the mount, the only kind a bind there may use, with the
 * flags and submounts the kernel locked in that copy (runc does the same).
 * A source the runtime cannot open is left to the init, which reports it. */
#ifndef CRL_MOUNT_SOURCES_H
#define CRL_MOUNT_SOURCES_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

/* A relative bind source is relative to the bundle, as runc has it. */
void mount_sources_make_absolute (struct oci_config *cfg, const char *bundle);

/* Parent: open the bind sources in `init`'s mount namespace and send them,
 * one SYNC_MOUNT_SOURCE each.  Only when the runtime is the host's root;
 * otherwise the init has the same access and nothing is sent. */
int mount_sources_send (pid_t init, const struct oci_config *cfg, int sync_fd, cl_error **err);

struct mount_sources;
/* Parent, before the clone, when the container gets no user namespace of
 * its own: the idmapped trees, for the init to inherit (include/fs/idmap.h). */
int mount_sources_prepare_idmapped (const struct oci_config *cfg, struct mount_sources *s, cl_error **err);

/* Init: the fds received, one slot per mount, -1 where none came. */
struct mount_sources
{
  int *fds;
  size_t n;
};

void mount_sources_store (struct mount_sources *s, size_t n_mounts, int32_t index, int fd);
void mount_sources_close (struct mount_sources *s);

#endif
