/* crun-lite: checkpoint and restore through CRIU (see include/container/checkpoint.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cgroup/cgroup.h"
#include "container/checkpoint.h"
#include "container/container.h"
#include "container/container_exec.h"
#include "container/foreground.h"
#include "base/log.h"
#include "config/mount_options.h"
#include "config/oci_config.h"
#include "base/utils.h"

/* The criu binary: --criu, else PATH, else where Debian and a source
 * install put it (engines may call us without PATH). */
static char *
find_criu (const char *given, cl_error **err)
{
  static const char *const fallback[] = { "/usr/sbin/criu", "/usr/local/sbin/criu", "/sbin/criu", "/usr/bin/criu" };
  const char *path = getenv ("PATH");
  if (given)
    return xstrdup (given);
  if (path && *path)
    {
      cleanup_free char *copy = xstrdup (path);
      for (char *save = NULL, *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
        {
          char *cand = xasprintf ("%s/criu", dir);
          if (access (cand, X_OK) == 0)
            return cand;
          free (cand);
        }
    }
  for (size_t i = 0; i < sizeof fallback / sizeof fallback[0]; i++)
    if (access (fallback[i], X_OK) == 0)
      return xstrdup (fallback[i]);
  cl_fail_as (err, ENOENT, "criu: not found in PATH nor /usr/sbin (apt-get install criu, or --criu PATH)");
  return NULL;
}

/* --parent-path names a pre-dump's images relative to the image path
 * (criu's --prev-images-dir), and they must be there (runc checks both). */
static int
check_parent_path (const char *images, const char *parent, cl_error **err)
{
  cleanup_free char *path = NULL;
  struct stat st;
  if (parent == NULL)
    return 0;
  if (parent[0] == '/')
    return cl_fail_as (err, EINVAL, "--parent-path: `%s` must be relative to the image path", parent);
  path = xasprintf ("%s/%s", images, parent);
  if (stat (path, &st) < 0 || !S_ISDIR (st.st_mode))
    return cl_fail_as (err, ENOENT, "--parent-path: no pre-dump at `%s`", path);
  return 0;
}

/* What go-runc passes for migration and incremental dumps, handed to criu
 * as its own options. */
static void
add_criu_transfer_options (char ***argv, const struct criu_options *o)
{
  if (o->parent_path)
    {
      strv_append (argv, "--prev-images-dir");
      strv_append (argv, o->parent_path);
      strv_append (argv, "--track-mem");
    }
  if (o->page_server)
    {
      cleanup_free char *addr = xstrdup (o->page_server);
      char *port = strrchr (addr, ':');
      if (port)
        *port++ = '\0';
      strv_append (argv, "--page-server");
      if (*addr)
        {
          strv_append (argv, "--address");
          strv_append (argv, addr);
        }
      if (port && *port)
        {
          strv_append (argv, "--port");
          strv_append (argv, port);
        }
    }
  if (o->status_fd >= 0)
    {
      cleanup_free char *fd = xasprintf ("%d", o->status_fd);
      strv_append (argv, "--status-fd");
      strv_append (argv, fd);
    }
  if (o->auto_dedup)
    strv_append (argv, "--auto-dedup");
  if (o->tcp_skip_in_flight)
    strv_append (argv, "--skip-in-flight");
  if (o->link_remap)
    strv_append (argv, "--link-remap");
  if (o->lazy_pages)
    strv_append (argv, "--lazy-pages");
}

static void
add_criu_options (char ***argv, const struct criu_options *o, const char *images, const char *work,
                  const char *log_file)
{
  strv_append (argv, "--images-dir");
  strv_append (argv, images);
  strv_append (argv, "--work-dir");
  strv_append (argv, work);
  strv_append (argv, "--log-file");
  strv_append (argv, log_file);
  strv_append (argv, "-v4");
  if (o->tcp_established)
    strv_append (argv, "--tcp-established");
  if (o->ext_unix_sk)
    strv_append (argv, "--ext-unix-sk");
  if (o->shell_job)
    strv_append (argv, "--shell-job");
  if (o->file_locks)
    strv_append (argv, "--file-locks");
  if (o->empty_netns)
    {
      strv_append (argv, "--empty-ns");
      strv_append (argv, "net");
    }
  add_criu_transfer_options (argv, o);
}

static void
add_external_mount (char ***argv, const char *key, const char *value)
{
  cleanup_free char *map = xasprintf ("%s:%s", key, value);
  strv_append (argv, "--ext-mount-map");
  strv_append (argv, map);
}

/* Mounts criu cannot dump as part of the container, because their source
 * is on the host: binds (restored from their source) and the /dev/null
 * binds of linux.maskedPaths files (restored from /dev/null).  On dump the
 * map names each by its destination; on restore, by what to bind there. */
static int
add_external_mounts (char ***argv, const struct oci_config *cfg, const char *bundle, bool restore, cl_error **err)
{
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      const struct oci_mount *m = &cfg->mounts[i];
      struct mount_opts o;
      bool bind;
      if (mount_options_parse (m->options, &o, err) < 0)
        return cl_wrap (err, "mounts[%zu]", i);
      bind = o.bind || (m->type && strcmp (m->type, "bind") == 0);
      mount_opts_release (&o);
      if (!bind || m->source == NULL)
        continue;
      if (restore)
        {
          cleanup_free char *src = m->source[0] == '/' ? xstrdup (m->source) : xasprintf ("%s/%s", bundle, m->source);
          add_external_mount (argv, m->destination, src);
        }
      else
        add_external_mount (argv, m->destination, m->destination);
    }
  /* A masked path is a /dev/null bind when it is a file (a tmpfs, which
   * criu dumps itself, when a directory); /proc and /sys look the same
   * from here as from the container. */
  for (char **p = cfg->linux_section.masked_paths; p && *p; p++)
    {
      struct stat st;
      if (lstat (*p, &st) == 0 && !S_ISDIR (st.st_mode))
        add_external_mount (argv, *p, restore ? "/dev/null" : *p);
    }
  return 0;
}

