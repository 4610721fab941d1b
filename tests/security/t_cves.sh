# Regression tests named after the runtime CVEs they guard against.  Each
# plants the attacker's input (a rootfs symlink, a crafted config, a process
# in the container) and checks the host is untouched.

b=$(new_bundle cve)
cfg "$b" '.root.readonly = false'

# CVE-2019-5736: the container must not reach the runtime binary through
# /proc/<pid>/exe while the runtime runs in its namespaces.  The created
# init is still the runtime: a process exec'd into the container tries it.
hash_before=$(sha256sum "$R" | cut -d' ' -f1)
args "$b" sleep 100
crl create --bundle "$b" cve5736 >/dev/null 2>&1
out=$(crl exec cve5736 sh -c 'readlink /proc/1/exe 2>&1; cat /proc/1/exe > /dev/null 2>&1 && echo READ-OK; { echo x >> /proc/1/exe; } 2>&1 && echo WRITE-OK; true')
expect_match "CVE-2019-5736: the created init (the runtime) is not dumpable: /proc/1/exe is unreachable" "$out" 'Permission denied'
expect_eq "CVE-2019-5736: the runtime binary could be neither read nor written" "$(echo "$out" | grep -c -E 'READ-OK|WRITE-OK')" 0
crl delete -f cve5736
expect_eq "CVE-2019-5736: the host binary is unchanged" "$(sha256sum "$R" | cut -d' ' -f1)" "$hash_before"

# CVE-2024-21626: no runtime fd leaks; a cwd through /proc/self/fd/N cannot
# reach the host.
exec 7<"$T_ROOT" 8</
for fd in $(seq 3 12); do
  cfg "$b" --arg c "/proc/self/fd/$fd" '.process.cwd = $c'
  args "$b" sh -c 'pwd; ls / | head -3'
  out=$(crl run --bundle "$b" cve21626 2>&1 </dev/null); rc=$?
  if [ $rc -ne 0 ] || ! echo "$out" | grep -qE "^$T_ROOT|^/work|bash_jobs"; then ok "CVE-2024-21626: cwd /proc/self/fd/$fd stays in the container"
  else not_ok "CVE-2024-21626: cwd /proc/self/fd/$fd stays in the container" "$out"; fi
done
exec 7<&- 8<&-
cfg "$b" '.process.cwd = "/"'
crl run -d --bundle "$b" cvefd >/dev/null 2>&1 </dev/null || true

# CVE-2022-29162 / CVE-2022-27650: exec'd processes get no inheritable
# capabilities unless the config asks.
args "$b" sleep 100
crl run -d --bundle "$b" cvecap >/dev/null 2>&1
expect_match "CVE-2022-29162: CapInh is empty after exec" "$(crl exec cvecap grep CapInh /proc/self/status)" '0000000000000000$'
expect_match "CVE-2022-29162: even with --cap" "$(crl exec --cap CAP_NET_RAW cvecap grep CapInh /proc/self/status)" '0000000000000000$'
crl delete -f cvecap
crl delete -f cvefd >/dev/null 2>&1

# CVE-2023-25809: in a user namespace (rootless), the cgroup mount is
# read-only whatever its options say, with or without a cgroup namespace.
bu=$(new_bundle cve25809)
chown -R 100000:100000 "$bu/rootfs"
for cgns in with without; do
  if [ $cgns = with ]; then f='.'; else f='.linux.namespaces |= map(select(.type != "cgroup"))'; fi
  cfg "$bu" "$f"' | .linux.namespaces += [{"type":"user"}] | .linux.namespaces |= unique_by(.type)
    | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
    | .mounts |= map(if .type == "cgroup" then .options -= ["ro"] else . end)'
  args "$bu" sh -c 'for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do touch "$d/crl-x" 2>/dev/null && echo "WROTE $d"; mkdir "$d/crl-sub" 2>/dev/null && echo "WROTE $d"; done; grep " /sys/fs/cgroup" /proc/self/mountinfo | grep -vc " ro,"'
  out=$(crl run --bundle "$bu" cve25809 2>&1)
  expect_eq "CVE-2023-25809: in a user namespace no cgroup file is writable ($cgns a cgroup namespace, even without ro)" "$(echo "$out" | grep -c WROTE)" 0
  expect_eq "CVE-2023-25809: every cgroup mount is read-only ($cgns a cgroup namespace)" "$(echo "$out" | tail -n 1)" 0
done
# Without a user namespace the mount shows only the container's own
# cgroup, as writable as its options say (runc).
cfg "$b" '.linux.namespaces |= map(select(.type != "cgroup")) | .mounts |= map(if .type == "cgroup" then .options -= ["ro"] else . end)'
args "$b" sh -c 'd=$(ls -d /sys/fs/cgroup/memory /sys/fs/cgroup 2>/dev/null | head -n 1); mkdir "$d/crl-sub" && echo made; rmdir "$d/crl-sub"; cat /proc/self/cgroup | grep -c "0::/$" '
out=$(crl run --bundle "$b" cve25809b 2>&1)
expect_match "without a user namespace, an rw cgroup mount lets the container make a sub-cgroup of its own (runc)" "$out" '^made'
cfg "$b" '.linux.namespaces += [{"type":"cgroup"}] | .mounts |= map(if .type == "cgroup" then .options += ["ro"] else . end)'

