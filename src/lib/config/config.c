/* crun-lite: config.json top level, process, mounts and hooks.
 * The linux section is in config_linux.c. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <yajl/yajl_tree.h>
#include "config/oci_config.h"
#include "config/config_internal.h"
#include "config/json_read.h"
#include "config/namespaces.h"
#include "base/utils.h"

const char *const oci_hook_kind_names[HOOK_KINDS] = {
  "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static const struct { const char *name; int resource; } rlimit_names[] = {
  { "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE }, { "RLIMIT_CPU", RLIMIT_CPU },
  { "RLIMIT_DATA", RLIMIT_DATA }, { "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
  { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
  { "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE }, { "RLIMIT_NPROC", RLIMIT_NPROC },
  { "RLIMIT_RSS", RLIMIT_RSS }, { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
  { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int
config_parse_id_mapping (struct jreader *r, yajl_val v, void *out)
{
  struct oci_id_mapping *m = out;
  if (jr_u32 (r, v, "containerID", true, &m->container_id) < 0
      || jr_u32 (r, v, "hostID", true, &m->host_id) < 0
      || jr_u32 (r, v, "size", true, &m->size) < 0)
    return -1;
  return 0;
}

static int
parse_mount (struct jreader *r, yajl_val v, void *out)
{
  struct oci_mount *m = out;
  if (jr_string (r, v, "destination", true, &m->destination) < 0
      || jr_string (r, v, "source", false, &m->source) < 0
      || jr_string (r, v, "type", false, &m->type) < 0
      || jr_strv (r, v, "options", &m->options) < 0
      || jr_object_array (r, v, "uidMappings", sizeof *m->uid_mappings, config_parse_id_mapping,
                          &m->uid_mappings, &m->n_uid_mappings) < 0
      || jr_object_array (r, v, "gidMappings", sizeof *m->gid_mappings, config_parse_id_mapping,
                          &m->gid_mappings, &m->n_gid_mappings) < 0)
    return -1;
  /* Relative: from the container's "/" (runtime-spec 1.3, runc). */
  if (m->destination[0] != '/')
    {
      char *abs = xasprintf ("/%s", m->destination);
      free (m->destination);
      m->destination = abs;
    }
  return 0;
}

static int
parse_rlimit (struct jreader *r, yajl_val v, void *out)
{
  struct oci_rlimit *rl = out;
  size_t i;
  if (jr_string (r, v, "type", true, &rl->type) < 0
      || jr_u64 (r, v, "hard", true, &rl->hard) < 0
      || jr_u64 (r, v, "soft", true, &rl->soft) < 0)
    return -1;
  for (i = 0; i < sizeof rlimit_names / sizeof rlimit_names[0]; i++)
    if (strcmp (rlimit_names[i].name, rl->type) == 0)
      break;
  if (i == sizeof rlimit_names / sizeof rlimit_names[0])
    {
      jr_key (r, "type");
      return jr_fail (r, "unknown rlimit `%s`", rl->type);
    }
  rl->resource = rlimit_names[i].resource;
  if (rl->soft > rl->hard)
    return jr_fail (r, "soft limit %llu is above the hard limit %llu",
                    (unsigned long long) rl->soft, (unsigned long long) rl->hard);
  return 0;
}

static int
parse_user (struct jreader *r, yajl_val v, struct oci_user *u)
{
  yajl_val gids = jr_get (v, "additionalGids");
  size_t mark;
  /* No gid: 0, as runc and crun take it (the spec marks it required). */
  u->gid = 0;
  if (jr_u32 (r, v, "uid", true, &u->uid) < 0
      || jr_u32 (r, v, "gid", false, &u->gid) < 0
      || jr_opt_u64 (r, v, "umask", &u->umask) < 0
      || jr_string (r, v, "username", false, &u->username) < 0)
    return -1;
  if (u->umask.set && u->umask.v > 0777)
    {
      jr_key (r, "umask");
      return jr_fail (r, "expected a mode between 0 and 0777");
    }
  if (gids == NULL)
    return 0;
  mark = jr_key (r, "additionalGids");
  if (!YAJL_IS_ARRAY (gids))
    return jr_fail (r, "expected an array of numbers");
  u->additional_gids = xzalloc ((gids->u.array.len + 1) * sizeof (uint32_t));
  u->n_additional_gids = gids->u.array.len;
  for (size_t i = 0; i < gids->u.array.len; i++)
    {
      size_t imark = jr_index (r, i);
      if (jr_u32_value (r, gids->u.array.values[i], &u->additional_gids[i]) < 0)
        return -1;
      jr_pop (r, imark);
    }
  jr_pop (r, mark);
  return 0;
}

