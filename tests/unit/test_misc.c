/* Unit tests: signal names, container ids, and path resolution inside a
 * root (both openat2 and the fallback walk), on a scratch directory. */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cgroup/cgroup_files.h"
#include "process/lsm.h"
#include "process/process.h"
#include "base/path_in_root.h"
#include "container/sealed_exe.h"
#include "process/seccomp_cache.h"
#include "base/signals.h"
#include "state/state.h"
#include "unit.h"
#include "base/utils.h"

static void
test_signals (void)
{
  CHECK (signal_parse ("KILL") == SIGKILL, "KILL");
  CHECK (signal_parse ("SIGKILL") == SIGKILL, "SIGKILL");
  CHECK (signal_parse ("sigterm") == SIGTERM, "sigterm (any case)");
  CHECK (signal_parse ("9") == 9, "9");
  CHECK (signal_parse ("15") == SIGTERM, "15");
  CHECK (signal_parse ("RTMIN+2") == SIGRTMIN + 2, "RTMIN+2");
  CHECK (signal_parse ("SIGRTMAX-1") == SIGRTMAX - 1, "SIGRTMAX-1");
  CHECK (signal_parse ("0") == 0, "0: a liveness probe, as runc accepts it");
  CHECK (signal_parse ("65") == -1, "65 is out of range");
  CHECK (signal_parse ("-9") == -1, "-9");
  CHECK (signal_parse ("KILLX") == -1, "KILLX");
  CHECK (signal_parse ("") == -1, "empty");
  CHECK (signal_parse ("RTMIN+99") == -1, "RTMIN+99");
}

static void
test_ids (void)
{
  const char *good[] = { "a", "my-container_1.2+x", "0123456789abcdef", NULL };
  const char *bad[] = { "", ".", "..", "a/b", "../x", "a b", "a\nb", "ä", NULL };
  char long_id[STATE_MAX_ID_LEN + 2];
  cl_error *err = NULL;
  for (int i = 0; good[i]; i++)
    CHECK (state_validate_id (good[i], &err) == 0, "valid id `%s`", good[i]);
  for (int i = 0; bad[i]; i++)
    {
      CHECK (state_validate_id (bad[i], &err) < 0 && strstr (err->msg, "invalid container id"), "invalid id #%d", i);
      cl_error_freep (&err);
    }
  memset (long_id, 'a', sizeof long_id - 1);
  long_id[sizeof long_id - 1] = '\0';
  CHECK (state_validate_id (long_id, &err) < 0, "id longer than %d", STATE_MAX_ID_LEN);
  cl_error_freep (&err);
}

/* The inode `path` (relative to the real filesystem) refers to. */
static ino_t
ino_of (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 ? st.st_ino : 0;
}

static ino_t
ino_of_fd (int fd)
{
  struct stat st;
  return fstat (fd, &st) == 0 ? st.st_ino : 0;
}

static void
test_paths (const char *label)
{
  char tmpl[] = "/tmp/crl-unit.XXXXXX";
  char *top = mkdtemp (tmpl);
  cleanup_free char *root = xasprintf ("%s/root", top), *outside = xasprintf ("%s/outside", top);
  cleanup_close int rootfd = -1;
  cl_error *err = NULL;
  int fd = -1;

  mkdir (root, 0755);
  mkdir (outside, 0755);
  {
    cleanup_free char *a = xasprintf ("%s/etc", root), *b = xasprintf ("%s/abs", root), *c = xasprintf ("%s/rel", root);
    cleanup_free char *d = xasprintf ("%s/dangling", root), *e = xasprintf ("%s/loop", root);
    mkdir (a, 0755);
    if (symlink (outside, b) < 0 || symlink ("../../../../../../..", c) < 0
        || symlink ("/nonexistent/deeper", d) < 0 || symlink ("loop", e) < 0)
      abort ();
  }
  rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);

  CHECK (path_open_in_root (rootfd, "/etc", O_PATH, &fd, &err) == 0 && ino_of_fd (fd) == ino_of (xasprintf ("%s/etc", root)),
         "%s: plain path", label);
  closep (&fd);
  cl_error_freep (&err);
  /* /abs -> <top>/outside: resolved inside the root, where it does not exist. */
  CHECK (path_open_in_root (rootfd, "/abs", O_PATH, &fd, &err) < 0 && err->errnum == ENOENT,
         "%s: an absolute symlink out of the root does not resolve outside", label);
  cl_error_freep (&err);
  closep (&fd);
  CHECK (path_open_in_root (rootfd, "/rel/etc", O_PATH, &fd, &err) == 0 && ino_of_fd (fd) == ino_of (xasprintf ("%s/etc", root)),
         "%s: `..` chains stop at the root", label);
  closep (&fd);
  cl_error_freep (&err);
  CHECK (path_open_in_root (rootfd, "/../../etc", O_PATH, &fd, &err) == 0, "%s: leading .. stays at the root", label);
  closep (&fd);
  cl_error_freep (&err);
  CHECK (path_open_in_root (rootfd, "/loop", O_PATH, &fd, &err) < 0 && err->errnum == ELOOP, "%s: symlink loop", label);
  cl_error_freep (&err);

  /* Creation through links: everything lands below root. */
  CHECK (path_create_in_root (rootfd, "/abs/made/here", S_IFDIR, &fd, &err) == 0, "%s: create through an absolute link%s%s",
         label, err ? ": " : "", err ? err->msg : "");
  closep (&fd);
  cl_error_freep (&err);
  {
    cleanup_free char *inside = xasprintf ("%s/root%s/made/here", top, outside);
    cleanup_free char *leak = xasprintf ("%s/made", outside);
    CHECK (ino_of (inside) != 0, "%s: ... created inside the root", label);
    CHECK (ino_of (leak) == 0, "%s: ... and nothing outside", label);
  }
  CHECK (path_create_in_root (rootfd, "/dangling/file", S_IFREG, &fd, &err) == 0, "%s: create through a dangling link", label);
  closep (&fd);
  cl_error_freep (&err);
  {
    cleanup_free char *inside = xasprintf ("%s/nonexistent/deeper/file", root);
    struct stat st;
    CHECK (stat (inside, &st) == 0 && S_ISREG (st.st_mode), "%s: ... its target made inside the root", label);
    CHECK (ino_of ("/nonexistent") == 0, "%s: ... and not on the host", label);
  }
  {
    const char *name;
    CHECK (path_open_parent_in_root (rootfd, "/rel/newdir/node", true, &fd, &name, &err) == 0 && strcmp (name, "node") == 0,
           "%s: parent of a path, created", label);
    closep (&fd);
    cl_error_freep (&err);
  }
  {
    cleanup_free char *cmd = xasprintf ("rm -rf %s", top);
    if (system (cmd) != 0)
      printf ("# could not remove %s\n", top);
  }
}

