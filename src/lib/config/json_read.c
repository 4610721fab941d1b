/* crun-lite: typed reads from a yajl tree (see include/config/json_read.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "config/json_read.h"
#include "base/utils.h"

size_t
jr_key (struct jreader *r, const char *key)
{
  size_t mark = r->len;
  int n = snprintf (r->path + r->len, sizeof r->path - r->len, "%s%s", r->len ? "." : "", key);
  if (n > 0)
    r->len = r->len + (size_t) n < sizeof r->path ? r->len + (size_t) n : sizeof r->path - 1;
  return mark;
}

size_t
jr_index (struct jreader *r, size_t i)
{
  size_t mark = r->len;
  int n = snprintf (r->path + r->len, sizeof r->path - r->len, "[%zu]", i);
  if (n > 0)
    r->len = r->len + (size_t) n < sizeof r->path ? r->len + (size_t) n : sizeof r->path - 1;
  return mark;
}

void
jr_pop (struct jreader *r, size_t mark)
{
  r->len = mark;
  r->path[mark] = '\0';
}

int
jr_fail (struct jreader *r, const char *fmt, ...)
{
  va_list ap;
  cleanup_free char *msg = NULL;
  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    abort ();
  va_end (ap);
  return cl_fail (r->err, 0, "%s: %s", r->len ? r->path : "(top level)", msg);
}

yajl_val
jr_get (yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  /* A key given twice: the last one counts, as in Go's encoding/json (what
   * engines validate a config with must be what runs). */
  for (size_t i = obj->u.object.len; i > 0; i--)
    if (strcmp (obj->u.object.keys[i - 1], key) == 0)
      return YAJL_IS_NULL (obj->u.object.values[i - 1]) ? NULL : obj->u.object.values[i - 1];
  return NULL;
}

bool
jr_key_shadowed (yajl_val obj, size_t i)
{
  for (size_t k = i + 1; k < obj->u.object.len; k++)
    if (strcmp (obj->u.object.keys[k], obj->u.object.keys[i]) == 0)
      return true;
  return false;
}

/* Look up `key`; push it on the path when found (caller pops) or report it
 * missing when required.  Returns 1 found, 0 absent, -1 error. */
static int
member (struct jreader *r, yajl_val obj, const char *key, bool required, yajl_val *v, size_t *mark)
{
  *v = jr_get (obj, key);
  if (*v == NULL)
    {
      if (!required)
        return 0;
      *mark = jr_key (r, key);
      return jr_fail (r, "missing required field");
    }
  *mark = jr_key (r, key);
  return 1;
}

int
jr_string (struct jreader *r, yajl_val obj, const char *key, bool required, char **out)
{
  yajl_val v;
  size_t mark;
  int found = member (r, obj, key, required, &v, &mark);
  if (found <= 0)
    return found;
  if (!YAJL_IS_STRING (v))
    return jr_fail (r, "expected a string");
  free (*out);
  *out = xstrdup (YAJL_GET_STRING (v));
  jr_pop (r, mark);
  return 0;
}

int
jr_bool (struct jreader *r, yajl_val obj, const char *key, bool *out)
{
  yajl_val v;
  size_t mark;
  int found = member (r, obj, key, false, &v, &mark);
  if (found <= 0)
    return found;
  if (!YAJL_IS_TRUE (v) && !YAJL_IS_FALSE (v))
    return jr_fail (r, "expected a boolean");
  *out = YAJL_IS_TRUE (v);
  jr_pop (r, mark);
  return 0;
}

int
jr_opt_bool (struct jreader *r, yajl_val obj, const char *key, struct opt_bool *out)
{
  if (jr_get (obj, key) == NULL)
    return 0;
  out->set = true;
  return jr_bool (r, obj, key, &out->v);
}

/* Numbers are read from yajl's raw text so that the whole uint64 range
 * survives (yajl's own integer is a signed long long). */
