#!/bin/bash
# crun-lite benchmark: `run` of /bin/true (the container is removed after it
# exits) with crun-lite, crun and runc on the same busybox bundle, in one
# run, beside the floor (bench/floor.c) and with each one's peak RSS;
# prints each runtime's median and the ratios to crun-lite.  Then the same
# with memory+pids+cpu limits, with podman's seccomp profile (warm and cold
# cache), create+start+delete, 100 containers 8 at a time, Docker's default
# profile (run, and create+start+delete), the smallest memory limit under
# which each runtime still starts /bin/true (bisection), and podman's and
# Docker's run --rm.  Runs are interleaved (bench/interleave.c; doc/DESIGN
# says why).
#
#   bench/bench.sh [RUNS]        (default 50 runs per runtime, as root)
#
# On a hybrid cgroup host crun 1.8 refuses to start (it sees the
# controller-less cgroup2 mount); the whole benchmark therefore runs in a
# private mount namespace where that mount is hidden under a tmpfs, the same
# for all three runtimes.  Nothing changes outside that namespace.
set -eu
RUNS=${1:-50}
top=$(cd "$(dirname "$0")/.." && pwd)
CRUN_LITE=${CRUN_LITE:-$top/crun-lite}

if [ -z "${CRL_BENCH_INNER:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
  export CRL_BENCH_INNER=1 CRUN_LITE
  if grep -q ' /sys/fs/cgroup/unified .* - cgroup2 ' /proc/self/mountinfo; then
    exec unshare -m --propagation private sh -c \
      'mount -t tmpfs -o size=64m tmpfs /sys/fs/cgroup/unified && exec "$0" "$@"' "$0" "$RUNS"
  fi
  exec "$0" "$RUNS"
fi

work=$(mktemp -d /tmp/crl-bench.XXXXXX)
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/bundle/rootfs/bin" "$work/bundle/rootfs/proc" "$work/bundle/rootfs/sys" "$work/bundle/rootfs/dev"
cp "$(command -v busybox)" "$work/bundle/rootfs/bin/busybox"
ln -s busybox "$work/bundle/rootfs/bin/true"
(cd "$work/bundle" && "$CRUN_LITE" spec)
# ociVersion 1.0.2: crun 1.8 refuses newer ones ("unknown version specified").
sed -i 's|"args": \[ "sh" \]|"args": [ "/bin/true" ]|; s|"terminal": true|"terminal": false|; s|"ociVersion": "[0-9.]*"|"ociVersion": "1.0.2"|' "$work/bundle/config.json"
cp -a "$work/bundle" "$work/limited"
# memory 64 MiB (memory+swap the same), 20 pids, half a CPU.
sed -i 's|"resources": { "devices": \[ { "allow": false, "access": "rwm" } \] }|"resources": { "devices": [ { "allow": false, "access": "rwm" } ], "memory": { "limit": 67108864, "swap": 67108864 }, "pids": { "limit": 20 }, "cpu": { "quota": 50000, "period": 100000 } }|' "$work/limited/config.json"
grep -q '"pids"' "$work/limited/config.json" || { echo "bench: could not add limits to the bundle" >&2; exit 1; }
# podman's seccomp profile (what engines pass on every start).
cp -a "$work/bundle" "$work/seccomp"
jq --slurpfile p "$top/tests/fixtures/podman-4.3-config.json" '.linux.seccomp = $p[0].linux.seccomp' \
  "$work/bundle/config.json" > "$work/seccomp/config.json"

median () { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# The timer: bench/interleave runs the runtimes' commands in turns, one run
# of each per round (a drift in the machine's load falls on all alike, and
# no runtime always follows itself), forking nothing but the command.
for tool in interleave floor; do
  "${CC:-cc}" -O2 -o "$work/$tool" "$top/bench/$tool.c" || { echo "bench: cannot build bench/$tool.c" >&2; exit 1; }
done

# time_rows ARRAY MODE BUNDLE [floor]: each runtime's median (µs) over RUNS
# of MODE, `run` (the container removed after it exits) or `cycle` (create
# + start + delete --force: three processes, as engines call them), and its
# median peak RSS in rss[]; with `floor`, bench/floor.c's start in turn too.
time_rows () {
  local -n out=$1
  local mode=$2 bundle=$3 rt root i=0 v kib
  local cmds=() names=()
  if [ "${4:-}" = floor ]; then cmds+=("$work/floor $bundle/rootfs"); names+=(floor); fi
  for rt in crun-lite crun runc; do
    [ -n "${bins[$rt]}" ] || continue
    root="$work/state-$mode-$rt-${bundle##*/}"
    mkdir -p "$root"
    if [ "$mode" = run ]; then cmds+=("${bins[$rt]} --root $root run --bundle $bundle b{}")
    else cmds+=("${bins[$rt]} --root $root create --bundle $bundle c{} && ${bins[$rt]} --root $root start c{} && ${bins[$rt]} --root $root delete --force c{}")
    fi
    names+=("$rt")
  done
  while read -r v kib; do out[${names[$i]}]=$v; rss[${names[$i]}]=$kib; i=$((i + 1)); done < <("$work/interleave" "$RUNS" "${cmds[@]}")
}

# smallest_memory NAME BINARY: bisect (to 1 KiB) the memory limit under
# which `run /bin/true` still exits 0, FLOOR_REPEATS times (default 9): one
# bisection varies by +-20 KiB from run to run (where the kernel's per-cpu
# charge caches stand), so print the median and the range.
smallest_memory () {
  local name=$1 bin=$2 lo hi mid i=0 r
  local root="$work/state-mem-$name" b="$work/mem-$name"
  mkdir -p "$root"
  cp -a "$work/bundle" "$b"
  try () {
    local bytes=$(( $1 * 1024 ))
    jq --argjson m "$bytes" '.linux.resources.memory = {"limit": $m, "swap": $m}' "$work/bundle/config.json" > "$b/config.json"
    i=$((i + 1))
    "$bin" --root "$root" run --bundle "$b" "m$i" >/dev/null 2>&1; local rc=$?
    "$bin" --root "$root" delete -f "m$i" >/dev/null 2>&1
    return $rc
  }
  try 16384 || { echo "?"; return; }
  for r in $(seq "${FLOOR_REPEATS:-9}"); do
    lo=16 hi=16384
    while [ $((hi - lo)) -gt 1 ]; do
      mid=$(( (lo + hi) / 2 ))
      if try "$mid"; then hi=$mid; else lo=$mid; fi
    done
    echo "$hi"
  done | sort -n | awk '{a[NR]=$1} END {printf "%d KiB (median of %d; %d..%d)", a[int((NR+1)/2)], NR, a[1], a[NR]}'
}

declare -A bins med lim mem rss
for rt in crun-lite crun runc; do
  case $rt in
    crun-lite) bins[$rt]=$CRUN_LITE ;;
    *) bins[$rt]=$(command -v "$rt" || true) ;;
  esac
  [ -n "${bins[$rt]}" ] || echo "$rt: not installed (apt-get install $rt)"
