/* crun-lite spec: write a starter config.json.  Both variants are what runc
 * writes (a terminal, no cgroup namespace): scripts and test suites edit
 * runc's starter spec and pass --console-socket;
 * --rootless maps the calling user to root in a user namespace and leaves
 * out what an unprivileged user cannot have. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "config/oci_config.h"
#include "base/utils.h"

static const char spec_template[] =
  "{\n"
  "  \"ociVersion\": \"" OCI_VERSION_IMPLEMENTED "\",\n"
  "  \"process\": {\n"
  "    \"terminal\": true,\n"
  "    \"user\": { \"uid\": 0, \"gid\": 0 },\n"
  "    \"args\": [ \"sh\" ],\n"
  "    \"env\": [\n"
  "      \"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\n"
  "      \"TERM=xterm\"\n"
  "    ],\n"
  "    \"cwd\": \"/\",\n"
  "    \"capabilities\": {\n"
  "      \"bounding\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
  "      \"effective\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
  "      \"permitted\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ],\n"
  "      \"ambient\": [ \"CAP_AUDIT_WRITE\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\" ]\n"
  "    },\n"
  "    \"rlimits\": [ { \"type\": \"RLIMIT_NOFILE\", \"hard\": 1024, \"soft\": 1024 } ],\n"
  "    \"noNewPrivileges\": true\n"
  "  },\n"
  "  \"root\": { \"path\": \"rootfs\", \"readonly\": true },\n"
  "  \"hostname\": \"crun-lite\",\n"
  "  \"mounts\": [\n"
  "    { \"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\" },\n"
  "    { \"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
  "      \"options\": [ \"nosuid\", \"strictatime\", \"mode=755\", \"size=65536k\" ] },\n"
  "    { \"destination\": \"/dev/pts\", \"type\": \"devpts\", \"source\": \"devpts\",\n"
  "      \"options\": [ \"nosuid\", \"noexec\", \"newinstance\", \"ptmxmode=0666\", \"mode=0620\"%s ] },\n"
  "    { \"destination\": \"/dev/shm\", \"type\": \"tmpfs\", \"source\": \"shm\",\n"
  "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"mode=1777\", \"size=65536k\" ] },\n"
  "    { \"destination\": \"/dev/mqueue\", \"type\": \"mqueue\", \"source\": \"mqueue\",\n"
  "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\" ] },\n"
  "%s"
  "  ],\n"
  "  \"linux\": {\n"
  "%s"
  "    \"namespaces\": [\n"
  "%s"
  "    ],\n"
  "    \"maskedPaths\": [\n"
  "      \"/proc/acpi\", \"/proc/asound\", \"/proc/kcore\", \"/proc/keys\", \"/proc/latency_stats\",\n"
  "      \"/proc/timer_list\", \"/proc/timer_stats\", \"/proc/sched_debug\", \"/sys/firmware\",\n"
  "      \"/proc/scsi\"\n"
  "    ],\n"
  "    \"readonlyPaths\": [\n"
  "      \"/proc/bus\", \"/proc/fs\", \"/proc/irq\", \"/proc/sys\", \"/proc/sysrq-trigger\"\n"
  "    ]\n"
  "  }\n"
  "}\n";

static const char root_sys_mounts[] =
  "    { \"destination\": \"/sys\", \"type\": \"sysfs\", \"source\": \"sysfs\",\n"
  "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
  "    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
  "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n";

static const char rootless_sys_mounts[] =
  "    { \"destination\": \"/sys\", \"type\": \"none\", \"source\": \"/sys\",\n"
  "      \"options\": [ \"rbind\", \"nosuid\", \"noexec\", \"nodev\", \"ro\" ] },\n"
  "    { \"destination\": \"/sys/fs/cgroup\", \"type\": \"cgroup\", \"source\": \"cgroup\",\n"
  "      \"options\": [ \"nosuid\", \"noexec\", \"nodev\", \"relatime\", \"ro\" ] }\n";

static const char root_linux[] =
  "    \"resources\": { \"devices\": [ { \"allow\": false, \"access\": \"rwm\" } ] },\n";

static const char root_namespaces[] =
  "      { \"type\": \"pid\" }, { \"type\": \"network\" }, { \"type\": \"ipc\" },\n"
  "      { \"type\": \"uts\" }, { \"type\": \"mount\" }\n";

static const char rootless_namespaces[] =
  "      { \"type\": \"pid\" }, { \"type\": \"ipc\" }, { \"type\": \"uts\" },\n"
  "      { \"type\": \"mount\" }, { \"type\": \"user\" }\n";

int
cmd_spec (const struct global_opts *g, int argc, char **argv)
{
  static const struct option opts[] = {
    { "bundle", required_argument, NULL, 'b' }, { "rootless", no_argument, NULL, 'r' },
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  const char *bundle = ".";
  bool rootless = false;
  cleanup_free char *doc = NULL, *rootless_linux = NULL;
  cleanup_close int dfd = -1, fd = -1;
  cl_error *err = NULL;
  int c;

  (void) g;
  while ((c = getopt_long (argc, argv, ":b:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'b':
        bundle = optarg;
        break;
      case 'r':
        rootless = true;
        break;
      case 'h':
        fputs ("Usage: crun-lite spec [--bundle DIR] [--rootless]\n\n"
               "Write a starter config.json into the bundle directory.\n",
               stdout);
        return 0;
      default:
        return cli_bad_option ("spec", argv, c);
      }
  if (cli_want_args ("spec", argc, argv, optind, 0, ""))
    return 1;

  rootless_linux = xasprintf ("    \"uidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n"
                              "    \"gidMappings\": [ { \"containerID\": 0, \"hostID\": %u, \"size\": 1 } ],\n",
                              (unsigned) getuid (), (unsigned) getgid ());
  doc = xasprintf (spec_template, rootless ? "" : ", \"gid=5\"", rootless ? rootless_sys_mounts : root_sys_mounts,
                   rootless ? rootless_linux : root_linux, rootless ? rootless_namespaces : root_namespaces);

  dfd = open (bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    {
      cl_fail (&err, errno, "--bundle `%s`", bundle);
      return cli_fail (err);
    }
  fd = openat (dfd, "config.json", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    {
      if (errno == EEXIST)
        cl_fail (&err, 0, "%s/config.json exists: remove it first", bundle);
      else
        cl_fail (&err, errno, "create %s/config.json", bundle);
      return cli_fail (err);
    }
  if (write_all (fd, doc, strlen (doc)) < 0)
    {
      cl_fail (&err, errno, "write %s/config.json", bundle);
      return cli_fail (err);
    }
  return 0;
}
