/* crun-lite: phase timestamps and spans (include/base/trace.h). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "base/trace.h"

/* What was read of the environment, once per process (a re-executed or
 * forked one reads it again: `pid` says whose it is). */
static struct
{
  pid_t pid;
  bool lines;                    /* CRUN_LITE_TRACE: lines on stderr */
  bool spans;                    /* TRACEPARENT and a trace file: spans */
  char trace_id[33], parent_id[17], command_id[17], flags[3];
  char command[64];
  const char *file;
  uint64_t start_ns, last_ns;
} t;

static uint64_t
now_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static bool
is_hex (const char *s, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return true;
}

/* W3C trace context: "00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>". */
static bool
parse_traceparent (const char *tp)
{
  if (tp == NULL || strlen (tp) != 55 || strncmp (tp, "00-", 3) != 0 || tp[35] != '-' || tp[52] != '-'
      || !is_hex (tp + 3, 32) || !is_hex (tp + 36, 16) || !is_hex (tp + 53, 2)
      || strspn (tp + 3, "0") >= 32 || strspn (tp + 36, "0") >= 16)
    return false;
  memcpy (t.trace_id, tp + 3, 32);
  memcpy (t.parent_id, tp + 36, 16);
  memcpy (t.flags, tp + 53, 2);
  return true;
}

static void
new_span_id (char out[17])
{
  unsigned char b[8] = { 0 };
  if (getrandom (b, sizeof b, GRND_NONBLOCK) != (ssize_t) sizeof b)
    {
      uint64_t x = now_ns () ^ ((uint64_t) getpid () << 32);
      memcpy (b, &x, sizeof b);
    }
  b[0] |= 1; /* never all zeros */
  for (int i = 0; i < 8; i++)
    snprintf (out + 2 * i, 3, "%02x", b[i]);
}

static void
load (void)
{
  t.pid = getpid ();
  t.lines = getenv ("CRUN_LITE_TRACE") != NULL;
  t.file = getenv ("CRUN_LITE_TRACE_FILE");
  t.spans = t.file && *t.file && parse_traceparent (getenv ("TRACEPARENT"));
  if (t.spans)
    {
      new_span_id (t.command_id);
      t.start_ns = t.last_ns = now_ns ();
      t.command[0] = '\0';
    }
}

/* One span as a line of OTLP JSON (an ExportTraceServiceRequest each, the
 * file exporter's format), appended with one write. */
static void
write_span (const char *name, const char *id, const char *parent, uint64_t start, uint64_t end)
{
  char line[1024];
  int fd, n = snprintf (line, sizeof line,
                        "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
                        "{\"stringValue\":\"crun-lite\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"crun-lite\"},"
                        "\"spans\":[{\"traceId\":\"%s\",\"spanId\":\"%s\",\"parentSpanId\":\"%s\",\"name\":\"%s\","
                        "\"kind\":1,\"startTimeUnixNano\":\"%llu\",\"endTimeUnixNano\":\"%llu\"}]}]}]}\n",
                        t.trace_id, id, parent, name, (unsigned long long) start, (unsigned long long) end);
  if (n <= 0 || (size_t) n >= sizeof line)
    return;
  fd = open (t.file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0)
    return;
  (void) !write (fd, line, (size_t) n);
  close (fd);
}

static void
finish_command (void)
{
  char name[96];
  if (!t.spans || getpid () != t.pid || t.command[0] == '\0')
    return;
  snprintf (name, sizeof name, "crun-lite %s", t.command);
  write_span (name, t.command_id, t.parent_id, t.start_ns, now_ns ());
}

void
trace_phase (const char *phase)
{
  struct timespec ts;
  char line[160];
  int n;

  if (t.pid != getpid ())
    {
      /* The init and other children keep their parent's choice: their
       * phases are lines only (a span file may be out of their reach). */
      if (t.pid == 0)
        load ();
      else if (t.spans)
        t.spans = false;
    }
  if (t.spans)
    {
      uint64_t now = now_ns ();
      if (t.command[0] == '\0')
        {
          /* The first mark names the command; its span ends at exit. */
          snprintf (t.command, sizeof t.command, "%s", phase);
          atexit (finish_command);
        }
      else
        {
          char id[17];
          new_span_id (id);
          write_span (phase, id, t.command_id, t.last_ns, now);
        }
      t.last_ns = now;
    }
  if (!t.lines)
    return;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  /* One write(2), no stdio: the init traces too, and its stdio is the
   * container's. */
  n = snprintf (line, sizeof line, "crun-lite trace: %lld.%06ld %d %s\n", (long long) ts.tv_sec, ts.tv_nsec / 1000,
                (int) getpid (), phase);
  if (n > 0)
    (void) !write (2, line, (size_t) n < sizeof line ? (size_t) n : sizeof line - 1);
}

bool
trace_context (char out[56])
{
  if (!t.spans || getpid () != t.pid)
    return false;
  snprintf (out, 56, "00-%s-%s-%s", t.trace_id, t.command_id, t.flags);
  return true;
}
