#!/bin/bash
# The systemd cgroup driver against a real systemd: boots the tests/vm guest
# (pure cgroup v2) with systemd as init, from a small Debian image that
# run-in-vm.sh builds once with mmdebstrap and caches, and runs the e2e
# `systemd` and `cgroups` groups there with the binary built on the host.
# CRL_VM_CGROUP=hybrid: systemd's hybrid v1 layout instead of cgroup v2.
# Prints the e2e TAP stream; exit 77 when the guest cannot be used here.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v qemu-system-x86_64 >/dev/null || { echo "1..0 # SKIP qemu-system-x86_64 is not installed"; exit 77; }
command -v mmdebstrap >/dev/null || { echo "1..0 # SKIP mmdebstrap is not installed (it builds the guest's systemd image)"; exit 77; }
CRL_VM_SYSTEMD=1 exec "$top/tests/vm/run-in-vm.sh" "$top" \
  env CRUN_LITE="$top/crun-lite" TESTS_SRCDIR="$top/tests" TESTS_HELPERS="$top/tests/helpers" E2E_GROUPS="${E2E_GROUPS:-systemd cgroups}" \
  bash "$top/tests/e2e/run-e2e.sh"