/* linux.mountLabel goes into the data of the filesystems that take a
 * context= option, and nowhere else. */
static void
test_mount_label (void)
{
  cleanup_free char *tmpfs = lsm_mount_data ("tmpfs", "mode=755,size=64k", "system_u:object_r:container_file_t:s0");
  cleanup_free char *bare = lsm_mount_data ("devpts", NULL, "l");
  CHECK_STR (tmpfs, "mode=755,size=64k,context=\"system_u:object_r:container_file_t:s0\"", "tmpfs data gets the context");
  CHECK_STR (bare, "context=\"l\"", "empty data gets the context alone");
  CHECK (lsm_mount_data ("proc", "x", "l") == NULL, "proc gets no context");
  CHECK (lsm_mount_data ("mqueue", NULL, "l") == NULL, "mqueue gets no context");
  CHECK (lsm_mount_data ("tmpfs", "x", NULL) == NULL && lsm_mount_data ("tmpfs", "x", "") == NULL,
         "no mount label, no change");
}

/* The seccomp cache's key: equal for equal profiles, different whenever
 * anything that decides the program differs, even where a plain
 * concatenation of the strings would be the same. */
static bool
same_key (const struct oci_seccomp *a, const struct oci_seccomp *b)
{
  size_t la, lb;
  char *ka = seccomp_cache_key (a, &la), *kb = seccomp_cache_key (b, &lb);
  bool same = la == lb && memcmp (ka, kb, la) == 0;
  free (ka);
  free (kb);
  return same;
}

static void
test_seccomp_cache_key (void)
{
  char *one[] = { "a b", NULL }, *two[] = { "a", "b", NULL }, *two_again[] = { "a", "b", NULL };
  char *x86[] = { "SCMP_ARCH_X86_64", NULL };
  struct oci_seccomp_arg arg = { .index = 1, .value = 10, .op = "SCMP_CMP_EQ" }, arg2 = arg;
  struct oci_seccomp_syscall sc1 = { .names = one, .action = "SCMP_ACT_ERRNO" };
  struct oci_seccomp_syscall sc2 = { .names = two, .action = "SCMP_ACT_ERRNO" };
  struct oci_seccomp_syscall sc2b = { .names = two_again, .action = "SCMP_ACT_ERRNO" };
  struct oci_seccomp p1 = { .default_action = "SCMP_ACT_ALLOW", .syscalls = &sc1, .n_syscalls = 1 };
  struct oci_seccomp p2 = p1, p2b = p1, p3;
  p2.syscalls = &sc2;
  p2b.syscalls = &sc2b;
  CHECK (same_key (&p2, &p2b), "seccomp cache key: equal profiles, equal keys");
  CHECK (!same_key (&p1, &p2), "seccomp cache key: [\"a b\"] and [\"a\", \"b\"] differ");
  p3 = p2b;
  p3.architectures = x86;
  CHECK (!same_key (&p2, &p3), "seccomp cache key: the architectures count");
  sc2b.errno_ret = (struct opt_u64){ .set = true, .v = 1 };
  CHECK (!same_key (&p2, &p2b), "seccomp cache key: an errnoRet counts");
  sc2b.errno_ret = (struct opt_u64){ 0 };
  sc2b.args = &arg;
  sc2b.n_args = 1;
  CHECK (!same_key (&p2, &p2b), "seccomp cache key: an argument condition counts");
  sc2.args = &arg2;
  sc2.n_args = 1;
  arg2.value = 11;
  CHECK (!same_key (&p2, &p2b), "seccomp cache key: a condition's value counts");
  p3 = p2;
  p3.listener_path = "";
  CHECK (!same_key (&p2, &p3), "seccomp cache key: an empty listenerPath is not an absent one");
}

