/* crun-lite features: what this runtime implements, as the runtime-spec
 * features document.  Every entry is derived from the code or the host
 * libraries, never a list kept by hand of things it might do. */
#include "config.h"
#include <getopt.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <yajl/yajl_gen.h>
#include "cli.h"
#include "container/sealed_exe.h"
#include "container/intel_rdt.h"
#include "config/oci_config.h"
#include "config/json_read.h"
#include "config/mount_options.h"
#include "config/namespaces.h"
#include "process/process_attrs.h"

#define GEN_STR(g, s) yajl_gen_string (g, (const unsigned char *) (s), strlen (s))

static void
gen_strv (yajl_gen g, const char *key, const char *const *v, size_t n)
{
  GEN_STR (g, key);
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n; i++)
    GEN_STR (g, v[i]);
  yajl_gen_array_close (g);
}

static void
gen_bool (yajl_gen g, const char *key, bool v)
{
  GEN_STR (g, key);
  yajl_gen_bool (g, v);
}

static void
gen_enabled (yajl_gen g, const char *key, bool v)
{
  GEN_STR (g, key);
  yajl_gen_map_open (g);
  gen_bool (g, "enabled", v);
  yajl_gen_map_close (g);
}

static void
gen_linux (yajl_gen g)
{
  static const char *const actions[] = { "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                                         "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE",
                                         "SCMP_ACT_TRAP" };
  static const char *const operators[] = { "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE",
                                           "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE" };
  static const char *const archs[] = { "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64",
                                       "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
                                       "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
                                       "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390",
                                       "SCMP_ARCH_S390X", "SCMP_ARCH_X32", "SCMP_ARCH_X86", "SCMP_ARCH_X86_64" };
  static const char *const flags[] = { "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                                       "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV" };

  GEN_STR (g, "linux");
  yajl_gen_map_open (g);
  GEN_STR (g, "namespaces");
  yajl_gen_array_open (g);
  for (size_t i = 0; i < n_namespace_kinds; i++)
    GEN_STR (g, namespace_kinds[i].oci_name);
  yajl_gen_array_close (g);
  GEN_STR (g, "capabilities");
  yajl_gen_array_open (g);
  for (int c = 0; c < cap_max_bits (); c++)
    {
      char *name = cap_to_name (c);
      char upper[64];
      size_t k;
      for (k = 0; name[k] && k < sizeof upper - 1; k++)
        upper[k] = (char) (name[k] >= 'a' && name[k] <= 'z' ? name[k] - 32 : name[k]);
      upper[k] = '\0';
      GEN_STR (g, upper);
      cap_free (name);
    }
  yajl_gen_array_close (g);
  GEN_STR (g, "memoryPolicy");
  yajl_gen_map_open (g);
  GEN_STR (g, "modes");
  yajl_gen_array_open (g);
  for (const struct mempolicy_name *m = mempolicy_modes; m->name; m++)
    GEN_STR (g, m->name);
  yajl_gen_array_close (g);
  GEN_STR (g, "flags");
  yajl_gen_array_open (g);
  for (const struct mempolicy_name *m = mempolicy_flags; m->name; m++)
    GEN_STR (g, m->name);
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
  GEN_STR (g, "cgroup");
  yajl_gen_map_open (g);
  gen_bool (g, "v1", true);
  gen_bool (g, "v2", true);
  gen_bool (g, "systemd", true);
  gen_bool (g, "systemdUser", true);
  gen_bool (g, "rdma", true);
  yajl_gen_map_close (g);
  GEN_STR (g, "seccomp");
  yajl_gen_map_open (g);
  gen_bool (g, "enabled", true);
  gen_strv (g, "actions", actions, sizeof actions / sizeof actions[0]);
  gen_strv (g, "operators", operators, sizeof operators / sizeof operators[0]);
  gen_strv (g, "archs", archs, sizeof archs / sizeof archs[0]);
  gen_strv (g, "knownFlags", flags, sizeof flags / sizeof flags[0]);
  gen_strv (g, "supportedFlags", flags, sizeof flags / sizeof flags[0]);
  yajl_gen_map_close (g);
  gen_enabled (g, "apparmor", true);
  gen_enabled (g, "selinux", true);
  /* closID only, and only where the host has resctrl (intel_rdt.h). */
  gen_enabled (g, "intelRdt", intel_rdt_available ());
  gen_enabled (g, "netDevices", true);
  GEN_STR (g, "mountExtensions");
  yajl_gen_map_open (g);
  gen_enabled (g, "idmap", true);
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

int
cmd_features (const struct global_opts *g_opts, int argc, char **argv)
{
  static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  const struct scmp_version *v = seccomp_version ();
  yajl_gen g;
  char libseccomp[32];
  int c;

  (void) g_opts;
  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          fputs ("Usage: crun-lite features\n\nPrint what this runtime implements (runtime-spec features JSON).\n", stdout);
          return 0;
        }
      return cli_bad_option ("features", argv, c);
    }
  if (cli_want_args ("features", argc, argv, optind, 0, ""))
    return 1;
  g = yajl_gen_alloc (NULL);
  yajl_gen_config (g, yajl_gen_beautify, 1);
  yajl_gen_config (g, yajl_gen_indent_string, "  ");
  yajl_gen_map_open (g);
  GEN_STR (g, "ociVersionMin");
  GEN_STR (g, "1.0.0");
  GEN_STR (g, "ociVersionMax");
  GEN_STR (g, OCI_VERSION_IMPLEMENTED);
  gen_strv (g, "hooks", (const char *const *) oci_hook_kind_names, HOOK_KINDS);
  GEN_STR (g, "mountOptions");
  yajl_gen_array_open (g);
  for (size_t i = 0; mount_option_name (i); i++)
    GEN_STR (g, mount_option_name (i));
  yajl_gen_array_close (g);
  gen_linux (g);
  GEN_STR (g, "annotations");
  yajl_gen_map_open (g);
  GEN_STR (g, "io.github.seccomp.libseccomp.version");
  snprintf (libseccomp, sizeof libseccomp, "%u.%u.%u", v->major, v->minor, v->micro);
  GEN_STR (g, libseccomp);
  GEN_STR (g, "org.crun-lite.version");
  GEN_STR (g, PACKAGE_VERSION);
  yajl_gen_map_close (g);
  /* Annotations that change how the runtime itself runs: engines pass
   * them from users only when told to (runtime-spec 1.3). */
  {
    static const char *const unsafe[] = { EXE_PROTECTION_ANNOTATION };
    gen_strv (g, "potentiallyUnsafeConfigAnnotations", unsafe, sizeof unsafe / sizeof unsafe[0]);
  }
  yajl_gen_map_close (g);
  {
    char *text = json_gen_take (g, true);
    fputs (text, stdout);
    free (text);
  }
  return 0;
}
