/* A pod's sandbox process for the CRI tests (the role of Kubernetes'
 * pause): hold the pod's namespaces, reap what a pod-wide pid namespace
 * orphans to it, and end on SIGINT or SIGTERM. */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void
on_stop (int sig)
{
  (void) sig;
  _exit (0);
}

static void
on_child (int sig)
{
  (void) sig;
  while (waitpid (-1, NULL, WNOHANG) > 0)
    ;
}

int
main (void)
{
  struct sigaction stop = { .sa_handler = on_stop }, child = { .sa_handler = on_child, .sa_flags = SA_NOCLDSTOP };

  if (getpid () != 1)
    return 1;
  sigaction (SIGINT, &stop, NULL);
  sigaction (SIGTERM, &stop, NULL);
  sigaction (SIGCHLD, &child, NULL);
  for (;;)
    pause ();
}
