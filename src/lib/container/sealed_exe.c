/* crun-lite: run from a sealed copy of the runtime binary (see
 * include/container/sealed_exe.h). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include "container/sealed_exe.h"
#include "config/config_peek.h"
#include "base/mount_api.h"
#include "base/utils.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

#define SEALS_NEEDED (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

/* Program headers read from the file's start: the ELF header and a few
 * dozen headers fit; a binary whose headers lie further is copied whole. */
#define ELF_HEAD_MAX 4096

bool
sealed_exe_is_safe (int exe_fd, enum exe_protection mode)
{
  struct statvfs vfs;
  int seals = fcntl (exe_fd, F_GET_SEALS);

  if (seals >= 0 && (seals & SEALS_NEEDED) == SEALS_NEEDED)
    return true;
  /* A read-only mount of the host's mount namespace: a container can
   * neither write through it nor remount it (it is not in its namespace),
   * but its pages are the host file's: only where the operator chose that. */
  return mode == EXE_PROTECTION_RO_MOUNT && fstatvfs (exe_fd, &vfs) == 0 && (vfs.f_flag & ST_RDONLY);
}

int
sealed_exe_mode_parse (const char *value, enum exe_protection *mode, cl_error **err)
{
  if (value == NULL)
    *mode = CRL_DEFAULT_EXE_PROTECTION;
  else if (strcmp (value, "independent-copy") == 0)
    *mode = EXE_PROTECTION_COPY;
  else if (strcmp (value, "ro-shared-pages") == 0)
    *mode = EXE_PROTECTION_RO_MOUNT;
  else
    return cl_fail_as (err, EINVAL, "annotations.%s: unknown value `%s` (expected independent-copy or ro-shared-pages)",
                    EXE_PROTECTION_ANNOTATION, value);
  return 0;
}

size_t
sealed_exe_image_size (const unsigned char *head, size_t len, size_t file_size)
{
  const ElfW (Ehdr) *eh = (const void *) head;
  size_t end, ph_end;

  if (len < sizeof *eh || memcmp (eh->e_ident, ELFMAG, SELFMAG) != 0
      || eh->e_ident[EI_CLASS] != (sizeof (void *) == 8 ? ELFCLASS64 : ELFCLASS32)
      || eh->e_phentsize != sizeof (ElfW (Phdr)))
    return 0;
  ph_end = (size_t) eh->e_phoff + (size_t) eh->e_phnum * sizeof (ElfW (Phdr));
  if (eh->e_phoff < sizeof *eh || ph_end > len)
    return 0;
  end = ph_end;
  for (size_t i = 0; i < eh->e_phnum; i++)
    {
      const ElfW (Phdr) *ph = (const void *) (head + eh->e_phoff + i * sizeof (ElfW (Phdr)));
      if (ph->p_offset > file_size || ph->p_filesz > file_size - ph->p_offset)
        return 0;
      if (ph->p_offset + ph->p_filesz > end)
        end = ph->p_offset + ph->p_filesz;
    }
  return end;
}

/* Copy the part of the binary that execution reads (its segments; the
 * debug information and section headers after them are left out: a
 * quarter of the bytes of a -g build) and say the copy has no sections. */
