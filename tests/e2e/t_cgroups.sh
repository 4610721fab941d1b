# cgroups: limits bind for real, commands act on them, nothing is left in any
# hierarchy.  Written for both layouts (v1 on this host, v2 in tests/vm).

if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then CG_V2=1; else CG_V2=""; fi
# cgdir CONTROLLER ID: the container's directory for a controller.
cgdir () {
  crl state "$2" >/dev/null 2>&1 || return 1
  jq -r --arg c "$1" '.cgroupDirs | to_entries[] | select(.key == "" or (.key | split(",") | index($c))) | .value' \
    "$STATE/$2/state.json" | head -n 1
}
cg_leftovers () {
  # Any directory named after one of this suite's ids, in any hierarchy.
  find /sys/fs/cgroup -mindepth 1 -type d -name 'cgt-*' 2>/dev/null | head -n 5
}
expect_no_cg_leftovers () { expect_eq "$1: no cgroup directory left" "$(cg_leftovers)" ""; }

b=$(new_bundle cg)
cfg "$b" '.root.readonly = false'

# Memory: a hog is OOM-killed under memory.limit.
cfg "$b" '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
[ -n "$CG_V2" ] || { [ -e "/sys/fs/cgroup/memory/memory.memsw.limit_in_bytes" ] || cfg "$b" 'del(.linux.resources.memory.swap)'; }
args "$b" sh -c 'x=a; while :; do x="$x$x"; done'
crl run --bundle "$b" cgt-oom >/dev/null 2>&1; rc=$?
expect_eq "a memory hog is OOM-killed (128+9)" "$rc" 137
expect_no_leftovers "oom"

# Limits are visible from inside (the cgroup namespace shows our own cgroup).
cfg "$b" '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
if [ -n "$CG_V2" ]; then
  args "$b" sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max; cat /proc/self/cgroup'
  expect_eq "limits read back inside (v2)" "$(crl run --bundle "$b" cgt-read | tr '\n' ' ')" "67108864 20 0::/ "
else
  args "$b" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; grep -E "^[0-9]+:(memory|pids):" /proc/self/cgroup'
  expect_eq "limits read back inside (v1), own cgroup is the root" "$(crl run --bundle "$b" cgt-read | sed 's/^[0-9]*://' | sort | tr '\n' ' ')" "20 67108864 memory:/ pids:/ "
fi

# pids.limit stops a fork bomb; the count is read from outside, which the
# limit does not bind.
cfg "$b" '.linux.resources.pids = {"limit": 10} | del(.linux.resources.memory)'
# (busybox sh exits when a fork fails: a subshell forks, pid 1 survives.)
args "$b" sh -c '(i=0; while [ $i -lt 30 ]; do sleep 30 & i=$((i+1)); done); exec sleep 30'
crl run -d --bundle "$b" cgt-pids >/dev/null 2>&1
sleep 1
d=$(cgdir pids cgt-pids)
cur=$(cat "$d/pids.current" 2>/dev/null)
if [ -n "$cur" ] && [ "$cur" -ge 5 ] && [ "$cur" -le 10 ]; then ok "pids.limit caps the number of tasks ($cur of 30 wanted)"
else not_ok "pids.limit caps the number of tasks" "pids.current=$cur"; fi
if [ -n "$CG_V2" ]; then ev=$(grep -o 'max [0-9]*' "$d/pids.events"); else ev="max $(grep -o '^max [0-9]*' "$d/pids.events" | cut -d' ' -f2)"; fi
expect_match "and forks were refused (pids.events)" "$ev" '^max [1-9]'
crl delete -f cgt-pids
expect_no_cg_leftovers "pids"

