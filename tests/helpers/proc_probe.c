/* Test helper, linked statically so it runs inside a busybox container
 * (CVE-2016-9962, CVE-2019-5736): for SECONDS seconds, watch /proc for new
 * processes and try what an attacker in the container would try on each:
 * open /proc/N/exe (the runtime binary, while a joining runtime is still
 * running) and /proc/N/mem (what ptrace needs).  Prints
 *   seen N        processes looked at,
 *   refused N     of them whose exe and mem were refused (non-dumpable),
 *   reached N     opens that got the runtime binary (dev:ino given) or the
 *                 memory of a process still running it.
 * usage: proc_probe SECONDS DEV:INO */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEEN 65536

int
main (int argc, char **argv)
{
  unsigned long long dev, ino;
  static unsigned char seen[MAX_SEEN];
  unsigned long n_seen = 0, n_refused = 0, n_reached = 0;
  time_t end;

  if (argc != 3 || sscanf (argv[2], "%llu:%llu", &dev, &ino) != 2)
    {
      fprintf (stderr, "usage: %s SECONDS DEV:INO\n", argv[0]);
      return 2;
    }
  end = time (NULL) + atoi (argv[1]);
  while (time (NULL) < end)
    {
      DIR *d = opendir ("/proc");
      struct dirent *e;
      if (d == NULL)
        return 2;
      while ((e = readdir (d)) != NULL)
        {
          char path[64];
          struct stat st;
          int pid = atoi (e->d_name), exe, mem;
          if (pid <= 1 || pid >= MAX_SEEN || pid == getpid () || seen[pid] == 2)
            continue;
          if (!seen[pid])
            n_seen++;
          seen[pid] = 1;
          snprintf (path, sizeof path, "/proc/%d/exe", pid);
          exe = open (path, O_RDONLY | O_CLOEXEC);
          snprintf (path, sizeof path, "/proc/%d/mem", pid);
          mem = open (path, O_RDONLY | O_CLOEXEC);
          if (exe < 0 && mem < 0 && (errno == EACCES || errno == EPERM))
            {
              n_refused++;
              seen[pid] = 2;   /* counted once */
            }
          if (exe >= 0 && fstat (exe, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
            n_reached++;
          if (mem >= 0)
            {
              /* The memory of a process whose exe is still the runtime. */
              snprintf (path, sizeof path, "/proc/%d/exe", pid);
              if (stat (path, &st) == 0 && st.st_dev == dev && st.st_ino == ino)
                n_reached++;
            }
          if (exe >= 0)
            close (exe);
          if (mem >= 0)
            close (mem);
        }
      closedir (d);
    }
  printf ("seen %lu\nrefused %lu\nreached %lu\n", n_seen, n_refused, n_reached);
  return 0;
}
