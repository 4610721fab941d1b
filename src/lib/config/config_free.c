/* crun-lite: releasing a parsed config. */
#include <stdlib.h>
#include <string.h>
#include "config/config_internal.h"
#include "base/utils.h"

static void
kv_free (struct oci_kv *kv, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}

void
config_process_release (struct oci_process *p)
{
  free (p->user.additional_gids);
  free (p->user.username);
  strv_free (p->args);
  free (p->command_line);
  strv_free (p->env);
  free (p->cwd);
  strv_free (p->capabilities.bounding);
  strv_free (p->capabilities.effective);
  strv_free (p->capabilities.inheritable);
  strv_free (p->capabilities.permitted);
  strv_free (p->capabilities.ambient);
  for (size_t i = 0; i < p->n_rlimits; i++)
    free (p->rlimits[i].type);
  free (p->rlimits);
  free (p->apparmor_profile);
  free (p->selinux_label);
  if (p->scheduler)
    {
      free (p->scheduler->policy);
      strv_free (p->scheduler->flags);
      free (p->scheduler);
    }
  free (p->io_priority_class);
  free (p->exec_cpu_affinity_initial);
  free (p->exec_cpu_affinity_final);
  memset (p, 0, sizeof *p);
}

static void
seccomp_free (struct oci_seccomp *s)
{
  if (s == NULL)
    return;
  free (s->default_action);
  strv_free (s->architectures);
  strv_free (s->flags);
  free (s->listener_path);
  free (s->listener_metadata);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      strv_free (s->syscalls[i].names);
      free (s->syscalls[i].action);
      for (size_t j = 0; j < s->syscalls[i].n_args; j++)
        free (s->syscalls[i].args[j].op);
      free (s->syscalls[i].args);
    }
  free (s->syscalls);
  free (s);
}

static void
linux_release (struct oci_linux *l)
{
  for (size_t i = 0; i < l->n_namespaces; i++)
    {
      free (l->namespaces[i].type_name);
      free (l->namespaces[i].path);
    }
  free (l->namespaces);
  free (l->uid_mappings);
  free (l->gid_mappings);
  for (size_t i = 0; i < l->n_devices; i++)
    free (l->devices[i].path);
  free (l->devices);
  free (l->cgroups_path);
  config_resources_release (&l->resources);
  kv_free (l->sysctl, l->n_sysctl);
  kv_free (l->net_devices, l->n_net_devices);
  free (l->net_device_index);
  seccomp_free (l->seccomp);
  free (l->rootfs_propagation);
  strv_free (l->masked_paths);
  strv_free (l->readonly_paths);
  free (l->mount_label);
  free (l->personality_domain);
  strv_free (l->personality_flags);
  free (l->memory_policy.mode);
  free (l->memory_policy.nodes);
  strv_free (l->memory_policy.flags);
}

void
config_free (struct oci_config *cfg)
{
  if (cfg == NULL)
    return;
  free (cfg->oci_version);
  free (cfg->linux_section.intel_rdt_clos_id);
  free (cfg->root_path);
  for (size_t i = 0; i < cfg->n_mounts; i++)
    {
      free (cfg->mounts[i].destination);
      free (cfg->mounts[i].source);
      free (cfg->mounts[i].type);
      strv_free (cfg->mounts[i].options);
      free (cfg->mounts[i].uid_mappings);
      free (cfg->mounts[i].gid_mappings);
    }
  free (cfg->mounts);
  config_process_release (&cfg->process);
  free (cfg->hostname);
  free (cfg->domainname);
  linux_release (&cfg->linux_section);
  for (int k = 0; k < HOOK_KINDS; k++)
    {
      for (size_t i = 0; i < cfg->n_hooks[k]; i++)
        {
          free (cfg->hooks[k][i].path);
          strv_free (cfg->hooks[k][i].args);
          strv_free (cfg->hooks[k][i].env);
        }
      free (cfg->hooks[k]);
    }
  kv_free (cfg->annotations, cfg->n_annotations);
  free (cfg);
}

void
config_freep (struct oci_config **cfg)
{
  config_free (*cfg);
  *cfg = NULL;
}
