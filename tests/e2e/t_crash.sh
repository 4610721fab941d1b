# Crash safety: a runtime that fails or dies at any step leaves nothing
# that `delete --force` does not remove, and the id can be used again.
#
# Fault injection with strace: every system call a command makes (in the
# runtime and in the container's init) is, in turn, failed (EIO, and the
# errors that mean something for that call), or the process is SIGKILLed
# on entering it.  strace counts calls per system call and per process
# (`when=N`), so injection points 1..max of each system call, max being
# the most calls of it one process made, cover every call made.  After
# each: the command succeeded, or failed with one line naming what failed;
# `delete --force` succeeds; no state, cgroup, mount or process of the
# container is left.  Two workers (own id, --root, cgroup and bundle) share
# the sweeps, one per core.
#
# CRL_CRASH_STEP=K tries every K-th point only (a quicker local run); the
# test command runs them all.

crash_ready=true
command -v strace >/dev/null || { skip "crash safety: fault injection" "strace is not installed"; crash_ready=false; }
crash_step=${CRL_CRASH_STEP:-1}
# Empty cgroups of an earlier run that was itself killed go first (their
# names are fixed; a stale parent would count as pre-existing).
for d in /sys/fs/cgroup/crl-crash* /sys/fs/cgroup/*/crl-crash* /sys/fs/cgroup/crl-damaged /sys/fs/cgroup/*/crl-damaged \
         /sys/fs/cgroup/crl-full /sys/fs/cgroup/*/crl-full; do
  [ -d "$d" ] && { rmdir "$d"/* 2>/dev/null; rmdir "$d" 2>/dev/null; }
done

# crash_worker_init W: the worker's own names.
crash_worker_init () {
  cw=$1
  cw_id=fi$cw
  cw_root="$T_ROOT/state-crash$cw"
  cw_cg=crl-crash$cw
  cw_marker="sleep 777$cw"
  cw_log="$T_ROOT/crash$cw.strace"
  cw_out="$T_ROOT/crash$cw"
  cw_b=$(new_bundle "crash$cw")
  cfg "$cw_b" --arg cg "/$cw_cg/$cw_id" \
    '.linux.cgroupsPath = $cg | .linux.resources = {"pids": {"limit": 50}, "memory": {"limit": 67108864}}'
  args "$cw_b" sleep "777$cw"
  # A builtin sleep: read with a timeout on a pipe nothing writes to (a
  # fork per look would double the time of a point).
  exec {cw_sleep_fd}<> <(:)
}
crash_nap () { read -r -t 0.005 -u "$cw_sleep_fd" _; }
crl_w () { timeout -k 5 30 "$R" --root "$cw_root" "$@" </dev/null; }

# container_left ROOT ID CGROUP-PARENT PROCESS-PATTERN [BUNDLE]: what of a
# container is left on the host (empty when nothing): its state entry, its
# cgroup parent (made for it alone) in any hierarchy, processes matching
# the pattern, mounts of its bundle.
container_left () {
  local root=$1 id=$2 cg=$3 procs=$4 bundle=${5:-} out="" d
  [ -e "$root/$id" ] && out="$out state:$(ls -A "$root/$id" | tr '\n' ,)"
  for d in /sys/fs/cgroup/$cg /sys/fs/cgroup/*/$cg; do [ -d "$d" ] && out="$out cgroup:$d"; done
  [ -n "$bundle" ] && grep -q "$bundle" /proc/self/mountinfo && out="$out mounts:$(grep -c "$bundle" /proc/self/mountinfo)"
  pgrep -f "$procs" >/dev/null && out="$out procs:$(pgrep -f "$procs" | tr '\n' ,)"
  echo "$out"
}
crash_leftovers () { container_left "$cw_root" "$cw_id" "$cw_cg" "$cw_marker|$cw_root" "$cw_b"; }

# traced INJECTION COMMAND...: run the runtime under strace -f (no
# injection when INJECTION is empty) and wait for the runtime's own process
# only: a created init lives on, traced, until it is deleted.  Sets
# traced_rc to the exit status, or to `killed`.
traced () {
  local inj=$1 rpid="" end="" i; shift
  rm -f "$cw_log"
  # (strace dies of the signal that killed the runtime: its shell says
  # so, on a stderr of its own)
  (strace -f -q -o "$cw_log" ${inj:+-e "inject=$inj"} "$R" --root "$cw_root" "$@" \
     >"$cw_out.out" 2>"$cw_out.err" </dev/null; :) 2>/dev/null &
  cw_spid=$!
  # The runtime is gone once strace has reaped it.
  for ((i = 0; i < 3000; i++)); do
    [ -n "$rpid" ] || read -r rpid _ 2>/dev/null <"$cw_log"
    if [ -n "$rpid" ] && [ ! -e "/proc/$rpid" ]; then break; fi
    [ -e "/proc/$cw_spid" ] || break
    crash_nap
  done
  end=$(grep -m1 -E "^$rpid \\+\\+\\+ (exited with|killed by)" "$cw_log")
  case "$end" in
    *"exited with"*) traced_rc=${end##*exited with }; traced_rc=${traced_rc%% *} ;;
    *) traced_rc=killed ;;
  esac
}