done

report () {
  local title=$1; local -n values=$2
  echo "$title"
  for rt in crun-lite crun runc; do
    [ -n "${values[$rt]:-}" ] || continue
    printf '  %-10s %8.1f ms' "$rt" "$(awk -v v="${values[$rt]}" 'BEGIN {print v/1000}')"
    if [ "$rt" != crun-lite ] && [ -n "${values[crun-lite]:-}" ]; then
      printf '   (%s takes %.2fx crun-lite'"'"'s time)' "$rt" "$(awk -v a="${values[$rt]}" -v b="${values[crun-lite]}" 'BEGIN {print a/b}')"
    fi
    echo
  done
}

time_rows med run "$work/bundle" floor
report "run /bin/true + delete, median of $RUNS runs (interleaved):" med
printf '  %-10s %8.1f ms   (crun-lite takes %.2fx the floor: bench/floor.c, clone + pivot_root + exec only)\n' floor \
  "$(awk -v v="${med[floor]}" 'BEGIN {print v/1000}')" "$(awk -v a="${med[crun-lite]}" -v b="${med[floor]}" 'BEGIN {print a/b}')"
echo "peak RSS of that run (the largest of the runtime's processes, median):"
for rt in crun-lite crun runc; do
  [ -n "${rss[$rt]:-}" ] && printf '  %-10s %8.2f MiB\n' "$rt" "$(awk -v v="${rss[$rt]}" 'BEGIN {print v/1024}')"
