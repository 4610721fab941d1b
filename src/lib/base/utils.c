/* crun-lite: shared helpers (see include/base/utils.h). */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "base/utils.h"

void
freep (void *p)
{
  free (*(void **) p);
}

void
closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
  *fd = -1;
}

void
fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
  *f = NULL;
}

void
closedirp (DIR **d)
{
  if (*d)
    closedir (*d);
  *d = NULL;
}

void
strv_free (char **v)
{
  if (v == NULL)
    return;
  for (char **p = v; *p; p++)
    free (*p);
  free (v);
}

void
strv_freep (char ***v)
{
  strv_free (*v);
  *v = NULL;
}

void
strv_append (char ***v, const char *s)
{
  size_t n = strv_len (*v);
  *v = xrealloc (*v, (n + 2) * sizeof **v);
  (*v)[n] = xstrdup (s);
  (*v)[n + 1] = NULL;
}

bool
strv_has (char *const *v, const char *s)
{
  for (; v && *v; v++)
    if (strcmp (*v, s) == 0)
      return true;
  return false;
}

size_t
strv_len (char *const *v)
{
  size_t n = 0;
  while (v && v[n])
    n++;
  return n;
}

static void __attribute__ ((noreturn))
out_of_memory (void)
{
  static const char msg[] = "crun-lite: out of memory\n";
  if (write (2, msg, sizeof msg - 1) < 0)
    abort ();
  abort ();
}

void *
xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (p == NULL)
    out_of_memory ();
  return p;
}

void *
xzalloc (size_t n)
{
  void *p = calloc (1, n ? n : 1);
  if (p == NULL)
    out_of_memory ();
  return p;
}

void *
xrealloc (void *p, size_t n)
{
  p = realloc (p, n ? n : 1);
  if (p == NULL)
    out_of_memory ();
  return p;
}

char *
xstrdup (const char *s)
{
  char *r;
  if (s == NULL)
    return NULL;
  r = strdup (s);
  if (r == NULL)
    out_of_memory ();
  return r;
}

char *
xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *s;
  va_start (ap, fmt);
  if (vasprintf (&s, fmt, ap) < 0)
    out_of_memory ();
  va_end (ap);
  return s;
}

void
buf_append (void *data_ptr, size_t *len, size_t *cap, const void *p, size_t n)
{
  char **data = data_ptr;
  if (*len + n > *cap)
    {
      *cap = (*len + n) * 2 + 64;
      *data = xrealloc (*data, *cap);
    }
  memcpy (*data + *len, p, n);
  *len += n;
}

long long
monotonic_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
write_all (int fd, const void *buf, size_t len)
{
  const char *p = buf;
  while (len > 0)
    {
      ssize_t w = write (fd, p, len);
      if (w < 0)
        {
          if (errno == EINTR)
            continue;
          return -1;
        }
      p += w;
      len -= (size_t) w;
    }
  return 0;
}

int
read_all_fd (int fd, size_t max, char **out, size_t *len, cl_error **err)
{
  size_t cap = 4096, used = 0;
  cleanup_free char *buf = xmalloc (cap + 1);

  for (;;)
    {
      ssize_t r;
      if (used == cap)
        {
          if (cap >= max)
            return cl_fail (err, EFBIG, "file larger than %zu bytes", max);
          cap = cap * 2 > max ? max : cap * 2;
          buf = xrealloc (buf, cap + 1);
        }
      r = read (fd, buf + used, cap - used);
      if (r < 0)
        {
          if (errno == EINTR)
            continue;
          return cl_fail (err, errno, "read");
        }
      if (r == 0)
        break;
      used += (size_t) r;
    }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = steal_ptr (&buf);
  return 0;
}

int
read_file_at (int dirfd, const char *path, size_t max, char **out, size_t *len, cl_error **err)
{
  cleanup_close int fd = openat (dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "open `%s`", path);
  if (read_all_fd (fd, max, out, len, err) < 0)
    return cl_wrap (err, "%s", path);
  return 0;
}

