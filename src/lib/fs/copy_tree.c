/* crun-lite: fd-relative directory tree copy (see include/fs/copy_tree.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include "fs/copy_tree.h"
#include "base/utils.h"

/* Deeper than any real image's /run or /tmp; a bound so a crafted rootfs
 * cannot exhaust the stack. */
#define COPY_TREE_MAX_DEPTH 64

static int copy_dir (int src, int dst, int depth, cl_error **err);

static int
copy_file_data (int src_dirfd, int dst_dirfd, const char *name, const struct stat *st, cl_error **err)
{
  cleanup_close int in = openat (src_dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  cleanup_close int out = -1;
  off_t left = st->st_size;

  if (in < 0)
    return cl_fail (err, errno, "open `%s`", name);
  out = openat (dst_dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, st->st_mode & 07777);
  if (out < 0)
    return cl_fail (err, errno, "create `%s`", name);
  while (left > 0)
    {
      ssize_t n = sendfile (out, in, NULL, left > (1 << 30) ? (1 << 30) : (size_t) left);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return cl_fail (err, errno, "copy `%s`", name);
      if (n == 0)
        break;   /* the file shrank under us: copy what there is */
      left -= n;
    }
  return 0;
}

static int
copy_entry (int src, int dst, const char *name, int depth, cl_error **err)
{
  struct stat st;

  if (fstatat (src, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return cl_fail (err, errno, "stat `%s`", name);
  switch (st.st_mode & S_IFMT)
    {
    case S_IFDIR:
      {
        cleanup_close int from = -1, to = -1;
        if (mkdirat (dst, name, 0700) < 0)
          return cl_fail (err, errno, "mkdir `%s`", name);
        from = openat (src, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        to = openat (dst, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (from < 0 || to < 0)
          return cl_fail (err, errno, "open directory `%s`", name);
        if (copy_dir (from, to, depth + 1, err) < 0)
          return cl_wrap (err, "%s", name);
        break;
      }
    case S_IFREG:
      if (copy_file_data (src, dst, name, &st, err) < 0)
        return -1;
      break;
    case S_IFLNK:
      {
        char target[4096];
        ssize_t n = readlinkat (src, name, target, sizeof target - 1);
        if (n < 0)
          return cl_fail (err, errno, "readlink `%s`", name);
        target[n] = '\0';
        if (symlinkat (target, dst, name) < 0)
          return cl_fail (err, errno, "symlink `%s`", name);
        break;
      }
    case S_IFIFO:
    case S_IFCHR:
    case S_IFBLK:
      if (mknodat (dst, name, st.st_mode, st.st_rdev) < 0)
        return cl_fail (err, errno, "mknod `%s`", name);
      break;
    default:
      return 0;   /* sockets belong to a process, not to an image */
    }
  if (fchownat (dst, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EINVAL)
    return cl_fail (err, errno, "chown `%s`", name);
  if (!S_ISLNK (st.st_mode) && fchmodat (dst, name, st.st_mode & 07777, 0) < 0)
    return cl_fail (err, errno, "chmod `%s`", name);
  utimensat (dst, name, (struct timespec[2]){ st.st_atim, st.st_mtim }, AT_SYMLINK_NOFOLLOW);
  return 0;
}

static int
copy_dir (int src, int dst, int depth, cl_error **err)
{
  DIR *dir;
  struct dirent *de;
  int fd, rc = 0;

  if (depth > COPY_TREE_MAX_DEPTH)
    return cl_fail (err, ELOOP, "directories nested deeper than %d", COPY_TREE_MAX_DEPTH);
  fd = openat (src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "open directory");
  dir = fdopendir (fd);
  if (dir == NULL)
    {
      close (fd);
      return cl_fail (err, errno, "read directory");
    }
  while (rc == 0 && (errno = 0, de = readdir (dir)) != NULL)
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      rc = copy_entry (src, dst, de->d_name, depth, err);
    }
  if (rc == 0 && errno)
    rc = cl_fail (err, errno, "read directory");
  closedir (dir);
  return rc;
}

int
copy_tree (int src_dirfd, int dst_dirfd, cl_error **err)
{
  return copy_dir (src_dirfd, dst_dirfd, 0, err);
}
