/* crun-lite events: usage statistics (--stats, once) or a stream of stats
 * and OOM events, one JSON object per line, until the container stops. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "container/container.h"
#include "base/utils.h"

/* "5s", "500ms", "1m", or plain seconds. */
static long
parse_interval_ms (const char *s)
{
  char *end;
  double v = strtod (s, &end);
  if (end == s || v <= 0)
    return -1;
  if (*end == '\0' || strcmp (end, "s") == 0)
    return (long) (v * 1000);
  if (strcmp (end, "ms") == 0)
    return (long) v;
  if (strcmp (end, "m") == 0)
    return (long) (v * 60000);
  return -1;
}

int
cmd_events (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "stats", no_argument, NULL, 's' }, { "interval", required_argument, NULL, 'i' },
    { "help", no_argument, NULL, 'h' },  { NULL, 0, NULL, 0 },
  };
  bool stats_once = false;
  long interval_ms = 5000;
  unsigned long long ooms = 0, now;
  const char *id;
  cl_error *err = NULL;
  int c;

  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    switch (c)
      {
      case 's':
        stats_once = true;
        break;
      case 'i':
        interval_ms = parse_interval_ms (optarg);
        if (interval_ms <= 0)
          return cli_usage_error ("events", "--interval: expected a duration like 5s or 500ms, got `%s`", optarg);
        break;
      case 'h':
        fputs ("Usage: crun-lite events [--stats] [--interval DURATION] ID\n\n"
               "Print resource usage (--stats: once) or stream stats and OOM events as JSON lines.\n",
               stdout);
        return 0;
      default:
        return cli_bad_option ("events", argv, c);
      }
  if (cli_want_args ("events", argc, argv, optind, 1, "container id"))
    return 1;
  id = argv[optind];
  if (container_oom_kills (g->root, id, &ooms, &err) < 0)
    return cli_fail (err);
  for (;;)
    {
      cleanup_free char *data = NULL;
      if (container_stats (g->root, id, &data, &err) < 0)
        {
          /* The stream ends when the container does. */
          if (!stats_once)
            {
              cl_error_free (err);
              return 0;
            }
          return cli_fail (err);
        }
      printf ("{\"type\":\"stats\",\"id\":\"%s\",\"data\":%s}\n", id, data);
      fflush (stdout);
      if (stats_once)
        return 0;
      for (long waited = 0; waited < interval_ms; waited += 100)
        {
          usleep (100 * 1000);
          if (container_oom_kills (g->root, id, &now, &err) < 0)
            {
              cl_error_free (err);
              return 0;
            }
          if (now > ooms)
            {
              printf ("{\"type\":\"oom\",\"id\":\"%s\"}\n", id);
              fflush (stdout);
              ooms = now;
            }
        }
    }
}
