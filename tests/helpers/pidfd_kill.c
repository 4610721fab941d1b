/* Test helper: what an engine does with --pidfd-socket.  Listens on a unix
 * socket, receives one fd over SCM_RIGHTS, prints the tag sent with it and
 * the pid the pidfd refers to (its fdinfo), then signals that process
 * through the pidfd with SIGNAL (a number; 0: none). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static int
pid_of_pidfd (int fd)
{
  char path[64], line[256];
  int pid = -1;
  FILE *f;
  snprintf (path, sizeof path, "/proc/self/fdinfo/%d", fd);
  f = fopen (path, "r");
  while (f && fgets (line, sizeof line, f))
    if (sscanf (line, "Pid: %d", &pid) == 1)
      break;
  if (f)
    fclose (f);
  return pid;
}

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char control[CMSG_SPACE (sizeof (int))] = { 0 }, tag[64] = { 0 };
  struct iovec iov = { .iov_base = tag, .iov_len = sizeof tag - 1 };
  struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *c;
  int srv, conn, fd, sig;

  if (argc != 3 || strlen (argv[1]) >= sizeof addr.sun_path)
    {
      fprintf (stderr, "usage: %s SOCKET SIGNAL\n", argv[0]);
      return 2;
    }
  sig = atoi (argv[2]);
  strcpy (addr.sun_path, argv[1]);
  srv = socket (AF_UNIX, SOCK_STREAM, 0);
  if (srv < 0 || bind (srv, (struct sockaddr *) &addr, sizeof addr) < 0 || listen (srv, 1) < 0)
    {
      perror ("pidfd_kill: listen");
      return 1;
    }
  conn = accept (srv, NULL, NULL);
  if (conn < 0 || recvmsg (conn, &msg, 0) < 0)
    {
      perror ("pidfd_kill: receive");
      return 1;
    }
  c = CMSG_FIRSTHDR (&msg);
  if (c == NULL || c->cmsg_type != SCM_RIGHTS)
    {
      fprintf (stderr, "pidfd_kill: no fd received\n");
      return 1;
    }
  memcpy (&fd, CMSG_DATA (c), sizeof fd);
  printf ("%s %d\n", tag, pid_of_pidfd (fd));
  fflush (stdout);
  if (sig && syscall (SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
    {
      perror ("pidfd_kill: pidfd_send_signal");
      return 1;
    }
  return 0;
}
