/* Test helper, linked statically so it runs inside a busybox container:
 * sends argv[1] (e.g. "READY=1") to $NOTIFY_SOCKET, as sd_notify does;
 * argv[2] times when given (a flood: each send blocks while the receiver's
 * queue is full). */
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
  long count = argc > 2 ? atol (argv[2]) : 1;
  int s;
  if (argc < 2 || path == NULL || strlen (path) >= sizeof addr.sun_path)
    return 2;
  strcpy (addr.sun_path, path);
  s = socket (AF_UNIX, SOCK_DGRAM, 0);
  if (s < 0)
    return 1;
  for (long i = 0; i < count; i++)
    if (sendto (s, argv[1], strlen (argv[1]), 0, (struct sockaddr *) &addr, sizeof addr) < 0)
      {
        perror ("notify_send");
        return 1;
      }
  return 0;
}