# CVE-2019-16884 / CVE-2019-19921 / CVE-2023-27561: a rootfs whose /proc is
# a symlink is refused before any procfs write.
b2=$(new_bundle cveproc)
rmdir "$b2/rootfs/proc"; ln -s /tmp "$b2/rootfs/proc"
args "$b2" true
out=$(crl run --bundle "$b2" cveproc 2>&1); rc=$?
expect_match "CVE-2019-16884: a symlinked /proc in the rootfs is refused" "rc=$rc $out" '^rc=1 .*proc must be mounted on a real directory'
expect_no_leftovers "CVE-2019-16884"

# CVE-2025-31133: the masking source is the real null device, whatever the
# rootfs put at /dev/null.
b3=$(new_bundle cvenull)
cfg "$b3" '.mounts |= map(select(.destination != "/dev")) | .root.readonly = false'
echo secret > "$b3/rootfs/etc/secret"
rm -f "$b3/rootfs/dev/null"; ln -s /etc/secret "$b3/rootfs/dev/null"
args "$b3" sh -c 'wc -c < /proc/timer_list; cat /etc/secret; ls -l /dev/null | cut -c1'
out=$(crl run --bundle "$b3" cvenull 2>&1)
expect_eq "CVE-2025-31133: masked paths read empty, /dev/null is a real device, the file it pointed at is intact" "$(echo "$out" | tr '\n' ' ')" "0 secret c "

# CVE-2021-30465 / CVE-2024-45310: mount destinations through symlinks land
# inside the rootfs.
victim="$T_ROOT/cve-victim"; mkdir -p "$victim"
ln -s "$victim" "$b/rootfs/escape"
cfg "$b" --arg s "$T_ROOT" '.mounts += [{"destination":"/escape/sub","type":"tmpfs","source":"tmpfs"}]'
args "$b" true
crl run --bundle "$b" cve30465 >/dev/null 2>&1
expect_eq "CVE-2021-30465: nothing mounted or created on the host through a rootfs symlink" "$(ls -A "$victim")$(grep -c "$victim" /proc/self/mountinfo)" "0"

# The racing variant: a shared volume is bound at /vol, and a mount (and a
# bind of a file, whose target must be created) goes at /vol/flip/...; while
# the containers are created, an attacker swaps vol/flip between a directory
# and a symlink to a host directory (absolute, and by `..`), thousands of
# times a second.  Nothing may be mounted or created in the host directory.
vol="$T_ROOT/cve-vol"; hvictim="$T_ROOT/cve-race-victim"
mkdir -p "$vol/flip" "$hvictim"; ln -s "$hvictim" "$vol/flip-abs"; ln -s "../../../../../../../../..$hvictim" "$vol/flip-rel"
echo payload > "$T_ROOT/cve-payload"
b4=$(new_bundle cverace)
cfg "$b4" --arg v "$vol" --arg p "$T_ROOT/cve-payload" '.mounts += [
  {"destination":"/vol","type":"bind","source":$v,"options":["rbind"]},
  {"destination":"/vol/flip/mnt","type":"tmpfs","source":"tmpfs"},
  {"destination":"/vol/flip/file","type":"bind","source":$p,"options":["bind","ro"]}]'
args "$b4" true
for link in flip-abs flip-rel; do
  "$TESTS_HELPERS/flip_exchange" "$vol" flip "$link" 6 > "$T_ROOT/flips.out" &
  fpid=$!
  runs=0
  while kill -0 $fpid 2>/dev/null && [ $runs -lt 200 ]; do
    crl run --bundle "$b4" "race$runs" >/dev/null 2>&1
    runs=$((runs + 1))
  done
  wait $fpid
  expect_eq "CVE-2021-30465/CVE-2024-45310: $runs creates against $(cat "$T_ROOT/flips.out") swaps ($link): nothing mounted or created on the host" \
    "$(ls -A "$hvictim" | tr '\n' ' ')$(grep -c "$hvictim" /proc/self/mountinfo)" "0"
done
expect_eq "CVE-2021-30465: the runtime left nothing in the shared volume but what the mounts needed" \
  "$(cd "$vol" && find . -mindepth 1 | sort | tr '\n' ' ')" "./flip ./flip-abs ./flip-rel ./flip/file ./flip/mnt "

# CVE-2025-52881: mounts over files of the container's /proc must not turn
# the runtime's procfs writes (sysctl, oom_score_adj) into host writes.
b4=$(new_bundle cveprocw)
printf 'original\n' > "$T_ROOT/victim-sysctl"
printf 'original\n' > "$T_ROOT/victim-oom"
cfg "$b4" --arg v1 "$T_ROOT/victim-sysctl" --arg v2 "$T_ROOT/victim-oom" '
  .mounts += [{"destination": "/proc/sys/kernel/msgmax", "type": "bind", "source": $v1, "options": ["bind"]},
              {"destination": "/proc/self/oom_score_adj", "type": "bind", "source": $v2, "options": ["bind"]}]
  | .linux.sysctl = {"kernel.msgmax": "65536"} | .process.oomScoreAdj = 500'
