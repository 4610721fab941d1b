/* crun-lite state: print a container's OCI state document. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli.h"
#include "container/container.h"

int
cmd_state (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  cl_error *err = NULL;
  char *json = NULL;
  int c;
  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          fputs ("Usage: crun-lite state ID\n\nPrint the OCI state of a container as JSON.\n", stdout);
          return 0;
        }
      return cli_bad_option ("state", argv, c);
    }
  if (cli_want_args ("state", argc, argv, optind, 1, "container id"))
    return 1;
  if (container_state_json (g->root, argv[optind], &json, &err) < 0)
    return cli_fail (err);
  fputs (json, stdout);
  free (json);
  return 0;
}
