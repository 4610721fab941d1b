/* crun-lite: a process the container can reach takes a private image of
 * the runtime binary without an exec (see include/container/sealed_exe.h).
 *
 * The runtime itself keeps running the host's binary.  A child that will
 * be reachable (the init, the exec helper) replaces, in its own address
 * space only, every mapping of that binary by the same bytes of the
 * private image (text and read-only data: mapped from the image;
 * relocated or written data: moved to anonymous memory), then names the
 * image its executable (prctl PR_SET_MM_MAP, the call CRIU restores
 * with).  From then on /proc/PID/exe, /proc/PID/map_files and a
 * `#!/proc/self/exe` interpreter all lead to the image, which no other
 * process runs: not the host file, and not the runtime that waits
 * outside the container. */
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/prctl.h>
#include "container/sealed_exe.h"
#include "base/utils.h"

/* Made by the runtime before it forks; every child inherits it. */
static struct
{
  bool wanted; /* the children switch (sealed_exe_prepare planned it) */
  struct prctl_mm_map mm;
  int n;
  struct image_piece piece[IMAGE_PIECES_MAX];
} plan;

bool
sealed_exe_can_adopt (void)
{
  unsigned int size = 0;
  /* PR_SET_MM_MAP needs CONFIG_CHECKPOINT_RESTORE (every distribution
   * kernel has it); the size query costs nothing and needs no privilege. */
  return prctl (PR_SET_MM, PR_SET_MM_MAP_SIZE, &size, 0, 0) == 0 && size == sizeof (struct prctl_mm_map);
}

bool
sealed_exe_wanted (void)
{
  return plan.wanted;
}

struct piece_list
{
  struct image_piece *out;
  size_t n, max;
};

static int
add_piece (struct piece_list *l, struct image_piece pc, cl_error **err)
{
  if (pc.start >= pc.end)
    return 0;
  if (l->n == l->max)
    return cl_fail_as (err, E2BIG, "the runtime binary has more than %zu loadable pieces", l->max);
  l->out[l->n++] = pc;
  return 0;
}

static int
prot_of (ElfW (Word) flags)
{
  return ((flags & PF_R) ? PROT_READ : 0) | ((flags & PF_W) ? PROT_WRITE : 0) | ((flags & PF_X) ? PROT_EXEC : 0);
}

/* One loadable segment: the part the kernel (or ld.so) mapped from the
 * file, page-aligned.  What lies beyond it (.bss) is anonymous already.  A
 * segment that may have been written (writable, or relocated before it was
 * made read-only) keeps its current bytes; the relocated part stays
 * read-only, as the loader left it (its end rounded down, as the loader
 * rounds it). */
static int
segment_pieces (struct piece_list *l, uintptr_t bias, const ElfW (Phdr) * ph, uintptr_t page, uintptr_t rs,
                uintptr_t re, cl_error **err)
{
  uintptr_t start = (bias + ph->p_vaddr) & ~(page - 1);
  uintptr_t end = (bias + ph->p_vaddr + ph->p_filesz + page - 1) & ~(page - 1);
  int prot = prot_of (ph->p_flags);

  if (((bias + ph->p_vaddr) & (page - 1)) != (ph->p_offset & (page - 1)))
    return cl_fail_as (err, EINVAL, "the runtime binary's segments are not page-aligned");
  if (!(ph->p_flags & PF_W) && (end <= rs || start >= re))
    return add_piece (l, (struct image_piece){ start, end, (off_t) (ph->p_offset & ~(page - 1)), prot, true }, err);
  if (re > start && rs < end)
    {
      uintptr_t a = rs > start ? rs : start, b = re < end ? re : end;
      if (add_piece (l, (struct image_piece){ start, a, 0, prot, false }, err) < 0
          || add_piece (l, (struct image_piece){ a, b, 0, PROT_READ, false }, err) < 0)
        return -1;
      start = b;
    }
  return add_piece (l, (struct image_piece){ start, end, 0, prot, false }, err);
}

int
sealed_exe_pieces (uintptr_t bias, const ElfW (Phdr) * ph, size_t n, uintptr_t page, struct image_piece *out,
                   size_t max, cl_error **err)
{
  struct piece_list l = { .out = out, .max = max };
  uintptr_t rs = 0, re = 0;

  for (size_t i = 0; i < n; i++)
    if (ph[i].p_type == PT_GNU_RELRO)
      {
        rs = (bias + ph[i].p_vaddr) & ~(page - 1);
        re = (bias + ph[i].p_vaddr + ph[i].p_memsz) & ~(page - 1);
      }
  for (size_t i = 0; i < n; i++)
    if (ph[i].p_type == PT_LOAD && ph[i].p_filesz > 0 && segment_pieces (&l, bias, &ph[i], page, rs, re, err) < 0)
      return -1;
  if (l.n == 0)
    return cl_fail_as (err, ENOEXEC, "the runtime binary has no loadable segment to replace");
  return (int) l.n;
}

struct plan_walk
{
  cl_error **err;
  int n;
};

