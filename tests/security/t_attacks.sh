# Attacks of the second security round (issue 24), each made the way the
# probe made it: through the image, the config or a process in the
# container, checked from the host.  Every route here was open in a build
# without its fix (N1..N9); the last four routes were never open, and stay
# named so that they never regress.

ab=$(new_bundle attacks)
cfg "$ab" '.root.readonly = false'
sudo_caps='.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE", "CAP_NET_ADMIN", "CAP_SYS_ADMIN"])'

# N1: NOTIFY_SOCKET.  The container says MAINPID, STATUS, WATCHDOG and a
# READY=1 carrying a MAINPID of its own, then floods the socket; the caller
# (systemd under podman --sdnotify=container) must get "READY=1" and the
# init's host pid, once, and nothing else; the flood is read at a bounded
# rate.
ns="$T_ROOT/attack-notify.sock"
"$TESTS_HELPERS/notify_recv" "$ns" > "$T_ROOT/attack-notify.out" 2>&1 &
npid=$!
for i in $(seq 50); do [ -S "$ns" ] && break; sleep 0.05; done
cp "$TESTS_HELPERS/notify_send" "$ab/rootfs/bin/notify_send"
args "$ab" sh -c 'notify_send MAINPID=1; notify_send STATUS=evil; notify_send WATCHDOG=trigger; notify_send "MAINPID=4242
STATUS=x"; notify_send STATUS=flood 1500; notify_send "READY=1
MAINPID=4242"; sleep 30'
NOTIFY_SOCKET="$ns" crl create --bundle "$ab" n1 >/dev/null 2>&1
t0=$(date +%s%N)
NOTIFY_SOCKET="$ns" timeout 20 "$R" --root "$STATE" start n1 >/dev/null 2>&1
waited=$(( ($(date +%s%N) - t0) / 1000000 ))
timeout 5 tail --pid=$npid -f /dev/null 2>/dev/null; kill $npid 2>/dev/null
expect_eq "N1 NOTIFY_SOCKET: only READY=1 and the init's host pid reach the caller (no MAINPID, STATUS or WATCHDOG of the container's)" \
  "$(tr '\n' ' ' < "$T_ROOT/attack-notify.out")" "READY=1 MAINPID=$(crl state n1 | jq -r .pid) "
if [ "$waited" -ge 1500 ]; then ok "N1 NOTIFY_SOCKET: a flood of 1500 datagrams is read at a bounded rate (${waited} ms)"
else not_ok "N1 NOTIFY_SOCKET: a flood of 1500 datagrams is read at a bounded rate" "read in ${waited} ms"; fi
crl delete -f n1 >/dev/null 2>&1

# N2: a namespaced sysctl in a namespace joined by path that is the
# runtime's own (the host's): refused, nothing written.
before=$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start); before_dn=$(cat /proc/sys/kernel/domainname)
for case in "network net.ipv4.ip_unprivileged_port_start 777" "ipc kernel.shmmni 4000" "uts kernel.domainname crl-attack"; do
  set -- $case
  cfg "$ab" --arg t "$1" --arg p "/proc/$$/ns/$( [ "$1" = network ] && echo net || echo "$1")" --arg k "$2" --arg v "$3" \
    '.linux.namespaces |= map(if .type == $t then .path = $p else . end) | .linux.sysctl = {($k): $v} | .process.args = ["true"]'
  out=$(crl run --bundle "$ab" n2 2>&1); rc=$?
  expect_match "N2 sysctl $2 in the $1 namespace joined by path, the runtime's own: refused" "rc=$rc $out" \
    "^rc=1 crun-lite: linux.sysctl.$2: the $1 namespace .* is the runtime's own: it would change the host$"
  cfg "$ab" --arg t "$1" '.linux.namespaces |= map(if .type == $t then del(.path) else . end) | del(.linux.sysctl)'
done
expect_eq "N2: the host's net.ipv4.ip_unprivileged_port_start is unchanged" "$(cat /proc/sys/net/ipv4/ip_unprivileged_port_start)" "$before"
expect_eq "N2: the host's domainname is unchanged" "$(cat /proc/sys/kernel/domainname)" "$before_dn"
expect_no_leftovers "N2"

