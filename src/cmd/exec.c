/* crun-lite exec: run a process in a running container. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "container/container_exec.h"
#include "config/oci_config.h"
#include "process/process.h"
#include "base/utils.h"
#include "state/state.h"

static const char usage_text[] =
  "Usage: crun-lite exec [OPTIONS] ID [COMMAND [ARG...]]\n\n"
  "Run a process in a running container, with the container's namespaces,\n"
  "cgroup and confinement.  Exits with the process's status in the foreground.\n\n"
  "Options:\n"
  "  -p, --process FILE       the process as OCI JSON (replaces COMMAND and the flags below)\n"
  "  -d, --detach             return once the process is started\n"
  "      --pid-file FILE      write the process's pid to FILE\n"
  "      --cwd DIR            working directory (default: the container's process.cwd)\n"
  "  -e, --env K=V            add or replace an environment variable (repeatable)\n"
  "  -u, --user UID[:GID]     run as this numeric user (and group)\n"
  "  -g, --additional-gids N  add a supplementary group (repeatable)\n"
  "      --cap CAP            add a capability (repeatable)\n"
  "      --no-new-privs       set no_new_privs\n"
  "  -t, --tty                give it a terminal (relayed, or sent to --console-socket)\n"
  "      --console-socket S   send the terminal's master fd to the unix socket S\n"
  "      --pidfd-socket S     send a pidfd of the process to the unix socket S\n"
  "      --preserve-fds N     pass N more fds (from 3)\n"
  "      --apparmor PROFILE   run under this AppArmor profile (AppArmor hosts)\n"
  "      --process-label L    run with this SELinux label (SELinux hosts)\n"
  "      --cgroup [CTRL[,CTRL]:]PATH  run in this sub-cgroup of the container's (repeatable)\n"
  "      --ignore-paused      exec even if the container is paused (the process starts frozen)\n";

/* Replace NAME=... in env, or append. */
static void
env_set (char ***env, const char *kv)
{
  size_t len = strcspn (kv, "=");
  for (char **e = *env; e && *e; e++)
    if (strncmp (*e, kv, len) == 0 && (*e)[len] == '=')
      {
        free (*e);
        *e = xstrdup (kv);
        return;
      }
  strv_append (env, kv);
}

/* "1000", "1000:1000": numbers only, exactly (no names, no trailing junk). */
static int
parse_user (const char *s, struct oci_user *u)
{
  unsigned long long uid, gid;
  cleanup_free char *copy = xstrdup (s);
  char *colon = strchr (copy, ':');
  if (colon)
    *colon = '\0';
  /* 4294967295 is (uid_t) -1, "unchanged" to setresuid: not a user. */
  if (parse_uint64 (copy, &uid) < 0 || uid >= 0xFFFFFFFFull)
    return -1;
  u->uid = (uint32_t) uid;
  if (colon)
    {
      if (parse_uint64 (colon + 1, &gid) < 0 || gid >= 0xFFFFFFFFull)
        return -1;
      u->gid = (uint32_t) gid;
    }
  return 0;
}

/* runc exits 255 when the exec itself fails (an unknown, paused or stopped
 * container, a missing program): engines and scripts tell it from the
 * process's own status that way.  Usage errors stay 1. */
static int
exec_failed (cl_error *err)
{
  cli_fail (err);
  return 255;
}

