/* Unit tests: the config parser, with real, malformed and hostile inputs. */
#include <errno.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include "config/oci_config.h"
#include "base/error.h"
#include "config/config_peek.h"
#include "config/json_read.h"
#include "unit.h"
#include "base/utils.h"

static const char *fixtures;

static const char minimal[] =
  "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
  "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}";

/* Parse `json`; return the error message (caller frees) or NULL on success. */
static char *
parse_error (const char *json)
{
  struct oci_config *cfg = NULL;
  cl_error *err = NULL;
  char *msg = NULL;
  if (config_parse (json, strlen (json), "config.json", &cfg, &err) < 0)
    {
      msg = xstrdup (err->msg);
      cl_error_free (err);
    }
  config_free (cfg);
  return msg;
}

/* A minimal config with one member replaced or added (JSON text). */
static char *
with (const char *process_extra, const char *top_extra)
{
  /* JSON objects with a key twice are ambiguous: the extra user replaces the default. */
  bool own_user = process_extra && strstr (process_extra, "\"user\"");
  return xasprintf ("{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"rootfs\"},"
                    "\"process\":{\"cwd\":\"/\"%s%s%s}%s%s}",
                    own_user ? "" : ",\"user\":{\"uid\":0,\"gid\":0}",
                    process_extra ? "," : "", process_extra ? process_extra : ",\"args\":[\"sh\"]",
                    top_extra ? "," : "", top_extra ? top_extra : "");
}

static void
expect_error (const char *process_extra, const char *top_extra, const char *want)
{
  cleanup_free char *json = with (process_extra, top_extra);
  cleanup_free char *got = parse_error (json);
  CHECK_STR (got, want, "error for %s%s", process_extra ? process_extra : "", top_extra ? top_extra : "");
}

static void
test_minimal (void)
{
  struct oci_config *cfg = NULL;
  cl_error *err = NULL;
  CHECK (config_parse (minimal, strlen (minimal), "config.json", &cfg, &err) == 0, "minimal config parses");
  CHECK_STR (cfg->process.args[0], "sh", "args[0]");
  CHECK_STR (cfg->root_path, "rootfs", "root.path");
  CHECK (!cfg->root_readonly && cfg->n_mounts == 0, "defaults");
  CHECK (config_check_supported (cfg, &err) == 0, "a minimal config is supported");
  config_free (cfg);
}

/* A key given twice: the last one counts, as in Go (runc, and the tools
 * engines validate configs with), in objects and in string maps alike. */
static void
test_duplicate_keys (void)
{
  static const char dup[] =
    "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"first\"},\"root\":{\"path\":\"rootfs\"},"
    "\"hostname\":\"one\",\"hostname\":\"two\",\"annotations\":{\"a\":\"1\",\"b\":\"x\",\"a\":\"2\"},"
    "\"process\":{\"args\":[\"first\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0},\"args\":[\"sh\"]}}";
  struct oci_config *cfg = NULL;
  cl_error *err = NULL;
  CHECK (config_parse (dup, strlen (dup), "config.json", &cfg, &err) == 0, "a config with duplicate keys parses");
  if (cfg == NULL)
    return;
  CHECK_STR (cfg->process.args[0], "sh", "process.args given twice: the last");
  CHECK_STR (cfg->root_path, "rootfs", "root given twice: the last object");
  CHECK_STR (cfg->hostname, "two", "hostname given twice: the last");
  CHECK (cfg->n_annotations == 2, "annotations: one entry per distinct key");
  for (size_t i = 0; i < cfg->n_annotations; i++)
    if (strcmp (cfg->annotations[i].key, "a") == 0)
      CHECK_STR (cfg->annotations[i].value, "2", "annotation given twice: the last value");
  config_free (cfg);
}

