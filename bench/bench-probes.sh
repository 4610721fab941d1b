# bench/bench-probes.sh, sourced by bench/bench.sh (its work dir, bundles,
# runtimes, interleave timer and report): what a cluster pays for again and
# again, and the binary protection's cost.
#  - `run` timed back to back (each runtime alone, RUNS in a row) beside
#    the interleaved figure: the two methods give different ratios;
#  - the binary protection: crun-lite's `run` and `exec` with the default
#    independent copy and with the opt-in read-only mount (the difference
#    is what the copy costs);
#  - `exec /bin/true` and `state` into a running container with podman's
#    profile (Kubernetes' exec probes are one of each);
#  - a probe workload: PROBE_CONTAINERS (20) running containers, each
#    exec'd and state'd once a second for PROBE_SECONDS (30): the runtime's
#    CPU seconds per probe (user + system of the commands);
#  - 256 masked paths: a start's extra cost per mask.

declare -A b2b
for rt in crun-lite crun runc; do
  [ -n "${bins[$rt]}" ] || continue
  mkdir -p "$work/b2b-$rt"
  b2b[$rt]=$("$work/interleave" "$RUNS" "${bins[$rt]} --root $work/b2b-$rt run --bundle $work/bundle b{}" | cut -d' ' -f1)
done
report "run /bin/true + delete, back to back (each runtime alone, $RUNS in a row):" b2b

# The binary protection.  Copy: the default; mount: the annotation.
cp -a "$work/seccomp" "$work/ro-mount"
jq '.annotations["org.crun-lite.binary-protection"] = "ro-shared-pages"' "$work/seccomp/config.json" > "$work/ro-mount/config.json"
mkdir -p "$work/prot"
{ read -r copy_run _; read -r mount_run _; } < <("$work/interleave" "$RUNS" "$CRUN_LITE --root $work/prot run --bundle $work/seccomp p{}" \
                                                 "$CRUN_LITE --root $work/prot run --bundle $work/ro-mount q{}")
# Long-running containers for exec and state.
cp -a "$work/seccomp" "$work/sleeper"
jq '.process.args = ["/bin/busybox", "sleep", "100000"]' "$work/seccomp/config.json" > "$work/sleeper/config.json"
cp -a "$work/sleeper" "$work/sleeper-ro"
jq '.annotations["org.crun-lite.binary-protection"] = "ro-shared-pages"' "$work/sleeper/config.json" > "$work/sleeper-ro/config.json"
"$CRUN_LITE" --root "$work/prot" run -d --bundle "$work/sleeper" pcopy >/dev/null 2>&1 </dev/null
"$CRUN_LITE" --root "$work/prot" run -d --bundle "$work/sleeper-ro" pmount >/dev/null 2>&1 </dev/null
{ read -r copy_exec _; read -r mount_exec _; } < <("$work/interleave" "$RUNS" "$CRUN_LITE --root $work/prot exec pcopy /bin/true" \
                                                   "$CRUN_LITE --root $work/prot exec pmount /bin/true")
"$CRUN_LITE" --root "$work/prot" delete -f pcopy >/dev/null 2>&1
"$CRUN_LITE" --root "$work/prot" delete -f pmount >/dev/null 2>&1
echo "binary protection (crun-lite, podman's profile, median of $RUNS interleaved):"
awk -v a="$copy_run" -v b="$mount_run" 'BEGIN { printf "  run:  independent copy %.2f ms, read-only mount %.2f ms: the copy adds %.2f ms\n", a/1000, b/1000, (a-b)/1000 }'
awk -v a="$copy_exec" -v b="$mount_exec" 'BEGIN { printf "  exec: independent copy %.2f ms, read-only mount %.2f ms: the copy adds %.2f ms\n", a/1000, b/1000, (a-b)/1000 }'

# exec and state, one running container per runtime.
declare -A ex st
ex_cmds=() st_cmds=() names=()
for rt in crun-lite crun runc; do
  [ -n "${bins[$rt]}" ] || continue
  mkdir -p "$work/probe-$rt"
  "${bins[$rt]}" --root "$work/probe-$rt" run -d --bundle "$work/sleeper" p0 >/dev/null 2>&1 </dev/null || { echo "$rt: cannot run a container to exec into"; continue; }
  ex_cmds+=("${bins[$rt]} --root $work/probe-$rt exec p0 /bin/true")
  st_cmds+=("${bins[$rt]} --root $work/probe-$rt state p0")
  names+=("$rt")
