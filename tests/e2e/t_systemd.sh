# The systemd cgroup driver (--systemd-cgroup).  Where systemd is not PID 1
# (this host), it must refuse clearly and leave nothing; where it is (the
# tests/vm guest booted with CRL_VM_SYSTEMD=1), the container's cgroup is a
# transient scope that systemd knows, with the limits as its properties.

sd_leftovers () {
  find /sys/fs/cgroup -mindepth 1 -type d \( -name '*sdt-*' -o -name '*sdt_*' \) 2>/dev/null | head -n 5
  if [ -d /run/systemd/system ]; then
    systemctl list-units --all --no-legend --plain 'crun-lite-sdt-*' 'sdtest-*' 2>/dev/null | awk '{print $1}'
  fi
}
expect_no_sd_leftovers () { expect_eq "$1: no unit, no cgroup left" "$(sd_leftovers | tr '\n' ' ')" ""; expect_no_leftovers "$1"; }

b=$(new_bundle sd)
cfg "$b" '.root.readonly = false'

# A cgroupsPath that is not slice:prefix:name is refused before anything is made.
for p in "nocolons" "a:b:c:d" "system.slice:x:a/b" "notaslice:x:y"; do
  cfg "$b" --arg p "$p" '.linux.cgroupsPath = $p'
  out=$(crl --systemd-cgroup run --bundle "$b" sdt-badpath 2>&1); rc=$?
  if [ "$rc" -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "linux.cgroupsPath \`$p\`"; then
    ok "--systemd-cgroup: cgroupsPath \`$p\` refused in one line naming it"
  else not_ok "--systemd-cgroup: cgroupsPath \`$p\` refused in one line naming it" "rc=$rc" "$out"; fi
done
expect_no_sd_leftovers "bad cgroupsPath"
cfg "$b" 'del(.linux.cgroupsPath)'

if [ ! -d /run/systemd/system ]; then
  args "$b" true
  out=$(crl --systemd-cgroup run --bundle "$b" sdt-nosd 2>&1); rc=$?
  if [ "$rc" -ne 0 ] && [ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s' "$out" | grep -q "systemd is not running"; then
    ok "--systemd-cgroup without systemd: a one-line error, no fallback"
  else not_ok "--systemd-cgroup without systemd: a one-line error, no fallback" "rc=$rc" "$out"; fi
  expect_no_sd_leftovers "no systemd"
  skip "systemd driver against a running systemd" "systemd is not PID 1 here (run with CRL_VM_SYSTEMD=1 tests/vm/run-in-vm.sh)"
else

# show UNIT PROPERTY: systemd's value of a unit property.
show () { systemctl show -p "$2" --value "$1" 2>/dev/null; }
# The same checks on both layouts, through these names: on v1 (systemd's
# hybrid or legacy mode) each controller has its own hierarchy.
if [ "$(stat -f -c %T /sys/fs/cgroup)" = cgroup2fs ]; then
  SD_V2=1; MEM_MAX=memory.max; CPU_QUOTA=cpu.max; FREEZE=cgroup.freeze; MEM_PROP=MemoryMax
  sd_cg () { echo "/sys/fs/cgroup$2"; }     # sd_cg CONTROLLER UNIT-CGROUP: its directory
else
  SD_V2=""; MEM_MAX=memory.limit_in_bytes; CPU_QUOTA=cpu.cfs_quota_us; FREEZE=freezer.state; MEM_PROP=MemoryLimit
  sd_cg () { echo "/sys/fs/cgroup/$1$2"; }
fi
frozen () { if [ -n "$SD_V2" ]; then echo 1; else echo FROZEN; fi; }
thawed () { if [ -n "$SD_V2" ]; then echo 0; else echo THAWED; fi; }

# The default: no cgroupsPath -> system.slice/crun-lite-ID.scope.
args "$b" sleep 60
check "--systemd-cgroup run -d (no cgroupsPath)" crl --systemd-cgroup run -d --bundle "$b" sdt-def
pid=$(crl state sdt-def | jq -r .pid)
expect_eq "the default unit is active" "$(show crun-lite-sdt-def.scope ActiveState)" active
expect_eq "the default unit is in system.slice" "$(show crun-lite-sdt-def.scope Slice)" system.slice
expect_eq "systemd reports the scope's cgroup" "$(show crun-lite-sdt-def.scope ControlGroup)" "/system.slice/crun-lite-sdt-def.scope"
if [ -n "$SD_V2" ]; then
  expect_eq "the init is in the scope's cgroup" "$(cat /proc/$pid/cgroup)" "0::/system.slice/crun-lite-sdt-def.scope"
else
  expect_match "the init is in the scope's memory, pids and systemd cgroups" \
    "$(grep -E '^[0-9]+:(name=systemd|memory|pids):' /proc/$pid/cgroup | grep -c ':/system.slice/crun-lite-sdt-def.scope$')" '^3$'
fi
expect_eq "exec joins the scope (its cgroup namespace root)" "$(crl exec sdt-def cat /proc/self/cgroup | grep -v ':/$')" ""
check "delete --force" crl delete --force sdt-def
expect_eq "delete: systemd no longer has the unit" "$(show crun-lite-sdt-def.scope LoadState)" not-found
expect_no_sd_leftovers "default scope"

# slice:prefix:name, as podman passes it, with limits.
cfg "$b" '.linux.cgroupsPath = "machine.slice:sdtest:abc"
  | .linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}
  | .linux.resources.cpu = {"quota": 50000, "period": 100000, "shares": 512}
  | .process.capabilities |= with_entries(.value += ["CAP_MKNOD"])'
args "$b" sleep 60
check "--systemd-cgroup create (machine.slice:sdtest:abc)" crl --systemd-cgroup create --bundle "$b" sdt-lim
check "start" crl start sdt-lim
u=sdtest-abc.scope
ucg=/machine.slice/$u
mem=$(sd_cg memory $ucg) pids=$(sd_cg pids $ucg) cpu=$(sd_cg cpu $ucg) frz=$(sd_cg freezer $ucg)
expect_eq "the unit is sdtest-abc.scope in machine.slice" "$(show $u Slice) $(show $u ControlGroup)" "machine.slice $ucg"
expect_eq "state.json records the unit" "$(jq -r .systemdUnit "$STATE/sdt-lim/state.json")" "$u"
expect_eq "limits in the scope's cgroup" "$(cat $mem/$MEM_MAX $pids/pids.max $cpu/$CPU_QUOTA | tr '\n' ' ')" \
  "67108864 20 $([ -n "$SD_V2" ] && echo '50000 100000' || echo 50000) "
expect_eq "systemd knows the limits ($MEM_PROP, TasksMax, CPUQuotaPerSecUSec)" \
  "$(show $u $MEM_PROP) $(show $u TasksMax) $(show $u CPUQuotaPerSecUSec)" "67108864 20 500ms"
if [ -n "$SD_V2" ]; then
  expect_eq "cpu shares 512 -> CPUWeight 59 (the curve where 1024 -> 100)" "$(show $u CPUWeight) $(cat $cpu/cpu.weight)" "59 59"
else
  expect_eq "cpu shares 512 -> CPUShares 512" "$(show $u CPUShares) $(cat $cpu/cpu.shares)" "512 512"
fi
expect_eq "Delegate=yes" "$(show $u Delegate)" yes
if [ -n "$SD_V2" ]; then inside='cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'
else inside='cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max'; fi
expect_eq "inside: the limits, and the scope as the cgroup root" \
  "$(crl exec sdt-lim sh -c "$inside; grep -E '^[0-9]+:(memory|pids|):' /proc/self/cgroup | grep -vc ':/\$'" | tr '\n' ' ')" "67108864 20 0 "
ps_out=$(crl ps sdt-lim)
expect_match "ps lists the init" "$ps_out" "sleep 60"
check "pause" crl pause sdt-lim
expect_eq "paused: state and $FREEZE" "$(crl state sdt-lim | jq -r .status) $(cat $frz/$FREEZE)" "paused $(frozen)"
check "resume" crl resume sdt-lim
expect_eq "resumed" "$(crl state sdt-lim | jq -r .status) $(cat $frz/$FREEZE)" "running $(thawed)"

# update changes the cgroup and systemd's view of the unit.
check "update --memory --pids-limit" crl update --memory 134217728 --pids-limit 30 sdt-lim
expect_eq "update: cgroup files" "$(cat $mem/$MEM_MAX $pids/pids.max | tr '\n' ' ')" "134217728 30 "
expect_eq "update: unit properties" "$(show $u $MEM_PROP) $(show $u TasksMax)" "134217728 30"
# systemd writes a unit's properties again when it next realizes it (here,
# when another property changes): the limits must be its own.
systemctl set-property --runtime $u CPUAccounting=yes
expect_eq "limits survive systemd realizing the unit again" "$(cat $mem/$MEM_MAX $pids/pids.max | tr '\n' ' ')" "134217728 30 "
# The device rules are the unit's device policy too: a daemon-reload, which
# realizes every unit again, would otherwise reset a v1 devices cgroup to
# "a *:* rwm" (every host device, to a container with CAP_MKNOD).
expect_eq "systemd knows the device policy (DevicePolicy=strict, the default nodes allowed)" \
  "$(show $u DevicePolicy) $(show $u DeviceAllow | grep -o '/dev/char/1:3 rwm')" "strict /dev/char/1:3 rwm"
systemctl daemon-reload
if [ -n "$SD_V2" ]; then
  expect_eq "after a daemon-reload the container still cannot open an unlisted device (/dev/kmsg)" \
    "$(crl exec sdt-lim sh -c 'mknod /kmsg c 1 11 && head -c 1 /kmsg >/dev/null 2>&1 && echo opened || echo refused; rm -f /kmsg')" refused
else
  dl=$(cat "$(sd_cg devices $ucg)/devices.list" | tr '\n' ',')
  expect_match "after a daemon-reload the devices cgroup is still the container's (no a *:* rwm)" "$dl" '^c \*:\* m,b \*:\* m,.*c 1:3 rwm,.*c 136:\* rwm'
  expect_eq "after a daemon-reload the container still cannot open an unlisted device (/dev/kmsg)" \
    "$(crl exec sdt-lim sh -c 'mknod /kmsg c 1 11 && head -c 1 /kmsg >/dev/null 2>&1 && echo opened || echo refused; rm -f /kmsg')" refused
fi
check "kill" crl kill sdt-lim KILL
for i in $(seq 50); do [ "$(crl state sdt-lim 2>/dev/null | jq -r .status)" = stopped ] && break; sleep 0.1; done
check "delete" crl delete sdt-lim

# cgroup v2: the cpuset as AllowedCPUs/AllowedMemoryNodes and
# memory.oom.group as OOMPolicy (systemd 253+), so that a daemon-reload,
# which realizes every unit again, cannot undo them (kubelet's CPU and
# memory managers, its memory.oom.group).
if [ -n "$SD_V2" ]; then
  cfg "$b" '.linux.resources.cpu = {"cpus": "0", "mems": "0"} | .linux.resources.unified = {"memory.oom.group": "1"}'
  check "--systemd-cgroup run -d with a cpuset and memory.oom.group" crl --systemd-cgroup run -d --bundle "$b" sdt-cpuset
  sdv=$(systemctl --version | awk 'NR == 1 {print $2}')
  expect_eq "systemd knows the cpuset (AllowedCPUs, AllowedMemoryNodes)" "$(show $u AllowedCPUs) $(show $u AllowedMemoryNodes)" "0 0"
  expect_eq "memory.oom.group is written" "$(cat $mem/memory.oom.group)" "1"
  systemctl daemon-reload
  expect_eq "the cpuset survives a daemon-reload" "$(cat $(sd_cg cpuset $ucg)/cpuset.cpus.effective)" "0"
  # (systemd before 253 takes no OOMPolicy for a scope: a reload resets
  # the file there, for every runtime.)
  if [ "$sdv" -ge 253 ]; then
    expect_eq "memory.oom.group is OOMPolicy=kill and survives a daemon-reload" "$(show $u OOMPolicy) $(cat $mem/memory.oom.group)" "kill 1"
  fi
  check "delete --force" crl delete --force sdt-cpuset
  cfg "$b" 'del(.linux.resources.unified)'
fi
expect_eq "delete: unit gone" "$(show $u LoadState)" not-found
expect_eq "delete: cgroup gone" "$(ls -d $mem $pids 2>/dev/null)" ""
expect_no_sd_leftovers "slice:prefix:name"

# A memory hog is OOM-killed under the scope's limit.
cfg "$b" '.linux.cgroupsPath = "machine.slice:sdtest:oom" | .linux.resources = {"memory": {"limit": 33554432}}'
args "$b" sh -c 'x=a; while :; do x="$x$x"; done'
crl --systemd-cgroup run --bundle "$b" sdt-oom >/dev/null 2>&1; rc=$?
expect_eq "a memory hog is OOM-killed under the scope's MemoryMax" "$rc" 137
expect_no_sd_leftovers "oom"

# A failure after the scope was started: the entrypoint does not exist.
cfg "$b" '.linux.cgroupsPath = "machine.slice:sdtest:fail"'
args "$b" /does-not-exist
out=$(crl --systemd-cgroup run --bundle "$b" sdt-fail 2>&1); rc=$?
expect_match "a missing entrypoint fails" "rc=$rc $out" 'rc=[1-9].*does-not-exist'
expect_no_sd_leftovers "failed start"

# A container that ends by itself: its scope ends too; delete still works.
cfg "$b" 'del(.linux.cgroupsPath)'
args "$b" sh -c 'exit 3'
crl --systemd-cgroup run --bundle "$b" sdt-exit >/dev/null 2>&1; rc=$?
expect_eq "the exit status passes through" "$rc" 3
expect_no_sd_leftovers "exited"

# The cgroupfs driver beside systemd: the runtime runs in a service, whose
# cgroup has processes, so a relative cgroupsPath (here the default, the id)
# must go below its parent (as runc) for controllers to be enabled at all.
if [ -n "$SD_V2" ]; then
  cfg "$b" 'del(.linux.cgroupsPath) | .linux.resources = {"memory": {"limit": 50331648}, "pids": {"limit": 9}}'
  args "$b" sh -c 'cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/pids.max'
  own=$(sed -n 's/^0:://p' /proc/self/cgroup)
  expect_eq "cgroupfs driver under systemd: the limits bind with the default cgroupsPath" \
    "$(crl run --bundle "$b" sdt-cgfs 2>&1 | tr '\n' ' ')" "50331648 9 "
  args "$b" sleep 30
  crl run -d --bundle "$b" sdt-cgfs2 >/dev/null 2>&1
  expect_eq "and its cgroup is below the parent of the runtime's cgroup" \
    "$(sed -n 's/^0:://p' /proc/$(crl state sdt-cgfs2 | jq -r .pid)/cgroup)" "$(dirname "$own")/sdt-cgfs2"
  crl delete -f sdt-cgfs2
  expect_no_sd_leftovers "cgroupfs driver under systemd"
fi

# Rootless: an ordinary user's container becomes a scope of the user's own
# manager (user@UID.service, lingering), in the controllers it delegates.
su=crl-sd-user
id "$su" >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh "$su" >/dev/null 2>&1
suid=$(id -u "$su")
if ! loginctl enable-linger "$su" 2>/dev/null; then
  skip "rootless --systemd-cgroup" "loginctl enable-linger failed (no systemd-logind)"
else
  for i in $(seq 100); do [ -S /run/user/$suid/bus ] && break; sleep 0.2; done
  sd_user () { runuser -u "$su" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR=/run/user/$suid timeout -k 5 30 "$R" "$@"; }
  urb="$T_ROOT/sd-rootless"; mkdir -p "$urb"; cp -a "$BASE_ROOTFS" "$urb/rootfs"; chown -R "$su" "$urb"
  (cd "$urb" && runuser -u "$su" -- "$R" spec --rootless)
  jq '.process.terminal = false | .process.args = ["sleep","60"] | .linux.resources = {"memory": {"limit": 67108864}, "pids": {"limit": 20}}' "$urb/config.json" > "$urb/c" \
    && mv "$urb/c" "$urb/config.json" && chown "$su" "$urb/config.json"
  if [ -z "$SD_V2" ]; then
    out=$(sd_user --systemd-cgroup run -d --bundle "$urb" sdt-user 2>&1); rc=$?
    expect_match "rootless --systemd-cgroup on v1: refused in one line (systemd delegates no v1 controller)" \
      "rc=$rc $out" '^rc=1 crun-lite: --systemd-cgroup as an unprivileged user needs cgroup v2'
    expect_no_sd_leftovers "rootless on v1"
  else
  check "rootless --systemd-cgroup run -d" sd_user --systemd-cgroup run -d --bundle "$urb" sdt-user
  upid=$(sd_user state sdt-user | jq -r .pid)
  umgr="/user.slice/user-$suid.slice/user@$suid.service"
  ushow () { runuser -u "$su" -- env XDG_RUNTIME_DIR=/run/user/$suid systemctl --user show -p "$2" --value "$1" 2>/dev/null; }
  expect_eq "the scope belongs to the user's manager" "$(ushow crun-lite-sdt-user.scope ControlGroup)" "$umgr/user.slice/crun-lite-sdt-user.scope"
  expect_eq "the init is in it" "$(grep -E '^(0::|[0-9]+:memory:)' /proc/$upid/cgroup | head -n 1 | cut -d: -f3)" \
    "$umgr/user.slice/crun-lite-sdt-user.scope"
  ucg=$(sd_cg memory "$umgr/user.slice/crun-lite-sdt-user.scope")
  upids=$(sd_cg pids "$umgr/user.slice/crun-lite-sdt-user.scope")
  expect_eq "the limits bind in the user's delegated cgroup" "$(cat $ucg/$MEM_MAX $upids/pids.max 2>&1 | tr '\n' ' ')" "67108864 20 "
  # exec from outside the user's subtree (here a system service, as a
  # login session's scope would be): the move needs the manager.
  out=$(sd_user exec sdt-user cat /proc/self/cgroup 2>&1); rc=$?
  expect_match "rootless exec from outside the user's subtree joins the scope (AttachProcessesToUnit)" "rc=$rc $out" \
    '^rc=0 0::(/|/.*/crun-lite-sdt-user.scope)$'
  check "rootless delete --force" sd_user delete --force sdt-user
  expect_eq "rootless: the user's manager no longer has the unit" "$(ushow crun-lite-sdt-user.scope LoadState)" not-found
  expect_eq "rootless: no cgroup left" "$(ls -d $ucg 2>/dev/null)" ""
  fi
  loginctl disable-linger "$su" 2>/dev/null
fi
fi
