#!/bin/bash
# crun-lite benchmark: `run` of /bin/true (the container is removed after it
# exits) with crun-lite, crun and runc on the same busybox bundle, in one
# run; prints each runtime's median and the ratios to crun-lite.
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
      'mount -t tmpfs -o size=1m tmpfs /sys/fs/cgroup/unified && exec "$0" "$@"' "$0" "$RUNS"
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
sed -i 's|"args": \[ "sh" \]|"args": [ "/bin/true" ]|' "$work/bundle/config.json"

median () { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# time_runtime NAME BINARY: RUNS × (run + automatic removal), in microseconds.
time_runtime () {
  local name=$1 bin=$2 i t0 t1
  local root="$work/state-$name"
  mkdir -p "$root"
  "$bin" --root "$root" run --bundle "$work/bundle" "warm-$name" >"$work/warm.log" 2>&1 || { echo "$name: run failed: $(tail -n 2 "$work/warm.log")" >&2; return 1; }
  for i in $(seq "$RUNS"); do
    t0=$(date +%s%N)
    "$bin" --root "$root" run --bundle "$work/bundle" "b$i" >/dev/null 2>&1
    t1=$(date +%s%N)
    echo $(( (t1 - t0) / 1000 ))
  done | median
}

declare -A med
for rt in crun-lite crun runc; do
  case $rt in
    crun-lite) bin=$CRUN_LITE ;;
    *) bin=$(command -v "$rt" || true) ;;
  esac
  if [ -z "$bin" ]; then echo "$rt: not installed (apt-get install $rt)"; continue; fi
  med[$rt]=$(time_runtime "$rt" "$bin") || continue
done

echo "run /bin/true + delete, median of $RUNS runs:"
for rt in crun-lite crun runc; do
  [ -n "${med[$rt]:-}" ] || continue
  printf '  %-10s %8.1f ms' "$rt" "$(echo "${med[$rt]}" | awk '{print $1/1000}')"
  if [ "$rt" != crun-lite ] && [ -n "${med[crun-lite]:-}" ]; then
    printf '   (%s is %.2fx crun-lite)' "$rt" "$(awk -v a="${med[$rt]}" -v b="${med[crun-lite]}" 'BEGIN {print a/b}')"
  fi
  echo
done
