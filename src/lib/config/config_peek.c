/* crun-lite: one annotation read by streaming (see include/config/config_peek.h). */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_parse.h>
#include "config/config_peek.h"
#include "config/json_read.h"
#include "base/utils.h"

struct peek
{
  const char *key;
  size_t depth;        /* containers open around the next value */
  bool in_annotations; /* inside the top-level "annotations" object */
  bool key_is_annotations, key_matches;
  char *value;
};

static int
on_key (void *ctx, const unsigned char *k, size_t len)
{
  struct peek *p = ctx;
  p->key_is_annotations = p->depth == 1 && len == 11 && memcmp (k, "annotations", 11) == 0;
  p->key_matches = p->in_annotations && p->depth == 2 && len == strlen (p->key) && memcmp (k, p->key, len) == 0;
  return 1;
}

/* A value that is not a string: under the key, it replaces an earlier one
 * (the last occurrence counts, as in the full parser). */
static void
scalar (struct peek *p)
{
  if (p->key_matches)
    {
      free (p->value);
      p->value = NULL;
    }
  if (p->key_is_annotations) /* "annotations": null or a scalar */
    {
      free (p->value);
      p->value = NULL;
    }
  p->key_matches = p->key_is_annotations = false;
}

static int
on_scalar (void *ctx)
{
  scalar (ctx);
  return 1;
}

static int
on_bool (void *ctx, int b)
{
  (void) b;
  return on_scalar (ctx);
}

static int
on_number (void *ctx, const char *s, size_t len)
{
  (void) s;
  (void) len;
  return on_scalar (ctx);
}

static int
on_string (void *ctx, const unsigned char *s, size_t len)
{
  struct peek *p = ctx;
  bool take = p->key_matches;
  scalar (p);
  if (take)
    p->value = xasprintf ("%.*s", (int) len, (const char *) s);
  return 1;
}

static int
on_open (void *ctx)
{
  struct peek *p = ctx;
  if (p->key_is_annotations)
    {
      free (p->value); /* a later "annotations" replaces an earlier one */
      p->value = NULL;
      p->in_annotations = true;
    }
  else if (p->key_matches)
    scalar (p);
  p->key_is_annotations = p->key_matches = false;
  p->depth++;
  return 1;
}

static int
on_close (void *ctx)
{
  struct peek *p = ctx;
  if (p->depth == 2)
    p->in_annotations = false;
  p->depth--;
  return 1;
}

static const yajl_callbacks peek_callbacks = {
  .yajl_null = on_scalar,     .yajl_boolean = on_bool, .yajl_number = on_number, .yajl_string = on_string,
  .yajl_start_map = on_open,  .yajl_map_key = on_key,  .yajl_end_map = on_close, .yajl_start_array = on_open,
  .yajl_end_array = on_close,
};

char *
config_peek_annotation (const char *data, size_t len, const char *key)
{
  struct peek p = { .key = key };
  yajl_handle h;
  bool ok;

  if (json_max_depth (data, len, JSON_MAX_DEPTH) > JSON_MAX_DEPTH)
    return NULL;
  h = yajl_alloc (&peek_callbacks, NULL, &p);
  if (h == NULL)
    return NULL;
  ok = yajl_parse (h, (const unsigned char *) data, len) == yajl_status_ok && yajl_complete_parse (h) == yajl_status_ok;
  yajl_free (h);
  if (!ok)
    {
      free (p.value);
      return NULL;
    }
  return p.value;
}

char *
config_peek_annotation_file (const char *path, const char *key)
{
  cleanup_free char *data = NULL;
  size_t len;
  cl_error *err = NULL;
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);

  if (fd < 0)
    return NULL;
  if (read_all_fd (fd, 16u << 20, &data, &len, &err) < 0)
    {
      cl_error_free (err);
      return NULL;
    }
  return config_peek_annotation (data, len, key);
}
