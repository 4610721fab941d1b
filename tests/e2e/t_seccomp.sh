# Seccomp: the filter binds exactly as the profile says, is loaded last, and
# ordinary programs run under a real engine profile.

b=$(new_bundle sc)
cfg "$b" '.root.readonly = false'

# The OCI seccomp section podman 4.3 wrote for a container on this machine.
# CAP_SYS_ADMIN is granted so that only the filter can refuse sethostname
# and swapon (the control run without the filter shows they pass).
cfg "$b" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
args "$b" sh -c 'ls / >/dev/null && cat /etc/passwd >/dev/null && echo ordinary-ok;
  hostname other 2>&1 && echo hostname-ok; grep -E "^Seccomp:" /proc/self/status'
out=$(crl run --bundle "$b" sc-control 2>&1)
expect_match "control: without a filter, sethostname (CAP_SYS_ADMIN) passes" "$out" 'hostname-ok'
cfg "$b" --slurpfile p "$TESTS_SRCDIR/fixtures/podman-4.3-config.json" '.linux.seccomp = $p[0].linux.seccomp'
out=$(crl run --bundle "$b" sc-podman 2>&1)
expect_match "podman's profile: ordinary programs run" "$out" 'ordinary-ok'
expect_match "podman's profile: sethostname gets EPERM despite CAP_SYS_ADMIN" "$out" 'hostname: sethostname: Operation not permitted'
expect_match "the process runs in filter mode" "$out" 'Seccomp:[[:space:]]+2'
cfg "$b" '.process.noNewPrivileges = false'
expect_match "without no_new_privs the filter is loaded before the capabilities drop, and works" \
  "$(crl run --bundle "$b" sc-nonnp 2>&1)" 'hostname: sethostname: Operation not permitted'
cfg "$b" '.process.noNewPrivileges = true | .process.capabilities |= with_entries(.value -= ["CAP_SYS_ADMIN"])'
# A system call newer than every one the profile names gets ENOSYS (runc):
# programs fall back only on ENOSYS.  One the profile leaves to its default
# (kexec_load) still gets the default errno.
cp "$TESTS_HELPERS/syscall_probe" "$b/rootfs/bin/syscall_probe"
args "$b" sh -c 'syscall_probe 1000; syscall_probe 246'
expect_eq "podman's profile: an unknown newer syscall (1000) gets ENOSYS, kexec_load EPERM" \
  "$(crl run --bundle "$b" sc-enosys 2>&1 | tr '\n' ' ')" "38 1 "

