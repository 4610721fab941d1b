/* crun-lite: the state directory, <root>/<id>/, one per container:
 *   state.json   what `state`, `list` and later commands need (written atomically)
 *   config.json  the config the container was created from (exec reads it)
 *   exec.sock    the create/start gate (container/start_gate.h); its presence means "created"
 * Commands on one id take an exclusive flock on the directory itself. */
#ifndef CRL_STATE_H
#define CRL_STATE_H

#include <stdbool.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>
#include "config/oci_config.h"
#include "base/error.h"

#define STATE_START_GATE "exec.sock"
#define STATE_MAX_ID_LEN 1024

enum container_status { STATUS_CREATED, STATUS_RUNNING, STATUS_PAUSED, STATUS_STOPPED };

struct container_state
{
  char *id;
  pid_t pid;
  unsigned long long pid_start_time;
  char *bundle;
  char *rootfs;
  char *created;
  char *owner;
  struct oci_kv *annotations;
  size_t n_annotations;
  /* The container's cgroup: its directory per hierarchy (controllers ->
   * directory; one entry with an empty key on v2), and every directory the
   * runtime created for it, parents first, to remove exactly those. */
  unsigned int hook_kinds;   /* bit (1 << oci_hook_kind) set when the config has such hooks */
  bool cgroup_v2;
  struct oci_kv *cgroup_dirs;
  size_t n_cgroup_dirs;
  char **cgroup_created;
  /* The systemd driver's scope (NULL with cgroupfs), and whose manager. */
  char *systemd_unit;
  bool systemd_user;
  /* The config had no mount namespace: its mounts were made below the
   * rootfs in the runtime's own, and go with the container. */
  bool host_mounts;
  /* linux.netDevices moved in: host name -> name inside, moved back at
   * delete by the interface index each had inside once moved (0: none). */
  struct oci_kv *net_devices;
  size_t n_net_devices;
  int *net_device_index;
  /* Set while `create` is making the container: the record is written
   * before the first cgroup, scope or process exists and names what will
   * be made, so that a runtime killed at any step leaves something
   * `delete --force` can undo.  Seen by a command holding the directory's
   * lock, it means the create died (the creator holds the lock to the end). */
  bool creating;
};

/* The default --root: /run/crun-lite for root; for anyone else
 * $XDG_RUNTIME_DIR/crun-lite, else /run/user/UID/crun-lite. */
int state_default_root (char **out, cl_error **err);

int state_validate_id (const char *id, cl_error **err);
/* Open (and with `create`, make) the root directory. */
int state_root_open (const char *root, bool create, int *out_fd, cl_error **err);
/* Make <root>/<id> and lock it; fails with runc's message if it exists. */
int state_dir_create (int rootfd, const char *id, int *out_dirfd, cl_error **err);
/* Open and lock an existing container's directory. */
int state_dir_open (int rootfd, const char *id, int *out_dirfd, cl_error **err);
/* Remove the directory and what the runtime put in it. */
int state_dir_remove (int rootfd, const char *id, cl_error **err);

int state_write (int dirfd, const struct container_state *st, cl_error **err);
int state_read (int dirfd, const char *id, struct container_state **out, cl_error **err);
void state_free (struct container_state *st);
void state_freep (struct container_state **st);
#define cleanup_state __attribute__ ((cleanup (state_freep)))

enum container_status state_status (int dirfd, const struct container_state *st);
const char *state_status_name (enum container_status s);
/* The OCI state document (`state` output); caller frees. */
char *state_oci_json (const struct container_state *st, enum container_status status);
/* The same for any status name ("creating" for hooks), optionally compact. */
char *state_oci_json_as (const struct container_state *st, const char *status, bool pretty);
/* The same object, written into a generator (to nest it in a document). */
void state_gen_oci (yajl_gen g, const struct container_state *st, const char *status);

#endif