int
write_file_at (int dirfd, const char *path, const char *data, size_t len, cl_error **err)
{
  cleanup_close int fd = openat (dirfd, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return cl_fail (err, errno, "open `%s`", path);
  if (write_all (fd, data, len) < 0)
    return cl_fail (err, errno, "write `%s`", path);
  return 0;
}

/* Put `tmp` in the place of an existing regular file `name` by exchanging
 * the two names and unlinking the old file: a reader sees the old or the
 * new file, as with rename.  ext4 starts writeback of a file renamed over
 * another (auto_da_alloc), 0.19 ms a write on this project's test machine,
 * every state record update paying it; an exchange, 0.03 ms.  False when
 * there is nothing to replace, it is not a regular file, or the file system
 * has no exchange: the caller renames. */
static bool
replace_by_exchange (int dirfd, const char *tmp, const char *name)
{
  struct stat st;
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG (st.st_mode)
      || renameat2 (dirfd, tmp, dirfd, name, RENAME_EXCHANGE) < 0)
    return false;
  unlinkat (dirfd, tmp, 0);
  return true;
}

int
write_file_atomic (int dirfd, const char *name, const char *data, size_t len, mode_t mode, cl_error **err)
{
  cleanup_free char *tmp = xasprintf ("%s.tmp.%d", name, (int) getpid ());
  cleanup_close int fd = openat (dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
  if (fd < 0)
    return cl_fail (err, errno, "create `%s`", tmp);
  if (write_all (fd, data, len) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return cl_fail (err, saved, "write `%s`", tmp);
    }
  if (replace_by_exchange (dirfd, tmp, name))
    return 0;
  if (renameat (dirfd, tmp, dirfd, name) < 0)
    {
      int saved = errno;
      unlinkat (dirfd, tmp, 0);
      return cl_fail (err, saved, "rename `%s` to `%s`", tmp, name);
    }
  return 0;
}

char *
absolute_path (const char *path)
{
  char cwd[PATH_MAX];
  if (path[0] == '/' || getcwd (cwd, sizeof cwd) == NULL)
    return xstrdup (path);
  return xasprintf ("%s/%s", cwd, path);
}

int
mkdir_p (const char *path, mode_t mode, cl_error **err)
{
  cleanup_free char *copy = xstrdup (path);
  for (char *p = copy + 1; *p; p++)
    {
      if (*p != '/')
        continue;
      *p = '\0';
      if (mkdir (copy, mode) < 0 && errno != EEXIST)
        return cl_fail (err, errno, "mkdir `%s`", copy);
      *p = '/';
    }
  if (mkdir (copy, mode) < 0 && errno != EEXIST)
    return cl_fail (err, errno, "mkdir `%s`", copy);
  return 0;
}

void
rfc3339_now (char *buf, size_t n)
{
  struct timespec ts;
  struct tm tm;
  char base[32];

  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, n, "%s.%09ldZ", base, ts.tv_nsec);
}

int
parse_uint64 (const char *s, unsigned long long *out)
{
  char *end;
  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  errno = 0;
  *out = strtoull (s, &end, 10);
  if (errno || *end)
    return -1;
  return 0;
}