static int
number_value (struct jreader *r, yajl_val v, bool is_signed, long long min, unsigned long long max,
              unsigned long long *u, long long *s)
{
  char *end;
  const char *raw;
  if (!YAJL_IS_NUMBER (v))
    return jr_fail (r, "expected a number");
  raw = YAJL_GET_NUMBER (v);
  errno = 0;
  if (is_signed)
    {
      *s = strtoll (raw, &end, 10);
      if (errno || *end || *s < min || (*s > 0 && (unsigned long long) *s > max))
        return jr_fail (r, "expected an integer between %lld and %llu, got %s", min, max, raw);
    }
  else
    {
      if (raw[0] == '-')
        return jr_fail (r, "expected a non-negative integer, got %s", raw);
      *u = strtoull (raw, &end, 10);
      if (errno || *end || *u > max)
        return jr_fail (r, "expected an integer between 0 and %llu, got %s", max, raw);
    }
  return 0;
}

static int
number (struct jreader *r, yajl_val obj, const char *key, bool required, bool is_signed,
        long long min, unsigned long long max, unsigned long long *u, long long *s)
{
  yajl_val v;
  size_t mark;
  int found = member (r, obj, key, required, &v, &mark);
  if (found <= 0)
    return found;
  if (number_value (r, v, is_signed, min, max, u, s) < 0)
    return -1;
  jr_pop (r, mark);
  return 1;
}

int
jr_u32_value (struct jreader *r, yajl_val v, uint32_t *out)
{
  unsigned long long u;
  if (number_value (r, v, false, 0, UINT32_MAX, &u, NULL) < 0)
    return -1;
  *out = (uint32_t) u;
  return 0;
}

int
jr_u32 (struct jreader *r, yajl_val obj, const char *key, bool required, uint32_t *out)
{
  unsigned long long u;
  int rc = number (r, obj, key, required, false, 0, UINT32_MAX, &u, NULL);
  if (rc > 0)
    *out = (uint32_t) u;
  return rc < 0 ? -1 : 0;
}

int
jr_u64 (struct jreader *r, yajl_val obj, const char *key, bool required, uint64_t *out)
{
  unsigned long long u;
  int rc = number (r, obj, key, required, false, 0, UINT64_MAX, &u, NULL);
  if (rc > 0)
    *out = u;
  return rc < 0 ? -1 : 0;
}

int
jr_i64 (struct jreader *r, yajl_val obj, const char *key, bool required, int64_t *out)
{
  long long s;
  int rc = number (r, obj, key, required, true, INT64_MIN, INT64_MAX, NULL, &s);
  if (rc > 0)
    *out = s;
  return rc < 0 ? -1 : 0;
}

int
jr_opt_u64 (struct jreader *r, yajl_val obj, const char *key, struct opt_u64 *out)
{
  unsigned long long u;
  int rc = number (r, obj, key, false, false, 0, UINT64_MAX, &u, NULL);
  if (rc > 0)
    {
      out->set = true;
      out->v = u;
    }
  return rc < 0 ? -1 : 0;
}

int
jr_opt_i64 (struct jreader *r, yajl_val obj, const char *key, struct opt_i64 *out)
{
  long long s;
  int rc = number (r, obj, key, false, true, INT64_MIN, INT64_MAX, NULL, &s);
  if (rc > 0)
    {
      out->set = true;
      out->v = s;
    }
  return rc < 0 ? -1 : 0;
}

int
jr_strv (struct jreader *r, yajl_val obj, const char *key, char ***out)
{
  yajl_val v;
  size_t mark, n;
  char **res;
  int found = member (r, obj, key, false, &v, &mark);
  if (found <= 0)
    return found;
  if (!YAJL_IS_ARRAY (v))
    return jr_fail (r, "expected an array of strings");
  n = v->u.array.len;
  res = xzalloc ((n + 1) * sizeof *res);
  for (size_t i = 0; i < n; i++)
    {
      yajl_val s = v->u.array.values[i];
      if (!YAJL_IS_STRING (s))
        {
          strv_free (res);
          jr_index (r, i);
          return jr_fail (r, "expected a string");
        }
      res[i] = xstrdup (YAJL_GET_STRING (s));
    }
  strv_free (*out);
  *out = res;
  jr_pop (r, mark);
  return 0;
}

