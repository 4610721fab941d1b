/* crun-lite delete: remove containers and everything they made. */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"
#include "container/container.h"

static const char usage_text[] =
  "Usage: crun-lite delete [OPTIONS] ID...\n\n"
  "Delete stopped (or created) containers.\n\n"
  "Options:\n"
  "  -f, --force  kill a running container first; a missing container is not an error\n";

int
cmd_delete (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "force", no_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
  };
  bool force = false;
  int c, rc = 0;

  while ((c = getopt_long (argc, argv, ":fh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        force = true;
        break;
      case 'h':
        fputs (usage_text, stdout);
        return 0;
      default:
        return cli_bad_option ("delete", argv, c);
      }
  if (optind >= argc)
    return cli_usage_error ("delete", "missing container id");
  for (int i = optind; i < argc; i++)
    {
      cl_error *err = NULL;
      if (container_delete (g->root, argv[i], force, &err) < 0)
        rc = cli_fail (err);
    }
  return rc;
}
