/* Test helper: a seccomp notification listener, as an engine would run one.
 *   seccomp_listener SOCKET_PATH STATE_OUT [CONNECTIONS [ERRNO]]
 * Accepts CONNECTIONS (default 1) connections on SOCKET_PATH; each brings a
 * container process state (appended to STATE_OUT, one line each) and a
 * notification fd.  Every notified call is answered with -ERRNO (default
 * EXDEV, an error only this listener could have given).  Exits once all
 * connections came and every process under the filters is gone (or after
 * 30 s without news); prints how many calls it answered. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_FDS 8

/* One connection: the state text (to `out`) and the fd that came with it. */
static int
take_connection (int conn, FILE *out)
{
  char buf[65536], control[CMSG_SPACE (sizeof (int))];
  struct iovec iov = { .iov_base = buf, .iov_len = sizeof buf - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *cm;
  int fd = -1;
  ssize_t n = recvmsg (conn, &msg, 0);
  size_t len;

  if (n <= 0)
    return -1;
  for (cm = CMSG_FIRSTHDR (&msg); cm; cm = CMSG_NXTHDR (&msg, cm))
    if (cm->cmsg_type == SCM_RIGHTS)
      memcpy (&fd, CMSG_DATA (cm), sizeof fd);
  for (len = (size_t) n; len < sizeof buf - 1 && (n = read (conn, buf + len, sizeof buf - 1 - len)) > 0;)
    len += (size_t) n;
  buf[len] = '\0';
  fprintf (out, "%s\n", buf);
  fflush (out);
  return fd;
}

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  int expected = argc > 3 ? atoi (argv[3]) : 1;
  int answer = argc > 4 ? atoi (argv[4]) : EXDEV;
  int srv, accepted = 0, answered = 0, n_fds = 0;
  struct pollfd p[MAX_FDS + 1];
  FILE *out;

  if (argc < 3 || expected < 1 || expected > MAX_FDS)
    {
      fprintf (stderr, "usage: %s SOCKET_PATH STATE_OUT [CONNECTIONS (1-%d) [ERRNO]]\n", argv[0], MAX_FDS);
      return 2;
    }
  out = fopen (argv[2], "w");
  snprintf (addr.sun_path, sizeof addr.sun_path, "%s", argv[1]);
  srv = socket (AF_UNIX, SOCK_STREAM, 0);
  unlink (argv[1]);
  if (out == NULL || srv < 0 || bind (srv, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (srv, MAX_FDS) < 0)
    {
      perror ("listen");
      return 1;
    }
  p[0] = (struct pollfd){ .fd = srv, .events = POLLIN };
  while (accepted < expected || n_fds > 0)
    {
      int ready = poll (p, (nfds_t) n_fds + 1, 30000);
      if (ready <= 0)
        break;
      if (p[0].revents & POLLIN)
        {
          int conn = accept (srv, NULL, NULL), fd = conn >= 0 ? take_connection (conn, out) : -1;
          if (conn >= 0)
            close (conn);
          accepted++;
          if (fd < 0)
            fprintf (stderr, "a connection without an fd\n");
          else
            p[++n_fds] = (struct pollfd){ .fd = fd, .events = POLLIN };
          if (accepted == expected)
            p[0].fd = -1;   /* no more connections */
        }
      for (int i = 1; i <= n_fds; i++)
        {
          struct seccomp_notif req;
          struct seccomp_notif_resp resp;
          if (p[i].revents & POLLIN)
            {
              memset (&req, 0, sizeof req);
              if (ioctl (p[i].fd, SECCOMP_IOCTL_NOTIF_RECV, &req) == 0)
                {
                  memset (&resp, 0, sizeof resp);
                  resp.id = req.id;
                  resp.error = -answer;
                  if (ioctl (p[i].fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) == 0)
                    answered++;
                }
            }
          else if (p[i].revents & (POLLHUP | POLLERR))
            {
              /* Every process under this filter is gone. */
              close (p[i].fd);
              p[i] = p[n_fds--];
              i--;
            }
        }
    }
  fclose (out);
  printf ("answered %d\n", answered);
  return 0;
}
