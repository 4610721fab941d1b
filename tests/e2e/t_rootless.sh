# Rootless: a real unprivileged user runs containers (runuser), checked from
# the outside: the processes are that user's, it cannot write what the user
# cannot, and nothing is left behind.

ru=crl-rootless
if ! id "$ru" >/dev/null 2>&1; then
  useradd -M -d /nonexistent -s /bin/sh "$ru" >/dev/null 2>&1
fi
ruid=$(id -u "$ru"); rgid=$(id -g "$ru")
# (useradd may have given the user ranges already; else give one.)
grep -q "^$ru:" /etc/subuid 2>/dev/null || echo "$ru:300000:65536" >> /etc/subuid
grep -q "^$ru:" /etc/subgid 2>/dev/null || echo "$ru:300000:65536" >> /etc/subgid
subu=$(awk -F: -v u="$ru" '$1 == u {print $2; exit}' /etc/subuid)
subg=$(awk -F: -v u="$ru" '$1 == u {print $2; exit}' /etc/subgid)
# Live processes of the user (a zombie awaiting this host's reaper is gone).
user_procs () { ps -u "$ru" -o stat= 2>/dev/null | grep -vc Z; }
rdir="$T_ROOT/rootless"; mkdir -p "$rdir/run" "$rdir/bundle"
cp -a "$BASE_ROOTFS" "$rdir/bundle/rootfs"
chown -R "$ru:$rgid" "$rdir"
as_user () { runuser -u "$ru" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$rdir/run" timeout -k 5 30 "$R" "$@"; }
rb="$rdir/bundle"

check "spec --rootless as the user" sh -c "cd '$rb' && runuser -u '$ru' -- '$R' spec --rootless"
jq '.process.args = ["sh","-c","id -u; cat /proc/self/uid_map; touch /etc/x && echo wrote-etc"] | .root.readonly = false | .process.terminal = false' "$rb/config.json" > "$rb/c" && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
out=$(as_user run --bundle "$rb" r1 2>&1)
expect_match "rootless run: root inside" "$out" '^0$'
expect_match "rootless run: the caller's uid mapped to 0" "$out" "^ +0 +$ruid +1$"
expect_match "warns once that it runs without a cgroup" "$out" 'warning: running without a cgroup'
expect_eq "state lives under XDG_RUNTIME_DIR and is removed" "$(ls -A "$rdir/run/crun-lite" 2>/dev/null)" ""

# The container's processes are the user's on the host; the user's limits hold.
jq --arg h /etc '.process.args = ["sleep","30"] | .mounts += [{"destination":"/hostetc","type":"bind","source":$h,"options":["rbind"]}]' "$rb/config.json" > "$rb/c" && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
as_user run -d --bundle "$rb" r2 >/dev/null 2>&1
pid=$(as_user state r2 | jq -r .pid)
expect_eq "the container's init runs as the user's uid on the host" "$(ps -o uid= -p "$pid" | tr -d ' ')" "$ruid"
expect_eq "list works as the user" "$(as_user list -q)" r2
o=$(as_user exec r2 sh -c 'touch /hostetc/crl-rootless-test 2>&1; id -u')
expect_match "it cannot write what the user cannot (a bind of the host's /etc)" "$o" 'Permission denied|Read-only'
expect_eq "nothing was written to the host's /etc" "$(ls /etc/crl-rootless-test 2>/dev/null)" ""
check "kill as the user" as_user kill r2 KILL
sleep 0.3
check "delete as the user" as_user delete r2
expect_eq "nothing left in the user's state dir" "$(ls -A "$rdir/run/crun-lite" 2>/dev/null)" ""
expect_eq "no process of the user left" "$(user_procs)" 0

# Several ranges from /etc/subuid through newuidmap/newgidmap.
if command -v newuidmap >/dev/null; then
  jq --argjson u "$ruid" --argjson g "$rgid" --argjson su "$subu" --argjson sg "$subg" '.process.args = ["sh","-c","cat /proc/self/uid_map"] | .mounts |= map(select(.destination != "/hostetc"))
     | .linux.uidMappings = [{"containerID":0,"hostID":$u,"size":1},{"containerID":1,"hostID":$su,"size":65536}]
     | .linux.gidMappings = [{"containerID":0,"hostID":$g,"size":1},{"containerID":1,"hostID":$sg,"size":65536}]' "$rb/config.json" > "$rb/c" && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
  out=$(as_user run --bundle "$rb" r3 2>&1)
  expect_match "subuid ranges mapped by newuidmap" "$(echo "$out" | grep -v warning | tr -s ' ' | tr '\n' '|')" "0 $ruid 1\| 1 $subu 65536\|"
  jq '.linux.uidMappings[1].hostID = 100' "$rb/config.json" > "$rb/c" && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
  out=$(as_user run --bundle "$rb" r4 2>&1); rc=$?
  expect_eq "a range the user does not own is refused" "$rc" 1
  expect_match "... with the field and the file named" "$out" 'linux.uidMappings: newuidmap refused the mapping: the ranges must be yours in /etc/subuid'
else
  skip "subuid ranges mapped by newuidmap" "uidmap is not installed"
fi

# An overlay mount made inside the user namespace (kernels >= 5.11 allow it
# unprivileged): lower from the user's files, writes land in the user's upper.
ovl="$rdir/ovl"; mkdir -p "$ovl/lower" "$ovl/upper" "$ovl/work"; echo from-lower > "$ovl/lower/l"; chown -R "$ru:$rgid" "$ovl"
jq --arg o "lowerdir=$ovl/lower,upperdir=$ovl/upper,workdir=$ovl/work" 'del(.linux.uidMappings[1]) | del(.linux.gidMappings[1]) | .process.args = ["sh","-c","cat /ovl/l; echo from-container > /ovl/u"]
    | .mounts += [{"destination":"/ovl","type":"overlay","source":"overlay","options":[$o]}]' "$rb/config.json" > "$rb/c" \
  && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
out=$(as_user run --bundle "$rb" r-ovl 2>&1 | grep -v warning)
expect_eq "rootless: an overlay mount inside the user namespace" "$out $(cat "$ovl/upper/u" 2>/dev/null) $(stat -c %U "$ovl/upper/u" 2>/dev/null)" \
  "from-lower from-container $ru"
jq '.mounts |= map(select(.destination != "/ovl"))' "$rb/config.json" > "$rb/c" && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"

# A limit needs a cgroup the user can write: a clear error, nothing left.
jq '.process.args = ["true"] | del(.linux.uidMappings[1]) | del(.linux.gidMappings[1]) | .linux.resources = {"memory": {"limit": 67108864}}' "$rb/config.json" > "$rb/c" && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
out=$(as_user run --bundle "$rb" r5 2>&1); rc=$?
expect_match "a memory limit without a delegated cgroup says what to do" "rc=$rc $out" "rc=1 .*linux.resources: limits need a cgroup this user can write: delegate one to user $ruid"
expect_eq "nothing left after the refused limit" "$(ls -A "$rdir/run/crun-lite" 2>/dev/null)$(user_procs)" "0"
out=$(runuser -u "$ru" -- env -i PATH=/usr/bin:/bin "$R" list 2>&1); rc=$?
expect_match "no XDG_RUNTIME_DIR and no /run/user/UID: an error naming the variable" "rc=$rc $out" 'rc=1 .*XDG_RUNTIME_DIR is not set'
out=$(runuser -u "$ru" -- env -i PATH=/usr/bin:/bin XDG_RUNTIME_DIR= "$R" list 2>&1); rc=$?
expect_match "an empty XDG_RUNTIME_DIR counts as unset" "rc=$rc $out" 'rc=1 .*XDG_RUNTIME_DIR is not set'

# Rootless podman's way: the runtime runs as uid 0 inside a user namespace
# the engine made (a partial uid_map), with a config that has no user
# namespace.  It must behave rootless: no mknod, no host cgroup writes.
pb="$rdir/podmanlike"; mkdir -p "$pb"
cp -a "$BASE_ROOTFS" "$pb/rootfs"
spec_for_scripts "$pb"
jq '.linux.namespaces |= map(select(.type != "cgroup")) | del(.linux.resources) | .mounts |= map(select(.type != "cgroup"))
    | .process.args = ["sh","-c","id -u; ls -ln /dev/null | cut -c1; grep -c devpts /proc/self/mountinfo"]' "$pb/config.json" > "$pb/c" && mv "$pb/c" "$pb/config.json"
chown -R "$ru:$rgid" "$pb"
out=$(runuser -u "$ru" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$rdir/run" \
      unshare -U -r -m timeout -k 5 30 "$R" run --bundle "$pb" pod1 2>&1)
expect_match "uid 0 in a partial user namespace: the container runs" "$(echo "$out" | grep -v warning | tr '\n' ' ')" '^0 c 1 $'
expect_match "... and behaves rootless (no host cgroup)" "$out" 'warning: running without a cgroup'
expect_eq "nothing left (partial user namespace)" "$(ls -A "$rdir/run/crun-lite" 2>/dev/null)$(user_procs)" "0"

# A delegated cgroup v2 subtree (what systemd's user@UID.service gives): the
# user owns /sys/fs/cgroup/crl-deleg-UID, the runtime runs from a leaf of it,
# and a container placed in it gets a memory limit that binds.
if [ "$(stat -f -c %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ] && grep -qw memory /sys/fs/cgroup/cgroup.subtree_control; then
  deleg=/sys/fs/cgroup/crl-deleg-$ruid
  mkdir -p "$deleg/runner"
  chown "$ru" "$deleg" "$deleg/cgroup.procs" "$deleg/cgroup.subtree_control" "$deleg/cgroup.threads" \
    "$deleg/runner" "$deleg/runner/cgroup.procs" "$deleg/runner/cgroup.threads"
  # as_user_in_deleg ARGS: the runtime as the user, started from $deleg/runner.
  as_user_in_deleg () {
    sh -c 'echo $$ > "$0/runner/cgroup.procs" && exec "$@"' "$deleg" \
      runuser -u "$ru" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin XDG_RUNTIME_DIR="$rdir/run" timeout -k 5 60 "$R" "$@"
  }
  jq --arg cg "/crl-deleg-$ruid/rl-mem" '.linux.cgroupsPath = $cg | .linux.resources = {"memory": {"limit": 33554432, "swap": 33554432}, "pids": {"limit": 50}}
      | .process.args = ["sleep","30"]' \
    "$rb/config.json" > "$rb/c" && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
  as_user_in_deleg run -d --bundle "$rb" rl-mem >/dev/null 2>&1
  rpid=$(as_user state rl-mem | jq -r .pid)
  expect_eq "delegated v2 subtree: the user's container is in its cgroup with its memory and pids limits" \
    "$(cat /proc/"$rpid"/cgroup) $(cat "$deleg/rl-mem/memory.max" "$deleg/rl-mem/pids.max" 2>&1 | tr '\n' ' ')" \
    "0::/crl-deleg-$ruid/rl-mem 33554432 50 "
  as_user kill rl-mem KILL; sleep 0.3; as_user delete -f rl-mem
  jq '.process.args = ["sh","-c","x=$(head -c 200000000 /dev/zero | tr \"\\0\" a); echo survived"]' "$rb/config.json" > "$rb/c" \
    && mv "$rb/c" "$rb/config.json" && chown "$ru" "$rb/config.json"
  as_user_in_deleg run --bundle "$rb" rl-oom >/dev/null 2>&1; rc=$?
  expect_eq "delegated v2 subtree: a memory hog is OOM-killed under the user's limit (128+9)" "$rc" 137
  expect_eq "delegated v2 subtree: the container's cgroup is removed" "$(ls -d "$deleg"/rl-* 2>/dev/null)" ""
  expect_eq "nothing left (delegated subtree)" "$(ls -A "$rdir/run/crun-lite" 2>/dev/null)$(user_procs)" "0"
  rmdir "$deleg/runner" "$deleg" 2>/dev/null
else
  skip "delegated cgroup v2 subtree with a binding memory limit" "not a cgroup v2 host with the memory controller (tests/vm runs it)"
fi
