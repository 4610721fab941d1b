# The process: user, groups, umask, cwd, env, rlimits, capabilities,
# no_new_privs, oom_score_adj, exec lookup with the container's PATH.

b=$(new_bundle proc)
cfg "$b" '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [10, 20], "umask": 63}'
args "$b" sh -c 'id -u; id -g; id -G; umask; echo $HOME'
out=$(crl run --bundle "$b" p1 | tr '\n' ' ')
expect_eq "uid, gid, additionalGids, umask, HOME from /etc/passwd" "$out" "1000 1000 1000 10 20 0077 /home/user "
cfg "$b" '.process.user = {"uid": 0, "gid": 0} | .process.cwd = "/tmp" | .process.env += ["FOO=bar baz"]'
args "$b" sh -c 'pwd; echo "$FOO"; echo "$HOME"'
expect_eq "cwd and env" "$(crl run --bundle "$b" p2 | tr '\n' '|')" "/tmp|bar baz|/root|"
cfg "$b" '.process.cwd = "/does/not/exist"'
out=$(crl run --bundle "$b" p3 2>&1); rc=$?
expect_eq "a missing cwd is made, as runc and crun do" "rc=$rc $(echo "$out" | head -n 1)" "rc=0 /does/not/exist"
ln -s /../../escape-cwd "$b/rootfs/cwdlink"
cfg "$b" '.process.cwd = "/cwdlink/sub"'
out=$(crl run --bundle "$b" p3 2>&1); rc=$?
expect_eq "a cwd through a symlink is made inside the rootfs" "rc=$rc $(echo "$out" | head -n 1) $(ls -d "$b/rootfs/escape-cwd/sub")$([ -e /escape-cwd ] && echo ' and on the host')" \
  "rc=0 /escape-cwd/sub $b/rootfs/escape-cwd/sub"
rm -rf "$b/rootfs/cwdlink" "$b/rootfs/escape-cwd"
# The cwd is entered with the runtime's privileges (runc): uid 1000 may
# start in a /root it could not traverse to.
chmod 700 "$b/rootfs/root"
cfg "$b" '.process.cwd = "/root" | .process.user = {"uid": 1000, "gid": 1000}'
out=$(crl run --bundle "$b" p3 2>&1); rc=$?
expect_eq "a cwd the user cannot reach still works (entered before the user changes)" "rc=$rc $(echo "$out" | head -n 1)" "rc=0 /root"
chmod 755 "$b/rootfs/root"
cfg "$b" '.process.cwd = "/" | .process.user = {"uid": 0, "gid": 0}'

cfg "$b" '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":512,"hard":1000},{"type":"RLIMIT_CORE","soft":0,"hard":0}]'
args "$b" sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
expect_eq "rlimits" "$(crl run --bundle "$b" p4 | tr '\n' ' ')" "512 1000 0 "
cfg "$b" '.process.rlimits = [{"type":"RLIMIT_NOFILE","soft":30000,"hard":30000}]'
if [ "$(ulimit -Hn)" -lt 30000 ]; then
  out=$(crl run --bundle "$b" p5 2>&1); rc=$?
  expect_match "an rlimit above the host's hard limit fails with a clear error" "rc=$rc $out" \
    "^rc=1 .*process.rlimits\[0\]: set RLIMIT_NOFILE to soft 30000 hard 30000 \(the current hard limit is [0-9]+\): Operation not permitted"
else
  skip "an rlimit above the host's hard limit fails with a clear error" "host hard limit is high"
fi
# RLIMIT_DATA binds the process, not the runtime's setup: the init takes
# its binary's image (a memory-layout change the kernel checks against
# RLIMIT_DATA) before the container's limits.  128 KiB is too little for
# busybox itself: as with runc, the process dies of it (SIGSEGV), the
# runtime reports no error of its own.
cfg "$b" '.process.rlimits = [{"type":"RLIMIT_DATA","soft":131072,"hard":131072}]'
args "$b" /bin/true
out=$(crl run --bundle "$b" p5d 2>&1); rc=$?
expect_eq "a tiny RLIMIT_DATA reaches the process (which dies of it, as with runc), not the runtime's setup" "rc=$rc $out" "rc=139 "
cfg "$b" '.process.rlimits = [{"type":"RLIMIT_DATA","soft":1048576,"hard":1048576}]'
args "$b" sh -c 'ulimit -d'
expect_eq "RLIMIT_DATA applies to the process" "$(crl run --bundle "$b" p5e 2>&1)" "1024"
cfg "$b" '.process.rlimits = []'

