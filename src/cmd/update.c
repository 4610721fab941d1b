/* crun-lite update: change the cgroup limits of a running container, from
 * runc's flags or a linux.resources JSON (-r FILE, -r - for stdin). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "cli.h"
#include "base/log.h"
#include "container/container.h"
#include "config/oci_config.h"
#include "base/utils.h"

static const char usage_text[] =
  "Usage: crun-lite update [OPTIONS] ID\n\n"
  "Change the resource limits of a running container.\n\n"
  "Options:\n"
  "  -r, --resources FILE       a linux.resources JSON object (- for stdin)\n"
  "      --memory SIZE          memory limit (e.g. 64m; -1 for none)\n"
  "      --memory-swap SIZE     memory+swap limit\n"
  "      --memory-reservation SIZE\n"
  "      --kernel-memory SIZE\n"
  "      --cpu-shares N         --cpu-quota N   --cpu-period N\n"
  "      --cpu-rt-period N      --cpu-rt-runtime N\n"
  "      --cpuset-cpus LIST     --cpuset-mems LIST\n"
  "      --pids-limit N         --blkio-weight N\n"
  "      --cpu-burst N          --cpu-idle 0|1\n";

/* "64m", "1G", "512k", "100" (bytes), "-1": 1024-based, as runc. */
static int
parse_size (const char *s, int64_t *out)
{
  char *end;
  double v;
  int64_t mult = 1;
  if (strcmp (s, "-1") == 0)
    {
      *out = -1;
      return 0;
    }
  errno = 0;
  v = strtod (s, &end);
  if (end == s || errno || v < 0)
    return -1;
  switch (tolower ((unsigned char) *end))
    {
    case '\0':
    case 'b':
      break;
    case 'k':
      mult = 1LL << 10;
      break;
    case 'm':
      mult = 1LL << 20;
      break;
    case 'g':
      mult = 1LL << 30;
      break;
    case 't':
      mult = 1LL << 40;
      break;
    default:
      return -1;
    }
  if (*end && end[1] && strcasecmp (end + 1, "b") != 0 && strcasecmp (end + 1, "ib") != 0)
    return -1;
  *out = (int64_t) (v * (double) mult);
  return 0;
}

static int
parse_int (const char *s, int64_t *out)
{
  char *end;
  errno = 0;
  *out = strtoll (s, &end, 10);
  return (end == s || *end || errno) ? -1 : 0;
}

static int
load_resources_json (const char *path, struct oci_resources *res, cl_error **err)
{
  cleanup_free char *data = NULL;
  size_t len;
  cleanup_close int fd = strcmp (path, "-") == 0 ? dup (0) : open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return cl_fail (err, errno, "--resources: open `%s`", path);
  if (read_all_fd (fd, 1 << 20, &data, &len, err) < 0)
    return cl_wrap (err, "--resources `%s`", path);
  return config_parse_resources_json (data, len, strcmp (path, "-") == 0 ? "stdin" : path, res, err);
}

enum
{
  OPT_MEMORY = 256, OPT_SWAP, OPT_RESERVATION, OPT_KMEM, OPT_SHARES, OPT_QUOTA, OPT_PERIOD, OPT_RT_PERIOD,
  OPT_RT_RUNTIME, OPT_CPUS, OPT_MEMS, OPT_PIDS, OPT_BLKIO, OPT_BURST, OPT_IDLE,
};

