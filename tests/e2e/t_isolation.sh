# Isolation: namespaces, pid 1, hostname, own mount table, read-only root,
# masked and read-only paths, joining namespaces by path.

b=$(new_bundle iso)
args "$b" sh -c 'echo $$'
expect_eq "the process is pid 1 of its pid namespace" "$(crl run --bundle "$b" i1)" 1
args "$b" hostname
expect_eq "hostname from the config" "$(crl run --bundle "$b" i2)" crun-lite
cfg "$b" '.domainname = "example.org"'
args "$b" cat /proc/sys/kernel/domainname
expect_eq "domainname from the config" "$(crl run --bundle "$b" i3)" example.org

args "$b" sh -c 'for x in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$x; done'
inside=$(crl run --bundle "$b" i4)
outside=$(for x in pid net ipc uts mnt cgroup; do readlink /proc/self/ns/$x; done)
for ns in pid net ipc uts mnt cgroup; do
  in=$(echo "$inside" | grep "^$ns:"); out=$(echo "$outside" | grep "^$ns:")
  if [ -n "$in" ] && [ "$in" != "$out" ]; then ok "new $ns namespace"; else not_ok "new $ns namespace" "in: $in" "out: $out"; fi
done
args "$b" readlink /proc/self/ns/user
expect_eq "no user namespace unless asked" "$(crl run --bundle "$b" i5)" "$(readlink /proc/self/ns/user)"

args "$b" cat /proc/self/mountinfo
mi=$(crl run --bundle "$b" i6)
expect_match "the root of the mount table is the rootfs" "$(echo "$mi" | awk '$5 == "/" {print $4}')" "/bundles/iso/rootfs$"
expect_eq "no host path is mounted in the container" "$(echo "$mi" | awk '{print $5}' | grep -c -E '^/(work|tmp/crl-e2e|run/crun-lite)')" 0
expect_eq "the mount table is the config's (proc dev pts shm mqueue sys cgroup...)" \
  "$(echo "$mi" | awk '{print $5}' | grep -E '^/(proc|dev|dev/pts|dev/shm|dev/mqueue|sys|sys/fs/cgroup)$' | sort | tr '\n' ' ')" \
  "/dev /dev/mqueue /dev/pts /dev/shm /proc /sys /sys/fs/cgroup "
expect_eq "the host's mount table is untouched" "$(grep -c "$T_ROOT" /proc/self/mountinfo)" 0

args "$b" sh -c 'touch /newfile 2>&1; echo rc=$?'
expect_match "root.readonly: the root cannot be written" "$(crl run --bundle "$b" i7)" 'Read-only file system'
cfg "$b" '.root.readonly = false'
args "$b" sh -c 'touch /newfile && echo wrote'
expect_eq "root.readonly false: the root can be written" "$(crl run --bundle "$b" i8)" wrote
rm -f "$b/rootfs/newfile"

# Masked paths that exist on this host: files read empty, directories are empty.
masked=""
for p in $(jq -r '.linux.maskedPaths[]' "$b/config.json"); do [ -e "$p" ] && masked="$masked $p"; done
args "$b" sh -c 'for p in "$@"; do if [ -d "$p" ]; then ls -A "$p" | wc -l; else wc -c < "$p"; fi; done' sh $masked
expect_eq "masked paths read empty (file → /dev/null, dir → empty tmpfs):$masked" \
  "$(crl run --bundle "$b" i9 | sort -u | tr '\n' ' ')" "0 "
args "$b" sh -c '{ echo x > /proc/sys/kernel/hostname; } 2>&1; grep -E " /proc/(sys|bus|fs|irq) " /proc/self/mountinfo | grep -c " ro,"'
out=$(crl run --bundle "$b" i10 | tr '\n' ' ')
expect_match "read-only paths cannot be written" "$out" 'Read-only file system'
expect_match "read-only paths are read-only mounts" "$out" ' [3-4] $'
expect_eq "the host hostname is unchanged" "$(hostname)" "$(cat /proc/sys/kernel/hostname)"

