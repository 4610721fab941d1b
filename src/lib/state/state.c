/* crun-lite: the state directory (see include/state/state.h). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "config/json_read.h"
#include "state/state.h"
#include "base/utils.h"

int
state_default_root (char **out, cl_error **err)
{
  const char *xdg = getenv ("XDG_RUNTIME_DIR");
  struct stat st;
  char user_run[64];

  if (!running_rootless ())
    {
      *out = xstrdup ("/run/crun-lite");
      return 0;
    }
  /* Unprivileged: the user's runtime directory.  An empty variable counts
   * as unset (engines' cleanup processes may clear it). */
  if (xdg && *xdg)
    {
      if (stat (xdg, &st) < 0 || !S_ISDIR (st.st_mode) || access (xdg, W_OK) < 0)
        return cl_fail (err, errno ? errno : ENOTDIR,
                        "XDG_RUNTIME_DIR=%s is not a directory you can write: fix it, or pass --root DIR", xdg);
      *out = xasprintf ("%s/crun-lite", xdg);
      return 0;
    }
  snprintf (user_run, sizeof user_run, "/run/user/%u", (unsigned) getuid ());
  if (stat (user_run, &st) == 0 && S_ISDIR (st.st_mode) && access (user_run, W_OK) == 0)
    {
      *out = xasprintf ("%s/crun-lite", user_run);
      return 0;
    }
  return cl_fail_as (err, EACCES,
                     "no place for the containers' state: XDG_RUNTIME_DIR is not set and %s is not a directory you "
                     "can write; set XDG_RUNTIME_DIR to one (e.g. export XDG_RUNTIME_DIR=$HOME/.run), or pass --root DIR",
                     user_run);
}

int
state_validate_id (const char *id, cl_error **err)
{
  size_t len = strlen (id);
  if (len == 0)
    return cl_fail (err, 0, "invalid container id: empty");
  if (len > STATE_MAX_ID_LEN)
    return cl_fail (err, 0, "invalid container id: longer than %d characters", STATE_MAX_ID_LEN);
  if (strcmp (id, ".") == 0 || strcmp (id, "..") == 0)
    return cl_fail (err, 0, "invalid container id `%s`", id);
  /* The same alphabet as runc: [A-Za-z0-9_+.-], so an id is always one
   * safe path component. */
  for (const char *p = id; *p; p++)
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
          || strchr ("_+.-", *p)))
      return cl_fail (err, 0, "invalid container id `%s`: only letters, digits and _+.- are allowed", id);
  return 0;
}

int
state_root_open (const char *root, bool create, int *out_fd, cl_error **err)
{
  int fd;
  if (create && mkdir_p (root, 0700, err) < 0)
    return cl_wrap (err, "state root");
  fd = open (root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "open state root `%s`", root);
  *out_fd = fd;
  return 0;
}

static int
lock_dir (int dirfd, const char *id, cl_error **err)
{
  struct stat st;
  if (flock (dirfd, LOCK_EX) < 0)
    return cl_fail (err, errno, "lock container `%s`", id);
  /* Deleted by the previous lock holder while we waited. */
  if (fstat (dirfd, &st) < 0 || st.st_nlink == 0)
    return cl_fail_as (err, ENOENT, "container does not exist: %s", id);
  return 0;
}

int
state_dir_create (int rootfd, const char *id, int *out_dirfd, cl_error **err)
{
  cleanup_close int fd = -1;
  if (state_validate_id (id, err) < 0)
    return -1;
  if (mkdirat (rootfd, id, 0700) < 0)
    {
      if (errno == EEXIST)
        return cl_fail (err, 0, "container with given ID already exists: %s", id);
      return cl_fail (err, errno, "mkdir state dir for `%s`", id);
    }
  fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    return cl_fail (err, errno, "open state dir for `%s`", id);
  if (lock_dir (fd, id, err) < 0)
    return -1;
  *out_dirfd = steal_fd (&fd);
  return 0;
}

