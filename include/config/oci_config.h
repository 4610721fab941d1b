/* crun-lite: the OCI runtime-spec config.json, as typed structs.
 *
 * Everything Linux uses is parsed, whether or not the runtime applies it yet;
 * config_check_supported() refuses what is parsed but not applied, so that
 * nothing is silently ignored. Unknown fields are ignored, as the spec says. */
#ifndef CRL_OCI_CONFIG_H
#define CRL_OCI_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

/* Optional scalars: `set` says whether the field was present. */
struct opt_i64 { bool set; int64_t v; };
struct opt_u64 { bool set; uint64_t v; };
struct opt_bool { bool set; bool v; };

struct oci_kv { char *key; char *value; };
struct oci_id_mapping { uint32_t container_id, host_id, size; };

struct oci_mount
{
  char *destination, *source, *type;
  char **options;
  struct oci_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
};

struct oci_rlimit { int resource; char *type; uint64_t hard, soft; };

struct oci_capabilities
{
  bool present;
  char **bounding, **effective, **inheritable, **permitted, **ambient;
};

struct oci_user
{
  uint32_t uid, gid;
  struct opt_u64 umask;
  uint32_t *additional_gids;
  size_t n_additional_gids;
  char *username;
};

struct oci_scheduler
{
  char *policy;
  struct opt_i64 nice, priority, runtime, deadline, period;
  char **flags;
};

struct oci_process
{
  bool present;
  bool terminal;
  struct opt_u64 console_height, console_width;
  struct oci_user user;
  char **args;
  char *command_line;
  char **env;
  char *cwd;
  struct oci_capabilities capabilities;
  struct oci_rlimit *rlimits;
  size_t n_rlimits;
  bool no_new_privileges;
  struct opt_i64 oom_score_adj;
  char *apparmor_profile, *selinux_label;
  struct oci_scheduler *scheduler;
  char *io_priority_class;
  struct opt_i64 io_priority;
  char *exec_cpu_affinity_initial, *exec_cpu_affinity_final;
};

struct oci_namespace { int type; char *type_name; char *path; };

struct oci_device
{
  char *path;
  char type;
  int64_t major, minor;
  struct opt_u64 file_mode, uid, gid;
};

/* Resources: parsed now, applied by the cgroup managers. */
struct oci_device_rule { bool allow; char type; int64_t major, minor; char *access; };
struct oci_memory
{
  bool present;
  struct opt_i64 limit, reservation, swap, kernel, kernel_tcp;
  struct opt_u64 swappiness;
  struct opt_bool disable_oom_killer, use_hierarchy, check_before_update;
};
struct oci_cpu
{
  bool present;
  struct opt_u64 shares, period, realtime_period, burst;
  struct opt_i64 quota, realtime_runtime, idle;
  char *cpus, *mems;
};
struct oci_weight_device { int64_t major, minor; struct opt_u64 weight, leaf_weight; };
struct oci_throttle_device { int64_t major, minor; uint64_t rate; };
struct oci_blockio
{
  bool present;
  struct opt_u64 weight, leaf_weight;
  struct oci_weight_device *weight_devices;
  size_t n_weight_devices;
  struct oci_throttle_device *throttle[4]; /* read bps, write bps, read iops, write iops */
  size_t n_throttle[4];
};
struct oci_hugepage_limit { char *page_size; uint64_t limit; };
struct oci_net_priority { char *name; uint32_t priority; };
struct oci_rdma_limit { char *device; struct opt_u64 hca_handles, hca_objects; };
struct oci_resources
{
  bool present;
  struct oci_device_rule *devices;
  size_t n_devices;
  struct oci_memory memory;
  struct oci_cpu cpu;
  struct opt_i64 pids_limit;
  struct oci_blockio blockio;
  struct oci_hugepage_limit *hugepage_limits;
  size_t n_hugepage_limits;
  struct opt_u64 net_class_id;
  struct oci_net_priority *net_priorities;
  size_t n_net_priorities;
  struct oci_rdma_limit *rdma;
  size_t n_rdma;
  struct oci_kv *unified;
  size_t n_unified;
};

struct oci_seccomp_arg { uint32_t index; uint64_t value, value_two; char *op; };
struct oci_seccomp_syscall
{
  char **names;
  char *action;
  struct opt_u64 errno_ret;
  struct oci_seccomp_arg *args;
  size_t n_args;
};
struct oci_seccomp
{
  char *default_action;
  struct opt_u64 default_errno_ret;
  char **architectures, **flags;
  char *listener_path, *listener_metadata;
  struct oci_seccomp_syscall *syscalls;
  size_t n_syscalls;
};

