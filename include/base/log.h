/* crun-lite: diagnostics.  Errors and warnings go to stderr and, with
 * --log FILE, to that file too, as text or as one JSON object per line
 * ({"level":..., "msg":..., "time":...}) the way engines read runc's log. */
#ifndef CRL_LOG_H
#define CRL_LOG_H

#include <stdbool.h>
#include "base/error.h"

enum log_level { LOG_LEVEL_ERROR, LOG_LEVEL_WARNING, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

int log_open (const char *path, const char *format, bool debug, cl_error **err);
void log_msg (enum log_level level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
/* A warning for the --log file only (a debug line on stderr with --debug
 * and no log file):
 * one that every container of a common config would print (runc's own
 * `spec` asks for ambient capabilities the kernel will not raise). */
void log_quiet_warning (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
/* The one place an error is printed. */
void log_error (const cl_error *err);
bool log_debug_enabled (void);
/* The log file descriptor (kept open by a forked child until log_close).
 * -1 when there is none. */
int log_fd (void);
/* Stop writing the log file (stderr only from now on): a process that may
 * share the container with its processes holds no host file. */
void log_close (void);

#define log_warning(...) log_msg (LOG_LEVEL_WARNING, __VA_ARGS__)
#define log_debug(...) do { if (log_debug_enabled ()) log_msg (LOG_LEVEL_DEBUG, __VA_ARGS__); } while (0)

#endif
