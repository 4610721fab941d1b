# CVE-2019-5736 and its class: a container must never get a writable handle
# on the host's runtime binary.  Each attack is run for real against a copy
# of the built binary (the build itself is never at risk), and the copy's
# hash is compared before and after.  Routes:
#  - a `#!/proc/self/exe` script run by the runtime's init (run -d) and by
#    the exec helper (exec): the kernel runs the runtime's own binary inside
#    the container, where the container's /etc/ld.so.preload injects code
#    that keeps /proc/self/exe open and writes through it once the file is
#    no longer busy;
#  - with CAP_SYS_PTRACE, /proc/PID/exe of the created (waiting) init and of
#    an exec helper before its exec;
#  - the script route again in a user namespace, with the copy owned by the
#    container's root so that only the protection can stop the write.
# Every route runs against both protections: the default independent copy
# (a private tmpfs file, or a sealed memfd) and the opt-in read-only mount
# (org.crun-lite.binary-protection=ro-shared-pages); then the default is
# shown to give the container a file that is not the host's (another inode
# and device, sealed), where the opt-in mode shares the host file's pages.

cc=${CC:-cc}
V="$T_ROOT/runtime-copy/crun-lite"
mkdir -p "$T_ROOT/runtime-copy"
# A fresh copy for each attack (one that succeeds leaves it broken).
fresh_copy () { rm -f "$V"; cp "$R" "$V"; v_hash; }
vcrl () { timeout -k 5 30 "$V" --root "$STATE" "$@"; }
v_hash () { sha256sum "$V" | cut -d' ' -f1; }

# exe_bundle NAME: a bundle whose rootfs can run the runtime's binary (its
# loader and libraries), with the attacker's preload library and scanner.
exe_bundle () {
  local b
  b=$(new_bundle "$1")
  ldd "$R" | grep -o '/[^ ]*' | while read -r lib; do cp -L --parents "$lib" "$b/rootfs/" 2>/dev/null; done
  mkdir -p "$b/rootfs/lib"
  "$cc" -shared -fPIC -DPRELOAD -O2 -o "$b/rootfs/lib/crl-attack.so" "$TESTS_SRCDIR/helpers/exe_overwrite.c" || return 1
  "$cc" -static -O2 -o "$b/rootfs/bin/exe_scan" "$TESTS_SRCDIR/helpers/exe_overwrite.c" || return 1
  echo /lib/crl-attack.so > "$b/rootfs/etc/ld.so.preload"
  printf '#!/proc/self/exe\n' > "$b/rootfs/bin/evil"
  chmod 755 "$b/rootfs/bin/evil"
  cfg "$b" '.root.readonly = false'
  [ -z "${EXE_PROTECTION:-}" ] || cfg "$b" --arg m "$EXE_PROTECTION" '.annotations["org.crun-lite.binary-protection"] = $m'
  echo "$b"
}

# wait_attack BUNDLE: until the attacker says it wrote or gave up (10 s).
wait_attack () {
  local i
  for i in $(seq 100); do
    grep -qE 'WROTE|failed' "$1/rootfs/attack.log" 2>/dev/null && break
    sleep 0.1
  done
  cat "$1/rootfs/attack.log" 2>/dev/null
}

# expect_not_overwritten NAME BUNDLE HASH_BEFORE WHAT_THE_ATTACK_MUST_HAVE_DONE
expect_not_overwritten () {
  local log
  log=$(wait_attack "$2")
  expect_match "$1: the attack ran" "$log" "$4"
  expect_eq "$1: nothing was written through the handle" "$(echo "$log" | grep -c WROTE)" 0
  expect_eq "$1: the runtime binary is unchanged" "$(v_hash)" "$3"
}

