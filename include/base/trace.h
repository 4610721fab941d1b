/* crun-lite: where the time of a command goes.
 *
 * With CRUN_LITE_TRACE set, each phase prints one line on stderr,
 * "crun-lite trace: SECONDS.MICROS PID PHASE", SECONDS.MICROS on
 * CLOCK_MONOTONIC (comparable between the runtime, its init and the next
 * command); bench/bench.sh turns them into a profile.
 *
 * With TRACEPARENT (a W3C trace context, as containerd passes its own) and
 * a file named by CRUN_LITE_TRACE_FILE or --trace-file, the runtime's
 * phases are also spans of that trace, appended to the file as OTLP JSON
 * lines: one span for the command ("crun-lite create"), child of the
 * caller's span, and one per phase, children of the command's, from the
 * previous mark to this one.  Hooks get TRACEPARENT naming the command's
 * span.  Only the runtime's own process writes spans (its init's phases
 * are lines only: the file may be out of the container's reach).
 *
 * Off, a phase costs one comparison (the environment is read once). */
#ifndef CRL_TRACE_H
#define CRL_TRACE_H

#include <stdbool.h>

void trace_phase (const char *phase);
/* The trace context for what the runtime starts (hooks): true and
 * "00-TRACE-SPAN-FLAGS" in out when spans are being written. */
bool trace_context (char out[56]);

#endif
