/* crun-lite: the gate between `create` and `start`.
 *
 * The created init waits on a listening unix socket bound at
 * <state>/exec.sock; `start` connects, sends one byte, and waits until the
 * connection closes (the init's exec succeeded: the socket is close-on-exec)
 * or carries the init's error (the exec failed).  So `start` returns once
 * the user's process runs, poststart hooks follow it (runtime-spec 1.3),
 * and an exec failure after `start` is `start`'s error, printed once.
 *
 * A socket rather than a FIFO because the init holds the gate while
 * processes exec'd into the created container may run beside it, some
 * with CAP_SYS_PTRACE: a FIFO (or any file) the init holds can be opened
 * again through /proc/1/fd, for writing, and would start the container;
 * a socket cannot be opened through /proc, and one taken with
 * pidfd_getfd can accept, not connect.  The socket's path is in the host's
 * state directory, which no container sees. */
#ifndef CRL_START_GATE_H
#define CRL_START_GATE_H

#include <stdbool.h>
#include "base/error.h"
#include "state/state.h"   /* STATE_START_GATE */

/* create: the listening socket, in the state directory `dirfd`. */
int start_gate_open (int dirfd, int *listen_fd, cl_error **err);
/* The init: wait for `start` (taking listen_fd); the connection, to keep
 * open (close-on-exec) until the exec, in *conn. */
int start_gate_wait (int listen_fd, int *conn, cl_error **err);
/* The init, when the exec failed: tell `start`.  False when no one heard. */
bool start_gate_report (int conn, const cl_error *err);
/* start: open the gate of the container in `dirfd`, remove it, and wait
 * until its process runs; the init's error when its exec failed. */
int start_gate_release (int dirfd, const char *id, cl_error **err);

#endif