static int
parse_capabilities (struct jreader *r, yajl_val v, struct oci_capabilities *c)
{
  c->present = true;
  if (jr_strv (r, v, "bounding", &c->bounding) < 0
      || jr_strv (r, v, "effective", &c->effective) < 0
      || jr_strv (r, v, "inheritable", &c->inheritable) < 0
      || jr_strv (r, v, "permitted", &c->permitted) < 0
      || jr_strv (r, v, "ambient", &c->ambient) < 0)
    return -1;
  return 0;
}

static int
parse_scheduler (struct jreader *r, yajl_val v, struct oci_scheduler *s)
{
  if (jr_string (r, v, "policy", true, &s->policy) < 0
      || jr_opt_i64 (r, v, "nice", &s->nice) < 0
      || jr_opt_i64 (r, v, "priority", &s->priority) < 0
      || jr_opt_i64 (r, v, "runtime", &s->runtime) < 0
      || jr_opt_i64 (r, v, "deadline", &s->deadline) < 0
      || jr_opt_i64 (r, v, "period", &s->period) < 0
      || jr_strv (r, v, "flags", &s->flags) < 0)
    return -1;
  return 0;
}

static int
parse_process_object (struct jreader *r, yajl_val v, struct oci_process *p)
{
  yajl_val sub;
  size_t mark;

  p->present = true;
  if (jr_bool (r, v, "terminal", &p->terminal) < 0
      || jr_strv (r, v, "args", &p->args) < 0
      || jr_string (r, v, "commandLine", false, &p->command_line) < 0
      || jr_strv (r, v, "env", &p->env) < 0
      || jr_string (r, v, "cwd", true, &p->cwd) < 0
      || jr_bool (r, v, "noNewPrivileges", &p->no_new_privileges) < 0
      || jr_opt_i64 (r, v, "oomScoreAdj", &p->oom_score_adj) < 0
      || jr_string (r, v, "apparmorProfile", false, &p->apparmor_profile) < 0
      || jr_string (r, v, "selinuxLabel", false, &p->selinux_label) < 0
      || jr_object_array (r, v, "rlimits", sizeof *p->rlimits, parse_rlimit, &p->rlimits, &p->n_rlimits) < 0)
    return -1;

  if (p->cwd[0] != '/')
    {
      jr_key (r, "cwd");
      return jr_fail (r, "must be an absolute path, got `%s`", p->cwd);
    }
  if (p->args == NULL || p->args[0] == NULL)
    {
      jr_key (r, "args");
      return jr_fail (r, "must name at least the program to run");
    }
  if (jr_object (r, v, "user", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "user");
      if (parse_user (r, sub, &p->user) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "consoleSize", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "consoleSize");
      if (jr_opt_u64 (r, sub, "height", &p->console_height) < 0
          || jr_opt_u64 (r, sub, "width", &p->console_width) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "capabilities", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "capabilities");
      if (parse_capabilities (r, sub, &p->capabilities) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "scheduler", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "scheduler");
      p->scheduler = xzalloc (sizeof *p->scheduler);
      if (parse_scheduler (r, sub, p->scheduler) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "ioPriority", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "ioPriority");
      if (jr_string (r, sub, "class", true, &p->io_priority_class) < 0
          || jr_opt_i64 (r, sub, "priority", &p->io_priority) < 0)
        return -1;
      jr_pop (r, mark);
    }
  if (jr_object (r, v, "execCPUAffinity", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "execCPUAffinity");
      if (jr_string (r, sub, "initial", false, &p->exec_cpu_affinity_initial) < 0
          || jr_string (r, sub, "final", false, &p->exec_cpu_affinity_final) < 0)
        return -1;
      jr_pop (r, mark);
    }
  return 0;
}

static int
parse_hook (struct jreader *r, yajl_val v, void *out)
{
  struct oci_hook *h = out;
  if (jr_string (r, v, "path", true, &h->path) < 0
      || jr_strv (r, v, "args", &h->args) < 0
      || jr_strv (r, v, "env", &h->env) < 0
      || jr_opt_i64 (r, v, "timeout", &h->timeout) < 0)
    return -1;
  if (h->timeout.set && h->timeout.v <= 0)
    {
      jr_key (r, "timeout");
      return jr_fail (r, "must be a positive number of seconds");
    }
  return 0;
}

