/* crun-lite: diagnostics (see include/base/log.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/log.h"
#include "base/utils.h"

static int log_file = -1;
static bool log_json;
static bool log_debug_on;

static const char *const level_names[] = { "error", "warning", "info", "debug" };

int
log_open (const char *path, const char *format, bool debug, cl_error **err)
{
  log_debug_on = debug;
  if (format)
    {
      if (strcmp (format, "json") == 0)
        log_json = true;
      else if (strcmp (format, "text") != 0)
        return cl_fail (err, 0, "--log-format: unknown format `%s` (expected text or json)", format);
    }
  if (path && *path)
    {
      log_file = open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
      if (log_file < 0)
        return cl_fail (err, errno, "--log: open `%s`", path);
    }
  return 0;
}

bool
log_debug_enabled (void)
{
  return log_debug_on;
}

void
log_close (void)
{
  if (log_file >= 0)
    close (log_file);
  log_file = -1;
}

int
log_fd (void)
{
  return log_file;
}

/* Append s to a JSON string body, escaped. */
static void
json_escape (FILE *out, const char *s)
{
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    {
      if (*p == '"' || *p == '\\')
        fprintf (out, "\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", out);
      else if (*p == '\t')
        fputs ("\\t", out);
      else if (*p < 0x20)
        fprintf (out, "\\u%04x", *p);
      else
        fputc (*p, out);
    }
}

static void
write_log_line (enum log_level level, const char *msg)
{
  char now[64];
  char *line = NULL;
  size_t len = 0;
  FILE *mem;

  if (log_file < 0)
    return;
  mem = open_memstream (&line, &len);
  if (mem == NULL)
    return;
  rfc3339_now (now, sizeof now);
  if (log_json)
    {
      fprintf (mem, "{\"level\":\"%s\",\"msg\":\"", level_names[level]);
      json_escape (mem, msg);
      fprintf (mem, "\",\"time\":\"%s\"}\n", now);
    }
  else
    {
      fprintf (mem, "time=\"%s\" level=%s msg=\"", now, level_names[level]);
      json_escape (mem, msg);
      fputs ("\"\n", mem);
    }
  fclose (mem);
  /* One write per line, so concurrent writers (engine + runtime) never interleave. */
  if (write_all (log_file, line, len) < 0)
    {
      /* Nothing sensible to do: the message still reaches stderr. */
    }
  free (line);
}

/* One message: to the log file, and to stderr unless `quiet` (then only
 * with --debug and no log file, as a debug line). */
static void
log_vmsg (enum log_level level, bool quiet, const char *fmt, va_list ap)
{
  char *msg;

  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  write_log_line (level, msg);
  if (quiet)
    {
      if (log_file < 0 && log_debug_on)
        fprintf (stderr, "crun-lite: debug: %s\n", msg);
    }
  else if (level != LOG_LEVEL_INFO || log_debug_on)
    {
      if (level == LOG_LEVEL_ERROR)
        fprintf (stderr, "crun-lite: %s\n", msg);
      else
        fprintf (stderr, "crun-lite: %s: %s\n", level_names[level], msg);
    }
  free (msg);
}

void
log_msg (enum log_level level, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  log_vmsg (level, false, fmt, ap);
  va_end (ap);
}

void
log_quiet_warning (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  log_vmsg (LOG_LEVEL_WARNING, true, fmt, ap);
  va_end (ap);
}

void
log_error (const cl_error *err)
{
  log_msg (LOG_LEVEL_ERROR, "%s", err && err->msg ? err->msg : "unknown error");
}
