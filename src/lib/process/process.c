/* crun-lite: the container process's credentials and environment
 * (see include/process/process.h). */
#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/log.h"
#include "process/seccomp_filter.h"
#include "process/process.h"
#include "base/utils.h"


int
process_apply_rlimits (const struct oci_process *p, cl_error **err)
{
  for (size_t i = 0; i < p->n_rlimits; i++)
    {
      struct rlimit rl = { .rlim_cur = p->rlimits[i].soft, .rlim_max = p->rlimits[i].hard };
      if (setrlimit (p->rlimits[i].resource, &rl) < 0)
        {
          struct rlimit cur;
          int saved = errno;
          getrlimit (p->rlimits[i].resource, &cur);
          return cl_fail (err, saved, "process.rlimits[%zu]: set %s to soft %llu hard %llu (the current hard limit is %llu)",
                          i, p->rlimits[i].type, (unsigned long long) rl.rlim_cur,
                          (unsigned long long) rl.rlim_max, (unsigned long long) cur.rlim_max);
        }
    }
  return 0;
}

int
capability_from_name (const char *name)
{
  cap_value_t v;
  cleanup_free char *lower = NULL;
  if (strncasecmp (name, "CAP_", 4) != 0)
    name = lower = xasprintf ("cap_%s", name);
  if (cap_from_name (name, &v) < 0)
    return -1;
  /* libcap may know capabilities this kernel does not. */
  if (v > cap_max_bits () - 1)
    return -1;
  return v;
}

/* A capability set from names; unknown names are warned about once and left
 * out, as runc does, so a misspelling is never silent. */
static void
names_to_set (char *const *names, const char *field, bool *set)
{
  for (size_t i = 0; names && names[i]; i++)
    {
      int c = capability_from_name (names[i]);
      if (c < 0)
        log_warning ("process.capabilities.%s: unknown or unavailable capability `%s` left out", field, names[i]);
      else
        set[c] = true;
    }
}