int
jr_kv_map (struct jreader *r, yajl_val obj, const char *key, struct oci_kv **out, size_t *n)
{
  yajl_val v;
  size_t mark;
  struct oci_kv *kv;
  int found = member (r, obj, key, false, &v, &mark);
  if (found <= 0)
    return found;
  if (!YAJL_IS_OBJECT (v))
    return jr_fail (r, "expected an object of strings");
  kv = xzalloc ((v->u.object.len + 1) * sizeof *kv);
  *out = kv;
  *n = 0;
  for (size_t i = 0; i < v->u.object.len; i++)
    {
      yajl_val s = v->u.object.values[i];
      if (jr_key_shadowed (v, i))
        continue;
      kv[*n].key = xstrdup (v->u.object.keys[i]);
      if (!YAJL_IS_STRING (s))
        {
          (*n)++;
          jr_key (r, v->u.object.keys[i]);
          return jr_fail (r, "expected a string");
        }
      kv[(*n)++].value = xstrdup (YAJL_GET_STRING (s));
    }
  jr_pop (r, mark);
  return 0;
}

int
jr_object (struct jreader *r, yajl_val obj, const char *key, yajl_val *out)
{
  yajl_val v;
  size_t mark;
  int found = member (r, obj, key, false, &v, &mark);
  *out = NULL;
  if (found <= 0)
    return found;
  if (!YAJL_IS_OBJECT (v))
    return jr_fail (r, "expected an object");
  jr_pop (r, mark);
  *out = v;
  return 0;
}

int
jr_object_array (struct jreader *r, yajl_val obj, const char *key, size_t item_size,
                 jr_item_fn fn, void *out_items, size_t *n)
{
  yajl_val v;
  size_t mark, count;
  char *items;
  int found = member (r, obj, key, false, &v, &mark);
  if (found <= 0)
    return found;
  if (!YAJL_IS_ARRAY (v))
    return jr_fail (r, "expected an array");
  count = v->u.array.len;
  /* Publish the (zeroed) array first so a partial parse is freed by the owner. */
  items = xzalloc ((count + 1) * item_size);
  *(void **) out_items = items;
  *n = count;
  for (size_t i = 0; i < count; i++)
    {
      size_t imark = jr_index (r, i);
      yajl_val item = v->u.array.values[i];
      if (!YAJL_IS_OBJECT (item))
        return jr_fail (r, "expected an object");
      if (fn (r, item, items + i * item_size) < 0)
        return -1;
      jr_pop (r, imark);
    }
  jr_pop (r, mark);
  return 0;
}

size_t
json_max_depth (const char *data, size_t len, size_t limit)
{
  size_t depth = 0, max = 0;
  bool in_string = false;

  for (size_t i = 0; i < len; i++)
    {
      char c = data[i];
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = false;
          continue;
        }
      if (c == '"')
        in_string = true;
      else if (c == '{' || c == '[')
        {
          if (++depth > max)
            max = depth;
          if (max > limit)
            return max;
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  return max;
}

int
jr_parse_tree (const char *data, size_t len, const char *source, yajl_val *out, cl_error **err)
{
  char errbuf[256] = "";
  yajl_val tree;

  if (strlen (data) != len)
    return cl_fail (err, 0, "%s: invalid JSON: NUL byte in the document", source);
  /* yajl builds and frees its tree recursively: a document nested a few
   * hundred thousand levels deep would overflow the stack.  No config
   * nests past a dozen levels; runc's decoder stops at 10000 too. */
  if (json_max_depth (data, len, JSON_MAX_DEPTH) > JSON_MAX_DEPTH)
    return cl_fail (err, 0, "%s: invalid JSON: nested more than %d levels deep", source, JSON_MAX_DEPTH);
  tree = yajl_tree_parse (data, errbuf, sizeof errbuf);
  if (tree == NULL)
    {
      /* yajl's message spans lines (text + caret): keep the first. */
      char *nl = strchr (errbuf, '\n');
      if (nl)
        *nl = '\0';
      return cl_fail (err, 0, "%s: invalid JSON: %s", source, *errbuf ? errbuf : "parse error");
    }
  if (!YAJL_IS_OBJECT (tree))
    {
      yajl_tree_free (tree);
      return cl_fail (err, 0, "%s: expected a JSON object at the top level", source);
    }
  *out = tree;
  return 0;
}

char *
json_gen_take (yajl_gen g, bool newline)
{
  const unsigned char *buf;
  size_t len;
  char *out;
  yajl_gen_get_buf (g, &buf, &len);
  out = xmalloc (len + 2);
  memcpy (out, buf, len);
  if (newline)
    out[len++] = '\n';
  out[len] = '\0';
  yajl_gen_free (g);
  return out;
}
