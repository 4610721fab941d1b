/* crun-lite list: every container under --root, as a table or JSON. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>
#include "cli.h"
#include "config/oci_config.h"
#include "config/json_read.h"
#include "base/log.h"
#include "container/container.h"
#include "base/utils.h"

#define GEN_STR(g, s) yajl_gen_string (g, (const unsigned char *) (s), strlen (s))

static void
gen_entry (yajl_gen g, const struct container_state *st, const char *status, int pid)
{
  yajl_gen_map_open (g);
  GEN_STR (g, "ociVersion");
  GEN_STR (g, OCI_VERSION_IMPLEMENTED);
  GEN_STR (g, "id");
  GEN_STR (g, st->id);
  GEN_STR (g, "pid");
  yajl_gen_integer (g, pid);
  GEN_STR (g, "status");
  GEN_STR (g, status);
  GEN_STR (g, "bundle");
  GEN_STR (g, st->bundle);
  GEN_STR (g, "rootfs");
  GEN_STR (g, st->rootfs);
  GEN_STR (g, "created");
  GEN_STR (g, st->created);
  GEN_STR (g, "owner");
  GEN_STR (g, st->owner ? st->owner : "");
  yajl_gen_map_close (g);
}

static void
print_entry (yajl_gen gen, bool quiet, const struct container_state *st, const char *status, int pid)
{
  if (gen)
    gen_entry (gen, st, status, pid);
  else if (quiet)
    printf ("%s\n", st->id);
  else
    printf ("%-12s%-10d%-10s%-40s%-32s%s\n", st->id, pid, status, st->bundle, st->created, st->owner ? st->owner : "");
}

/* An entry whose state cannot be read is listed as `unknown`, with the
 * reason on stderr, so that what it holds is not forgotten: `delete
 * --force` removes it.  One removed meanwhile is simply not listed. */
static void
print_unreadable (yajl_gen gen, bool quiet, const char *root, const char *id, const cl_error *err)
{
  struct container_state st = { .id = (char *) id, .bundle = "", .rootfs = "", .created = "", .owner = "" };
  cleanup_free char *dir = xasprintf ("%s/%s", root, id);
  if (access (dir, F_OK) < 0)
    return;
  if (err->errnum == ENOENT)
    log_warning ("load container %s: no state.json (a create that did not finish): `delete --force %s` removes it",
                 id, id);
  else
    log_warning ("load container %s: %s", id, err->msg);
  print_entry (gen, quiet, &st, "unknown", 0);
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

int
cmd_list (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' }, { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  const char *format = "table";
  bool quiet = false;
  cleanup_dir DIR *d = NULL;
  cleanup_free char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  yajl_gen gen = NULL;
  int c;

  while ((c = getopt_long (argc, argv, ":f:qh", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        format = optarg;
        break;
      case 'q':
        quiet = true;
        break;
      case 'h':
        fputs ("Usage: crun-lite list [--format table|json] [--quiet]\n\nList containers.\n", stdout);
        return 0;
      default:
        return cli_bad_option ("list", argv, c);
      }
  if (strcmp (format, "table") != 0 && strcmp (format, "json") != 0)
    return cli_usage_error ("list", "--format: expected table or json, got `%s`", format);
  if (cli_want_args ("list", argc, argv, optind, 0, ""))
    return 1;

  d = opendir (g->root);
  /* A default root not made yet holds no container; one named with --root
   * must exist (runc 1.2+). */
  if (d == NULL && (errno != ENOENT || g->root_given))
    {
      cl_error *err = NULL;
      cl_fail (&err, errno, "open state root `%s`", g->root);
      return cli_fail (err);
    }
  while (d && (de = readdir (d)))
    if (de->d_name[0] != '.' && de->d_type == DT_DIR)
      {
        names = xrealloc (names, (n + 1) * sizeof *names);
        names[n++] = xstrdup (de->d_name);
      }
  if (n > 0)
    qsort (names, n, sizeof *names, compare_names);

  if (strcmp (format, "json") == 0)
    {
      gen = yajl_gen_alloc (NULL);
      yajl_gen_array_open (gen);
    }
  else if (!quiet)
    printf ("%-12s%-10s%-10s%-40s%-32s%s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    {
      struct container_ref ref;
      cl_error *err = NULL;
      if (container_ref_open (g->root, names[i], &ref, &err) < 0)
        {
          print_unreadable (gen, quiet, g->root, names[i], err);
          cl_error_free (err);
          free (names[i]);
          continue;
        }
      print_entry (gen, quiet, ref.st, state_status_name (ref.status),
                   ref.status == STATUS_STOPPED ? 0 : (int) ref.st->pid);
      container_ref_close (&ref);
      free (names[i]);
    }
  if (gen)
    {
      yajl_gen_array_close (gen);
      {
        char *text = json_gen_take (gen, true);
        fputs (text, stdout);
        free (text);
      }
    }
  return 0;
}