# fifo_route NAME ID BUNDLE HASH: the exec helper runs `#!/proc/self/exe
# --log=/hold.fifo`, which makes the kernel run the runtime's binary as a
# process of the container (dumpable, with the container's own credentials:
# no capability needed), held open on the fifo while the container's
# scanner takes its /proc/PID/exe; released, it exits and the scanner
# writes.  Needs nothing of the binary's linking.
fifo_route () {
  local name=$1 id=$2 b=$3 h=$4
  printf '#!/proc/self/exe --log=/hold.fifo\n' > "$b/rootfs/bin/evil-fifo"
  chmod 755 "$b/rootfs/bin/evil-fifo"
  mkfifo "$b/rootfs/hold.fifo"
  chown --reference="$b/rootfs" "$b/rootfs/hold.fifo" "$b/rootfs/bin/evil-fifo"
  args "$b" sleep 100
  vcrl run -d --bundle "$b" "$id" >/dev/null 2>&1 </dev/null
  # A scan of 5 s: a slow exec (a sanitizer build on a loaded machine)
  # must not outlast it.
  vcrl exec -d "$id" /bin/exe_scan scan 5 >/dev/null 2>&1 </dev/null
  sleep 0.5
  vcrl exec -d "$id" /bin/evil-fifo >/dev/null 2>&1 </dev/null
  sleep 2
  timeout 10 cat "$b/rootfs/hold.fifo" >/dev/null 2>&1 &
  expect_not_overwritten "$name" "$b" "$h" 'scanner holds some exe'
  crl delete -f "$id" >/dev/null 2>&1
  wait
}

# created_init_route NAME ID JQ_CAPS WANT: a created (waiting) init, still
# the runtime, scanned by a process exec'd into the container with the
# capabilities JQ_CAPS gives; the handles are tried once start has run.
created_init_route () {
  local name=$1 id=$2 caps=$3 want=$4 b h
  h=$(fresh_copy)
  b=$(exe_bundle "$id")
  cfg "$b" "$caps"
  args "$b" sleep 100
  vcrl create --bundle "$b" "$id" >/dev/null 2>&1 </dev/null
  vcrl exec -d "$id" /bin/exe_scan scan 2 >/dev/null 2>&1 </dev/null
  sleep 2.5
  vcrl start "$id" >/dev/null 2>&1
  expect_not_overwritten "$name" "$b" "$h" "$want"
  crl delete -f "$id" >/dev/null 2>&1
}

# A sanitizer build cannot run with a preloaded library (ASan must come
# first): the script routes are checked on the plain build.
script_routes=yes
ldd "$R" | grep -q libasan && script_routes=""
# A static build loads no ld.so.preload: nothing of the container's runs in
# the runtime's own process there, and the script route is attacked from
# another process of the container instead (2b, either build).
static_why=""
ldd "$R" 2>&1 | grep -q 'ld-linux' || static_why="a static binary loads no ld.so.preload (route 2b attacks the script route from outside)"
[ -z "$static_why" ] || script_routes=""
no_script_why=${static_why:-"a sanitizer build cannot run with the preloaded attack library"}
if ! command -v "$cc" >/dev/null; then
  skip "CVE-2019-5736 attacks" "no C compiler ($cc) to build the attacker"
