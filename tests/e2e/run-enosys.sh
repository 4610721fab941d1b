#!/bin/bash
# The end-to-end groups with the newer system calls missing, as on older
# kernels (openat2 5.6, clone3 5.3, the new mount API 5.2, mount_setattr
# 5.12, pidfds 5.3, close_range 5.9) or kernels built without
# PR_SET_MM_MAP (set-mm: the binary protection's re-executing fallback):
# every group whose code has a fallback
# for a call runs with that call failing with ENOSYS (tests/helpers/enosys,
# which the whole run inherits, containers included), then the whole suite
# with all of them missing at once.  One TAP stream, each test named with
# the set that was missing.
#
#   tests/e2e/run-enosys.sh [SET...]      (as root; default: every set, then all)
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${TESTS_HELPERS:=$here/../helpers}"
enosys=$TESTS_HELPERS/enosys
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP needs root"; exit 77; fi
[ -x "$enosys" ] || { echo "not ok 1 - tests/helpers/enosys is not built"; echo "1..1"; exit 1; }

# The groups that reach each call (the fallback's callers), kept short: the
# whole suite runs once more with every call missing.
groups_for () {
  case $1 in
    openat2)       echo "mounts security cves exec process" ;;
    clone3)        echo "lifecycle isolation exec" ;;
    mount-api)     echo "process mounts cves lsm lifecycle cve_exe" ;;
    mount_setattr) echo "mounts security cve_exe" ;;
    pidfd)         echo "lifecycle exec hooks cli" ;;
    close_range)   echo "lifecycle security exec cve_exe" ;;
    set-mm)        echo "lifecycle isolation rootless exec cve_exe" ;;
    all)           echo "" ;;   # the default list of run-e2e.sh: everything
  esac
}
sets=${*:-"openat2 clone3 mount-api mount_setattr pidfd close_range set-mm all"}
rc=0
for set in $sets; do
  echo "# === ENOSYS for: $set"
  g=$(groups_for "$set")
  if [ -n "$g" ]; then export E2E_GROUPS="$g"; else unset E2E_GROUPS; fi
  CRL_CVE_EXE_MODES=independent-copy CRL_ENOSYS=$set "$enosys" "$set" bash "$here/run-e2e.sh" 2>&1 \
    | sed -E "s/^(ok|not ok) ([0-9]+) - /\1 \2 - [ENOSYS $set] /" || rc=1
  [ "${PIPESTATUS[0]}" -eq 0 ] || rc=1
done
exit $rc
