/* crun-lite: compiled seccomp programs kept for the next start (see
 * include/process/seccomp_cache.h).
 *
 * Compiling a profile the size of podman's or Docker's costs libseccomp
 * tens of milliseconds, more than the rest of a start; engines pass the
 * same profile every time.  An entry is keyed by the profile's canonical
 * form (every field that decides the program, each string length-prefixed,
 * so that no two profiles share a form) with libseccomp's version and API
 * level and this build's identity; the file name is a 64-bit hash of the
 * key, but the whole key is stored in the entry and compared byte for byte
 * on load, so a hash collision can only cause a miss, never a wrong
 * program.  A checksum over the entry catches a damaged file; the file
 * must be ours (owner, mode, regular, no symlink).  On any doubt the
 * profile is compiled again; a store that fails costs nothing but the
 * next start's time. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "base/log.h"
#include "process/seccomp_cache.h"
#include "base/utils.h"

/* Bumped with each change to how programs are made (2: binary tree). */
#define CACHE_MAGIC "crun-lite seccomp cache 2\n"
#define CACHE_MAX_ENTRIES 64

struct keybuf
{
  char *data;
  size_t len, cap;
};

static void
key_put (struct keybuf *k, const void *p, size_t n)
{
  buf_append (&k->data, &k->len, &k->cap, p, n);
}

static void
key_u64 (struct keybuf *k, uint64_t v)
{
  key_put (k, &v, sizeof v);
}

/* NULL and "" differ; the length comes first, so strings cannot run into
 * each other. */
static void
key_str (struct keybuf *k, const char *s)
{
  key_u64 (k, s ? strlen (s) : UINT64_MAX);
  if (s)
    key_put (k, s, strlen (s));
}

static void
key_strv (struct keybuf *k, char *const *v)
{
  size_t n = strv_len (v);
  key_u64 (k, n);
  for (size_t i = 0; i < n; i++)
    key_str (k, v[i]);
}

static void
key_opt (struct keybuf *k, const struct opt_u64 *o)
{
  key_u64 (k, o->set);
  key_u64 (k, o->set ? o->v : 0);
}

char *
seccomp_cache_key (const struct oci_seccomp *s, size_t *len)
{
  struct keybuf k = { 0 };
  const struct scmp_version *v = seccomp_version ();
  key_str (&k, CACHE_MAGIC);
  /* This build: the program also depends on our own rules (the ENOSYS
   * stub, the attributes set), so another build never shares entries. */
  key_str (&k, PACKAGE_VERSION " " __DATE__ " " __TIME__);
  key_u64 (&k, v ? v->major : 0);
  key_u64 (&k, v ? v->minor : 0);
  key_u64 (&k, v ? v->micro : 0);
  key_u64 (&k, seccomp_api_get ());
  key_u64 (&k, seccomp_arch_native ());
  key_str (&k, s->default_action);
  key_opt (&k, &s->default_errno_ret);
  key_strv (&k, s->architectures);
  key_strv (&k, s->flags);
  key_str (&k, s->listener_path);
  key_u64 (&k, s->n_syscalls);
  for (size_t i = 0; i < s->n_syscalls; i++)
    {
      const struct oci_seccomp_syscall *sc = &s->syscalls[i];
      key_strv (&k, sc->names);
      key_str (&k, sc->action);
      key_opt (&k, &sc->errno_ret);
      key_u64 (&k, sc->n_args);
      for (size_t a = 0; a < sc->n_args; a++)
        {
          key_u64 (&k, sc->args[a].index);
          key_u64 (&k, sc->args[a].value);
          key_u64 (&k, sc->args[a].value_two);
          key_str (&k, sc->args[a].op);
        }
    }
  *len = k.len;
  return k.data;
}

/* FNV-1a, 64 bits: a name and a damage check, not a proof of identity
 * (the key itself is compared). */
static uint64_t
fnv64 (uint64_t h, const void *p, size_t n)
{
  const unsigned char *b = p;
  for (size_t i = 0; i < n; i++)
    h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}
#define FNV_START 0xcbf29ce484222325ULL

struct entry_header
{
  char magic[32];
  uint64_t key_len, n_filter, flags, listener, skipped, checksum;
};

/* The cache's directory, made on first use: CRUN_LITE_SECCOMP_CACHE, else
 * /var/cache/crun-lite/seccomp for root: a cache, not state, so it stays
 * out of every state root (`list`, engines' roots) and may outlive a
 * reboot (the key holds every version it depends on).
 *
 * None for anyone else unless named: a user's own cache (~/.cache) is
 * writable by every container of that user that sees the home directory
 * (toolbox and distrobox bind it), and its checksum keeps nothing out that
 * can recompute it; a forged entry would unfilter every later container.
 * A rootless start compiles its program instead (CRUN_LITE_SECCOMP_CACHE
 * names a directory the user knows no container reaches).  NULL when
 * there is none to use. */
static char *
cache_dir_path (void)
{
  const char *env = getenv ("CRUN_LITE_SECCOMP_CACHE");
  if (env && *env)
    return xstrdup (env);
  if (geteuid () == 0)
    return xstrdup ("/var/cache/crun-lite/seccomp");
  return NULL;
}