# After a traced command: its container is deleted (which ends strace).
traced_end () {
  local i
  timeout 30 "$R" --root "$cw_root" delete --force "$cw_id" >"$cw_out.del" 2>&1; cw_del_rc=$?
  for ((i = 0; i < 600; i++)); do
    [ -e "/proc/$cw_spid" ] || break
    crash_nap
  done
  kill -9 "$cw_spid" 2>/dev/null; wait "$cw_spid" 2>/dev/null
}

# crash_points COMMAND...: "syscall max" lines.
crash_points () {
  traced "" "$@"
  traced_end
  grep -E '^[0-9]+ +[a-z_0-9]+\(' "$cw_log" \
    | awk '{ split($2, a, "("); c[$1 " " a[1]]++ }
           END { for (k in c) { split(k, b, " "); if (c[k] > m[b[2]]) m[b[2]] = c[k] } for (s in m) print s, m[s] }' \
    | sort
}

# What a failed command may print: one line of its own after warnings, or
# the dynamic loader's line (or a static binary's own start-up code's: its
# TLS cannot be set up) when it cannot start the binary at all.  `run`
# and `start` may add a second: the init, failing after `create` returned,
# says why on the stderr it was given, then start finds it stopped.
crash_output_ok () {
  local errs lines
  errs=$(grep -v -E '^crun-lite: warning: ' "$cw_out.err")
  lines=$(printf '%s' "$errs" | grep -c '')
  [ "$lines" -ge 1 ] || return 1
  if printf '%s' "$errs" | grep -q -E 'error while loading shared libraries|cannot set up thread-local storage|cannot allocate TLS data structures|cannot set %fs base address for thread-local storage'; then
    [ "$lines" = 1 ]; return
  fi
  printf '%s\n' "$errs" | grep -q -v -E "^(crun-lite|$R): " && return 1
  [ "$lines" = 1 ] || { [ "$lines" = 2 ] && printf '%s' "$errs" | tail -n 1 | grep -q -E 'cannot start a container that has stopped|its init is gone'; }
}

# Which errors are tried where: EIO and SIGKILL at every call (but see
# close); the others where a kernel really returns them.
crash_errno_applies () {
  # close is only SIGKILLed: Linux releases the descriptor whatever close
  # returns, while an injected error would skip the call and leave it open
  # (a state no kernel produces).
  [ "$2" = close ] && [ "$1" != KILL ] && return 1
  case "$1" in
    EIO|KILL) return 0 ;;
    ENOSPC) case "$2" in write|pwrite64|mkdir|mkdirat|openat|renameat|mknodat|symlinkat|sendfile) return 0 ;; esac ;;
    ENOMEM) case "$2" in mmap|brk|clone|clone3|vfork|mount|memfd_create|openat|openat2|socketpair) return 0 ;; esac ;;
    EINTR) case "$2" in read|write|recvfrom|recvmsg|sendmsg|sendto|wait4|waitid|flock|poll|ppoll|connect) return 0 ;; esac ;;
    EAGAIN) case "$2" in clone|clone3|vfork|flock|read|recvmsg|recvfrom|setresuid) return 0 ;; esac ;;
  esac
  return 1
}

crash_none () { :; }
crash_created () { crl_w create --bundle "$cw_b" "$cw_id" >/dev/null 2>&1 </dev/null; }
crash_running () { crash_created && crl_w start "$cw_id" >/dev/null 2>&1; }
crash_paused () { crash_running && crl_w pause "$cw_id" >/dev/null 2>&1; }