# N3: a cgroup that existed before the container, with a host process in
# it: create refuses it (runc 1.2+); into an empty one, a host process put
# there later survives delete -f, and a create that fails after it arrived.
pre=/sys/fs/cgroup/pids/crl-attack-pre
[ -d /sys/fs/cgroup/pids ] || pre=/sys/fs/cgroup/crl-attack-pre
mkdir -p "$pre"
sleep 300 & victim=$!
echo "$victim" > "$pre/cgroup.procs"
cfg "$ab" '.linux.cgroupsPath = "/crl-attack-pre" | .process.args = ["sleep", "30"]'
out=$(crl run -d --bundle "$ab" n3 2>&1); rc=$?
expect_match "N3 a cgroup holding a host process: create refuses it, naming it" "rc=$rc $out" \
  "^rc=1 crun-lite: container's cgroup .*crl-attack-pre. is not empty: 1 process\\(es\\) found"
expect_eq "N3: the host process in it is alive" "$(kill -0 $victim 2>&1 && echo alive)" alive
echo "$victim" > "${pre%/*}/cgroup.procs"
crl run -d --bundle "$ab" n3b >/dev/null 2>&1
echo "$victim" > "$pre/cgroup.procs"
crl delete -f n3b >/dev/null 2>&1
expect_eq "N3 delete -f of a container in a cgroup it did not make: the host process put there lives" "$(kill -0 $victim 2>&1 && echo alive)" alive
expect_eq "N3: the cgroup it did not make is left" "$( [ -d "$pre" ] && echo there)" there
echo "$victim" > "${pre%/*}/cgroup.procs"
cfg "$ab" --arg p "$pre/cgroup.procs" --argjson v "$victim" \
  '.hooks.createRuntime = [{"path":"/bin/sh","args":["sh","-c","echo \($v) > \($p); exit 3"]}]'
out=$(crl run -d --bundle "$ab" n3c 2>&1); rc=$?
expect_match "N3 a create that fails after a host process joined its cgroup fails" "rc=$rc" "^rc=1$"
expect_eq "N3: ...and the host process lives" "$(kill -0 $victim 2>&1 && echo alive)" alive
kill $victim; wait $victim 2>/dev/null
rmdir "$pre" 2>/dev/null
cfg "$ab" 'del(.linux.cgroupsPath) | del(.hooks)'
expect_no_leftovers "N3"

# N4: rootless, the seccomp cache.  A container of the user that sees the
# user's home (toolbox-style) writes where a per-user cache would be; later
# containers of that user must still be filtered, and the runtime keeps no
# cache a container of that user could write.
ru=crl-rootless
id "$ru" >/dev/null 2>&1 || useradd -M -d /nonexistent -s /bin/sh "$ru" >/dev/null 2>&1
grep -q "^$ru:" /etc/subuid 2>/dev/null || echo "$ru:300000:65536" >> /etc/subuid
grep -q "^$ru:" /etc/subgid 2>/dev/null || echo "$ru:300000:65536" >> /etc/subgid
rdir="$T_ROOT/attack-rootless"; rhome="$rdir/home"; mkdir -p "$rdir/run" "$rhome" "$rdir/bundle"
cp -a "$BASE_ROOTFS" "$rdir/bundle/rootfs"
chown -R "$(id -u "$ru"):$(id -g "$ru")" "$rdir"
(cd "$rdir/bundle" && runuser -u "$ru" -- "$R" spec --rootless)
jq --arg h "$rhome" '.process.terminal = false | .root.readonly = false
  | .mounts += [{"destination":"/home/user","type":"bind","source":$h,"options":["rbind"]}]
  | .linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO"}]}
  | .process.args = ["sh","-c","mkdir -p /home/user/.cache/crun-lite/seccomp 2>&1; echo forged > /home/user/.cache/crun-lite/seccomp/0000000000000000; mkdir /tmp/x 2>&1 || echo FILTERED"]' \
  "$rdir/bundle/config.json" > "$rdir/c" && mv "$rdir/c" "$rdir/bundle/config.json"
