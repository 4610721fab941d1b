/* crun-lite: sd_notify through the container.  When the runtime is called
 * with NOTIFY_SOCKET (podman's sdnotify=container), the container gets a
 * socket of its own at /run/notify/notify.sock (a directory of the state
 * dir, bind-mounted); `start` listens there and, once the container says
 * READY=1, sends the caller's NOTIFY_SOCKET "READY=1" and the init's host
 * pid, nothing else (as runc does): what else the container says is read
 * at a bounded rate and dropped. */
#ifndef CRL_NOTIFY_H
#define CRL_NOTIFY_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

#define NOTIFY_DIR_IN_CONTAINER "/run/notify"
#define NOTIFY_SOCKET_IN_CONTAINER "/run/notify/notify.sock"

/* At create: make <state>/notify, remember the host socket, and point the
 * config at the container side (a bind mount and NOTIFY_SOCKET). */
int notify_prepare (int state_dirfd, const char *state_dir, struct oci_config *cfg, cl_error **err);
/* At start, before the process runs: bind the container-side socket into
 * *sock; -1 there when the container has no notify socket. */
int notify_listen (int state_dirfd, const char *state_dir, int *sock, cl_error **err);
/* Wait until READY=1 is seen (then tell the caller) or the init `pid` exits. */
int notify_relay (int state_dirfd, int sock, pid_t pid, cl_error **err);

#endif