# crash_sweep NAME SETUP KINDS COMMAND...: every injection point of
# COMMAND (after SETUP, which makes the container it needs), with each
# kind of KINDS where it applies; prints one result line
# "ok|not_ok<TAB>name<TAB>details".  A command whose status is its
# process's (exec) may die of the fault in that process: 128+N, silent.
crash_sweep () {
  local name=$1 setup=$2 kinds=$3 tried=0 held=0 bad="" sc max k nth inj why left points
  shift 3
  $setup
  points=$(crash_points "$@")
  left=$(crash_leftovers)
  [ -z "$left" ] || { printf 'not_ok\t%s: an uninjected run leaves nothing\t%s\n' "$name" "$left"; return; }
  while read -r sc max; do
    for k in $kinds; do
      crash_errno_applies "$k" "$sc" || continue
      for ((nth = 1; nth <= max; nth += crash_step)); do
        if [ "$k" = KILL ]; then inj="$sc:signal=KILL:when=$nth"; else inj="$sc:error=$k:when=$nth"; fi
        $setup
        traced "$inj" "$@"
        traced_end
        tried=$((tried + 1))
        why=""
        if [ "$traced_rc" != 0 ] && [ "$traced_rc" != killed ] && ! crash_output_ok; then
          if ! { [ "$1" = exec ] && [ "$traced_rc" -gt 128 ] && [ ! -s "$cw_out.err" ]; }; then
            why="output: $(head -c 300 "$cw_out.err" | tr '\n' '|')"
          fi
        fi
        [ "$cw_del_rc" = 0 ] || why="$why delete --force failed: $(head -c 200 "$cw_out.del" | tr '\n' '|')"
        left=$(crash_leftovers)
        [ -z "$left" ] || why="$why left:$left"
        if [ -z "$why" ]; then
          held=$((held + 1))
        else
          [ "$(printf '%s' "$bad" | grep -c '')" -lt 8 ] && bad="$bad$inj (rc $traced_rc):$why|"
          # Cleaned by hand, so that one failure does not cascade.
          pkill -9 -f "$cw_marker" 2>/dev/null
          for d in /sys/fs/cgroup/$cw_cg/$cw_id /sys/fs/cgroup/*/$cw_cg/$cw_id /sys/fs/cgroup/$cw_cg /sys/fs/cgroup/*/$cw_cg; do
            rmdir "$d" 2>/dev/null
          done
          rm -rf "${cw_root:?}/$cw_id"
        fi
      done
    done
  done <<<"$points"
  # The id is usable again after the whole sweep.
  if crash_created && crl_w delete --force "$cw_id" >/dev/null 2>&1 && [ -z "$(crash_leftovers)" ]; then :
  else bad="${bad}the id cannot be created and deleted again after the sweep|"; fi
  if [ "$tried" -gt 0 ] && [ -z "$bad" ]; then printf 'ok\t%s: %d of %d injection points held\t\n' "$name" "$held" "$tried"
  else printf 'not_ok\t%s: %d of %d injection points held\t%s\n' "$name" "$held" "$tried" "$bad"; fi
}

# crash_worker W SWEEP-LIST: run the sweeps (one per line: name, setup,
# kinds, command, separated by `;`) and write the result lines.
crash_worker () {
  crash_worker_init "$1"
  local line name setup kinds cmd
  while IFS=';' read -r name setup kinds cmd; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086  # the command's words
    eval "set -- $cmd"
    crash_sweep "$name" "$setup" "$kinds" "$@"
  done <<<"$2" >"$T_ROOT/crash$1.results"
}

if $crash_ready; then
  crash_t0=$SECONDS
  # Shared out by their point counts (create 800, run 810, exec 270,
  # delete 180, the others 85-100 each).
  crash_worker 1 '
create: every call failed or its process SIGKILLed;crash_none;EIO KILL ENOSPC ENOMEM EINTR EAGAIN;create --bundle "$cw_b" "$cw_id"
start;crash_created;EIO KILL;start "$cw_id"
kill;crash_running;EIO KILL;kill "$cw_id" KILL
update;crash_running;EIO KILL;update --memory 100M --pids-limit 40 "$cw_id"
' &
  crash_w1=$!
  crash_worker 2 '
run -d;crash_none;EIO KILL;run -d --bundle "$cw_b" "$cw_id"
exec;crash_running;EIO KILL;exec "$cw_id" true
delete --force of a running container;crash_running;EIO KILL;delete --force "$cw_id"
pause;crash_running;EIO KILL;pause "$cw_id"
resume;crash_paused;EIO KILL;resume "$cw_id"
' &
  crash_w2=$!
  wait "$crash_w1" "$crash_w2"
  while IFS=$'\t' read -r verdict name detail; do
    if [ "$verdict" = ok ]; then ok "fault injection, $name"
    else IFS='|' read -r -a lines <<<"$detail"; not_ok "fault injection, $name" "${lines[@]}"; fi
  done < <(cat "$T_ROOT/crash1.results" "$T_ROOT/crash2.results")
  echo "# fault injection took $((SECONDS - crash_t0)) s (step $crash_step)"