int
process_drop_bounding (const struct oci_capabilities *caps, cl_error **err)
{
  bool keep[CAP_LAST_CAP + 64] = { false };
  int last = cap_max_bits ();
  names_to_set (caps->bounding, "bounding", keep);
  for (int c = 0; c < last; c++)
    if (!keep[c] && prctl (PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
      return cl_fail (err, errno, "drop capability %d from the bounding set", c);
  return 0;
}

int
process_set_credentials (const struct oci_process *p, bool setgroups_allowed, cl_error **err)
{
  const struct oci_user *u = &p->user;
  /* (uid_t) -1 means "leave unchanged" to setresuid: the process would
   * silently stay root. */
  if (u->uid == (uint32_t) -1 || u->gid == (uint32_t) -1)
    return cl_fail_as (err, EINVAL, "process.user: %u is not a valid %s", u->uid == (uint32_t) -1 ? u->uid : u->gid,
                       u->uid == (uint32_t) -1 ? "uid" : "gid");
  for (size_t i = 0; i < u->n_additional_gids; i++)
    if (u->additional_gids[i] == (uint32_t) -1)
      return cl_fail_as (err, EINVAL, "process.user.additionalGids[%zu]: 4294967295 is not a valid gid", i);
  /* Keep the permitted set across the uid change; the sets are narrowed
   * to what the config grants right after. */
  if (prctl (PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return cl_fail (err, errno, "prctl(PR_SET_KEEPCAPS)");
  if (setgroups_allowed)
    {
      if (setgroups (u->n_additional_gids, (const gid_t *) u->additional_gids) < 0)
        return cl_fail (err, errno, "process.user.additionalGids: setgroups");
    }
  else if (u->n_additional_gids)
    return cl_fail (err, EPERM, "process.user.additionalGids: setgroups is denied in this user namespace");
  if (setresgid (u->gid, u->gid, u->gid) < 0)
    return cl_fail (err, errno, "process.user.gid: setgid %u", u->gid);
  if (setresuid (u->uid, u->uid, u->uid) < 0)
    return cl_fail (err, errno, "process.user.uid: setuid %u", u->uid);
  if (prctl (PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return cl_fail (err, errno, "prctl(PR_SET_KEEPCAPS)");
  return 0;
}

int
process_apply_capabilities (const struct oci_capabilities *caps, cl_error **err)
{
  bool eff[CAP_LAST_CAP + 64] = { false }, perm[CAP_LAST_CAP + 64] = { false };
  bool inh[CAP_LAST_CAP + 64] = { false }, amb[CAP_LAST_CAP + 64] = { false };
  int last = cap_max_bits ();
  cap_t c = cap_init ();
  int rc = 0;

  if (c == NULL)
    return cl_fail (err, errno, "cap_init");
  names_to_set (caps->effective, "effective", eff);
  names_to_set (caps->permitted, "permitted", perm);
  names_to_set (caps->inheritable, "inheritable", inh);
  names_to_set (caps->ambient, "ambient", amb);
  for (cap_value_t v = 0; v < last; v++)
    {
      if (eff[v])
        cap_set_flag (c, CAP_EFFECTIVE, 1, &v, CAP_SET);
      if (perm[v])
        cap_set_flag (c, CAP_PERMITTED, 1, &v, CAP_SET);
      if (inh[v])
        cap_set_flag (c, CAP_INHERITABLE, 1, &v, CAP_SET);
    }
  if (cap_set_proc (c) < 0)
    rc = cl_fail (err, errno, "process.capabilities: set effective/permitted/inheritable");
  cap_free (c);
  if (rc < 0)
    return rc;
  if (prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
    return cl_fail (err, errno, "clear ambient capabilities");
  for (int v = 0; v < last; v++)
    if (amb[v] && prctl (PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
      /* Raising needs the capability in both permitted and inheritable; a
       * config asking for an ambient capability it left out of those gets
       * what runc gives it: nothing (the warning came at create or exec:
       * process_warn_unraisable_ambient). */
      log_debug ("process.capabilities.ambient: cannot raise capability %d (%s)", v, strerror (errno));
  return 0;
}

void
process_warn_unraisable_ambient (const struct oci_capabilities *caps)
{
  /* The kernel raises an ambient capability only when it is permitted and
   * inheritable; runtime-spec 1.3 wants a warning for one that is not (the
   * init then raises what it can, as runc). */
  for (char **a = caps->ambient; a && *a; a++)
    if (!strv_has (caps->permitted, *a) || !strv_has (caps->inheritable, *a))
      log_quiet_warning ("process.capabilities.ambient: %s cannot be raised: it is not in both the permitted and the "
                   "inheritable sets", *a);
}

static const char *
env_get (char *const *env, const char *name)
{
  size_t len = strlen (name);
  for (size_t i = 0; env && env[i]; i++)
    if (strncmp (env[i], name, len) == 0 && env[i][len] == '=')
      return env[i] + len + 1;
  return NULL;
}

/* HOME from the container's /etc/passwd, read by hand: NSS modules of the
 * host must not run inside the container's root. */
static char *
passwd_home (uid_t uid)
{
  cleanup_fclose FILE *f = fopen ("/etc/passwd", "re");
  cleanup_free char *line = NULL;
  size_t cap = 0;
  if (f == NULL)
    return NULL;
  while (getline (&line, &cap, f) > 0)
    {
      char *fields[7] = { NULL };
      char *p = line;
      unsigned long long id;
      int n = 0;
      line[strcspn (line, "\n")] = '\0';
      while (n < 7 && p)
        {
          fields[n++] = p;
          p = strchr (p, ':');
          if (p)
            *p++ = '\0';
        }
      if (n >= 6 && parse_uint64 (fields[2], &id) == 0 && id == uid && *fields[5])
        return xstrdup (fields[5]);
    }
  return NULL;
}

/* Is env[i]'s variable given again later?  (Its name: up to the '='.) */
static bool
env_given_later (char *const *env, size_t i)
{
  const char *eq = strchr (env[i], '=');
  size_t len = eq ? (size_t) (eq - env[i]) : strlen (env[i]);
  for (size_t k = i + 1; env[k]; k++)
    if (strncmp (env[k], env[i], len) == 0 && (env[k][len] == '=' || env[k][len] == '\0'))
      return true;
  return false;
}

/* process.env as runc passes it: a variable given twice once, with its
 * last value; HOME, when absent or empty, the user's from /etc/passwd. */
char **
process_environment (const struct oci_process *p)
{
  size_t n = strv_len (p->env), k = 0;
  char **env = xzalloc ((n + 2) * sizeof *env);
  for (size_t i = 0; i < n; i++)
    if (!env_given_later (p->env, i) && strcmp (p->env[i], "HOME=") != 0)
      env[k++] = xstrdup (p->env[i]);
  if (env_get (env, "HOME") == NULL)
    {
      cleanup_free char *pw_home = passwd_home (p->user.uid);
      env[k++] = xasprintf ("HOME=%s", pw_home ? pw_home : "/");
    }
  return env;
}

static bool
is_executable_file (const char *path)
{
  struct stat st;
  return stat (path, &st) == 0 && S_ISREG (st.st_mode) && access (path, X_OK) == 0;
}

int
process_find_executable (const char *arg0, char *const *env, char **out, cl_error **err)
{
  const char *path = env_get (env, "PATH");
  cleanup_free char *copy = NULL;
  char *save = NULL;

  /* The messages are runc's, lower-case errno text included: engines read
   * them (Docker makes "no such file or directory" exit 127 and
   * "permission denied" 126). */
  if (strchr (arg0, '/'))
    {
      struct stat st;
      if (stat (arg0, &st) < 0)
        {
          int e = errno;
          return cl_fail_as (err, e, "exec: \"%s\": stat %s: %s", arg0, arg0, errno_text_lower (e));
        }
      if (S_ISDIR (st.st_mode) || !(st.st_mode & 0111))
        return cl_fail_as (err, EACCES, "exec: \"%s\": permission denied", arg0);
      *out = xstrdup (arg0);
      return 0;
    }
  copy = xstrdup (path ? path : DEFAULT_PATH);
  for (char *dir = strtok_r (copy, ":", &save); dir; dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *candidate = xasprintf ("%s/%s", *dir ? dir : ".", arg0);
      if (is_executable_file (candidate))
        {
          *out = steal_ptr (&candidate);
          return 0;
        }
    }
  return cl_fail_as (err, ENOENT, "exec: \"%s\": executable file not found in $PATH", arg0);
}

bool
process_setgroups_allowed (void)
{
  char buf[16] = "";
  cleanup_close int fd = open ("/proc/self/setgroups", O_RDONLY | O_CLOEXEC);
  if (fd < 0 || read (fd, buf, sizeof buf - 1) < 0)
    return true;
  return strncmp (buf, "deny", 4) != 0;
}

int
process_become (const struct oci_process *p, const struct seccomp_program *seccomp, char *const *env, char **exe,
                int *listener_fd, cl_error **err)
{
  bool groups_ok = process_setgroups_allowed ();
  int cwd_errno = 0;
  *listener_fd = -1;
  /* The working directory is entered with the runtime's privileges, as
   * runc does: a user that may not traverse to it (a cwd of /root for uid
   * 1000) still starts there.  Where root itself is refused (root-squashed
   * network filesystems), it is tried again as the process's user. */
  if (chdir (p->cwd) < 0)
    cwd_errno = errno;
  /* Without no_new_privs the filter can only be loaded while we still hold
   * CAP_SYS_ADMIN: now, before the capabilities go (as runc does).  The
   * few calls left before exec must then be allowed by the profile. */
  if (seccomp && !p->no_new_privileges && seccomp_install (seccomp, listener_fd, err) < 0)
    return -1;
  if (process_drop_bounding (&p->capabilities, err) < 0 || process_set_credentials (p, groups_ok, err) < 0
      || process_apply_capabilities (&p->capabilities, err) < 0)
    return -1;
  /* A change of credentials resets dumpability to the host's
   * fs.suid_dumpable, which need not be 0: stay non-dumpable until exec. */
  prctl (PR_SET_DUMPABLE, 0, 0, 0, 0);
  if (cwd_errno == EACCES || cwd_errno == EPERM)
    cwd_errno = chdir (p->cwd) < 0 ? errno : 0;
  if (cwd_errno != 0)
    return cl_fail (err, cwd_errno, "process.cwd: chdir `%s`", p->cwd);
  if (process_find_executable (p->args[0], env, exe, err) < 0)
    return -1;
  umask (p->user.umask.set ? (mode_t) p->user.umask.v : 022);
  /* A filter with SCMP_ACT_NOTIFY must be in place while the runtime can
   * still pass its notification fd to the listener, so not at exec. */
  if (seccomp && p->no_new_privileges && seccomp->listener)
    {
      if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return cl_fail (err, errno, "process.noNewPrivileges");
      if (seccomp_install (seccomp, listener_fd, err) < 0)
        return -1;
    }
  return 0;
}

int
process_exec (const struct oci_process *p, const struct seccomp_program *seccomp, int preserve_fds, const char *exe,
              char *const *env, process_last_step *last_step, void *arg, cl_error **err)
{
  if (p->no_new_privileges && prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return cl_fail (err, errno, "process.noNewPrivileges");
  /* Nothing of the runtime's may reach the container: every fd past stdio
   * and the preserved ones closes on exec. */
  fds_close_from (3 + preserve_fds, NULL, 0, true);
  /* The filter last, so that none of the runtime's own calls is filtered:
   * only execve runs under it. */
  if (seccomp && p->no_new_privileges && !seccomp->listener && seccomp_install (seccomp, NULL, err) < 0)
    return -1;
  /* The startContainer hooks: under the filter, as runc runs them. */
  if (last_step && last_step (arg, err) < 0)
    return -1;
  execve (exe, p->args, (char **) env);
  {
    int e = errno;
    return cl_fail_as (err, e, "exec %s: %s", exe, errno_text_lower (e));
  }
}
