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
 * runtime re-executes itself from a sealed memfd copy of the loadable part
 * of its binary: no write, grow, shrink or unseal is possible, and it is an
 * independent copy of the data, so not even a kernel bug that writes into
 * the page cache of a file its caller can only read ("Copy Fail",
 * CVE-2026-31431) reaches what the host runs next.  That is the default.
 *
 * Where the operator trusts the kernel's page cache and wants the copy's
 * cost gone (a few hundred microseconds a start and an exec), the
 * annotation org.crun-lite.binary-protection=ro-shared-pages (listed in
 * `features` as potentially unsafe, for engines to filter), or the build's
 * --with-binary-protection=ro-shared-pages, runs the runtime through a
 * detached read-only bind mount of its binary instead: no write through
 * it is possible, but it shares the host file's pages.  Where the mount
 * cannot be made the copy is used.  Nothing is done when the binary
 * already is a sealed memfd (or, in that mode, sits on a read-only mount). */
#ifndef CRL_SEALED_EXE_H
#define CRL_SEALED_EXE_H

#include <stdbool.h>
#include <stddef.h>
#include "base/error.h"

#define EXE_PROTECTION_ANNOTATION "org.crun-lite.binary-protection"

enum exe_protection
{
  EXE_PROTECTION_COPY,     /* "independent-copy": a sealed memfd copy */
  EXE_PROTECTION_RO_MOUNT, /* "ro-shared-pages": a detached read-only bind mount */
};

/* The mode an annotation's value names (NULL: the build's default). */
int sealed_exe_mode_parse (const char *value, enum exe_protection *mode, cl_error **err);

/* True when /proc/self/exe is a sealed memfd, or (in the read-only mode
 * only) on a read-only mount. */
bool sealed_exe_is_safe (int exe_fd, enum exe_protection mode);

/* Make the running binary safe: returns 0 when it already is; otherwise
 * re-executes (does not return) from a sealed copy or through a read-only
 * mount, as the annotation in the container's config at `config_path`
 * (NULL: none) says, or fails with err naming why (the caller must then
 * refuse to make a container). */
int sealed_exe_ensure (char **argv, const char *config_path, cl_error **err);

/* The number of bytes of an ELF image that execution needs (the end of
 * its last segment), or 0 when `head` (the first `len` bytes, at least the
 * program headers) is not a 64-bit little-endian ELF this can read. */
size_t sealed_exe_image_size (const unsigned char *head, size_t len, size_t file_size);

#endif
