/* crun-lite: checkpoint and restore through CRIU (Debian's `criu`).
 *
 * crun-lite drives the criu binary: `checkpoint` dumps the container's
 * process tree (its namespaces and mounts; bind mounts from the host and
 * the /dev/null masks are declared external), `restore` makes the state
 * entry and the cgroup as `create` does, then has criu restore the tree
 * into that cgroup, as a child of crun-lite (--restore-sibling).  When
 * criu fails, its own last error line is what the user reads. */
#ifndef CRL_CHECKPOINT_H
#define CRL_CHECKPOINT_H

#include <stdbool.h>
#include "base/error.h"

/* What both directions pass on to criu (runc's flags). */
struct criu_options
{
  const char *criu;                 /* --criu PATH; NULL: looked up */
  const char *image_path;           /* --image-path (default ./checkpoint) */
  const char *work_path;            /* --work-path (default: the image path) */
  const char *manage_cgroups_mode;  /* --manage-cgroups-mode soft|full|strict|ignore */
  bool tcp_established, ext_unix_sk, shell_job, file_locks;
  bool empty_netns;                 /* --empty-ns network: the netns is made again empty */
  const char *parent_path;          /* --parent-path: a pre-dump's images (criu --prev-images-dir) */
  const char *page_server;          /* --page-server ADDR:PORT */
  int status_fd;                    /* --status-fd N (criu writes \0 there when ready); -1: none */
  bool auto_dedup, tcp_skip_in_flight, link_remap, lazy_pages;
};

struct checkpoint_options
{
  const char *root, *id;
  struct criu_options criu;
  bool leave_running;
  bool pre_dump;                    /* --pre-dump: memory only, the container keeps running */
};

struct restore_options
{
  const char *root, *id, *bundle, *pid_file;
  struct criu_options criu;
  bool detach;
};

/* Dump the container; unless leave_running, it is then deleted (as runc). */
int container_checkpoint (const struct checkpoint_options *o, cl_error **err);
/* Make container `id` from the images; without detach, wait for it and
 * return its exit status in *exit_code. */
int container_restore (const struct restore_options *o, int *exit_code, cl_error **err);

#endif