args "$b" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes >/dev/null && touch /sys/fs/cgroup/memory/x 2>&1; true'
if [ -d /sys/fs/cgroup/memory ]; then
  expect_match "cgroup mount: readable, not writable" "$(crl run --bundle "$b" i11)" 'Read-only file system'
  # v1: each hierarchy's root is the container's own cgroup (the limit set
  # for it, its own processes only); the skeleton holding them cannot be
  # written, and nothing appears in the host's /sys/fs/cgroup.
  cfg "$b" '.linux.resources.memory = {"limit": 33554432} | .linux.cgroupsPath = "/crl-iso-cg"'
  args "$b" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; ls /sys/fs/cgroup/pids | grep -c "^crl-iso-cg";
    mkdir /sys/fs/cgroup/new 2>&1; { echo x > /sys/fs/cgroup/f; } 2>&1; true'
  before=$(ls -A /sys/fs/cgroup | tr '\n' ' ')
  out=$(crl run --bundle "$b" i12)
  expect_eq "v1 cgroup mount: the memory hierarchy's root is the container's cgroup (its limit)" "$(echo "$out" | sed -n 1p)" 33554432
  expect_eq "... the host's cgroup tree above it is not visible (pids hierarchy)" "$(echo "$out" | sed -n 2p)" 0
  expect_match "... the directory of the hierarchies is read-only" "$(echo "$out" | sed -n '3,4p' | tr '\n' ' ')" \
    "^mkdir: can't create directory '/sys/fs/cgroup/new': Read-only file system .*Read-only file system $"
  expect_eq "... and the host's /sys/fs/cgroup is unchanged" "$(ls -A /sys/fs/cgroup | tr '\n' ' ')" "$before"
  # With a cgroup namespace and "rw", the container's own cgroup is writable
  # (as a fresh mount in its namespace would be), still nothing of the host's.
  cfg "$b" '(.mounts[] | select(.destination == "/sys/fs/cgroup") | .options) |= map(select(. != "ro")) | .process.capabilities.bounding += ["CAP_SYS_ADMIN"] | .process.capabilities.effective += ["CAP_SYS_ADMIN"] | .process.capabilities.permitted += ["CAP_SYS_ADMIN"]'
  args "$b" sh -c 'mkdir /sys/fs/cgroup/pids/sub && echo made; cat /sys/fs/cgroup/pids/sub/pids.max; rmdir /sys/fs/cgroup/pids/sub'
  out=$(crl run --bundle "$b" i13 2>&1 | tr '\n' ' ')
  expect_eq "v1 cgroup mount rw with a cgroup namespace: a child cgroup can be made in its own" "$out" "made max "
  cfg "$b" 'del(.linux.cgroupsPath) | del(.linux.resources.memory)'
else
  skip "cgroup mount: readable, not writable" "no v1 memory hierarchy"
fi

# A new network namespace has lo up (runc, crun): a server on 127.0.0.1 is
# reachable from inside.
args "$b" sh -c 'cat /sys/class/net/lo/flags; (echo pong | nc -l -p 7777 127.0.0.1 >/dev/null &) ; sleep 0.3; echo ping | nc 127.0.0.1 7777'
out=$(crl run --bundle "$b" ilo 2>&1 | tr '\n' ' ')
expect_eq "the new network namespace has lo up, and 127.0.0.1 answers" "$out" "0x9 pong "

# Joining namespaces by path: a second container shares the first one's
# network and pid namespaces (the pid one through the extra fork).
args "$b" sleep 100
crl run -d --bundle "$b" host1 >/dev/null 2>&1
p1=$(crl state host1 | jq -r .pid)
b2=$(new_bundle join)
cfg "$b2" --arg net "/proc/$p1/ns/net" --arg pid "/proc/$p1/ns/pid" \
  '.linux.namespaces = [.linux.namespaces[] | if .type == "network" then .path = $net elif .type == "pid" then .path = $pid else . end]'
args "$b2" sh -c 'readlink /proc/self/ns/net; readlink /proc/self/ns/pid; echo $$'
out=$(crl run --bundle "$b2" joiner)
expect_eq "joined the network namespace by path" "$(echo "$out" | sed -n 1p)" "$(readlink /proc/$p1/ns/net)"
expect_eq "joined the pid namespace by path" "$(echo "$out" | sed -n 2p)" "$(readlink /proc/$p1/ns/pid)"
expect_match "is not pid 1 in the joined pid namespace" "$(echo "$out" | sed -n 3p)" '^([2-9]|[1-9][0-9]+)$'
crl delete -f host1
out=$(crl run --bundle "$b2" badjoin 2>&1)
# (A reaped process has no /proc entry; a zombie still shows its pid namespace.)
expect_match "joining a namespace whose process is gone names the path" "$out" "linux.namespaces: open (pid|network) namespace \`/proc/$p1/ns/(pid|net)\`: No such file"
expect_no_leftovers "isolation"