# The 2026 defaults (Docker 29.4.2+, containerd): socket allowed by three
# range rules on arg0 that leave out AF_ALG (38) and AF_VSOCK (40), and
# socketcall (i386's door to the same calls) denied with ENOSYS.
cfg "$b" '.linux.seccomp.syscalls |= (map(.names -= ["socket", "socketcall"] | select(.names | length > 0))
  + [{"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":38,"op":"SCMP_CMP_LT"}]},
     {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":39,"op":"SCMP_CMP_EQ"}]},
     {"names":["socket"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":41,"op":"SCMP_CMP_GE"}]},
     {"names":["socketcall"],"action":"SCMP_ACT_ERRNO","errnoRet":38}])'
# What "as the profile says" means is what libseccomp makes of it, which
# runc (the reference, the same libseccomp) shows: libseccomp applies the
# socketcall rule to the direct calls of the filter's other architectures
# too, so on x86_64 socket(AF_ALG) and socket(AF_VSOCK) get its ENOSYS.
args "$b" sh -c 'syscall_probe 41 38 5 0; syscall_probe 41 40 1 0; syscall_probe 41 1 1 0'
got=$(crl run --bundle "$b" sc-alg 2>&1 | tr '\n' ' ')
expect_match "2026 defaults: socket(AF_ALG) and socket(AF_VSOCK) are refused, AF_UNIX is not (x86_64)" "$got" '^[1-9][0-9]* [1-9][0-9]* 0 $'
if command -v runc >/dev/null; then
  expect_eq "... exactly as runc applies the profile" "$got" "$(cd "$b" && timeout 30 runc --root "$T_ROOT/runc-sc" run sc-alg-runc </dev/null 2>&1 | tr '\n' ' ')"
fi
# An i386 program (no multilib needed: two system calls in assembly).
i386="$T_ROOT/socketcall-i386"
printf '.data\nargs: .long 38, 5, 0\n.text\n.globl _start\n_start:\n movl $102, %%eax\n movl $1, %%ebx\n movl $args, %%ecx\n int $0x80\n negl %%eax\n movl %%eax, %%ebx\n movl $1, %%eax\n int $0x80\n' > "$i386.s"
if as --32 -o "$i386.o" "$i386.s" 2>/dev/null && ld -m elf_i386 -o "$i386" "$i386.o" 2>/dev/null && { "$i386"; [ $? -ne 126 ]; } 2>/dev/null; then
  cp "$i386" "$b/rootfs/bin/socketcall-i386"
  args "$b" sh -c '/bin/socketcall-i386; echo $?'
  # With the socket rules beside it, libseccomp lets i386's socketcall
  # through to the kernel (its arguments are out of a filter's reach),
  # which refuses AF_ALG itself here: the same in runc.
  if command -v runc >/dev/null; then
    expect_eq "2026 defaults: socketcall(SYS_SOCKET, AF_ALG) from an i386 binary, as runc applies the profile" \
      "$(crl run --bundle "$b" sc-i386 2>&1)" "$(cd "$b" && timeout 30 runc --root "$T_ROOT/runc-sc" run sc-i386-runc </dev/null 2>&1)"
  fi
  # socketcall alone (no socket rule for libseccomp to fold into it):
  # ENOSYS, as the profile says.
  cfg "$b" '.linux.seccomp.syscalls |= map(select(.names != ["socket"]))'
  expect_eq "2026 defaults: socketcall denied with ENOSYS reaches an i386 binary as ENOSYS" "$(crl run --bundle "$b" sc-i386b 2>&1)" 38
else
  skip "2026 defaults: socketcall from an i386 binary" "this kernel or binutils runs no i386 program"
fi

# Targeted rules: errno values, argument conditions, MASKED_EQ.
cfg "$b" '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
  "syscalls": [
    {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
    {"names": ["kill"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 1, "value": 10, "op": "SCMP_CMP_EQ"}]},
    {"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 30, "args": [{"index": 2, "value": 4095, "valueTwo": 511, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["chmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 30, "args": [{"index": 1, "value": 4095, "valueTwo": 511, "op": "SCMP_CMP_MASKED_EQ"}]},
    {"names": ["no_such_syscall_anywhere"], "action": "SCMP_ACT_ERRNO"}]}'
args "$b" sh -c 'mkdir /tmp/d 2>&1; kill -USR1 $$ 2>&1; kill -0 $$ && echo kill0-ok; touch /tmp/f;
  chmod 777 /tmp/f 2>&1; chmod 644 /tmp/f && echo chmod644-ok; true'
out=$(crl run --bundle "$b" sc-rules 2>&1)
expect_match "errnoRet 13: mkdir gets EACCES" "$out" "mkdir: can't create directory '/tmp/d': Permission denied"
expect_match "args EQ: kill with SIGUSR1 gets EPERM (errnoRet absent)" "$out" "can't kill pid 1: Operation not permitted"
expect_match "args EQ: kill with signal 0 passes" "$out" 'kill0-ok'
expect_match "MASKED_EQ: mode 0777 is refused (EROFS)" "$out" 'chmod: /tmp/f: Read-only file system'
expect_match "MASKED_EQ: mode 0644 passes" "$out" 'chmod644-ok'
expect_match "an unknown syscall name is skipped, as runc" "$out" 'chmod644-ok'

# A default that kills, with an allowlist: what is not listed ends the process.
cfg "$b" '.linux.seccomp.defaultAction = "SCMP_ACT_ALLOW" | .linux.seccomp.syscalls = [{"names": ["getppid"], "action": "SCMP_ACT_KILL_PROCESS"}]'
args "$b" sh -c 'echo $PPID'
crl run --bundle "$b" sc-kill >/dev/null 2>&1; rc=$?
expect_eq "SCMP_ACT_KILL_PROCESS kills with SIGSYS (128+31)" "$rc" 159
cfg "$b" '.linux.seccomp.flags = ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"] | .linux.seccomp.syscalls = []'
args "$b" true
check "flags LOG and SPEC_ALLOW" crl run --bundle "$b" sc-flags
expect_no_leftovers "seccomp"

