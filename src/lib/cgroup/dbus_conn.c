/* crun-lite: a connection to systemd's private D-Bus socket
 * (include/cgroup/dbus.h): EXTERNAL authentication, method calls and
 * their replies, JobRemoved signals. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "cgroup/dbus.h"
#include "base/utils.h"

#define CALL_TIMEOUT_MS 30000
#define JOBS_KEPT 64

/* write_all with MSG_NOSIGNAL: a systemd that went away is an error, not
 * a SIGPIPE that kills the runtime mid-command. */
static int
send_all (int fd, const void *p, size_t n, cl_error **err)
{
  const char *c = p;
  while (n > 0)
    {
      ssize_t w = send (fd, c, n, MSG_NOSIGNAL);
      if (w < 0 && errno == EINTR)
        continue;
      if (w < 0)
        return cl_fail (err, errno, "--systemd-cgroup: write to systemd");
      c += w;
      n -= (size_t) w;
    }
  return 0;
}

/* Read what is there into c->in, waiting until the deadline. */
static int
fill (struct dbus_conn *c, long long deadline, cl_error **err)
{
  struct pollfd p = { .fd = c->fd, .events = POLLIN };
  ssize_t n;
  long long left = deadline - monotonic_ms ();
  if (left <= 0)
    return cl_fail_as (err, ETIMEDOUT, "--systemd-cgroup: systemd did not answer in %d s", CALL_TIMEOUT_MS / 1000);
  if (poll (&p, 1, (int) left) < 0 && errno != EINTR)
    return cl_fail (err, errno, "--systemd-cgroup: wait for systemd");
  if (c->in_cap - c->in_len < 4096)
    {
      c->in_cap = c->in_cap * 2 + 8192;
      c->in = xrealloc (c->in, c->in_cap);
    }
  n = recv (c->fd, c->in + c->in_len, c->in_cap - c->in_len, MSG_DONTWAIT);
  if (n == 0)
    return cl_fail_as (err, ECONNRESET, "--systemd-cgroup: systemd closed the connection");
  if (n < 0 && errno != EAGAIN && errno != EINTR)
    return cl_fail (err, errno, "--systemd-cgroup: read from systemd");
  if (n > 0)
    c->in_len += (size_t) n;
  return 0;
}

/* The next whole message, waiting for it until the deadline. */
static int
next_message (struct dbus_conn *c, long long deadline, struct dbus_msg *m, cl_error **err)
{
  for (;;)
    {
      size_t size = c->in_len >= 16 ? dbus_message_size (c->in, c->in_len) : 1;
      if (size == 0)
        return cl_fail_as (err, EPROTO, "--systemd-cgroup: systemd sent what is not a D-Bus message");
      if (c->in_len >= 16 && c->in_len >= size)
        {
          if (dbus_decode (c->in, size, m, err) < 0)
            return -1;
          memmove (c->in, c->in + size, c->in_len - size);
          c->in_len -= size;
          return 0;
        }
      if (fill (c, deadline, err) < 0)
        return -1;
    }
}

/* Keep a JobRemoved (u job-id, o job, s unit, s result) for dbus_wait_job. */
static void
note_signal (struct dbus_conn *c, const struct dbus_msg *m)
{
  struct dbus_reader r;
  const char *job, *unit, *result;
  uint32_t id;
  if (m->member == NULL || strcmp (m->member, "JobRemoved") != 0 || m->signature == NULL
      || strcmp (m->signature, "uoss") != 0)
    return;
  dbus_reader_init (&r, m);
  if (dbus_get_u32 (&r, &id) < 0 || dbus_get_str (&r, &job) < 0 || dbus_get_str (&r, &unit) < 0
      || dbus_get_str (&r, &result) < 0)
    return;
  /* Other clients' jobs end too: the newest few are enough (ours ends
   * within the wait that follows its reply). */
  if (c->n_ended == JOBS_KEPT)
    {
      free (c->ended[0].job);
      free (c->ended[0].result);
      memmove (c->ended, c->ended + 1, (JOBS_KEPT - 1) * sizeof *c->ended);
      c->n_ended--;
    }
  c->ended = xrealloc (c->ended, (c->n_ended + 1) * sizeof *c->ended);
  c->ended[c->n_ended++] = (struct dbus_job_end){ xstrdup (job), xstrdup (result) };
}

/* SASL EXTERNAL with our uid, and BEGIN in the same write, as sd-bus's
 * own clients send them: systemd then has the whole exchange before our
 * first message, which it reads separately (a message that arrives with
 * BEGIN can wait unread in its buffer). */
