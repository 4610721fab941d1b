/* crun-lite: linux.seccomp, compiled by libseccomp in the runtime (before
 * the container's init exists, so a bad profile fails `create` early and
 * cleanly) into a classic BPF program the init installs with seccomp(2) as
 * its very last step before exec. */
#ifndef CRL_SECCOMP_FILTER_H
#define CRL_SECCOMP_FILTER_H

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include "base/error.h"
#include "config/oci_config.h"

struct seccomp_program
{
  void *filter;          /* struct sock_filter[] */
  size_t n_filter;       /* number of instructions */
  unsigned int flags;    /* SECCOMP_FILTER_FLAG_* for seccomp(2) */
  size_t skipped;        /* syscall names unknown here, left out as runc does */
  bool listener;         /* has SCMP_ACT_NOTIFY: installing it yields a notification fd */
};

int seccomp_compile (const struct oci_seccomp *s, struct seccomp_program *out, cl_error **err);
/* In the init: install the program (needs no_new_privs or CAP_SYS_ADMIN).
 * With a listener, *listener_fd gets the notification fd (else -1). */
int seccomp_install (const struct seccomp_program *p, int *listener_fd, cl_error **err);
void seccomp_program_release (struct seccomp_program *p);
#define cleanup_seccomp __attribute__ ((cleanup (seccomp_program_release)))

#endif
