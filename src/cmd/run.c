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
  "  -d, --detach            return once the container is started\n"
  "      --keep              do not delete the container after it exits\n"
  CLI_CREATE_USAGE
  "                          (without --console-socket, a foreground run relays the terminal itself)\n";

int
cmd_run (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_CREATE_LONG_OPTIONS,
    { "detach", no_argument, NULL, 'd' },
    { "keep", no_argument, NULL, 'k' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
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
    {
      int taken = cli_create_option ("run", c, &o);
      if (taken < 0)
        return 1;
      if (taken)
        continue;
      switch (c)
        {
        case 'd':
          detach = true;
          break;
        case 'k':
          keep = true;
          break;
        case 'h':
          fputs (usage_text, stdout);
          return 0;
        default:
          return cli_bad_option ("run", argv, c);
        }
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