unsigned long long
process_start_time (pid_t pid)
{
  char path[64], buf[1024];
  cleanup_close int fd = -1;
  ssize_t r;
  char *p;
  int field;

  snprintf (path, sizeof path, "/proc/%d/stat", (int) pid);
  fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return 0;
  r = read (fd, buf, sizeof buf - 1);
  if (r <= 0)
    return 0;
  buf[r] = '\0';
  /* The command name (field 2) may contain spaces and parentheses: skip to
   * the last ')' before counting fields. */
  p = strrchr (buf, ')');
  if (p == NULL)
    return 0;
  /* After ") " comes field 3 (state). A zombie has exited: not alive. */
  if (p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'))
    return 0;
  for (field = 2; *p && field < 22; p++)
    if (*p == ' ')
      field++;
  return strtoull (p, NULL, 10);
}

bool
running_rootless (void)
{
  static int cached = -1;
  char buf[256] = "";
  unsigned long long inside, outside, count;
  cleanup_close int fd = -1;

  if (cached >= 0)
    return cached;
  if (geteuid () != 0)
    return (cached = 1);
  /* uid 0, but in a user namespace that maps only part of the ids (what
   * rootless podman hands the runtime): no more privileged than the user. */
  fd = open ("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read (fd, buf, sizeof buf - 1) <= 0)
    return (cached = 0);
  if (sscanf (buf, "%llu %llu %llu", &inside, &outside, &count) != 3)
    return (cached = 0);
  cached = !(inside == 0 && outside == 0 && count == 4294967295ULL);
  return cached;
}

const char *
errno_text_lower (int errnum)
{
  static __thread char buf[128];
  const char *text = strerror (errnum);
  snprintf (buf, sizeof buf, "%s", text);
  if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
    buf[0] = (char) (buf[0] - 'A' + 'a');
  return buf;
}

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

static bool
fd_kept (int fd, const int *keep, size_t n_keep)
{
  for (size_t i = 0; i < n_keep; i++)
    if (keep[i] == fd)
      return true;
  return false;
}

/* close_range over the gaps between the kept fds, lowest first. */
static int
close_range_except (unsigned int from, const int *keep, size_t n_keep, unsigned int flags)
{
  for (;;)
    {
      long next = -1;   /* the lowest kept fd >= from */
      for (size_t i = 0; i < n_keep; i++)
        if (keep[i] >= 0 && (unsigned int) keep[i] >= from && (next < 0 || keep[i] < next))
          next = keep[i];
      if (next < 0)
        return (int) syscall (SYS_close_range, from, ~0U, flags);
      if ((unsigned long) next > from && syscall (SYS_close_range, from, (unsigned int) next - 1, flags) < 0)
        return -1;
      from = (unsigned int) next + 1;
    }
}

static void
fd_release (int fd, bool cloexec)
{
  if (cloexec)
    fcntl (fd, F_SETFD, FD_CLOEXEC);
  else
    close (fd);
}

void
fds_close_from (int from, const int *keep, size_t n_keep, bool cloexec)
{
  DIR *d;
  struct rlimit rl;

  if (close_range_except ((unsigned int) from, keep, n_keep, cloexec ? CLOSE_RANGE_CLOEXEC : 0) == 0)
    return;
  d = opendir ("/proc/self/fd");
  if (d)
    {
      /* Listed first, released after: the listing's own fd is among them. */
      int *fds = NULL;
      size_t n = 0;
      for (struct dirent *e; (e = readdir (d));)
        {
          int fd = atoi (e->d_name);
          if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd >= from && fd != dirfd (d) && !fd_kept (fd, keep, n_keep))
            {
              fds = realloc (fds, (n + 1) * sizeof *fds);
              if (fds == NULL)
                abort ();
              fds[n++] = fd;
            }
        }
      closedir (d);
      for (size_t i = 0; i < n; i++)
        fd_release (fds[i], cloexec);
      free (fds);
      return;
    }
  if (getrlimit (RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > (1u << 20))
    rl.rlim_cur = 1u << 20;
  for (int fd = from; (rlim_t) fd < rl.rlim_cur; fd++)
    if (!fd_kept (fd, keep, n_keep))
      fd_release (fd, cloexec);
}

void
kill_and_reap (pid_t pid)
{
  if (pid <= 0)
    return;
  kill (pid, SIGKILL);
  while (waitpid (pid, NULL, 0) < 0 && errno == EINTR)
    ;
}

char *
passwd_name_of (const char *passwd, uid_t uid)
{
  for (const char *line = passwd; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    {
      const char *end = strchrnul (line, '\n'), *c1 = memchr (line, ':', (size_t) (end - line));
      const char *c2 = c1 ? memchr (c1 + 1, ':', (size_t) (end - c1 - 1)) : NULL;
      char *num_end;
      unsigned long long v;
      if (c2 == NULL || c1 == line)
        continue;
      errno = 0;
      v = strtoull (c2 + 1, &num_end, 10);
      if (errno == 0 && num_end > c2 + 1 && *num_end == ':' && num_end < end && v == (unsigned long long) uid)
        return strndup (line, (size_t) (c1 - line));
    }
  return NULL;
}

char *
user_name_of (uid_t uid)
{
  cleanup_free char *passwd = NULL;
  size_t len;
  cleanup_error cl_error *ignored = NULL;
  char *name = NULL;
  if (read_file_at (AT_FDCWD, "/etc/passwd", 1 << 22, &passwd, &len, &ignored) == 0)
    name = passwd_name_of (passwd, uid);
  return name ? name : xasprintf ("%u", (unsigned) uid);
}

int
parse_cpu_list (const char *s, cpu_set_t *out)
{
  const char *p = s;
  CPU_ZERO (out);
  if (*p == '\0')
    return -1;
  while (*p)
    {
      char *end;
      long lo = strtol (p, &end, 10), hi;
      if (end == p || lo < 0 || lo >= CPU_SETSIZE)
        return -1;
      hi = lo;
      p = end;
      if (*p == '-')
        {
          hi = strtol (p + 1, &end, 10);
          if (end == p + 1 || hi < lo || hi >= CPU_SETSIZE)
            return -1;
          p = end;
        }
      for (long c = lo; c <= hi; c++)
        CPU_SET ((int) c, out);
      if (*p == ',')
        p++;
      else if (*p)
        return -1;
    }
  return 0;
}
