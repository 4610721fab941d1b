/* crun-lite: D-Bus messages, encoded and decoded (include/cgroup/dbus.h).
 * The wire format: every value aligned to its size (strings and arrays by
 * their 4-byte length, structs and dict entries to 8), a header of fixed
 * fields and an array of (code, variant) fields, the body after the
 * header padded to 8. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup/dbus.h"
#include "base/utils.h"

enum
{
  FIELD_PATH = 1,
  FIELD_INTERFACE = 2,
  FIELD_MEMBER = 3,
  FIELD_ERROR_NAME = 4,
  FIELD_REPLY_SERIAL = 5,
  FIELD_DESTINATION = 6,
  FIELD_SIGNATURE = 8,
};

/* The byte order this host writes, as the header's first byte names it. */
static const uint8_t native_order =
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    'l';
#else
    'B';
#endif

/* A message larger than this is not one systemd sends us. */
#define MESSAGE_MAX (1u << 24)

static void
put_raw (struct dbus_writer *w, const void *p, size_t n)
{
  buf_append (&w->data, &w->len, &w->cap, p, n);
}

static void
align_to (struct dbus_writer *w, size_t a)
{
  static const uint8_t zeros[8];
  size_t pad = (a - w->len % a) % a;
  put_raw (w, zeros, pad);
}

void
dbus_put_byte (struct dbus_writer *w, uint8_t v)
{
  put_raw (w, &v, 1);
}

void
dbus_put_u32 (struct dbus_writer *w, uint32_t v)
{
  align_to (w, 4);
  put_raw (w, &v, 4);
}

void
dbus_put_bool (struct dbus_writer *w, bool v)
{
  dbus_put_u32 (w, v ? 1 : 0);
}

void
dbus_put_u64 (struct dbus_writer *w, uint64_t v)
{
  align_to (w, 8);
  put_raw (w, &v, 8);
}

void
dbus_put_str (struct dbus_writer *w, const char *s)
{
  dbus_put_u32 (w, (uint32_t) strlen (s));
  put_raw (w, s, strlen (s) + 1);
}

void
dbus_put_sig (struct dbus_writer *w, const char *s)
{
  dbus_put_byte (w, (uint8_t) strlen (s));
  put_raw (w, s, strlen (s) + 1);
}

struct dbus_array
dbus_array_open (struct dbus_writer *w, size_t elem_align)
{
  struct dbus_array a;
  dbus_put_u32 (w, 0);
  a.len_at = w->len - 4;
  /* The padding before the first element is not part of the length. */
  align_to (w, elem_align);
  a.start = w->len;
  return a;
}

void
dbus_array_close (struct dbus_writer *w, struct dbus_array a)
{
  uint32_t len = (uint32_t) (w->len - a.start);
  memcpy (w->data + a.len_at, &len, 4);
}

void
dbus_struct_open (struct dbus_writer *w)
{
  align_to (w, 8);
}

void
dbus_prop_open (struct dbus_writer *w, const char *name, const char *sig)
{
  dbus_struct_open (w);
  dbus_put_str (w, name);
  dbus_put_sig (w, sig);
}

void
dbus_writer_free (struct dbus_writer *w)
{
  free (w->data);
  *w = (struct dbus_writer){ 0 };
}

static void
header_field (struct dbus_writer *w, uint8_t code, const char *sig, const char *value)
{
  dbus_struct_open (w);
  dbus_put_byte (w, code);
  dbus_put_sig (w, sig);
  if (strcmp (sig, "g") == 0)
    dbus_put_sig (w, value);
  else
    dbus_put_str (w, value);
}

void
dbus_encode_call (struct dbus_writer *out, uint32_t serial, const char *dest, const char *path, const char *iface,
                  const char *member, const char *sig, const struct dbus_writer *body)
{
  uint32_t body_len = body ? (uint32_t) body->len : 0;
  struct dbus_array fields;

  dbus_put_byte (out, native_order);
  dbus_put_byte (out, DBUS_METHOD_CALL);
  dbus_put_byte (out, 0);
  dbus_put_byte (out, 1);
  dbus_put_u32 (out, body_len);
  dbus_put_u32 (out, serial);
  fields = dbus_array_open (out, 8);
  header_field (out, FIELD_PATH, "o", path);
  if (dest)
    header_field (out, FIELD_DESTINATION, "s", dest);
  header_field (out, FIELD_INTERFACE, "s", iface);
  header_field (out, FIELD_MEMBER, "s", member);
  if (body_len)
    header_field (out, FIELD_SIGNATURE, "g", sig);
  dbus_array_close (out, fields);
  align_to (out, 8);
  if (body_len)
    put_raw (out, body->data, body_len);
}