# A hybrid host (this one): the container also has its path in the
# controller-less cgroup2 hierarchy, as runc gives it (systemd tracks by it).
if [ -z "$CG_V2" ] && [ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
  cfg "$b" 'del(.linux.resources.pids) | .linux.cgroupsPath = "/cgt-hyb/inner"'
  args "$b" sleep 30
  crl run -d --bundle "$b" cgt-hybrid >/dev/null 2>&1
  p=$(crl state cgt-hybrid 2>/dev/null | jq -r .pid)
  expect_eq "hybrid: the init's cgroup2 path is its v1 path" "$(grep -E '^(0::|[0-9]+:memory:)' /proc/$p/cgroup | cut -d: -f3 | tr '\n' ' ')" "/cgt-hyb/inner /cgt-hyb/inner "
  expect_eq "hybrid: an exec'd process joins it too" "$(crl exec cgt-hybrid cat /proc/self/cgroup | grep '^0::')" "0::/"
  crl delete -f cgt-hybrid
  expect_eq "hybrid: nothing left in the cgroup2 hierarchy either" "$(ls -d /sys/fs/cgroup/unified/cgt-hyb 2>/dev/null)" ""
  cfg "$b" 'del(.linux.cgroupsPath)'
fi

# cpus pin.
cfg "$b" 'del(.linux.resources.pids) | .linux.resources.cpu = {"cpus": "0"}'
args "$b" sh -c 'grep Cpus_allowed_list /proc/self/status'
expect_match "cpu.cpus pins the container" "$(crl run --bundle "$b" cgt-cpus)" 'Cpus_allowed_list:[[:space:]]+0$'

# A CPU quota throttles a busy loop: count iterations in 2 s of wall time
# (no forks: the time comes from /proc/uptime), with and without 20% of a
# CPU; expect well under half.
count_loop='read up _ < /proc/uptime; t=${up%.*}${up#*.}; end=$((t + 200)); i=0
  while :; do i=$((i+1)); if [ $((i % 500)) -eq 0 ]; then read up _ < /proc/uptime; t=${up%.*}${up#*.}; [ $t -ge $end ] && break; fi; done; echo $i'
cfg "$b" 'del(.linux.resources.cpu)'
args "$b" sh -c "$count_loop"
free_run=$(crl run --bundle "$b" cgt-free)
cfg "$b" '.linux.resources.cpu = {"quota": 20000, "period": 100000}'
throttled=$(crl run --bundle "$b" cgt-quota)
if [ -n "$free_run" ] && [ -n "$throttled" ] && [ $((throttled * 2)) -lt "$free_run" ]; then
  ok "cpu quota 20% throttles a busy loop ($throttled vs $free_run iterations)"
else
  not_ok "cpu quota 20% throttles a busy loop" "throttled=$throttled free=$free_run"
fi

# pause stops progress, resume restores it; update changes a live limit.
cfg "$b" 'del(.linux.resources.cpu) | .linux.resources.memory = {"limit": 67108864}'
# (written with a rename, so a reader never sees it half-written)
args "$b" sh -c 'i=0; while :; do i=$((i+1)); echo $i > /tmp/progress.new; mv /tmp/progress.new /tmp/progress; sleep 0.05; done'
crl run -d --bundle "$b" cgt-live >/dev/null 2>&1
sleep 0.5
check "pause" crl pause cgt-live
expect_eq "state says paused" "$(crl state cgt-live | jq -r .status)" paused
p1=$(cat "$b/rootfs/tmp/progress"); sleep 0.5; p2=$(cat "$b/rootfs/tmp/progress")
expect_eq "no progress while paused" "$p2" "$p1"
out=$(crl pause cgt-live 2>&1); rc=$?
expect_match "pause of a paused container fails" "rc=$rc $out" '^rc=1 .*container not running'
check "resume" crl resume cgt-live
sleep 1; p3=$(cat "$b/rootfs/tmp/progress")
if [ -n "$p3" ] && [ -n "$p2" ] && [ "$p3" -gt "$p2" ]; then ok "progress again after resume"; else not_ok "progress again after resume" "$p2 -> $p3"; fi
out=$(crl ps cgt-live)
expect_match "ps lists the container's processes" "$out" 'sh -c i=0'
pid=$(crl state cgt-live | jq -r .pid)
expect_match "ps --format json lists the init pid" "$(crl ps --format json cgt-live)" "^\[(.*,)?$pid(,.*)?\]$"
check "update --memory 48m --pids-limit 7" crl update --memory 48m --pids-limit 7 cgt-live
if [ -n "$CG_V2" ]; then
  got="$(cat "$(cgdir memory cgt-live)/memory.max") $(cat "$(cgdir pids cgt-live)/pids.max")"
else
  got="$(cat "$(cgdir memory cgt-live)/memory.limit_in_bytes") $(cat "$(cgdir pids cgt-live)/pids.max")"
fi
expect_eq "update changed the live limits" "$got" "50331648 7"
echo '{"pids": {"limit": 9}}' | crl update -r - cgt-live
expect_eq "update -r - (resources JSON on stdin)" "$(cat "$(cgdir pids cgt-live)/pids.max")" 9
# --memory -1 lifts the limit, memory+swap with it (runc: a memsw limit
# left in place would make the write fail).
if [ -z "$CG_V2" ] && [ -f "$(cgdir memory cgt-live)/memory.memsw.limit_in_bytes" ]; then
  check "update --memory 32m --memory-swap 64m" crl update --memory 32m --memory-swap 64m cgt-live
  check "update --memory -1 after a swap limit (v1)" crl update --memory -1 cgt-live
  expect_eq "memory and memory+swap are both unlimited again" \
    "$(cat "$(cgdir memory cgt-live)/memory.limit_in_bytes") $(cat "$(cgdir memory cgt-live)/memory.memsw.limit_in_bytes")" \
    "$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) $(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)"
fi
# Zero means "not set" (runc): an update of zeros changes nothing.
zeros='{"memory":{"limit":0,"reservation":0,"swap":0,"kernel":0,"kernelTCP":0},"cpu":{"shares":0,"quota":0,"period":0,"realtimeRuntime":0,"realtimePeriod":0,"cpus":"","mems":""},"pids":{"limit":0},"blockIO":{"weight":0,"leafWeight":0,"weightDevice":[{"major":1,"minor":3,"weight":0,"leafWeight":0}]},"network":{"classID":0}}'
echo "$zeros" | crl update -r - cgt-live >"$T_ROOT/zero.out" 2>&1
expect_eq "update -r of Docker-style zeros succeeds" "$?$(cat "$T_ROOT/zero.out")" 0
expect_eq "update -r of zeros leaves pids.max" "$(cat "$(cgdir pids cgt-live)/pids.max")" 9
check "update --cpu-share 0 --cpu-quota 0 --cpu-period 0 --blkio-weight 0 --pids-limit 0" \
  crl update --cpu-share 0 --cpu-quota 0 --cpu-period 0 --blkio-weight 0 --pids-limit 0 cgt-live
expect_eq "zero flags leave pids.max" "$(cat "$(cgdir pids cgt-live)/pids.max")" 9
out=$(crl update --memory lots cgt-live 2>&1); rc=$?
expect_match "update with a bad size names the flag" "rc=$rc $out" "^rc=1 .*--memory: expected a size"
# runc 1.2+: --cpu-burst and --cpu-idle; containerd's UpdateContainerResources
# sends the whole linux.resources, device rules included, which runc ignores.
check "update --cpu-quota --cpu-burst --cpu-idle" crl update --cpu-quota 50000 --cpu-burst 10000 --cpu-idle 1 cgt-live
if [ -n "$CG_V2" ]; then got="$(cat "$(cgdir cpu cgt-live)/cpu.max.burst") $(cat "$(cgdir cpu cgt-live)/cpu.idle")"
else got="$(cat "$(cgdir cpu cgt-live)/cpu.cfs_burst_us") $(cat "$(cgdir cpu cgt-live)/cpu.idle")"; fi
expect_eq "cpu burst and idle are written" "$got" "10000 1"
crl update --cpu-idle 0 cgt-live >/dev/null 2>&1   # (shares cannot be written to an idle group)
echo '{"devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":3,"access":"rwm"}],"cpu":{"shares":512},"pids":{"limit":12}}' \
  | crl update -r - cgt-live >"$T_ROOT/upd-dev.out" 2>&1
expect_eq "update -r with device rules (containerd's CRI) applies the rest" "$?$(cat "$T_ROOT/upd-dev.out") $(cat "$(cgdir pids cgt-live)/pids.max")" "0 12"
# memory.checkBeforeUpdate (kubelet's in-place resize): a limit below what
# the container uses (16 MiB in its /dev/shm, which nothing can reclaim
# without swap) is refused and nothing changes.  v2 checks before writing;
# v1's kernel refuses the write itself.
crl exec cgt-live dd if=/dev/zero of=/dev/shm/fill bs=1M count=16 >/dev/null 2>&1
before=$(cat "$(cgdir memory cgt-live)/$( [ -n "$CG_V2" ] && echo memory.max || echo memory.limit_in_bytes)")
out=$(echo '{"memory":{"limit":8388608,"checkBeforeUpdate":true}}' | crl update -r - cgt-live 2>&1); rc=$?
if [ -n "$CG_V2" ]; then
  expect_match "update with memory.checkBeforeUpdate refuses a limit below the usage, naming both" "rc=$rc $out" \
    '^rc=1 .*memory.limit: 8388608 is not above the container.s usage, [0-9]+ bytes \(memory.checkBeforeUpdate\)'
elif [ "$(wc -l < /proc/swaps)" -le 1 ]; then
  expect_match "update with memory.checkBeforeUpdate: v1's kernel refuses a limit below the usage" "rc=$rc" '^rc=1$'
fi
expect_eq "the refused update left the memory limit and the container" \
  "$(cat "$(cgdir memory cgt-live)/$( [ -n "$CG_V2" ] && echo memory.max || echo memory.limit_in_bytes)") $(crl state cgt-live | jq -r .status)" \
  "$before running"
check "update with memory.checkBeforeUpdate and a limit above the usage" \
  sh -c "echo '{\"memory\":{\"limit\":41943040,\"checkBeforeUpdate\":true}}' | '$R' --root '$STATE' update -r - cgt-live"
crl exec cgt-live rm -f /dev/shm/fill
if [ -z "$CG_V2" ] && [ -e "$(cgdir cpu cgt-live)/cpu.rt_period_us" ]; then
  check "update --cpu-rt-period 900000 --cpu-rt-runtime 600000" crl update --cpu-rt-period 900000 --cpu-rt-runtime 600000 cgt-live
  check "update --cpu-rt-period 10000 --cpu-rt-runtime 3000 (a period below the old runtime)" \
    crl update --cpu-rt-period 10000 --cpu-rt-runtime 3000 cgt-live
  expect_eq "realtime period and runtime written in the order the kernel takes" \
    "$(cat "$(cgdir cpu cgt-live)/cpu.rt_period_us") $(cat "$(cgdir cpu cgt-live)/cpu.rt_runtime_us")" "10000 3000"
  crl update --cpu-rt-runtime 0 cgt-live >/dev/null 2>&1
fi
st=$(crl events --stats cgt-live)
expect_match "events --stats reports memory usage" "$(echo "$st" | jq -r '.type + " " + (.data.memory.usage.usage | tostring)')" '^stats [1-9][0-9]*$'
expect_match "events --stats reports pids and cpu" "$(echo "$st" | jq -r '"\(.data.pids.current) \(.data.cpu.usage.total)"')" '^[1-9][0-9]* [1-9][0-9]*$'
check "kill --all through the cgroup" crl kill --all cgt-live KILL
for i in $(seq 50); do [ "$(crl state cgt-live | jq -r .status)" = stopped ] && break; sleep 0.1; done
expect_eq "stopped after kill --all" "$(crl state cgt-live | jq -r .status)" stopped
check "delete" crl delete cgt-live
expect_no_cg_leftovers "live"

# delete --force of a paused container.
crl run -d --bundle "$b" cgt-fp >/dev/null 2>&1
crl pause cgt-fp
check "delete --force of a paused container" crl delete --force cgt-fp
expect_no_leftovers "paused delete"
expect_no_cg_leftovers "paused delete"

# Docker writes zeros for every limit it was not given: each is "not set";
# its pids limit it writes as -1 (moby's getPidsLimit: 0 and below).
cfg "$b" --argjson z "$zeros" '.linux.resources = ({"devices": [{"allow": false, "access": "rwm"}]} + $z + {"pids": {"limit": -1}})'
args "$b" true
check "create with Docker-style zero resources (cpu shares, blkio weight, ...)" crl create --bundle "$b" cgt-zero
if [ -n "$CG_V2" ]; then
  got="$(cat "$(cgdir memory cgt-zero)/memory.max") $(cat "$(cgdir cpu cgt-zero)/cpu.max") $(cat "$(cgdir cpu cgt-zero)/cpu.weight") $(cat "$(cgdir pids cgt-zero)/pids.max")"
  want="max max 100000 100 max"
else
  got="$(cat "$(cgdir memory cgt-zero)/memory.limit_in_bytes") $(cat "$(cgdir cpu cgt-zero)/cpu.shares") $(cat "$(cgdir cpu cgt-zero)/cpu.cfs_quota_us") $(cat "$(cgdir pids cgt-zero)/pids.max")"
  want="$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes) 1024 -1 max"
fi
expect_eq "zero resources leave every limit at its default" "$got" "$want"
crl delete -f cgt-zero >/dev/null 2>&1
# runtime-spec 1.3: pids.limit 0 in a config is a limit (no new task), -1
# none, absent untouched; written as 1 (the init alone), as runc does: 0
# would refuse the init itself where it is born in the cgroup (v2).
cfg "$b" '.linux.resources.pids.limit = 0'
check "create with pids.limit 0" crl create --bundle "$b" cgt-zero
expect_eq "pids.limit 0 is a limit: the init alone (runtime-spec 1.3, runc)" "$(cat "$(cgdir pids cgt-zero)/pids.max")" 1
crl delete -f cgt-zero
# A blkio weight goes to the file the kernel has (blkio.bfq.weight on 6.x);
# v2's io.weight takes runc's conversion 1 + (w - 10) * 9999 / 990: 300 -> 2930.
cfg "$b" '.linux.resources = {"blockIO": {"weight": 300}}'
# (to a file: the created init holds its stdio until it runs)
crl create --bundle "$b" cgt-bw >"$T_ROOT/bw.out" 2>&1 </dev/null; rc=$?; out=$(cat "$T_ROOT/bw.out")
if [ $rc -ne 0 ] && echo "$out" | grep -q "has neither"; then
  skip "blockIO.weight is applied where the kernel has it" "no weight file in this kernel's cgroups: $out"
else
  expect_eq "create with blockIO.weight 300" "rc=$rc" "rc=0"
  if [ -n "$CG_V2" ]; then d=$(cgdir io cgt-bw); got=$(cat "$d/io.weight" "$d/io.bfq.weight" 2>/dev/null | tr '\n' ' ')
  else d=$(cgdir blkio cgt-bw); got=$(cat "$d/blkio.weight" "$d/blkio.bfq.weight" 2>/dev/null | tr '\n' ' '); fi
  expect_match "blockIO.weight is applied where the kernel has it" "$got" '(^| )(default )?(300|2930)( |$)'
  crl delete -f cgt-bw
fi

# A pre-existing frozen cgroup is refused (runc), never waited on forever.
if [ -n "$CG_V2" ]; then fz=/sys/fs/cgroup/crl-frozen; mkdir -p "$fz"; echo 1 > "$fz/cgroup.freeze"
else fz=/sys/fs/cgroup/freezer/crl-frozen; mkdir -p "$fz"; echo FROZEN > "$fz/freezer.state"; fi
cfg "$b" '.linux.resources = {} | .linux.cgroupsPath = "/crl-frozen"'
args "$b" true
out=$(timeout 20 "$R" --root "$STATE" run -d --bundle "$b" cgt-frozen 2>&1 </dev/null); rc=$?
expect_match "run -d in a pre-existing frozen cgroup is refused, not hung" "rc=$rc $out" "^rc=1 .*container's cgroup unexpectedly frozen"
expect_eq "the refused container leaves no state" "$(ls -A "$STATE" | grep -c cgt-frozen)" 0
[ -n "$CG_V2" ] && echo 0 > "$fz/cgroup.freeze" || echo THAWED > "$fz/freezer.state"
rmdir /sys/fs/cgroup/*/crl-frozen /sys/fs/cgroup/crl-frozen 2>/dev/null
cfg "$b" 'del(.linux.cgroupsPath)'

# Devices: a denied device cannot be opened, even after mknod.
cfg "$b" '.linux.resources = {"devices": [{"allow": false, "access": "rwm"}]} | .process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
args "$b" sh -c 'mknod /tmp/mem c 1 1 2>&1; head -c 1 /tmp/mem >/dev/null 2>&1 && echo opened || echo denied; head -c 1 /dev/zero | wc -c'
out=$(crl run --bundle "$b" cgt-dev 2>&1)
expect_match "a denied device (1:1 mem) cannot be opened" "$out" 'denied|Operation not permitted'
expect_match "allowed default devices still work" "$(echo "$out" | tail -n 1)" '^1$'

# linux.devices makes a node, resources.devices says what may be done with
# it (runc's meaning; engines write both): a device listed in linux.devices
# and denied, or allowed "r" only (/dev/fuse opens without privilege), opens at most for reading.
# /dev/fuse must open on this kernel (a module may be missing in a guest).
if (exec </dev/fuse) 2>/dev/null; then
  dev='{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":438,"uid":0,"gid":0}'
  args "$b" sh -c 'exec 2>/dev/null; (exec < /dev/fuse) && echo read-ok || echo read-denied; (exec > /dev/fuse) && echo write-ok || echo write-denied'
  for rules in '[{"allow":false,"access":"rwm"}]|read-denied write-denied' \
               '[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":229,"access":"r"}]|read-ok write-denied' \
               '[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":229,"access":"rw"},{"allow":false,"type":"c","major":10,"minor":229,"access":"w"}]|read-ok write-denied' \
               '[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":10,"minor":229,"access":"ra"}]|read-ok write-denied' \
               'none|read-denied write-denied'; do
    want=${rules#*|}; rules=${rules%%|*}
    if [ "$rules" = none ]; then cfg "$b" --argjson d "[$dev]" '.linux.devices = $d | del(.linux.resources)'
    else cfg "$b" --argjson d "[$dev]" --argjson r "$rules" '.linux.devices = $d | .linux.resources = {"devices": $r}'; fi
    out=$(crl run --bundle "$b" cgt-kmsg 2>&1)
    expect_eq "linux.devices /dev/fuse with resources.devices $rules: $want" "$(echo "$out" | tr '\n' ' ')" "$want "
  done
else
  skip "linux.devices and resources.devices on /dev/fuse" "/dev/fuse does not open on this host"
fi
cfg "$b" '.linux.devices = []'

# cgroupsPath: absolute and nested; every directory made is removed again.
cfg "$b" '.linux.resources = {"pids": {"limit": 50}} | .linux.cgroupsPath = "/cgt-parent/cgt-nested/ctr"'
args "$b" true
check "absolute nested cgroupsPath" crl run --bundle "$b" cgt-path
expect_no_cg_leftovers "nested cgroupsPath (parents too)"
cfg "$b" '.linux.cgroupsPath = "cgt-rel/x"'
args "$b" sh -c 'sleep 30'
crl run -d --bundle "$b" cgt-rel >/dev/null 2>&1
own=$(grep -E '^[0-9]+:pids:|^0::' /proc/self/cgroup | head -n 1 | cut -d: -f3)
if [ -n "$CG_V2" ]; then
  # v2: below the parent of the runtime's cgroup (as runc: its own cgroup
  # has processes, so it can enable no controller for a child).
  parent=$(dirname "$own")
  expect_eq "relative cgroupsPath is below the parent of the runtime's cgroup (v2)" "$(cgdir pids cgt-rel)" "/sys/fs/cgroup${parent%/}/cgt-rel/x"
else
  expect_eq "relative cgroupsPath is below the runtime's own cgroup (v1)" "$(cgdir pids cgt-rel)" "/sys/fs/cgroup/pids${own%/}/cgt-rel/x"
fi
crl delete -f cgt-rel
expect_no_cg_leftovers "relative cgroupsPath"
cfg "$b" '.linux.cgroupsPath = "/a/../../etc"'
out=$(crl run --bundle "$b" cgt-dots 2>&1); rc=$?
expect_match "a cgroupsPath with .. is refused" "rc=$rc $out" '^rc=1 .*linux.cgroupsPath: .* must not contain'
cfg "$b" 'del(.linux.cgroupsPath)'

# Values the host cannot apply fail create, naming the field and the file;
# nothing is left in any hierarchy.
if [ -n "$CG_V2" ]; then
  cfg "$b" '.linux.resources = {"unified": {"memory.nonexistent": "1"}}'
  out=$(crl run --bundle "$b" cgt-bad 2>&1); rc=$?
  expect_match "unified: a file that does not exist" "rc=$rc $out" "^rc=1 .*linux.resources.unified.memory.nonexistent: this host's cgroup has no \`memory.nonexistent\`"
else
  cfg "$b" '.linux.resources = {"unified": {"memory.max": "1"}}'
  out=$(crl run --bundle "$b" cgt-bad 2>&1); rc=$?
  expect_match "unified is refused on v1" "rc=$rc $out" '^rc=1 .*linux.resources.unified: invalid configuration: needs cgroup v2'
  cfg "$b" '.linux.resources = {"pids": {"limit": 10}, "cpu": {"cpus": "0-999"}}'
  out=$(crl run --bundle "$b" cgt-bad 2>&1); rc=$?
  expect_match "an impossible cpuset names field and file" "rc=$rc $out" '^rc=1 .*linux.resources.cpu.cpus: write `0-999` to `.*/cpuset.cpus`'
fi
expect_no_leftovers "bad resources"
expect_no_cg_leftovers "bad resources"
cfg "$b" '.linux.resources = {"memory": {"limit": 1000}}'
out=$(crl run --bundle "$b" cgt-tiny 2>&1); rc=$?
expect_match "a memory limit below usage fails clearly" "rc=$rc $out" '^rc=1 '
expect_no_leftovers "tiny memory"
expect_no_cg_leftovers "tiny memory"
# (--systemd-cgroup: tests/e2e/t_systemd.sh.)