int
cmd_update (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "resources", required_argument, NULL, 'r' },     { "memory", required_argument, NULL, OPT_MEMORY },
    { "memory-swap", required_argument, NULL, OPT_SWAP }, { "memory-reservation", required_argument, NULL, OPT_RESERVATION },
    { "kernel-memory", required_argument, NULL, OPT_KMEM }, { "cpu-shares", required_argument, NULL, OPT_SHARES },
    { "cpu-quota", required_argument, NULL, OPT_QUOTA }, { "cpu-period", required_argument, NULL, OPT_PERIOD },
    { "cpu-rt-period", required_argument, NULL, OPT_RT_PERIOD },
    { "cpu-rt-runtime", required_argument, NULL, OPT_RT_RUNTIME },
    { "cpuset-cpus", required_argument, NULL, OPT_CPUS }, { "cpuset-mems", required_argument, NULL, OPT_MEMS },
    { "pids-limit", required_argument, NULL, OPT_PIDS }, { "blkio-weight", required_argument, NULL, OPT_BLKIO },
    { "cpu-burst", required_argument, NULL, OPT_BURST }, { "cpu-idle", required_argument, NULL, OPT_IDLE },
    { "help", no_argument, NULL, 'h' },                  { NULL, 0, NULL, 0 },
  };
  struct oci_resources res = { .present = true };
  const char *resources_file = NULL;
  cl_error *err = NULL;
  int64_t v;
  int c, rc;

  while ((c = getopt_long (argc, argv, ":r:h", opts, NULL)) != -1)
    {
      const char *name = c >= 256 ? opts[c - 256 + 1].name : NULL;
      switch (c)
        {
        case 'r':
          resources_file = optarg;
          continue;
        case 'h':
          fputs (usage_text, stdout);
          return 0;
        case OPT_CPUS:
          free (res.cpu.cpus);
          res.cpu.cpus = xstrdup (optarg);
          res.cpu.present = true;
          continue;
        case OPT_MEMS:
          free (res.cpu.mems);
          res.cpu.mems = xstrdup (optarg);
          res.cpu.present = true;
          continue;
        case OPT_MEMORY:
        case OPT_SWAP:
        case OPT_RESERVATION:
        case OPT_KMEM:
          if (parse_size (optarg, &v) < 0)
            return cli_usage_error ("update", "--%s: expected a size like 64m or -1, got `%s`", name, optarg);
          break;
        case OPT_SHARES:
        case OPT_QUOTA:
        case OPT_PERIOD:
        case OPT_RT_PERIOD:
        case OPT_RT_RUNTIME:
        case OPT_PIDS:
        case OPT_BLKIO:
        case OPT_BURST:
        case OPT_IDLE:
          if (parse_int (optarg, &v) < 0)
            return cli_usage_error ("update", "--%s: expected a number, got `%s`", name, optarg);
          break;
        default:
          return cli_bad_option ("update", argv, c);
        }
      switch (c)
        {
        case OPT_MEMORY:
          res.memory.limit = (struct opt_i64){ true, v };
          break;
        case OPT_SWAP:
          res.memory.swap = (struct opt_i64){ true, v };
          break;
        case OPT_RESERVATION:
          res.memory.reservation = (struct opt_i64){ true, v };
          break;
        case OPT_KMEM:
          res.memory.kernel = (struct opt_i64){ true, v };
          break;
        case OPT_SHARES:
          res.cpu.shares = (struct opt_u64){ true, (uint64_t) v };
          break;
        case OPT_QUOTA:
          res.cpu.quota = (struct opt_i64){ true, v };
          break;
        case OPT_PERIOD:
          res.cpu.period = (struct opt_u64){ true, (uint64_t) v };
          break;
        case OPT_RT_PERIOD:
          res.cpu.realtime_period = (struct opt_u64){ true, (uint64_t) v };
          break;
        case OPT_RT_RUNTIME:
          res.cpu.realtime_runtime = (struct opt_i64){ true, v };
          break;
        case OPT_PIDS:
          res.pids_limit = (struct opt_i64){ true, v };
          break;
        case OPT_BLKIO:
          res.blockio.weight = (struct opt_u64){ true, (uint64_t) v };
          res.blockio.present = true;
          break;
        case OPT_BURST:
          res.cpu.burst = (struct opt_u64){ true, (uint64_t) v };
          break;
        case OPT_IDLE:
          res.cpu.idle = (struct opt_i64){ true, v };
          break;
        }
      res.memory.present |= c == OPT_MEMORY || c == OPT_SWAP || c == OPT_RESERVATION || c == OPT_KMEM;
      res.cpu.present |= (c >= OPT_SHARES && c <= OPT_RT_RUNTIME) || c == OPT_BURST || c == OPT_IDLE;
    }
  if (cli_want_args ("update", argc, argv, optind, 1, "container id"))
    return 1;
  if (resources_file)
    {
      /* The JSON replaces the flags, as in runc. */
      config_resources_release (&res);
      memset (&res, 0, sizeof res);
      if (load_resources_json (resources_file, &res, &err) < 0)
        return cli_fail (err);
    }
  config_resources_zero_is_unset (&res);
  /* On update a pids.limit of 0 is "leave it" (runc's flag, and Docker's
   * update, which sends zeros for what it does not change); in a config
   * it is a limit (runtime-spec 1.3). */
  if (res.pids_limit.set && res.pids_limit.v == 0)
    res.pids_limit.set = false;
  /* containerd sends the container's whole linux.resources, device rules
   * included: runc ignores those on update, and so does this. */
  if (res.n_devices)
    {
      log_debug ("update: linux.resources.devices ignored (device rules are set at create)");
      for (size_t i = 0; i < res.n_devices; i++)
        free (res.devices[i].access);
      free (res.devices);
      res.devices = NULL;
      res.n_devices = 0;
    }
  rc = container_update (g->root, argv[optind], &res, &err);
  config_resources_release (&res);
  return rc < 0 ? cli_fail (err) : 0;
}
