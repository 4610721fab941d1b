# podman 4.3 (through conmon) with crun-lite as its OCI runtime, and the same
# flows with runc as the reference: crun-lite's results must match runc's.
# Sourced by run-engines.sh.

podman_group () {
  if ! command -v podman >/dev/null || ! command -v conmon >/dev/null; then
    skip "podman flows" "podman/conmon are not installed (apt-get install podman)"; return
  fi
  if ! command -v script >/dev/null; then skip "podman flows" "script(1) is not installed"; return; fi

  PM_W="$T_ROOT/podman"
  # cgroupfs here; systemd where systemd is PID 1 and PM_CGROUP_MANAGER says so
  # (the tests/vm systemd guest): conmon then passes --systemd-cgroup.
  PM_CGM=${PM_CGROUP_MANAGER:-cgroupfs}
  mkdir -p "$PM_W/tmp"
  # A runtime entry that records every call podman/conmon makes, to check
  # the exact command lines (the JSON log pair) engines send.
  cat > "$PM_W/crun-lite-traced" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >> "$PM_W/calls.log"
exec "$CRUN_LITE" "\$@"
EOF
  chmod 755 "$PM_W/crun-lite-traced"
  # The lines the README gives to register crun-lite, plus what this machine
  # needs: root lacks CAP_SYS_RESOURCE, so podman's default ulimits (above the
  # hard limits) would make every runtime fail with EPERM.
  cat > "$PM_W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"

[engine]
cgroup_manager = "$PM_CGM"
events_logger = "file"
events_logfile_path = "$PM_W/events.log"
tmp_dir = "$PM_W/tmp"
volume_path = "$PM_W/volumes"
runtime_supports_json = ["crun", "runc", "crun-lite", "crun-lite-traced"]

[engine.runtimes]
crun-lite = ["$CRUN_LITE"]
crun-lite-traced = ["$PM_W/crun-lite-traced"]
runc = ["$(command -v runc 2>/dev/null || echo /usr/sbin/runc)"]
EOF
  PM_DRIVER=overlay
  engine_cleanups+=("pm_all rm -af -t 0")
  # (overlay on an overlay root fails: vfs then, in a fresh store.)
  if ! pm_all images >/dev/null 2>&1; then PM_DRIVER=vfs; rm -rf "$PM_W/root" "$PM_W/runroot"; fi
  if ! pm_all import "$IMAGE_TAR" localhost/crl-busybox:latest > "$PM_W/import.out" 2>&1; then
    not_ok "podman imports the busybox rootfs as an image" "$(tail -n 3 "$PM_W/import.out")"; return
  fi
  ok "podman imports the busybox rootfs as an image (storage driver $PM_DRIVER)"

  podman_flows crun-lite
  if [ -n "${PM_NO_REFERENCE:-}" ]; then skip "podman flows with runc as the reference" "PM_NO_REFERENCE is set (compared on the host)"
  elif command -v runc >/dev/null; then podman_flows runc
  else skip "podman flows with runc as the reference" "runc is not installed"; fi

  podman_checks
  podman_traced
}

# pm_all ARGS: podman with the test's own storage, state and configuration.
pm_all () {
  CONTAINERS_CONF="$PM_W/containers.conf" timeout -k 5 120 podman --root "$PM_W/root" --runroot "$PM_W/runroot" \
    --tmpdir "$PM_W/tmp" --storage-driver "$PM_DRIVER" --cgroup-manager "$PM_CGM" --events-backend file "$@"
}
# pm RUNTIME ARGS
pm () { local rt=$1; shift; pm_all --runtime "$rt" "$@"; }

record () { results_record "$PM_W" "$@"; }   # RUNTIME KEY VALUE
result () { results_get "$PM_W" "$@"; }      # RUNTIME KEY

# under_tty COMMAND: run a command line with a terminal (script(1)).  Its
# stdin stays open a while: at EOF script(1) may end the session before a
# short-lived container's output comes back, whatever the runtime.
under_tty () { sleep 2 | timeout -k 5 60 script -qec "$1" /dev/null | tr -d '\r'; }

