/* crun-lite checkpoint / restore: runc's flags over include/container/checkpoint.h. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "container/checkpoint.h"
#include "cli.h"
#include "base/utils.h"

enum
{
  OPT_IMAGE = 256, OPT_WORK, OPT_LEAVE, OPT_TCP, OPT_UNIX, OPT_SHELL, OPT_LOCKS, OPT_CGMODE, OPT_PIDFILE, OPT_EMPTY,
  OPT_PARENT, OPT_PAGE_SERVER, OPT_STATUS_FD, OPT_DEDUP, OPT_SKIP_IN_FLIGHT, OPT_LINK_REMAP, OPT_LAZY, OPT_PRE_DUMP,
  OPT_NO_SUBREAPER, OPT_NO_PIVOT, OPT_CONSOLE,
};

/* The flags both commands share; true when `c` was one of them. */
static bool
criu_option (int c, const char *arg, struct criu_options *o)
{
  switch (c)
    {
    case OPT_IMAGE:
      o->image_path = arg;
      return true;
    case OPT_WORK:
      o->work_path = arg;
      return true;
    case OPT_TCP:
      o->tcp_established = true;
      return true;
    case OPT_UNIX:
      o->ext_unix_sk = true;
      return true;
    case OPT_SHELL:
      o->shell_job = true;
      return true;
    case OPT_LOCKS:
      o->file_locks = true;
      return true;
    case OPT_CGMODE:
      o->manage_cgroups_mode = arg;
      return true;
    case OPT_PARENT:
      o->parent_path = arg;
      return true;
    case OPT_PAGE_SERVER:
      o->page_server = arg;
      return true;
    case OPT_STATUS_FD:
      {
        unsigned long long fd;
        if (parse_uint64 (arg, &fd) < 0 || fd > 65535)
          {
            fprintf (stderr, "crun-lite: --status-fd: expected a file descriptor number, got `%s`\n", arg);
            exit (1);
          }
        o->status_fd = (int) fd;
        return true;
      }
    case OPT_DEDUP:
      o->auto_dedup = true;
      return true;
    case OPT_SKIP_IN_FLIGHT:
      o->tcp_skip_in_flight = true;
      return true;
    case OPT_LINK_REMAP:
      o->link_remap = true;
      return true;
    case OPT_LAZY:
      o->lazy_pages = true;
      return true;
    case OPT_EMPTY:
      /* runc's flag; criu knows how to leave out the network one only. */
      if (strcmp (arg, "network") != 0)
        {
          fprintf (stderr, "crun-lite: --empty-ns: only `network` is supported, not `%s`\n", arg);
          exit (1);
        }
      o->empty_netns = true;
      return true;
    default:
      return false;
    }
}

#define CRIU_LONG_OPTIONS                                                                                     \
  { "image-path", required_argument, NULL, OPT_IMAGE }, { "work-path", required_argument, NULL, OPT_WORK },  \
    { "tcp-established", no_argument, NULL, OPT_TCP }, { "ext-unix-sk", no_argument, NULL, OPT_UNIX },       \
    { "shell-job", no_argument, NULL, OPT_SHELL }, { "file-locks", no_argument, NULL, OPT_LOCKS },           \
    { "manage-cgroups-mode", required_argument, NULL, OPT_CGMODE },                                         \
    { "empty-ns", required_argument, NULL, OPT_EMPTY }, { "parent-path", required_argument, NULL, OPT_PARENT }, \
    { "page-server", required_argument, NULL, OPT_PAGE_SERVER },                                          \
    { "status-fd", required_argument, NULL, OPT_STATUS_FD }, { "auto-dedup", no_argument, NULL, OPT_DEDUP },   \
    { "tcp-skip-in-flight", no_argument, NULL, OPT_SKIP_IN_FLIGHT },                                      \
    { "link-remap", no_argument, NULL, OPT_LINK_REMAP }, { "lazy-pages", no_argument, NULL, OPT_LAZY },    \
    { "help", no_argument, NULL, 'h' }

#define CRIU_USAGE                                                                                            \
  "      --image-path DIR     where the images are (default: ./checkpoint)\n"                               \
  "      --work-path DIR      where criu writes its log (default: the image path)\n"                        \
  "      --tcp-established    established TCP connections too\n"                                            \
  "      --ext-unix-sk        external unix sockets too\n"                                                  \
  "      --shell-job          the container has a terminal of its caller\n"                                 \
  "      --file-locks         file locks too\n"                                                             \
  "      --manage-cgroups-mode M  criu's cgroup mode (soft, full, strict, ignore)\n"                        \
  "      --empty-ns network   do not save the network namespace; restore an empty one\n"                   \
  "      --parent-path DIR    a pre-dump's images, relative to the image path (incremental)\n"            \
  "      --page-server A:P    send the pages to criu's page server at address A, port P\n"               \
  "      --status-fd N        criu writes a byte to fd N once it is ready (lazy pages)\n"                \
  "      --auto-dedup         --tcp-skip-in-flight   --link-remap   --lazy-pages (criu's own)\n"

