/* crun-lite: SCMP_ACT_NOTIFY's other half.  The process that installed the
 * filter got a notification fd; the runtime hands it to the listener at
 * linux.seccomp.listenerPath, over a unix stream socket, with the container
 * process state the runtime spec describes (ociVersion, fds ["seccompFd"],
 * pid, metadata = listenerMetadata, state) and the fd as SCM_RIGHTS. */
#ifndef CRL_SECCOMP_NOTIFY_H
#define CRL_SECCOMP_NOTIFY_H

#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

/* `pid` is the process under the filter; init_pid and status describe the
 * container it belongs to. */
int seccomp_listener_send (const struct oci_config *cfg, const char *id, const char *bundle, pid_t init_pid,
                           const char *status, pid_t pid, int listener_fd, cl_error **err);

#endif
