/* crun-lite: typed reads from a yajl tree, with the JSON path of every value
 * kept so an error names exactly what is wrong ("process.args[1]: expected a
 * string"). */
#ifndef CRL_JSON_READ_H
#define CRL_JSON_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>
#include "config/oci_config.h"
#include "base/error.h"

struct jreader
{
  char path[1024];
  size_t len;
  cl_error **err;
};

size_t jr_key (struct jreader *r, const char *key);
size_t jr_index (struct jreader *r, size_t i);
void jr_pop (struct jreader *r, size_t mark);
int jr_fail (struct jreader *r, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* A member of an object; a JSON null counts as absent. */
yajl_val jr_get (yajl_val obj, const char *key);
/* Whether member i of an object is given again later (and so does not count). */
bool jr_key_shadowed (yajl_val obj, size_t i);

/* Each reader leaves *out untouched when the key is absent, unless `required`. */
int jr_string (struct jreader *r, yajl_val obj, const char *key, bool required, char **out);
int jr_bool (struct jreader *r, yajl_val obj, const char *key, bool *out);
int jr_opt_bool (struct jreader *r, yajl_val obj, const char *key, struct opt_bool *out);
int jr_u32 (struct jreader *r, yajl_val obj, const char *key, bool required, uint32_t *out);
int jr_i64 (struct jreader *r, yajl_val obj, const char *key, bool required, int64_t *out);
/* A number that is an array element rather than an object member. */
int jr_u32_value (struct jreader *r, yajl_val v, uint32_t *out);
int jr_opt_u64 (struct jreader *r, yajl_val obj, const char *key, struct opt_u64 *out);
int jr_opt_i64 (struct jreader *r, yajl_val obj, const char *key, struct opt_i64 *out);
int jr_u64 (struct jreader *r, yajl_val obj, const char *key, bool required, uint64_t *out);
int jr_strv (struct jreader *r, yajl_val obj, const char *key, char ***out);
int jr_kv_map (struct jreader *r, yajl_val obj, const char *key, struct oci_kv **out, size_t *n);
int jr_object (struct jreader *r, yajl_val obj, const char *key, yajl_val *out);

/* An array of objects, each turned into one item of `item_size` bytes by `fn`. */
typedef int (*jr_item_fn) (struct jreader *r, yajl_val item, void *out_item);
int jr_object_array (struct jreader *r, yajl_val obj, const char *key, size_t item_size,
                     jr_item_fn fn, void *out_items, size_t *n);

/* The text a yajl generator produced, as a string the caller frees (with a
 * final newline when asked); the generator is freed. */
#include <yajl/yajl_gen.h>
char *json_gen_take (yajl_gen g, bool newline);

/* Deeper documents are refused before yajl sees them. */
#define JSON_MAX_DEPTH 10000

/* The deepest nesting of objects and arrays in a JSON text (strings
 * skipped), counting stops once past `limit`. */
size_t json_max_depth (const char *data, size_t len, size_t limit);

/* Parse a JSON text into a tree, with a one-line error naming `source`. */
int jr_parse_tree (const char *data, size_t len, const char *source, yajl_val *out, cl_error **err);

#endif
