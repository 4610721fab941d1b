/* crun-lite: the command-line front end.  One file per command under
 * src/cmd/, each a thin layer of flags over the library. */
#ifndef CRL_CLI_H
#define CRL_CLI_H

#include <stdbool.h>
#include "base/error.h"

struct global_opts
{
  const char *root;
  bool root_given;    /* --root was on the command line */
  const char *log;
  const char *log_format;
  bool debug;
  bool systemd_cgroup;
  bool no_cgroup;     /* --cgroup-manager=disabled */
  const char *criu;   /* --criu PATH (checkpoint, restore) */
  char **argv;        /* the whole command line, for the binary protection's re-exec */
};

struct cli_command
{
  const char *name;
  int (*run) (const struct global_opts *g, int argc, char **argv);
  const char *summary;
};

int cmd_checkpoint (const struct global_opts *g, int argc, char **argv);
int cmd_restore (const struct global_opts *g, int argc, char **argv);
int cmd_create (const struct global_opts *g, int argc, char **argv);
int cmd_features (const struct global_opts *g, int argc, char **argv);
int cmd_exec (const struct global_opts *g, int argc, char **argv);
int cmd_events (const struct global_opts *g, int argc, char **argv);
int cmd_pause (const struct global_opts *g, int argc, char **argv);
int cmd_ps (const struct global_opts *g, int argc, char **argv);
int cmd_resume (const struct global_opts *g, int argc, char **argv);
int cmd_update (const struct global_opts *g, int argc, char **argv);
int cmd_delete (const struct global_opts *g, int argc, char **argv);
int cmd_kill (const struct global_opts *g, int argc, char **argv);
int cmd_list (const struct global_opts *g, int argc, char **argv);
int cmd_run (const struct global_opts *g, int argc, char **argv);
int cmd_spec (const struct global_opts *g, int argc, char **argv);
int cmd_start (const struct global_opts *g, int argc, char **argv);
int cmd_state (const struct global_opts *g, int argc, char **argv);

/* Print the error once (stderr and --log) and give the exit status (1). */
int cli_fail (cl_error *err);
/* A usage error: message, then a hint to --help; exit status 1 as runc. */
int cli_usage_error (const char *command, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* getopt returned '?' or ':' (options strings start with ":"). */
int cli_bad_option (const char *command, char **argv, int c);
/* Expect exactly `n` positional arguments after option parsing. */
int cli_want_args (const char *command, int argc, char **argv, int optind_, int n, const char *names);
/* Before a command makes processes that enter a container: prepare the
 * binary's private image the container's config (at config_path) chooses
 * (container/sealed_exe.h).  Returns 0 when nothing was needed, -1 on an
 * error (printed once: the command exits with its failure status). */
int cli_protect_binary (const struct global_opts *g, const char *config_path);
/* The options create and run share: one table, one usage text, one
 * parser.  cli_create_option takes getopt's `c`: 1 when it was one of
 * them (applied to *o), 0 when not, -1 on a bad value (printed). */
struct create_options;
#define CLI_CREATE_LONG_OPTIONS                                                                       \
  { "bundle", required_argument, NULL, 'b' }, { "pid-file", required_argument, NULL, 'p' },          \
      { "no-pivot", no_argument, NULL, 'P' }, { "preserve-fds", required_argument, NULL, 'F' },      \
      { "console-socket", required_argument, NULL, 'c' }, { "no-new-keyring", no_argument, NULL, 'K' }, \
      { "pidfd-socket", required_argument, NULL, 'D' }
#define CLI_CREATE_USAGE                                                                              \
  "  -b, --bundle DIR        bundle directory (default: current directory)\n"                        \
  "      --pid-file FILE     write the init's pid to FILE\n"                                         \
  "      --no-pivot          MS_MOVE + chroot instead of pivot_root (ramfs roots)\n"                 \
  "      --no-new-keyring    keep the caller's session keyring (else the container gets its own)\n" \
  "      --preserve-fds N    pass N more fds (from 3) to the container\n"                            \
  "      --pidfd-socket S    send a pidfd of the container's init to the unix socket S\n"            \
  "      --console-socket S  send the terminal's master fd to the unix socket S\n"
int cli_create_option (const char *command, int c, struct create_options *o);
/* Parse --preserve-fds. */
int cli_parse_preserve_fds (const char *command, const char *arg, int *out);

#endif