static int
authenticate (struct dbus_conn *c, cl_error **err)
{
  char uid[16], hex[40] = "", line[256];
  cleanup_free char *hello = NULL;
  long long deadline = monotonic_ms () + CALL_TIMEOUT_MS;
  char *end;

  snprintf (uid, sizeof uid, "%u", (unsigned) geteuid ());
  for (size_t i = 0; uid[i]; i++)
    snprintf (hex + 2 * i, 3, "%02x", (unsigned char) uid[i]);
  hello = xasprintf ("%cAUTH EXTERNAL %s\r\nBEGIN\r\n", 0, hex);
  if (send_all (c->fd, hello, strlen (hello + 1) + 1, err) < 0)
    return -1;
  while ((end = memmem (c->in, c->in_len, "\r\n", 2)) == NULL)
    {
      if (c->in_len > 200)
        return cl_fail_as (err, EPROTO, "--systemd-cgroup: systemd's authentication reply is too long");
      if (fill (c, deadline, err) < 0)
        return -1;
    }
  snprintf (line, sizeof line, "%.*s", (int) (end - (char *) c->in), (char *) c->in);
  if (strncmp (line, "OK ", 3) != 0)
    return cl_fail_as (err, EACCES, "--systemd-cgroup: systemd refused the connection: %s", line);
  c->in_len -= (size_t) (end + 2 - (char *) c->in);
  memmove (c->in, end + 2, c->in_len);
  return 0;
}

int
dbus_connect_systemd (bool user, struct dbus_conn *c, cl_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  const char *runtime_dir = getenv ("XDG_RUNTIME_DIR");
  cleanup_free char *path = NULL;

  *c = (struct dbus_conn){ .fd = -1 };
  if (!user)
    path = xstrdup ("/run/systemd/private");
  else if (runtime_dir && *runtime_dir == '/')
    path = xasprintf ("%s/systemd/private", runtime_dir);
  else
    path = xasprintf ("/run/user/%u/systemd/private", (unsigned) geteuid ());
  if (strlen (path) >= sizeof addr.sun_path)
    return cl_fail_as (err, ENAMETOOLONG, "--systemd-cgroup: the socket path %s is too long", path);
  strcpy (addr.sun_path, path);
  c->fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (c->fd < 0)
    return cl_fail (err, errno, "--systemd-cgroup: socket");
  if (connect (c->fd, (struct sockaddr *) &addr, sizeof addr) < 0)
    {
      cl_fail (err, errno, "--systemd-cgroup: connect to the %s manager of systemd (%s)", user ? "user" : "system", path);
      dbus_close (c);
      return -1;
    }
  if (authenticate (c, err) < 0)
    {
      dbus_close (c);
      return -1;
    }
  return 0;
}

int
dbus_call (struct dbus_conn *c, const char *path, const char *iface, const char *member, const char *sig,
           const struct dbus_writer *body, struct dbus_msg *reply, cl_error **err)
{
  struct dbus_writer out = { 0 };
  uint32_t serial = ++c->serial;
  long long deadline = monotonic_ms () + CALL_TIMEOUT_MS;
  int r;

  dbus_encode_call (&out, serial, NULL, path, iface, member, sig, body);
  r = send_all (c->fd, out.data, out.len, err);
  dbus_writer_free (&out);
  if (r < 0)
    return -1;
  for (;;)
    {
      struct dbus_msg m;
      if (next_message (c, deadline, &m, err) < 0)
        return -1;
      if (m.type == DBUS_SIGNAL)
        note_signal (c, &m);
      if ((m.type == DBUS_METHOD_RETURN || m.type == DBUS_ERROR) && m.reply_serial == serial)
        {
          if (m.type == DBUS_METHOD_RETURN)
            {
              *reply = m;
              return 0;
            }
          struct dbus_reader rd;
          const char *text = "";
          dbus_reader_init (&rd, &m);
          if (m.signature && m.signature[0] == 's')
            dbus_get_str (&rd, &text);
          cl_fail_as (err, EIO, "%s: %s", m.error_name ? m.error_name : "error", text);
          dbus_msg_free (&m);
          return -1;
        }
      dbus_msg_free (&m);
    }
}

int
dbus_wait_job (struct dbus_conn *c, const char *job, int timeout_ms, char **result, cl_error **err)
{
  long long deadline = monotonic_ms () + timeout_ms;
  for (;;)
    {
      struct dbus_msg m;
      for (size_t i = 0; i < c->n_ended; i++)
        if (strcmp (c->ended[i].job, job) == 0)
          {
            *result = xstrdup (c->ended[i].result);
            return 0;
          }
      if (next_message (c, deadline, &m, err) < 0)
        return -1;
      if (m.type == DBUS_SIGNAL)
        note_signal (c, &m);
      dbus_msg_free (&m);
    }
}

void
dbus_close (struct dbus_conn *c)
{
  if (c->fd >= 0)
    close (c->fd);
  for (size_t i = 0; i < c->n_ended; i++)
    {
      free (c->ended[i].job);
      free (c->ended[i].result);
    }
  free (c->ended);
  free (c->in);
  *c = (struct dbus_conn){ .fd = -1 };
}