static void
test_malformed (void)
{
  expect_error ("\"args\":[\"sh\",1]", NULL, "config.json: process.args[1]: expected a string");
  expect_error ("\"args\":\"sh\"", NULL, "config.json: process.args: expected an array of strings");
  expect_error ("\"args\":[]", NULL, "config.json: process.args: must name at least the program to run");
  expect_error ("\"args\":[\"sh\"],\"terminal\":\"yes\"", NULL, "config.json: process.terminal: expected a boolean");
  expect_error ("\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1}]", NULL,
                "config.json: process.rlimits[0].soft: missing required field");
  expect_error ("\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_NOPE\",\"hard\":1,\"soft\":1}]", NULL,
                "config.json: process.rlimits[0].type: unknown rlimit `RLIMIT_NOPE`");
  expect_error ("\"args\":[\"sh\"],\"rlimits\":[7]", NULL, "config.json: process.rlimits[0]: expected an object");
  expect_error ("\"args\":[\"sh\"],\"capabilities\":{\"bounding\":[\"CAP_KILL\",null]}", NULL,
                "config.json: process.capabilities.bounding[1]: expected a string");
  expect_error ("\"args\":[\"sh\"],\"user\":{\"uid\":1.5,\"gid\":0}", NULL,
                "config.json: process.user.uid: expected an integer between 0 and 4294967295, got 1.5");
  expect_error ("\"args\":[\"sh\"],\"user\":{\"uid\":0,\"gid\":0,\"umask\":4095}", NULL,
                "config.json: process.user.umask: expected a mode between 0 and 0777");
  expect_error (NULL, "\"mounts\":[{\"destination\":\"/x\",\"options\":[1]}]",
                "config.json: mounts[0].options[0]: expected a string");
  expect_error (NULL, "\"mounts\":[{\"type\":\"tmpfs\"}]", "config.json: mounts[0].destination: missing required field");
  expect_error (NULL, "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"wat\"}]}",
                "config.json: linux.namespaces[1].type: unknown namespace type `wat`");
  expect_error (NULL, "\"linux\":{\"namespaces\":[{\"type\":\"net\",\"path\":\"rel\"}]}",
                "config.json: linux.namespaces[0].type: unknown namespace type `net`");
  expect_error (NULL, "\"linux\":{\"namespaces\":[{\"type\":\"network\",\"path\":\"rel\"}]}",
                "config.json: linux.namespaces[0].path: must be an absolute path, got `rel`");
  expect_error (NULL, "\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":-5,\"size\":1}]}",
                "config.json: linux.uidMappings[0].hostID: expected a non-negative integer, got -5");
  expect_error (NULL, "\"linux\":{\"sysctl\":{\"a\":1}}", "config.json: linux.sysctl.a: expected a string");
  expect_error (NULL, "\"linux\":{\"resources\":{\"memory\":{\"limit\":\"1G\"}}}",
                "config.json: linux.resources.memory.limit: expected a number");
  expect_error (NULL, "\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"x\"}]}}",
                "config.json: linux.resources.devices[0].type: expected one of a, c or b, got `x`");
  expect_error (NULL, "\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"action\":\"x\"}]}}",
                "config.json: linux.seccomp.syscalls[0].names: missing required field");
  expect_error (NULL, "\"linux\":{\"seccomp\":{\"defaultAction\":\"A\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"A\",\"args\":[{\"index\":0,\"value\":1}]}]}}",
                "config.json: linux.seccomp.syscalls[0].args[0].op: missing required field");
  expect_error (NULL, "\"hooks\":{\"prestart\":[{\"path\":\"/x\",\"timeout\":0}]}",
                "config.json: hooks.prestart[0].timeout: must be a positive number of seconds");
  expect_error (NULL, "\"annotations\":{\"k\":[]}", "config.json: annotations.k: expected a string");
  expect_error (NULL, "\"linux\":[]", "config.json: linux: expected an object");

  CHECK_STR (parse_error ("[]"), "config.json: expected a JSON object at the top level", "array at top level");
  CHECK_STR (parse_error ("{\"root\":{\"path\":\"r\"}}"), "config.json: ociVersion: missing required field", "no ociVersion");
  CHECK_STR (parse_error ("{\"ociVersion\":\"1\"}"), "config.json: root: missing required field", "no root");
  CHECK (strncmp (parse_error ("{\"ociVersion\":"), "config.json: invalid JSON: ", 27) == 0, "truncated JSON");
  CHECK (strncmp (parse_error (""), "config.json: invalid JSON: ", 27) == 0, "empty document");
}

