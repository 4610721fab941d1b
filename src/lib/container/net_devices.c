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

int
net_devices_move_in (const struct oci_kv *devs, size_t n, pid_t pid, cl_error **err)
{
  cleanup_close int nl = -1, target = -1;
  if (n == 0)
    return 0;
  target = open_ns (pid, "net");
  nl = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (target < 0 || nl < 0)
    return cl_fail (err, errno, "linux.netDevices: the container's network namespace");
  for (size_t i = 0; i < n; i++)
    {
      unsigned int index = if_nametoindex (devs[i].key);
      int e;
      if (index == 0)
        return cl_fail (err, errno, "linux.netDevices: `%s`", devs[i].key);
      e = link_move (nl, (int) index, target, devs[i].value);
      if (e)
        {
          net_devices_move_out (devs, i, pid);
          return cl_fail_as (err, e, "linux.netDevices: move `%s` into the container as `%s`: %s", devs[i].key,
                             devs[i].value, strerror (e));
        }
    }
  return 0;
}

void
net_devices_move_out (const struct oci_kv *devs, size_t n, pid_t pid)
{
  cleanup_close int own = open_ns (0, "net"), theirs = -1, nl = -1, ioc = -1;
  if (n == 0 || own < 0 || (theirs = open_ns (pid, "net")) < 0)
    return;   /* its namespace is gone, and with it the devices (see the header) */
  /* Sockets belong to the namespace they are made in: made in the
   * container's, they name its interfaces; then back to ours. */
  if (setns (theirs, CLONE_NEWNET) < 0)
    return;
  nl = socket (AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  ioc = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (setns (own, CLONE_NEWNET) < 0)
    {
      log_warning ("linux.netDevices: cannot return to the runtime's network namespace: %s", strerror (errno));
      _exit (1);
    }
  for (size_t i = 0; i < n && nl >= 0 && ioc >= 0; i++)
    {
      struct ifreq ifr = { 0 };
      int e;
      snprintf (ifr.ifr_name, sizeof ifr.ifr_name, "%s", devs[i].value);
      if (ioctl (ioc, SIOCGIFINDEX, &ifr) < 0)
        continue;   /* removed or renamed inside: nothing to return */
      e = link_move (nl, ifr.ifr_ifindex, own, devs[i].key);
      if (e)
        log_warning ("linux.netDevices: move `%s` back as `%s`: %s", devs[i].value, devs[i].key, strerror (e));
    }
}