#define STDIO_RECORD "crun-lite-stdio"

/* The init's stdio come from outside the container (engines give pipes,
 * a shell gives its terminal or /dev/null): criu cannot dump what they
 * point to, so they are declared external (files) and recorded, and
 * restore hands the restoring caller's own stdio in their place (as
 * runc does).  Returns the record's text ("N KEY" lines). */
static char *
external_stdio (pid_t pid, char ***argv)
{
  char *record = xstrdup ("");
  for (int n = 0; n < 3; n++)
    {
      char path[64], link[PATH_MAX], *key = NULL;
      struct stat st;
      ssize_t len;
      snprintf (path, sizeof path, "/proc/%d/fd/%d", (int) pid, n);
      len = readlink (path, link, sizeof link - 1);
      if (len <= 0)
        continue;
      link[len] = '\0';
      if (strncmp (link, "pipe:", 5) == 0 || strncmp (link, "socket:", 7) == 0)
        key = xstrdup (link);
      else if (link[0] == '/' && stat (path, &st) == 0)
        {
          cleanup_free char *info = NULL;
          size_t ilen;
          cleanup_error cl_error *ignored = NULL;
          char *mnt;
          snprintf (path, sizeof path, "/proc/%d/fdinfo/%d", (int) pid, n);
          if (read_file_at (AT_FDCWD, path, 4096, &info, &ilen, &ignored) < 0 || (mnt = strstr (info, "mnt_id:")) == NULL)
            continue;
          key = xasprintf ("file[%x:%llx]", (unsigned) strtoul (mnt + 7, NULL, 10), (unsigned long long) st.st_ino);
          strv_append (argv, "--external");
          strv_append (argv, key);
        }
      if (key)
        {
          char *more = xasprintf ("%s%d %s\n", record, n, key);
          free (record);
          record = more;
          free (key);
        }
    }
  return record;
}

