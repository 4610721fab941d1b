/* crun-lite: keep the runtime binary out of the container's reach
 * (CVE-2019-5736 and its class).
 *
 * Every process the runtime makes for a container (the init before its
 * exec, the exec helper) runs the runtime's own binary, and a container
 * can reach that file: through /proc/PID/exe with CAP_SYS_PTRACE, or by
 * exec'ing a script whose interpreter is `#!/proc/self/exe`, which makes the
 * kernel run the runtime again inside the container, with the container's
 * ld.so.preload.  Whatever it then opens must not be the host's file, nor
 * anything a process outside the container runs.
 *
 * For each such child the runtime makes a private image of its binary,
 * while the child does its first work: by default an independent copy of
 * its loadable part, on a tmpfs of its own that is mounted nowhere,
 * unlinked and made read-only (a sealed memfd where no mount can be made).
 * The child, before the container can reach it, switches to that image
 * without an exec (sealed_exe_adopt): the same bytes at the same
 * addresses, and the image named as its executable.  So what the container reaches is a
 * file of that one child's: not the host file, whose page cache a kernel
 * bug such as "Copy Fail" (CVE-2026-31431) would let it write, and not
 * what the runtime waiting outside (`run`, `exec` in the foreground) runs,
 * which stays the host's binary.
 *
 * Where the operator trusts the kernel's page cache and wants the copy's
 * cost gone (a few hundred microseconds a start and an exec), the
 * annotation org.crun-lite.binary-protection=ro-shared-pages (listed in
 * `features` as potentially unsafe, for engines to filter), or the build's
 * --with-binary-protection=ro-shared-pages, makes the image a detached
 * read-only bind mount of the binary instead: no write through it is
 * possible, but it shares the host file's pages.  Where the mount cannot
 * be made the copy is used.
 *
 * A kernel without PR_SET_MM_MAP (no CONFIG_CHECKPOINT_RESTORE) cannot
 * switch a child's image: there the whole runtime re-executes from the
 * image instead (a sealed memfd copy, or through the read-only mount), as
 * crun-lite did before, and the runtime outside shares it. */
#ifndef CRL_SEALED_EXE_H
#define CRL_SEALED_EXE_H

#include <link.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/error.h"

#define EXE_PROTECTION_ANNOTATION "org.crun-lite.binary-protection"

enum exe_protection
{
  EXE_PROTECTION_COPY,     /* "independent-copy": a copy (private tmpfs, or sealed memfd) */
  EXE_PROTECTION_RO_MOUNT, /* "ro-shared-pages": a detached read-only bind mount */
};

/* The mode an annotation's value names (NULL: the build's default). */
int sealed_exe_mode_parse (const char *value, enum exe_protection *mode, cl_error **err);

/* True when /proc/self/exe is a sealed memfd, or (in the read-only mode
 * only) on a read-only mount: the re-executing fallback is done. */
bool sealed_exe_is_safe (int exe_fd, enum exe_protection mode);

/* In the runtime, before it forks a process the container can reach:
 * choose the protection the annotation in the container's config at
 * `config_path` (NULL: none) asks for, and plan the children's switch
 * (what the binary's segments are, in memory).  On a kernel that cannot
 * switch, re-executes instead (does not return).  Fails with err naming
 * why: the caller must then refuse to make a container. */
int sealed_exe_prepare (char **argv, const char *config_path, cl_error **err);

/* Whether the children are to switch (sealed_exe_adopt): the runtime then
 * gives each of them an image from sealed_exe_make_image. */
bool sealed_exe_wanted (void);

/* In the runtime: a private image, as planned (an fd, or -1 with err).
 * Made while the child works (its setup, its joins), not before it. */
int sealed_exe_make_image (cl_error **err);

/* In such a child, before the container can reach it (and while it has
 * CAP_SYS_ADMIN in its user namespace): switch to `image_fd` (closed). */
int sealed_exe_adopt (int image_fd, cl_error **err);

/* Whether this kernel can switch a process's image (PR_SET_MM_MAP). */
bool sealed_exe_can_adopt (void);

/* Plan the switch (sealed_exe_prepare's part). */
int sealed_exe_plan (cl_error **err);

/* A page-aligned piece of the loaded binary that the switch replaces:
 * mapped again from the image at `offset`, or (from_image false: bytes
 * the loader or the program may have written) moved to anonymous memory
 * with its bytes; `prot` as it is now. */
struct image_piece
{
  uintptr_t start, end;
  off_t offset;
  int prot;
  bool from_image;
};
#define IMAGE_PIECES_MAX 16

/* The pieces of a program loaded at `bias` with program headers `ph` (`n`
 * of them), pages of `page` bytes, into out (at most `max`): their number,
 * or -1 with err (unaligned segments, too many pieces, none). */
int sealed_exe_pieces (uintptr_t bias, const ElfW (Phdr) * ph, size_t n, uintptr_t page, struct image_piece *out,
                       size_t max, cl_error **err);

/* The number of bytes of an ELF image that execution needs (the end of
 * its last segment), or 0 when `head` (the first `len` bytes, at least the
 * program headers) is not a 64-bit little-endian ELF this can read. */
size_t sealed_exe_image_size (const unsigned char *head, size_t len, size_t file_size);

#endif
