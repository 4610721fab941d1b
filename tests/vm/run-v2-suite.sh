#!/bin/bash
# The cgroup v2 half of the suite: boots the tests/vm guest (pure cgroup v2)
# and runs the end-to-end groups there with the binary built on the host.
# Prints the e2e TAP stream; exit 77 when the guest cannot be used here.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v qemu-system-x86_64 >/dev/null || { echo "1..0 # SKIP qemu-system-x86_64 is not installed"; exit 77; }
exec "$top/tests/vm/run-in-vm.sh" "$top" \
  env CRUN_LITE="$top/crun-lite" TESTS_SRCDIR="$top/tests" TESTS_HELPERS="$top/tests/helpers" E2E_GROUPS="${E2E_GROUPS:-lifecycle isolation cgroups rootless lsm checkpoint}" \
  bash "$top/tests/e2e/run-e2e.sh"
