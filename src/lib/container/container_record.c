/* crun-lite: the container's record (state.json and the config's copy in its
 * state directory), written as create goes, and the reference that the
 * operations open to read it (see include/container/container.h). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "base/trace.h"
#include "config/oci_config.h"
#include "cgroup/cgroup.h"
#include "container/container.h"
#include "process/console.h"
#include "container/container_init.h"
#include "container/id_maps.h"
#include "container/validate.h"
#include "process/hooks.h"
#include "base/log.h"
#include "process/lsm.h"
#include "fs/idmap.h"
#include "container/intel_rdt.h"
#include "config/namespaces.h"
#include "container/net_devices.h"
#include "container/start_gate.h"
#include "process/process.h"
#include "fs/rootfs.h"
#include "fs/mount_sources.h"
#include "container/notify.h"
#include "process/seccomp_cache.h"
#include "process/seccomp_filter.h"
#include "process/seccomp_notify.h"
#include "base/sync.h"
#include "base/utils.h"

#define CONFIG_COPY "config.json"

/* Looked up once: a create writes its record three times. */
static char *
owner_name (void)
{
  static char *name;
  if (name == NULL)
    name = user_name_of (geteuid ());
  return xstrdup (name);
}

/* One write of the record; `made` lists the cgroup directories made (or
 * about to be) for the container, NULL-terminated. */
static int
write_record (int dirfd, const struct create_options *o, const char *bundle, const char *rootfs,
              const struct oci_config *cfg, const struct cgroup *cg, pid_t pid, char **made, bool creating,
              cl_error **err)
{
  char created[64];
  struct container_state st = {
    .id = (char *) o->id, .pid = pid, .pid_start_time = pid > 0 ? process_start_time (pid) : 0,
    .bundle = (char *) bundle, .rootfs = (char *) rootfs, .created = created, .annotations = cfg->annotations,
    .n_annotations = cfg->n_annotations, .cgroup_v2 = cg->layout == CGROUP_UNIFIED, .cgroup_created = made,
    .systemd_unit = cg->systemd_unit, .systemd_user = cg->systemd_user, .creating = creating,
    .host_mounts = config_namespace (cfg, CLONE_NEWNS) == NULL,
    .net_devices = cfg->linux_section.net_devices, .n_net_devices = cfg->linux_section.n_net_devices,
    .net_device_index = cfg->linux_section.net_device_index,
  };
  cleanup_free char *owner = owner_name ();
  cleanup_free struct oci_kv *dirs = xzalloc ((cg->n_dirs + 1) * sizeof *dirs);
  for (size_t i = 0; i < cg->n_dirs; i++)
    dirs[i] = (struct oci_kv){ .key = cg->controllers[i], .value = cg->dirs[i] };
  for (int k = 0; k < HOOK_KINDS; k++)
    if (cfg->n_hooks[k])
      st.hook_kinds |= 1u << k;
  st.cgroup_dirs = dirs;
  st.n_cgroup_dirs = cg->n_dirs;
  st.owner = owner;
  rfc3339_now (created, sizeof created);
  return state_write (dirfd, &st, err);
}

/* cg->created as a NULL-terminated vector (borrowed strings). */
static char **
made_dirs (const struct cgroup *cg)
{
  char **v = xzalloc ((cg->n_created + 1) * sizeof *v);
  if (cg->n_created)
    memcpy (v, cg->created, cg->n_created * sizeof *v);
  return v;
}

int
container_record_plan (int dirfd, const struct create_options *o, const char *bundle, const char *rootfs,
                       const struct oci_config *cfg, const struct cgroup *cg, const char *config_data,
                       size_t config_len, cl_error **err)
{
  cleanup_strv char **to_make = cgroup_dirs_to_make (cg);
  if (write_file_atomic (dirfd, CONFIG_COPY, config_data, config_len, 0600, err) < 0)
    return -1;
  return write_record (dirfd, o, bundle, rootfs, cfg, cg, 0, to_make, true, err);
}

