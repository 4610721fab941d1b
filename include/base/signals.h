/* crun-lite: signal names as `kill` accepts them. */
#ifndef CRL_SIGNALS_H
#define CRL_SIGNALS_H

/* "KILL", "SIGKILL", "kill", "9", "RTMIN+3" -> number; -1 if invalid. */
int signal_parse (const char *s);

#endif
