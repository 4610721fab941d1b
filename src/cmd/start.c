/* crun-lite start: release a created container's process. */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"
#include "container/container.h"

int
cmd_start (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  cl_error *err = NULL;
  int c;
  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          fputs ("Usage: crun-lite start ID\n\nStart the user's process of a created container.\n", stdout);
          return 0;
        }
      return cli_bad_option ("start", argv, c);
    }
  if (cli_want_args ("start", argc, argv, optind, 1, "container id"))
    return 1;
  if (container_start (g->root, argv[optind], &err) < 0)
    return cli_fail (err);
  return 0;
}
