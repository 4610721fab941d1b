/* Unit tests: the binary protection's pure parts (include/container/
 * sealed_exe.h): which pieces of a loaded program a child's switch maps
 * again from the image and which it moves to anonymous memory (the
 * relocated read-only part split out of the data segment, page rounding,
 * refusals), and how much of an ELF file the copy takes. */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "container/sealed_exe.h"
#include "unit.h"

#define PAGE 0x1000
#define BIAS 0x7f0000000000UL

static ElfW (Phdr)
load (ElfW (Off) off, ElfW (Addr) vaddr, ElfW (Xword) filesz, ElfW (Xword) memsz, ElfW (Word) flags)
{
  return (ElfW (Phdr)){ .p_type = PT_LOAD, .p_offset = off, .p_vaddr = vaddr, .p_filesz = filesz, .p_memsz = memsz,
                        .p_flags = flags, .p_align = PAGE };
}

/* The layout of today's static-pie build (readelf -l): headers, text,
 * rodata, then data whose first 0x7218 bytes are RELRO. */
static void
test_static_pie_layout (void)
{
  ElfW (Phdr) ph[] = {
    load (0, 0, 0xc940, 0xc940, PF_R),
    load (0xd000, 0xd000, 0xefa21, 0xefa21, PF_R | PF_X),
    load (0xfd000, 0xfd000, 0x5513b, 0x5513b, PF_R),
    load (0x152de8, 0x153de8, 0x99c8, 0x1bc20, PF_R | PF_W),
    { .p_type = PT_GNU_RELRO, .p_offset = 0x152de8, .p_vaddr = 0x153de8, .p_filesz = 0x7218, .p_memsz = 0x7218 },
    { .p_type = PT_GNU_STACK, .p_flags = PF_R | PF_W },
  };
  struct image_piece pc[IMAGE_PIECES_MAX];
  cl_error *err = NULL;
  int n = sealed_exe_pieces (BIAS, ph, sizeof ph / sizeof ph[0], PAGE, pc, IMAGE_PIECES_MAX, &err);

  CHECK (n == 5, "static-pie: 3 read-only segments from the image, the data segment in 2 moved pieces (got %d)", n);
  if (n != 5)
    return;
  CHECK (pc[0].from_image && pc[0].start == BIAS && pc[0].end == BIAS + 0xd000 && pc[0].offset == 0
             && pc[0].prot == PROT_READ,
         "the headers' segment: mapped from the image at 0, read-only, rounded up to a page");
  CHECK (pc[1].from_image && pc[1].start == BIAS + 0xd000 && pc[1].end == BIAS + 0xfd000 && pc[1].offset == 0xd000
             && pc[1].prot == (PROT_READ | PROT_EXEC),
         "text: mapped from the image, read and execute");
  CHECK (pc[2].from_image && pc[2].offset == 0xfd000 && pc[2].end == BIAS + 0x153000,
         "rodata: mapped from the image, its last partial page included");
  CHECK (!pc[3].from_image && pc[3].start == BIAS + 0x153000 && pc[3].end == BIAS + 0x15b000 && pc[3].prot == PROT_READ,
         "the relocated part (RELRO, end rounded down): moved with its bytes, read-only as the loader left it");
  CHECK (!pc[4].from_image && pc[4].start == BIAS + 0x15b000 && pc[4].end == BIAS + 0x15e000
             && pc[4].prot == (PROT_READ | PROT_WRITE),
         "data: moved with its bytes, up to the end of the file's part (.bss is anonymous already)");
}

/* A read-only segment that RELRO overlaps (a linker that puts .data.rel.ro
 * in a read-only segment) is moved, never mapped again from the file. */
static void
test_relro_in_readonly_segment (void)
{
  ElfW (Phdr) ph[] = {
    load (0, 0, 0x3000, 0x3000, PF_R | PF_X),
    load (0x3000, 0x3000, 0x2000, 0x2000, PF_R),
    { .p_type = PT_GNU_RELRO, .p_vaddr = 0x3000, .p_memsz = 0x1000 },
  };
  struct image_piece pc[IMAGE_PIECES_MAX];
  cl_error *err = NULL;
  int n = sealed_exe_pieces (BIAS, ph, 3, PAGE, pc, IMAGE_PIECES_MAX, &err);

  CHECK (n == 3 && pc[0].from_image && !pc[1].from_image && pc[1].end == BIAS + 0x4000 && !pc[2].from_image
             && pc[2].start == BIAS + 0x4000,
         "RELRO in a read-only segment: that segment is moved (relocated part, then the rest)");
}

static void
test_refusals (void)
{
  ElfW (Phdr) unaligned[] = { load (0x100, 0x2200, 0x1000, 0x1000, PF_R) };
  ElfW (Phdr) none[] = { { .p_type = PT_GNU_STACK } };
  ElfW (Phdr) many[IMAGE_PIECES_MAX + 1];
  struct image_piece pc[IMAGE_PIECES_MAX];
  cl_error *err = NULL;

  CHECK (sealed_exe_pieces (BIAS, unaligned, 1, PAGE, pc, IMAGE_PIECES_MAX, &err) < 0 && err
             && strstr (err->msg, "not page-aligned"),
         "a segment whose address and offset disagree within a page is refused");
  cl_error_freep (&err);
  CHECK (sealed_exe_pieces (BIAS, none, 1, PAGE, pc, IMAGE_PIECES_MAX, &err) < 0 && err
             && strstr (err->msg, "no loadable segment"),
         "a program with nothing loaded is refused");
  cl_error_freep (&err);
  for (size_t i = 0; i < IMAGE_PIECES_MAX + 1; i++)
    many[i] = load (i * PAGE, i * PAGE, PAGE, PAGE, PF_R);
  CHECK (sealed_exe_pieces (BIAS, many, IMAGE_PIECES_MAX + 1, PAGE, pc, IMAGE_PIECES_MAX, &err) < 0 && err
             && strstr (err->msg, "more than"),
         "more pieces than the plan holds are refused, not cut short");
  cl_error_freep (&err);
}

/* The part of an ELF file the copy keeps: the end of its last
 * segment, within the file; garbage and truncated headers give 0. */
static void
test_sealed_exe_image (void)
{
  unsigned char head[4096] = { 0 };
  struct stat st;
  int fd = open ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? pread (fd, head, sizeof head, 0) : -1;
  size_t size;

  CHECK (fd >= 0 && n > 64 && fstat (fd, &st) == 0, "read our own ELF header");
  size = sealed_exe_image_size (head, (size_t) n, (size_t) st.st_size);
  CHECK (size > 0 && size <= (size_t) st.st_size, "the loadable part lies within the file");
  CHECK (sealed_exe_image_size (head, 32, (size_t) st.st_size) == 0, "a truncated header is refused");
  CHECK (sealed_exe_image_size (head, (size_t) n, size - 1) == 0, "segments past the end of the file are refused");
  head[0] = 0;
  CHECK (sealed_exe_image_size (head, (size_t) n, (size_t) st.st_size) == 0, "not ELF: 0");
  CHECK (!sealed_exe_is_safe (fd, EXE_PROTECTION_COPY), "a binary on a writable filesystem is not safe as it is");
  close (fd);
}

int
main (void)
{
  test_static_pie_layout ();
  test_relro_in_readonly_segment ();
  test_refusals ();
  test_sealed_exe_image ();
  return unit_done ();
}