args "$b4" sh -c 'cat /proc/self/oom_score_adj; true'
out=$(crl run --bundle "$b4" cve52881 2>&1); rc=$?
expect_eq "CVE-2025-52881: host files bound over /proc/sys and /proc/self are not written" \
  "$(cat "$T_ROOT/victim-sysctl" "$T_ROOT/victim-oom" | tr '\n' ' ')" "original original "
if enosys_has mount-api; then
  # Before Linux 5.2 no procfs of the runtime's own can be had: the write
  # that something is mounted over is refused instead.
  expect_match "CVE-2025-52881 (no new mount API): the covered sysctl is refused, named" "rc=$rc $out" \
    '^rc=1 .*linux.sysctl: kernel.msgmax: /proc/sys/kernel/msgmax( is not on procfs|: something is mounted over it)'
else
  expect_eq "CVE-2025-52881: the settings reached the real procfs (oom_score_adj 500)" "rc=$rc $out" "rc=0 500"
fi
expect_no_leftovers "CVE-2025-52881"

# CVE-2016-9962: a process joining with exec is non-dumpable until its exec:
# a process in the container watching /proc for the joiners can neither open
# their exe (the runtime binary) nor their memory (what ptrace needs).
b5=$(new_bundle cveptrace)
cp "$TESTS_HELPERS/proc_probe" "$b5/rootfs/bin/proc_probe"
args "$b5" sh -c "proc_probe 4 $(stat -L -c %d:%i "$R") > /tmp/probe; sleep 60"
cfg "$b5" '.root.readonly = false'
crl run -d --bundle "$b5" cve9962 >/dev/null 2>&1
sleep 0.3
for i in $(seq 30); do crl exec cve9962 true >/dev/null 2>&1; done
for i in $(seq 100); do crl exec cve9962 test -s /tmp/probe && break; sleep 0.1; done
out=$(crl exec cve9962 cat /tmp/probe)
expect_eq "CVE-2016-9962: the runtime binary and memory of a joining exec were never reached" \
  "$(echo "$out" | sed -n 's/^reached //p')" 0
refused=$(echo "$out" | sed -n 's/^refused //p')
if [ "${refused:-0}" -gt 0 ]; then ok "CVE-2016-9962: the probe caught $refused joining processes before their exec (and was refused)"
else not_ok "CVE-2016-9962: the probe caught joiners before their exec" "$out"; fi
crl delete -f cve9962

# CVE-2025-52565: /dev/console is bound from the pty itself, never through
# a path the rootfs provides: a /dev/console symlink is not followed.
b6=$(new_bundle cveconsole)
cfg "$b6" '.mounts |= map(select(.destination != "/dev")) | .root.readonly = false | .process.terminal = true'
ln -sf /proc/sys/kernel/core_pattern "$b6/rootfs/dev/console"
args "$b6" sh -c 'grep -c core_pattern /proc/self/mountinfo; readlink /dev/console'
out=$(echo | crl run --bundle "$b6" cve52565 2>&1 | tr -d '\r' | grep -v '^$')
expect_eq "CVE-2025-52565: nothing is mounted through a /dev/console symlink, which stays a symlink" \
  "$(echo "$out" | tr '\n' ' ')" "0 /proc/sys/kernel/core_pattern "
expect_no_leftovers "cves"

# CVE-2026-41579, the cgroup v1 variant: an image whose /sys/fs/cgroup/cpu
# (or memory) is a symlink out of the rootfs (absolute or by ..) must not
# make anything outside it when the runtime mounts the hierarchies, with
# or without a cgroup namespace, with sysfs mounted over /sys or not.
b7=$(new_bundle cve41579)
mkdir -p "$b7/rootfs/sys/fs/cgroup"
ln -s "$T_ROOT/cve41579-abs" "$b7/rootfs/sys/fs/cgroup/cpu"
ln -s "../../../..$T_ROOT/cve41579-rel" "$b7/rootfs/sys/fs/cgroup/memory"
ln -s "$T_ROOT/cve41579-dir" "$b7/rootfs/sys/fs/cgroup/pids"
args "$b7" true
for variant in "with sysfs" "without sysfs" "no cgroup namespace"; do
  case $variant in
    "without sysfs") cfg "$b7" '.mounts |= map(select(.type != "sysfs"))' ;;
    "no cgroup namespace") cfg "$b7" '.linux.namespaces |= map(select(.type != "cgroup"))' ;;
  esac
  crl run --bundle "$b7" cve41579 >/dev/null 2>&1
  expect_eq "CVE-2026-41579 (v1, $variant): symlinked hierarchies in the image make nothing outside the rootfs" \
    "$(ls -d "$T_ROOT"/cve41579-* 2>/dev/null | wc -l)" 0
done
expect_no_leftovers "CVE-2026-41579"
