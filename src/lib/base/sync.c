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

int
sync_send_fd (int fd, enum sync_type type, int32_t value, int passed, cl_error **err)
{
  struct sync_msg msg = { .type = type, .value = value };
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = &msg, .iov_len = offsetof (struct sync_msg, text) };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *c = CMSG_FIRSTHDR (&mh);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN (sizeof (int));
  memcpy (CMSG_DATA (c), &passed, sizeof passed);
  if (sendmsg (fd, &mh, MSG_NOSIGNAL) < 0)
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
  char control[CMSG_SPACE (sizeof (int))] = { 0 };
  struct iovec iov = { .iov_base = msg, .iov_len = sizeof *msg - 1 };
  struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control };
  struct cmsghdr *c;
  ssize_t r;
  memset (msg, 0, sizeof *msg);
  *passed = -1;
  do
    r = recvmsg (fd, &mh, MSG_CMSG_CLOEXEC);
  while (r < 0 && errno == EINTR);
  c = r > 0 ? CMSG_FIRSTHDR (&mh) : NULL;
  if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN (sizeof (int)))
    memcpy (passed, CMSG_DATA (c), sizeof *passed);
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