int
cmd_checkpoint (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = { CRIU_LONG_OPTIONS, { "leave-running", no_argument, NULL, OPT_LEAVE },
                                        { "pre-dump", no_argument, NULL, OPT_PRE_DUMP }, { NULL, 0, NULL, 0 } };
  struct checkpoint_options o = { .root = g->root, .criu = { .criu = g->criu, .status_fd = -1 } };
  cl_error *err = NULL;
  int c;

  while ((c = getopt_long (argc, argv, ":h", opts, NULL)) != -1)
    {
      if (criu_option (c, optarg, &o.criu))
        continue;
      if (c == OPT_LEAVE)
        o.leave_running = true;
      else if (c == OPT_PRE_DUMP)
        o.pre_dump = true;
      else if (c == 'h')
        {
          fputs ("Usage: crun-lite checkpoint [options] ID\n\n"
                 "Dump a running container with CRIU; it is deleted afterwards unless\n--leave-running.\n\n" CRIU_USAGE
                 "      --leave-running      keep the container running after the dump\n"
                 "      --pre-dump           dump the memory only, the container keeps running\n",
                 stdout);
          return 0;
        }
      else
        return cli_bad_option ("checkpoint", argv, c);
    }
  if (cli_want_args ("checkpoint", argc, argv, optind, 1, "container id"))
    return 1;
  o.id = argv[optind];
  if (container_checkpoint (&o, &err) < 0)
    return cli_fail (err);
  return 0;
}

int
cmd_restore (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = { CRIU_LONG_OPTIONS,
                                        { "bundle", required_argument, NULL, 'b' },
                                        { "detach", no_argument, NULL, 'd' },
                                        { "pid-file", required_argument, NULL, OPT_PIDFILE },
                                        { "no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER },
                                        { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
                                        { "console-socket", required_argument, NULL, OPT_CONSOLE },
                                        { NULL, 0, NULL, 0 } };
  struct restore_options o = { .root = g->root, .criu = { .criu = g->criu, .status_fd = -1 } };
  cl_error *err = NULL;
  int c, status = 0;

  /* go-runc spells it with one dash (Go's flag package takes both). */
  for (int i = 1; i < argc && strcmp (argv[i], "--") != 0; i++)
    if (strcmp (argv[i], "-no-subreaper") == 0)
      argv[i] = (char *) "--no-subreaper";
  while ((c = getopt_long (argc, argv, ":hb:d", opts, NULL)) != -1)
    {
      if (criu_option (c, optarg, &o.criu))
        continue;
      switch (c)
        {
        case 'b':
          o.bundle = optarg;
          break;
        case 'd':
          o.detach = true;
          break;
        case OPT_PIDFILE:
          o.pid_file = optarg;
          break;
        case OPT_NO_SUBREAPER: /* the restored init is our child (criu --restore-sibling): no subreaper is used */
        case OPT_NO_PIVOT:     /* criu makes the restored mount namespace itself: no pivot_root of ours */
          break;
        case OPT_CONSOLE:
          cl_fail_as (&err, ENOTSUP, "restore: --console-socket: restoring a container's terminal is not supported "
                                     "(checkpoint it with --shell-job and restore it in the foreground)");
          return cli_fail (err);
        case 'h':
          fputs ("Usage: crun-lite restore [options] ID\n\n"
                 "Make container ID from a CRIU checkpoint and the bundle's config.\n\n" CRIU_USAGE
                 "  -b, --bundle DIR         the bundle (default: the current directory)\n"
                 "  -d, --detach             return once it runs (else wait, and exit with its status)\n"
                 "      --pid-file FILE      write the restored init's pid to FILE\n"
                 "      --no-subreaper, --no-pivot  accepted (nothing to turn off: see doc/DESIGN)\n",
                 stdout);
          return 0;
        default:
          return cli_bad_option ("restore", argv, c);
        }
    }
  if (cli_want_args ("restore", argc, argv, optind, 1, "container id"))
    return 1;
  o.id = argv[optind];
  {
    cleanup_free char *config_path = xasprintf ("%s/config.json", o.bundle ? o.bundle : ".");
    if (cli_protect_binary (g, config_path) < 0)
      return 1;
  }
  if (g->systemd_cgroup)
    {
      cl_fail_as (&err, ENOTSUP, "restore `%s`: --systemd-cgroup is not supported yet for restore "
                                 "(omit it: the cgroupfs driver restores the container)", o.id);
      return cli_fail (err);
    }
  if (container_restore (&o, &status, &err) < 0)
    return cli_fail (err);
  return status;
}