# No mount namespace in the config: the container shares the runtime's (the
# spec; runc runs it), its mounts are made below the rootfs there and it is
# chrooted into it; delete removes those mounts.  A mount namespace joined
# by path is the container's.
nb=$(new_bundle no-mntns)
cfg "$nb" '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.maskedPaths, .linux.readonlyPaths) | .root.readonly = false'
args "$nb" sh -c 'readlink /proc/self/ns/mnt; ls /bin/sh >/dev/null && echo in-rootfs; grep -c " /proc " /proc/self/mountinfo; sleep 30'
crl run -d --bundle "$nb" nomnt > "$T_ROOT/nomnt.out" 2>&1 </dev/null; sleep 0.5
expect_eq "no mount namespace: runs in the runtime's, inside the rootfs, its /proc mounted" \
  "$(tr '\n' ' ' < "$T_ROOT/nomnt.out")" "$(readlink /proc/self/ns/mnt) in-rootfs 1 "
pid=$(crl state nomnt | jq -r .pid)
expect_eq "no mount namespace: the container's mount namespace is the host's" "$(readlink /proc/$pid/ns/mnt)" "$(readlink /proc/self/ns/mnt)"
expect_match "no mount namespace: its mounts are below the rootfs on the host while it runs" \
  "$(grep -c " $nb/rootfs/proc " /proc/self/mountinfo)" '^[1-9]'
crl delete -f nomnt
expect_eq "no mount namespace: delete removes every mount below the rootfs" "$(grep -c " $nb/rootfs/" /proc/self/mountinfo)" 0
unshare -m --propagation private sleep 100 & holder=$!; sleep 0.2
mb=$(new_bundle join-mntns)
cfg "$mb" --arg p "/proc/$holder/ns/mnt" '.linux.namespaces = [.linux.namespaces[] | if .type == "mount" then .path = $p else . end]'
args "$mb" sh -c 'readlink /proc/self/ns/mnt; ls /bin/sh >/dev/null && echo in-rootfs'
expect_eq "a mount namespace joined by path is the container's" "$(crl run --bundle "$mb" joinmnt 2>&1 | tr '\n' ' ')" \
  "$(readlink /proc/$holder/ns/mnt) in-rootfs "
kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
expect_eq "no or joined mount namespace: nothing mounted below either rootfs on the host" "$(grep -c -E " ($nb|$mb)/rootfs" /proc/self/mountinfo)" 0
expect_no_leftovers "mount namespaces"

# linux.netDevices: interfaces of a network namespace the test makes (a
# veth pair, no address, no traffic) move into the container, one renamed,
# and come back with their names at delete; refusals name the field.
vb=$(new_bundle netdev)
cfg "$vb" '.linux.netDevices = {"crlv0":{"name":"ctr0"},"crlv1":{}}'
args "$vb" sh -c 'ls /sys/class/net | tr "\n" " "; sleep 30'
if ! unshare -n ip link add crlprobe type veth peer name crlprobe1 2>/dev/null; then
  skip "linux.netDevices: moved in and back" "this kernel makes no veth pair (the test's interfaces)"
