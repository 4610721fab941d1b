/* Test helper, linked statically so it runs inside a busybox container:
 * sends argv[1] (e.g. "READY=1") to $NOTIFY_SOCKET, as sd_notify does. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int
main (int argc, char **argv)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  const char *path = getenv ("NOTIFY_SOCKET");
  int s;
  if (argc < 2 || path == NULL || strlen (path) >= sizeof addr.sun_path)
    return 2;
  strcpy (addr.sun_path, path);
  s = socket (AF_UNIX, SOCK_DGRAM, 0);
  if (s < 0 || sendto (s, argv[1], strlen (argv[1]), 0, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      perror ("notify_send");
      return 1;
    }
  return 0;
}
