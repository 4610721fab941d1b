/* crun-lite: the error value (see include/base/error.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/error.h"

/* The bottom of the library: nothing here calls back into utils.c (which
 * reports its own errors with this). */
static char *
vformat (const char *fmt, va_list ap)
{
  char *s = NULL;
  if (vasprintf (&s, fmt, ap) < 0)
    abort ();
  return s;
}

static char *
format (const char *fmt, ...)
{
  va_list ap;
  char *s;
  va_start (ap, fmt);
  s = vformat (fmt, ap);
  va_end (ap);
  return s;
}

static cl_error *
error_new (void)
{
  cl_error *e = calloc (1, sizeof *e);
  if (e == NULL)
    abort ();
  return e;
}

/* Replace *err with a fresh error taking ownership of `msg`. */
static void
set_error (cl_error **err, int errnum, char *msg)
{
  if (*err)
    cl_error_free (*err);
  *err = error_new ();
  (*err)->errnum = errnum;
  (*err)->msg = msg;
}

static int
fail_v (cl_error **err, int errnum, bool append_strerror, const char *fmt, va_list ap)
{
  char *msg;
  if (err == NULL)
    return -1;
  msg = vformat (fmt, ap);
  if (errnum && append_strerror)
    {
      char *full = format ("%s: %s", msg, strerror (errnum));
      free (msg);
      msg = full;
    }
  set_error (err, errnum, msg);
  return -1;
}

int
cl_fail (cl_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_v (err, errnum, true, fmt, ap);
  va_end (ap);
  return -1;
}

int
cl_fail_as (cl_error **err, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fail_v (err, errnum, false, fmt, ap);
  va_end (ap);
  return -1;
}

int
cl_wrap (cl_error **err, const char *fmt, ...)
{
  va_list ap;
  char *ctx, *msg;

  if (err == NULL)
    return -1;
  va_start (ap, fmt);
  ctx = vformat (fmt, ap);
  va_end (ap);
  if (*err == NULL)
    {
      /* A failure path that forgot to fill the error: make it visible
       * instead of printing nothing. */
      *err = error_new ();
      (*err)->msg = format ("%s: internal error (no error recorded)", ctx);
      free (ctx);
      return -1;
    }
  msg = format ("%s: %s", ctx, (*err)->msg);
  free (ctx);
  free ((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void
cl_error_free (cl_error *err)
{
  if (err == NULL)
    return;
  free (err->msg);
  free (err);
}

void
cl_error_freep (cl_error **err)
{
  cl_error_free (*err);
  *err = NULL;
}