fi

# --- SIGKILL at a sweep of moments (not only at system-call entries):
# create, run, exec and delete, killed 1..30 ms after they start.
kb=$(new_bundle crash-kill)
args "$kb" sleep 7790
cfg "$kb" '.linux.cgroupsPath = "/crl-crash-kill/k"'
kill_left () { container_left "$STATE" k crl-crash-kill "sleep 7790"; }
for what in create run exec delete; do
  bad="" tries=0
  for ms in $(seq 1 30); do
    case $what in exec|delete) crl run -d --bundle "$kb" k >/dev/null 2>&1 </dev/null ;; esac
    case $what in
      create) "$R" --root "$STATE" create --bundle "$kb" k >/dev/null 2>&1 </dev/null & ;;
      run) "$R" --root "$STATE" run -d --bundle "$kb" k >/dev/null 2>&1 </dev/null & ;;
      exec) "$R" --root "$STATE" exec k sleep 7790 >/dev/null 2>&1 </dev/null & ;;
      delete) "$R" --root "$STATE" delete --force k >/dev/null 2>&1 </dev/null & ;;
    esac
    p=$!
    sleep "0.0$(printf '%02d' "$ms")"
    kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null
    out=$(crl delete --force k 2>&1) || bad="$bad ${ms}ms: delete --force: $out"
    left=$(kill_left); [ -z "$left" ] || { bad="$bad ${ms}ms:$left"; pkill -9 -f "sleep 7790"; rm -rf "$STATE/k"; }
    tries=$((tries + 1))
  done
  crl create --bundle "$kb" k >/dev/null 2>&1 </dev/null && crl delete k >/dev/null 2>&1 || bad="$bad (the id is not reusable)"
  expect_eq "SIGKILL of $what at $tries moments: delete --force leaves nothing" "$bad" ""
done

# --- Concurrency.
cb=$(new_bundle crash-conc)
args "$cb" sleep 7791
for i in 1 2 3 4 5 6 7 8; do (crl create --bundle "$cb" one >/dev/null 2>"$T_ROOT/conc$i.err" </dev/null; echo $? >"$T_ROOT/conc$i.rc") & done
wait
wins=$(cat "$T_ROOT"/conc?.rc | grep -c '^0$')
others=$(cat "$T_ROOT"/conc?.err | grep -c 'container with given ID already exists: one')
expect_eq "8 parallel creates of one id: exactly one wins, the others say it exists" "$wins winner, $others refused" "1 winner, 7 refused"
expect_eq "... and the winner's container is whole" "$(crl state one | jq -r .status)" created
crl start one
for i in 1 2 3 4; do (crl delete --force one >/dev/null 2>&1; echo $? >"$T_ROOT/del$i.rc") & done
(crl kill one KILL >/dev/null 2>&1) & (crl exec one true >/dev/null 2>&1) &
wait
expect_eq "4 parallel delete --force, with a kill and an exec racing them: all succeed" "$(cat "$T_ROOT"/del?.rc | tr -d '\n')" 0000
expect_eq "... and nothing is left" "$(ls "$STATE"; pgrep -f 'sleep 7791')" ""

for i in $(seq 1 50); do (crl run -d --bundle "$cb" "many$i" >/dev/null 2>&1 </dev/null; echo $? >"$T_ROOT/many$i.rc") & done
wait
expect_eq "50 containers created and started at once" "$(cat "$T_ROOT"/many*.rc | grep -c '^0$')" 50
expect_eq "... all running" "$(crl list --format json | jq '[.[] | select(.status == "running")] | length')" 50
for i in $(seq 1 50); do crl delete --force "many$i" >/dev/null 2>&1 & done
wait
expect_eq "... and deleted at once: nothing left" \
  "$(ls "$STATE"; pgrep -f 'sleep 7791'; ls -d /sys/fs/cgroup/*/many* /sys/fs/cgroup/many* 2>/dev/null)" ""