int
cmd_exec (const struct global_opts *g, int argc, char **argv)
{
  enum { OPT_PIDFILE = 256, OPT_CWD, OPT_CAP, OPT_NNP, OPT_PRESERVE, OPT_CONSOLE, OPT_APPARMOR, OPT_LABEL, OPT_CGROUP,
         OPT_IGNORE_PAUSED, OPT_PIDFD };
  static const struct option opts[] = {
    { "process", required_argument, NULL, 'p' },   { "detach", no_argument, NULL, 'd' },
    { "pid-file", required_argument, NULL, OPT_PIDFILE }, { "cwd", required_argument, NULL, OPT_CWD },
    { "env", required_argument, NULL, 'e' },       { "user", required_argument, NULL, 'u' },
    { "additional-gids", required_argument, NULL, 'g' }, { "cap", required_argument, NULL, OPT_CAP },
    { "no-new-privs", no_argument, NULL, OPT_NNP }, { "preserve-fds", required_argument, NULL, OPT_PRESERVE },
    { "tty", no_argument, NULL, 't' },             { "console-socket", required_argument, NULL, OPT_CONSOLE },
    { "apparmor", required_argument, NULL, OPT_APPARMOR }, { "process-label", required_argument, NULL, OPT_LABEL },
    { "cgroup", required_argument, NULL, OPT_CGROUP }, { "ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED },
    { "pidfd-socket", required_argument, NULL, OPT_PIDFD },
    { "help", no_argument, NULL, 'h' },            { NULL, 0, NULL, 0 },
  };
  struct exec_options o = { .root = g->root };
  cleanup_strv char **cgroup_specs = NULL;
  const char *process_file = NULL, *cwd = NULL, *user = NULL, *apparmor = NULL, *label = NULL;
  cleanup_strv char **envs = NULL, **caps = NULL;
  cleanup_free uint32_t *gids = NULL;
  size_t n_gids = 0;
  bool nnp = false, tty = false;
  struct oci_process process = { 0 };
  cl_error *err = NULL;
  int c, status = 0, rc;

  while ((c = getopt_long (argc, argv, "+:p:de:u:g:th", opts, NULL)) != -1)
    switch (c)
      {
      case 'p':
        process_file = optarg;
        break;
      case 'd':
        o.detach = true;
        break;
      case OPT_PIDFILE:
        o.pid_file = optarg;
        break;
      case OPT_CWD:
        cwd = optarg;
        break;
      case 'e':
        if (strchr (optarg, '=') == NULL)
          return cli_usage_error ("exec", "--env: expected KEY=VALUE, got `%s`", optarg);
        strv_append (&envs, optarg);
        break;
      case 'u':
        user = optarg;
        break;
      case 'g':
        {
          unsigned long long gid;
          if (parse_uint64 (optarg, &gid) < 0 || gid >= 0xFFFFFFFFull)
            return cli_usage_error ("exec", "--additional-gids: expected a numeric gid, got `%s`", optarg);
          gids = xrealloc (gids, (n_gids + 1) * sizeof *gids);
          gids[n_gids++] = (uint32_t) gid;
        }
        break;
      case OPT_CAP:
        strv_append (&caps, optarg);
        break;
      case OPT_NNP:
        nnp = true;
        break;
      case OPT_PRESERVE:
        if (cli_parse_preserve_fds ("exec", optarg, &o.preserve_fds))
          return 1;
        break;
      case 't':
        tty = true;
        break;
      case OPT_CONSOLE:
        o.console_socket = optarg;
        break;
      case OPT_APPARMOR:
        apparmor = optarg;
        break;
      case OPT_LABEL:
        label = optarg;
        break;
      case OPT_CGROUP:
        strv_append (&cgroup_specs, optarg);
        break;
      case OPT_IGNORE_PAUSED:
        o.ignore_paused = true;
        break;
      case OPT_PIDFD:
        o.pidfd_socket = optarg;
        break;
      case 'h':
        fputs (usage_text, stdout);
        return 0;
      default:
        return cli_bad_option ("exec", argv, c);
      }
  if (optind >= argc)
    return cli_usage_error ("exec", "missing container id");
  o.id = argv[optind];
  {
    cleanup_free char *config_path = xasprintf ("%s/%s/config.json", g->root, o.id);
    if (state_validate_id (o.id, &err) < 0)
      return exec_failed (err);
    if (cli_protect_binary (g, config_path) < 0)
      return 255;
  }

  if (process_file)
    {
      cleanup_free char *data = NULL;
      size_t len;
      cleanup_close int fd = open (process_file, O_RDONLY | O_CLOEXEC);
      if (fd < 0)
        {
          cl_fail (&err, errno, "--process: open `%s`", process_file);
          return exec_failed (err);
        }
      if (read_all_fd (fd, 1 << 20, &data, &len, &err) < 0
          || config_parse_process (data, len, process_file, &process, &err) < 0)
        return exec_failed (err);
    }
  else
    {
      /* The container's own process, with the command and flags applied. */
      cleanup_config struct oci_config *cfg = NULL;
      if (optind + 1 >= argc)
        return cli_usage_error ("exec", "missing the command to run (or --process FILE)");
      if (container_load_config (g->root, o.id, &cfg, &err) < 0)
        return exec_failed (err);
      process = cfg->process;
      memset (&cfg->process, 0, sizeof cfg->process);
      strv_free (process.args);
      process.args = NULL;
      for (int i = optind + 1; i < argc; i++)
        strv_append (&process.args, argv[i]);
      process.terminal = tty;
      if (cwd)
        {
          free (process.cwd);
          process.cwd = xstrdup (cwd);
        }
      for (char **e = envs; e && *e; e++)
        env_set (&process.env, *e);
      if (user && parse_user (user, &process.user) < 0)
        {
          config_process_release (&process);
          return cli_usage_error ("exec", "--user: expected UID or UID:GID (numbers), got `%s`", user);
        }
      if (n_gids)
        {
          free (process.user.additional_gids);
          process.user.additional_gids = steal_ptr (&gids);
          process.user.n_additional_gids = n_gids;
        }
      /* --cap adds to bounding, effective, permitted and ambient; never to
       * inheritable, which stays as the config has it. */
      for (char **cap = caps; cap && *cap; cap++)
        {
          strv_append (&process.capabilities.bounding, *cap);
          strv_append (&process.capabilities.effective, *cap);
          strv_append (&process.capabilities.permitted, *cap);
          strv_append (&process.capabilities.ambient, *cap);
        }
      process.no_new_privileges |= nnp;
      if (apparmor)
        {
          free (process.apparmor_profile);
          process.apparmor_profile = xstrdup (apparmor);
        }
      if (label)
        {
          free (process.selinux_label);
          process.selinux_label = xstrdup (label);
        }
    }
  o.process = &process;
  o.cgroup_specs = cgroup_specs;
  rc = container_exec (&o, &status, &err);
  config_process_release (&process);
  if (rc < 0)
    return exec_failed (err);
  return status;
}
