/* crun-lite: the container's terminal.  The init opens a pty in the
 * container's own devpts, makes the peer its controlling terminal and stdio,
 * binds it onto /dev/console from the fd itself, and sends the master to the
 * runtime, which passes it to --console-socket or relays it itself. */
#ifndef CRL_CONSOLE_H
#define CRL_CONSOLE_H

#include <stdbool.h>
#include <sys/types.h>
#include "base/error.h"
#include "config/oci_config.h"

/* In the container's root: returns the master fd.  The init also binds the
 * pty onto /dev/console (`bind_console`); an exec'd process does not. */
/* A terminal the runtime relays to its caller passes "\n" through as
 * written (runc clears ONLCR too: a caller reading lines gets no "\r"). */
void console_clear_onlcr (int fd);
int console_setup_in_container (const struct oci_process *p, bool bind_console, int *master, cl_error **err);
/* fd passing over a unix socket (SCM_RIGHTS); `tag` is the payload sent with it. */
int console_send_fd (int sock, int fd, const char *tag, cl_error **err);
int console_recv_fd (int sock, int *fd, cl_error **err);
/* Connect to the unix socket at `path` and send `fd` (errors name `flag`). */
int send_fd_to_socket (const char *flag, const char *path, int fd, const char *tag, cl_error **err);
/* Hand the master to an engine: connect to the socket at `path` and send it. */
int console_send_to_socket (const char *path, int master, cl_error **err);
/* --pidfd-socket (runc 1.2): a pidfd of `pid` sent to the socket at `path`. */
int pidfd_send_to_socket (const char *path, pid_t pid, cl_error **err);
/* Foreground: relay stdin/stdout to the master (raw mode when stdin is a
 * terminal, window size followed) until `pid` exits; *exit_code as
 * foreground_wait. */
int console_relay (int master, pid_t pid, int *exit_code, cl_error **err);

#endif
