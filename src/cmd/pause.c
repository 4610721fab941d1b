/* crun-lite pause / resume: freeze and thaw every process of a container. */
#include <getopt.h>
#include <stdio.h>
#include "cli.h"
#include "container/container.h"

static int
pause_or_resume (const struct global_opts *g, int argc, char **argv, bool pause)
{
  static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 } };
  const char *name = pause ? "pause" : "resume";
  cl_error *err = NULL;
  int c;
  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    {
      if (c == 'h')
        {
          printf ("Usage: crun-lite %s ID\n\n%s every process of the container (cgroup freezer).\n", name,
                  pause ? "Suspend" : "Resume");
          return 0;
        }
      return cli_bad_option (name, argv, c);
    }
  if (cli_want_args (name, argc, argv, optind, 1, "container id"))
    return 1;
  if (container_pause (g->root, argv[optind], pause, &err) < 0)
    return cli_fail (err);
  return 0;
}

int
cmd_pause (const struct global_opts *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, true);
}

int
cmd_resume (const struct global_opts *g, int argc, char **argv)
{
  return pause_or_resume (g, argc, argv, false);
}