static int
parse_top (struct jreader *r, yajl_val tree, struct oci_config *cfg)
{
  yajl_val sub;
  size_t mark;

  if (jr_string (r, tree, "ociVersion", true, &cfg->oci_version) < 0
      || jr_string (r, tree, "hostname", false, &cfg->hostname) < 0
      || jr_string (r, tree, "domainname", false, &cfg->domainname) < 0
      || jr_kv_map (r, tree, "annotations", &cfg->annotations, &cfg->n_annotations) < 0
      || jr_object_array (r, tree, "mounts", sizeof *cfg->mounts, parse_mount, &cfg->mounts, &cfg->n_mounts) < 0)
    return -1;

  if (jr_object (r, tree, "root", &sub) < 0)
    return -1;
  if (sub == NULL)
    {
      jr_key (r, "root");
      return jr_fail (r, "missing required field");
    }
  mark = jr_key (r, "root");
  if (jr_string (r, sub, "path", true, &cfg->root_path) < 0 || jr_bool (r, sub, "readonly", &cfg->root_readonly) < 0)
    return -1;
  jr_pop (r, mark);

  if (jr_object (r, tree, "process", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "process");
      if (parse_process_object (r, sub, &cfg->process) < 0)
        return -1;
      jr_pop (r, mark);
    }

  if (jr_object (r, tree, "hooks", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "hooks");
      for (int k = 0; k < HOOK_KINDS; k++)
        if (jr_object_array (r, sub, oci_hook_kind_names[k], sizeof (struct oci_hook), parse_hook,
                             &cfg->hooks[k], &cfg->n_hooks[k]) < 0)
          return -1;
      jr_pop (r, mark);
    }

  if (jr_object (r, tree, "linux", &sub) < 0)
    return -1;
  if (sub)
    {
      mark = jr_key (r, "linux");
      if (config_parse_linux (r, sub, &cfg->linux_section) < 0)
        return -1;
      jr_pop (r, mark);
    }
  return 0;
}

int
config_parse (const char *data, size_t len, const char *source, struct oci_config **out, cl_error **err)
{
  yajl_val tree = NULL;
  struct jreader r = { .err = err };
  struct oci_config *cfg;
  int rc;

  if (jr_parse_tree (data, len, source, &tree, err) < 0)
    return -1;
  cfg = xzalloc (sizeof *cfg);
  rc = parse_top (&r, tree, cfg);
  yajl_tree_free (tree);
  if (rc < 0)
    {
      config_free (cfg);
      return cl_wrap (err, "%s", source);
    }
  *out = cfg;
  return 0;
}

int
config_parse_process (const char *data, size_t len, const char *source, struct oci_process *out, cl_error **err)
{
  yajl_val tree = NULL;
  struct jreader r = { .err = err };
  int rc;

  if (jr_parse_tree (data, len, source, &tree, err) < 0)
    return -1;
  rc = parse_process_object (&r, tree, out);
  yajl_tree_free (tree);
  if (rc < 0)
    {
      config_process_release (out);
      return cl_wrap (err, "%s", source);
    }
  return 0;
}

int
config_parse_resources_json (const char *data, size_t len, const char *source, struct oci_resources *out,
                             cl_error **err)
{
  yajl_val tree = NULL;
  struct jreader r = { .err = err };
  int rc;

  if (jr_parse_tree (data, len, source, &tree, err) < 0)
    return -1;
  rc = config_parse_resources (&r, tree, out);
  yajl_tree_free (tree);
  if (rc < 0)
    {
      config_resources_release (out);
      memset (out, 0, sizeof *out);
      return cl_wrap (err, "%s", source);
    }
  return 0;
}

/* A config larger than this is not a config. */
#define CONFIG_MAX_SIZE (16u << 20)

int
config_load_file (const char *path, struct oci_config **out, cl_error **err)
{
  cleanup_free char *data = NULL;
  size_t len;
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return cl_fail (err, errno, "open `%s`", path);
  if (read_all_fd (fd, CONFIG_MAX_SIZE, &data, &len, err) < 0)
    return cl_wrap (err, "%s", path);
  return config_parse (data, len, path, out, err);
}

const struct oci_namespace *
config_namespace (const struct oci_config *cfg, int clone_flag)
{
  for (size_t i = 0; i < cfg->linux_section.n_namespaces; i++)
    if (cfg->linux_section.namespaces[i].type == clone_flag)
      return &cfg->linux_section.namespaces[i];
  return NULL;
}
