/* crun-lite: handing a seccomp notification fd to its listener (see
 * include/process/seccomp_notify.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <yajl/yajl_gen.h>
#include "process/hooks.h"
#include "config/json_read.h"
#include "base/sync.h"
#include "process/seccomp_notify.h"
#include "state/state.h"
#include "base/utils.h"

#define GEN_STR(g, s) yajl_gen_string (g, (const unsigned char *) (s), strlen (s))

static char *
process_state_json (const struct oci_config *cfg, const char *id, const char *bundle, pid_t init_pid,
                    const char *status, pid_t pid)
{
  const char *metadata = cfg->linux_section.seccomp->listener_metadata;
  struct container_state st = hooks_state (cfg, id, init_pid, bundle);
  yajl_gen g = yajl_gen_alloc (NULL);

  yajl_gen_map_open (g);
  GEN_STR (g, "ociVersion");
  GEN_STR (g, OCI_VERSION_IMPLEMENTED);
  GEN_STR (g, "fds");
  yajl_gen_array_open (g);
  GEN_STR (g, "seccompFd");
  yajl_gen_array_close (g);
  GEN_STR (g, "pid");
  yajl_gen_integer (g, pid);
  GEN_STR (g, "metadata");
  GEN_STR (g, metadata ? metadata : "");
  GEN_STR (g, "state");
  state_gen_oci (g, &st, status);
  yajl_gen_map_close (g);
  return json_gen_take (g, false);
}

int
seccomp_listener_send (const struct oci_config *cfg, const char *id, const char *bundle, pid_t init_pid,
                       const char *status, pid_t pid, int listener_fd, cl_error **err)
{
  const char *path = cfg->linux_section.seccomp->listener_path;
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_free char *doc = process_state_json (cfg, id, bundle, init_pid, status, pid);
  cleanup_close int sock = -1;
  size_t len = strlen (doc);
  ssize_t n;

  if (strlen (path) >= sizeof addr.sun_path)
    return cl_fail_as (err, ENAMETOOLONG, "linux.seccomp.listenerPath: `%s` is too long for a unix socket", path);
  strcpy (addr.sun_path, path);
  sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return cl_fail (err, errno, "linux.seccomp.listenerPath: socket");
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return cl_fail (err, errno, "linux.seccomp.listenerPath: failed to connect with seccomp agent at `%s`", path);
  n = fd_sendmsg (sock, doc, len, listener_fd);
  /* The fd goes with the first part; what did not fit follows as text. */
  if (n < 0 || ((size_t) n < len && write_all (sock, doc + n, len - (size_t) n) < 0))
    return cl_fail (err, errno, "linux.seccomp.listenerPath: send the notification fd to `%s`", path);
  return 0;
}