static void
test_hostile (void)
{
  /* Deep nesting must not blow the stack: yajl bounds it, we report it. */
  size_t depth = 100000;
  char *deep = xmalloc (depth * 2 + 64);
  char *p = deep;
  cleanup_free char *msg = NULL;
  struct oci_config *cfg = NULL;
  cl_error *err = NULL;
  char with_nul[] = "{\"ociVersion\":\"1\"}\0{}";

  p += sprintf (p, "{\"x\":");
  for (size_t i = 0; i < depth; i++)
    *p++ = '[';
  for (size_t i = 0; i < depth; i++)
    *p++ = ']';
  strcpy (p, "}");
  msg = parse_error (deep);
  CHECK (msg != NULL && strstr (msg, "config.json:") == msg, "100000-deep nesting is an error, not a crash: %s",
         msg ? msg : "(parsed)");
  free (deep);

  CHECK (config_parse (with_nul, sizeof with_nul - 1, "config.json", &cfg, &err) < 0
           && strstr (err->msg, "NUL byte") != NULL,
         "an embedded NUL is refused");
  cl_error_freep (&err);

  expect_error ("\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":99999999999999999999999,\"soft\":1}]",
                NULL, "config.json: process.rlimits[0].hard: expected an integer between 0 and 18446744073709551615, got 99999999999999999999999");
  {
    /* The largest uint64 survives (yajl's own integers are signed). */
    cleanup_free char *json = with ("\"args\":[\"sh\"],\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":18446744073709551615,\"soft\":18446744073709551615}]", NULL);
    CHECK (config_parse (json, strlen (json), "config.json", &cfg, &err) == 0
             && cfg->process.rlimits[0].hard == UINT64_MAX,
           "RLIM_INFINITY as 18446744073709551615");
    config_free (cfg);
    cfg = NULL;
  }
  {
    /* Unknown fields are ignored, at every level. */
    cleanup_free char *json = with ("\"args\":[\"sh\"],\"futureField\":{\"a\":[1,{}]}", "\"alsoNew\":true,\"linux\":{\"newThing\":1}");
    cleanup_free char *got = parse_error (json);
    CHECK (got == NULL, "unknown fields are ignored");
  }
  {
    /* A very long string is just a string. */
    size_t n = 1 << 20;
    char *big = xmalloc (n + 200);
    int len = sprintf (big, "{\"ociVersion\":\"1\",\"root\":{\"path\":\"");
    memset (big + len, 'a', n);
    strcpy (big + len + n, "\"},\"process\":{\"args\":[\"sh\"],\"cwd\":\"/\",\"user\":{\"uid\":0,\"gid\":0}}}");
    CHECK (parse_error (big) == NULL, "a 1 MiB string parses");
    free (big);
  }
}

static void
test_fixture (void)
{
  cleanup_free char *path = xasprintf ("%s/fixtures/podman-4.3-config.json", fixtures);
  struct oci_config *cfg = NULL;
  cl_error *err = NULL;
  const struct oci_seccomp *sc;

  CHECK (config_load_file (path, &cfg, &err) == 0, "podman 4.3 config parses%s%s", err ? ": " : "",
         err ? err->msg : "");
  if (cfg == NULL)
    return;
  sc = cfg->linux_section.seccomp;
  CHECK (sc != NULL && sc->n_syscalls == 22, "22 seccomp rule groups (got %zu)", sc ? sc->n_syscalls : 0);
  CHECK (strv_len (cfg->linux_section.masked_paths) == 11, "11 masked paths");
  CHECK (cfg->linux_section.cgroups_path && strncmp (cfg->linux_section.cgroups_path, "/libpod_parent/libpod-", 22) == 0,
         "cgroupsPath /libpod_parent/libpod-<id>");
  CHECK (cfg->linux_section.resources.n_devices == 1 && !cfg->linux_section.resources.devices[0].allow
           && cfg->linux_section.resources.devices[0].type == 'a',
         "devices: deny all");
  CHECK (config_namespace (cfg, CLONE_NEWNS) && config_namespace (cfg, CLONE_NEWPID), "namespaces");
  CHECK (cfg->n_mounts > 5, "mounts");
  CHECK (config_check_supported (cfg, &err) == 0, "every part of podman's config is applied%s%s",
         err ? ": " : "", err ? err->msg : "");
  cl_error_freep (&err);
  config_free (cfg);
}

