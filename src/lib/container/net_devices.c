/* crun-lite: linux.netDevices (include/container/net_devices.h). */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include "base/log.h"
#include "container/net_devices.h"
#include "base/utils.h"

static bool
valid_ifname (const char *s)
{
  size_t n = strlen (s);
  if (n == 0 || n >= IFNAMSIZ || strcmp (s, ".") == 0 || strcmp (s, "..") == 0)
    return false;
  for (; *s; s++)
    if (*s == '/' || *s == ':' || *s == ' ' || *s == '\t' || *s == '\n')
      return false;
  return true;
}

int
net_devices_validate (const struct oci_config *cfg, cl_error **err)
{
  const struct oci_linux *l = &cfg->linux_section;
  if (l->n_net_devices == 0)
    return 0;
  if (config_namespace (cfg, CLONE_NEWNET) == NULL)
    return cl_fail (err, 0, "linux.netDevices: needs a network namespace of the container's (linux.namespaces: network)");
  for (size_t i = 0; i < l->n_net_devices; i++)
    {
      if (!valid_ifname (l->net_devices[i].key))
        return cl_fail (err, 0, "linux.netDevices: `%s` is not an interface name", l->net_devices[i].key);
      if (!valid_ifname (l->net_devices[i].value))
        return cl_fail (err, 0, "linux.netDevices.%s.name: `%s` is not an interface name", l->net_devices[i].key,
                        l->net_devices[i].value);
    }
  return 0;
}

/* RTM_NEWLINK on interface `index` of the socket's namespace: into the
 * namespace `ns_fd`, named `name`; the kernel's answer as errno. */
static int
link_move (int nl, int index, int ns_fd, const char *name)
{
  struct
  {
    struct nlmsghdr h;
    struct ifinfomsg ifi;
    char attrs[64];
  } req = { .h = { .nlmsg_type = RTM_NEWLINK, .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK, .nlmsg_seq = 1 },
            .ifi = { .ifi_family = AF_UNSPEC, .ifi_index = index } };
  struct rtattr *a;
  struct
  {
    struct nlmsghdr h;
    struct nlmsgerr e;
  } ack;
  size_t len = NLMSG_LENGTH (sizeof req.ifi);

  a = (struct rtattr *) ((char *) &req + NLMSG_ALIGN (len));
  a->rta_type = IFLA_NET_NS_FD;
  a->rta_len = RTA_LENGTH (sizeof (int));
  memcpy (RTA_DATA (a), &ns_fd, sizeof (int));
  len = NLMSG_ALIGN (len) + RTA_ALIGN (a->rta_len);
  a = (struct rtattr *) ((char *) &req + len);
  a->rta_type = IFLA_IFNAME;
  a->rta_len = RTA_LENGTH (strlen (name) + 1);
  memcpy (RTA_DATA (a), name, strlen (name) + 1);
  len += RTA_ALIGN (a->rta_len);
  req.h.nlmsg_len = (uint32_t) len;
  if (send (nl, &req, len, 0) < 0)
    return errno;
  if (recv (nl, &ack, sizeof ack, 0) < (ssize_t) sizeof ack || ack.h.nlmsg_type != NLMSG_ERROR)
    return EPROTO;
  return -ack.e.error;
}

static int
open_ns (pid_t pid, const char *kind)
{
  char path[64];
  if (pid > 0)
    snprintf (path, sizeof path, "/proc/%d/ns/%s", (int) pid, kind);
  else
    snprintf (path, sizeof path, "/proc/self/ns/%s", kind);
  return open (path, O_RDONLY | O_CLOEXEC);
}

/* Sockets made in `pid`'s network namespace (sockets belong to the
 * namespace they are made in, and name its interfaces), the caller then
 * back in its own, `own`.  False when that namespace is gone. */
static bool
sockets_in (pid_t pid, int own, int *nl, int *ioc)
{
  cleanup_close int theirs = open_ns (pid, "net");
  if (own < 0 || theirs < 0 || setns (theirs, CLONE_NEWNET) < 0)
    return false;
  *nl = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  *ioc = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (setns (own, CLONE_NEWNET) < 0)
    {
      log_warning ("linux.netDevices: cannot return to the runtime's network namespace: %s", strerror (errno));
      _exit (1);
    }
  return *nl >= 0 && *ioc >= 0;
}

static int
index_of (int ioc, const char *name)
{
  struct ifreq ifr = { 0 };
  snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", name);
  return ioctl (ioc, SIOCGIFINDEX, &ifr) < 0 ? 0 : ifr.ifr_ifindex;
}

int
net_devices_move_in (const struct oci_kv *devs, size_t n, pid_t pid, int **indexes, cl_error **err)
{
  cleanup_close int nl = -1, target = -1, own = -1, in_nl = -1, in_ioc = -1;
  int *index;
  if (n == 0)
    return 0;
  target = open_ns (pid, "net");
  own = open_ns (0, "net");
  nl = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (target < 0 || nl < 0 || !sockets_in (pid, own, &in_nl, &in_ioc))
    return cl_fail (err, errno, "linux.netDevices: the container's network namespace");
  index = *indexes = xzalloc ((n + 1) * sizeof *index);
  for (size_t i = 0; i < n; i++)
    {
      unsigned int host_index = if_nametoindex (devs[i].key);
      int e;
      if (host_index == 0)
        {
          e = errno;
          net_devices_move_out (devs, i, index, pid);
          return cl_fail_as (err, e, "linux.netDevices: `%s`: %s", devs[i].key, strerror (e));
        }
      e = link_move (nl, (int) host_index, target, devs[i].value);
      /* No process of the container runs yet: the name inside is still the
       * one just given, and its index is what identifies it from now on. */
      if (e == 0 && (index[i] = index_of (in_ioc, devs[i].value)) == 0)
        e = errno;
      if (e)
        {
          net_devices_move_out (devs, i, index, pid);
          return cl_fail_as (err, e, "linux.netDevices: move `%s` into the container as `%s`: %s", devs[i].key,
                             devs[i].value, strerror (e));
        }
    }
  return 0;
}

void
net_devices_move_out (const struct oci_kv *devs, size_t n, const int *index, pid_t pid)
{
  cleanup_close int own = open_ns (0, "net"), nl = -1, ioc = -1;
  if (n == 0 || index == NULL || !sockets_in (pid, own, &nl, &ioc))
    return;   /* its namespace is gone, and with it the devices (see the header) */
  for (size_t i = 0; i < n; i++)
    {
      int e;
      /* By the index it had when lent, whatever it is called now: an
       * interface the container made, even under the lent one's name, is
       * never taken for it. */
      if (index[i] <= 0)
        continue;
      e = link_move (nl, index[i], own, devs[i].key);
      if (e == ENODEV)
        log_warning ("linux.netDevices: `%s` is no longer in the container: not moved back", devs[i].key);
      else if (e)
        log_warning ("linux.netDevices: move `%s` back: %s", devs[i].key, strerror (e));
    }
}