static void
test_passwd_name (void)
{
  const char *passwd = "root:x:0:0:root:/root:/bin/bash\n"
                       "# a comment\n"
                       "broken\n"
                       "nouid:x::0::/:/bin/sh\n"
                       "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
                       "a1000:x:1000x:1000::/:/bin/sh\n"
                       "alice:x:1000:1000::/home/alice:/bin/sh\n"
                       "dup:x:1000:1000::/:/bin/sh\n"
                       "last:x:4294967294:1::/:";
  char *n;
  CHECK ((n = passwd_name_of (passwd, 0)) && strcmp (n, "root") == 0, "uid 0 is root");
  free (n);
  CHECK ((n = passwd_name_of (passwd, 1000)) && strcmp (n, "alice") == 0,
         "uid 1000: the first line whose uid field is exactly 1000 (not 1000x)");
  free (n);
  CHECK ((n = passwd_name_of (passwd, 4294967294u)) && strcmp (n, "last") == 0, "the last line, no newline");
  free (n);
  CHECK (passwd_name_of (passwd, 2) == NULL, "an unknown uid");
  CHECK (passwd_name_of ("", 0) == NULL, "an empty file");
  n = user_name_of (geteuid ());
  CHECK (n && *n, "the running user has a name or a number");
  free (n);
}

static char *
joined (char **v)
{
  size_t len = 1;
  for (char **e = v; *e; e++)
    len += strlen (*e) + 1;
  char *out = calloc (1, len);
  for (char **e = v; *e; e++)
    strcat (strcat (out, *e), "|");
  return out;
}

/* process.env as runc passes it: each variable once, with its last value
 * (where it was given last); HOME from /etc/passwd when absent or empty. */
static void
test_environment (void)
{
  static const struct
  {
    const char *env[6];
    const char *want;
  } cases[] = {
    { { "A=1", "B=2", "A=3", NULL }, "B=2|A=3|HOME=/root|" },
    { { "HOME=", "X=y", NULL }, "X=y|HOME=/root|" },
    { { "HOME=/h", "HOME=", NULL }, "HOME=/root|" },
    { { "HOME=", "HOME=/h", NULL }, "HOME=/h|" },
    { { "PATH=/bin", "HOME=/x", "PATH=/usr/bin", NULL }, "HOME=/x|PATH=/usr/bin|" },
    { { "FLAG", "FLAG=1", NULL }, "FLAG=1|HOME=/root|" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      struct oci_process p = { .env = (char **) cases[i].env };
      char **env = process_environment (&p);
      char *got = joined (env);
      CHECK_STR (got, cases[i].want, "environment case %zu", i);
      free (got);
      strv_free (env);
    }
}

/* cpu.shares -> cpu.weight: runc's, crun's and Kubernetes' curve. */
static void
test_cpu_weight (void)
{
  static const unsigned long long cases[][2] = {
    { 0, 0 }, { 1, 1 }, { 2, 1 }, { 512, 59 }, { 1024, 100 }, { 2048, 174 }, { 262144, 10000 }, { 1000000, 10000 },
  };
  uint64_t last = 0;
  bool monotonic = true;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    CHECK (cgroup_cpu_weight_from_shares (cases[i][0]) == cases[i][1], "cpu.shares %llu -> cpu.weight %llu (got %llu)",
           cases[i][0], cases[i][1], (unsigned long long) cgroup_cpu_weight_from_shares (cases[i][0]));
  for (uint64_t s = 2; s <= 262144; s++)
    {
      uint64_t w = cgroup_cpu_weight_from_shares (s);
      monotonic &= w >= last && w >= 1 && w <= 10000;
      last = w;
    }
  CHECK (monotonic, "the weight never falls as the shares grow, and stays in [1, 10000]");
}

int
main (void)
{
  test_mount_label ();
  test_signals ();
  test_ids ();
  test_paths ("openat2");
  path_in_root_force_fallback (true);
  test_paths ("fallback walk");
  test_seccomp_cache_key ();
  test_passwd_name ();
  test_environment ();
  test_cpu_weight ();
  return unit_done ();
}
