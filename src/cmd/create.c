/* crun-lite create: set a container up, its init waiting for `start`. */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"
#include "base/utils.h"
#include "container/container.h"

static const char usage_text[] =
  "Usage: crun-lite create [OPTIONS] ID\n\n"
  "Create a container from an OCI bundle; its process waits for `start`.\n\n"
  "Options:\n" CLI_CREATE_USAGE;

int
cmd_create (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_CREATE_LONG_OPTIONS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  struct create_options o = { .root = g->root, .bundle = ".", .systemd_cgroup = g->systemd_cgroup,
                             .no_cgroup = g->no_cgroup };
  cl_error *err = NULL;
  pid_t pid;
  int c;

  while ((c = getopt_long (argc, argv, ":b:h", opts, NULL)) != -1)
    {
      int taken = cli_create_option ("create", c, &o);
      if (taken < 0)
        return 1;
      if (taken)
        continue;
      if (c != 'h')
        return cli_bad_option ("create", argv, c);
      fputs (usage_text, stdout);
      return 0;
    }
  if (cli_want_args ("create", argc, argv, optind, 1, "container id"))
    return 1;
  o.id = argv[optind];
  {
    cleanup_free char *config_path = xasprintf ("%s/config.json", o.bundle);
    if (cli_protect_binary (g, config_path) < 0)
      return 1;
  }
  if (container_create (&o, &pid, &err) < 0)
    return cli_fail (err);
  return 0;
}
