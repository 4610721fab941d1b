/* bench/interleave RUNS CMD...: time each CMD RUNS times, interleaved (one
 * run of every CMD per round, so that a drift in the machine's load falls
 * on all of them alike), and print each CMD's median in microseconds, one
 * line per CMD, in order, and beside it the median of the largest peak RSS
 * (KiB) of its processes (wait4's ru_maxrss: the process's own or that of
 * the largest of the children it waited for).
 *
 * A CMD is words separated by spaces (no quoting), and may be several
 * commands joined by " && ", timed together (create, start, delete); "{}"
 * in a word becomes the run's number (container ids).  Commands run
 * directly, without a shell, stdin from and output to /dev/null; a round
 * of warm-up comes first and is not counted.  The timer is the
 * monotonic clock around fork and wait: nothing else is forked per run
 * (a `date` per run would add a process to every figure). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_WORDS 64
#define MAX_STEPS 8

struct step
{
  char *words[MAX_WORDS];
};

struct bench_cmd
{
  const char *text;
  struct step steps[MAX_STEPS];
  int n_steps;
  double *samples, *rss;
  int failures;
};

static double
now_us (void)
{
  struct timespec t;
  clock_gettime (CLOCK_MONOTONIC, &t);
  return (double) t.tv_sec * 1e6 + (double) t.tv_nsec / 1e3;
}

static void
parse (struct bench_cmd *c, const char *text)
{
  char *copy = strdup (text), *save = NULL;
  int w = 0;
  c->text = text;
  c->n_steps = 1;
  for (char *tok = strtok_r (copy, " ", &save); tok; tok = strtok_r (NULL, " ", &save))
    {
      if (strcmp (tok, "&&") == 0 && c->n_steps < MAX_STEPS)
        {
          c->n_steps++;
          w = 0;
          continue;
        }
      if (w < MAX_WORDS - 1)
        c->steps[c->n_steps - 1].words[w++] = tok;
    }
}

/* Run one step with "{}" replaced by run; its exit status, and its peak
 * RSS in *rss_kib when larger. */
static int
run_step (const struct step *s, int run, double *rss_kib)
{
  struct rusage ru;
  char *argv[MAX_WORDS] = { NULL };
  char expanded[MAX_WORDS][256];
  int status;
  pid_t pid;
  for (int i = 0; s->words[i]; i++)
    {
      const char *mark = strstr (s->words[i], "{}");
      argv[i] = s->words[i];
      if (mark == NULL)
        continue;
      snprintf (expanded[i], sizeof expanded[i], "%.*s%d%s", (int) (mark - s->words[i]), s->words[i], run, mark + 2);
      argv[i] = expanded[i];
    }
  if (argv[0] == NULL)
    return 0;
  pid = fork ();
  if (pid == 0)
    {
      int null = open ("/dev/null", O_RDWR);
      dup2 (null, 0);
      dup2 (null, 1);
      dup2 (null, 2);
      execvp (argv[0], argv);
      _exit (127);
    }
  if (pid < 0 || wait4 (pid, &status, 0, &ru) < 0)
    return -1;
  if ((double) ru.ru_maxrss > *rss_kib)
    *rss_kib = (double) ru.ru_maxrss;
  return status;
}

static int
compare (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, int n)
{
  qsort (v, (size_t) n, sizeof *v, compare);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int
main (int argc, char **argv)
{
  int runs = argc > 1 ? atoi (argv[1]) : 0, n = argc - 2;
  struct bench_cmd *cmds;
  if (runs <= 0 || n <= 0)
    {
      fputs ("usage: interleave RUNS CMD...\n", stderr);
      return 2;
    }
  cmds = calloc ((size_t) n, sizeof *cmds);
  for (int j = 0; j < n; j++)
    {
      parse (&cmds[j], argv[2 + j]);
      cmds[j].samples = calloc ((size_t) runs, sizeof (double));
      cmds[j].rss = calloc ((size_t) runs, sizeof (double));
    }
  for (int r = -1; r < runs; r++)
    for (int j = 0; j < n; j++)
      {
        int id = r < 0 ? 1000000 + j : r;
        double t0 = now_us (), rss = 0;
        for (int s = 0; s < cmds[j].n_steps; s++)
          if (run_step (&cmds[j].steps[s], id, &rss) != 0 && s == 0)
            cmds[j].failures++;
        if (r >= 0)
          {
            cmds[j].samples[r] = now_us () - t0;
            cmds[j].rss[r] = rss;
          }
      }
  for (int j = 0; j < n; j++)
    {
      if (cmds[j].failures)
        fprintf (stderr, "interleave: `%s` failed %d of %d times\n", cmds[j].text, cmds[j].failures, runs + 1);
      printf ("%.0f %.0f\n", median (cmds[j].samples, runs), median (cmds[j].rss, runs));
    }
  return 0;
}