done
i=0; while read -r v _; do ex[${names[$i]}]=$v; i=$((i + 1)); done < <("$work/interleave" "$RUNS" "${ex_cmds[@]}")
report "exec /bin/true into a running container (podman's profile), median of $RUNS:" ex
i=0; while read -r v _; do st[${names[$i]}]=$v; i=$((i + 1)); done < <("$work/interleave" "$RUNS" "${st_cmds[@]}")
report "state of a running container, median of $RUNS:" st

# The probe workload.
PROBE_CONTAINERS=${PROBE_CONTAINERS:-20} PROBE_SECONDS=${PROBE_SECONDS:-30}
probe_cpu () {   # probe_cpu RUNTIME: CPU microseconds per probe (exec + state)
  local bin=${bins[$1]} root="$work/probe-$1" s c t0 rem
  for c in $(seq "$PROBE_CONTAINERS"); do
    "$bin" --root "$root" run -d --bundle "$work/sleeper" "w$c" >/dev/null 2>&1 </dev/null
  done
  # The subshell's children's CPU time: the runtime's commands, and one
  # sleep a second (bash's own clock, no date or awk per round).
  ( for s in $(seq "$PROBE_SECONDS"); do
      t0=${EPOCHREALTIME/./}
      for c in $(seq "$PROBE_CONTAINERS"); do
        "$bin" --root "$root" exec "w$c" /bin/true >/dev/null 2>&1 </dev/null
        "$bin" --root "$root" state "w$c" >/dev/null 2>&1
      done
      rem=$(( 1000000 - (${EPOCHREALTIME/./} - t0) ))
      [ "$rem" -le 0 ] || sleep "0.$(printf '%06d' "$rem")"
    done
    times > "$work/times.$1" )   # (not in a pipeline: a forked `times` knows no children)
  tail -n 1 "$work/times.$1" | awk -v n=$((PROBE_CONTAINERS * PROBE_SECONDS)) '
      function sec(t) { split(t, p, "m"); sub(/s$/, "", p[2]); return p[1] * 60 + p[2] }
      { printf "%.0f", (sec($1) + sec($2)) * 1e6 / n }'
  for c in $(seq "$PROBE_CONTAINERS"); do "$bin" --root "$root" delete -f "w$c" >/dev/null 2>&1; done
}
echo "probe workload: $PROBE_CONTAINERS containers, each exec'd (/bin/true) and state'd once a second for $PROBE_SECONDS s;"
echo "CPU time (user + system, the runtime and what it runs) per probe:"
for rt in crun-lite crun runc; do
  [ -n "${bins[$rt]}" ] || continue
  printf '  %-10s %8s µs\n' "$rt" "$(probe_cpu "$rt")"
done
for rt in crun-lite crun runc; do [ -n "${bins[$rt]}" ] && "${bins[$rt]}" --root "$work/probe-$rt" delete -f p0 >/dev/null 2>&1; done

# 256 masked paths (directories and files), against the same bundle without.
cp -a "$work/seccomp" "$work/masks"
mkdir -p "$work/masks/rootfs/masked"
for i in $(seq 0 127); do mkdir -p "$work/masks/rootfs/masked/d$i"; : > "$work/masks/rootfs/masked/f$i"; done
jq '.linux.maskedPaths = ([range(128) | "/masked/d\(.)"] + [range(128) | "/masked/f\(.)"])' "$work/seccomp/config.json" > "$work/masks/config.json"
mkdir -p "$work/mask-state"
{ read -r m0 _; read -r m256 _; } < <("$work/interleave" "$RUNS" "$CRUN_LITE --root $work/mask-state run --bundle $work/seccomp m{}" \
                                      "$CRUN_LITE --root $work/mask-state run --bundle $work/masks n{}")
awk -v a="$m0" -v b="$m256" 'BEGIN { printf "256 masked paths (128 directories, 128 files): run %.2f ms against %.2f ms, %.2f µs a mask\n", b/1000, a/1000, (b-a)/256 }'
