/* crun-lite: linux.resources.devices on cgroup v2, where the device
 * controller is an eBPF program (BPF_PROG_TYPE_CGROUP_DEVICE) attached to
 * the cgroup.  The program is generated here, at run time, from the rules:
 * no compiler is involved.
 *
 * The kernel calls it with struct bpf_cgroup_dev_ctx { access_type (access
 * << 16 | type), major, minor }.  Rules are tried from the last to the first
 * (a later rule overrides an earlier one, as on v1) and the first match
 * decides; no match means deny.  An allow rule matches when the requested
 * access is a subset of the rule's; a deny rule when they overlap. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/bpf.h>
#include "cgroup/cgroup_devices_bpf.h"
#include "base/utils.h"

#define MAX_INSNS 4096

struct program
{
  struct bpf_insn insn[MAX_INSNS];
  size_t n;
};

static void
emit (struct program *p, uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
  if (p->n < MAX_INSNS)
    p->insn[p->n++] = (struct bpf_insn){ .code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm };
}

static uint32_t
access_bits (const char *access)
{
  uint32_t bits = 0;
  if (access == NULL || *access == '\0')
    return BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  for (const char *c = access; *c; c++)
    bits |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : *c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
  return bits;
}

/* One rule; jumps to "next rule" are fixed once the block's length is known.
 * Returns true when the rule matches everything: what would follow it is
 * unreachable, which the verifier refuses. */
static bool
emit_rule (struct program *p, const struct oci_device_rule *r)
{
  const uint32_t all = BPF_DEVCG_ACC_MKNOD | BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE;
  uint32_t acc = access_bits (r->access);
  size_t start = p->n, jumps[4], nj = 0;

  if (r->type != 'a')
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_2, 0, 0, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    }
  if (acc != all)
    {
      emit (p, BPF_ALU | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_3, 0, 0);
      emit (p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_1, 0, 0, (int32_t) (r->allow ? (~acc & all) : acc));
      jumps[nj++] = p->n;
      /* allow: any access outside the rule's -> next; deny: no overlap -> next */
      emit (p, BPF_JMP | (r->allow ? BPF_JNE : BPF_JEQ) | BPF_K, BPF_REG_1, 0, 0, 0);
    }
  if (r->major >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_4, 0, 0, (int32_t) r->major);
    }
  if (r->minor >= 0)
    {
      jumps[nj++] = p->n;
      emit (p, BPF_JMP | BPF_JNE | BPF_K, BPF_REG_5, 0, 0, (int32_t) r->minor);
    }
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, r->allow ? 1 : 0);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
  for (size_t i = 0; i < nj; i++)
    p->insn[jumps[i]].off = (int16_t) (p->n - jumps[i] - 1);
  (void) start;
  return nj == 0;
}

static void
build_program (struct program *p, const struct oci_device_rule *rules, size_t n)
{
  p->n = 0;
  /* r2 = type, r3 = access, r4 = major, r5 = minor (r1 = ctx, then scratch) */
  emit (p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_2, BPF_REG_1, 0, 0);
  emit (p, BPF_ALU | BPF_AND | BPF_K, BPF_REG_2, 0, 0, 0xFFFF);
  emit (p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_3, BPF_REG_1, 0, 0);
  emit (p, BPF_ALU | BPF_RSH | BPF_K, BPF_REG_3, 0, 0, 16);
  emit (p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_4, BPF_REG_1, 4, 0);
  emit (p, BPF_LDX | BPF_W | BPF_MEM, BPF_REG_5, BPF_REG_1, 8, 0);
  for (size_t i = n; i > 0; i--)
    if (emit_rule (p, &rules[i - 1]))
      return;
  emit (p, BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
  emit (p, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
}

int
cgroup_v2_apply_devices (const char *dir, const struct oci_device_rule *rules, size_t n, cl_error **err)
{
  static struct program prog;
  static char log[16384];
  union bpf_attr load, attach;
  cleanup_close int prog_fd = -1, cg_fd = -1;

  if (n * 12 + 16 > MAX_INSNS)
    return cl_fail_as (err, E2BIG, "linux.resources.devices: %zu rules are more than crun-lite's device filter holds", n);
  build_program (&prog, rules, n);
  memset (&load, 0, sizeof load);
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = (uint64_t) (uintptr_t) prog.insn;
  load.insn_cnt = (uint32_t) prog.n;
  load.license = (uint64_t) (uintptr_t) "GPL";
  load.log_buf = (uint64_t) (uintptr_t) log;
  load.log_size = sizeof log;
  load.log_level = 1;
  log[0] = '\0';
  prog_fd = (int) syscall (SYS_bpf, BPF_PROG_LOAD, &load, sizeof load);
  if (prog_fd < 0)
    {
      char *nl = strrchr (log, '\n');
      while (nl && nl > log && nl[1] == '\0')
        {
          *nl = '\0';
          nl = strrchr (log, '\n');
        }
      return cl_fail (err, errno, "linux.resources.devices: load the device filter (BPF)%s%s", *log ? ": " : "",
                      nl ? nl + 1 : log);
    }
  cg_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg_fd < 0)
    return cl_fail (err, errno, "open cgroup `%s`", dir);
  memset (&attach, 0, sizeof attach);
  attach.target_fd = (uint32_t) cg_fd;
  attach.attach_bpf_fd = (uint32_t) prog_fd;
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (syscall (SYS_bpf, BPF_PROG_ATTACH, &attach, sizeof attach) < 0)
    return cl_fail (err, errno, "linux.resources.devices: attach the device filter to `%s`", dir);
  /* The attachment keeps the program; it goes with the cgroup. */
  return 0;
}