done
time_rows lim run "$work/limited"
report "the same with memory 64M + pids 20 + cpu 50%:" lim
declare -A sec
time_rows sec run "$work/seccomp"
report "the same with podman's seccomp profile (crun-lite: compiled program from its cache):" sec
warm_run=${sec[crun-lite]:-}
declare -A cyc
time_rows cyc cycle "$work/seccomp"
report "create + start + delete --force with podman's profile, median of $RUNS:" cyc
mkdir -p "$work/state-cold"
sec=([crun-lite]=$(CRUN_LITE_NO_SECCOMP_CACHE=1 "$work/interleave" "$RUNS" "$CRUN_LITE --root $work/state-cold run --bundle $work/seccomp b{}" | cut -d' ' -f1)
     [crun]=${sec[crun]:-} [runc]=${sec[runc]:-})
report "... crun-lite compiling the profile on every start (CRUN_LITE_NO_SECCOMP_CACHE=1):" sec
# The runtime's share of an engine's end to end time: crun-lite's own `run`
# of the same process with a seccomp profile (warm cache), over the engine's.
runtime_share () {
  [ -n "$1" ] && [ -n "${warm_run:-}" ] || return 0
  echo "  (crun-lite's own run with podman's profile, $(awk -v a="$warm_run" 'BEGIN {printf "%.1f", a/1000}') ms, is $(awk -v a="$warm_run" -v b="$1" 'BEGIN {printf "%.0f", 100*a/b}')% of crun-lite's end to end time here)"
}

# Throughput: THROUGHPUT_N (default 100) containers with podman's profile
# created, started, waited for and deleted (`run`), 8 at a time; wall time.
throughput () {
  local name=$1 bin=$2 bundle=$3 root="$work/tp-$1" t0 t1
  mkdir -p "$root"
  t0=$(date +%s%N)
  seq "${THROUGHPUT_N:-100}" | xargs -P 8 -I{} "$bin" --root "$root" run --bundle "$bundle" "tp{}" >/dev/null 2>&1
  t1=$(date +%s%N)
  echo $(( (t1 - t0) / 1000 ))
}
declare -A tput
for rt in crun-lite crun runc; do [ -n "${bins[$rt]}" ] && tput[$rt]=$(throughput "$rt" "${bins[$rt]}" "$work/seccomp"); done
report "${THROUGHPUT_N:-100} containers (podman's profile) run and deleted, 8 at a time, wall time:" tput

# Back to back, the binary protection, exec, state, probes, masks.
. "$top/bench/bench-probes.sh"

