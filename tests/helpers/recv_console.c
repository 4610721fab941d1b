/* Test helper: what an engine does with --console-socket.  Listens on a unix
 * socket, receives the pty master over SCM_RIGHTS, writes `input` (argv[2],
 * optional) to it, and copies what the container writes to stdout until the
 * terminal closes. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char control[CMSG_SPACE (sizeof (int))], tag[64], buf[4096];
  struct iovec iov = { .iov_base = tag, .iov_len = sizeof tag };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *c;
  int srv, conn, master;
  ssize_t r;

  if (argc < 2 || strlen (argv[1]) >= sizeof addr.sun_path)
    {
      fprintf (stderr, "usage: %s SOCKET [INPUT]\n", argv[0]);
      return 2;
    }
  strcpy (addr.sun_path, argv[1]);
  unlink (argv[1]);
  srv = socket (AF_UNIX, SOCK_STREAM, 0);
  if (srv < 0 || bind (srv, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (srv, 1) < 0)
    {
      perror ("recv_console: listen");
      return 1;
    }
  conn = accept (srv, NULL, NULL);
  if (conn < 0 || recvmsg (conn, &msg, 0) < 0 || (c = CMSG_FIRSTHDR (&msg)) == NULL || c->cmsg_type != SCM_RIGHTS)
    {
      perror ("recv_console: receive");
      return 1;
    }
  memcpy (&master, CMSG_DATA (c), sizeof master);
  printf ("received-fd tag=%.*s\n", (int) msg.msg_iov[0].iov_len > 0 ? 9 : 0, tag);
  fflush (stdout);
  if (argc > 2 && write (master, argv[2], strlen (argv[2])) < 0)
    perror ("recv_console: write");
  while ((r = read (master, buf, sizeof buf)) > 0)
    if (write (1, buf, (size_t) r) < 0)
      break;
  return 0;
}
