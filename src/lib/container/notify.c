/* crun-lite: sd_notify through the container (see include/container/notify.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "container/notify.h"
#include "base/utils.h"

static void
strv_push (char ***v, char *s)
{
  size_t n = strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof **v);
  (*v)[n] = s;
  (*v)[n + 1] = NULL;
}

int
notify_prepare (int dirfd, const char *state_dir, struct oci_config *cfg, cl_error **err)
{
  const char *host = getenv ("NOTIFY_SOCKET");
  struct oci_mount *m;
  char **env;
  size_t k = 0, len;

  if (host == NULL || *host == '\0')
    return 0;
  if (mkdirat (dirfd, "notify", 0755) < 0)
    return cl_fail (err, errno, "NOTIFY_SOCKET: mkdir notify");
  if (write_file_atomic (dirfd, "notify-host", host, strlen (host), 0600, err) < 0)
    return cl_wrap (err, "NOTIFY_SOCKET");
  /* The container sees the directory, and its own NOTIFY_SOCKET. */
  cfg->mounts = xrealloc (cfg->mounts, (cfg->n_mounts + 1) * sizeof *cfg->mounts);
  m = &cfg->mounts[cfg->n_mounts++];
  memset (m, 0, sizeof *m);
  m->destination = xstrdup (NOTIFY_DIR_IN_CONTAINER);
  m->source = xasprintf ("%s/notify", state_dir);
  m->type = xstrdup ("bind");
  strv_push (&m->options, xstrdup ("bind"));
  /* Read-only: the container may connect to the socket (sockets are not
   * refused on read-only mounts), never add, remove or replace a file in
   * the runtime's state directory. */
  strv_push (&m->options, xstrdup ("ro"));
  strv_push (&m->options, xstrdup ("nosuid"));
  strv_push (&m->options, xstrdup ("nodev"));
  strv_push (&m->options, xstrdup ("noexec"));
  len = strv_len (cfg->process.env);
  env = xzalloc ((len + 2) * sizeof *env);
  for (size_t i = 0; i < len; i++)
    if (strncmp (cfg->process.env[i], "NOTIFY_SOCKET=", 14) != 0)
      env[k++] = xstrdup (cfg->process.env[i]);
  env[k] = xstrdup ("NOTIFY_SOCKET=" NOTIFY_SOCKET_IN_CONTAINER);
  strv_free (cfg->process.env);
  cfg->process.env = env;
  return 0;
}

int
notify_listen (int dirfd, const char *state_dir, int *out, cl_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int sock = -1;
  cleanup_close int notify_dir = openat (dirfd, "notify", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  mode_t old_mask;
  int r;

  *out = -1;
  if (notify_dir < 0 && errno == ENOENT)
    return 0;
  if (notify_dir < 0)
    return cl_fail (err, errno, "NOTIFY_SOCKET: open %s/notify", state_dir);
  /* The directory is read-only in the container, and the socket is named
   * through the directory's fd: nothing the container did can redirect the
   * bind (and a long state path does not hit sun_path's limit). */
  snprintf (addr.sun_path, sizeof addr.sun_path, "/proc/self/fd/%d/notify.sock", notify_dir);
  sock = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return cl_fail (err, errno, "NOTIFY_SOCKET: socket");
  if (unlinkat (notify_dir, "notify.sock", 0) < 0 && errno != ENOENT)
    return cl_fail (err, errno, "NOTIFY_SOCKET: remove the old notify.sock");
  /* Anyone in the container may notify, whatever its uid: the node is made
   * 0777 by bind itself (umask 0), never chmod'ed by name afterwards. */
  old_mask = umask (0);
  r = bind (sock, (struct sockaddr *) &addr, sizeof addr);
  umask (old_mask);
  if (r < 0)
    return cl_fail (err, errno, "NOTIFY_SOCKET: bind %s/notify/notify.sock", state_dir);
  *out = steal_fd (&sock);
  return 0;
}

static int
forward (const char *host, const char *msg, size_t len, cl_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int s = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  socklen_t alen = sizeof addr;
  if (strlen (host) >= sizeof addr.sun_path)
    return cl_fail_as (err, ENAMETOOLONG, "NOTIFY_SOCKET: `%s` is too long", host);
  strcpy (addr.sun_path, host);
  if (host[0] == '@') /* abstract namespace */
    {
      addr.sun_path[0] = '\0';
      alen = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + strlen (host));
    }
  if (s < 0 || sendto (s, msg, len, 0, (struct sockaddr *) &addr, alen) < 0)
    return cl_fail (err, errno, "NOTIFY_SOCKET: send to `%s`", host);
  return 0;
}

/* Whether a datagram says READY=1 on a line of its own (sd_notify's
 * format: newline-separated assignments). */
static bool
says_ready (const char *msg)
{
  for (const char *line = msg; line; line = strchr (line, '\n'))
    {
      if (*line == '\n')
        line++;
      if (strncmp (line, "READY=1", 7) == 0 && (line[7] == '\n' || line[7] == '\0'))
        return true;
    }
  return false;
}

/* Datagrams read per 100 ms at most: a container that floods the socket
 * fills its queue and blocks on its own sends, not the host. */
#define NOTIFY_BURST 64
#define NOTIFY_PAUSE_NS 100000000L

static void
throttle (unsigned *count)
{
  struct timespec pause = { 0, NOTIFY_PAUSE_NS };
  if (++*count < NOTIFY_BURST)
    return;
  *count = 0;
  nanosleep (&pause, NULL);
}

int
notify_relay (int dirfd, int sock, pid_t pid, cl_error **err)
{
  cleanup_free char *host = NULL;
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  /* Without pidfds (before 5.3) the init is looked at every 100 ms. */
  unsigned long long started = pidfd < 0 ? process_start_time (pid) : 0;
  unsigned received = 0;
  if (read_file_at (dirfd, "notify-host", 4096, &host, NULL, err) < 0)
    return cl_wrap (err, "NOTIFY_SOCKET");
  if (pidfd < 0 && started == 0)
    return 0; /* gone already */
  for (;;)
    {
      struct pollfd p[2] = { { .fd = sock, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
      char msg[4096];
      ssize_t r;
      int n = poll (p, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 100);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          return cl_fail (err, errno, "NOTIFY_SOCKET: poll");
        }
      if (n == 0 && process_start_time (pid) == started)
        continue;
      if (!(p[0].revents & POLLIN))
        return 0; /* the container exited without READY=1 */
      r = recv (sock, msg, sizeof msg - 1, MSG_DONTWAIT);
      if (r <= 0)
        continue;
      msg[r] = '\0';
      /* Nothing the container says reaches the caller but that it is
       * ready, once, with the init's pid as the host sees it: a MAINPID,
       * STATUS, WATCHDOG or FDSTORE of the container's own would be taken
       * by systemd as the unit's (a stop would signal a host process). */
      if (says_ready (msg))
        {
          cleanup_free char *out = xasprintf ("READY=1\nMAINPID=%d", (int) pid);
          return forward (host, out, strlen (out), err);
        }
      throttle (&received);
    }
}
