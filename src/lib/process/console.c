/* crun-lite: the container's terminal (see include/process/console.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>
#include <linux/magic.h>
#include "base/sync.h"
#include "process/console.h"
#include "base/path_in_root.h"
#include "base/utils.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO ('T', 0x41)
#endif

void
console_clear_onlcr (int fd)
{
  struct termios t;
  if (tcgetattr (fd, &t) == 0 && (t.c_oflag & ONLCR))
    {
      t.c_oflag &= ~(tcflag_t) ONLCR;
      tcsetattr (fd, TCSANOW, &t);
    }
}

int
console_setup_in_container (const struct oci_process *p, bool bind_console, int *out_master, cl_error **err)
{
  cleanup_close int master = -1, peer = -1, console = -1;
  struct statfs sfs;
  int unlock = 0;
  char fdp[32];

  /* /dev/ptmx of the container's own devpts instance. */
  master = open ("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return cl_fail (err, errno, "process.terminal: open /dev/ptmx (is devpts mounted at /dev/pts?)");
  if (ioctl (master, TIOCSPTLCK, &unlock) < 0)
    return cl_fail (err, errno, "process.terminal: unlock the pty");
  /* The peer from the master itself: no path the rootfs could swap. */
  peer = ioctl (master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (peer < 0)
    return cl_fail (err, errno, "process.terminal: open the pty peer");
  if (fstatfs (peer, &sfs) < 0 || sfs.f_type != DEVPTS_SUPER_MAGIC)
    return cl_fail (err, EPERM, "process.terminal: the pty is not on devpts");
  /* The process's user owns its terminal (the group stays devpts' own,
   * tty with the standard gid=5), as runc does: else a non-root process
   * cannot, say, chmod it or open it again through $(tty). */
  if (p->user.uid != 0 && fchown (peer, (uid_t) p->user.uid, (gid_t) -1) < 0)
    return cl_fail (err, errno, "process.terminal: give the pty to uid %u", (unsigned) p->user.uid);
  if (p->console_height.set || p->console_width.set)
    {
      struct winsize ws = { .ws_row = (unsigned short) p->console_height.v, .ws_col = (unsigned short) p->console_width.v };
      ioctl (peer, TIOCSWINSZ, &ws);
    }
  /* /dev/console is bound from the pty fd, never from a path. */
  console = bind_console ? open ("/dev/console", O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600) : -1;
  if (console >= 0)
    {
      char target[32];
      cleanup_close int target_fd = open ("/dev/console", O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (target_fd >= 0 && mount (fd_path (peer, fdp), fd_path (target_fd, target), NULL, MS_BIND, NULL) < 0)
        return cl_fail (err, errno, "process.terminal: bind the pty onto /dev/console");
    }
  if (ioctl (peer, TIOCSCTTY, 0) < 0)
    return cl_fail (err, errno, "process.terminal: make the pty the controlling terminal");
  for (int fd = 0; fd < 3; fd++)
    if (dup2 (peer, fd) < 0)
      return cl_fail (err, errno, "process.terminal: dup2");
  *out_master = steal_fd (&master);
  return 0;
}

int
console_send_fd (int sock, int fd, const char *tag, cl_error **err)
{
  if (fd_sendmsg (sock, tag, strlen (tag), fd) < 0)
    return cl_fail (err, errno, "send an fd");
  return 0;
}

int
console_recv_fd (int sock, int *fd, cl_error **err)
{
  char buf[64];
  if (fd_recvmsg (sock, buf, sizeof buf, fd) < 0)
    return cl_fail (err, errno, "receive the terminal fd");
  if (*fd < 0)
    return cl_fail (err, EPROTO, "receive the terminal fd: no fd in the message");
  return 0;
}

int
send_fd_to_socket (const char *flag, const char *path, int fd, const char *tag, cl_error **err)
{
  struct sockaddr_un addr = { .sun_family = AF_UNIX };
  cleanup_close int sock = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (sock < 0)
    return cl_fail (err, errno, "%s: socket", flag);
  if (strlen (path) >= sizeof addr.sun_path)
    return cl_fail_as (err, ENAMETOOLONG, "%s: path `%s` is too long", flag, path);
  strcpy (addr.sun_path, path);
  if (connect (sock, (struct sockaddr *) &addr, sizeof addr) < 0)
    return cl_fail (err, errno, "%s: connect to `%s`", flag, path);
  if (console_send_fd (sock, fd, tag, err) < 0)
    return cl_wrap (err, "%s `%s`", flag, path);
  return 0;
}

int
console_send_to_socket (const char *path, int master, cl_error **err)
{
  return send_fd_to_socket ("--console-socket", path, master, "/dev/ptmx", err);
}

int
pidfd_send_to_socket (const char *path, pid_t pid, cl_error **err)
{
  cleanup_close int pidfd = (int) syscall (SYS_pidfd_open, pid, 0);
  if (pidfd < 0)
    return cl_fail (err, errno, "--pidfd-socket: pidfd_open%s", errno == ENOSYS ? " (needs Linux 5.3)" : "");
  return send_fd_to_socket ("--pidfd-socket", path, pidfd, "pidfd", err);
}

static void
copy_winsize (int from, int to)
{
  struct winsize ws;
  if (ioctl (from, TIOCGWINSZ, &ws) == 0)
    ioctl (to, TIOCSWINSZ, &ws);
}

/* Move what is readable from one fd to another; false at EOF or error. */
static bool
pump (int from, int to)
{
  char buf[8192];
  ssize_t r = read (from, buf, sizeof buf);
  if (r <= 0)
    return r < 0 && (errno == EINTR || errno == EAGAIN);
  return write_all (to, buf, (size_t) r) == 0;
}

int
console_relay (int master, pid_t pid, int *exit_code, cl_error **err)
{
  struct termios saved, raw;
  bool tty = isatty (0), stdin_open = true;
  sigset_t set;
  cleanup_close int sfd = -1;
  int rc = 0;

  sigfillset (&set);
  sigdelset (&set, SIGKILL);
  sigdelset (&set, SIGSTOP);
  sfd = signalfd (-1, &set, SFD_CLOEXEC);
  if (sfd < 0)
    return cl_fail (err, errno, "signalfd");
  if (tty && tcgetattr (0, &saved) == 0)
    {
      raw = saved;
      cfmakeraw (&raw);
      tcsetattr (0, TCSANOW, &raw);
      copy_winsize (0, master);
    }
  for (;;)
    {
      struct pollfd p[3] = { { .fd = sfd, .events = POLLIN }, { .fd = master, .events = POLLIN },
                             { .fd = stdin_open ? 0 : -1, .events = POLLIN } };
      int status;
      pid_t w;
      /* Reap: the process may have gone already. */
      while ((w = waitpid (-1, &status, WNOHANG)) > 0)
        if (w == pid)
          {
            /* Drain what it wrote last. */
            struct pollfd d = { .fd = master, .events = POLLIN };
            while (poll (&d, 1, 50) > 0 && (d.revents & POLLIN) && pump (master, 1))
              ;
            *exit_code = WIFSIGNALED (status) ? 128 + WTERMSIG (status) : WEXITSTATUS (status);
            goto out;
          }
      /* No child to wait for (ECHILD) would poll forever. */
      if (w < 0 && errno != EINTR)
        {
          rc = cl_fail (err, errno, "wait for process %d", (int) pid);
          goto out;
        }
      if (poll (p, 3, -1) < 0 && errno != EINTR)
        {
          rc = cl_fail (err, errno, "poll");
          goto out;
        }
      if (p[0].revents & POLLIN)
        {
          struct signalfd_siginfo si;
          if (read (sfd, &si, sizeof si) == sizeof si)
            {
              if (si.ssi_signo == SIGWINCH)
                copy_winsize (0, master);
              else if (si.ssi_signo != SIGCHLD)
                kill (pid, (int) si.ssi_signo);
            }
        }
      if ((p[1].revents & (POLLIN | POLLHUP)) && !pump (master, 1) && !(p[1].revents & POLLIN))
        {
          /* The terminal closed: wait for the exit status. */
          int st;
          if (waitpid (pid, &st, 0) == pid)
            *exit_code = WIFSIGNALED (st) ? 128 + WTERMSIG (st) : WEXITSTATUS (st);
          goto out;
        }
      if (stdin_open && (p[2].revents & (POLLIN | POLLHUP)) && !pump (0, master))
        {
          /* Our input ended: the terminal's end-of-file character says so
           * to whatever reads the pty. */
          stdin_open = false;
          (void) !write (master, "\x04", 1);
        }
    }
out:
  if (tty)
    tcsetattr (0, TCSANOW, &saved);
  return rc;
}
