/* crun-lite: the little of D-Bus the systemd driver speaks, hand-written
 * so that the driver needs no libsystemd (a static runtime cannot dlopen
 * one safely: it would bring the system's libc.so beside its own).
 *
 * It talks to the manager's private socket (/run/systemd/private, or the
 * user manager's under $XDG_RUNTIME_DIR): peer to peer, no bus daemon, as
 * systemctl does.  Messages are in the host's byte order, which is the
 * only order a local systemd uses; a message in the other is refused.
 * dbus_wire.c encodes and decodes (pure, unit-tested); dbus_conn.c holds
 * the connection. */
#ifndef CRL_CGROUP_DBUS_H
#define CRL_CGROUP_DBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/error.h"

enum { DBUS_METHOD_CALL = 1, DBUS_METHOD_RETURN = 2, DBUS_ERROR = 3, DBUS_SIGNAL = 4 };

/* A message body (or a whole message) being written: values are aligned
 * as the wire format wants, relative to the buffer's start (a body starts
 * at an 8-aligned offset of its message, so the two agree). */
struct dbus_writer
{
  uint8_t *data;
  size_t len, cap;
};

void dbus_put_byte (struct dbus_writer *w, uint8_t v);
void dbus_put_bool (struct dbus_writer *w, bool v);
void dbus_put_u32 (struct dbus_writer *w, uint32_t v);
void dbus_put_u64 (struct dbus_writer *w, uint64_t v);
/* A string or an object path (s, o). */
void dbus_put_str (struct dbus_writer *w, const char *s);
/* A signature (g). */
void dbus_put_sig (struct dbus_writer *w, const char *s);
/* An array: open writes a length to be filled and pads to the elements'
 * alignment; the caller writes the elements; close fills the length. */
struct dbus_array
{
  size_t len_at, start;
};
struct dbus_array dbus_array_open (struct dbus_writer *w, size_t elem_align);
void dbus_array_close (struct dbus_writer *w, struct dbus_array a);
/* A struct starts at 8. */
void dbus_struct_open (struct dbus_writer *w);
/* One (sv) of a property list (a(sv)): the name and the variant's
 * signature; the caller then writes the value. */
void dbus_prop_open (struct dbus_writer *w, const char *name, const char *sig);
void dbus_writer_free (struct dbus_writer *w);

/* The whole method call: header (with destination, path, interface,
 * member, and the body's signature when there is a body) and body. */
void dbus_encode_call (struct dbus_writer *out, uint32_t serial, const char *dest, const char *path, const char *iface,
                       const char *member, const char *sig, const struct dbus_writer *body);

/* A received message; the strings point into data, which it owns. */
struct dbus_msg
{
  uint8_t type;
  uint32_t serial, reply_serial;
  const char *path, *interface, *member, *error_name, *signature;
  uint8_t *data;
  size_t len, body;
};

/* How many bytes the message at buf needs in all, once its fixed header
 * (16 bytes) is there; 0 if those bytes are not a message we take. */
size_t dbus_message_size (const uint8_t *buf, size_t len);
/* Decode the complete message of `len` bytes at buf (copied). */
int dbus_decode (const uint8_t *buf, size_t len, struct dbus_msg *m, cl_error **err);
void dbus_msg_free (struct dbus_msg *m);

/* Reading a body, in order. */
struct dbus_reader
{
  const uint8_t *data;
  size_t len, pos;
};
void dbus_reader_init (struct dbus_reader *r, const struct dbus_msg *m);
int dbus_get_u32 (struct dbus_reader *r, uint32_t *v);
int dbus_get_str (struct dbus_reader *r, const char **s);   /* s, o */
int dbus_get_sig (struct dbus_reader *r, const char **s);   /* g, and a variant's head */

/* The connection (dbus_conn.c). */
struct dbus_job_end
{
  char *job, *result;
};
struct dbus_conn
{
  int fd;
  uint32_t serial;
  uint8_t *in;
  size_t in_len, in_cap;
  /* JobRemoved signals seen while waiting for something else. */
  struct dbus_job_end *ended;
  size_t n_ended;
};

/* Connect to the system manager (root) or the caller's user manager. */
int dbus_connect_systemd (bool user, struct dbus_conn *c, cl_error **err);
/* Call a method of systemd and wait for its reply; an error reply fails
 * with its name and text. */
int dbus_call (struct dbus_conn *c, const char *path, const char *iface, const char *member, const char *sig,
               const struct dbus_writer *body, struct dbus_msg *reply, cl_error **err);
/* Wait (up to timeout_ms) for JobRemoved of `job`; its result in *result. */
int dbus_wait_job (struct dbus_conn *c, const char *job, int timeout_ms, char **result, cl_error **err);
void dbus_close (struct dbus_conn *c);

#endif