int
state_dir_open (int rootfd, const char *id, int *out_dirfd, cl_error **err)
{
  cleanup_close int fd = -1;
  if (state_validate_id (id, err) < 0)
    return -1;
  fd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0)
    {
      if (errno == ENOENT)
        return cl_fail_as (err, ENOENT, "container does not exist: %s", id);
      return cl_fail (err, errno, "open state dir for `%s`", id);
    }
  if (lock_dir (fd, id, err) < 0)
    return -1;
  *out_dirfd = steal_fd (&fd);
  return 0;
}

int
state_dir_remove (int rootfd, const char *id, cl_error **err)
{
  cleanup_close int dfd = openat (rootfd, id, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  cleanup_dir DIR *d = NULL;
  struct dirent *de;

  if (dfd < 0)
    return errno == ENOENT ? 0 : cl_fail (err, errno, "open state dir for `%s`", id);
  d = fdopendir (steal_fd (&dfd));
  if (d == NULL)
    return cl_fail (err, errno, "read state dir for `%s`", id);
  /* Files, and the notify directory (one level): nothing deeper lives
   * here.  A leftover temp file from a crash goes too. */
  while ((de = readdir (d)))
    {
      if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
        continue;
      if (de->d_type == DT_DIR)
        {
          cleanup_close int sub = openat (dirfd (d), de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
          cleanup_dir DIR *sd = sub >= 0 ? fdopendir (steal_fd (&sub)) : NULL;
          struct dirent *se;
          while (sd && (se = readdir (sd)))
            if (strcmp (se->d_name, ".") && strcmp (se->d_name, ".."))
              unlinkat (dirfd (sd), se->d_name, 0);
          if (unlinkat (dirfd (d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT)
            return cl_fail (err, errno, "remove `%s/%s`", id, de->d_name);
        }
      else if (unlinkat (dirfd (d), de->d_name, 0) < 0 && errno != ENOENT)
        return cl_fail (err, errno, "remove `%s/%s`", id, de->d_name);
    }
  if (unlinkat (rootfd, id, AT_REMOVEDIR) < 0 && errno != ENOENT)
    return cl_fail (err, errno, "remove state dir for `%s`", id);
  return 0;
}

#define GEN_STR(g, s) yajl_gen_string (g, (const unsigned char *) (s), strlen (s))

static void
gen_common (yajl_gen g, const struct container_state *st)
{
  GEN_STR (g, "id");
  GEN_STR (g, st->id);
  GEN_STR (g, "pid");
  yajl_gen_integer (g, st->pid);
  GEN_STR (g, "bundle");
  GEN_STR (g, st->bundle);
  GEN_STR (g, "rootfs");
  GEN_STR (g, st->rootfs ? st->rootfs : "");
  GEN_STR (g, "created");
  GEN_STR (g, st->created ? st->created : "");
  GEN_STR (g, "owner");
  GEN_STR (g, st->owner ? st->owner : "");
  GEN_STR (g, "annotations");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < st->n_annotations; i++)
    {
      GEN_STR (g, st->annotations[i].key);
      GEN_STR (g, st->annotations[i].value);
    }
  yajl_gen_map_close (g);
}


int
state_write (int dirfd, const struct container_state *st, cl_error **err)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  cleanup_free char *doc = NULL;
  yajl_gen_map_open (g);
  gen_common (g, st);
  GEN_STR (g, "pidStartTime");
  yajl_gen_integer (g, (long long) st->pid_start_time);
  GEN_STR (g, "hookKinds");
  yajl_gen_integer (g, st->hook_kinds);
  GEN_STR (g, "cgroupV2");
  yajl_gen_bool (g, st->cgroup_v2);
  GEN_STR (g, "cgroupDirs");
  yajl_gen_map_open (g);
  for (size_t i = 0; i < st->n_cgroup_dirs; i++)
    {
      GEN_STR (g, st->cgroup_dirs[i].key);
      GEN_STR (g, st->cgroup_dirs[i].value);
    }
  yajl_gen_map_close (g);
  GEN_STR (g, "cgroupCreated");
  yajl_gen_array_open (g);
  for (char **p = st->cgroup_created; p && *p; p++)
    GEN_STR (g, *p);
  yajl_gen_array_close (g);
  if (st->systemd_unit)
    {
      GEN_STR (g, "systemdUnit");
      GEN_STR (g, st->systemd_unit);
      GEN_STR (g, "systemdUser");
      yajl_gen_bool (g, st->systemd_user);
    }
  if (st->n_net_devices)
    {
      GEN_STR (g, "netDevices");
      yajl_gen_map_open (g);
      for (size_t i = 0; i < st->n_net_devices; i++)
        {
          GEN_STR (g, st->net_devices[i].key);
          GEN_STR (g, st->net_devices[i].value);
        }
      yajl_gen_map_close (g);
      GEN_STR (g, "netDeviceIndexes");
      yajl_gen_array_open (g);
      for (size_t i = 0; i < st->n_net_devices; i++)
        yajl_gen_integer (g, st->net_device_index ? st->net_device_index[i] : 0);
      yajl_gen_array_close (g);
    }
  if (st->host_mounts)
    {
      GEN_STR (g, "hostMountNamespace");
      yajl_gen_bool (g, true);
    }
  if (st->creating)
    {
      GEN_STR (g, "creating");
      yajl_gen_bool (g, true);
    }
  yajl_gen_map_close (g);
  doc = json_gen_take (g, true);
  /* Never synced: see "Crash safety" in doc/DESIGN. */
  return write_file_atomic (dirfd, "state.json", doc, strlen (doc), 0600, err);
}

void
state_gen_oci (yajl_gen g, const struct container_state *st, const char *status)
{
  yajl_gen_map_open (g);
  GEN_STR (g, "ociVersion");
  GEN_STR (g, OCI_VERSION_IMPLEMENTED);
  GEN_STR (g, "status");
  GEN_STR (g, status);
  gen_common (g, st);
  yajl_gen_map_close (g);
}

char *
state_oci_json_as (const struct container_state *st, const char *status, bool pretty)
{
  yajl_gen g = yajl_gen_alloc (NULL);
  if (pretty)
    {
      yajl_gen_config (g, yajl_gen_beautify, 1);
      yajl_gen_config (g, yajl_gen_indent_string, "  ");
    }
  state_gen_oci (g, st, status);
  return json_gen_take (g, true);
}

char *
state_oci_json (const struct container_state *st, enum container_status status)
{
  return state_oci_json_as (st, state_status_name (status), true);
}

/* "netDeviceIndexes": one interface index per netDevices entry, in order
 * (absent in records of older builds: all 0, nothing is moved back). */
static int
read_net_device_indexes (struct jreader *r, yajl_val tree, struct container_state *st)
{
  yajl_val v = jr_get (tree, "netDeviceIndexes");
  st->net_device_index = xzalloc ((st->n_net_devices + 1) * sizeof *st->net_device_index);
  if (v == NULL)
    return 0;
  if (!YAJL_IS_ARRAY (v) || v->u.array.len != st->n_net_devices)
    return jr_fail (r, "netDeviceIndexes: expected one index per netDevices entry");
  for (size_t i = 0; i < st->n_net_devices; i++)
    {
      uint32_t index;
      if (jr_u32_value (r, v->u.array.values[i], &index) < 0)
        return -1;
      st->net_device_index[i] = (int) index;
    }
  return 0;
}

int
state_read (int dirfd, const char *id, struct container_state **out, cl_error **err)
{
  cleanup_free char *data = NULL;
  size_t len;
  yajl_val tree = NULL;
  struct jreader r = { .err = err };
  struct container_state *st;
  int64_t pid = 0;
  uint64_t start = 0;
  int rc;

  if (read_file_at (dirfd, "state.json", 1 << 20, &data, &len, err) < 0)
    {
      if ((*err)->errnum == ENOENT)
        return cl_fail_as (err, ENOENT, "container does not exist: %s", id);
      return cl_wrap (err, "state of `%s`", id);
    }
  if (jr_parse_tree (data, len, "state.json", &tree, err) < 0)
    return cl_wrap (err, "state of `%s`", id);
  st = xzalloc (sizeof *st);
  rc = (jr_string (&r, tree, "id", true, &st->id) < 0 || jr_i64 (&r, tree, "pid", true, &pid) < 0
        || jr_u64 (&r, tree, "pidStartTime", false, &start) < 0
        || jr_string (&r, tree, "bundle", true, &st->bundle) < 0
        || jr_string (&r, tree, "rootfs", false, &st->rootfs) < 0
        || jr_string (&r, tree, "created", false, &st->created) < 0
        || jr_string (&r, tree, "owner", false, &st->owner) < 0
        || jr_kv_map (&r, tree, "annotations", &st->annotations, &st->n_annotations) < 0
        || jr_u32 (&r, tree, "hookKinds", false, &st->hook_kinds) < 0
        || jr_bool (&r, tree, "cgroupV2", &st->cgroup_v2) < 0
        || jr_kv_map (&r, tree, "cgroupDirs", &st->cgroup_dirs, &st->n_cgroup_dirs) < 0
        || jr_strv (&r, tree, "cgroupCreated", &st->cgroup_created) < 0
        || jr_string (&r, tree, "systemdUnit", false, &st->systemd_unit) < 0
        || jr_bool (&r, tree, "systemdUser", &st->systemd_user) < 0
        || jr_bool (&r, tree, "hostMountNamespace", &st->host_mounts) < 0
        || jr_kv_map (&r, tree, "netDevices", &st->net_devices, &st->n_net_devices) < 0
        || read_net_device_indexes (&r, tree, st) < 0
        || jr_bool (&r, tree, "creating", &st->creating) < 0)
         ? -1
         : 0;
  yajl_tree_free (tree);
  if (rc < 0)
    {
      state_free (st);
      return cl_wrap (err, "state of `%s`: state.json", id);
    }
  st->pid = (pid_t) pid;
  st->pid_start_time = start;
  if (st->rootfs == NULL)
    st->rootfs = xstrdup ("");
  if (st->created == NULL)
    st->created = xstrdup ("");
  *out = st;
  return 0;
}

void
state_free (struct container_state *st)
{
  if (st == NULL)
    return;
  free (st->id);
  free (st->bundle);
  free (st->rootfs);
  free (st->created);
  free (st->owner);
  for (size_t i = 0; i < st->n_annotations; i++)
    {
      free (st->annotations[i].key);
      free (st->annotations[i].value);
    }
  free (st->annotations);
  for (size_t i = 0; i < st->n_cgroup_dirs; i++)
    {
      free (st->cgroup_dirs[i].key);
      free (st->cgroup_dirs[i].value);
    }
  free (st->cgroup_dirs);
  for (size_t i = 0; i < st->n_net_devices; i++)
    {
      free (st->net_devices[i].key);
      free (st->net_devices[i].value);
    }
  free (st->net_devices);
  free (st->net_device_index);
  strv_free (st->cgroup_created);
  free (st->systemd_unit);
  free (st);
}

void
state_freep (struct container_state **st)
{
  state_free (*st);
  *st = NULL;
}

static bool
init_alive (const struct container_state *st)
{
  unsigned long long start;
  if (st->pid <= 0)
    return false;
  start = process_start_time (st->pid);
  /* Gone, a zombie, or the pid now belongs to another process. */
  return start != 0 && (st->pid_start_time == 0 || start == st->pid_start_time);
}

enum container_status
state_status (int dirfd, const struct container_state *st)
{
  /* A create that died half-way: whatever it made is not a container. */
  if (st->creating || !init_alive (st))
    return STATUS_STOPPED;
  if (faccessat (dirfd, STATE_START_GATE, F_OK, AT_SYMLINK_NOFOLLOW) == 0)
    return STATUS_CREATED;
  return STATUS_RUNNING;
}

const char *
state_status_name (enum container_status s)
{
  switch (s)
    {
    case STATUS_CREATED:
      return "created";
    case STATUS_RUNNING:
      return "running";
    case STATUS_PAUSED:
      return "paused";
    case STATUS_STOPPED:
    default:
      return "stopped";
    }
}
