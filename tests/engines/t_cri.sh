# Kubernetes' node path: a private containerd with its CRI plugin (own
# root, state, sockets, CNI configuration; cgroupfs driver) and two runtime
# handlers on io.containerd.runc.v2, crun-lite and runc (the reference),
# driven over the CRI API as kubelet drives it by cri_flows.py.  The CRI
# client is generated at test time from the API definition in Debian's
# containerd source package.  Pods get an eth0 from cni-veth-in-pod: both
# ends inside the pod's namespace, nothing on the host.  Sourced by
# run-engines.sh.

CRI_PY=/usr/bin/python3
# Under systemd (the tests/vm guest: PM_CGROUP_MANAGER=systemd) the handlers
# use the systemd cgroup driver and the pods' parents are slices, as kubelet
# makes them.
[ "${PM_CGROUP_MANAGER:-}" = systemd ] && CRI_SYSTEMD=true || CRI_SYSTEMD=false

cri_group () {
  local missing=""
  command -v containerd >/dev/null && command -v ctr >/dev/null || missing="$missing containerd"
  "$CRI_PY" -c 'import grpc' 2>/dev/null || missing="$missing python3-grpcio"
  [ -x /usr/lib/cni/loopback ] || missing="$missing containernetworking-plugins"
  [ -x "$TESTS_HELPERS/pause" ] || missing="$missing tests/helpers/pause (make check)"
  if [ -n "$missing" ]; then skip "CRI flows" "missing:$missing (install-deps.sh)"; return; fi
  CRI_W="$T_ROOT/cri"
  CRI_CG="/crl-cri-$$"
  mkdir -p "$CRI_W/cni-bin" "$CRI_W/cni-conf" "$CRI_W/logs"
  engine_cleanups+=("cri_cleanup")
  if ! cri_stubs "$CRI_W/stubs" > "$CRI_W/stubs.log" 2>&1; then
    not_ok "the CRI client is generated from containerd's api.proto" "$(tail -n 5 "$CRI_W/stubs.log")"; return
  fi
  ok "the CRI client is generated from containerd's api.proto (apt-get source containerd)"
  cri_start_containerd || return
  cri_images || return
  local h parent
  for h in crun-lite runc; do
    [ "$h" = runc ] && ! command -v runc >/dev/null && { skip "CRI flows with runc" "runc is not installed"; continue; }
    # Each pod's cgroup parent, {} standing for the pod's name.
    if $CRI_SYSTEMD; then parent="crlcri_$$_${h//-/_}-{}.slice"; else parent="$CRI_CG/$h/pod-{}"; fi
    timeout -k 10 900 "$CRI_PY" "$HERE/cri_flows.py" "$CRI_W/stubs" "$CRI_W/containerd.sock" "$h" "$CRI_W" "$parent" \
      > "$CRI_W/results.$h" 2> "$CRI_W/flows.$h.log"
    # The shim makes ROOT/k8s.io; what the runtime keeps is inside it.
    CRI_LEFT_STATE[$h]=$(ls -A "$CRI_W/runtime-root/$h"/* 2>/dev/null | tr '\n' ' ')
    CRI_LEFT_CGROUPS[$h]=$(find /sys/fs/cgroup -mindepth 1 -type d \( -path "*$CRI_CG/$h/*" -o -name "cri-containerd-*.scope" \) \
      2>/dev/null | wc -l)
  done
  cri_checks
  cri_cleanup
}
declare -A CRI_LEFT_STATE CRI_LEFT_CGROUPS

# cri_stubs DIR: the CRI API's Python stubs, generated from the api.proto
# vendored in the source package of the installed containerd (gogoproto's
# Go-only options removed: they change nothing on the wire).  The stubs are
# cached (the guests of tests/vm, which have no archive, reuse them).
cri_stubs () {
  local cache=${CRL_CRI_CACHE:-$HERE/cache} version stubs src proto
  version=$(dpkg-query -W -f '${Version}' containerd) || return 1
  stubs=$cache/cri-stubs-$version
  if [ ! -f "$stubs/api_pb2_grpc.py" ]; then
    src=$cache/containerd-src
    apt-get source --print-uris "containerd=$version" >/dev/null 2>&1 || "$HERE/../helpers/add-deb-src.sh" || return 1
    rm -rf "$src" "$stubs.new"; mkdir -p "$src" "$stubs.new"
    (cd "$src" && apt-get source -q "containerd=$version") || return 1
    proto=$(find "$src" -path '*cri-api/pkg/apis/runtime/v1/api.proto' | head -n 1)
    [ -n "$proto" ] || { echo "no cri-api v1 api.proto in containerd's source"; return 1; }
    sed '/gogoproto/d' "$proto" > "$stubs.new/api.proto"
    (cd "$stubs.new" && "$CRI_PY" -m grpc_tools.protoc -I. --python_out=. --grpc_python_out=. api.proto) || return 1
    rm -rf "$src" "$stubs"; mv "$stubs.new" "$stubs"
  fi
  mkdir -p "$1" && cp "$stubs"/api_pb2.py "$stubs"/api_pb2_grpc.py "$1/"
}

cri_start_containerd () {
  local h bin
  cp /usr/lib/cni/loopback "$HERE/cni-veth-in-pod" "$CRI_W/cni-bin/"
  echo '{"cniVersion":"0.4.0","name":"crl-pod","plugins":[{"type":"cni-veth-in-pod"}]}' > "$CRI_W/cni-conf/10-crl-pod.conflist"
  # overlayfs where the work directory's filesystem takes an upper layer;
  # elsewhere (the guests' 9p) the native snapshotter, which copies.
  local snapshotter=overlayfs
  case $(stat -f -c %T "$CRI_W") in ext2/ext3|xfs|tmpfs|btrfs) ;; *) snapshotter=native ;; esac
  cat > "$CRI_W/config.toml" <<EOF
version = 2
root = "$CRI_W/root"
state = "$CRI_W/state"
[grpc]
  address = "$CRI_W/containerd.sock"
[ttrpc]
  address = "$CRI_W/containerd.sock.ttrpc"
[debug]
  address = "$CRI_W/debug.sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/crl-pause:latest"
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$CRI_W/cni-bin"
    conf_dir = "$CRI_W/cni-conf"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    default_runtime_name = "crun-lite"
    snapshotter = "$snapshotter"
EOF
  for h in crun-lite runc; do
    bin=$CRUN_LITE; [ "$h" = runc ] && bin=$(command -v runc || echo /usr/sbin/runc)
    cat >> "$CRI_W/config.toml" <<EOF
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$h]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.$h.options]
        BinaryName = "$bin"
        Root = "$CRI_W/runtime-root/$h"
        SystemdCgroup = $CRI_SYSTEMD
EOF
  done
  containerd --config "$CRI_W/config.toml" > "$CRI_W/containerd.log" 2>&1 &
  CRI_PID=$!
  for _ in $(seq 1 150); do cri_ctr version >/dev/null 2>&1 && break; sleep 0.1; done
  if ! cri_ctr version >/dev/null 2>&1 || ! cri_ctr plugins ls 2>/dev/null | grep -q 'io.containerd.grpc.v1 *cri .*ok'; then
    not_ok "a private containerd starts with its CRI plugin" "$(grep -i 'error\|fail' "$CRI_W/containerd.log" | tail -n 5)"
    return 1
  fi
  ok "a private containerd starts with its CRI plugin (own root, state, socket, CNI)"
}

cri_ctr () { timeout -k 5 60 ctr -a "$CRI_W/containerd.sock" -n k8s.io "$@"; }

# The pod's busybox image and a pause image of the project's own, imported
# into the CRI plugin's namespace: nothing is pulled.
cri_images () {
  local p="$CRI_W/pause-rootfs"
  mkdir -p "$p"
  cp "$TESTS_HELPERS/pause" "$p/pause"
  tar -C "$p" -cf "$CRI_W/pause-layer.tar" .
  make_oci_image "$CRI_W/pause.tar" "$CRI_W/pause-layer.tar" localhost/crl-pause:latest '{"Entrypoint":["/pause"]}'
  make_oci_image "$CRI_W/busybox.tar" "$IMAGE_TAR" localhost/crl-busybox:latest '{"Cmd":["sh"]}'
  if ! cri_ctr images import "$CRI_W/pause.tar" > "$CRI_W/import.out" 2>&1 \
     || ! cri_ctr images import "$CRI_W/busybox.tar" >> "$CRI_W/import.out" 2>&1; then
    not_ok "the pause and busybox images are imported" "$(tail -n 3 "$CRI_W/import.out")"; return 1
  fi
  ok "the pause and busybox images are imported (nothing is pulled)"
}

cri_result () { results_get "$CRI_W" crun-lite "$1"; }

cri_checks () {
  local r=cri_result
  if [ "$($r pod_run)" != OK ]; then
    not_ok "CRI RunPodSandbox: the pod is READY with the address its CNI gave" "$(head -n 5 "$CRI_W/flows.crun-lite.log" | tr "\n" "|")" \
      "$(grep -i 'level=error' "$CRI_W/containerd.log" | tail -n 3 | tr "\n" "|")"
  else
    expect_eq "CRI RunPodSandbox: the pod is READY with the address its CNI gave" "$($r pod_run) $($r pod_state) $($r pod_ip_from_cni)" "OK SANDBOX_READY True"
  fi
  expect_eq "CRI Create/StartContainer in the pod" "$($r container_start) $($r container_state)" "OK CONTAINER_RUNNING"
  expect_eq "the container joins the pod's network, IPC and UTS namespaces by path" \
    "$($r joins_pod_net) $($r joins_pod_ipc) $($r joins_pod_uts) $($r own_pid_ns) $($r own_mnt_ns)" "True True True True True"
  expect_eq "the pod's hostname and eth0 address are the container's" "$($r hostname) $($r eth0_has_pod_ip)" "0|pod-basic| 0|1|"
  expect_eq "CRI ExecSync: stdout, stderr and exit code" "$($r exec_sync)" "3|out|err"
  expect_eq "CRI Exec: streaming exec over the URL it returns (websocket, as kubectl exec)" "$($r streaming_exec)" "Success|via-stream|e"
  expect_match "CRI Exec: a streamed process's exit code reaches the client" "$($r streaming_exec_failing)" "^Failure\|\|"
  expect_eq "CRI ExecSync: a timeout ends the call" "$($r exec_sync_timeout)" "DEADLINE_EXCEEDED within 10s"
  expect_eq "CRI log file: stdout and stderr lines in the CRI format" "$($r log_stdout) $($r log_stderr)" "True True"
  expect_eq "the container's resources are applied (memory limit, CPU shares)" "$($r limits_applied)" "$(cri_expected_limits 134217728 512)"
  expect_eq "CRI ContainerStats: CPU and memory usage" "$($r container_stats)" "cpu>0 True mem>0 True"
  if $CRI_SYSTEMD && [ "$($r pod_stats)" != OK ] && [ "$($r pod_stats)" = "$(results_get "$CRI_W" runc pod_stats)" ]; then
    skip "CRI PodSandboxStats" "containerd 1.6 loads a systemd slice parent as a cgroupfs path (cgroups: invalid group path), with runc alike"
  else
    expect_eq "CRI PodSandboxStats" "$($r pod_stats)" "OK"
  fi
  expect_eq "CRI UpdateContainerResources (containerd sends the whole linux.resources, devices included)" "$($r update_resources)" "OK"
  expect_eq "the update reaches the cgroup (memory, shares, quota)" "$($r limits_updated)" "$(cri_expected_limits 67108864 256 50000)"
  expect_eq "CRI StopContainer: SIGTERM ignored by sleep as pid 1, SIGKILL after the grace period" "$($r stop)" "CONTAINER_EXITED exit 137 reason Error"
  expect_eq "CRI RemoveContainer" "$($r remove)" "OK"
  expect_eq "a container over its memory limit is OOMKilled" "$($r oom)" "OOMKilled exit 137"
  expect_eq "securityContext runAsUser, runAsGroup, supplementalGroups" "$($r sc_user)" "0|1000\\n1000\\n1000 2000 3000|"
  expect_match "securityContext capabilities: drop ALL, add NET_ADMIN" "$($r sc_caps)" "^0\|CapPrm: 0000000000001000.nCapEff: 0000000000001000.nCapBnd: 0000000000001000\|$"
  expect_eq "securityContext readOnlyRootFilesystem (/ and the image's /tmp refuse writes)" "$($r sc_readonly_rootfs)" \
    "0|1\\n1|touch: /tmp/x: Read-only file system"
  expect_eq "kubelet's masked and read-only paths (/proc/timer_list empty, /proc/sys read-only)" "$($r sc_masked_paths)" "0|0\\n1|"
  expect_match "seccomp RuntimeDefault: filter mode, unshare refused" "$($r sc_seccomp_default)" "^[01]\|Seccomp: 2.n.*(not permitted|denied)"
  expect_eq "securityContext allowPrivilegeEscalation=false: no_new_privs" "$($r sc_no_new_privs)" "0|NoNewPrivs: 1|"
  expect_eq "a pod-wide pid namespace: the pause is pid 1 and the container sees it" "$($r pod_pid_ns_sees_pause) $($r pod_pid_ns_shared)" \
    "0|/pause\\nsleep| True"
  expect_eq "a host-network pod's container is in the host's network namespace" "$($r host_network)" "True"
  expect_eq "a privileged container: every capability, the host's devices" \
    "$($r privileged_start) $($r privileged_devices)" "OK 0|kmsg|"
  expect_eq "privileged: every capability the caller has" "$($r privileged_caps)" "0|$(grep ^CapEff: /proc/$$/status | tr -s '\t' ' ')|"
  expect_eq "mount propagation from the host: host-to-container and bidirectional volumes see it, private not" \
    "$($r propagation_host_to_container)" "0|/h2c /bidir|"
  expect_eq "mount propagation to the host: a bidirectional volume's mount reaches it, a private one's not" \
    "$($r propagation_container_to_host)" "True False"
  expect_eq "every pod stops and is removed" "$($r pod_stop_remove)" "OK OK"
  expect_eq "no flow raised" "$(grep -c '^flow_' "$CRI_W/results.crun-lite")" "0"
  expect_eq "no crun-lite state is left under the shim's --root (ROOT/k8s.io)" "${CRI_LEFT_STATE[crun-lite]}" ""
  expect_eq "no cgroup is left under the pods' cgroup parents" "${CRI_LEFT_CGROUPS[crun-lite]}" "0"
  # runc 1.1.5 predates the CPU weight curve (1024 shares -> 100): on v2
  # the limits are checked above, not against it.
  local v2_skip=""
  [ -f /sys/fs/cgroup/cgroup.controllers ] && v2_skip='limits_*'
  expect_same_as_runc "every CRI flow gives crun-lite the same result as runc" "$CRI_W" "$v2_skip"
  # What the RPCs that failed said, for the failures above.
  grep -v DEADLINE_EXCEEDED "$CRI_W/flows.crun-lite.log" | head -n 8 | sed 's/^/# flows: /'
}

# cri_expected_limits MEMORY SHARES [QUOTA]: the cgroup files' values as
# cri_flows.py reads them: v1 here; v2 in the guests (memory.max, cpu.weight
# by the conversion of runc 1.3.2 and crun 1.23: 512 shares -> 59,
# 256 -> 35; cpu.max "QUOTA PERIOD").
cri_expected_limits () {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    case $2 in 512) echo "$1 59" ;; 256) echo "$1 35 $3 100000" ;; esac
  else echo "$1 $2${3:+ $3}"; fi
}

cri_cleanup () {
  local h c
  for h in crun-lite runc; do
    c=$CRUN_LITE; [ "$h" = runc ] && c=runc
    for id in $("$c" --root "$CRI_W/runtime-root/$h" list -q 2>/dev/null); do
      "$c" --root "$CRI_W/runtime-root/$h" delete -f "$id" >/dev/null 2>&1
    done
  done
  if [ -n "${CRI_PID:-}" ]; then kill "$CRI_PID" 2>/dev/null; wait "$CRI_PID" 2>/dev/null; CRI_PID=; fi
  pkill -f "containerd-shim-runc-v2 .*-address $CRI_W/containerd.sock" 2>/dev/null
  grep -o " $CRI_W/[^ ]*" /proc/self/mountinfo | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  find /sys/fs/cgroup -depth -mindepth 1 -type d -path "*$CRI_CG*" -exec rmdir {} + 2>/dev/null
  return 0
}

cri_group
