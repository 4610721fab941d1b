/* Test helper: a systemd-style NOTIFY_SOCKET.  Binds a datagram socket at
 * argv[1], prints every message received until one has READY=1. */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  char buf[4096];
  int s;
  if (argc < 2 || strlen (argv[1]) >= sizeof addr.sun_path)
    return 2;
  strcpy (addr.sun_path, argv[1]);
  unlink (argv[1]);
  s = socket (AF_UNIX, SOCK_DGRAM, 0);
  if (s < 0 || bind (s, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      perror ("notify_recv: bind");
      return 1;
    }
  for (;;)
    {
      ssize_t r = recv (s, buf, sizeof buf - 1, 0);
      if (r < 0)
        return 1;
      buf[r] = '\0';
      printf ("%s\n", buf);
      fflush (stdout);
      if (strstr (buf, "READY=1"))
        return 0;
    }
}
