/* crun-lite: resource usage of a container's cgroup, in runc's `events`
 * JSON shape (cpu, memory, pids, blkio, hugetlb), for v1 and v2. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>
#include "cgroup/cgroup.h"
#include "config/json_read.h"
#include "base/utils.h"

#define GEN_STR(g, s) yajl_gen_string (g, (const unsigned char *) (s), strlen (s))

/* A whole-file number ("max" counts as 0), or 0 when absent. */
static unsigned long long
read_num (const struct cgroup *cg, const char *controller, const char *file)
{
  cleanup_free char *data = NULL;
  cleanup_error cl_error *e = NULL;
  if (cgroup_read (cg, controller, file, &data, &e) < 0)
    return 0;
  return strtoull (data, NULL, 10);
}

/* The value of `key` in a flat "key value" file. */
static unsigned long long
read_key (const struct cgroup *cg, const char *controller, const char *file, const char *key)
{
  cleanup_free char *data = NULL;
  cleanup_error cl_error *e = NULL;
  size_t klen = strlen (key);
  if (cgroup_read (cg, controller, file, &data, &e) < 0)
    return 0;
  for (char *line = data; line && *line; line = strchr (line, '\n') ? strchr (line, '\n') + 1 : NULL)
    if (strncmp (line, key, klen) == 0 && line[klen] == ' ')
      return strtoull (line + klen + 1, NULL, 10);
  return 0;
}

static void
gen_num (yajl_gen g, const char *key, unsigned long long v)
{
  GEN_STR (g, key);
  yajl_gen_integer (g, (long long) v);
}