static size_t
align8 (size_t n)
{
  return (n + 7) & ~(size_t) 7;
}

size_t
dbus_message_size (const uint8_t *buf, size_t len)
{
  uint32_t body, fields;
  if (len < 16 || buf[0] != native_order || buf[3] != 1)
    return 0;
  memcpy (&body, buf + 4, 4);
  memcpy (&fields, buf + 12, 4);
  if (body > MESSAGE_MAX || fields > MESSAGE_MAX)
    return 0;
  return align8 (16 + (size_t) fields) + body;
}

void
dbus_reader_init (struct dbus_reader *r, const struct dbus_msg *m)
{
  *r = (struct dbus_reader){ m->data, m->len, m->body };
}

int
dbus_get_u32 (struct dbus_reader *r, uint32_t *v)
{
  size_t pos = (r->pos + 3) & ~(size_t) 3;
  if (pos + 4 > r->len)
    return -1;
  memcpy (v, r->data + pos, 4);
  r->pos = pos + 4;
  return 0;
}

int
dbus_get_str (struct dbus_reader *r, const char **s)
{
  uint32_t n;
  if (dbus_get_u32 (r, &n) < 0 || n >= r->len - r->pos || r->data[r->pos + n] != '\0')
    return -1;
  *s = (const char *) r->data + r->pos;
  r->pos += (size_t) n + 1;
  return 0;
}

int
dbus_get_sig (struct dbus_reader *r, const char **s)
{
  size_t n;
  if (r->pos >= r->len)
    return -1;
  n = r->data[r->pos];
  if (n >= r->len - r->pos - 1 || r->data[r->pos + 1 + n] != '\0')
    return -1;
  *s = (const char *) r->data + r->pos + 1;
  r->pos += n + 2;
  return 0;
}

/* One (code, variant) of the header; fields we do not use are skipped
 * where their type is one systemd sends (UNIX_FDS is a u). */
static int
read_header_field (struct dbus_reader *r, struct dbus_msg *m)
{
  uint8_t code = r->data[r->pos++];
  const char *sig, *s;
  uint32_t v;

  if (dbus_get_sig (r, &sig) < 0)
    return -1;
  if (strcmp (sig, "u") == 0)
    {
      if (dbus_get_u32 (r, &v) < 0)
        return -1;
      if (code == FIELD_REPLY_SERIAL)
        m->reply_serial = v;
      return 0;
    }
  if (strcmp (sig, "g") == 0)
    {
      if (dbus_get_sig (r, &s) < 0)
        return -1;
      if (code == FIELD_SIGNATURE)
        m->signature = s;
      return 0;
    }
  if ((strcmp (sig, "s") != 0 && strcmp (sig, "o") != 0) || dbus_get_str (r, &s) < 0)
    return -1;
  if (code == FIELD_PATH)
    m->path = s;
  else if (code == FIELD_INTERFACE)
    m->interface = s;
  else if (code == FIELD_MEMBER)
    m->member = s;
  else if (code == FIELD_ERROR_NAME)
    m->error_name = s;
  return 0;
}

int
dbus_decode (const uint8_t *buf, size_t len, struct dbus_msg *m, cl_error **err)
{
  struct dbus_reader r;
  uint32_t fields_len;

  *m = (struct dbus_msg){ 0 };
  if (dbus_message_size (buf, len) != len)
    return cl_fail_as (err, EPROTO, "--systemd-cgroup: a malformed D-Bus message from systemd");
  m->data = xmalloc (len);
  memcpy (m->data, buf, len);
  m->len = len;
  m->type = m->data[1];
  memcpy (&m->serial, m->data + 8, 4);
  memcpy (&fields_len, m->data + 12, 4);
  r = (struct dbus_reader){ m->data, 16 + (size_t) fields_len, 16 };
  while ((r.pos = align8 (r.pos)) < r.len)
    if (read_header_field (&r, m) < 0)
      {
        dbus_msg_free (m);
        return cl_fail_as (err, EPROTO, "--systemd-cgroup: a D-Bus message from systemd with a malformed header");
      }
  m->body = align8 (16 + (size_t) fields_len);
  return 0;
}

void
dbus_msg_free (struct dbus_msg *m)
{
  free (m->data);
  *m = (struct dbus_msg){ 0 };
}
