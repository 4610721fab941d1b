/* libFuzzer target: config.json as the attacker writes it.  Everything the
 * runtime derives from a config before any container exists runs here: the
 * parser, the "not supported" gate, mount options, process attributes and
 * the seccomp compiler.  A crash, a leak or undefined behaviour is a bug. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "config/mount_options.h"
#include "config/oci_config.h"
#include "process/process_attrs.h"
#include "process/seccomp_filter.h"
#include "base/utils.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text = malloc (size + 1);
  struct oci_config *cfg = NULL;
  cl_error *err = NULL;

  memcpy (text, data, size);
  text[size] = '\0';
  if (config_parse (text, size, "config.json", &cfg, &err) == 0)
    {
      struct process_attrs attrs;
      cl_error_freep (&err);
      config_check_supported (cfg, &err);
      cl_error_freep (&err);
      for (size_t i = 0; i < cfg->n_mounts; i++)
        {
          struct mount_opts o;
          if (mount_options_parse (cfg->mounts[i].options, &o, &err) == 0)
            mount_opts_release (&o);
          cl_error_freep (&err);
        }
      process_attrs_prepare (cfg, &cfg->process, &attrs, &err);
      cl_error_freep (&err);
      if (cfg->linux_section.seccomp)
        {
          struct seccomp_program prog;
          if (seccomp_compile (cfg->linux_section.seccomp, &prog, &err) == 0)
            seccomp_program_release (&prog);
          cl_error_freep (&err);
        }
      config_free (cfg);
    }
  cl_error_free (err);
  free (text);
  return 0;
}