args "$b" sh -c 'grep -E "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs)" /proc/self/status | tr -s "\t" " "'
out=$(crl run --bundle "$b" p6)
# AUDIT_WRITE(29) KILL(5) NET_BIND_SERVICE(10) = 0x20000420
expect_match "effective = the spec's three capabilities" "$out" 'CapEff: 0000000020000420'
expect_match "bounding = the spec's three capabilities" "$out" 'CapBnd: 0000000020000420'
expect_match "inheritable empty (the spec grants none)" "$out" 'CapInh: 0000000000000000'
expect_match "noNewPrivileges" "$out" 'NoNewPrivs: 1'
cfg "$b" '.process.noNewPrivileges = false | .process.capabilities.bounding += ["CAP_NOT_A_CAP"]'
out=$(crl run --bundle "$b" p7 2>&1)
expect_match "an unknown capability is named in a warning" "$out" "warning: process.capabilities.bounding: unknown or unavailable capability \`CAP_NOT_A_CAP\` left out"
expect_match "no_new_privs off when not asked" "$out" 'NoNewPrivs: 0'
cfg "$b" '.process.capabilities = {"bounding":["CAP_CHOWN"],"effective":["CAP_CHOWN"],"permitted":["CAP_CHOWN"],"inheritable":["CAP_CHOWN"],"ambient":["CAP_CHOWN"]} | .process.user = {"uid":1000,"gid":1000}'
out=$(crl run --bundle "$b" p8)
expect_match "ambient capability kept across the uid switch and exec" "$out" 'CapAmb: 0000000000000001'
expect_match "non-root user gets the ambient capability as effective" "$out" 'CapEff: 0000000000000001'
cfg "$b" 'del(.process.capabilities) | .process.user = {"uid":0,"gid":0}'
expect_match "no capabilities section: root gets none" "$(crl run --bundle "$b" p9)" 'CapEff: 0000000000000000'

cfg "$b" '.process.oomScoreAdj = 500'
args "$b" cat /proc/self/oom_score_adj
expect_eq "oomScoreAdj" "$(crl run --bundle "$b" p10)" 500
cfg "$b" 'del(.process.oomScoreAdj)'

args "$b" nosuchprogram
out=$(crl run --bundle "$b" p11 2>&1); rc=$?
expect_match "a missing program fails create, like runc" "rc=$rc $out" '^rc=1 .*exec: "nosuchprogram": executable file not found in \$PATH$'
cfg "$b" '.process.env = ["PATH=/opt"]'
args "$b" sh -c true
out=$(crl run --bundle "$b" p12 2>&1); rc=$?
expect_match "the lookup uses the container's PATH, not the runtime's" "rc=$rc $out" 'exec: "sh": executable file not found'
cfg "$b" '.process.env = []'
args "$b" /bin/sh -c 'echo abs'
expect_eq "an absolute program path needs no PATH" "$(crl run --bundle "$b" p13)" abs
args "$b" sh -c 'echo found'
expect_eq "no PATH in the env: the default search path finds sh" "$(crl run --bundle "$b" p14 2>&1)" found
expect_no_leftovers "process"

# personality, ioPriority, execCPUAffinity
cfg "$b" '.linux.personality = {"domain": "LINUX32"} | .process.ioPriority = {"class": "IOPRIO_CLASS_BE", "priority": 3}
          | .process.execCPUAffinity = {"initial": "0-1", "final": "0"}'
