/* crun-lite kill: signal a container's init, or with --all every process. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include "cli.h"
#include "container/container.h"
#include "base/signals.h"

static const char usage_text[] =
  "Usage: crun-lite kill [OPTIONS] ID [SIGNAL]\n\n"
  "Send SIGNAL (default TERM; a name with or without SIG, or a number) to the container's init.\n\n"
  "Options:\n"
  "  -a, --all    send it to every process of the container\n";

int
cmd_kill (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
  };
  cl_error *err = NULL;
  bool all = false;
  int c, sig = SIGTERM;

  while ((c = getopt_long (argc, argv, ":ah", opts, NULL)) != -1)
    switch (c)
      {
      case 'a':
        all = true;
        break;
      case 'h':
        fputs (usage_text, stdout);
        return 0;
      default:
        return cli_bad_option ("kill", argv, c);
      }
  if (argc - optind == 2)
    {
      sig = signal_parse (argv[optind + 1]);
      if (sig < 0)
        return cli_usage_error ("kill", "invalid signal `%s`", argv[optind + 1]);
    }
  else if (cli_want_args ("kill", argc, argv, optind, 1, "container id"))
    return 1;
  if (container_kill (g->root, argv[optind], sig, all, &err) < 0)
    return cli_fail (err);
  return 0;
}