int
container_record_init (int dirfd, const struct create_options *o, const char *bundle, const char *rootfs,
                       const struct oci_config *cfg, const struct cgroup *cg, pid_t pid, cl_error **err)
{
  cleanup_free char **made = made_dirs (cg);
  return write_record (dirfd, o, bundle, rootfs, cfg, cg, pid, made, true, err);
}

int
container_record_state (int dirfd, const struct create_options *o, const char *bundle, const char *rootfs,
                        const struct oci_config *cfg, const struct cgroup *cg, pid_t pid, cl_error **err)
{
  cleanup_free char **made = made_dirs (cg);
  if (write_record (dirfd, o, bundle, rootfs, cfg, cg, pid, made, false, err) < 0)
    return -1;
  if (o->pid_file)
    {
      char buf[32];
      int n = snprintf (buf, sizeof buf, "%d", (int) pid);
      cleanup_free char *abs = absolute_path (o->pid_file);
      cleanup_free char *dir = xstrdup (abs);
      cleanup_close int dfd = -1;
      *strrchr (dir, '/') = '\0';
      dfd = open (*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dfd < 0 || write_file_atomic (dfd, strrchr (abs, '/') + 1, buf, (size_t) n, 0644, err) < 0)
        return dfd < 0 ? cl_fail (err, errno, "--pid-file `%s`", o->pid_file) : cl_wrap (err, "--pid-file");
    }
  return 0;
}

/* An unprivileged user whose cgroup is not delegated: run without one, with
 * a warning, unless the config asks for limits (crun's rule). */
struct cgroup *
container_cgroup (const struct container_state *st)
{
  struct cgroup *cg = xzalloc (sizeof *cg);
  cg->layout = st->cgroup_v2 ? CGROUP_UNIFIED : CGROUP_LEGACY;
  cg->n_dirs = st->n_cgroup_dirs;
  cg->controllers = xzalloc ((cg->n_dirs + 1) * sizeof (char *));
  cg->dirs = xzalloc ((cg->n_dirs + 1) * sizeof (char *));
  for (size_t i = 0; i < cg->n_dirs; i++)
    {
      cg->controllers[i] = xstrdup (st->cgroup_dirs[i].key);
      cg->dirs[i] = xstrdup (st->cgroup_dirs[i].value);
    }
  cg->n_created = strv_len (st->cgroup_created);
  cg->created = xzalloc ((cg->n_created + 1) * sizeof (char *));
  for (size_t i = 0; i < cg->n_created; i++)
    cg->created[i] = xstrdup (st->cgroup_created[i]);
  if (st->systemd_unit)
    {
      cg->systemd_unit = xstrdup (st->systemd_unit);
      cg->systemd_user = st->systemd_user;
      cg->systemd_started = true;
    }
  return cg;
}

int
container_ref_open (const char *root, const char *id, struct container_ref *ref, cl_error **err)
{
  memset (ref, 0, sizeof *ref);
  ref->rootfd = ref->dirfd = -1;
  if (state_validate_id (id, err) < 0)
    return -1;
  if (state_root_open (root, false, &ref->rootfd, err) < 0)
    {
      if ((*err)->errnum == ENOENT)
        return cl_fail_as (err, ENOENT, "container does not exist: %s", id);
      return -1;
    }
  if (state_dir_open (ref->rootfd, id, &ref->dirfd, err) < 0 || state_read (ref->dirfd, id, &ref->st, err) < 0)
    {
      container_ref_close (ref);
      return -1;
    }
  ref->status = state_status (ref->dirfd, ref->st);
  if (ref->status == STATUS_RUNNING && ref->st->n_cgroup_dirs)
    {
      cleanup_cgroup struct cgroup *cg = container_cgroup (ref->st);
      if (cgroup_is_frozen (cg))
        ref->status = STATUS_PAUSED;
    }
  return 0;
}

void
container_ref_close (struct container_ref *ref)
{
  state_freep (&ref->st);
  closep (&ref->dirfd);
  closep (&ref->rootfd);
}
