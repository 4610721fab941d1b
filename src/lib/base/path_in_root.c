/* crun-lite: paths inside the rootfs (see include/base/path_in_root.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/openat2.h>
#include "base/path_in_root.h"
#include "base/utils.h"

#define MAX_SYMLINKS 40

static int openat2_state; /* 0 unknown, 1 works, -1 unavailable */

void
path_in_root_force_fallback (bool on)
{
  openat2_state = on ? -1 : 0;
}

const char *
fd_path (int fd, char buf[32])
{
  snprintf (buf, 32, "/proc/self/fd/%d", fd);
  return buf;
}

/* The fallback: walk one component at a time from rootfd, expanding
 * symlinks ourselves so that "/" and ".." stop at rootfd. */
static int
walk_in_root (int rootfd, const char *path, int *out)
{
  cleanup_free char *todo = xstrdup (path);
  cleanup_close int cur = openat (rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  struct stat root_st;
  int links = 0;
  char *rest = todo;

  if (cur < 0 || fstat (rootfd, &root_st) < 0)
    return -1;
  while (rest && *rest)
    {
      char *slash = strchr (rest, '/');
      char *comp = rest;
      struct stat st;
      cleanup_close int next = -1;

      if (slash)
        {
          *slash = '\0';
          rest = slash + 1;
        }
      else
        rest = NULL;
      if (*comp == '\0' || strcmp (comp, ".") == 0)
        continue;
      if (strcmp (comp, "..") == 0)
        {
          struct stat cur_st;
          if (fstat (cur, &cur_st) < 0)
            return -1;
          if (cur_st.st_dev == root_st.st_dev && cur_st.st_ino == root_st.st_ino)
            continue; /* ".." of the root is the root */
          next = openat (cur, "..", O_PATH | O_DIRECTORY | O_CLOEXEC);
          if (next < 0)
            return -1;
          closep (&cur);
          cur = steal_fd (&next);
          continue;
        }
      next = openat (cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return -1;
      if (fstat (next, &st) < 0)
        return -1;
      if (S_ISLNK (st.st_mode))
        {
          char target[PATH_MAX];
          ssize_t n = readlinkat (next, "", target, sizeof target - 1);
          char *joined;
          if (n < 0)
            return -1;
          target[n] = '\0';
          if (++links > MAX_SYMLINKS)
            {
              errno = ELOOP;
              return -1;
            }
          /* Continue with target + rest; an absolute target restarts at the root. */
          joined = xasprintf ("%s%s%s", target, rest ? "/" : "", rest ? rest : "");
          free (todo);
          todo = rest = joined;
          if (target[0] == '/')
            {
              closep (&cur);
              cur = openat (rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
              if (cur < 0)
                return -1;
            }
          continue;
        }
      if (rest && !S_ISDIR (st.st_mode))
        {
          errno = ENOTDIR;
          return -1;
        }
      closep (&cur);
      cur = steal_fd (&next);
    }
  *out = steal_fd (&cur);
  return 0;
}

/* Turn an O_PATH fd into a real open with `flags`; the magic link refers to
 * the very inode the walk checked. */
static int
reopen_with_flags (int pathfd, int flags)
{
  char buf[32];
  return open (fd_path (pathfd, buf), flags | O_CLOEXEC);
}

int
path_open_in_root (int rootfd, const char *path, int flags, int *out_fd, cl_error **err)
{
  int fd = -1;
  if (openat2_state >= 0)
    {
      struct open_how how = {
        .flags = (unsigned long long) (flags | O_CLOEXEC),
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
      };
      fd = (int) syscall (SYS_openat2, rootfd, path, &how, sizeof how);
      if (fd >= 0)
        openat2_state = 1;
      else if (errno == ENOSYS || (openat2_state == 0 && errno == EPERM))
        openat2_state = -1; /* old kernel, or a seccomp filter refusing it */
      else if (errno == EAGAIN)
        openat2_state = -1; /* racing renames: the walk has no such limit */
    }
  if (fd < 0 && openat2_state < 0)
    {
      cleanup_close int pathfd = -1;
      if (walk_in_root (rootfd, path, &pathfd) == 0)
        {
          if ((flags & O_PATH) == O_PATH)
            fd = steal_fd (&pathfd);
          else
            fd = reopen_with_flags (pathfd, flags);
        }
    }
  if (fd < 0)
    return cl_fail (err, errno, "open `%s` inside the rootfs", path);
  *out_fd = fd;
  return 0;
}

/* Split a path into its non-empty, non-"." components. */
static char **
split_path (const char *path, size_t *n)
{
  cleanup_free char *copy = xstrdup (path);
  char **v = xzalloc ((strlen (path) / 2 + 2) * sizeof *v);
  char *save = NULL;
  *n = 0;
  for (char *tok = strtok_r (copy, "/", &save); tok; tok = strtok_r (NULL, "/", &save))
    if (strcmp (tok, ".") != 0)
      v[(*n)++] = xstrdup (tok);
  return v;
}

static char *
join_prefix (char **comps, size_t upto)
{
  size_t len = 2;
  char *s, *p;
  for (size_t i = 0; i < upto; i++)
    len += strlen (comps[i]) + 1;
  p = s = xmalloc (len);
  *p++ = '/';
  for (size_t i = 0; i < upto; i++)
    p += sprintf (p, "%s%s", comps[i], i + 1 < upto ? "/" : "");
  *p = '\0';
  return s;
}

/* Join components [from, n) onto `head` with "/". */
static char *
join_rest (const char *head, char **comps, size_t from, size_t n)
{
  char *s = xstrdup (head);
  for (size_t i = from; i < n; i++)
    {
      char *t = xasprintf ("%s/%s", s, comps[i]);
      free (s);
      s = t;
    }
  return s;
}

/* One pass over `path`.  Returns 0 with *out_fd, -1 on error, or 1 with
 * *retry set when a dangling symlink was met: its target, inside the root,
 * is what must be created, so the caller starts again from there. */
static int
create_pass (int rootfd, const char *path, mode_t kind, int *out_fd, char **retry, cl_error **err)
{
  size_t n;
  cleanup_strv char **comps = split_path (path, &n);
  cleanup_close int parent = -1;

  if (n == 0)
    return path_open_in_root (rootfd, "/", O_PATH, out_fd, err);
  parent = openat (rootfd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0)
    return cl_fail (err, errno, "open rootfs");
  /* Resolve each prefix from the root, so a symlink met on the way is
   * followed inside the rootfs; what is missing is made relative to the
   * already resolved (and pinned) parent, by a plain name, never a path. */
  for (size_t i = 1; i <= n; i++)
    {
      cleanup_free char *prefix = join_prefix (comps, i);
      cleanup_error cl_error *e = NULL;
      int fd = -1;
      const char *name = comps[i - 1];
      bool last = i == n;

      if (path_open_in_root (rootfd, prefix, O_PATH, &fd, &e) < 0)
        {
          struct stat st;
          if (e->errnum != ENOENT || strcmp (name, "..") == 0)
            return cl_fail (err, e->errnum, "resolve `%s` inside the rootfs", prefix);
          if (fstatat (parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK (st.st_mode))
            {
              /* A dangling symlink: create its target inside the root. */
              char target[PATH_MAX];
              ssize_t len = readlinkat (parent, name, target, sizeof target - 1);
              cleanup_free char *base = NULL;
              if (len < 0)
                return cl_fail (err, errno, "readlink `%s` inside the rootfs", prefix);
              target[len] = '\0';
              /* A relative target is relative to the link's directory (not
               * to the link: "link/.." would meet the dangling link again);
               * ".." above "/" stays at the root. */
              if (target[0] == '/')
                base = xstrdup (target);
              else
                {
                  const char *slash = strrchr (prefix, '/');
                  size_t dir_len = slash ? (size_t) (slash - prefix) : 0;
                  base = xasprintf ("%.*s/%s", (int) dir_len, prefix, target);
                }
              *retry = join_rest (base, comps, i, n);
              return 1;
            }
          if (!last || S_ISDIR (kind))
            {
              if (mkdirat (parent, name, 0755) < 0 && errno != EEXIST)
                return cl_fail (err, errno, "mkdir `%s` inside the rootfs", prefix);
            }
          else
            {
              int f = openat (parent, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
              if (f < 0 && errno != EEXIST)
                return cl_fail (err, errno, "create `%s` inside the rootfs", prefix);
              if (f >= 0)
                close (f);
            }
          cl_error_freep (&e);
          /* Reopen by name below the pinned parent, never following a link
           * that a racing process may have put there meanwhile. */
          fd = openat (parent, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
          if (fd < 0)
            return cl_fail (err, errno, "open `%s` inside the rootfs", prefix);
          if (fstat (fd, &st) < 0 || S_ISLNK (st.st_mode))
            {
              close (fd);
              return cl_fail (err, ELOOP, "`%s` inside the rootfs was replaced by a symlink", prefix);
            }
        }
      closep (&parent);
      parent = fd;
      if (!last)
        {
          struct stat st;
          if (fstat (parent, &st) < 0 || !S_ISDIR (st.st_mode))
            return cl_fail (err, ENOTDIR, "`%s` inside the rootfs", prefix);
        }
    }
  *out_fd = steal_fd (&parent);
  return 0;
}

int
path_create_in_root (int rootfd, const char *path, mode_t kind, int *out_fd, cl_error **err)
{
  cleanup_free char *cur = xstrdup (path);
  for (int links = 0; links <= MAX_SYMLINKS; links++)
    {
      char *next = NULL;
      int rc = create_pass (rootfd, cur, kind, out_fd, &next, err);
      if (rc <= 0)
        return rc;
      free (cur);
      cur = next;
    }
  return cl_fail (err, ELOOP, "`%s` inside the rootfs", path);
}

int
path_open_parent_in_root (int rootfd, const char *path, bool create, int *out_fd, const char **name,
                          cl_error **err)
{
  const char *slash;
  cleanup_free char *dir = NULL;
  size_t len = strlen (path);

  while (len > 1 && path[len - 1] == '/')
    len--;
  dir = xstrdup (path);
  dir[len] = '\0';
  slash = strrchr (dir, '/');
  *name = path + (slash ? (size_t) (slash - dir) + 1 : 0);
  if (**name == '\0' || strcmp (*name, ".") == 0 || strcmp (*name, "..") == 0)
    return cl_fail (err, EINVAL, "`%s`: not a file name", path);
  if (slash)
    dir[slash - dir + (slash == dir)] = '\0';
  else
    strcpy (dir, "/");
  if (create)
    {
      if (path_create_in_root (rootfd, dir, S_IFDIR, out_fd, err) < 0)
        return -1;
    }
  else if (path_open_in_root (rootfd, dir, O_PATH | O_DIRECTORY, out_fd, err) < 0)
    return -1;
  return 0;
}