/* Restore: each recorded stdio is our own fd of that number. */
static void
inherit_stdio (const char *images, char ***argv)
{
  cleanup_free char *path = xasprintf ("%s/" STDIO_RECORD, images);
  cleanup_free char *data = NULL;
  size_t len;
  cleanup_error cl_error *ignored = NULL;
  if (read_file_at (AT_FDCWD, path, 65536, &data, &len, &ignored) < 0)
    return;
  for (char *save = NULL, *line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
    {
      int n;
      char key[512];
      if (sscanf (line, "%d %511s", &n, key) == 2 && n >= 0 && n < 3)
        {
          cleanup_free char *arg = xasprintf ("fd[%d]:%s", n, key);
          strv_append (argv, "--inherit-fd");
          strv_append (argv, arg);
        }
    }
}

/* criu's own reason, from its log: the first error line (the cause; the
 * ones after it are consequences) and the last (what gave up), without
 * their timestamps. */
static char *
criu_errors (const char *log_file)
{
  cleanup_free char *data = NULL;
  size_t len;
  cleanup_error cl_error *ignored = NULL;
  char *first = NULL, *last = NULL;
  if (read_file_at (AT_FDCWD, log_file, 8u << 20, &data, &len, &ignored) < 0)
    return NULL;
  for (char *line = data; line && *line;)
    {
      char *nl = strchr (line, '\n');
      char *text = line;
      if (nl)
        *nl = '\0';
      if (*text == '(' && strchr (text, ')'))
        text = strchr (text, ')') + 1;
      text += strspn (text, " ");
      if (strncmp (text, "Error", 5) == 0)
        {
          if (first == NULL)
            first = text;
          last = text;
        }
      line = nl ? nl + 1 : NULL;
    }
  if (first == NULL)
    return NULL;
  return first == last ? xstrdup (first) : xasprintf ("%s ... %s", first, last);
}

/* Where restore runs criu: in the container's cgroup (so the restored
 * tasks are born there, with criu's cgroup handling off), in a mount
 * namespace of its own where the rootfs is bound at criu_root. */
struct restore_env
{
  const struct cgroup *cg;
  const char *rootfs, *criu_root;
};

static int
run_criu (const char *action, char *const *argv, const struct restore_env *env, const char *log_file,
          cl_error **err)
{
  int status;
  pid_t pid;
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    return cl_fail (err, errno, "fork criu");
  if (pid == 0)
    {
      sigset_t none;
      /* A foreground restore blocked what it forwards: criu needs SIGCHLD. */
      sigemptyset (&none);
      sigprocmask (SIG_SETMASK, &none, NULL);
      if (env)
        {
          cl_error *e = NULL;
          if (env->cg && cgroup_enter (env->cg, getpid (), &e) < 0)
            {
              fprintf (stderr, "crun-lite: %s\n", e->msg);
              _exit (126);
            }
          if (unshare (CLONE_NEWNS) < 0 || mount (NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0
              || mount (env->rootfs, env->criu_root, NULL, MS_BIND | MS_REC, NULL) < 0)
            {
              fprintf (stderr, "crun-lite: criu: bind the rootfs for restore: %s\n", strerror (errno));
              _exit (126);
            }
        }
      execv (argv[0], argv);
      fprintf (stderr, "crun-lite: exec `%s`: %s\n", argv[0], strerror (errno));
      _exit (127);
    }
  while (waitpid (pid, &status, 0) < 0)
    if (errno != EINTR)
      return cl_fail (err, errno, "wait for criu");
  if (WIFEXITED (status) && WEXITSTATUS (status) == 0)
    return 0;
  {
    cleanup_free char *why = criu_errors (log_file);
    char how[32];
    if (WIFEXITED (status))
      snprintf (how, sizeof how, "exit status %d", WEXITSTATUS (status));
    else
      snprintf (how, sizeof how, "signal %d", WTERMSIG (status));
    return cl_fail (err, 0, "criu %s failed (%s): %s (log: %s)", action, how,
                    why ? why : "no error line in its log", log_file);
  }
}

static int
make_dir (const char *path, const char *what, cl_error **err)
{
  if (mkdir_p (path, 0700, err) < 0)
    return cl_wrap (err, "%s", what);
  return 0;
}

int
container_checkpoint (const struct checkpoint_options *o, cl_error **err)
{
  cleanup_free char *criu = find_criu (o->criu.criu, err);
  cleanup_free char *images = absolute_path (o->criu.image_path ? o->criu.image_path : "checkpoint");
  cleanup_free char *work = o->criu.work_path ? absolute_path (o->criu.work_path) : xstrdup (images);
  cleanup_free char *log_file = xasprintf ("%s/dump.log", work);
  cleanup_config struct oci_config *cfg = NULL;
  cleanup_strv char **argv = NULL;
  char pid[16];

  /* The flags first, as runc: a bad --parent-path is named whatever the
   * container is. */
  if (criu == NULL || check_parent_path (images, o->criu.parent_path, err) < 0)
    return -1;
  {
    cleanup_container_ref struct container_ref ref;
    if (container_ref_open (o->root, o->id, &ref, err) < 0)
      return -1;
    if (ref.status != STATUS_RUNNING && ref.status != STATUS_PAUSED)
      return cl_fail (err, 0, "container is not running: %s", o->id);
    if (container_load_config (o->root, o->id, &cfg, err) < 0)
      return -1;
    if (cfg->process.terminal && !o->criu.shell_job)
      return cl_fail_as (err, ENOTSUP, "checkpoint `%s`: a container with a terminal needs --shell-job", o->id);
    if (make_dir (images, "--image-path", err) < 0 || make_dir (work, "--work-path", err) < 0)
      return -1;
    snprintf (pid, sizeof pid, "%d", (int) ref.st->pid);
    strv_append (&argv, criu);
    /* A pre-dump copies the memory and leaves the container running; a
     * later dump with --parent-path sends only what changed. */
    strv_append (&argv, o->pre_dump ? "pre-dump" : "dump");
    if (o->pre_dump)
      strv_append (&argv, "--track-mem");
    strv_append (&argv, "--tree");
    strv_append (&argv, pid);
    strv_append (&argv, "--root");
    strv_append (&argv, ref.st->rootfs);
    add_criu_options (&argv, &o->criu, images, work, log_file);
    if (o->criu.manage_cgroups_mode)
      {
        cleanup_free char *m = xasprintf ("--manage-cgroups=%s", o->criu.manage_cgroups_mode);
        strv_append (&argv, m);
      }
    if (o->leave_running && !o->pre_dump)
      strv_append (&argv, "--leave-running");
    if (add_external_mounts (&argv, cfg, ref.st->bundle, false, err) < 0)
      return -1;
    {
      cleanup_free char *record = external_stdio (ref.st->pid, &argv);
      cleanup_close int imgfd = open (images, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (imgfd < 0 || write_file_atomic (imgfd, STDIO_RECORD, record, strlen (record), 0600, err) < 0)
        return imgfd < 0 ? cl_fail (err, errno, "--image-path `%s`", images) : -1;
    }
    log_debug ("checkpoint %s: criu dump of pid %s into %s", o->id, pid, images);
    /* The lock is held while criu runs: no other command acts meanwhile. */
    if (run_criu (o->pre_dump ? "pre-dump" : "dump", argv, NULL, log_file, err) < 0)
      return cl_wrap (err, "checkpoint `%s`", o->id);
  }
  if (o->leave_running || o->pre_dump)
    return 0;
  /* Its processes are gone with the dump: the container goes too, as
   * with runc (restore makes it again). */
  return container_delete (o->root, o->id, true, err);
}

static int
read_restored_pid (const char *path, pid_t *pid, cl_error **err)
{
  cleanup_free char *data = NULL;
  size_t len;
  unsigned long long v;
  if (read_file_at (AT_FDCWD, path, 64, &data, &len, err) < 0)
    return cl_wrap (err, "criu's pid file");
  data[strcspn (data, "\n")] = '\0';
  if (parse_uint64 (data, &v) < 0 || v == 0 || v > INT_MAX)
    return cl_fail (err, EPROTO, "criu's pid file `%s`: not a pid", path);
  *pid = (pid_t) v;
  return 0;
}

int
container_restore (const struct restore_options *o, int *exit_code, cl_error **err)
{
  cleanup_free char *criu = find_criu (o->criu.criu, err);
  cleanup_free char *bundle = realpath (o->bundle ? o->bundle : ".", NULL);
  cleanup_free char *images = absolute_path (o->criu.image_path ? o->criu.image_path : "checkpoint");
  cleanup_free char *work = o->criu.work_path ? absolute_path (o->criu.work_path) : xstrdup (images);
  cleanup_free char *log_file = xasprintf ("%s/restore.log", work);
  cleanup_free char *config_data = NULL, *rootfs = NULL, *state_dir = NULL, *criu_root = NULL, *pid_path = NULL;
  cleanup_config struct oci_config *cfg = NULL;
  cleanup_cgroup struct cgroup *cg = NULL;
  cleanup_strv char **argv = NULL;
  cleanup_close int rootfd = -1, dirfd = -1;
  struct create_options co = { .root = o->root, .id = o->id, .bundle = o->bundle, .pid_file = o->pid_file };
  struct restore_env env = { 0 };
  size_t config_len;
  pid_t pid = -1;
  sigset_t old;

  *exit_code = 0;
  if (criu == NULL || state_validate_id (o->id, err) < 0)
    return -1;
  if (bundle == NULL)
    return cl_fail (err, errno, "bundle `%s`", o->bundle ? o->bundle : ".");
  if (container_load_bundle (bundle, &cfg, &config_data, &config_len, &rootfs, err) < 0
      || cgroup_plan (cfg, o->id, &cg, err) < 0)
    return -1;
  if (cfg->process.terminal && !o->criu.shell_job)
    return cl_fail_as (err, ENOTSUP, "restore `%s`: a container with a terminal needs --shell-job", o->id);
  {
    struct stat st;
    if (stat (images, &st) < 0 || !S_ISDIR (st.st_mode))
      return cl_fail (err, errno ? errno : ENOTDIR, "restore `%s`: --image-path `%s`", o->id, images);
  }
  if (state_root_open (o->root, true, &rootfd, err) < 0 || state_dir_create (rootfd, o->id, &dirfd, err) < 0)
    return -1;

  /* From here on, a failure removes the cgroup and the state directory;
   * a runtime killed on the way leaves the record for `delete --force`. */
  if (container_record_plan (dirfd, &co, bundle, rootfs, cfg, cg, config_data, config_len, err) < 0
      || cgroup_create_for (cg, cfg, err) < 0)
    goto fail;
  state_dir = xasprintf ("%s/%s", o->root, o->id);
  criu_root = xasprintf ("%s/criu-root", state_dir);
  pid_path = xasprintf ("%s/criu.pid", state_dir);
  if (mkdir (criu_root, 0700) < 0 && errno != EEXIST)
    {
      cl_fail (err, errno, "mkdir `%s`", criu_root);
      goto fail;
    }
  strv_append (&argv, criu);
  strv_append (&argv, "restore");
  strv_append (&argv, "--root");
  strv_append (&argv, criu_root);
  strv_append (&argv, "--restore-detached");
  strv_append (&argv, "--restore-sibling");
  strv_append (&argv, "--pidfile");
  strv_append (&argv, pid_path);
  add_criu_options (&argv, &o->criu, images, work, log_file);
  {
    /* Ours by default: the tasks are born in the cgroup criu runs in. */
    cleanup_free char *m = xasprintf ("--manage-cgroups=%s", o->criu.manage_cgroups_mode ? o->criu.manage_cgroups_mode
                                                                                          : "ignore");
    strv_append (&argv, m);
  }
  if (add_external_mounts (&argv, cfg, bundle, true, err) < 0)
    goto fail;
  inherit_stdio (images, &argv);
  env.cg = cg->n_dirs ? cg : NULL;
  env.rootfs = rootfs;
  env.criu_root = criu_root;
  if (!o->detach)
    foreground_block_signals (&old);
  log_debug ("restore %s: criu restore from %s", o->id, images);
  if (run_criu ("restore", argv, &env, log_file, err) < 0 || read_restored_pid (pid_path, &pid, err) < 0)
    {
      cl_wrap (err, "restore `%s`", o->id);
      goto fail;
    }
  unlink (pid_path);
  rmdir (criu_root);
  if (container_record_state (dirfd, &co, bundle, rootfs, cfg, cg, pid, err) < 0)
    goto fail;
  closep (&dirfd);
  if (o->detach)
    return 0;
  /* Restored as our child: stay with it, as `run` does. */
  return foreground_wait (pid, exit_code, err);

fail:
  if (pid > 0)
    {
      kill (pid, SIGKILL);
      waitpid (pid, NULL, 0);
    }
  if (criu_root)
    rmdir (criu_root);
  container_undo (cg, rootfd, o->id, NULL);
  return -1;
}