# Where crun-lite's time goes: the CRUN_LITE_TRACE phases of `run` (podman's
# profile, warm cache), each the median over PHASE_RUNS runs of the time
# since the previous trace line (the runtime's, its init's: pid 1 in the
# container); what is before the first line is exec and dynamic loading.
phase_profile () {
  local root="$work/state-phases" i
  mkdir -p "$root"
  for i in $(seq "${PHASE_RUNS:-30}"); do
    CRUN_LITE_TRACE=1 "$CRUN_LITE" --root "$root" run --bundle "$1" "ph$i" 2>&1 >/dev/null | grep '^crun-lite trace:'
    echo "--"
  done | awk '
    $0 == "--" { prev = ""; prevname = ""; next }
    { t = $3 * 1000; name = $5; for (i = 6; i <= NF; i++) name = name " " $i
      if (($4 == 1) && name !~ /^init/) name = "init: " name
      if (name == prevname && name !~ /:/) name = "re-exec from the sealed copy"
      prevname = name
      if (prev != "") { if (!(name in n)) order[++k] = name; v[name, ++n[name]] = t - prev }
      prev = t }
    END {
      for (j = 1; j <= k; j++) {
        name = order[j]; m = n[name]
        for (a = 1; a <= m; a++) s[a] = v[name, a]
        for (a = 2; a <= m; a++) { x = s[a]; for (b = a - 1; b >= 1 && s[b] > x; b--) s[b + 1] = s[b]; s[b + 1] = x }
        med = (m % 2) ? s[(m + 1) / 2] : (s[m / 2] + s[m / 2 + 1]) / 2
        printf "  %7.2f ms  %s\n", med, name; total += med
      }
      printf "  %7.2f ms  (sum of the medians, from the first trace line)\n", total }'
}
echo "crun-lite's run with podman's profile, by phase (CRUN_LITE_TRACE, median of ${PHASE_RUNS:-30}):"
phase_profile "$work/seccomp"
echo "smallest memory limit under which /bin/true starts (bisections to 1 KiB):"
for rt in crun-lite crun runc; do
  [ -n "${bins[$rt]}" ] || continue
  printf '  %-10s %s\n' "$rt" "$(smallest_memory "$rt" "${bins[$rt]}")"
done

# podman run --rm IMAGE true with each runtime (podman's own storage, state
# and configuration in the work dir; conmon in the middle, as users run it).
# A runtime that fails half way (crun 1.8 did, in the memory bisection)
# leaves empty cgroup directories below podman's and Docker's parents; the
# bench removes the ones that were not there before it, at its end.
engine_cgroups () { find /sys/fs/cgroup -mindepth 2 -maxdepth 4 -type d \( -path '*/docker/*' -o -name 'libpod-*' \) 2>/dev/null | sort; }
engine_cgroups > "$work/engine-cgroups.before"
trap 'engine_cgroups | comm -13 "$work/engine-cgroups.before" - | sort -r | xargs -r rmdir 2>/dev/null || true; rm -rf "$work"' EXIT
PODMAN_RUNS=${PODMAN_RUNS:-$(( RUNS < 20 ? RUNS : 20 ))}
if command -v podman >/dev/null && [ "$PODMAN_RUNS" -gt 0 ]; then
  cat > "$work/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"
[engine]
cgroup_manager = "cgroupfs"
events_logger = "none"
tmp_dir = "$work/pm-tmp"
runtime_supports_json = ["crun", "runc", "crun-lite"]
[engine.runtimes]
crun-lite = ["$CRUN_LITE"]
CONF
  pm () { CONTAINERS_CONF="$work/containers.conf" podman --root "$work/pm-root" --runroot "$work/pm-run" \
            --tmpdir "$work/pm-tmp" --cgroup-manager cgroupfs "$@"; }
  tar -C "$work/bundle/rootfs" -cf "$work/image.tar" .
  if pm import "$work/image.tar" localhost/crl-bench >/dev/null 2>&1; then
    declare -A pmed
    for rt in crun-lite crun runc; do
      [ -n "${bins[$rt]}" ] || continue
      pm --runtime "$rt" run --rm localhost/crl-bench /bin/true >/dev/null 2>"$work/pm-err" || { echo "podman --runtime $rt: run failed: $(tail -n 1 "$work/pm-err")"; continue; }
      pmed[$rt]=$(for _ in $(seq 1 "$PODMAN_RUNS"); do
        t0=$(date +%s%N); pm --runtime "$rt" run --rm localhost/crl-bench /bin/true >/dev/null 2>&1; t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 )); done | median)
    done
    report "podman run --rm IMAGE /bin/true, median of $PODMAN_RUNS runs:" pmed
    runtime_share "${pmed[crun-lite]:-}"
    pm rmi -af >/dev/null 2>&1 || true
    grep "$work/pm-root" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r umount -l
  else
    echo "podman: could not import the bench image"
  fi