# --- Damaged state.
db=$(new_bundle crash-damaged)
args "$db" sleep 7792
cfg "$db" '.linux.cgroupsPath = "/crl-damaged/d"'
# (the leaf: a salvage cannot know that the parent was made for it too)
damaged_left () { container_left "$STATE" d crl-damaged/d "sleep 7792"; }
for damage in corrupt empty missing; do
  crl run -d --bundle "$db" d >/dev/null 2>&1 </dev/null
  case $damage in
    corrupt) echo '{"id": "d", "pid": ' >"$STATE/d/state.json" ;;
    empty) : >"$STATE/d/state.json" ;;
    missing) rm "$STATE/d/state.json" ;;
  esac
  out=$(crl list 2>&1)
  expect_match "list shows a container with $damage state.json as unknown" "$out" '^d +0 +unknown'
  expect_match "... with the reason on stderr" "$(crl list 2>&1 >/dev/null)" '^crun-lite: warning: load container d: .'
  expect_eq "... and in --format json" "$(crl list --format json 2>/dev/null | jq -c '.[] | [.id, .status]')" '["d","unknown"]'
  out=$(crl state d 2>&1); rc=$?
  expect_match "state of it fails, naming the file" "rc=$rc $out" '^rc=1 crun-lite: .*(state.json|does not exist)'
  out=$(crl delete d 2>&1); rc=$?
  expect_match "delete without --force refuses it" "rc=$rc $out" '^rc=1 crun-lite: '
  out=$(crl delete --force d 2>&1); rc=$?
  expect_eq "delete --force of it succeeds" "rc=$rc" "rc=0"
  expect_eq "... removing its init, its cgroup and its directory" "$(damaged_left)" ""
done

# A create that died half-way (its record says `creating`): stopped, and
# delete (even without --force) removes what the record names.
crl create --bundle "$db" d >/dev/null 2>&1 </dev/null
jq '.creating = true' "$STATE/d/state.json" >"$STATE/d/s.new" && mv "$STATE/d/s.new" "$STATE/d/state.json"
expect_eq "a died create's record reads as stopped" "$(crl state d | jq -r '.status + " " + (.pid | tostring)')" "stopped 0"
check "delete of it succeeds" crl delete d
expect_eq "... killing the half-made init, removing its cgroup and directory" "$(damaged_left)" ""

# The recorded pid now belongs to an unrelated process: never signalled.
crl run -d --bundle "$db" d >/dev/null 2>&1 </dev/null
# A real reuse comes after the pid space wrapped; start times count in
# clock ticks (10 ms), and the init and this process must not share one.
sleep 0.05
sleep 7793 & other=$!
jq --argjson p "$other" '.pid = $p' "$STATE/d/state.json" >"$STATE/d/s.new" && mv "$STATE/d/s.new" "$STATE/d/state.json"
expect_eq "a reused pid reads as stopped (its start time differs)" "$(crl state d | jq -r .status)" stopped
out=$(crl kill d KILL 2>&1); rc=$?
expect_match "kill refuses it" "rc=$rc $out" '^rc=1 crun-lite: .*not running'
check "delete --force succeeds" crl delete --force d
expect_eq "... and the unrelated process lives on" "$(kill -0 "$other" 2>&1 && echo alive)" alive
kill "$other"; wait "$other" 2>/dev/null
pkill -9 -f "sleep 7792"; sleep 0.2
for c in /sys/fs/cgroup/crl-damaged/d /sys/fs/cgroup/*/crl-damaged/d /sys/fs/cgroup/crl-damaged /sys/fs/cgroup/*/crl-damaged; do rmdir "$c" 2>/dev/null; done

# --- A full state filesystem: a tmpfs --root with room for 1..6 inodes
# or one page: every write of the record fails in turn.
sb=$(new_bundle crash-full)
args "$sb" sleep 7794
cfg "$sb" '.linux.cgroupsPath = "/crl-full/f"'
full_bad=""
for limit in nr_inodes=2 nr_inodes=3 nr_inodes=4 nr_inodes=5 nr_inodes=6 size=4k; do
  fr="$T_ROOT/full-root"; mkdir -p "$fr"
  mount -t tmpfs -o "$limit,mode=0700" tmpfs "$fr"
  # (to a file: a created init holds its stdio)
  "$R" --root "$fr" create --bundle "$sb" f >"$T_ROOT/full.out" 2>&1 </dev/null; rc=$?; out=$(cat "$T_ROOT/full.out")
  if [ $rc = 0 ]; then
    "$R" --root "$fr" delete --force f >/dev/null 2>&1
  elif [ "$(printf '%s\n' "$out" | grep -c '')" != 1 ] || ! printf '%s' "$out" | grep -q '^crun-lite: .*No space left on device'; then
    full_bad="$full_bad $limit: $out"
  fi
  left="$(ls -A "$fr")$(pgrep -f 'sleep 7794')$(ls -d /sys/fs/cgroup/crl-full /sys/fs/cgroup/*/crl-full 2>/dev/null)"
  [ -z "$left" ] || full_bad="$full_bad $limit left: $left"
  umount "$fr"
done
expect_eq "a full state filesystem at each write: one line naming ENOSPC, nothing left" "$full_bad" ""
