/* crun-lite: one top-level annotation of a config.json, read without
 * building the config.
 *
 * The runtime decides how to protect its own binary before it loads the
 * config (the decision re-executes the process), yet the choice belongs to
 * the container's annotations.  This reads exactly what the full parser
 * would (the last "annotations" member, the last occurrence of the key)
 * with yajl's streaming parser: no tree, no allocation per value. */
#ifndef CRL_CONFIG_PEEK_H
#define CRL_CONFIG_PEEK_H

#include <stddef.h>

/* The string value of annotations[key] in the JSON text, malloc'ed, or
 * NULL when absent, not a string, or the text is not valid JSON (the full
 * load reports that). */
char *config_peek_annotation (const char *data, size_t len, const char *key);

/* The same for a file; NULL too when it cannot be read. */
char *config_peek_annotation_file (const char *path, const char *key);

#endif
