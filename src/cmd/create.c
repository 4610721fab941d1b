/* crun-lite create: set a container up, its init waiting for `start`. */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"
#include "base/utils.h"
#include "container/container.h"

static const char usage_text[] =
  "Usage: crun-lite create [OPTIONS] ID\n\n"
  "Create a container from an OCI bundle; its process waits for `start`.\n\n"
  "Options:\n"
  "  -b, --bundle DIR        bundle directory (default: current directory)\n"
  "      --pid-file FILE     write the init's pid to FILE\n"
  "      --no-pivot          MS_MOVE + chroot instead of pivot_root (ramfs roots)\n"
  "      --preserve-fds N    pass N more fds (from 3) to the container\n"
  "      --pidfd-socket S    send a pidfd of the container's init to the unix socket S\n"
  "      --console-socket S  send the terminal's master fd to the unix socket S\n";

int
cmd_create (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },   { "pid-file", required_argument, NULL, 'p' },
    { "no-pivot", no_argument, NULL, 'P' },       { "preserve-fds", required_argument, NULL, 'F' },
    { "console-socket", required_argument, NULL, 'c' }, { "no-new-keyring", no_argument, NULL, 'K' },
    { "pidfd-socket", required_argument, NULL, 'D' },
    { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
  };
  struct create_options o = { .root = g->root, .bundle = ".", .systemd_cgroup = g->systemd_cgroup,
                             .no_cgroup = g->no_cgroup };
  cl_error *err = NULL;
  pid_t pid;
  int c;

  while ((c = getopt_long (argc, argv, ":b:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        o.bundle = optarg;
        break;
      case 'p':
        o.pid_file = optarg;
        break;
      case 'P':
        o.no_pivot = true;
        break;
      case 'F':
        if (cli_parse_preserve_fds ("create", optarg, &o.preserve_fds))
          return 1;
        break;
      case 'c':
        o.console_socket = optarg;
        break;
      case 'K':
        o.no_new_keyring = true;
        break;
      case 'D':
        o.pidfd_socket = optarg;
        break;
      case 'h':
        fputs (usage_text, stdout);
        return 0;
      default:
        return cli_bad_option ("create", argv, c);
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
