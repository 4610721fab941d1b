/* crun-lite: keep the runtime binary out of the container's reach
 * (CVE-2019-5736 and its class).
 *
 * Every process the runtime makes for a container (the init before its
 * exec, the exec helper) runs the runtime's own binary, and a container
 * can reach that file: through /proc/PID/exe with CAP_SYS_PTRACE, or by
 * exec'ing a script whose interpreter is `#!/proc/self/exe`, which makes the
 * kernel run the runtime again inside the container, with the container's
 * ld.so.preload.  Whatever it then opens must not be the host's file.
 *
 * Before a command that makes such processes does anything else, the
 * runtime re-executes itself through a detached read-only bind mount of
 * its binary (a write through it fails with EROFS, and the mount is in no
 * namespace where its flag could be changed) or, where the kernel or the
 * caller's privileges do not allow that mount, from a sealed memfd copy of
 * the loadable part of its binary (no write, grow, shrink or unseal is
 * possible, and it is a copy: the host's file is not reachable through
 * it).  Nothing is done when the binary already is a sealed memfd, or sits
 * on a read-only mount. */
#ifndef CRL_SEALED_EXE_H
#define CRL_SEALED_EXE_H

#include <stdbool.h>
#include "base/error.h"

/* True when /proc/self/exe is a sealed memfd or on a read-only mount. */
bool sealed_exe_is_safe (int exe_fd);

/* Make the running binary safe: returns 0 when it already is; otherwise
 * re-executes through a read-only mount or from a sealed copy (does not
 * return), or fails with err
 * naming why (the caller must then refuse to make a container). */
int sealed_exe_ensure (char **argv, cl_error **err);

/* The number of bytes of an ELF image that execution needs (the end of
 * its last segment), or 0 when `head` (the first `len` bytes, at least the
 * program headers) is not a 64-bit little-endian ELF this can read. */
size_t sealed_exe_image_size (const unsigned char *head, size_t len, size_t file_size);

#endif
