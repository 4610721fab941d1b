/* crun-lite: the kinds of Linux namespace a container can have. */
#ifndef CRL_NAMESPACES_H
#define CRL_NAMESPACES_H

#include <sched.h>
#include "base/error.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

struct namespace_kind
{
  const char *oci_name;   /* "network" */
  const char *proc_name;  /* "net", as in /proc/PID/ns/net */
  int clone_flag;
};

/* In the order namespaces must be joined: user first (it grants the
 * capabilities needed for the others), mount last (joining it changes how
 * every later path resolves). */
extern const struct namespace_kind namespace_kinds[];
extern const size_t n_namespace_kinds;

const struct namespace_kind *namespace_by_oci_name (const char *name);
const struct namespace_kind *namespace_by_flag (int flag);

#endif
