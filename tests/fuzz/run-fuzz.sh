#!/bin/bash
# Build the config fuzzer with clang (-fsanitize=fuzzer,address,undefined)
# and run it for a bounded time (default 60 s) on a seed corpus of real
# configs.  Prints a TAP line; exit 0 when it found nothing.
#   tests/fuzz/run-fuzz.sh [SECONDS]
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-${CRL_FUZZ_SECONDS:-60}}
command -v clang >/dev/null || { echo "1..0 # SKIP clang is not installed (apt-get install clang libclang-rt-14-dev)"; exit 77; }
out=$(mktemp -d /tmp/crl-fuzz.XXXXXX)
trap '[ -n "${CRL_FUZZ_KEEP:-}" ] || rm -rf "$out"' EXIT
srcs="base/error base/utils base/log config/json_read config/config config/config_linux config/config_resources config/config_free config/config_check config/namespaces config/mount_options process/process_attrs process/seccomp_filter"
files=""
for s in $srcs; do files="$files $top/src/lib/$s.c"; done
# shellcheck disable=SC2086
if ! clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
     -include "$top/config.h" -I"$top/include" $(pkg-config --cflags yajl libseccomp) \
     "$top/tests/fuzz/fuzz_config.c" $files -o "$out/fuzz_config" $(pkg-config --libs yajl libseccomp) 2> "$out/build.log"; then
  echo "not ok 1 - the config fuzzer builds"; sed 's/^/# /' "$out/build.log" | tail -n 20; echo "1..1"; exit 1
fi
mkdir -p "$out/corpus"
cp "$top"/tests/fuzz/corpus/* "$top"/tests/fixtures/*.json "$out/corpus/" 2>/dev/null
"$top/crun-lite" spec --bundle "$out/corpus" >/dev/null 2>&1 && mv "$out/corpus/config.json" "$out/corpus/spec-root.json"
"$top/crun-lite" spec --rootless --bundle "$out/corpus" >/dev/null 2>&1 && mv "$out/corpus/config.json" "$out/corpus/spec-rootless.json"
export LSAN_OPTIONS="suppressions=$top/tests/fuzz/lsan.supp:print_suppressions=0"
if "$out/fuzz_config" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=1024 \
     -print_final_stats=1 "$out/corpus" > "$out/fuzz.log" 2>&1; then
  echo "ok 1 - the config fuzzer ran ${secs}s and found nothing ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/fuzz.log" | grep -o '[0-9]*$') inputs)"
  echo "1..1"; exit 0
fi
echo "not ok 1 - the config fuzzer found a problem"
grep -E 'ERROR|SUMMARY|runtime error' "$out/fuzz.log" | head -n 10 | sed 's/^/# /'
cp "$out"/crash-* "$out"/leak-* "$out"/timeout-* "$top/tests/fuzz/" 2>/dev/null
grep -A40 -m1 "ERROR: " "$out/fuzz.log" | sed "s/^/# /"
echo "1..1"; exit 1
