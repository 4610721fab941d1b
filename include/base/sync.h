/* crun-lite: the protocol between the runtime (parent) and the container's
 * init (child) while a container is created, over a SOCK_SEQPACKET pair.
 *
 * The order, every message one packet:
 *
 *   child                                parent
 *                      ◄───────────────  SYNC_CGROUP_JOINED  (only when the clone could not
 *                                        place the child in its cgroup: the parent moved it)
 *   [joins/creates namespaces; a cgroup namespace only now, rooted at the container's cgroup]
 *   SYNC_USERNS_READY  ───────────────►  writes uid_map/gid_map     (only with a new user namespace)
 *                      ◄───────────────  SYNC_MOUNT_SOURCE(i) + fd, for each bind source it opened
 *                                        in our mount namespace (see mount_sources.h)
 *                      ◄───────────────  SYNC_USERNS_MAPPED
 *   [forks once when a pid namespace must apply to a child]
 *   SYNC_INIT_PID(pid) ───────────────►  the init is that pid, the intermediate exits (only after that fork)
 *   [mounts, devices]
 *   SYNC_HOOKS_READY   ───────────────►  runs prestart and createRuntime hooks (only with hooks)
 *                      ◄───────────────  SYNC_HOOKS_DONE(init pid)
 *   [createContainer hooks, pivot_root, hostname]
 *   SYNC_IMAGE_WANTED  ───────────────►  the binary's private image (container/sealed_exe.h), made
 *                      ◄───────────────  SYNC_IMAGE + fd      while the child worked.  Asked for before
 *                                        the fork above instead when the init is seen from its start
 *                                        (no pid namespace cloned for it)
 *   [credentials, capabilities]
 *   SYNC_SECCOMP_LISTENER ────────────►  passes the notification fd to listenerPath
 *                      ◄───────────────  SYNC_SECCOMP_LISTENER_DONE  (only with SCMP_ACT_NOTIFY)
 *   SYNC_INIT_READY    ───────────────►  writes state.json and the pid file
 *                      ◄───────────────  SYNC_CREATED
 *   [blocks on the start gate (exec.sock) until `start`, then exec]
 *
 * At any point the child may send SYNC_ERROR (errno + message) and exit:
 * the parent turns it into its own error, so the user sees the real cause. */
#ifndef CRL_SYNC_H
#define CRL_SYNC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/error.h"

enum sync_type
{
  SYNC_USERNS_READY = 1,
  SYNC_USERNS_MAPPED,
  SYNC_INIT_PID,
  SYNC_INIT_READY,
  SYNC_CREATED,
  SYNC_ERROR,
  SYNC_CGROUP_JOINED,
  SYNC_HOOKS_READY,
  SYNC_HOOKS_DONE,
  SYNC_CONSOLE,        /* child -> parent, followed by the pty master (SCM_RIGHTS) */
  SYNC_SECCOMP_LISTENER,      /* child -> parent, followed by the seccomp notification fd */
  SYNC_SECCOMP_LISTENER_DONE, /* parent -> child: the listener has it */
  SYNC_MOUNT_SOURCE,   /* parent -> child: value = index in mounts[], an O_PATH fd attached */
  SYNC_IMAGE_WANTED,   /* child -> parent: ready to switch to the binary's private image */
  SYNC_IMAGE,          /* parent -> child: the image's fd attached */
};

struct sync_msg
{
  uint32_t type;
  int32_t value;      /* pid for SYNC_INIT_PID, errno for SYNC_ERROR */
  char text[1024];    /* message for SYNC_ERROR */
};

int sync_send (int fd, enum sync_type type, int32_t value, cl_error **err);
/* fd passing over a unix socket, the one place SCM_RIGHTS is spelled out:
 * one message of `len` bytes carrying `fd` when fd >= 0.  The bytes sent, or
 * -1 with errno (EINTR retried). */
ssize_t fd_sendmsg (int sock, const void *data, size_t len, int fd);
/* One message into buf (at most len bytes); *fd the fd it carried
 * (close-on-exec), else -1.  The bytes received (0 at EOF), or -1 with errno. */
ssize_t fd_recvmsg (int sock, void *buf, size_t len, int *fd);

/* A sync message with an fd attached (SCM_RIGHTS). */
int sync_send_fd (int fd, enum sync_type type, int32_t value, int passed, cl_error **err);
/* Send an error to the parent; used on the child's way out. */
void sync_send_error (int fd, const cl_error *e);
/* Receive one message; EOF (peer exited) is an error with errnum EPIPE. */
int sync_recv (int fd, struct sync_msg *msg, cl_error **err);
/* The same, and the fd a message carried in *passed (-1 if none; close-on-exec). */
int sync_recv_fd (int fd, struct sync_msg *msg, int *passed, cl_error **err);
/* Receive and require one type; an SYNC_ERROR becomes the returned error. */
int sync_expect (int fd, enum sync_type type, struct sync_msg *msg, cl_error **err);

#endif
