# Bad input: each gets one clear line naming the file, field or id, exit 1,
# and nothing left behind (state, mounts, processes).

b=$(new_bundle bad)
good=$(cat "$b/config.json")

# bad_config NAME JQ-FILTER EXPECTED-REGEX
bad_config () {
  local name=$1 filter=$2 want=$3 out rc lines
  echo "$good" | jq "$filter" > "$b/config.json"
  out=$(crl run --bundle "$b" bad 2>&1); rc=$?
  lines=$(printf '%s\n' "$out" | grep -c .)
  expect_match "$name" "rc=$rc lines=$lines $out" "^rc=1 lines=1 crun-lite: $want"
  expect_eq "$name: nothing left behind" "$(leftovers)" ""
}

bad_config "timeOffsets without a time namespace" '.linux.timeOffsets = {"boottime":{"secs":5}}' "linux.timeOffsets: needs a new time namespace in linux.namespaces$"
bad_config "timeOffsets: unknown clock" '.linux.timeOffsets = {"realtime":{"secs":5}}' "$b/config.json: linux.timeOffsets.realtime: unknown clock .*$"
bad_config "timeOffsets: nanosecs out of range" '.linux.timeOffsets = {"boottime":{"nanosecs":1000000000}}' "$b/config.json: linux.timeOffsets.boottime.nanosecs: must be below 1000000000$"
bad_config "args element not a string" '.process.args = ["sh", 1]' "$b/config.json: process.args\[1\]: expected a string$"
bad_config "args not an array" '.process.args = "sh"' "$b/config.json: process.args: expected an array of strings$"
bad_config "empty args" '.process.args = []' "$b/config.json: process.args: must name at least the program to run$"
bad_config "missing root" 'del(.root)' "$b/config.json: root: missing required field$"
bad_config "missing ociVersion" 'del(.ociVersion)' "$b/config.json: ociVersion: missing required field$"
bad_config "uid not a number" '.process.user.uid = "0"' "$b/config.json: process.user.uid: expected a number$"
bad_config "negative uid" '.process.user.uid = -1' "$b/config.json: process.user.uid: expected a non-negative integer, got -1$"
bad_config "uid too large" '.process.user.uid = 4294967296' "$b/config.json: process.user.uid: expected an integer between 0 and 4294967295, got 4294967296$"
bad_config "uid 4294967295 ((uid_t) -1 would keep root)" '.process.user.uid = 4294967295' "process.user: 4294967295 is not a valid uid$"
bad_config "bad additional gid" '.process.user.additionalGids = [1, "x"]' "$b/config.json: process.user.additionalGids\[1\]: expected a number$"
bad_config "relative cwd" '.process.cwd = "tmp"' "$b/config.json: process.cwd: must be an absolute path, got \`tmp\`$"
bad_config "unknown rlimit" '.process.rlimits[0].type = "RLIMIT_BOGUS"' "$b/config.json: process.rlimits\[0\].type: unknown rlimit \`RLIMIT_BOGUS\`$"
bad_config "soft above hard" '.process.rlimits[0].soft = 2048' "$b/config.json: process.rlimits\[0\]: soft limit 2048 is above the hard limit 1024$"
bad_config "unknown namespace" '.linux.namespaces[0].type = "bogus"' "$b/config.json: linux.namespaces\[0\].type: unknown namespace type \`bogus\`$"
bad_config "duplicate namespace" '.linux.namespaces += [{"type":"pid"}]' "$b/config.json: linux.namespaces\[6\]: namespace \`pid\` listed twice$"
# A relative mount destination is taken from "/" (runtime-spec 1.3, runc).
echo "$good" | jq '.mounts += [{"destination":"tmp/rel","type":"tmpfs","source":"tmpfs"}] | .process.args = ["sh","-c","grep -c \" /tmp/rel \" /proc/self/mountinfo"]' > "$b/config.json"
expect_eq "a relative mount destination is mounted from /" "$(crl run --bundle "$b" reldest 2>&1)" 1
bad_config "mounts not an array" '.mounts = {}' "$b/config.json: mounts: expected an array$"
bad_config "bad device type" '.linux.devices = [{"path":"/dev/x","type":"z","major":1,"minor":1}]' "$b/config.json: linux.devices\[0\].type: expected one of c, b, u or p, got \`z\`$"
bad_config "bad propagation" '.linux.rootfsPropagation = "sideways"' "$b/config.json: linux.rootfsPropagation: unknown propagation \`sideways\`$"
bad_config "bad device rule access" '.linux.resources.devices[0].access = "xyz"' "$b/config.json: linux.resources.devices\[0\].access: expected a combination of r, w and m, got \`xyz\`$"
bad_config "seccomp: unknown action" '.linux.seccomp = {"defaultAction":"SCMP_ACT_MAYBE"}' "linux.seccomp.defaultAction: unknown action \`SCMP_ACT_MAYBE\`$"
bad_config "seccomp: unknown operator" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],"action":"SCMP_ACT_ERRNO","args":[{"index":1,"value":1,"op":"SCMP_CMP_ABOUT"}]}]}' "linux.seccomp.syscalls\[0\].args\[0\].op: unknown operator \`SCMP_CMP_ABOUT\`$"
bad_config "seccomp: unknown architecture" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_Z80"]}' "linux.seccomp.architectures: unknown architecture \`SCMP_ARCH_Z80\`$"
bad_config "seccomp: notify without a listenerPath" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_NOTIFY"}]}' "linux.seccomp.listenerPath: required by the SCMP_ACT_NOTIFY action$"

bad_config "no mount namespace, with masked paths" '.linux.namespaces |= map(select(.type != "mount"))' "linux.maskedPaths/readonlyPaths: unable to restrict paths without a private mount namespace \\(linux.namespaces: mount\\)$"
bad_config "no mount namespace, with a read-only root" '.linux.namespaces |= map(select(.type != "mount")) | del(.linux.maskedPaths, .linux.readonlyPaths) | .root.readonly = true' "root.readonly: a read-only root needs a private mount namespace \\(linux.namespaces: mount\\)$"
bad_config "ociVersion of a newer major" '.ociVersion = "2.0.0"' "ociVersion: \`2.0.0\` is newer than the runtime-spec crun-lite implements \\(1.3.0\\)$"
bad_config "intelRdt schemata" '.linux.intelRdt = {"closID":"g","l3CacheSchema":"L3:0=f"}' "linux.intelRdt: schemata .* are not supported yet by crun-lite; closID alone is$"
if [ "$(stat -f -c %t /sys/fs/resctrl 2>/dev/null)" != 7655821 ]; then
  bad_config "intelRdt on a host without resctrl" '.linux.intelRdt = {"closID":"grp"}' "linux.intelRdt: this host has no resctrl filesystem at /sys/fs/resctrl"
fi
bad_config "hostname without uts" '.linux.namespaces |= map(select(.type != "uts"))' "hostname: setting a hostname needs a private UTS namespace"
bad_config "mapping without a user namespace" '.linux.uidMappings = [{"containerID":0,"hostID":1000,"size":1}]' "linux.uidMappings: mappings need a new user namespace"
bad_config "sysctl: a host-wide key" '.linux.sysctl = {"vm.swappiness": "10"}' "linux.sysctl.vm.swappiness: not namespaced: it would change the host$"
bad_config "sysctl: net.* without a network namespace" '.linux.sysctl = {"net.ipv4.ip_forward": "1"} | .linux.namespaces |= map(select(.type != "network"))' "linux.sysctl.net.ipv4.ip_forward: needs the container's own network namespace$"
bad_config "sysctl: IPC key without an IPC namespace" '.linux.sysctl = {"kernel.shmmax": "1000"} | .linux.namespaces |= map(select(.type != "ipc"))' "linux.sysctl.kernel.shmmax: needs the container's own IPC namespace$"
bad_config "missing rootfs" '.root.path = "nowhere"' "root.path: rootfs \`$b/nowhere\`: No such file or directory$"
bad_config "bind source missing" '.mounts += [{"destination":"/x","type":"bind","source":"/no/such/source","options":["bind"]}]' "mounts\[7\] \(/x\): source \`/no/such/source\`: No such file or directory$"
bad_config "unknown mount type" '.mounts += [{"destination":"/x","type":"nosuchfs","source":"x"}]' "mounts\[7\] \(/x\): mount nosuchfs: No such device$"
ln -s /tmp "$b/rootfs/proclink"
bad_config "proc onto a symlink is refused" '.mounts[0].destination = "/proclink"' "mounts\[0\] \(/proclink\): proc must be mounted on a real directory, and \`/proclink\` is a symlink in the rootfs"
rm -f "$b/rootfs/proclink"
bad_config "masked paths without procfs at /proc" '.mounts[0].destination = "/otherproc"' "linux.maskedPaths and linux.readonlyPaths need procfs mounted at /proc"
rmdir "$b/rootfs/otherproc"

printf '{"ociVersion": "1.0.2", "process": ' > "$b/config.json"
out=$(crl run --bundle "$b" bad 2>&1); rc=$?
expect_match "truncated JSON" "rc=$rc $out" "^rc=1 crun-lite: $b/config.json: invalid JSON: "
printf '[1,2]' > "$b/config.json"
out=$(crl run --bundle "$b" bad 2>&1); rc=$?
expect_match "top level not an object" "rc=$rc $out" "^rc=1 crun-lite: $b/config.json: expected a JSON object at the top level$"
rm -f "$b/config.json"
out=$(crl run --bundle "$b" bad 2>&1); rc=$?
expect_match "missing config.json" "rc=$rc $out" "^rc=1 crun-lite: open \`$b/config.json\`: No such file or directory$"
out=$(crl run --bundle /no/such/bundle bad 2>&1); rc=$?
expect_match "missing bundle" "rc=$rc $out" "^rc=1 crun-lite: bundle \`/no/such/bundle\`: No such file or directory$"
echo "$good" > "$b/config.json"
echo "$good" | jq '.unknownField = {"x": [1,2]} | .process.alsoUnknown = 1' > "$b/config.json"
args "$b" true
check "unknown fields are ignored" crl run --bundle "$b" unk

for id in 'a/b' '..' '' "$(head -c 1100 /dev/zero | tr '\0' a)" 'a b'; do
  out=$(crl create --bundle "$b" "$id" 2>&1); rc=$?
  expect_match "invalid id \`${id:0:20}\` refused" "rc=$rc $out" '^rc=1 crun-lite: invalid container id'
done
out=$(crl state nosuch 2>&1); rc=$?
expect_match "unknown id named" "rc=$rc $out" "^rc=1 crun-lite: container does not exist: nosuch$"

# A failure inside the container's setup still leaves nothing behind.
echo "$good" | jq '.mounts += [{"destination":"/late","type":"bind","source":"/no/such","options":["bind"]}]' > "$b/config.json"
out=$(crl create --bundle "$b" late 2>&1); rc=$?
expect_match "a failing late mount fails create" "rc=$rc $out" '^rc=1 .*mounts\[7\] \(/late\)'
expect_no_leftovers "failed create"

# --log with --log-format json: one JSON object per line, as engines read it.
out=$(timeout 10 "$R" --root "$STATE" --log "$T_ROOT/log.json" --log-format json state nosuch 2>/dev/null); rc=$?
line=$(tail -n 1 "$T_ROOT/log.json")
expect_eq "json log: level, msg and time" "$(echo "$line" | jq -r '[.level, .msg, (.time | test("^20[0-9-]+T"))] | join(" ")')" \
  "error container does not exist: nosuch true"
out=$(timeout 10 "$R" --root "$STATE" --log "$T_ROOT/log.txt" state nosuch 2>/dev/null)
expect_match "text log" "$(cat "$T_ROOT/log.txt")" '^time="20[^"]+" level=error msg="container does not exist: nosuch"$'
out=$(timeout 10 "$R" --root "$STATE" --log-format yaml list 2>&1); rc=$?
expect_match "unknown --log-format" "rc=$rc $out" "^rc=1 crun-lite: --log-format: unknown format \`yaml\`"

# kernel.hostname / kernel.domainname against the container's own UTS
# namespace: refused like runc, naming the field; allowed when joining one.
bad_config "sysctl kernel.hostname with an own UTS namespace" '.linux.sysctl = {"kernel.hostname": "x"}' \
  "$b/config.json: linux.sysctl: kernel.hostname: conflicts with the container's own UTS namespace \(set \"hostname\" instead\)$"
bad_config "sysctl user.* without a user namespace" '.linux.sysctl = {"user.max_inotify_instances": "77"}' \
  "linux.sysctl.user.max_inotify_instances: needs the container's own user namespace$"
bad_config "sysctl kernel.domainname beside the domainname field" '.domainname = "a.example" | .linux.sysctl = {"kernel.domainname": "x"}' \
  "linux.sysctl.kernel.domainname: conflicts with the container's own UTS namespace \(set \"domainname\" instead\)$"
echo "$good" | jq '.linux.sysctl = {"kernel.domainname": "sysctl.example"} | .process.args = ["cat", "/proc/sys/kernel/domainname"]' > "$b/config.json"
expect_eq "sysctl kernel.domainname with an own UTS namespace is set (runc, crun)" "$(crl run --bundle "$b" dn 2>&1)" sysctl.example
bad_config "seccomp: SCMP_ACT_NOTIFY for write is refused (runc)" \
  '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/tmp/x.sock","syscalls":[{"names":["write"],"action":"SCMP_ACT_NOTIFY"}]}' \
  "linux.seccomp.syscalls\[0\]: SCMP_ACT_NOTIFY cannot be used for the write syscall$"

# ociVersion: any 1.x runs (the spec: compatible within a major version).
vb=$(new_bundle ociversion)
args "$vb" true
for v in 1.0.0 1.0.2-dev 1.1.0 1.2.0 1.3.0; do
  cfg "$vb" --arg v "$v" '.ociVersion = $v'
  check "ociVersion $v runs" crl run --bundle "$vb" "ociv-${v//./-}"
done
