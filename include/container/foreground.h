/* crun-lite: staying in the foreground with a container process: signals
 * sent to the runtime go to the process, and its exit status comes back. */
#ifndef CRL_FOREGROUND_H
#define CRL_FOREGROUND_H

#include <signal.h>
#include <sys/types.h>
#include "base/error.h"

/* Block every signal the runtime will forward (and SIGCHLD), before the
 * child exists, so none is lost; the child unblocks them for itself. */
void foreground_block_signals (sigset_t *old);
/* Wait for `pid`, forwarding signals; *exit_code is the process's status,
 * or 128+N when killed by signal N.  Other children are reaped on the way. */
int foreground_wait (pid_t pid, int *exit_code, cl_error **err);

#endif
