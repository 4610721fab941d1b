/* crun-lite: resolving a path inside the container's rootfs as if that
 * rootfs were "/": absolute symlinks, ".." and dangling links never lead out
 * of it.  openat2(RESOLVE_IN_ROOT) where the kernel has it, else an
 * equivalent component-by-component walk with O_PATH|O_NOFOLLOW. */
#ifndef CRL_PATH_IN_ROOT_H
#define CRL_PATH_IN_ROOT_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/error.h"

/* Open `path` inside rootfd with `flags` (O_PATH, O_RDONLY|O_DIRECTORY...).
 * O_CLOEXEC is always added.  On failure *err carries errno. */
int path_open_in_root (int rootfd, const char *path, int flags, int *out_fd, cl_error **err);

/* As path_open_in_root with O_PATH, creating what is missing: parents as
 * directories (0755), the last component as a directory when `kind` is
 * S_IFDIR or as an empty file (0644) when S_IFREG. */
int path_create_in_root (int rootfd, const char *path, mode_t kind, int *out_fd, cl_error **err);

/* Open the parent directory of `path` inside rootfd (creating it when
 * `create`), and return the last component's name (pointing into `path`). */
int path_open_parent_in_root (int rootfd, const char *path, bool create, int *out_fd, const char **name,
                              cl_error **err);

/* "/proc/self/fd/N": the path through which mount(2) and friends act on an
 * fd.  buf must hold 32 bytes. */
const char *fd_path (int fd, char buf[32]);

/* Testing hook: force the fallback walk even where openat2 exists. */
void path_in_root_force_fallback (bool on);

#endif
