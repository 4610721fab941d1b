/* Unit tests: the systemd driver's D-Bus client (include/cgroup/dbus.h): a
 * call's exact layout, properties' alignment, decoding of replies, errors
 * and signals, refusal of malformed input; and its device policy
 * (cgroup_systemd_device_allow). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cgroup/cgroup_systemd.h"
#include "cgroup/dbus.h"
#include "unit.h"

static uint32_t
u32_at (const uint8_t *p)
{
  uint32_t v;
  memcpy (&v, p, 4);
  return v;
}

/* GetUnit("a.scope"), laid out by hand from the specification. */
static void
test_call_layout (void)
{
  struct dbus_writer body = { 0 }, msg = { 0 };
  struct dbus_msg m;
  struct dbus_reader r;
  const char *s = NULL;

  dbus_put_str (&body, "a.scope");
  dbus_encode_call (&msg, 7, NULL, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager", "GetUnit", "s",
                    &body);
  CHECK (msg.data[0] == 'l' && msg.data[1] == DBUS_METHOD_CALL && msg.data[3] == 1, "fixed header: order, type, version");
  CHECK (u32_at (msg.data + 4) == 12, "body length: 4 + 7 + 1");
  CHECK (u32_at (msg.data + 8) == 7, "serial");
  /* path field 16..50, interface 56..97, member 104..120, signature 120..127 */
  CHECK (u32_at (msg.data + 12) == 111, "header fields: 111 bytes");
  CHECK (msg.data[16] == 1 && memcmp (msg.data + 17, "\1o", 3) == 0 && u32_at (msg.data + 20) == 25, "PATH field");
  CHECK (msg.data[56] == 2 && u32_at (msg.data + 60) == 32, "INTERFACE field at the next 8");
  CHECK (msg.data[104] == 3 && memcmp (msg.data + 112, "GetUnit", 8) == 0, "MEMBER field");
  CHECK (msg.data[120] == 8 && memcmp (msg.data + 124, "\1s", 3) == 0, "SIGNATURE field");
  CHECK (msg.len == 140 && u32_at (msg.data + 128) == 7 && strcmp ((char *) msg.data + 132, "a.scope") == 0,
         "the body after the header, padded to 8");
  CHECK (dbus_message_size (msg.data, 16) == 140, "the size is known from the fixed header");
  CHECK (dbus_decode (msg.data, msg.len, &m, NULL) == 0, "our own call decodes");
  CHECK (m.serial == 7 && strcmp (m.member, "GetUnit") == 0 && strcmp (m.path, "/org/freedesktop/systemd1") == 0
             && strcmp (m.signature, "s") == 0,
         "decoded header fields");
  dbus_reader_init (&r, &m);
  CHECK (dbus_get_str (&r, &s) == 0 && strcmp (s, "a.scope") == 0, "decoded body");
  CHECK (dbus_get_str (&r, &s) < 0, "nothing read past the body");
  dbus_msg_free (&m);
  dbus_writer_free (&body);
  dbus_writer_free (&msg);
}

/* a(sv) with a t and an au: the dict entries at 8, the u64 at 8, the
 * array's length not counting the padding before its first element. */
static void
test_property_alignment (void)
{
  struct dbus_writer w = { 0 };
  struct dbus_array props, pids;
  uint64_t v;

  dbus_put_str (&w, "x");                 /* 0..6 */
  props = dbus_array_open (&w, 8);        /* length at 8, elements at 16 */
  dbus_prop_open (&w, "MemoryMax", "t");  /* 16: "MemoryMax" 20..30, sig 30..33 */
  dbus_put_u64 (&w, 67108864);            /* 40..48 */
  dbus_prop_open (&w, "PIDs", "au");      /* 48: "PIDs" 52..57, sig 57..61 */
  pids = dbus_array_open (&w, 4);         /* length at 64 */
  dbus_put_u32 (&w, 42);                  /* 68..72 */
  dbus_array_close (&w, pids);
  dbus_array_close (&w, props);
  CHECK (props.len_at == 8 && props.start == 16, "an array of structs: length at 8, elements at 16");
  memcpy (&v, w.data + 40, 8);
  CHECK (v == 67108864, "a u64 value at an 8-aligned offset");
  CHECK (u32_at (w.data + 64) == 4 && u32_at (w.data + 68) == 42, "au: length 4, then the pid");
  CHECK (u32_at (w.data + 8) == 72 - 16, "a(sv)'s length: from its first element to its end");
  dbus_writer_free (&w);
}

/* A message of another type, built from the primitives: a fixed header,
 * the given fields, a body of strings. */
static void
build_message (struct dbus_writer *w, uint8_t type, uint32_t reply_serial, const char *member, const char *sig,
               const struct dbus_writer *body)
{
  struct dbus_array fields;
  dbus_put_byte (w, 'l');
  dbus_put_byte (w, type);
  dbus_put_byte (w, 0);
  dbus_put_byte (w, 1);
  dbus_put_u32 (w, (uint32_t) body->len);
  dbus_put_u32 (w, 99);
  fields = dbus_array_open (w, 8);
  if (reply_serial)
    {
      dbus_struct_open (w);
      dbus_put_byte (w, 5);
      dbus_put_sig (w, "u");
      dbus_put_u32 (w, reply_serial);
    }
  if (member)
    {
      dbus_struct_open (w);
      dbus_put_byte (w, type == DBUS_ERROR ? 4 : 3);
      dbus_put_sig (w, "s");
      dbus_put_str (w, member);
    }
  dbus_struct_open (w);
  dbus_put_byte (w, 8);
  dbus_put_sig (w, "g");
  dbus_put_sig (w, sig);
  dbus_array_close (w, fields);
  dbus_struct_open (w);
  for (size_t i = 0; i < body->len; i++)
    dbus_put_byte (w, body->data[i]);
}