static void
test_supported (void)
{
  const char *cases[][2] = {
    { "\"linux\":{\"resources\":{\"pids\":{\"limit\":10}}}", NULL },
    { "\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]}}", NULL },
    { "\"linux\":{\"personality\":{\"domain\":\"LINUX\"}}", NULL },
    { "\"linux\":{\"intelRdt\":{\"closID\":\"x\"}}", NULL },
    { "\"linux\":{\"netDevices\":{\"eth0\":{\"name\":\"c0\"},\"eth1\":{}}}", NULL },
    { "\"linux\":{\"netDevices\":{\"eth0\":\"c0\"}}", "config.json: linux.netDevices.eth0: expected an object" },
    { "\"linux\":{\"netDevices\":{\"eth0\":{\"name\":7}}}", "config.json: linux.netDevices.eth0.name: expected a string" },
    { "\"linux\":{\"namespaces\":[{\"type\":\"time\"}],\"timeOffsets\":{\"boottime\":{\"secs\":3}}}", NULL },
    { "\"linux\":{\"timeOffsets\":{\"boottime\":{\"secs\":3}}}",
      "linux.timeOffsets: needs a new time namespace in linux.namespaces" },
    { "\"linux\":{\"namespaces\":[{\"type\":\"time\",\"path\":\"/proc/1/ns/time\"}],\"timeOffsets\":{}}",
      "linux.timeOffsets: cannot be set on a time namespace joined by path (`/proc/1/ns/time`)" },
    { "\"hooks\":{\"poststop\":[{\"path\":\"/x\"}]}", NULL },
    { "\"linux\":{\"memoryPolicy\":{\"mode\":\"MPOL_BIND\",\"nodes\":\"0-1\",\"flags\":[]}}", NULL },
    { "\"linux\":{\"memoryPolicy\":{\"nodes\":\"0\"}}", "config.json: linux.memoryPolicy.mode: missing required field" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      cleanup_free char *json = with (NULL, cases[i][0]);
      struct oci_config *cfg = NULL;
      cl_error *err = NULL;
      int rc = config_parse (json, strlen (json), "config.json", &cfg, &err);
      if (rc == 0)
        rc = config_check_supported (cfg, &err);
      if (cases[i][1])
        CHECK_STR (err ? err->msg : NULL, cases[i][1], "refused: %s", cases[i][0]);
      else
        CHECK (rc == 0, "accepted: %s", cases[i][0]);
      cl_error_free (err);
      config_free (cfg);
    }
}

/* The binary protection's annotation, read before the config is parsed:
 * exactly what the full parser would take (the last "annotations", the
 * last occurrence of the key, strings only), nothing from elsewhere. */
static void
test_peek_annotation (void)
{
  static const struct
  {
    const char *json, *want;
  } cases[] = {
    { "{\"annotations\":{\"k\":\"v\"}}", "v" },
    { "{\"annotations\":{\"k\":\"a\",\"k\":\"b\"}}", "b" },
    { "{\"annotations\":{\"k\":\"a\"},\"annotations\":{\"x\":\"y\"}}", NULL },
    { "{\"annotations\":{\"k\":\"a\"},\"annotations\":null}", NULL },
    { "{\"process\":{\"env\":[\"k\",\"annotations\"],\"annotations\":{\"k\":\"env\"}}}", NULL },
    { "{\"x\":{\"annotations\":{\"k\":\"nested\"}},\"annotations\":{}}", NULL },
    { "{\"annotations\":{\"k\":1}}", NULL },
    { "{\"annotations\":{\"k\":{\"k\":\"deeper\"}}}", NULL },
    { "{\"annotations\":{\"k\":\"v\"}", NULL },
    { "{\"annotations\":{\"o\":[1,{\"k\":\"in array\"}],\"k\":\"after\"}}", "after" },
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *got = config_peek_annotation (cases[i].json, strlen (cases[i].json), "k");
      CHECK ((got == NULL && cases[i].want == NULL) || (got && cases[i].want && strcmp (got, cases[i].want) == 0),
             "peek annotation in %s: %s", cases[i].json, got ? got : "(none)");
      free (got);
    }
}

/* JSON nested past JSON_MAX_DEPTH is refused before yajl builds (and
 * recursively frees) a tree; strings with brackets do not count. */
static void
test_json_depth (void)
{
  size_t n = 300000;
  char *deep = malloc (2 * n + 64);
  cl_error *err = NULL;
  struct oci_config *cfg = NULL;
  int off = sprintf (deep, "{\"x\":");
  memset (deep + off, '[', n);
  memset (deep + off + n, ']', n);
  strcpy (deep + off + 2 * n, "}");
  CHECK (json_max_depth (deep, strlen (deep), JSON_MAX_DEPTH) > JSON_MAX_DEPTH, "300000 levels are seen as too deep");
  CHECK (config_parse (deep, strlen (deep), "deep.json", &cfg, &err) < 0 && err
             && strcmp (err->msg, "deep.json: invalid JSON: nested more than 10000 levels deep") == 0,
         "a config nested 300000 levels is refused in one line: %s", err ? err->msg : "(accepted)");
  cl_error_free (err);
  free (deep);
  CHECK (json_max_depth ("{\"a\":\"[[[[\\\"[[\",\"b\":[[1]]}", 27, 100) == 3, "brackets in strings are not nesting");
}

int
main (int argc, char **argv)
{
  fixtures = getenv ("TESTS_SRCDIR") ? getenv ("TESTS_SRCDIR") : "tests";
  test_minimal ();
  test_duplicate_keys ();
  test_malformed ();
  test_hostile ();
  test_fixture ();
  test_supported ();
  test_peek_annotation ();
  test_json_depth ();
  return unit_done ();
}