static int
copy_image (int exe_fd, int mem_fd, cl_error **err)
{
  unsigned char head[ELF_HEAD_MAX];
  struct stat st;
  ssize_t got;
  size_t size;
  off_t off = 0;

  if (fstat (exe_fd, &st) < 0)
    return cl_fail (err, errno, "fstat /proc/self/exe");
  got = pread (exe_fd, head, sizeof head, 0);
  if (got < 0)
    return cl_fail (err, errno, "read /proc/self/exe");
  size = sealed_exe_image_size (head, (size_t) got, (size_t) st.st_size);
  if (size == 0)
    size = (size_t) st.st_size;
  while ((size_t) off < size)
    {
      ssize_t n = sendfile (mem_fd, exe_fd, &off, size - (size_t) off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return cl_fail (err, n < 0 ? errno : EIO, "copy /proc/self/exe into a memfd");
    }
  if (size < (size_t) st.st_size)
    {
      ElfW (Ehdr) *eh = (void *) head;
      eh->e_shoff = 0;
      eh->e_shnum = 0;
      eh->e_shstrndx = SHN_UNDEF;
      if (pwrite (mem_fd, eh, sizeof *eh, 0) != (ssize_t) sizeof *eh)
        return cl_fail (err, errno, "write the copy's ELF header");
    }
  return 0;
}

static int
sealed_copy (int exe_fd, cl_error **err)
{
  cleanup_close int mem_fd = memfd_create ("crun-lite", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

  /* Kernels before 6.3 know no MFD_EXEC (every memfd is executable). */
  if (mem_fd < 0 && errno == EINVAL)
    mem_fd = memfd_create ("crun-lite", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem_fd < 0)
    return cl_fail (err, errno, "memfd_create");
  if (copy_image (exe_fd, mem_fd, err) < 0)
    return -1;
  if (fchmod (mem_fd, 0555) < 0)
    return cl_fail (err, errno, "fchmod the memfd copy");
  /* F_SEAL_EXEC (6.3) keeps its mode; older kernels refuse the bit. */
  if (fcntl (mem_fd, F_ADD_SEALS, SEALS_NEEDED | F_SEAL_EXEC) < 0
      && fcntl (mem_fd, F_ADD_SEALS, SEALS_NEEDED) < 0)
    return cl_fail (err, errno, "seal the memfd copy");
  return steal_fd (&mem_fd);
}

/* Re-execute through a read-only bind mount of the binary itself, made
 * detached (open_tree) and so in no mount namespace: what /proc/PID/exe and
 * /proc/PID/map_files then name is that mount, where a write fails with
 * EROFS, and no one can clear its read-only flag (mount_setattr refuses a
 * mount that is not attached, open_tree refuses to clone it).  Its pages
 * are the host file's page cache (the opt-in mode: see sealed_exe.h).
 * Returns only when the kernel or the caller's privileges refuse (pre-5.12
 * kernels, a user without CAP_SYS_ADMIN over its mount namespace); the
 * caller then copies. */
static void
exec_through_ro_bind (int exe_fd, char **argv)
{
  extern char **environ;
  struct crl_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  cleanup_close int tree
      = (int) syscall (SYS_open_tree, exe_fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);

  if (tree < 0 || syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return;
  syscall (SYS_execveat, tree, "", argv, environ, AT_EMPTY_PATH);
}

/* The mode the container's config chooses, read only when needed. */
static int
configured_mode (const char *config_path, enum exe_protection *mode, cl_error **err)
{
  cleanup_free char *choice = config_path ? config_peek_annotation_file (config_path, EXE_PROTECTION_ANNOTATION) : NULL;
  if (sealed_exe_mode_parse (choice, mode, err) < 0)
    return cl_wrap (err, "%s", config_path);
  return 0;
}

int
sealed_exe_ensure (char **argv, const char *config_path, cl_error **err)
{
  extern char **environ;
  cleanup_close int exe_fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  cleanup_close int mem_fd = -1;
  enum exe_protection mode;

  if (exe_fd < 0)
    return cl_fail (err, errno, "cannot protect the runtime binary from the container: open /proc/self/exe");
  /* A sealed copy serves every mode: the config is not even read. */
  if (sealed_exe_is_safe (exe_fd, EXE_PROTECTION_COPY))
    return 0;
  if (configured_mode (config_path, &mode, err) < 0)
    return -1;
  if (sealed_exe_is_safe (exe_fd, mode))
    return 0;
  if (mode == EXE_PROTECTION_RO_MOUNT)
    exec_through_ro_bind (exe_fd, argv);
  /* The copy is the safer of the two: where the mount cannot be made, it
   * serves those who chose the mount too. */
  mem_fd = sealed_copy (exe_fd, err);
  if (mem_fd < 0)
    return cl_wrap (err, "cannot protect the runtime binary from the container");
  fexecve (mem_fd, argv, environ);
  return cl_fail (err, errno, "cannot protect the runtime binary from the container: execute the sealed copy");
}