else
out=$(unshare -n sh -c '
  ip link add crlv0 type veth peer name crlv1 || exit 9
  timeout 30 "$1" --root "$2" run -d --bundle "$3" netdev1 > "$4" 2>&1 </dev/null; sleep 0.5
  echo "during: $(ip -o link | cut -d: -f2 | cut -d@ -f1 | tr -d "\n")"
  timeout 30 "$1" --root "$2" delete -f netdev1
  echo "after: $(ip -o link | cut -d: -f2 | cut -d@ -f1 | tr -d "\n")"' sh "$R" "$STATE" "$vb" "$T_ROOT/netdev.out")
expect_eq "linux.netDevices: moved in (one renamed), gone from the host's side, back with their names after delete" \
  "$(cat "$T_ROOT/netdev.out")| $(echo $out)" "crlv1 ctr0 lo | during: lo after: lo crlv1 crlv0"
out=$(unshare -n sh -c 'timeout 30 "$1" --root "$2" run --bundle "$3" netdev2 2>&1' sh "$R" "$STATE" "$vb"); rc=$?
expect_match "linux.netDevices: a missing interface is named, nothing left" "rc=$rc $out $(crl list -q | grep -c netdev2)" \
  '^rc=1 crun-lite: linux.netDevices: `crlv0`: No such device 0$'
fi
cfg "$vb" '.linux.netDevices = {"crlv0":{"name":"bad/name"}}'
out=$(crl run --bundle "$vb" netdev3 2>&1); rc=$?
expect_match "linux.netDevices: an invalid name is refused" "rc=$rc $out" '^rc=1 crun-lite: linux.netDevices.crlv0.name: `bad/name` is not an interface name'
cfg "$vb" '.linux.netDevices = {"crlv0":{}} | .linux.namespaces |= map(select(.type != "network"))'
out=$(crl run --bundle "$vb" netdev4 2>&1); rc=$?
expect_match "linux.netDevices without a network namespace is refused" "rc=$rc $out" '^rc=1 crun-lite: linux.netDevices: needs a network namespace'
expect_no_leftovers "netDevices"

# A user namespace: the parent writes the maps before the child goes on.
b3=$(new_bundle userns)
cfg "$b3" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":200000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]'
args "$b3" sleep 60
crl run -d --bundle "$b3" uns >/dev/null
out=$(ps -o uid= -p "$(crl state uns | jq -r .pid)")
expect_eq "user namespace: the container runs as the mapped host uid" "$(echo $out)" 200000
crl delete -f uns
cfg "$b3" '.process.args = ["sh","-c","cat /proc/self/uid_map; id -u; ls -ln /dev/null"]'
out=$(crl run --bundle "$b3" uns2)
expect_match "uid_map written as configured" "$(echo "$out" | sed -n 1p)" '^ +0 +200000 +65536$'
expect_eq "root inside the user namespace" "$(echo "$out" | sed -n 2p)" 0
expect_match "devices are bound from the host in a user namespace" "$(echo "$out" | sed -n 3p)" '^crw-rw-rw- .* 1, +3 '
expect_no_leftovers "userns"

# A session keyring of the container's own (as runc's _ses.<id>), unless --no-new-keyring.
args "$b" sleep 30
crl create --bundle "$b" krc >/dev/null 2>&1
expect_eq "a session keyring _ses.<id> of its own" "$(grep -q ' _ses.krc:' /proc/keys && echo present)" present
crl delete krc
crl create --no-new-keyring --bundle "$b" krn >/dev/null 2>&1
expect_eq "--no-new-keyring keeps the caller's" "$(grep -c ' _ses.krn:' /proc/keys)" 0
crl delete krn

# A time namespace with offsets: the container's boottime and monotonic
# clocks are shifted, the host's are not; exec joins the same namespace.
b=$(new_bundle timens)
cfg "$b" '.linux.namespaces += [{"type":"time"}] | .linux.timeOffsets = {"boottime":{"secs":864000,"nanosecs":5},"monotonic":{"secs":432000}}'
args "$b" sh -c 'cut -d. -f1 /proc/uptime; sleep 30'
crl run -d --bundle "$b" tns > "$T_ROOT/tns.out" 2>&1
sleep 0.3
host_up=$(cut -d. -f1 /proc/uptime)
in_up=$(head -n 1 "$T_ROOT/tns.out")
expect_eq "time namespace: boottime (/proc/uptime) is shifted by 10 days inside" "$(( in_up - host_up >= 863990 && in_up - host_up <= 864010 ))" 1
tpid=$(crl state tns | jq -r .pid)
expect_eq "time namespace: the offsets are the configured ones" "$(sort "/proc/$tpid/timens_offsets" | tr -s ' ' | tr '\n' ';')" \
  "boottime 864000 5;monotonic 432000 0;"
expect_eq "time namespace: not the host's" "$([ "$(readlink /proc/$tpid/ns/time)" != "$(readlink /proc/self/ns/time)" ] && echo own)" own
out=$(crl exec tns cut -d. -f1 /proc/uptime)
expect_eq "time namespace: exec joins it" "$(( out - host_up >= 863990 ))" 1
crl delete -f tns
# The same in a new user namespace (becoming its root made the init
# non-dumpable, which once hid timens_offsets from it), and exec into it.
chown -R 100000:100000 "$b/rootfs"
cfg "$b" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
crl run -d --bundle "$b" tnsu > "$T_ROOT/tnsu.out" 2>&1
sleep 0.3
in_up=$(head -n 1 "$T_ROOT/tnsu.out"); host_up=$(cut -d. -f1 /proc/uptime)
expect_eq "time namespace in a new user namespace: the offsets apply (runc)" "$(( in_up - host_up >= 863990 && in_up - host_up <= 864010 ))" 1
out=$(crl exec tnsu cut -d. -f1 /proc/uptime)
expect_eq "time namespace in a new user namespace: exec joins it" "$(( out - host_up >= 863990 ))" 1
crl delete -f tnsu
# user.* sysctls are the user namespace's own (runc 1.4): set inside, the
# host's untouched.
host_inotify=$(cat /proc/sys/user/max_inotify_instances)
cfg "$b" '.linux.sysctl = {"user.max_inotify_instances": "77"} | .process.args = ["cat", "/proc/sys/user/max_inotify_instances"]'
expect_eq "a user.* sysctl in the container's own user namespace is set there" \
  "$(crl run --bundle "$b" usersysctl 2>&1) $(cat /proc/sys/user/max_inotify_instances)" "77 $host_inotify"
# A time namespace without offsets on every container (Docker 29.5's
# default): the clocks are the host's, exec joins it.
b=$(new_bundle timens0)
cfg "$b" '.linux.namespaces += [{"type":"time"}]'
args "$b" sleep 30
crl run -d --bundle "$b" tns0 >/dev/null 2>&1
tpid=$(crl state tns0 | jq -r .pid)
expect_eq "time namespace without offsets: the container's own, the host's clocks" \
  "$([ "$(readlink /proc/$tpid/ns/time)" != "$(readlink /proc/self/ns/time)" ] && echo own) $(sort "/proc/$tpid/timens_offsets" | tr -s ' ' | tr '\n' ';')" \
  "own boottime 0 0;monotonic 0 0;"
expect_eq "time namespace without offsets: exec joins it" "$(crl exec tns0 readlink /proc/self/ns/time)" "$(readlink /proc/$tpid/ns/time)"
crl delete -f tns0
expect_no_leftovers "time namespace"

# Joining by path a user namespace (another container's, no mappings in
# this config) and a network namespace it does not own (made on the host):
# the network one is joined first, while the runtime is still privileged,
# and the process is root of the joined user namespace (runc).
hb=$(new_bundle userns-holder)
chown -R 100000:100000 "$hb/rootfs"
cfg "$hb" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
args "$hb" sleep 60
crl run -d --bundle "$hb" ujhold >/dev/null 2>&1
hpid=$(crl state ujhold | jq -r .pid)
unshare -n sleep 60 & npid=$!
sleep 0.2
jb=$(new_bundle userns-join)
chown -R 100000:100000 "$jb/rootfs"
cfg "$jb" --arg u "/proc/$hpid/ns/user" --arg n "/proc/$npid/ns/net" \
  '.linux.namespaces |= (map(select(.type != "network" and .type != "user")) + [{"type":"user","path":$u},{"type":"network","path":$n}])'
cfg "$jb" '.root.readonly = false'
args "$jb" sh -c 'id -u; readlink /proc/self/ns/user; readlink /proc/self/ns/net; touch /made-here && echo MADE'
out=$(crl run --bundle "$jb" ujoin 2>&1)
expect_eq "join a user namespace by path (no mappings) and a host-made network namespace: root there, both joined, files made" \
  "$(echo "$out" | tr '\n' ' ')" "0 $(readlink /proc/$hpid/ns/user) $(readlink /proc/$npid/ns/net) MADE "
# An idmapped mount without mappings of its own maps through the joined
# user namespace, as through a new one (runc 1.2+): a file the host's root
# owns is root's inside, not nobody's.
isrc="$T_ROOT/idmap-joined"; mkdir -p "$isrc"; touch "$isrc/owned-by-root"
cfg "$jb" --arg s "$isrc" '.mounts += [{"destination":"/idm","type":"bind","source":$s,"options":["bind","idmap"]}]
  | .process.args = ["stat", "-c", "%u", "/idm/owned-by-root"]'
if enosys_has mount-api || enosys_has mount_setattr; then
  skip "idmap through a user namespace joined by path" "idmapped mounts need the mount API, missing in this stage"
else
  out=$(crl run --bundle "$jb" ujidm 2>&1)
  if echo "$out" | grep -q 'cannot be idmapped here'; then
    skip "idmap through a user namespace joined by path" "this kernel cannot idmap the test's filesystem: $out"
  else
    expect_eq "idmap without mappings, in a user namespace joined by path: mapped through it" "$out" 0
  fi
fi
kill "$npid" 2>/dev/null; wait "$npid" 2>/dev/null
crl delete -f ujhold >/dev/null 2>&1
expect_no_leftovers "joined user and network namespaces"