chown -R "$(id -u "$ru"):$(id -g "$ru")" "$rdir"
as_ru () { runuser -u "$ru" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$rhome" XDG_RUNTIME_DIR="$rdir/run" timeout -k 5 30 "$R" "$@"; }
touch "$rdir/mark"
as_ru run --bundle "$rdir/bundle" n4a >/dev/null 2>&1
expect_eq "N4 rootless: the runtime keeps no seccomp cache in the user's home (a container of the user could forge it)" \
  "$(find "$rhome" -path '*crun-lite*' -newer "$rdir/mark" -type f ! -name 0000000000000000 2>/dev/null | wc -l)" 0
# The forgery the probe made: a real entry for this very profile (made here
# the way a per-user cache would have made it), its program replaced by
# "allow everything" and its checksum recomputed, as the container could.
cache="$rhome/.cache/crun-lite/seccomp"
rm -rf "$cache"; runuser -u "$ru" -- env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$rhome" XDG_RUNTIME_DIR="$rdir/run" \
  CRUN_LITE_SECCOMP_CACHE="$cache" timeout -k 5 30 "$R" run --bundle "$rdir/bundle" n4gen >/dev/null 2>&1
forged=0
for f in "$cache"/*; do
  [ -f "$f" ] || continue
  python3 - "$f" <<'FORGE' && forged=$((forged + 1))
import struct, sys
path = sys.argv[1]
data = open(path, 'rb').read()
magic = data[:32]
key_len, n_filter, flags, listener, skipped, _ = struct.unpack('<6Q', data[32:80])
key = data[80:80 + key_len]
allow_all = struct.pack('<HBBI', 0x06, 0, 0, 0x7fff0000)
head = magic + struct.pack('<5Q', key_len, 1, flags, listener, skipped)
def fnv(h, b):
    for c in b:
        h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return h
csum = fnv(fnv(fnv(0xcbf29ce484222325, head), key), allow_all)
open(path, 'wb').write(head + struct.pack('<Q', csum) + key + allow_all)
FORGE
done
chown -R "$ru" "$rhome/.cache" 2>/dev/null
expect_eq "N4: the forgery was made (one entry rewritten to allow everything)" "$forged" 1
out=$(as_ru run --bundle "$rdir/bundle" n4b 2>&1)
expect_match "N4 rootless: with an allow-all entry forged where a per-user cache would be, the next container is filtered" "$out" 'FILTERED'
expect_eq "N4: nothing left behind" "$(ls -A "$rdir/run/crun-lite" 2>/dev/null)" ""

# N5: netDevices.  The container (CAP_NET_ADMIN) renames the lent device
# and makes an interface under its name; delete must bring the lent one
# back (by its index) and leave the container's own in the container.
nb=$(new_bundle attack-netdev)
cfg "$nb" '.linux.netDevices = {"crlv0":{"name":"ctr0"}} | .process.capabilities |= with_entries(.value += ["CAP_NET_ADMIN"])'
args "$nb" sh -c 'ip link set ctr0 name stolen && ip link add ctr0 type veth peer name ctr0p && echo FORGED; sleep 30'
if ! unshare -n ip link add crlprobe type veth peer name crlprobe1 2>/dev/null; then
  skip "N5 netDevices: the lent device comes back, not one the container made" "this kernel makes no veth pair"
else
  # (sysfs shows the host's namespace here: ip says who is whose peer.)
  out=$(unshare -n sh -c '
    ip link add crlv0 type veth peer name crlv1 || exit 9
    echo "before: $(ip -o link show crlv0 | cut -d: -f1-2)"
    timeout 30 "$1" --root "$2" run -d --bundle "$3" n5 > "$4" 2>&1 </dev/null; sleep 1
    timeout 30 "$1" --root "$2" delete -f n5 >/dev/null 2>&1
    echo "after: $(ip -o link show crlv0 2>/dev/null | cut -d: -f1-2) $(ip -o link show crlv1 2>/dev/null | cut -d: -f2)"' \
    sh "$R" "$STATE" "$nb" "$T_ROOT/attack-netdev.out")
  before=$(echo "$out" | sed -n 's/^before: //p')
  expect_match "N5 netDevices: the container renamed the lent device and made one under its name" "$(cat "$T_ROOT/attack-netdev.out")" FORGED
  expect_eq "N5 netDevices: what came back as crlv0 is the lent device (same index, crlv1's peer), nothing the container made" \
    "$(echo "$out" | sed -n 's/^after: //p')" "$before  crlv1@crlv0"
fi
expect_no_leftovers "N5"

# N6: an image that ships a node of the host's console (c 5:1): a default
# container cannot open it (runc's default device rules).
mknod "$ab/rootfs/crl-console" c 5 1
args "$ab" sh -c 'head -c 0 < /crl-console && echo OPENED'
out=$(crl run --bundle "$ab" n6 2>&1)
expect_match "N6 a c 5:1 node from the image cannot be opened (Operation not permitted)" "$out" 'Operation not permitted'
expect_eq "N6: it was not opened" "$(echo "$out" | grep -c OPENED)" 0
rm -f "$ab/rootfs/crl-console"

# N7: a prestart hook with a 2 s timeout that never reads its stdin, and a
# state too large for the pipe: create fails after 2 s, not when the hook
# exits; a hook that never exits cannot hang it either.
head -c 300000 /dev/zero | tr '\0' a > "$T_ROOT/big-annotation"
jq --rawfile a "$T_ROOT/big-annotation" '.annotations = {"big": $a} | .hooks.prestart = [{"path":"/bin/sleep","args":["sleep","30"],"timeout":2}] | .process.args = ["true"]' \
  "$ab/config.json" > "$ab/c" && mv "$ab/c" "$ab/config.json"
t0=$(date +%s%N)
out=$(crl run --bundle "$ab" n7 2>&1); rc=$?
took=$(( ($(date +%s%N) - t0) / 1000000 ))
expect_match "N7 a hook that never reads the state times out as its timeout says" "rc=$rc $out" '^rc=1 crun-lite: .*hooks.prestart\[0\] .*timed out after 2 s'
if [ "$took" -lt 6000 ]; then ok "N7: create failed within the timeout (${took} ms)"; else not_ok "N7: create failed within the timeout" "${took} ms"; fi
cfg "$ab" 'del(.annotations) | del(.hooks)'
expect_no_leftovers "N7"

# N8: a config nested 300,000 levels deep (in a key nothing reads): one
# line naming the file, no crash.
python3 -c 'import json,sys; c=json.load(open(sys.argv[1])); s=json.dumps(c); d="[" * 300000 + "]" * 300000; print(s[:-1] + ", \"x-deep\": " + d + "}")' "$ab/config.json" > "$ab/deep.json"
cp "$ab/config.json" "$ab/config.good"; cp "$ab/deep.json" "$ab/config.json"
out=$(crl run --bundle "$ab" n8 2>&1); rc=$?
expect_match "N8 a config nested 300000 levels: refused in one line naming the file, no crash" "rc=$rc $(echo "$out" | wc -l) $out" \
  "^rc=1 1 crun-lite: $ab/config.json: invalid JSON: nested more than 10000 levels deep$"
mv "$ab/config.good" "$ab/config.json"; rm -f "$ab/deep.json"
expect_no_leftovers "N8"

# N9: the created init, seen from a process exec'd into the container with
# CAP_SYS_PTRACE: it holds no host file (not the --log file engines parse,
# not the start gate as a file); every fd it holds is tried for writing,
# and the container must still be "created" with the log untouched.
cfg "$ab" "$sudo_caps"' | .process.args = ["sleep", "30"]'
log="$T_ROOT/attack-n9.log"
timeout 30 "$R" --root "$STATE" --log "$log" --log-format json create --bundle "$ab" n9 >/dev/null 2>&1 </dev/null
pid=$(crl state n9 | jq -r .pid)
held=$(for f in /proc/$pid/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && readlink "$f"; done | sed 's/:\[.*//' | tr '\n' ' ')
expect_eq "N9 the created init holds no host file (only its start gate, a socket)" "$held" "socket "
log_before=$(cat "$log" 2>/dev/null | wc -c)
crl exec n9 sh -c 'for f in /proc/1/fd/*; do echo pwned >> "$f"; done 2>/dev/null; true' >/dev/null 2>&1
expect_match "N9: after a process of the container wrote to every fd of the init it could open, the init still waits for start" \
  "$(crl state n9 | jq -r .status) $(cat /proc/$pid/comm)" '^created (memfd:)?crun-lite$'
expect_eq "N9: the host's log file is untouched" "$(grep -c pwned "$log" 2>/dev/null)" 0
crl delete -f n9 >/dev/null 2>&1
expect_no_leftovers "N9"

# Routes that were never open, named so that they stay closed.
# CVE-2025-31133 (/dev/null a symlink in the image, used for masking) and
# CVE-2025-52565 (/dev/console a symlink) are tested in t_cves.sh; an image
# /dev that is a symlink to a host directory in t_security.sh.  Here:
# --preserve-fds beyond the fds the caller has passes none of the
# runtime's own (its --log file, state directory, config).  The caller here
# holds only stdio: whatever the harness itself inherited is closed first.
# ls reads the directory, closes it, then reads each link: its own fd is
# listed without a target.
cfg "$ab" 'del(.process.capabilities) | .process.args = ["sh","-c","ls -l /proc/self/fd/ | sed -n \"s/.* \\([0-9]*\\) -> .*/\\1/p\" | tr \"\\n\" \" \""]'
out=$(for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
      exec timeout 30 "$R" --root "$STATE" --log "$T_ROOT/attack-pfd.log" run --preserve-fds 20 --bundle "$ab" pfd 2>/dev/null </dev/null)
expect_eq "--preserve-fds beyond the caller's fds passes nothing of the runtime's (the container holds stdio only)" "$out" "0 1 2 "
expect_no_leftovers "attacks"
