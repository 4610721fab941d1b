/* crun-lite: parent/child sync protocol (see include/base/sync.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "base/sync.h"

int
sync_send (int fd, enum sync_type type, int32_t value, cl_error **err)
{
  struct sync_msg msg = { .type = type, .value = value };
  /* Only the header: text is meaningful for SYNC_ERROR alone. */
  if (send (fd, &msg, offsetof (struct sync_msg, text), MSG_NOSIGNAL) < 0)
    {
      int saved = errno;
      /* The other side is gone: if it said why before it went, that is
       * the error to report, not our broken pipe. */
      while (saved == EPIPE || saved == ECONNRESET)
        {
          ssize_t r = recv (fd, &msg, sizeof msg - 1, MSG_DONTWAIT);
          if (r < (ssize_t) offsetof (struct sync_msg, text))
            break;
          if (msg.type == SYNC_ERROR)
            {
              ((char *) &msg)[r] = '\0';
              cl_fail (err, 0, "%s", msg.text);
              (*err)->errnum = msg.value;
              return -1;
            }
        }
      return cl_fail (err, saved, "sync: send");
    }
  return 0;
}

void
sync_send_error (int fd, const cl_error *e)
{
  struct sync_msg msg = { .type = SYNC_ERROR, .value = e ? e->errnum : 0 };
  size_t len;
  strncpy (msg.text, e && e->msg ? e->msg : "unknown error", sizeof msg.text - 1);
  len = offsetof (struct sync_msg, text) + strlen (msg.text) + 1;
  (void) send (fd, &msg, len, MSG_NOSIGNAL);
}

ssize_t
fd_sendmsg (int sock, const void *data, size_t len, int fd)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = (void *) data, .iov_len = len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
  ssize_t n;
  if (fd >= 0)
    {
      struct cmsghdr *c;
      mh.msg_control = control;
      mh.msg_controllen = sizeof control;
      c = CMSG_FIRSTHDR (&mh);
      c->cmsg_level = SOL_SOCKET;
      c->cmsg_type = SCM_RIGHTS;
      c->cmsg_len = CMSG_LEN (sizeof (int));
      memcpy (CMSG_DATA (c), &fd, sizeof fd);
    }
  do
    n = sendmsg (sock, &mh, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n;
}

ssize_t
fd_recvmsg (int sock, void *buf, size_t len, int *fd)
{
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = buf, .iov_len = len };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  ssize_t r;
  *fd = -1;
  do
    r = recvmsg (sock, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  for (struct cmsghdr *c = r > 0 ? CMSG_FIRSTHDR (&mh) : NULL; c; c = CMSG_NXTHDR (&mh, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN (sizeof (int)))
      memcpy (fd, CMSG_DATA (c), sizeof *fd);
  return r;
}

int
sync_send_fd (int fd, enum sync_type type, int32_t value, int passed, cl_error **err)
{
  struct sync_msg msg = { .type = type, .value = value };
  if (fd_sendmsg (fd, &msg, offsetof (struct sync_msg, text), passed) < 0)
    return cl_fail (err, errno, "sync: send an fd");
  return 0;
}

int
sync_recv (int fd, struct sync_msg *msg, cl_error **err)
{
  int passed = -1;
  if (sync_recv_fd (fd, msg, &passed, err) < 0)
    return -1;
  if (passed >= 0)
    close (passed);
  return 0;
}

int
sync_recv_fd (int fd, struct sync_msg *msg, int *passed, cl_error **err)
{
  ssize_t r;
  memset (msg, 0, sizeof *msg);
  r = fd_recvmsg (fd, msg, sizeof *msg - 1, passed);
  if (r < 0)
    return cl_fail (err, errno, "sync: receive");
  if (r == 0)
    return cl_fail (err, EPIPE, "the container init exited during setup");
  if ((size_t) r < offsetof (struct sync_msg, text))
    {
      if (*passed >= 0)
        close (*passed);
      *passed = -1;
      return cl_fail (err, EPROTO, "sync: short message");
    }
  return 0;
}

int
sync_expect (int fd, enum sync_type type, struct sync_msg *msg, cl_error **err)
{
  if (sync_recv (fd, msg, err) < 0)
    return -1;
  if (msg->type == SYNC_ERROR)
    {
      /* The text is complete already (errno string included). */
      cl_fail (err, 0, "%s", msg->text);
      (*err)->errnum = msg->value;
      return -1;
    }
  if (msg->type != (uint32_t) type)
    return cl_fail (err, EPROTO, "sync: expected message %d, got %u", type, msg->type);
  return 0;
}
