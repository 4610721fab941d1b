/* crun-lite: linux.seccomp (see include/process/seccomp_filter.h). */
#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include "process/seccomp_filter.h"
#include "base/utils.h"

#define S "linux.seccomp."

static const struct { const char *name; uint32_t action; } actions[] = {
  { "SCMP_ACT_KILL", SCMP_ACT_KILL_THREAD },   { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
  { "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS }, { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
  { "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO (0) },     { "SCMP_ACT_TRACE", SCMP_ACT_TRACE (0) },
  { "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW },         { "SCMP_ACT_LOG", SCMP_ACT_LOG },
};

/* An OCI action name to a libseccomp action; ERRNO and TRACE take errnoRet
 * (EPERM when absent, as runc). */
static int
parse_action (const char *name, const struct opt_u64 *errno_ret, const char *field, uint32_t *out, cl_error **err)
{
  for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
    if (strcmp (actions[i].name, name) == 0)
      {
        uint16_t e = errno_ret && errno_ret->set ? (uint16_t) errno_ret->v : EPERM;
        if (strcmp (name, "SCMP_ACT_ERRNO") == 0)
          *out = SCMP_ACT_ERRNO (e);
        else if (strcmp (name, "SCMP_ACT_TRACE") == 0)
          *out = SCMP_ACT_TRACE (e);
        else
          *out = actions[i].action;
        return 0;
      }
  if (strcmp (name, "SCMP_ACT_NOTIFY") == 0)
    {
      *out = SCMP_ACT_NOTIFY;
      return 0;
    }
  return cl_fail_as (err, EINVAL, "%s: unknown action `%s`", field, name);
}

static int
parse_op (const char *op, enum scmp_compare *out)
{
  static const struct { const char *name; enum scmp_compare cmp; } ops[] = {
    { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT }, { "SCMP_CMP_LE", SCMP_CMP_LE },
    { "SCMP_CMP_EQ", SCMP_CMP_EQ }, { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
    { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
  };
  for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++)
    if (strcmp (ops[i].name, op) == 0)
      {
        *out = ops[i].cmp;
        return 0;
      }
  return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64". */
static uint32_t
parse_arch (const char *name)
{
  cleanup_free char *lower = NULL;
  if (strncmp (name, "SCMP_ARCH_", 10) != 0)
    return 0;
  lower = xstrdup (name + 10);
  for (char *p = lower; *p; p++)
    *p = (char) tolower ((unsigned char) *p);
  return seccomp_arch_resolve_name (lower);
}

static int
add_rule (scmp_filter_ctx ctx, const struct oci_seccomp_syscall *sc, size_t idx, uint32_t action, int nr,
          cl_error **err)
{
  struct scmp_arg_cmp cmps[6];
  bool same_index = false;
  int rc;

  if (sc->n_args > 6)
    return cl_fail_as (err, EINVAL, S "syscalls[%zu].args: more than 6 arguments", idx);
  for (size_t i = 0; i < sc->n_args; i++)
    {
      enum scmp_compare op;
      if (parse_op (sc->args[i].op, &op) < 0)
        return cl_fail_as (err, EINVAL, S "syscalls[%zu].args[%zu].op: unknown operator `%s`", idx, i, sc->args[i].op);
      if (sc->args[i].index > 5)
        return cl_fail_as (err, EINVAL, S "syscalls[%zu].args[%zu].index: %u is not an argument index (0-5)", idx, i,
                           sc->args[i].index);
      cmps[i] = (struct scmp_arg_cmp){ .arg = sc->args[i].index, .op = op, .datum_a = sc->args[i].value,
                                       .datum_b = sc->args[i].value_two };
      for (size_t j = 0; j < i; j++)
        same_index |= cmps[j].arg == cmps[i].arg;
    }
  if (!same_index)
    rc = seccomp_rule_add_array (ctx, action, nr, (unsigned int) sc->n_args, cmps);
  else
    {
      /* Two conditions on one argument cannot be one rule: each becomes its
       * own rule (any of them matching applies the action), as runc does. */
      rc = 0;
      for (size_t i = 0; i < sc->n_args && rc == 0; i++)
        rc = seccomp_rule_add_array (ctx, action, nr, 1, &cmps[i]);
    }
  if (rc < 0)
    {
      cleanup_free char *name = seccomp_syscall_resolve_num_arch (SCMP_ARCH_NATIVE, nr);
      return cl_fail (err, -rc, S "syscalls[%zu]: add rule for `%s`", idx, name ? name : "?");
    }
  return 0;
}

static int
flag_bits (const struct oci_seccomp *s, scmp_filter_ctx ctx, unsigned int *flags, cl_error **err)
{
  for (char **f = s->flags; f && *f; f++)
    {
      if (strcmp (*f, "SECCOMP_FILTER_FLAG_LOG") == 0)
        *flags |= SECCOMP_FILTER_FLAG_LOG;
      else if (strcmp (*f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
        *flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
      else if (strcmp (*f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
        *flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
      else
        return cl_fail_as (err, EINVAL, S "flags: unknown flag `%s`", *f);
    }
  (void) ctx;
  return 0;
}

/* Export the compiled filter through a memfd: libseccomp writes it to an fd. */
static int
export_program (scmp_filter_ctx ctx, struct seccomp_program *out, cl_error **err)
{
  cleanup_close int fd = memfd_create ("crun-lite-seccomp", MFD_CLOEXEC);
  cleanup_free char *data = NULL;
  size_t len;
  int rc;
  if (fd < 0)
    return cl_fail (err, errno, "seccomp: memfd_create");
  rc = seccomp_export_bpf (ctx, fd);
  if (rc < 0)
    return cl_fail (err, -rc, "seccomp: compile the filter");
  if (lseek (fd, 0, SEEK_SET) < 0 || read_all_fd (fd, 1 << 24, &data, &len, err) < 0)
    return cl_fail (err, errno, "seccomp: read the compiled filter");
  out->n_filter = len / sizeof (struct sock_filter);
  out->filter = steal_ptr (&data);
  return 0;
}

/* A syscall newer than every syscall the profile names gets ENOSYS, not the
 * default action (runc does the same): the profile cannot have meant it,
 * and programs (glibc probing clone3 or faccessat2) fall back only on
 * ENOSYS.  Native architecture only; x32 calls are left to the filter. */
static void
prepend_enosys_stub (struct seccomp_program *p, uint32_t max_nr)
{
  const struct sock_filter stub[] = {
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, 4),                                /* arch */
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, seccomp_arch_native (), 0, 4),
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, 0),                                /* nr */
    BPF_JUMP (BPF_JMP | BPF_JSET | BPF_K, 0x40000000, 2, 0),               /* x32 */
    BPF_JUMP (BPF_JMP | BPF_JGT | BPF_K, max_nr, 0, 1),
    BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA)),
  };
  size_t n = sizeof stub / sizeof stub[0];
  struct sock_filter *f = xmalloc ((p->n_filter + n) * sizeof *f);
  memcpy (f, stub, sizeof stub);
  memcpy (f + n, p->filter, p->n_filter * sizeof *f);
  free (p->filter);
  p->filter = f;
  p->n_filter += n;
}

int
seccomp_compile (const struct oci_seccomp *s, struct seccomp_program *out, cl_error **err)
{
  uint32_t default_action;
  scmp_filter_ctx ctx;
  int rc = -1, max_nr = -1;

  memset (out, 0, sizeof *out);
  if (parse_action (s->default_action, &s->default_errno_ret, S "defaultAction", &default_action, err) < 0)
    return -1;
  ctx = seccomp_init (default_action);
  if (ctx == NULL)
    return cl_fail (err, EINVAL, "seccomp: init");
  /* Our own limits are in the BPF; libseccomp must not add no_new_privs. */
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_NNP, 0);
  /* A binary tree of syscall numbers, not a list: the same decisions, in
   * ~10 comparisons instead of up to one per rule.  The kernel runs the
   * filter once per syscall number and architecture when it is loaded (to
   * find the always-allowed ones), so a list costs the init ~1 ms for
   * Docker's 350-name profile on three architectures, and every syscall of
   * the container its walk.  libseccomp before 2.5 lacks the attribute. */
#if SCMP_VER_MAJOR > 2 || (SCMP_VER_MAJOR == 2 && SCMP_VER_MINOR >= 5)
  seccomp_attr_set (ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
#endif
  for (char **a = s->architectures; a && *a; a++)
    {
      uint32_t arch = parse_arch (*a);
      int r;
      if (arch == 0)
        {
          cl_fail_as (err, EINVAL, S "architectures: unknown architecture `%s`", *a);
          goto out;
        }
      r = seccomp_arch_add (ctx, arch);
      if (r < 0 && r != -EEXIST)
        {
          cl_fail (err, -r, S "architectures: add `%s`", *a);
          goto out;
        }
    }
  if (flag_bits (s, ctx, &out->flags, err) < 0)
    goto out;
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct oci_seccomp_syscall *sc = &s->syscalls[i];
      cleanup_free char *field = xasprintf (S "syscalls[%zu].action", i);
      uint32_t action;
      if (parse_action (sc->action, &sc->errno_ret, field, &action, err) < 0)
        goto out;
      for (char **name = sc->names; name && *name; name++)
        {
          int nr = seccomp_syscall_resolve_name (*name);
          if (nr != __NR_SCMP_ERROR && nr > max_nr)
            max_nr = nr;
        }
      /* A rule with the default action is a no-op, which libseccomp refuses. */
      if (action == default_action)
        continue;
      if (action == SCMP_ACT_NOTIFY)
        out->listener = true;
      /* The runtime itself still writes after the filter is in place (its
       * reports to the parent): a notified write would wait on the agent. */
      for (char **name = sc->names; action == SCMP_ACT_NOTIFY && name && *name; name++)
        if (strcmp (*name, "write") == 0)
          {
            cl_fail_as (err, EINVAL, S "syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for the write syscall", i);
            goto out;
          }
      for (char **name = sc->names; name && *name; name++)
        {
          int nr = seccomp_syscall_resolve_name (*name);
          if (nr == __NR_SCMP_ERROR)
            {
              out->skipped++; /* unknown to this libseccomp: skipped, as runc */
              continue;
            }
          if (add_rule (ctx, sc, i, action, nr, err) < 0)
            goto out;
        }
    }
  if (default_action == SCMP_ACT_NOTIFY)
    out->listener = true;
  /* The kernel hands the notification fd to whoever installs the filter;
   * the runtime passes it on to the listener (see seccomp_listener_send). */
  if (out->listener && (s->listener_path == NULL || *s->listener_path == '\0'))
    {
      cl_fail_as (err, EINVAL, S "listenerPath: required by the SCMP_ACT_NOTIFY action");
      goto out;
    }
  if (out->listener)
    out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
  else if (out->flags & SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
    {
      cl_fail_as (err, EINVAL, S "flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV needs an SCMP_ACT_NOTIFY rule");
      goto out;
    }
  rc = export_program (ctx, out, err);
  if (rc == 0 && default_action != SCMP_ACT_ALLOW && max_nr >= 0)
    prepend_enosys_stub (out, (uint32_t) max_nr);
out:
  seccomp_release (ctx);
  if (rc < 0)
    seccomp_program_release (out);
  return rc;
}

int
seccomp_install (const struct seccomp_program *p, int *listener_fd, cl_error **err)
{
  struct sock_fprog prog = { .len = (unsigned short) p->n_filter, .filter = p->filter };
  long rc;
  if (listener_fd)
    *listener_fd = -1;
  if (p->filter == NULL)
    return 0;
  rc = syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog);
  if (rc < 0)
    return cl_fail (err, errno, "linux.seccomp: load the filter");
  if (p->listener && listener_fd)
    *listener_fd = (int) rc;
  return 0;
}

void
seccomp_program_release (struct seccomp_program *p)
{
  free (p->filter);
  p->filter = NULL;
  p->n_filter = 0;
}
