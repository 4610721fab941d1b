/* crun-lite: a minimal TAP harness for the unit tests. */
#ifndef CRL_UNIT_H
#define CRL_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_count, unit_failed;

#define CHECK(cond, ...)                                                                                      \
  do                                                                                                         \
    {                                                                                                        \
      unit_count++;                                                                                          \
      if (cond)                                                                                              \
        printf ("ok %d - ", unit_count);                                                                     \
      else                                                                                                   \
        {                                                                                                    \
          unit_failed++;                                                                                     \
          printf ("not ok %d - (%s:%d: %s) ", unit_count, __FILE__, __LINE__, #cond);                        \
        }                                                                                                    \
      printf (__VA_ARGS__);                                                                                  \
      putchar ('\n');                                                                                        \
    }                                                                                                        \
  while (0)

#define CHECK_STR(got, want, ...)                                                                             \
  do                                                                                                         \
    {                                                                                                        \
      const char *g_ = (got), *w_ = (want);                                                                  \
      CHECK (g_ && w_ && strcmp (g_, w_) == 0, __VA_ARGS__);                                                 \
      if (!(g_ && w_ && strcmp (g_, w_) == 0))                                                               \
        printf ("#   got:  %s\n#   want: %s\n", g_ ? g_ : "(null)", w_ ? w_ : "(null)");                    \
    }                                                                                                        \
  while (0)

static inline int
unit_done (void)
{
  printf ("1..%d\n", unit_count);
  return unit_failed ? 1 : 0;
}

#endif
