# Rootless podman: an unprivileged user (made here, with subuid/subgid
# ranges) runs podman with crun-lite as its runtime.  podman runs the
# runtime as uid 0 of a user namespace it made itself, with a config that has
# no user namespace and no cgroupsPath: crun-lite must detect that and behave
# rootless.  runc, the reference, runs the same flows.  Sourced by
# run-engines.sh.

podman_rootless_group () {
  local ru=crl-podman-rl
  if ! command -v podman >/dev/null || ! command -v newuidmap >/dev/null; then
    skip "rootless podman flows" "podman or uidmap is not installed"; return
  fi
  id "$ru" >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh "$ru" >/dev/null 2>&1
  grep -q "^$ru:" /etc/subuid || echo "$ru:400000:65536" >> /etc/subuid
  grep -q "^$ru:" /etc/subgid || echo "$ru:400000:65536" >> /etc/subgid
  RL_W="$T_ROOT/podman-rootless"
  mkdir -p "$RL_W/home" "$RL_W/run"
  chmod 700 "$RL_W/run"
  cp "$IMAGE_TAR" "$RL_W/image.tar"
  cat > "$RL_W/containers.conf" <<EOF
[containers]
default_ulimits = ["nofile=1024:1024"]
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
runtime_supports_json = ["crun", "runc", "crun-lite"]

[engine.runtimes]
crun-lite = ["$CRUN_LITE"]
runc = ["$(command -v runc 2>/dev/null || echo /usr/sbin/runc)"]
EOF
  chown -R "$ru:" "$RL_W"
  RL_USER=$ru
  engine_cleanups+=("rl_cleanup")
  if ! rl_pm import "$RL_W/image.tar" localhost/crl-busybox:latest > "$RL_W/import.out" 2>&1; then
    not_ok "rootless podman imports the image" "$(tail -n 3 "$RL_W/import.out")"; return
  fi
  ok "rootless podman imports the busybox image as $ru"
  rl_flows crun-lite
  if command -v runc >/dev/null; then rl_flows runc; fi
  rl_checks
  rl_cleanup
}

# rl_pm ARGS: podman as the unprivileged user, with a clean environment.
rl_pm () {
  timeout -k 5 120 runuser -u "$RL_USER" -- env -i HOME="$RL_W/home" PATH=/usr/sbin:/usr/bin:/sbin:/bin \
    XDG_RUNTIME_DIR="$RL_W/run" CONTAINERS_CONF="$RL_W/containers.conf" \
    podman --root "$RL_W/home/storage" --runroot "$RL_W/run/storage" --storage-driver overlay "$@"
}

rl_cleanup () {
  [ -n "${RL_USER:-}" ] || return 0
  rl_pm rm -af -t 0 >/dev/null 2>&1
  rl_pm unshare rm -rf "$RL_W/home/storage" >/dev/null 2>&1
  pkill -KILL -u "$RL_USER" 2>/dev/null
  RL_USER=
}

rl_record () { results_record "$RL_W" "$@"; }   # RUNTIME KEY VALUE
rl_result () { results_get "$RL_W" "$@"; }      # RUNTIME KEY

rl_flows () {
  local rt=$1 img=localhost/crl-busybox:latest out c="rl-$1" pid
  : > "$RL_W/results.$rt"
  out=$(rl_pm --runtime "$rt" run --rm "$img" sh -c 'echo hi; id -u' 2>&1); rl_record "$rt" run_echo "$? $(echo $out)"
  rl_pm --runtime "$rt" run -d --name "$c" "$img" sleep 300 >/dev/null 2>&1; rl_record "$rt" run_d "$?"
  out=$(rl_pm --runtime "$rt" exec "$c" sh -c 'echo $((40+2))' 2>&1); rl_record "$rt" exec "$? $out"
  pid=$(rl_pm inspect -f '{{.State.Pid}}' "$c" 2>/dev/null)
  rl_record "$rt" host_uid "$(ps -o uid= -p "${pid:-0}" 2>/dev/null | tr -d ' ')"
  rl_record "$rt" uid_map "$(awk '{print $1, $3}' "/proc/${pid:-0}/uid_map" 2>/dev/null | tr '\n' ';')"
  out=$(rl_pm --runtime "$rt" exec "$c" sh -c 'touch /proc/sysrq-trigger 2>/dev/null && echo wrote || echo refused' 2>&1)
  rl_record "$rt" host_files "$out"
  rl_pm --runtime "$rt" stop -t 1 "$c" >/dev/null 2>&1; rl_record "$rt" stop "$?"
  rl_record "$rt" stopped "$(rl_pm inspect -f '{{.State.Status}}' "$c" 2>&1)"
  rl_pm --runtime "$rt" rm "$c" >/dev/null 2>&1; rl_record "$rt" rm "$?"
  rl_record "$rt" left "$(rl_pm ps -aq 2>/dev/null | wc -l)"
}

rl_checks () {
  local rt=crun-lite ruid
  ruid=$(id -u "$RL_USER")
  expect_eq "rootless podman: run --rm prints, as root of its user namespace" "$(rl_result $rt run_echo)" "0 hi 0"
  expect_eq "rootless podman: run -d" "$(rl_result $rt run_d)" "0"
  expect_eq "rootless podman: exec" "$(rl_result $rt exec)" "0 42"
  expect_eq "rootless podman: the container runs under the user's uid on the host" "$(rl_result $rt host_uid)" "$ruid"
  expect_eq "rootless podman: uid 0 is the user, the rest are its subuids" "$(rl_result $rt uid_map)" "0 1;1 65536;"
  expect_eq "rootless podman: the container cannot write what the user cannot" "$(rl_result $rt host_files)" "refused"
  expect_eq "rootless podman: stop" "$(rl_result $rt stop) $(rl_result $rt stopped)" "0 exited"
  expect_eq "rootless podman: rm, nothing left" "$(rl_result $rt rm) $(rl_result $rt left)" "0 0"
  expect_same_as_runc "rootless podman: every flow gives crun-lite the same result as runc" "$RL_W"
}

podman_rootless_group
