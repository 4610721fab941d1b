/* crun-lite: where the time of a command goes.  With CRUN_LITE_TRACE set,
 * each phase prints one line on stderr, "crun-lite trace: SECONDS.MICROS PID
 * PHASE", SECONDS.MICROS on CLOCK_MONOTONIC (comparable between the
 * runtime, its init and the next command); bench/bench.sh turns them into a
 * profile.  Off, a phase costs one branch (the variable is read once). */
#ifndef CRL_TRACE_H
#define CRL_TRACE_H

void trace_phase (const char *phase);

#endif
