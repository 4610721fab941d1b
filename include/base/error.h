/* crun-lite: the one error convention.
 *
 * A fallible function returns 0 on success or -1 on failure, and on failure
 * it has filled *err with an errno and a message.  Callers add context as the
 * error travels up (cl_wrap) and the CLI prints it exactly once.
 */
#ifndef CRL_ERROR_H
#define CRL_ERROR_H

#include <stdarg.h>

typedef struct cl_error
{
  int errnum;   /* errno value, 0 when the failure is not a system error */
  char *msg;    /* full message, context first */
} cl_error;

/* Fill *err with a message (formatted), followed by ": strerror(errnum)" when
 * errnum is not zero.  Always returns -1 so it can end a `return` statement. */
int cl_fail (cl_error **err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* As cl_fail, but the message is taken as complete: errnum is recorded
 * (callers may test it, e.g. ENOENT) without appending its text. */
int cl_fail_as (cl_error **err, int errnum, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

/* Prefix an existing error with context ("context: original message").
 * Returns -1. */
int cl_wrap (cl_error **err, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

void cl_error_free (cl_error *err);
void cl_error_freep (cl_error **err);

#define cleanup_error __attribute__ ((cleanup (cl_error_freep)))

#endif
