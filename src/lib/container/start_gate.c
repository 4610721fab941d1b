/* crun-lite: the create/start gate (see include/container/start_gate.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "container/start_gate.h"
#include "base/utils.h"

/* The gate's address, named through the state directory's fd: no path
 * length limit, and nothing on the way to it can be swapped. */
static socklen_t
gate_address (int dirfd, struct sockaddr_un *addr)
{
  *addr = (struct sockaddr_un){ .sun_family = AF_UNIX };
  snprintf (addr->sun_path, sizeof addr->sun_path, "/proc/self/fd/%d/" STATE_START_GATE, dirfd);
  return (socklen_t) sizeof *addr;
}

int
start_gate_open (int dirfd, int *listen_fd, cl_error **err)
{
  struct sockaddr_un addr;
  socklen_t len = gate_address (dirfd, &addr);
  cleanup_close int s = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (s < 0)
    return cl_fail (err, errno, "start gate: socket");
  if (bind (s, (struct sockaddr *) &addr, len) < 0 || listen (s, 1) < 0)
    return cl_fail (err, errno, "start gate: bind " STATE_START_GATE);
  *listen_fd = steal_fd (&s);
  return 0;
}

int
start_gate_wait (int listen_fd, int *conn, cl_error **err)
{
  cleanup_close int l = listen_fd;
  char c;
  for (;;)
    {
      cleanup_close int fd = accept4 (l, NULL, NULL, SOCK_CLOEXEC);
      ssize_t r;
      if (fd < 0)
        {
          if (errno == EINTR || errno == ECONNABORTED)
            continue;
          return cl_fail (err, errno, "wait for start");
        }
      do
        r = recv (fd, &c, 1, 0);
      while (r < 0 && errno == EINTR);
      /* A connection that says nothing is not `start`: wait on. */
      if (r == 1)
        {
          *conn = steal_fd (&fd);
          return 0;
        }
    }
}

bool
start_gate_report (int conn, const cl_error *err)
{
  const char *msg = err && err->msg ? err->msg : "the container's process could not be started";
  return conn >= 0 && send (conn, msg, strlen (msg), MSG_NOSIGNAL) >= 0;
}

int
start_gate_release (int dirfd, const char *id, cl_error **err)
{
  struct sockaddr_un addr;
  socklen_t len = gate_address (dirfd, &addr);
  cleanup_close int s = socket (AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  char msg[4096], go = 0;
  ssize_t r;

  if (s < 0)
    return cl_fail (err, errno, "start container `%s`: socket", id);
  if (connect (s, (struct sockaddr *) &addr, len) < 0)
    return cl_fail (err, errno == ECONNREFUSED || errno == ENOENT ? 0 : errno,
                    "cannot start container `%s`: its init is gone", id);
  if (send (s, &go, 1, MSG_NOSIGNAL) != 1)
    return cl_fail (err, errno, "start container `%s`: open its gate", id);
  /* The container is started: it is "running" from now on, whatever its
   * exec does. */
  if (unlinkat (dirfd, STATE_START_GATE, 0) < 0 && errno != ENOENT)
    return cl_fail (err, errno, "start container `%s`: remove " STATE_START_GATE, id);
  do
    r = recv (s, msg, sizeof msg - 1, 0);
  while (r < 0 && errno == EINTR);
  if (r > 0)
    {
      msg[r] = '\0';
      return cl_fail (err, 0, "start container `%s`: %s", id, msg);
    }
  return 0;
}