fi

# docker run --rm IMAGE true with each runtime: a private dockerd (its own
# data root, exec root and socket; no network), crun-lite and crun added as
# runtimes beside Docker's own runc.  crun 1.8 refuses the hybrid layout
# outside the private mount namespace this script runs in; dockerd's shims
# inherit it.
DOCKER_RUNS=${DOCKER_RUNS:-$(( RUNS < 20 ? RUNS : 20 ))}
if command -v dockerd >/dev/null && [ "$DOCKER_RUNS" -gt 0 ]; then
  dk_sock="unix://$work/docker.sock"
  dockerd --data-root "$work/dk-data" --exec-root "$work/dk-exec" -H "$dk_sock" --pidfile "$work/docker.pid" \
    --bridge none --iptables=false --ip-masq=false --ip6tables=false \
    --add-runtime "crun-lite=$CRUN_LITE" ${bins[crun]:+--add-runtime "crun=${bins[crun]}"} > "$work/dockerd.log" 2>&1 &
  dk_pid=$!
  dk () { DOCKER_HOST="$dk_sock" docker "$@"; }
  for _ in $(seq 1 150); do dk version >/dev/null 2>&1 && break; sleep 0.1; done
  tar -C "$work/bundle/rootfs" -cf "$work/dk-image.tar" .
  if dk import "$work/dk-image.tar" crl-bench >/dev/null 2>&1; then
    declare -A dmed
    for rt in crun-lite crun runc; do
      [ -n "${bins[$rt]}" ] || continue
      dk run --rm --network none --runtime "$rt" crl-bench /bin/true >/dev/null 2>"$work/dk-err" || { echo "docker --runtime $rt: run failed: $(head -n 1 "$work/dk-err")"; continue; }
      dmed[$rt]=$(for _ in $(seq 1 "$DOCKER_RUNS"); do
        t0=$(date +%s%N); dk run --rm --network none --runtime "$rt" crl-bench /bin/true >/dev/null 2>&1; t1=$(date +%s%N)
        echo $(( (t1 - t0) / 1000 )); done | median)
    done
    report "docker run --rm IMAGE /bin/true, median of $DOCKER_RUNS runs:" dmed
    runtime_share "${dmed[crun-lite]:-}"
    # Docker's default seccomp profile, as dockerd passes it to the runtime:
    # taken from the bundle of a container it runs with crun-lite.
    if dk run -d --network none --runtime crun-lite --name crl-profile crl-bench /bin/busybox sleep 30 >/dev/null 2>&1; then
      dk_cfg=$(find "$work/dk-exec" -name config.json -path '*moby*' 2>/dev/null | head -n 1)
      if [ -n "$dk_cfg" ] && jq -e .linux.seccomp "$dk_cfg" >/dev/null 2>&1; then
        cp -a "$work/bundle" "$work/dk-seccomp"
        jq --slurpfile d "$dk_cfg" '.linux.seccomp = $d[0].linux.seccomp' "$work/bundle/config.json" > "$work/dk-seccomp/config.json"
        declare -A dsec
        time_rows dsec run "$work/dk-seccomp"
        report "run /bin/true + delete with Docker's default seccomp profile, median of $RUNS runs:" dsec
        declare -A dcyc
        time_rows dcyc cycle "$work/dk-seccomp"
        report "create + start + delete --force with Docker's default profile, median of $RUNS:" dcyc
      fi
      dk rm -f crl-profile >/dev/null 2>&1
    fi
  else
    echo "docker: could not start a private dockerd or import the bench image"
  fi
  kill "$dk_pid" 2>/dev/null; wait "$dk_pid" 2>/dev/null
  grep "$work/dk-" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r umount -l
fi