static void
test_replies_and_signals (void)
{
  struct dbus_writer body = { 0 }, msg = { 0 };
  struct dbus_msg m;
  struct dbus_reader r;
  const char *job = NULL, *unit = NULL, *result = NULL;
  uint32_t id = 0;

  dbus_put_u32 (&body, 12);
  dbus_put_str (&body, "/org/freedesktop/systemd1/job/12");
  dbus_put_str (&body, "x.scope");
  dbus_put_str (&body, "done");
  build_message (&msg, DBUS_SIGNAL, 0, "JobRemoved", "uoss", &body);
  CHECK (dbus_decode (msg.data, msg.len, &m, NULL) == 0 && m.type == DBUS_SIGNAL && strcmp (m.member, "JobRemoved") == 0,
         "a JobRemoved signal decodes");
  dbus_reader_init (&r, &m);
  CHECK (dbus_get_u32 (&r, &id) == 0 && dbus_get_str (&r, &job) == 0 && dbus_get_str (&r, &unit) == 0
             && dbus_get_str (&r, &result) == 0 && id == 12 && strcmp (result, "done") == 0
             && strcmp (job, "/org/freedesktop/systemd1/job/12") == 0,
         "its body: id, job, unit, result");
  dbus_msg_free (&m);
  CHECK (dbus_decode (msg.data, msg.len - 1, &m, NULL) < 0, "a message one byte short is refused");
  msg.data[0] = 'B';
  CHECK (dbus_message_size (msg.data, msg.len) == 0, "the other byte order is refused");
  dbus_writer_free (&msg);
  dbus_writer_free (&body);

  dbus_put_str (&body, "Unit x.scope not loaded.");
  build_message (&msg, DBUS_ERROR, 3, "org.freedesktop.systemd1.NoSuchUnit", "s", &body);
  CHECK (dbus_decode (msg.data, msg.len, &m, NULL) == 0 && m.type == DBUS_ERROR && m.reply_serial == 3
             && strcmp (m.error_name, "org.freedesktop.systemd1.NoSuchUnit") == 0,
         "an error reply: its name and the serial it answers");
  dbus_msg_free (&m);
  /* A string whose length runs past the message. */
  msg.data[msg.len - 29] = 0xff;   /* the length of the 24-character text */
  CHECK (dbus_decode (msg.data, msg.len, &m, NULL) < 0 || (dbus_reader_init (&r, &m), dbus_get_str (&r, &job) < 0),
         "a string running past its message is refused");
  dbus_msg_free (&m);
  dbus_writer_free (&msg);
  dbus_writer_free (&body);
}

static const char proc_devices[] = "Character devices:\n  1 mem\n  5 /dev/tty\n136 pts\n\nBlock devices:\n  8 sd\n";

/* "PATH PERMS;" for each entry, then frees them. */
static char *
allow_text (struct sd_device_allow *a, size_t n)
{
  static char text[512];
  text[0] = '\0';
  for (size_t i = 0; i < n; i++)
    {
      snprintf (text + strlen (text), sizeof text - strlen (text), "%s %s;", a[i].path, a[i].perms);
      free (a[i].path);
    }
  free (a);
  return text;
}

static void
test_device_policy (void)
{
  struct oci_device_rule defaults[] = {
    { true, 'c', -1, -1, (char *) "m" }, { true, 'c', 136, -1, (char *) "rwm" }, { true, 'c', 1, 3, (char *) "rwm" },
  };
  struct oci_device_rule privileged[] = { { true, 'a', -1, -1, (char *) "rwm" }, { true, 'c', 1, 3, (char *) "rwm" } };
  struct oci_device_rule docker[] = {
    { false, 'a', -1, -1, (char *) "rwm" }, { true, 'b', 8, 0, (char *) "r" }, { true, 'c', 1, 3, (char *) "rw" },
    { false, 'c', 1, -1, (char *) "w" },    { true, 'c', 250, -1, (char *) "rwm" },
  };
  struct sd_device_allow *a;
  bool restricts;
  size_t n;

  n = cgroup_systemd_device_allow (defaults, 3, proc_devices, &a, &restricts);
  CHECK (restricts && strcmp (allow_text (a, n), "char-* m;char-pts rwm;/dev/char/1:3 rwm;") == 0,
         "the default rules: mknod of all, the ptys by name, a node by number; strict");
  n = cgroup_systemd_device_allow (privileged, 2, proc_devices, &a, &restricts);
  CHECK (!restricts && n == 0, "an allow-all (privileged): no device policy");
  free (a);
  n = cgroup_systemd_device_allow (docker, 5, proc_devices, &a, &restricts);
  CHECK (restricts && strcmp (allow_text (a, n), "/dev/block/8:0 r;") == 0,
         "deny-all then allowances: a later denial drops what it touches, an unnamed major is left out");
}

int
main (void)
{
  test_call_layout ();
  test_property_alignment ();
  test_replies_and_signals ();
  test_device_policy ();
  return unit_done ();
}