/* The main program is the first object dl_iterate_phdr reports. */
static int
plan_main_program (struct dl_phdr_info *info, size_t size, void *arg)
{
  struct plan_walk *w = arg;
  (void) size;
  w->n = sealed_exe_pieces (info->dlpi_addr, info->dlpi_phdr, info->dlpi_phnum, (uintptr_t) sysconf (_SC_PAGESIZE),
                            plan.piece, IMAGE_PIECES_MAX, w->err);
  return 1;
}

/* The fields PR_SET_MM_MAP sets all at once, as they are (proc(5): stat
 * fields 26-28 and 45-51); brk is read again when it is applied. */
static int
read_mm_layout (cl_error **err)
{
  cleanup_free char *stat = NULL;
  unsigned long long field[52] = { 0 };
  char *p, *end;
  int n = 3;

  if (read_file_at (AT_FDCWD, "/proc/self/stat", 4096, &stat, NULL, err) < 0)
    return -1;
  p = strrchr (stat, ')');
  for (p = p ? p + 2 : NULL; p && *p && n < 52; n++)
    {
      field[n] = strtoull (p, &end, 10);
      if (*end != ' ' && *end != '\n' && *end != '\0')
        field[n] = 0; /* the state letter (field 3) */
      p = strchr (p, ' ');
      p = p ? p + 1 : NULL;
    }
  if (n < 52)
    return cl_fail_as (err, EINVAL, "/proc/self/stat: too few fields for the memory layout");
  plan.mm = (struct prctl_mm_map){ .start_code = field[26], .end_code = field[27], .start_stack = field[28],
                                   .start_data = field[45], .end_data = field[46], .start_brk = field[47],
                                   .arg_start = field[48], .arg_end = field[49], .env_start = field[50],
                                   .env_end = field[51], .exe_fd = (uint32_t) -1 };
  return 0;
}

int
sealed_exe_plan (cl_error **err)
{
  struct plan_walk walk = { .err = err, .n = -1 };

  if (read_mm_layout (err) < 0)
    return -1;
  dl_iterate_phdr (plan_main_program, &walk);
  if (walk.n < 0)
    return -1;
  plan.n = walk.n;
  plan.wanted = true;
  return 0;
}

/* The data segment's bytes, word by word: it spans many variables, and a
 * sanitizer build would take a memcpy across them (and their redzones) for
 * an overflow.  Volatile keeps the compiler from making it a memcpy. */
__attribute__ ((no_sanitize_address)) static void
copy_words (void *to, const void *from, size_t len)
{
  volatile unsigned long *d = to;
  const volatile unsigned long *s = from;
  for (size_t i = 0; i < len / sizeof *d; i++)
    d[i] = s[i];
}

/* Same bytes, same place: code keeps running across the switch. */
static int
replace_piece (const struct image_piece *pc, int image)
{
  size_t len = pc->end - pc->start;
  void *copy;

  if (pc->from_image)
    return mmap ((void *) pc->start, len, pc->prot, MAP_PRIVATE | MAP_FIXED, image, pc->offset) == MAP_FAILED ? -1 : 0;
  copy = mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (copy == MAP_FAILED)
    return -1;
  copy_words (copy, (void *) pc->start, len);
  if (mprotect (copy, len, pc->prot) < 0
      || mremap (copy, len, len, MREMAP_MAYMOVE | MREMAP_FIXED, (void *) pc->start) == MAP_FAILED)
    {
      munmap (copy, len);
      return -1;
    }
  return 0;
}

/* A failed MAP_FIXED may leave the old pages gone: the image is checked
 * to map (executable, readable) before anything is replaced. */
static bool
image_maps (int image)
{
  void *p = mmap (NULL, 1, PROT_READ | PROT_EXEC, MAP_PRIVATE, image, 0);
  if (p == MAP_FAILED)
    return false;
  munmap (p, 1);
  return true;
}

int
sealed_exe_adopt (int image_fd, cl_error **err)
{
  cleanup_close int image = image_fd;
  sigset_t all, old;
  int rc = 0, saved = 0;

  if (!image_maps (image))
    return cl_fail (err, errno, "cannot protect the runtime binary from the container: map its private image");
  /* Nothing may write our data between its copy and the move. */
  sigfillset (&all);
  sigprocmask (SIG_SETMASK, &all, &old);
  for (int i = 0; i < plan.n && rc == 0; i++)
    rc = replace_piece (&plan.piece[i], image);
  if (rc == 0)
    {
      plan.mm.brk = (uint64_t) syscall (SYS_brk, 0);
      plan.mm.exe_fd = (uint32_t) image;
      rc = prctl (PR_SET_MM, PR_SET_MM_MAP, &plan.mm, sizeof plan.mm, 0);
    }
  saved = errno;
  sigprocmask (SIG_SETMASK, &old, NULL);
  if (rc < 0)
    return cl_fail (err, saved, "cannot protect the runtime binary from the container: switch to its private image");
  return 0;
}