static int
open_cache_dir (void)
{
  cleanup_free char *dir = cache_dir_path ();
  cleanup_error cl_error *e = NULL;
  struct stat st;
  int fd;
  if (dir == NULL)
    return -1;
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 && errno == ENOENT && mkdir_p (dir, 0700, &e) == 0)
    fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  /* Ours and private, or not used at all. */
  if (fd >= 0 && (fstat (fd, &st) < 0 || st.st_uid != geteuid () || (st.st_mode & 077)))
    {
      close (fd);
      return -1;
    }
  return fd;
}

static uint64_t
entry_checksum (const struct entry_header *h, const char *key, const void *filter, size_t filter_len)
{
  uint64_t c = fnv64 (FNV_START, h, offsetof (struct entry_header, checksum));
  c = fnv64 (c, key, h->key_len);
  return fnv64 (c, filter, filter_len);
}

/* 1: loaded; 0: no usable entry. */
static int
cache_load (int dirfd, const char *name, const char *key, size_t key_len, struct seccomp_program *out)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  cleanup_free char *data = NULL;
  cleanup_error cl_error *e = NULL;
  struct entry_header h;
  struct stat st;
  size_t len, filter_len;
  if (fd < 0 || fstat (fd, &st) < 0 || !S_ISREG (st.st_mode) || st.st_uid != geteuid () || (st.st_mode & 077))
    return 0;
  if (read_all_fd (fd, 1 << 24, &data, &len, &e) < 0 || len < sizeof h)
    return 0;
  memcpy (&h, data, sizeof h);
  if (memcmp (h.magic, CACHE_MAGIC, sizeof CACHE_MAGIC) != 0 || h.key_len != key_len
      || h.n_filter > (1 << 20) || len != sizeof h + key_len + h.n_filter * 8)
    return 0;
  filter_len = h.n_filter * 8;
  if (memcmp (data + sizeof h, key, key_len) != 0
      || entry_checksum (&h, data + sizeof h, data + sizeof h + key_len, filter_len) != h.checksum)
    return 0;
  out->filter = xmalloc (filter_len ? filter_len : 1);
  memcpy (out->filter, data + sizeof h + key_len, filter_len);
  out->n_filter = h.n_filter;
  out->flags = (unsigned int) h.flags;
  out->listener = h.listener != 0;
  out->skipped = h.skipped;
  return 1;
}

/* Many distinct profiles (a user trying them out, a hostile one): the
 * directory is emptied rather than grown without bound. */
static void
cache_bound (int dirfd)
{
  cleanup_dir DIR *d = fdopendir (dup (dirfd));
  struct dirent *de;
  size_t n = 0;
  while (d && (de = readdir (d)))
    n += de->d_name[0] != '.';
  if (n < CACHE_MAX_ENTRIES || d == NULL)
    return;
  rewinddir (d);
  while ((de = readdir (d)))
    if (de->d_name[0] != '.')
      unlinkat (dirfd, de->d_name, 0);
}

static void
cache_store (int dirfd, const char *name, const char *key, size_t key_len, const struct seccomp_program *p)
{
  struct entry_header h = { .key_len = key_len, .n_filter = p->n_filter, .flags = p->flags,
                            .listener = p->listener, .skipped = p->skipped };
  size_t filter_len = p->n_filter * 8, len = sizeof h + key_len + filter_len;
  cleanup_free char *data = xmalloc (len);
  cleanup_error cl_error *e = NULL;
  memcpy (h.magic, CACHE_MAGIC, sizeof CACHE_MAGIC);
  h.checksum = entry_checksum (&h, key, p->filter, filter_len);
  memcpy (data, &h, sizeof h);
  memcpy (data + sizeof h, key, key_len);
  memcpy (data + sizeof h + key_len, p->filter, filter_len);
  cache_bound (dirfd);
  if (write_file_atomic (dirfd, name, data, len, 0600, &e) < 0)
    log_debug ("seccomp cache: %s", e->msg);
}

int
seccomp_compile_cached (const struct oci_seccomp *s, struct seccomp_program *out, cl_error **err)
{
  size_t key_len;
  cleanup_free char *key = seccomp_cache_key (s, &key_len);
  cleanup_close int dirfd = -1;
  char name[32];

  memset (out, 0, sizeof *out);
  snprintf (name, sizeof name, "%016llx", (unsigned long long) fnv64 (FNV_START, key, key_len));
  if (getenv ("CRUN_LITE_NO_SECCOMP_CACHE") == NULL)
    dirfd = open_cache_dir ();
  if (dirfd >= 0 && cache_load (dirfd, name, key, key_len, out) == 1)
    {
      log_debug ("seccomp: compiled program taken from the cache (%s)", name);
      return 0;
    }
  if (seccomp_compile (s, out, err) < 0)
    return -1;
  if (dirfd >= 0)
    cache_store (dirfd, name, key, key_len, out);
  return 0;
}