else

  # (The ENOSYS stage runs the default only: without the mount API the
  # opt-in mode falls back to the same copy.)
  for mode in ${CRL_CVE_EXE_MODES:-independent-copy ro-shared-pages}; do
  m=${mode%%-*}
  if [ "$mode" = independent-copy ]; then EXE_PROTECTION=""; else EXE_PROTECTION=$mode; fi
    if [ -n "$script_routes" ]; then
    # 1. The init runs the script (run -d: the runtime is gone once started).
    h=$(fresh_copy)
    b=$(exe_bundle exe-run-$m)
    args "$b" /bin/evil
    vcrl run -d --bundle "$b" exe-run-$m >/dev/null 2>&1 </dev/null
    expect_not_overwritten "CVE-2019-5736 [$mode] (#!/proc/self/exe, run)" "$b" "$h" 'preload: holding /proc/self/exe'
    crl delete -f exe-run-$m >/dev/null 2>&1

    # 2. The exec helper runs it.
    h=$(fresh_copy)
    b=$(exe_bundle exe-exec-$m)
    args "$b" sleep 100
    vcrl run -d --bundle "$b" exe-exec-$m >/dev/null 2>&1 </dev/null
    vcrl exec exe-exec-$m /bin/evil >/dev/null 2>&1 </dev/null
    expect_not_overwritten "CVE-2019-5736 [$mode] (#!/proc/self/exe, exec)" "$b" "$h" 'preload: holding /proc/self/exe'
    expect_match "CVE-2019-5736 [$mode]: what the container reaches is a read-only mount or a sealed copy, not the host file" \
      "$(cat "$b/rootfs/attack.log")" 'exe -> (/|/memfd:crun-lite.*)$'
    crl delete -f exe-exec-$m >/dev/null 2>&1

    else
      skip "CVE-2019-5736 [$mode] (#!/proc/self/exe through run and exec)" "$no_script_why"
    fi

    # 2b. The script route without preloading anything and without a
    # capability (fifo_route, above).
    h=$(fresh_copy)
    b=$(exe_bundle exe-fifo-$m)
    fifo_route "CVE-2019-5736 [$mode] (#!/proc/self/exe run by exec, held by a fifo, no capability)" exe-fifo-$m "$b" "$h"

    # 3. CAP_SYS_PTRACE: the created init, still the runtime, seen from an
    # exec'd process; the handle is tried once start has run.
    ptrace='.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE"])'
    created_init_route "CVE-2019-5736 [$mode] (CAP_SYS_PTRACE, /proc/1/exe of the created init)" exe-init-$m "$ptrace" \
      'scanner holds some'

    # 3b. The same with CAP_CHECKPOINT_RESTORE as well: the init's mappings
    # of the binary through /proc/1/map_files, another path to the same file.
    created_init_route "CVE-2019-5736 [$mode] (CAP_SYS_PTRACE + CAP_CHECKPOINT_RESTORE, /proc/1/map_files of the created init)" \
      exe-maps-$m '.process.capabilities |= with_entries(.value += ["CAP_SYS_PTRACE", "CAP_CHECKPOINT_RESTORE"])' \
      'scanner holds some map_files'

    # 4. CAP_SYS_PTRACE: exec helpers, caught before their exec.
    h=$(fresh_copy)
    b=$(exe_bundle exe-helper-$m)
    cfg "$b" "$ptrace"
    args "$b" /bin/exe_scan scan 3
    vcrl run -d --bundle "$b" exe-helper-$m >/dev/null 2>&1 </dev/null
    for i in $(seq 40); do vcrl exec exe-helper-$m true >/dev/null 2>&1 </dev/null; done
    expect_not_overwritten "CVE-2019-5736 [$mode] (CAP_SYS_PTRACE, /proc/PID/exe of an exec helper)" "$b" "$h" 'scanner holds some'
    crl delete -f exe-helper-$m >/dev/null 2>&1

    if [ -n "$script_routes" ]; then
    # 5. A user-namespace container whose root owns the copy.
    b=$(exe_bundle exe-userns-$m)
    cfg "$b" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
    chown -R 100000:100000 "$b/rootfs"
    h=$(fresh_copy)
    chown 100000:100000 "$V"
    args "$b" sleep 100
    vcrl run -d --bundle "$b" exe-userns-$m >/dev/null 2>&1 </dev/null
    vcrl exec exe-userns-$m /bin/evil >/dev/null 2>&1 </dev/null
    expect_not_overwritten "CVE-2019-5736 [$mode] (user namespace, the copy owned by the container's root)" "$b" "$h" 'preload: holding /proc/self/exe'
    crl delete -f exe-userns-$m >/dev/null 2>&1
    else
      skip "CVE-2019-5736 [$mode] (user namespace)" "$no_script_why"
    fi

    # 5b. The same container and copy, attacked as in 2b.
    b=$(exe_bundle exe-uf-$m)
    cfg "$b" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
    chown -R 100000:100000 "$b/rootfs"
    h=$(fresh_copy)
    chown 100000:100000 "$V"
    fifo_route "CVE-2019-5736 [$mode] (user namespace, the copy owned by the container's root, held by a fifo)" exe-uf-$m "$b" "$h"
  done
  EXE_PROTECTION=""

  # The default's copy is independent of the host file: another file (not
  # the binary's device and inode, so not its page cache) that nothing can
  # write: unlinked on a read-only tmpfs mounted nowhere, or (where no
  # mount can be made) a sealed memfd; the opt-in mount is the host file
  # itself (same inode), read-only.
  b=$(new_bundle exe-identity)
  args "$b" sleep 100
  host_id=$(stat -L -c '%d:%i' "$R")
  crl create --bundle "$b" exe-id-copy >/dev/null 2>&1 </dev/null
  pid=$(crl state exe-id-copy | jq -r .pid)
  expect_eq "binary protection: by default the init's binary is not the host file (device:inode differ)" \
    "$( [ "$(stat -L -c '%d:%i' /proc/$pid/exe)" != "$host_id" ] && echo other)" other
  expect_eq "binary protection: by default the copy cannot be written (unlinked on a read-only tmpfs, or sealed; opening it for writing fails)" \
    "$(python3 -c '
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
vfs, st = os.fstatvfs(fd), os.fstat(fd)
try: seals = fcntl.fcntl(fd, 1034) & 15
except OSError: seals = 0
try: os.close(os.open(sys.argv[1], os.O_RDWR)); opened = True
except OSError: opened = False
print("protected" if not opened and (seals == 15 or (vfs.f_flag & os.ST_RDONLY and st.st_nlink == 0)) else "writable")' /proc/$pid/exe)" protected
  crl delete -f exe-id-copy >/dev/null 2>&1
  cfg "$b" '.annotations["org.crun-lite.binary-protection"] = "ro-shared-pages"'
  crl create --bundle "$b" exe-id-ro >/dev/null 2>&1 </dev/null
  pid=$(crl state exe-id-ro | jq -r .pid)
  if enosys_has mount-api || enosys_has mount_setattr || enosys_has open_tree; then
    expect_eq "binary protection: ro-shared-pages without the mount API falls back to the sealed copy" \
      "$( [ "$(stat -L -c '%d:%i' /proc/$pid/exe)" != "$host_id" ] && echo other)" other
  else
    expect_eq "binary protection: ro-shared-pages (opt-in) runs the host file itself, through a read-only mount" \
      "$(stat -L -c '%d:%i' /proc/$pid/exe) $(python3 -c 'import os,sys; print(os.statvfs(sys.argv[1]).f_flag & 1)' /proc/$pid/exe)" "$host_id 1"
  fi
  crl delete -f exe-id-ro >/dev/null 2>&1
  cfg "$b" '.annotations["org.crun-lite.binary-protection"] = "shared"'
  out=$(crl run --bundle "$b" exe-id-bad 2>&1); rc=$?
  expect_match "binary protection: an unknown mode is refused, naming the file and the annotation" "rc=$rc $out" \
    "^rc=1 crun-lite: $b/config.json: annotations.org.crun-lite.binary-protection: unknown value .shared. \\(expected independent-copy or ro-shared-pages\\)$"
  expect_match "features lists the annotation as potentially unsafe" "$("$R" features | jq -c .potentiallyUnsafeConfigAnnotations)" 'org.crun-lite.binary-protection'
  # What the container can reach is no other process's.  While a created
  # init waits (its image switched: processes may be exec'd beside it), a
  # foreground `exec` waits outside for the process it started: that
  # runtime runs the host's binary, the init an image of its own that maps
  # nothing of the host file.  A runtime that ran from a copy of the kind
  # it gives its children (one image for both) would let a write into
  # that copy's page cache ("Copy Fail") reach a host process with every
  # privilege.
  b=$(new_bundle exe-outside)
  args "$b" sleep 100
  crl create --bundle "$b" exe-outside >/dev/null 2>&1 </dev/null
  init=$(crl state exe-outside | jq -r .pid)
  "$R" --root "$STATE" exec exe-outside sleep 2 >/dev/null 2>&1 </dev/null &
  outside=$!
  sleep 1
  init_id=$(stat -L -c %d:%i /proc/$init/exe 2>/dev/null)
  outside_id=$(stat -L -c %d:%i /proc/$outside/exe 2>/dev/null)
  host_maps=$(grep -cF "$R" /proc/$init/maps 2>/dev/null)
  wait $outside
  if enosys_has set-mm; then
    # A kernel without PR_SET_MM_MAP: the documented fallback, where each
    # command re-executes from a sealed copy and shares it with its children.
    expect_eq "binary protection without PR_SET_MM_MAP: the runtime outside re-executes from a copy (the fallback)" \
      "outside=$( [ -n "$outside_id" ] && [ "$outside_id" != "$host_id" ] && echo copy) init=$( [ -n "$init_id" ] && [ "$init_id" != "$host_id" ] && echo copy) maps=$host_maps" \
      "outside=copy init=copy maps=0"
  else
    expect_eq "binary protection: the runtime outside runs the host's binary, the created init an image of its own, mapping nothing of the host file" \
      "outside=$( [ "$outside_id" = "$host_id" ] && echo host) init=$( [ -n "$init_id" ] && [ "$init_id" != "$host_id" ] && echo own) maps=$host_maps" \
      "outside=host init=own maps=0"
  fi
  crl delete -f exe-outside >/dev/null 2>&1
  expect_no_leftovers "CVE-2019-5736"
fi
