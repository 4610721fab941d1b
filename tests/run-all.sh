#!/bin/bash
# crun-lite: the whole test suite.  Builds if needed, runs the unit tests and
# the end-to-end suite (real containers, needs root), and ends with one line
# "N passed, N failed, N skipped".  Exit status is non-zero on any failure.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x ./crun-lite ] || [ ! -f Makefile ]; then
  { [ -x configure ] || ./autogen.sh; } && ./configure -q && make -j"$(nproc)" >/dev/null || {
    echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi
make -s -j"$(nproc)" crun-lite tests/unit/test_config tests/unit/test_mount_options tests/unit/test_misc tests/unit/test_dbus tests/unit/test_image \
  tests/helpers/recv_console tests/helpers/notify_recv tests/helpers/notify_send tests/helpers/seccomp_listener tests/helpers/flip_exchange tests/helpers/proc_probe tests/helpers/syscall_probe tests/helpers/subreaper tests/helpers/enosys tests/helpers/pidfd_kill tests/helpers/pause >/dev/null || {
  echo "build failed"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

export CRUN_LITE="$top/crun-lite" TESTS_SRCDIR="$top/tests" TESTS_HELPERS="$top/tests/helpers"
# The suite's compiled seccomp programs are cached in a directory of its own,
# removed at the end; where an engine does not pass the variable on, the
# runtime's default cache is removed too if the suite made it.
sc_cache=$(mktemp -d /tmp/crl-seccomp-cache.XXXXXX)
export CRUN_LITE_SECCOMP_CACHE="$sc_cache/seccomp"
sc_default=/var/cache/crun-lite
[ -e "$sc_default" ] && sc_default_had=true || sc_default_had=false
passed=0 failed=0 skipped=0 stage_start=$SECONDS
log=$(mktemp)

# Count a TAP stream: "ok", "not ok", "# SKIP".
tally () {
  local name=$1 out=$2
  local p f s
  p=$(grep -c '^ok ' "$out" || true)
  s=$(grep -c '^ok .*# SKIP' "$out" || true)
  f=$(grep -c '^not ok ' "$out" || true)
  p=$((p - s))
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  echo "$name: $p passed, $f failed, $s skipped ($((SECONDS - stage_start)) s)"
  grep -A6 '^not ok ' "$out" | sed 's/^/    /'
}

for t in tests/unit/test_config tests/unit/test_mount_options tests/unit/test_misc tests/unit/test_dbus tests/unit/test_image tests/unit/test_layout.sh; do
  "./$t" > "$log" 2>&1; rc=$?
  tally "$t" "$log"
  if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then failed=$((failed + 1)); echo "$t: crashed (exit $rc)"; tail -n 5 "$log"; fi
done

# run_tap NAME COMMAND...: run a TAP-printing script and count it; exit 77
# is a skip, a non-zero exit without a failing test line is one failure.
run_tap () {
  local name=$1 rc; shift
  stage_start=$SECONDS
  "$@" > "$log" 2>&1; rc=$?
  if [ $rc -eq 77 ]; then
    skipped=$((skipped + 1)); echo "$name: skipped ($(head -n 1 "$log"))"; return
  fi
  tally "$name" "$log"
  if [ $rc -ne 0 ] && ! grep -q '^not ok ' "$log"; then failed=$((failed + 1)); echo "$name: aborted (exit $rc)"; tail -n 20 "$log"; fi
}

run_tap tests/e2e bash tests/e2e/run-e2e.sh
# Crash safety: fault injection at every system call of the lifecycle
# commands (strace), SIGKILL sweeps, races, damaged state (its own stage:
# minutes long, it is not repeated under the sanitizers).
run_tap "tests/e2e (crash safety)" env E2E_GROUPS=crash bash tests/e2e/run-e2e.sh
# Older kernels: the groups again with openat2, clone3, the new mount API,
# mount_setattr, pidfds or close_range failing with ENOSYS, each alone, then
# the whole suite with all of them missing (every fallback runs).
run_tap "tests/e2e (system calls missing)" bash tests/e2e/run-enosys.sh
# The real engines: podman (root and rootless) and a private containerd.
run_tap tests/engines bash tests/engines/run-engines.sh
# runc's own integration suite (Debian's source package of the installed
# runc, fetched into tests/conformance/cache), with runc as the reference:
# every test runc passes here must pass with crun-lite.
run_tap "tests/conformance (runc's integration suite)" bash tests/conformance/run-runc-suite.sh

# The whole end-to-end suite again with a build under AddressSanitizer and
# UndefinedBehaviorSanitizer (configure --enable-sanitizers, in a copy of the
# tree): any report fails the command that made it.  CRL_SKIP_SANITIZERS=1
# leaves it out.
if [ "${CRL_SKIP_SANITIZERS:-}" = 1 ]; then
  skipped=$((skipped + 1)); echo "tests/e2e (ASan+UBSan): skipped (CRL_SKIP_SANITIZERS=1)"
else
  san=$(mktemp -d /tmp/crl-asan.XXXXXX); chmod 755 "$san"   # the rootless tests run it as another user
  if (git ls-files -z 2>/dev/null | xargs -0 -I{} cp --parents {} "$san/" 2>/dev/null || cp -a . "$san/") \
     && cd "$san" && { [ -x configure ] || ./autogen.sh >/dev/null 2>&1; } && { [ ! -f Makefile ] || make -s distclean >/dev/null 2>&1; true; } \
     && ./configure -q --enable-sanitizers >/dev/null 2>&1 && make -s -j"$(nproc)" crun-lite tests/helpers/recv_console \
        tests/helpers/notify_recv tests/helpers/notify_send tests/helpers/seccomp_listener tests/helpers/flip_exchange tests/helpers/proc_probe tests/helpers/syscall_probe tests/helpers/subreaper tests/helpers/pidfd_kill >/dev/null 2>&1; then
    cd "$top"
    run_tap "tests/e2e (ASan+UBSan)" env UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
      CRUN_LITE="$san/crun-lite" TESTS_HELPERS="$san/tests/helpers" bash tests/e2e/run-e2e.sh
  else
    cd "$top"; failed=$((failed + 1)); echo "tests/e2e (ASan+UBSan): the sanitizer build failed"
  fi
  rm -rf "$san"
fi

# The config fuzzer, bounded (CRL_FUZZ_SECONDS, here 30: the guests below
# take most of the suite's time; tests/fuzz/run-fuzz.sh alone runs 60).
run_tap tests/fuzz bash tests/fuzz/run-fuzz.sh "${CRL_FUZZ_SECONDS:-30}"

# run_vm NAME COMMAND...: a tests/vm guest run; a guest that did not boot or
# report is a failure, never a pass.
run_vm () {
  local name=$1 rc; shift
  stage_start=$SECONDS
  "$@" > "$log" 2>&1; rc=$?
  if [ $rc -eq 77 ]; then
    skipped=$((skipped + 1)); echo "$name: skipped ($(head -n 1 "$log"))"
  elif [ $rc -eq 125 ] || ! grep -q '^1\.\.' "$log"; then
    failed=$((failed + 1)); echo "$name: the guest did not complete (exit $rc)"; tail -n 30 "$log"
  else
    tally "$name" "$log"
  fi
}
# The same end-to-end groups on a pure cgroup v2 host, then the systemd
# driver (and the cgroupfs one beside it) with systemd as the guest's init,
# on cgroup v2 and on a hybrid v1 layout.
if [ "${CRL_SKIP_VM:-}" = 1 ]; then
  skipped=$((skipped + 3)); echo "tests/vm: skipped (CRL_SKIP_VM=1)"
else
  run_vm "tests/vm (cgroup v2)" bash tests/vm/run-v2-suite.sh
  run_vm "tests/vm (systemd, cgroup v2)" bash tests/vm/run-systemd-suite.sh
  run_vm "tests/vm (systemd, hybrid v1)" env CRL_VM_CGROUP=hybrid E2E_GROUPS=systemd ENGINE_GROUPS= bash tests/vm/run-systemd-suite.sh
fi
rm -f "$log"
rm -rf "$sc_cache"
$sc_default_had || rm -rf "$sc_default"
echo "(whole suite: $SECONDS s)"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
