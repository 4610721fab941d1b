/* crun-lite: small helpers shared by every module: cleanup attributes,
 * allocation that cannot fail silently, and whole-file I/O. */
#ifndef CRL_UTILS_H
#define CRL_UTILS_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <dirent.h>
#include "base/error.h"

void freep (void *p);
void closep (int *fd);
void fclosep (FILE **f);
void closedirp (DIR **d);
void strv_freep (char ***v);

#define cleanup_free __attribute__ ((cleanup (freep)))
#define cleanup_close __attribute__ ((cleanup (closep)))
#define cleanup_fclose __attribute__ ((cleanup (fclosep)))
#define cleanup_dir __attribute__ ((cleanup (closedirp)))
#define cleanup_strv __attribute__ ((cleanup (strv_freep)))

/* Hand ownership on: return the value and leave the variable empty so its
 * cleanup does nothing. */
static inline int
steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}
#define steal_ptr(pp) ({ __typeof__ (*(pp)) steal_tmp_ = *(pp); *(pp) = NULL; steal_tmp_; })

/* Out-of-memory is not recoverable for a runtime: these abort. */
void *xmalloc (size_t n);
void *xzalloc (size_t n);
void *xrealloc (void *p, size_t n);
char *xstrdup (const char *s);
char *xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

void strv_free (char **v);
size_t strv_len (char *const *v);
/* Whether the NULL-terminated vector v (NULL: empty) holds s. */
bool strv_has (char *const *v, const char *s);
/* Append a copy of s to a NULL-terminated vector (which may be NULL). */
void strv_append (char ***v, const char *s);

/* I/O that retries on EINTR and short writes. */
int write_all (int fd, const void *buf, size_t len);
/* Append n bytes at p to a growing buffer (*data, *len, *cap). */
void buf_append (void *data_ptr, size_t *len, size_t *cap, const void *p, size_t n);
/* CLOCK_MONOTONIC in milliseconds, for deadlines. */
long long monotonic_ms (void);
int read_all_fd (int fd, size_t max, char **out, size_t *len, cl_error **err);
int read_file_at (int dirfd, const char *path, size_t max, char **out, size_t *len, cl_error **err);
/* Write an existing file (no O_CREAT): for procfs and cgroupfs knobs. */
int write_file_at (int dirfd, const char *path, const char *data, size_t len, cl_error **err);
/* Create or replace a file atomically: temp file in the same directory, then rename. */
int write_file_atomic (int dirfd, const char *name, const char *data, size_t len, mode_t mode, cl_error **err);

int mkdir_p (const char *path, mode_t mode, cl_error **err);
/* `path` made absolute against the current directory (a copy). */
char *absolute_path (const char *path);
/* Current time as RFC 3339 with nanoseconds, UTC ("2026-11-23T18:40:00.123456789Z"). */
void rfc3339_now (char *buf, size_t n);
/* Parse a non-negative decimal integer that must fill the whole string. */
int parse_uint64 (const char *s, unsigned long long *out);

/* Start time of a process (field 22 of /proc/PID/stat), to tell a pid from
 * a later reuse of the same number.  0 if the process does not exist. */
unsigned long long process_start_time (pid_t pid);

/* The name /etc/passwd gives uid, read as runc reads it (the file itself,
 * no NSS: the first line whose third field is the uid), or the number as
 * text; passwd_name_of looks it up in the text of such a file (NULL when
 * no line has it).  Both return a string to free. */
char *user_name_of (uid_t uid);
char *passwd_name_of (const char *passwd, uid_t uid);

/* Not really root: not uid 0, or uid 0 in a user namespace that maps only
 * part of the ids (rootless podman runs the runtime that way). */
bool running_rootless (void);

/* SIGKILL a child of ours and reap it (nothing for pid <= 0). */
void kill_and_reap (pid_t pid);

/* Close every fd from `from` up except those in keep[] (any order, -1
 * ignored); with `cloexec`, mark them close-on-exec instead.  close_range
 * where the kernel has it (5.9; its CLOEXEC flag 5.11), else each fd
 * /proc/self/fd lists, else every number below the fd limit. */
void fds_close_from (int from, const int *keep, size_t n_keep, bool cloexec);

/* strerror's text as Go (and so runc) prints it: "no such file or
 * directory".  Engines match some of these texts. */
const char *errno_text_lower (int errnum);

/* "0-3,7" -> a set of up to 1024 CPUs (or NUMA nodes); -1 when malformed. */
int parse_cpu_list (const char *s, cpu_set_t *out);

#endif