podman_flows () {
  local rt=$1 img=localhost/crl-busybox:latest out rc c
  : > "$PM_W/results.$rt"

  out=$(pm "$rt" run --rm "$img" echo hi 2>&1); record "$rt" run_echo "$? $out"
  pm "$rt" run --rm "$img" sh -c 'exit 3' >/dev/null 2>&1; record "$rt" exit_code "$?"

  c="crl-d-$rt"
  pm "$rt" run -d --name "$c" "$img" sh -c 'echo started; trap "exit 0" TERM; while :; do sleep 0.2; done' >/dev/null 2>&1
  record "$rt" run_d "$?"
  local cid=""
  if [ "$PM_CGM" = systemd ]; then
    # The container is podman's scope, libpod-ID.scope in machine.slice.
    cid=$(pm "$rt" inspect -f '{{.Id}}' "$c" 2>/dev/null)
    record "$rt" scope "$(systemctl show -p ActiveState --value "libpod-$cid.scope") $(systemctl show -p Slice --value "libpod-$cid.scope") \
$(grep -c "^0::/machine.slice/libpod-$cid.scope\$" "/proc/$(pm "$rt" inspect -f '{{.State.Pid}}' "$c" 2>/dev/null)/cgroup" 2>/dev/null)"
  fi
  out=$(pm "$rt" exec "$c" sh -c 'echo $((40+2))' 2>&1); record "$rt" exec "$? $out"
  pm "$rt" exec "$c" sh -c 'exit 5' >/dev/null 2>&1; record "$rt" exec_exit "$?"
  out=$(under_tty "CONTAINERS_CONF='$PM_W/containers.conf' podman --root '$PM_W/root' --runroot '$PM_W/runroot' --tmpdir '$PM_W/tmp' --storage-driver $PM_DRIVER --cgroup-manager $PM_CGM --events-backend file --runtime $rt exec -it $c sh -c 'test -t 0 && tty'")
  record "$rt" exec_tty "$(printf '%s' "$out" | grep -o '/dev/pts/[0-9]*' | sed 's/[0-9]*$/N/')"
  out=$(pm "$rt" logs "$c" 2>&1); record "$rt" logs "$out"
  pm "$rt" pause "$c" >/dev/null 2>&1; record "$rt" pause "$?"
  record "$rt" paused_status "$(pm "$rt" inspect -f '{{.State.Status}}' "$c" 2>&1)"
  pm "$rt" exec "$c" true >/dev/null 2>&1; record "$rt" exec_while_paused_fails "$([ $? -ne 0 ] && echo yes || echo no)"
  pm "$rt" unpause "$c" >/dev/null 2>&1; record "$rt" unpause "$?"
  record "$rt" unpaused_status "$(pm "$rt" inspect -f '{{.State.Status}}' "$c" 2>&1)"
  pm "$rt" stop -t 5 "$c" >/dev/null 2>&1; record "$rt" stop "$?"
  record "$rt" stopped "$(pm "$rt" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c" 2>&1)"
  pm "$rt" rm "$c" >/dev/null 2>&1; record "$rt" rm "$?"
  [ -z "$cid" ] || record "$rt" scope_after_rm "$(systemctl show -p LoadState --value "libpod-$cid.scope")"

  c="crl-k-$rt"
  pm "$rt" run -d --name "$c" "$img" sleep 300 >/dev/null 2>&1
  pm "$rt" kill "$c" >/dev/null 2>&1; record "$rt" kill "$?"
  pm "$rt" wait "$c" >/dev/null 2>&1
  record "$rt" killed "$(pm "$rt" inspect -f '{{.State.Status}} {{.State.ExitCode}}' "$c" 2>&1)"
  pm "$rt" rm "$c" >/dev/null 2>&1

  out=$(pm "$rt" run --rm --memory 64m --pids-limit 20 "$img" sh -c '
    if [ -f /sys/fs/cgroup/memory.max ]; then cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max
    else cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; fi' 2>&1)
  record "$rt" limits "$(echo $out)"
  out=$(pm "$rt" run --rm --cap-drop ALL "$img" sh -c 'grep -E "^Cap(Eff|Prm|Bnd)" /proc/self/status' 2>&1)
  record "$rt" cap_drop_all "$(echo $out)"
  out=$(pm "$rt" run --rm --read-only "$img" sh -c 'touch /x 2>/dev/null && echo rw || echo ro; touch /tmp/y && echo tmp-rw' 2>&1)
  record "$rt" read_only "$(echo $out)"
  out=$(pm "$rt" run --rm --user 1000 "$img" sh -c 'id -u; id -g' 2>&1); record "$rt" user "$(echo $out)"
  out=$(pm "$rt" run --rm --network none "$img" ls /sys/class/net 2>&1); record "$rt" network_none "$(echo $out)"
  out=$(under_tty "CONTAINERS_CONF='$PM_W/containers.conf' podman --root '$PM_W/root' --runroot '$PM_W/runroot' --tmpdir '$PM_W/tmp' --storage-driver $PM_DRIVER --cgroup-manager $PM_CGM --events-backend file --runtime $rt run --rm -it $img sh -c 'test -t 0 && test -t 1 && tty'")
  record "$rt" run_tty "$(printf '%s' "$out" | grep -o '/dev/pts/[0-9]*')"
  out=$(pm "$rt" run --rm "$img" /nonexistent 2>&1); rc=$?
  record "$rt" missing_cmd_rc "$rc"
  printf '%s\n' "$out" > "$PM_W/missing_cmd.$rt"
  record "$rt" left_containers "$(pm "$rt" ps -aq | wc -l)"
}

