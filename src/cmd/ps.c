/* crun-lite ps: the container's processes, through ps(1) (table) or as a
 * JSON array of pids. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "container/container.h"
#include "base/utils.h"

static const char usage_text[] =
  "Usage: crun-lite ps [--format table|json] ID [-- PS-ARGS...]\n\n"
  "List the container's processes: ps(1) output (default arguments -ef) filtered\n"
  "to them, or with --format json a JSON array of their pids.\n";

/* Run ps with args and keep the header and the lines of our pids. */
static int
filtered_ps (char **ps_args, const pid_t *pids, size_t n)
{
  int pipefd[2];
  pid_t child;
  cleanup_fclose FILE *in = NULL;
  cleanup_free char *line = NULL;
  size_t cap = 0;
  int pid_col = -1, status;

  if (pipe2 (pipefd, O_CLOEXEC) < 0)
    return -1;
  child = fork ();
  if (child < 0)
    return -1;
  if (child == 0)
    {
      dup2 (pipefd[1], 1);
      execvp ("ps", ps_args);
      fprintf (stderr, "crun-lite: ps: exec ps: %s\n", strerror (errno));
      _exit (127);
    }
  close (pipefd[1]);
  in = fdopen (pipefd[0], "r");
  while (in && getline (&line, &cap, in) > 0)
    {
      if (pid_col < 0)
        {
          /* The header names the PID column. */
          cleanup_free char *copy = xstrdup (line);
          char *save = NULL;
          int col = 0;
          for (char *t = strtok_r (copy, " \t\n", &save); t; t = strtok_r (NULL, " \t\n", &save), col++)
            if (strcmp (t, "PID") == 0)
              pid_col = col;
          fputs (line, stdout);
          if (pid_col < 0)
            {
              fprintf (stderr, "crun-lite: ps: no PID column in the output of ps\n");
              pid_col = 1 << 30;
            }
          continue;
        }
      {
        cleanup_free char *copy = xstrdup (line);
        char *save = NULL, *t = strtok_r (copy, " \t\n", &save);
        for (int col = 0; t && col < pid_col; col++)
          t = strtok_r (NULL, " \t\n", &save);
        if (t)
          for (size_t i = 0; i < n; i++)
            if (atoi (t) == pids[i])
              {
                fputs (line, stdout);
                break;
              }
      }
    }
  waitpid (child, &status, 0);
  return WIFEXITED (status) && WEXITSTATUS (status) == 0 ? 0 : -1;
}

int
cmd_ps (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  cleanup_free pid_t *pids = NULL;
  cl_error *err = NULL;
  size_t n = 0;
  int c;

  while ((c = getopt_long (argc, argv, "+:f:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        format = optarg;
        break;
      case 'h':
        fputs (usage_text, stdout);
        return 0;
      default:
        return cli_bad_option ("ps", argv, c);
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error ("ps", "--format: expected table or json, got `%s`", format);
  if (optind >= argc)
    return cli_usage_error ("ps", "missing container id");
  if (container_pids (g->root, argv[optind], &pids, &n, &err) < 0)
    return cli_fail (err);
  if (strcmp (format, "json") == 0)
    {
      putchar ('[');
      for (size_t i = 0; i < n; i++)
        printf ("%s%d", i ? "," : "", (int) pids[i]);
      puts ("]");
      return 0;
    }
  {
    /* Everything after the id (a leading "--" dropped) goes to ps. */
    int first = optind + 1;
    int nargs;
    cleanup_free char **ps_args = NULL;
    if (first < argc && strcmp (argv[first], "--") == 0)
      first++;
    nargs = argc - first;
    ps_args = xzalloc ((size_t) (nargs + 3) * sizeof *ps_args);
    ps_args[0] = (char *) "ps";
    if (nargs == 0)
      ps_args[1] = (char *) "-ef";
    for (int i = 0; i < nargs; i++)
      ps_args[1 + i] = argv[first + i];
    fflush (stdout);
    if (filtered_ps (ps_args, pids, n) < 0)
      {
        cl_fail (&err, 0, "ps: running ps(1) failed");
        return cli_fail (err);
      }
  }
  return 0;
}
