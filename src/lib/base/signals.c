/* crun-lite: signal names (see include/base/signals.h). */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/signals.h"
#include "base/utils.h"

static const struct { const char *name; int sig; } signal_names[] = {
  { "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
  { "TRAP", SIGTRAP },   { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
  { "FPE", SIGFPE },     { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
  { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
  { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CLD", SIGCHLD },    { "CONT", SIGCONT },
  { "STOP", SIGSTOP },   { "TSTP", SIGTSTP },     { "TTIN", SIGTTIN },   { "TTOU", SIGTTOU },
  { "URG", SIGURG },     { "XCPU", SIGXCPU },     { "XFSZ", SIGXFSZ },   { "VTALRM", SIGVTALRM },
  { "PROF", SIGPROF },   { "WINCH", SIGWINCH },   { "IO", SIGIO },       { "POLL", SIGPOLL },
  { "PWR", SIGPWR },     { "SYS", SIGSYS },
};

int
signal_parse (const char *s)
{
  unsigned long long n;
  if (s == NULL || *s == '\0')
    return -1;
  if (parse_uint64 (s, &n) == 0)
    return n <= (unsigned long long) SIGRTMAX ? (int) n : -1; /* 0: only "does it exist" */
  if (strncasecmp (s, "SIG", 3) == 0)
    s += 3;
  for (size_t i = 0; i < sizeof signal_names / sizeof signal_names[0]; i++)
    if (strcasecmp (s, signal_names[i].name) == 0)
      return signal_names[i].sig;
  if (strncasecmp (s, "RTMIN", 5) == 0 || strncasecmp (s, "RTMAX", 5) == 0)
    {
      bool min = strncasecmp (s, "RTMIN", 5) == 0;
      const char *rest = s + 5;
      int base = min ? SIGRTMIN : SIGRTMAX;
      int sig;
      if (*rest == '\0')
        return base;
      if ((*rest != '+' && *rest != '-') || parse_uint64 (rest + 1, &n) < 0 || n > 64)
        return -1;
      sig = *rest == '+' ? base + (int) n : base - (int) n;
      return sig >= SIGRTMIN && sig <= SIGRTMAX ? sig : -1;
    }
  return -1;
}