args "$b" sh -c 'uname -m; ionice -p $$; grep Cpus_allowed_list /proc/self/status | tr -d "\t"'
out=$(crl run --bundle "$b" pa1 2>&1)
expect_match "linux.personality LINUX32" "$out" '^i[3-6]86$'
expect_match "process.ioPriority best-effort 3" "$out" 'best-effort: prio 3'
expect_match "process.execCPUAffinity.final" "$out" 'Cpus_allowed_list:0$'
# The realtime I/O class needs the runtime's privileges: applied before the
# process's capabilities are set (it holds none that allow it).
cfg "$b" 'del(.linux.personality) | del(.process.execCPUAffinity) | .process.ioPriority = {"class": "IOPRIO_CLASS_RT", "priority": 2}'
args "$b" sh -c 'ionice -p $$'
expect_eq "process.ioPriority realtime 2, without CAP_SYS_ADMIN in the process" "$(crl run --bundle "$b" pa-rt 2>&1)" "realtime: prio 2"
cfg "$b" 'del(.process.ioPriority)'
cfg "$b" '.linux.personality = {"domain": "LINUX64"}'
out=$(crl run --bundle "$b" pa2 2>&1); rc=$?
expect_match "an unknown personality domain is named" "rc=$rc $out" '^rc=1 crun-lite: linux.personality.domain: unknown domain `LINUX64`'
cfg "$b" 'del(.linux.personality) | .process.ioPriority = {"class": "IOPRIO_CLASS_FAST"}'
out=$(crl run --bundle "$b" pa3 2>&1); rc=$?
expect_match "an unknown I/O priority class is named" "rc=$rc $out" '^rc=1 crun-lite: process.ioPriority.class: unknown class `IOPRIO_CLASS_FAST`'
cfg "$b" 'del(.process.ioPriority) | .process.execCPUAffinity = {"final": "0-x"}'
out=$(crl run --bundle "$b" pa4 2>&1); rc=$?
expect_match "a malformed CPU list is named" "rc=$rc $out" '^rc=1 crun-lite: process.execCPUAffinity.final: not a CPU list: `0-x`'
cfg "$b" 'del(.process.execCPUAffinity)'
expect_no_leftovers "process attributes"
cfg "$b" '.process.scheduler = {"policy": "SCHED_BATCH", "nice": 7, "flags": ["SCHED_FLAG_RESET_ON_FORK"]}'
args "$b" sh -c 'grep -E "^policy" /proc/self/sched | tr -d " "; awk "{print \$19}" /proc/self/stat'
out=$(crl run --bundle "$b" sch1 2>&1)
expect_match "process.scheduler: SCHED_BATCH" "$out" '^policy:3$'
expect_match "process.scheduler: nice 7" "$out" '^7$'
cfg "$b" '.process.scheduler = {"policy": "SCHED_FIFO", "priority": 10}'
args "$b" sh -c 'grep -E "^policy" /proc/self/sched | tr -d " "'
out=$(crl run --bundle "$b" sch2 2>&1); rc=$?
if [ $rc -eq 0 ]; then expect_match "process.scheduler: SCHED_FIFO" "$out" '^policy:1$'
else expect_match "SCHED_FIFO refused by this host's cgroup: a clear error" "rc=$rc $out" 'process.scheduler: sched_setattr'; fi
cfg "$b" '.process.scheduler = {"policy": "SCHED_FAST"}'
out=$(crl run --bundle "$b" sch3 2>&1); rc=$?
expect_match "an unknown scheduler policy is named" "rc=$rc $out" '^rc=1 crun-lite: process.scheduler.policy: unknown policy `SCHED_FAST`'
cfg "$b" 'del(.process.scheduler)'

# linux.memoryPolicy: set_mempolicy before exec; the process and its
# children allocate under it (numa_maps shows the task's policy).
cfg "$b" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0"}'
args "$b" sh -c 'grep -m1 heap /proc/self/numa_maps | cut -d" " -f2'
expect_eq "linux.memoryPolicy: MPOL_BIND to node 0" "$(crl run --bundle "$b" mp1 2>&1)" "bind:0"
cfg "$b" '.linux.memoryPolicy = {"mode": "MPOL_INTERLEAVE", "nodes": "0", "flags": ["MPOL_F_STATIC_NODES"]}'
expect_eq "linux.memoryPolicy: MPOL_INTERLEAVE with MPOL_F_STATIC_NODES" "$(crl run --bundle "$b" mp2 2>&1)" "interleave=static:0"
cfg "$b" '.linux.memoryPolicy = {"mode": "MPOL_PREFERRED", "nodes": "0"}'
args "$b" sleep 30
crl run -d --bundle "$b" mp3 >/dev/null 2>&1
expect_eq "linux.memoryPolicy applies to exec'd processes too" \
  "$(crl exec mp3 sh -c 'grep -m1 heap /proc/self/numa_maps | cut -d" " -f2')" "prefer:0"
