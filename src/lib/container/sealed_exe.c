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
#include "base/path_in_root.h"
#include "base/trace.h"
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
 * quarter of the bytes of a -g build) and say the copy has no sections.
 * sendfile: in a fresh process the fastest way here (a mapping of the
 * file costs its faults, a buffer a second copy).  -1 with errno. */
static int
copy_image (int exe_fd, int dst_fd)
{
  unsigned char head[ELF_HEAD_MAX];
  struct stat st;
  ssize_t got;
  size_t size;
  off_t off = 0;

  got = fstat (exe_fd, &st) < 0 ? -1 : pread (exe_fd, head, sizeof head, 0);
  if (got < 0)
    return -1;
  size = sealed_exe_image_size (head, (size_t) got, (size_t) st.st_size);
  if (size == 0)
    size = (size_t) st.st_size;
  while ((size_t) off < size)
    {
      ssize_t n = sendfile (dst_fd, exe_fd, &off, size - (size_t) off);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          errno = n < 0 ? errno : EIO;
          return -1;
        }
    }
  if (size < (size_t) st.st_size)
    {
      ElfW (Ehdr) *eh = (void *) head;
      eh->e_shoff = 0;
      eh->e_shnum = 0;
      eh->e_shstrndx = SHN_UNDEF;
      if (pwrite (dst_fd, eh, sizeof *eh, 0) != (ssize_t) sizeof *eh)
        return -1;
    }
  return 0;
}

/* A sealed memfd copy: -1 with errno on failure. */
static int
sealed_copy (int exe_fd)
{
  cleanup_close int mem_fd = memfd_create ("crun-lite", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);

  /* Kernels before 6.3 know no MFD_EXEC (every memfd is executable). */
  if (mem_fd < 0 && errno == EINVAL)
    mem_fd = memfd_create ("crun-lite", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (mem_fd < 0 || copy_image (exe_fd, mem_fd) < 0 || fchmod (mem_fd, 0555) < 0)
    return -1;
  /* F_SEAL_EXEC (6.3) keeps its mode; older kernels refuse the bit. */
  if (fcntl (mem_fd, F_ADD_SEALS, SEALS_NEEDED | F_SEAL_EXEC) < 0
      && fcntl (mem_fd, F_ADD_SEALS, SEALS_NEEDED) < 0)
    return -1;
  return steal_fd (&mem_fd);
}

/* A detached read-only bind mount of the binary itself (open_tree), and
 * a file opened through it: a write through it fails with EROFS, and the
 * mount is in no mount namespace, but its pages are the host file's page
 * cache (the opt-in mode: see sealed_exe.h).  -1 where the kernel (before
 * 5.12) or the caller's privileges refuse; the caller then copies. */
static int
ro_mount_of (int exe_fd)
{
  struct crl_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  cleanup_close int tree
      = (int) syscall (SYS_open_tree, exe_fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  char path[32];

  if (tree < 0 || syscall (SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return -1;
  return open (fd_path (tree, path), O_RDONLY | O_CLOEXEC);
}

/* A copy on a tmpfs of its own, mounted nowhere, unlinked, read-only once
 * written.  A third cheaper to make than a memfd (0.34 against 0.51 ms,
 * fresh processes, this project's test machine): the mount's
 * huge=within_size lets tmpfs fill it with large folios, where a memfd
 * takes a page per 4 KiB (its policy is the host's).  It cannot be
 * sealed, and needs not be: the mount is dissolved when `mnt` closes (in
 * no namespace, it can be neither cloned nor made writable again), and
 * the kernel refuses writers to a file a process runs (ETXTBSY).  -1
 * where the caller may not make a mount (an unprivileged user outside a
 * user namespace); the caller then makes a memfd. */
static int
tmpfs_copy (int exe_fd)
{
  struct crl_mount_attr attr = { .attr_set = MOUNT_ATTR_RDONLY };
  cleanup_close int fs = (int) syscall (SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
  cleanup_close int mnt = -1, rw = -1, ro = -1;
  char path[32];

  if (fs < 0)
    return -1;
  /* A kernel without transparent huge pages refuses the option: plain pages. */
  (void) syscall (SYS_fsconfig, fs, FSCONFIG_SET_STRING, "huge", "within_size", 0);
  if (syscall (SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return -1;
  mnt = (int) syscall (SYS_fsmount, fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
  if (mnt < 0)
    return -1;
  /* Named "crun-lite" (then unlinked): /proc/PID/exe says what runs. */
  rw = openat (mnt, "crun-lite", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0555);
  if (rw < 0 || copy_image (exe_fd, rw) < 0)
    return -1;
  ro = open (fd_path (rw, path), O_RDONLY | O_CLOEXEC);
  /* A writer keeps the mount writable (EBUSY): close it first. */
  closep (&rw);
  if (ro < 0 || unlinkat (mnt, "crun-lite", 0) < 0
      || syscall (SYS_mount_setattr, mnt, "", AT_EMPTY_PATH, &attr, sizeof attr) < 0)
    return -1;
  return steal_fd (&ro);
}

/* The fallback where the kernel cannot switch a child's image without an
 * exec: the whole runtime re-executes through the read-only mount, or
 * from a sealed memfd copy, before it does anything else. */
static int
reexec_protected (int exe_fd, char **argv, enum exe_protection mode, cl_error **err)
{
  extern char **environ;
  cleanup_close int image = -1;

  if (sealed_exe_is_safe (exe_fd, mode))
    return 0;
  if (mode == EXE_PROTECTION_RO_MOUNT)
    {
      image = ro_mount_of (exe_fd);
      if (image >= 0)
        fexecve (image, argv, environ);
    }
  /* The copy is the safer of the two: where the mount cannot be made, it
   * serves those who chose the mount too. */
  image = sealed_copy (exe_fd);
  if (image < 0)
    return cl_fail (err, errno, "cannot protect the runtime binary from the container: copy it into a sealed memfd");
  fexecve (image, argv, environ);
  return cl_fail (err, errno, "cannot protect the runtime binary from the container: execute the sealed copy");
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

/* The protection chosen by sealed_exe_prepare for the images to come. */
static enum exe_protection planned_mode;

static int
make_image (void)
{
  cleanup_close int exe_fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  int image = -1;

  if (exe_fd < 0)
    return -1;
  if (planned_mode == EXE_PROTECTION_RO_MOUNT)
    image = ro_mount_of (exe_fd);
  /* The copy serves those who chose the mount too, where it cannot be made. */
  if (image < 0)
    image = tmpfs_copy (exe_fd);
  if (image < 0)
    image = sealed_copy (exe_fd);
  return image;
}

int
sealed_exe_prepare (char **argv, const char *config_path, cl_error **err)
{
  cleanup_close int exe_fd = -1;

  if (configured_mode (config_path, &planned_mode, err) < 0)
    return -1;
  if (sealed_exe_can_adopt ())
    {
      if (sealed_exe_plan (err) < 0)
        return cl_wrap (err, "cannot protect the runtime binary from the container");
      return 0;
    }
  exe_fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe_fd < 0)
    return cl_fail (err, errno, "cannot protect the runtime binary from the container: open /proc/self/exe");
  /* A sealed copy serves every mode. */
  if (sealed_exe_is_safe (exe_fd, EXE_PROTECTION_COPY))
    return 0;
  return reexec_protected (exe_fd, argv, planned_mode, err);
}

int
sealed_exe_make_image (cl_error **err)
{
  int image = make_image ();

  if (image < 0)
    return cl_fail (err, errno, "cannot protect the runtime binary from the container: make its private image");
  trace_phase ("binary image made");
  return image;
}
