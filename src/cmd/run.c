/* crun-lite run: create and start; in the foreground, wait and return the
 * container's exit status, then delete it. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include "base/trace.h"
#include "cli.h"
#include "process/console.h"
#include "base/utils.h"
#include "container/container.h"
#include "container/foreground.h"
#include "base/log.h"

static const char usage_text[] =
  "Usage: crun-lite run [OPTIONS] ID\n\n"
  "Create and start a container.  In the foreground, exit with its status\n"
  "(128+N when killed by signal N) and delete it afterwards.\n\n"
  "Options:\n"
  "  -b, --bundle DIR        bundle directory (default: current directory)\n"
  "  -d, --detach            return once the container is started\n"
  "      --pid-file FILE     write the init's pid to FILE\n"
  "      --keep              do not delete the container after it exits\n"
  "      --no-pivot          MS_MOVE + chroot instead of pivot_root\n"
  "      --preserve-fds N    pass N more fds (from 3) to the container\n"
  "      --pidfd-socket S    send a pidfd of the container's init to the unix socket S\n"
  "      --console-socket S  send the terminal's master fd to the unix socket S\n"
  "                          (without it, a foreground run relays the terminal itself)\n";

int
cmd_run (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' },   { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, 'p' }, { "keep", no_argument, NULL, 'k' },
    { "no-pivot", no_argument, NULL, 'P' },       { "preserve-fds", required_argument, NULL, 'F' },
    { "console-socket", required_argument, NULL, 'c' }, { "no-new-keyring", no_argument, NULL, 'K' },
    { "pidfd-socket", required_argument, NULL, 'D' },
    { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
  };
  struct create_options o = { .root = g->root, .bundle = ".", .systemd_cgroup = g->systemd_cgroup,
                             .no_cgroup = g->no_cgroup };
  bool detach = false, keep = false;
  cl_error *err = NULL;
  sigset_t old;
  cleanup_close int master = -1;
  pid_t pid;
  int c, status = 0;

  while ((c = getopt_long (argc, argv, ":b:dh", opts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        o.bundle = optarg;
        break;
      case 'd':
        detach = true;
        break;
      case 'p':
        o.pid_file = optarg;
        break;
      case 'k':
        keep = true;
        break;
      case 'P':
        o.no_pivot = true;
        break;
      case 'F':
        if (cli_parse_preserve_fds ("run", optarg, &o.preserve_fds))
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
        return cli_bad_option ("run", argv, c);
      }
  if (cli_want_args ("run", argc, argv, optind, 1, "container id"))
    return 1;
  o.id = argv[optind];
  {
    cleanup_free char *config_path = xasprintf ("%s/config.json", o.bundle);
    if (cli_protect_binary (g, config_path) < 0)
      return 1;
  }

  o.foreground = !detach;
  if (!detach)
    foreground_block_signals (&old);
  if (container_create_with_console (&o, &pid, &master, &err) < 0)
    return cli_fail (err);
  if (container_start (g->root, o.id, &err) < 0)
    {
      cl_error *ignored = NULL;
      int rc = cli_fail (err);
      if (container_delete (g->root, o.id, true, &ignored) < 0)
        cli_fail (ignored);
      return rc;
    }
  if (detach)
    return 0;
  if ((master >= 0 ? console_relay (master, pid, &status, &err) : foreground_wait (pid, &status, &err)) < 0)
    return cli_fail (err);
  trace_phase ("run: the container exited");
  if (!keep && container_delete (g->root, o.id, true, &err) < 0)
    {
      cli_fail (err);
      return status ? status : 1;
    }
  return status;
}