# SCMP_ACT_NOTIFY: the notification fd reaches the listener at listenerPath
# with the container process state, and the listener's answers are what the
# container gets (EXDEV: nothing else would fail mkdir so).  With and without
# noNewPrivileges; `exec` sends its own process's fd the same way.
for nnp in true false; do
  lsock="$T_ROOT/seccomp-listener-$nnp.sock"; lstate="$T_ROOT/seccomp-state-$nnp.json"
  "$TESTS_HELPERS/seccomp_listener" "$lsock" "$lstate" 2 > "$T_ROOT/listener-$nnp.out" 2>&1 &
  lpid=$!
  for _ in $(seq 50); do [ -S "$lsock" ] && break; sleep 0.05; done
  cfg "$b" --arg p "$lsock" --argjson nnp $nnp '.process.noNewPrivileges = $nnp | .linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW",
      "listenerPath":$p,"listenerMetadata":"crl-meta","flags":["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"],
      "syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_NOTIFY"}]}'
  args "$b" sh -c 'mkdir /tmp/notified 2>&1; test -d /tmp/notified && echo made || echo not-made; sleep 30'
  crl create --bundle "$b" "sc-ntf-$nnp" > "$T_ROOT/ntf-$nnp.out" 2>&1; rc=$?
  expect_eq "notify (noNewPrivileges=$nnp): create succeeds" "$rc $(cat "$T_ROOT/ntf-$nnp.out")" "0 "
  ipid=$(crl state "sc-ntf-$nnp" | jq -r .pid)
  expect_eq "notify (noNewPrivileges=$nnp): the listener got the container process state and the fd" \
    "$(head -n 1 "$lstate" | jq -c '[.ociVersion, .fds, .pid, .metadata, .state.id, .state.status, .state.pid]' 2>&1)" \
    "[\"1.3.0\",[\"seccompFd\"],$ipid,\"crl-meta\",\"sc-ntf-$nnp\",\"creating\",$ipid]"
  crl start "sc-ntf-$nnp"
  for _ in $(seq 50); do grep -q made "$T_ROOT/ntf-$nnp.out" && break; sleep 0.1; done
  expect_eq "notify (noNewPrivileges=$nnp): the container got the listener's answer" "$(cat "$T_ROOT/ntf-$nnp.out")" \
    "mkdir: can't create directory '/tmp/notified': Invalid cross-device link
not-made"
  out=$(crl exec "sc-ntf-$nnp" sh -c 'mkdir /tmp/from-exec 2>&1; echo exec-done' 2>&1)
  expect_eq "notify (noNewPrivileges=$nnp): exec's process is under the listener too" "$out" \
    "mkdir: can't create directory '/tmp/from-exec': Invalid cross-device link
exec-done"
  expect_eq "notify: exec sent its own process state" "$(sed -n 2p "$lstate" | jq -r '.state.status + " " + .metadata' 2>&1)" "running crl-meta"
  crl delete -f "sc-ntf-$nnp" >/dev/null 2>&1
  wait $lpid
  expect_eq "notify (noNewPrivileges=$nnp): the listener answered both calls" "$(cat "$T_ROOT/listener-$nnp.out")" "answered 2"
done
crl create --bundle "$b" sc-ntf-nolistener > "$T_ROOT/ntf.out" 2>&1; rc=$?
expect_match "notify: no listener at listenerPath fails create, naming it" "rc=$rc $(cat "$T_ROOT/ntf.out")" \
  "^rc=1 crun-lite: .*linux.seccomp.listenerPath: failed to connect with seccomp agent at \`$T_ROOT/seccomp-listener-false.sock\`"
expect_no_leftovers "seccomp notify"

