/* crun-lite: idmapped bind mounts (runtime-spec 1.2: the "idmap" and
 * "ridmap" options and a mount's uidMappings/gidMappings).
 *
 * An idmapped mount shows a file owned by id N on disk as owned by what N
 * maps to through a user namespace.  The kernel lets only the filesystem's
 * owner (the host's root here) idmap a mount, and only a detached one, so
 * the runtime makes the tree (open_tree(OPEN_TREE_CLONE), then
 * mount_setattr(MOUNT_ATTR_IDMAP), Linux 5.12) and hands it to the init,
 * which moves it onto the destination.  With a user namespace of the
 * container's own the tree is cloned from the init's copy of the source's
 * mount, keeping what the kernel locked there; the namespace used is the
 * mount's own mappings (a helper namespace made for it) or, without them,
 * the container's. */
#ifndef CRL_IDMAP_H
#define CRL_IDMAP_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

/* Is this mount idmapped?  *attr_recursive: "ridmap" (every mount of an
 * rbind idmapped, not only the top). */
bool mount_is_idmapped (const struct oci_mount *m, bool *attr_recursive);
/* Config checks: a bind, both mappings or none, none only with a new user
 * namespace of the container's. */
int idmap_validate (const struct oci_config *cfg, cl_error **err);
/* Write /proc/PID/FILE ("uid_map", "gid_map") with the mappings, one
 * "inside outside count" line each (as root, or for one's own id). */
int id_map_write (pid_t pid, const char *file, const struct oci_id_mapping *m, size_t n, cl_error **err);
/* A user namespace with the given maps (an fd on it). */
int idmap_userns_open (const struct oci_mount *m, int *out, cl_error **err);
/* The detached, idmapped tree of mounts[index]'s source. */
int idmap_tree (const struct oci_config *cfg, size_t index, int userns_fd, int *out, cl_error **err);

#endif