struct oci_hook { char *path; char **args, **env; struct opt_i64 timeout; };
enum oci_hook_kind
{
  HOOK_PRESTART, HOOK_CREATE_RUNTIME, HOOK_CREATE_CONTAINER,
  HOOK_START_CONTAINER, HOOK_POSTSTART, HOOK_POSTSTOP, HOOK_KINDS
};

struct oci_linux
{
  struct oci_namespace *namespaces;
  size_t n_namespaces;
  struct oci_id_mapping *uid_mappings, *gid_mappings;
  size_t n_uid_mappings, n_gid_mappings;
  struct oci_device *devices;
  size_t n_devices;
  char *cgroups_path;
  struct oci_resources resources;
  struct oci_kv *sysctl;
  size_t n_sysctl;
  struct oci_seccomp *seccomp;
  char *rootfs_propagation;
  char **masked_paths, **readonly_paths;
  char *mount_label;
  char *personality_domain;
  char **personality_flags;
  /* linux.timeOffsets, for a new time namespace: the clocks' offsets. */
  struct oci_time_offset { bool set; int64_t secs; uint32_t nanosecs; } time_monotonic, time_boottime;
  /* linux.memoryPolicy, names as written (checked by process_attrs). */
  struct oci_memory_policy { bool set; char *mode, *nodes; char **flags; } memory_policy;
  bool has_intel_rdt, has_time_offsets;
  /* linux.netDevices: host interface name -> name in the container (the
   * same when the entry gives none). */
  struct oci_kv *net_devices;
  size_t n_net_devices;
  /* Filled at create, one per device: its interface index inside the
   * container, the one identity the container cannot give another
   * interface (names it can change). */
  int *net_device_index;
  char *intel_rdt_clos_id;      /* linux.intelRdt.closID */
  bool intel_rdt_has_schemata;  /* any field that would make or change the group */
};

/* The runtime-spec version implemented: `features`, `spec`, state JSON.
 * A config's ociVersion of any 1.x is accepted (the spec: compatible within
 * a major version), a newer major refused. */
#define OCI_VERSION_IMPLEMENTED "1.3.0"

struct oci_config
{
  char *oci_version;
  char *root_path;
  bool root_readonly;
  struct oci_mount *mounts;
  size_t n_mounts;
  struct oci_process process;
  char *hostname, *domainname;
  struct oci_linux linux_section;
  struct oci_hook *hooks[HOOK_KINDS];
  size_t n_hooks[HOOK_KINDS];
  struct oci_kv *annotations;
  size_t n_annotations;
};

extern const char *const oci_hook_kind_names[HOOK_KINDS];

/* Parse a JSON document.  `source` names it in errors ("config.json"). */
int config_parse (const char *data, size_t len, const char *source, struct oci_config **out, cl_error **err);
int config_load_file (const char *path, struct oci_config **out, cl_error **err);
/* Parse only a "process" object (exec --process FILE). */
int config_parse_process (const char *data, size_t len, const char *source, struct oci_process *out, cl_error **err);
/* Parse a linux.resources object on its own (update -r FILE). */
int config_parse_resources_json (const char *data, size_t len, const char *source, struct oci_resources *out,
                                 cl_error **err);
void config_resources_release (struct oci_resources *res);
/* runc's meaning of zero: a 0 in memory (limit, reservation, swap, kernel,
 * kernelTCP), cpu (shares, quota, period, realtime values), pids.limit,
 * blockIO weights and network.classID, or an empty cpus/mems, is "not set"
 * (engines such as Docker write those zeros into every config).  Burst,
 * idle, swappiness and throttle rates keep 0 as a value, as in runc. */
void config_resources_zero_is_unset (struct oci_resources *res);
void config_free (struct oci_config *cfg);
void config_process_release (struct oci_process *p);
void config_freep (struct oci_config **cfg);
#define cleanup_config __attribute__ ((cleanup (config_freep)))

/* Refuse, with one clear line, any part that is parsed but not applied yet. */
int config_check_supported (const struct oci_config *cfg, cl_error **err);

/* Lookup helpers. */
const struct oci_namespace *config_namespace (const struct oci_config *cfg, int clone_flag);

#endif