# The cache of compiled programs (<root>/.seccomp-cache): a hit runs the
# same filter, a changed profile gets its own entry, a damaged or foreign
# entry is never used, concurrent writers leave one good entry.
sr="$T_ROOT/state-sccache"; cache="$T_ROOT/sccache"
crl_c () { CRUN_LITE_SECCOMP_CACHE="$cache" timeout -k 5 30 "$R" --root "$sr" "$@"; }
cfg "$b" '.process.noNewPrivileges = true | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
  "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}'
args "$b" sh -c 'mkdir /tmp/cache-probe 2>&1; rmdir /tmp/cache-probe 2>&1; echo done'
deny_mkdir="mkdir: can't create directory '/tmp/cache-probe': Permission denied
rmdir: '/tmp/cache-probe': No such file or directory
done"
expect_eq "seccomp cache: a cold start denies as the profile says" "$(crl_c run --bundle "$b" scc 2>&1)" "$deny_mkdir"
expect_eq "... and leaves one entry, private to the runtime" "$(ls "$cache" | wc -l) $(stat -c %a "$cache")" "1 700"
entry="$cache/$(ls "$cache")"
expect_eq "a warm start (from the entry) denies the same" "$(crl_c run --bundle "$b" scc 2>&1)" "$deny_mkdir"
expect_match "... and took the program from the cache" "$(crl_c --debug run --bundle "$b" scc 2>&1)" 'taken from the cache'
cp "$entry" "$T_ROOT/entry.orig"
# One byte of the program flipped (the last instruction's action): the
# checksum no longer holds, so the profile is compiled again.
size=$(stat -c %s "$entry")
printf '\377' | dd of="$entry" bs=1 seek=$((size - 4)) conv=notrunc status=none
out=$(crl_c --debug run --bundle "$b" scc 2>&1)
expect_eq "a damaged entry is not used: still denied" "$(printf '%s\n' "$out" | grep -v '^crun-lite: debug: ')" "$deny_mkdir"
expect_eq "... compiled again and the entry rewritten" "$(printf '%s' "$out" | grep -c 'taken from the cache') $(cmp -s "$entry" "$T_ROOT/entry.orig" && echo same)" "0 same"
: > "$entry"
expect_eq "a truncated entry is not used" "$(crl_c run --bundle "$b" scc 2>&1)" "$deny_mkdir"
chmod 0644 "$entry"
out=$(crl_c --debug run --bundle "$b" scc 2>&1)
expect_eq "an entry others could have written (mode 644) is not used" \
  "$(printf '%s' "$out" | grep -c 'taken from the cache') $(printf '%s' "$out" | grep -c 'Permission denied')" "0 1"
rm -f "$cache"/*
# A changed profile (rmdir denied, mkdir allowed): its own entry, its own filter.
cfg "$b" '.linux.seccomp.syscalls = [{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]'
crl_c run --bundle "$b" scc >/dev/null 2>&1
rmdir "$b/rootfs/tmp/cache-probe"
cfg "$b" '.linux.seccomp.syscalls = [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
expect_eq "the first profile again, with the second's entry beside it: its own filter" "$(crl_c run --bundle "$b" scc 2>&1)" "$deny_mkdir"
cfg "$b" '.linux.seccomp.syscalls = [{"names": ["rmdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]'
expect_eq "... and the second's" "$(crl_c run --bundle "$b" scc 2>&1)" "rmdir: '/tmp/cache-probe': Operation not permitted
done"
rmdir "$b/rootfs/tmp/cache-probe"
expect_eq "two profiles, two entries" "$(ls "$cache" | wc -l)" 2
rm -f "$cache"/*
cfg "$b" '.linux.seccomp.syscalls = [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]'
for i in 1 2 3 4 5 6 7 8; do (crl_c run --bundle "$b" "scc$i" >"$T_ROOT/scc$i.out" 2>&1) & done
wait
expect_eq "8 concurrent cold starts all deny" "$(cat "$T_ROOT"/scc?.out | grep -c 'Permission denied')" 8
expect_eq "... and leave one entry, which the next start uses" \
  "$(ls "$cache" | wc -l) $(crl_c --debug run --bundle "$b" scc 2>&1 | grep -c 'taken from the cache')" "1 1"
expect_eq "the cache leaves no temporary file behind" "$(ls -A "$cache" | grep -c tmp)" 0