crl delete -f mp3
cfg "$b" '.linux.memoryPolicy = {"mode": "MPOL_SOMEWHERE"}'
out=$(crl run --bundle "$b" mp4 2>&1); rc=$?
expect_eq "an unknown memory policy mode is named" "rc=$rc $out" 'rc=1 crun-lite: linux.memoryPolicy.mode: unknown mode `MPOL_SOMEWHERE`'
cfg "$b" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_FAST"]}'
out=$(crl run --bundle "$b" mp5 2>&1); rc=$?
expect_eq "an unknown memory policy flag is named" "rc=$rc $out" 'rc=1 crun-lite: linux.memoryPolicy.flags: unknown flag `MPOL_F_FAST`'
cfg "$b" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "0-x"}'
out=$(crl run --bundle "$b" mp6 2>&1); rc=$?
expect_eq "a malformed node list is named" "rc=$rc $out" 'rc=1 crun-lite: linux.memoryPolicy.nodes: not a node list: `0-x`'
cfg "$b" '.linux.memoryPolicy = {"mode": "MPOL_BIND", "nodes": "63"}'
out=$(crl run --bundle "$b" mp7 2>&1); rc=$?
expect_match "a node this host does not have fails create, naming the field" "rc=$rc $out" '^rc=1 .*linux.memoryPolicy: set_mempolicy: Invalid argument'
cfg "$b" 'del(.linux.memoryPolicy)'
expect_no_leftovers "memory policy"

# process.user without gid: gid 0 (runc, crun).
pb=$(new_bundle proc-1-3)
cfg "$pb" '.process.user = {"uid": 1000} | .process.args = ["id", "-g"]'
expect_eq "process.user without gid runs with gid 0" "$(crl run --bundle "$pb" nogid 2>&1)" 0
# A variable given twice is passed once with its last value; an empty HOME
# is the user's (runc).
cfg "$pb" '.process.user = {"uid": 0, "gid": 0} | .process.env = ["PATH=/bin", "A=1", "HOME=", "A=2"] | .process.args = ["sh", "-c", "env | grep -E \"^(A|HOME)=\" | sort | tr \"\\n\" \" \""]'
expect_eq "env: a variable given twice is passed once, the last; an empty HOME is the user's" "$(crl run --bundle "$pb" envdup 2>&1)" "A=2 HOME=/root "
# Started under `taskset -c 0`, the container is not pinned (runc 1.2+).
if [ "$(nproc)" -gt 1 ] && command -v taskset >/dev/null; then
  cfg "$pb" '.process.env = ["PATH=/bin"] | .process.args = ["sleep", "30"]'
  taskset -c 0 timeout 30 "$R" --root "$STATE" run -d --bundle "$pb" aff >/dev/null 2>&1
  apid=$(crl state aff | jq -r .pid)
  expect_eq "the init does not keep the caller's CPU affinity" "$(grep Cpus_allowed_list /proc/$apid/status | cut -f2)" "0-$(( $(nproc) - 1 ))"
  expect_eq "an exec'd process does not either" "$(taskset -c 0 timeout 30 "$R" --root "$STATE" exec aff grep Cpus_allowed_list /proc/self/status | cut -f2)" "0-$(( $(nproc) - 1 ))"
  crl delete -f aff >/dev/null 2>&1
else
  skip "CPU affinity is reset" "one CPU, or no taskset"
fi
# An ambient capability the kernel will not raise (not inheritable): a
# warning in the log (runtime-spec 1.3), the container runs.
cfg "$pb" '.process.args = ["true"] | .process.capabilities = {"bounding":["CAP_CHOWN"],"effective":["CAP_CHOWN"],"permitted":["CAP_CHOWN"],"ambient":["CAP_CHOWN"]}'
check "an ambient capability that cannot be raised does not fail the container" \
  timeout 30 "$R" --root "$STATE" --log "$T_ROOT/ambient.log" run --bundle "$pb" amb
expect_match "... and is a warning in the log" "$(cat "$T_ROOT/ambient.log")" 'level=warning msg="process.capabilities.ambient: CAP_CHOWN cannot be raised'
expect_no_leftovers "process (runc 1.5)"
