/* enosys SET[,SET...] COMMAND [ARG...]: run COMMAND with the system calls of
 * each SET failing with ENOSYS, as on a kernel that predates them, so that
 * the runtime's fallbacks run (the e2e suite's CRL_ENOSYS mode).  The filter
 * is inherited by everything COMMAND starts, containers included.  Sets:
 *   openat2        openat2                                   (Linux 5.6)
 *   clone3         clone3                                    (5.3)
 *   mount-api      fsopen fsconfig fsmount fspick move_mount open_tree (5.2)
 *   mount_setattr  mount_setattr                             (5.12)
 *   pidfd          pidfd_open pidfd_send_signal pidfd_getfd  (5.3 / 5.1 / 5.6)
 *   close_range    close_range                               (5.9)
 *   set-mm         prctl(PR_SET_MM) fails with EINVAL, as on a kernel
 *                  without CONFIG_CHECKPOINT_RESTORE
 *   all            every one above
 * Installed without no_new_privs (root may), so setuid behaviour inside the
 * containers stays as it is. */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NATIVE_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define NATIVE_ARCH AUDIT_ARCH_AARCH64
#else
#error "enosys: add this architecture's AUDIT_ARCH"
#endif

static const struct
{
  const char *set;
  long nr;
} calls[] = {
  { "openat2", SYS_openat2 },
  { "clone3", SYS_clone3 },
  { "mount-api", SYS_fsopen }, { "mount-api", SYS_fsconfig }, { "mount-api", SYS_fsmount },
  { "mount-api", SYS_fspick }, { "mount-api", SYS_move_mount }, { "mount-api", SYS_open_tree },
  { "mount_setattr", SYS_mount_setattr },
  { "pidfd", SYS_pidfd_open }, { "pidfd", SYS_pidfd_send_signal }, { "pidfd", SYS_pidfd_getfd },
  { "close_range", SYS_close_range },
};
#define N_CALLS (sizeof calls / sizeof calls[0])

static int
wanted (const char *sets, const char *set)
{
  size_t n = strlen (set);
  for (const char *p = sets; *p;)
    {
      size_t len = strcspn (p, ",");
      if ((len == 3 && strncmp (p, "all", 3) == 0) || (len == n && strncmp (p, set, n) == 0))
        return 1;
      p += len + (p[len] == ',');
    }
  return 0;
}

int
main (int argc, char **argv)
{
  struct sock_filter prog[4 + 2 * N_CALLS + 4 + 1];
  size_t n = 0, matched = 0;

  if (argc < 3)
    {
      fprintf (stderr, "usage: enosys SET[,SET...] COMMAND [ARG...]\n");
      return 2;
    }
  for (size_t i = 0; i < N_CALLS; i++)
    matched += wanted (argv[1], calls[i].set);
  matched += wanted (argv[1], "set-mm");
  if (matched == 0)
    {
      fprintf (stderr, "enosys: no known set in `%s`\n", argv[1]);
      return 2;
    }
  /* Another architecture's calls (x32, i386) are left alone. */
  prog[n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, arch));
  prog[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, NATIVE_ARCH, 1, 0);
  prog[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  prog[n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, nr));
  for (size_t i = 0; i < N_CALLS; i++)
    if (wanted (argv[1], calls[i].set))
      {
        prog[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, (unsigned) calls[i].nr, 0, 1);
        prog[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
      }
  /* Last: it loads an argument over the call's number. */
  if (wanted (argv[1], "set-mm"))
    {
      prog[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, SYS_prctl, 0, 3);
      prog[n++] = (struct sock_filter) BPF_STMT (BPF_LD | BPF_W | BPF_ABS, offsetof (struct seccomp_data, args[0]));
      prog[n++] = (struct sock_filter) BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, PR_SET_MM, 0, 1);
      prog[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL);
    }
  prog[n++] = (struct sock_filter) BPF_STMT (BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  struct sock_fprog fprog = { .len = (unsigned short) n, .filter = prog };
  if (syscall (SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0)
    {
      perror ("enosys: seccomp");
      return 1;
    }
  execvp (argv[2], argv + 2);
  perror ("enosys: exec");
  return 127;
}
