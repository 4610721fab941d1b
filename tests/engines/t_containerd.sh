# containerd 1.6 (a private instance: its own root, state and sockets) and
# its runc shim, with `ctr run --runc-binary` pointing at crun-lite; the same
# flows with runc as the reference.  Sourced by run-engines.sh.

containerd_group () {
  if ! command -v containerd >/dev/null || ! command -v ctr >/dev/null; then
    skip "containerd flows" "containerd is not installed (apt-get install containerd)"; return
  fi
  CT_W="$T_ROOT/containerd"
  CT_NS="crl-test-$$"
  mkdir -p "$CT_W"
  cat > "$CT_W/config.toml" <<EOF
version = 2
root = "$CT_W/root"
state = "$CT_W/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$CT_W/containerd.sock"
[ttrpc]
  address = "$CT_W/containerd.sock.ttrpc"
[debug]
  address = "$CT_W/debug.sock"
EOF
  cat > "$CT_W/crun-lite-traced" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$CT_W/calls.log"
exec "$CRUN_LITE" "\$@"
EOF
  chmod 755 "$CT_W/crun-lite-traced"
  containerd --config "$CT_W/config.toml" > "$CT_W/containerd.log" 2>&1 &
  CT_PID=$!
  engine_cleanups+=("containerd_stop")
  for _ in $(seq 1 100); do [ -S "$CT_W/containerd.sock" ] && ct version >/dev/null 2>&1 && break; sleep 0.1; done
  if ! ct version >/dev/null 2>&1; then
    not_ok "a private containerd starts" "$(tail -n 5 "$CT_W/containerd.log")"; return
  fi
  ok "a private containerd starts (own root, state and socket)"

  make_oci_image "$CT_W/image.tar" "$IMAGE_TAR" localhost/crl-busybox:latest '{"Cmd":["sh"]}'
  if ! ct images import "$CT_W/image.tar" > "$CT_W/import.out" 2>&1; then
    not_ok "ctr imports the busybox image" "$(tail -n 3 "$CT_W/import.out")"; return
  fi
  ok "ctr imports the busybox image"

  containerd_flows "$CRUN_LITE" crun-lite
  # The shim's cgroupsPath is /NAMESPACE/ID: crun-lite makes the parent and
  # removes it again (runc, next, leaves it behind: containerd_stop does).
  CT_CGROUPS_LEFT=$(find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d -name "$CT_NS" | tr '\n' ' ')
  if command -v runc >/dev/null; then containerd_flows "$(command -v runc)" runc
  else skip "containerd flows with runc as the reference" "runc is not installed"; fi
  containerd_checks
  containerd_traced
  containerd_stop
}

ct () { timeout -k 5 60 ctr -a "$CT_W/containerd.sock" -n "$CT_NS" "$@"; }

containerd_stop () {
  [ -n "${CT_PID:-}" ] || return 0
  kill "$CT_PID" 2>/dev/null; wait "$CT_PID" 2>/dev/null
  CT_PID=
  find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d -name "$CT_NS" -exec rmdir {} + 2>/dev/null
}

ct_record () { results_record "$CT_W" "$@"; }   # RUNTIME KEY VALUE
ct_result () { results_get "$CT_W" "$@"; }      # RUNTIME KEY

# ct_status ID: the task's status as `ctr task ls` shows it.
ct_status () { ct task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }

containerd_flows () {
  local bin=$1 name=$2 img=localhost/crl-busybox:latest out c
  : > "$CT_W/results.$name"
  out=$(ct run --runc-binary "$bin" --rm "$img" "e-$name" echo hi 2>&1); ct_record "$name" run_echo "$? $out"
  ct run --runc-binary "$bin" --rm "$img" "x-$name" sh -c 'exit 3' >/dev/null 2>&1; ct_record "$name" exit_code "$?"
  out=$(sleep 2 | timeout -k 5 60 script -qec "ctr -a '$CT_W/containerd.sock' -n $CT_NS run --runc-binary '$bin' -t --rm $img t-$name sh -c 'test -t 0 && tty'" /dev/null | tr -d '\r')
  ct_record "$name" run_tty "$(printf '%s' "$out" | grep -o '/dev/pts/[0-9]*')"

  c="d-$name"
  ct run -d --runc-binary "$bin" "$img" "$c" sleep 300 >/dev/null 2>&1; ct_record "$name" run_d "$?"
  ct_record "$name" running "$(ct_status "$c")"
  out=$(ct task exec --exec-id e1 "$c" sh -c 'echo $((40+2))' 2>&1); ct_record "$name" exec "$? $out"
  ct task exec --exec-id e2 "$c" sh -c 'exit 5' >/dev/null 2>&1; ct_record "$name" exec_exit "$?"
  out=$(sleep 2 | timeout -k 5 60 script -qec "ctr -a '$CT_W/containerd.sock' -n $CT_NS task exec -t --exec-id e3 $c sh -c 'test -t 0 && tty'" /dev/null | tr -d '\r')
  ct_record "$name" exec_tty "$(printf '%s' "$out" | grep -o '/dev/pts/[0-9]*' | sed 's/[0-9]*$/N/')"
  ct_record "$name" ps "$(ct task ps "$c" 2>/dev/null | tail -n +2 | wc -l)"
  ct task pause "$c" >/dev/null 2>&1; ct_record "$name" pause "$? $(ct_status "$c")"
  ct task resume "$c" >/dev/null 2>&1; ct_record "$name" resume "$? $(ct_status "$c")"
  ct task kill -s SIGKILL "$c" >/dev/null 2>&1; ct_record "$name" kill "$?"
  for _ in $(seq 1 50); do [ "$(ct_status "$c")" = STOPPED ] && break; sleep 0.1; done
  ct_record "$name" killed "$(ct_status "$c")"
  ct task delete "$c" >/dev/null 2>&1; ct_record "$name" task_delete "$?"
  ct container delete "$c" >/dev/null 2>&1; ct_record "$name" container_delete "$?"
  ct_record "$name" left_tasks "$(ct task ls -q 2>/dev/null | wc -l) $(ct container ls -q 2>/dev/null | wc -l)"
  ct_record "$name" left_state "$(ls -A "/run/containerd/runc/$CT_NS" 2>/dev/null | wc -l)"
}

containerd_checks () {
  local name=crun-lite
  expect_eq "ctr run --rm echo prints and exits 0" "$(ct_result $name run_echo)" "0 hi"
  expect_eq "ctr run returns the container's exit code" "$(ct_result $name exit_code)" "3"
  expect_eq "ctr run -t gets a terminal (console socket)" "$(ct_result $name run_tty)" "/dev/pts/0"
  expect_eq "ctr run -d starts a task" "$(ct_result $name run_d) $(ct_result $name running)" "0 RUNNING"
  expect_eq "ctr task exec runs in the container" "$(ct_result $name exec)" "0 42"
  expect_eq "ctr task exec returns the process's exit code" "$(ct_result $name exec_exit)" "5"
  expect_eq "ctr task exec -t gets a terminal" "$(ct_result $name exec_tty)" "/dev/pts/N"
  expect_eq "ctr task ps lists the init (ps --format json)" "$(ct_result $name ps)" "1"
  expect_eq "ctr task pause" "$(ct_result $name pause)" "0 PAUSED"
  expect_eq "ctr task resume" "$(ct_result $name resume)" "0 RUNNING"
  expect_eq "ctr task kill -s SIGKILL stops it" "$(ct_result $name kill) $(ct_result $name killed)" "0 STOPPED"
  expect_eq "ctr task delete and container delete" "$(ct_result $name task_delete) $(ct_result $name container_delete)" "0 0"
  expect_eq "containerd has no task or container left" "$(ct_result $name left_tasks)" "0 0"
  expect_eq "no crun-lite state is left under the shim's --root" "$(ct_result $name left_state)" "0"
  expect_eq "no cgroup directory is left (the /namespace parent included)" "${CT_CGROUPS_LEFT:-}" ""
  expect_same_as_runc "every containerd flow gives crun-lite the same result as runc" "$CT_W"
}

# The exact calls the runc shim makes.
containerd_traced () {
  local img=localhost/crl-busybox:latest
  : > "$CT_W/calls.log"
  ct run --runc-binary "$CT_W/crun-lite-traced" --rm "$img" tr1 true >/dev/null 2>&1
  expect_match "the shim calls create with --root, --log <bundle>/log.json and --log-format json" \
    "$(grep ' create ' "$CT_W/calls.log" | head -n 1)" \
    "^--root /run/containerd/runc/$CT_NS --log [^ ]+/tr1/log.json --log-format json create --bundle [^ ]+/tr1 --pid-file [^ ]+/init.pid tr1$"
  expect_match "then start, and delete" "$(sed 's/^--root [^ ]* --log [^ ]* --log-format json //' "$CT_W/calls.log" | tr '\n' ';')" \
    'create [^;]*;start tr1;delete tr1;'
}

containerd_group