static void
gen_cpu (yajl_gen g, const struct cgroup *cg, bool v2)
{
  GEN_STR (g, "cpu");
  yajl_gen_map_open (g);
  GEN_STR (g, "usage");
  yajl_gen_map_open (g);
  if (v2)
    {
      /* cpu.stat is in microseconds; runc reports nanoseconds. */
      gen_num (g, "total", read_key (cg, "", "cpu.stat", "usage_usec") * 1000);
      gen_num (g, "kernel", read_key (cg, "", "cpu.stat", "system_usec") * 1000);
      gen_num (g, "user", read_key (cg, "", "cpu.stat", "user_usec") * 1000);
    }
  else
    {
      gen_num (g, "total", read_num (cg, "cpuacct", "cpuacct.usage"));
      gen_num (g, "kernel", read_num (cg, "cpuacct", "cpuacct.usage_sys"));
      gen_num (g, "user", read_num (cg, "cpuacct", "cpuacct.usage_user"));
    }
  yajl_gen_map_close (g);
  GEN_STR (g, "throttling");
  yajl_gen_map_open (g);
  gen_num (g, "periods", read_key (cg, v2 ? "" : "cpu", "cpu.stat", v2 ? "nr_periods" : "nr_periods"));
  gen_num (g, "throttledPeriods", read_key (cg, v2 ? "" : "cpu", "cpu.stat", "nr_throttled"));
  gen_num (g, "throttledTime", v2 ? read_key (cg, "", "cpu.stat", "throttled_usec") * 1000
                                  : read_key (cg, "cpu", "cpu.stat", "throttled_time"));
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

static void
gen_memory (yajl_gen g, const struct cgroup *cg, bool v2)
{
  cleanup_free char *stat = NULL;
  cleanup_error cl_error *e = NULL;
  GEN_STR (g, "memory");
  yajl_gen_map_open (g);
  GEN_STR (g, "usage");
  yajl_gen_map_open (g);
  if (v2)
    {
      gen_num (g, "usage", read_num (cg, "", "memory.current"));
      gen_num (g, "max", read_num (cg, "", "memory.peak"));
      gen_num (g, "limit", read_num (cg, "", "memory.max"));
      gen_num (g, "failcnt", read_key (cg, "", "memory.events", "max"));
    }
  else
    {
      gen_num (g, "usage", read_num (cg, "memory", "memory.usage_in_bytes"));
      gen_num (g, "max", read_num (cg, "memory", "memory.max_usage_in_bytes"));
      gen_num (g, "limit", read_num (cg, "memory", "memory.limit_in_bytes"));
      gen_num (g, "failcnt", read_num (cg, "memory", "memory.failcnt"));
    }
  yajl_gen_map_close (g);
  GEN_STR (g, "swap");
  yajl_gen_map_open (g);
  gen_num (g, "usage", v2 ? read_num (cg, "", "memory.swap.current") : read_num (cg, "memory", "memory.memsw.usage_in_bytes"));
  gen_num (g, "limit", v2 ? read_num (cg, "", "memory.swap.max") : read_num (cg, "memory", "memory.memsw.limit_in_bytes"));
  yajl_gen_map_close (g);
  GEN_STR (g, "raw");
  yajl_gen_map_open (g);
  if (cgroup_read (cg, v2 ? "" : "memory", "memory.stat", &stat, &e) == 0)
    for (char *save = NULL, *line = strtok_r (stat, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
      {
        char *sp = strchr (line, ' ');
        if (sp == NULL)
          continue;
        *sp = '\0';
        gen_num (g, line, strtoull (sp + 1, NULL, 10));
      }
  yajl_gen_map_close (g);
  yajl_gen_map_close (g);
}

static void
gen_blkio (yajl_gen g, const struct cgroup *cg, bool v2)
{
  cleanup_free char *data = NULL;
  cleanup_error cl_error *e = NULL;
  GEN_STR (g, "blkio");
  yajl_gen_map_open (g);
  GEN_STR (g, "ioServiceBytesRecursive");
  yajl_gen_array_open (g);
  if (v2 ? cgroup_read (cg, "", "io.stat", &data, &e) == 0
         : cgroup_read (cg, "blkio", "blkio.throttle.io_service_bytes_recursive", &data, &e) == 0)
    for (char *save = NULL, *line = strtok_r (data, "\n", &save); line; line = strtok_r (NULL, "\n", &save))
      {
        unsigned major, minor;
        if (v2)
          {
            /* "8:0 rbytes=N wbytes=N rios=N ..." */
            char *r = strstr (line, "rbytes="), *w = strstr (line, "wbytes=");
            if (sscanf (line, "%u:%u", &major, &minor) != 2)
              continue;
            for (int k = 0; k < 2; k++)
              {
                yajl_gen_map_open (g);
                gen_num (g, "major", major);
                gen_num (g, "minor", minor);
                GEN_STR (g, "op");
                GEN_STR (g, k ? "Write" : "Read");
                gen_num (g, "value", strtoull ((k ? w : r) ? (k ? w : r) + 7 : "0", NULL, 10));
                yajl_gen_map_close (g);
              }
          }
        else
          {
            char op[16];
            unsigned long long v;
            if (sscanf (line, "%u:%u %15s %llu", &major, &minor, op, &v) != 4)
              continue;
            yajl_gen_map_open (g);
            gen_num (g, "major", major);
            gen_num (g, "minor", minor);
            GEN_STR (g, "op");
            GEN_STR (g, op);
            gen_num (g, "value", v);
            yajl_gen_map_close (g);
          }
      }
  yajl_gen_array_close (g);
  yajl_gen_map_close (g);
}

/* One entry per huge page size: "hugetlb.2MB.usage_in_bytes" (v1) or
 * "hugetlb.2MB.current" (v2). */
static void
gen_hugetlb (yajl_gen g, const struct cgroup *cg, bool v2)
{
  const char *dir = v2 ? cg->dirs[0] : cgroup_v1_dir (cg, "hugetlb");
  cleanup_dir DIR *d = dir ? opendir (dir) : NULL;
  const char *suffix = v2 ? ".current" : ".usage_in_bytes";
  struct dirent *de;
  GEN_STR (g, "hugetlb");
  yajl_gen_map_open (g);
  while (d && (de = readdir (d)))
    {
      size_t len = strlen (de->d_name), slen = strlen (suffix);
      cleanup_free char *size = NULL;
      if (strncmp (de->d_name, "hugetlb.", 8) != 0 || len <= 8 + slen || strcmp (de->d_name + len - slen, suffix) != 0)
        continue;
      size = xstrdup (de->d_name + 8);
      size[len - 8 - slen] = '\0';
      if (strchr (size, '.'))
        continue; /* hugetlb.2MB.rsvd.current and the like */
      GEN_STR (g, size);
      yajl_gen_map_open (g);
      gen_num (g, "usage", read_num (cg, v2 ? "" : "hugetlb", de->d_name));
      {
        cleanup_free char *fail = xasprintf ("hugetlb.%s.%s", size, v2 ? "events" : "failcnt");
        gen_num (g, "failcnt", v2 ? read_key (cg, "", fail, "max") : read_num (cg, "hugetlb", fail));
      }
      yajl_gen_map_close (g);
    }
  yajl_gen_map_close (g);
}

int
cgroup_stats_json (const struct cgroup *cg, char **out, cl_error **err)
{
  bool v2 = cg->layout == CGROUP_UNIFIED;
  yajl_gen g = yajl_gen_alloc (NULL);

  yajl_gen_map_open (g);
  gen_cpu (g, cg, v2);
  gen_memory (g, cg, v2);
  GEN_STR (g, "pids");
  yajl_gen_map_open (g);
  gen_num (g, "current", read_num (cg, v2 ? "" : "pids", "pids.current"));
  gen_num (g, "limit", read_num (cg, v2 ? "" : "pids", "pids.max"));
  yajl_gen_map_close (g);
  gen_blkio (g, cg, v2);
  gen_hugetlb (g, cg, v2);
  yajl_gen_map_close (g);
  *out = json_gen_take (g, false);
  (void) err;
  return 0;
}
