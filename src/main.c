/* crun-lite: entry point — global options, then one command. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/trace.h"
#include "cli.h"
#include "config/oci_config.h"
#include "base/log.h"
#include "container/container.h"
#include "container/sealed_exe.h"
#include "state/state.h"
#include "base/utils.h"

static const struct cli_command commands[] = {
  { "checkpoint", cmd_checkpoint, "checkpoint a running container with CRIU" },
  { "create", cmd_create, "create a container, stopped just before the user's process" },
  { "delete", cmd_delete, "delete a container and everything it made" },
  { "exec", cmd_exec, "run a process in a running container" },
  { "events", cmd_events, "resource usage and OOM events of a container" },
  { "features", cmd_features, "what this runtime implements (runtime-spec features JSON)" },
  { "kill", cmd_kill, "send a signal to a container's init (or all its processes)" },
  { "list", cmd_list, "list containers" },
  { "pause", cmd_pause, "suspend every process of a container" },
  { "ps", cmd_ps, "list a container's processes" },
  { "restore", cmd_restore, "restore a container from a CRIU checkpoint" },
  { "resume", cmd_resume, "resume a paused container" },
  { "run", cmd_run, "create and start a container" },
  { "spec", cmd_spec, "write a default config.json" },
  { "start", cmd_start, "start a created container" },
  { "state", cmd_state, "print a container's OCI state" },
  { "update", cmd_update, "change a running container's resource limits" },
};

static void
usage (FILE *out)
{
  fprintf (out, "Usage: crun-lite [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS]\n\n"
                "A small, fast OCI container runtime.\n\nCommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf (out, "  %-8s %s\n", commands[i].name, commands[i].summary);
  fprintf (out, "\nGlobal options:\n"
                "  --root DIR            state directory (default /run/crun-lite as root,\n"
                "                        else $XDG_RUNTIME_DIR/crun-lite or /run/user/UID/crun-lite)\n"
                "  --log FILE            also write diagnostics to FILE\n"
                "  --log-format FORMAT   text or json (default text)\n"
                "  --debug               log debug messages\n"
                "  --systemd-cgroup      the cgroup is a transient systemd scope (cgroupsPath slice:prefix:name)\n"
                "  --cgroup-manager M    cgroupfs (default), systemd (= --systemd-cgroup) or disabled (no cgroup)\n"
                "  --trace-file FILE     with TRACEPARENT set, write this command's spans there (OTLP JSON lines)\n"
                "  -v, --version         print the version\n"
                "  -h, --help            this help; COMMAND --help for a command's\n");
}

int
cli_fail (cl_error *err)
{
  log_error (err);
  cl_error_free (err);
  return 1;
}

int
cli_usage_error (const char *command, const char *fmt, ...)
{
  va_list ap;
  cleanup_free char *msg = NULL;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  if (command)
    log_msg (LOG_LEVEL_ERROR, "%s: %s (see `crun-lite %s --help`)", command, msg, command);
  else
    log_msg (LOG_LEVEL_ERROR, "%s (see `crun-lite --help`)", msg);
  return 1;
}

int
cli_bad_option (const char *command, char **argv, int c)
{
  if (c == ':')
    return cli_usage_error (command, "option `%s` needs a value", argv[optind - 1]);
  return cli_usage_error (command, "unknown option `%s`", argv[optind - 1]);
}

int
cli_want_args (const char *command, int argc, char **argv, int optind_, int n, const char *names)
{
  (void) argv;
  if (argc - optind_ < n)
    return cli_usage_error (command, "missing %s", names);
  if (argc - optind_ > n)
    return cli_usage_error (command, "unexpected argument `%s`", argv[optind_ + n]);
  return 0;
}

int
cli_parse_preserve_fds (const char *command, const char *arg, int *out)
{
  unsigned long long n;
  if (parse_uint64 (arg, &n) < 0 || n > 65536)
    return cli_usage_error (command, "--preserve-fds: expected a number of file descriptors, got `%s`", arg);
  *out = (int) n;
  return 0;
}

int
cli_create_option (const char *command, int c, struct create_options *o)
{
  switch (c)
    {
    case 'b':
      o->bundle = optarg;
      return 1;
    case 'p':
      o->pid_file = optarg;
      return 1;
    case 'P':
      o->no_pivot = true;
      return 1;
    case 'F':
      return cli_parse_preserve_fds (command, optarg, &o->preserve_fds) ? -1 : 1;
    case 'c':
      o->console_socket = optarg;
      return 1;
    case 'K':
      o->no_new_keyring = true;
      return 1;
    case 'D':
      o->pidfd_socket = optarg;
      return 1;
    default:
      return 0;
    }
}

int
cli_protect_binary (const struct global_opts *g, const char *config_path)
{
  cl_error *err = NULL;
  if (sealed_exe_prepare (g->argv, config_path, &err) < 0)
    {
      cli_fail (err);
      return -1;
    }
  return 0;
}

int
main (int argc, char **argv)
{
  struct global_opts g = { .root = NULL };
  cleanup_free char *default_root = NULL; /* g.root when no --root: freed when main returns */
  cl_error *err = NULL;
  static const struct option opts[] = {
    { "root", required_argument, NULL, 'r' },
    { "log", required_argument, NULL, 'l' },
    { "log-format", required_argument, NULL, 'f' },
    { "debug", no_argument, NULL, 'd' },
    { "systemd-cgroup", no_argument, NULL, 's' },
    { "cgroup-manager", required_argument, NULL, 'M' },
    { "rootless", required_argument, NULL, 'R' },
    { "criu", required_argument, NULL, 'C' },
    { "trace-file", required_argument, NULL, 'T' },
    { "version", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  /* "+": stop at the command; its options are its own. */
  opterr = 0;
  while ((c = getopt_long (argc, argv, "+vh", opts, NULL)) != -1)
    switch (c)
      {
      case 'r':
        g.root = optarg;
        g.root_given = *optarg != '\0';
        break;
      case 'l':
        g.log = optarg;
        break;
      case 'f':
        g.log_format = optarg;
        break;
      case 'd':
        g.debug = true;
        break;
      case 's':
        g.systemd_cgroup = true;
        break;
      case 'C':
        g.criu = optarg;
        break;
      case 'T': /* spans of the caller's TRACEPARENT go there (base/trace.h) */
        setenv ("CRUN_LITE_TRACE_FILE", optarg, 1);
        break;
      case 'M': /* crun's spelling, for scripts written for crun */
        g.systemd_cgroup = strcmp (optarg, "systemd") == 0;
        g.no_cgroup = strcmp (optarg, "disabled") == 0;
        if (!g.systemd_cgroup && !g.no_cgroup && strcmp (optarg, "cgroupfs") != 0)
          {
            if (log_open (g.log, g.log_format, g.debug, &err) < 0)
              return cli_fail (err);
            return cli_usage_error (NULL, "--cgroup-manager: expected cgroupfs, systemd or disabled, got `%s`", optarg);
          }
        break;
      case 'R':
        break; /* accepted for runc compatibility; decided at run time */
      case 'v':
        printf ("crun-lite version %s\nspec: %s\n", PACKAGE_VERSION, OCI_VERSION_IMPLEMENTED);
        return 0;
      case 'h':
        usage (stdout);
        return 0;
      default:
        if (log_open (g.log, g.log_format, g.debug, &err) < 0)
          return cli_fail (err);
        return cli_usage_error (NULL, "unknown global option `%s`", argv[optind - 1]);
      }
  trace_phase (optind < argc ? argv[optind] : "main");
  g.argv = argv;
  if (log_open (g.log, g.log_format, g.debug, &err) < 0)
    return cli_fail (err);
  if (optind >= argc)
    {
      usage (stderr);
      return 1;
    }
  /* Every command but spec and features works on the state directory. */
  if ((g.root == NULL || *g.root == '\0') && strcmp (argv[optind], "spec") != 0
      && strcmp (argv[optind], "features") != 0)
    {
      if (state_default_root (&default_root, &err) < 0)
        return cli_fail (err);
      g.root = default_root;
    }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (strcmp (argv[optind], commands[i].name) == 0)
      {
        /* Commands parse their own options from a fresh getopt state. */
        int sub_argc = argc - optind;
        char **sub_argv = argv + optind;
        optind = 0;
        opterr = 0;
        return commands[i].run (&g, sub_argc, sub_argv);
      }
  return cli_usage_error (NULL, "unknown command `%s`", argv[optind]);
}