podman_checks () {
  local rt=crun-lite
  expect_eq "podman run --rm echo prints and exits 0" "$(result $rt run_echo)" "0 hi"
  expect_eq "podman run returns the container's exit code" "$(result $rt exit_code)" "3"
  expect_eq "podman run -d starts a container" "$(result $rt run_d)" "0"
  if [ "$PM_CGM" = systemd ]; then
    expect_eq "cgroup_manager=systemd: the container is podman's scope (active, machine.slice, the init in it)" "$(result $rt scope)" "active machine.slice 1"
    expect_eq "cgroup_manager=systemd: the scope is gone after podman rm" "$(result $rt scope_after_rm)" "not-found"
  fi
  expect_eq "podman exec runs in the container" "$(result $rt exec)" "0 42"
  expect_eq "podman exec returns the process's exit code" "$(result $rt exec_exit)" "5"
  expect_eq "podman exec -it gets a terminal" "$(result $rt exec_tty)" "/dev/pts/N"
  expect_eq "podman logs shows the container's output" "$(result $rt logs)" "started"
  expect_eq "podman pause succeeds and the container is paused" "$(result $rt pause) $(result $rt paused_status)" "0 paused"
  expect_eq "podman exec into a paused container fails" "$(result $rt exec_while_paused_fails)" "yes"
  expect_eq "podman unpause brings it back" "$(result $rt unpause) $(result $rt unpaused_status)" "0 running"
  expect_eq "podman stop ends it with its exit code" "$(result $rt stop) $(result $rt stopped)" "0 exited 0"
  expect_eq "podman rm removes it" "$(result $rt rm)" "0"
  expect_eq "podman kill ends it with SIGKILL (137)" "$(result $rt kill) $(result $rt killed)" "0 exited 137"
  expect_eq "podman run --memory 64m --pids-limit 20: the limits are seen inside" "$(result $rt limits)" "67108864 20"
  expect_eq "podman run --cap-drop ALL: no capabilities at all" "$(result $rt cap_drop_all)" \
    "CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000"
  expect_eq "podman run --read-only: / is read-only, /tmp is writable" "$(result $rt read_only)" "ro tmp-rw"
  expect_eq "podman run --user 1000" "$(result $rt user)" "1000 1000"
  expect_eq "podman run --network none: only lo" "$(result $rt network_none)" "lo"
  expect_match "podman run -it gets a terminal" "$(result $rt run_tty)" '^/dev/pts/[0-9]+$'
  expect_eq "podman run of a missing command exits 127" "$(result $rt missing_cmd_rc)" "127"
  expect_match "podman shows crun-lite's error naming the missing command" "$(cat "$PM_W/missing_cmd.$rt")" \
    'crun-lite: .*/nonexistent.*not found'
  expect_eq "podman has no container left" "$(result $rt left_containers)" "0"

  expect_same_as_runc "every podman flow gives crun-lite the same result as runc" "$PM_W"

  # Outside: no crun-lite state, cgroup or mount of these containers is left.
  local left=""
  for d in /run/crun-lite/*; do
    [ -e "$d" ] || continue
    grep -qs "$PM_W" "$d/state.json" && left="$left state:${d##*/}"
  done
  grep -q "$PM_W/root/overlay/" /proc/self/mountinfo && left="$left mounts:$(grep -c "$PM_W/root/overlay/" /proc/self/mountinfo)"
  for c in /sys/fs/cgroup/*/libpod_parent /sys/fs/cgroup/libpod_parent; do
    [ -d "$c" ] && [ -n "$(find "$c" -mindepth 1 -type d -name 'libpod-*' 2>/dev/null)" ] && left="$left cgroup:$c"
  done
  expect_eq "podman: nothing of crun-lite's is left on the host" "$left" ""
}

# The exact calls: the JSON log pair, and crun-lite's error as a JSON line in
# the log conmon reads back.
podman_traced () {
  local img=localhost/crl-busybox:latest id log
  : > "$PM_W/calls.log"
  pm crun-lite-traced run --name crl-traced "$img" /nonexistent >/dev/null 2>&1
  local create
  create=$(grep ' create ' "$PM_W/calls.log" | head -n 1)
  if [ "$PM_CGM" = systemd ]; then
    expect_match "with cgroup_manager=systemd conmon passes --systemd-cgroup" "$create" '(^| )--systemd-cgroup '
    create=$(printf '%s' "$create" | sed 's/--systemd-cgroup //')
  fi
  expect_match "conmon passes --log-format=json --log to crun-lite (runtime_supports_json)" \
    "$create" '^--log-format=json --log [^ ]+/oci-log create --bundle [^ ]+ --pid-file [^ ]+ [0-9a-f]{64}$'
  id=$(pm_all inspect -f '{{.Id}}' crl-traced 2>/dev/null)
  log=$(cat "$PM_W"/runroot/*-containers/"$id"/userdata/oci-log 2>/dev/null)
  expect_match "crun-lite's error reaches conmon as one JSON line" "$(printf '%s\n' "$log" | tail -n 1 | jq -r '.level + " " + .msg' 2>&1)" \
    '^error .*/nonexistent'
  pm_all rm -f crl-traced >/dev/null 2>&1
  expect_match "podman's cleanup calls delete --force" "$(cat "$PM_W/calls.log")" "delete --force $id"
}

podman_group
