#!/bin/bash
# The systemd cgroup driver against a real systemd: boots the tests/vm guest
# with systemd as init, from a small Debian image that run-in-vm.sh builds
# once with mmdebstrap and caches, and runs there, with the binary built on
# the host, the e2e `systemd` group, then podman with
# cgroup_manager=systemd (conmon passes --systemd-cgroup, as on every
# systemd distribution; runc's reference results are compared on the host).
#   CRL_VM_CGROUP=hybrid   systemd's hybrid v1 layout instead of cgroup v2
#   E2E_GROUPS, ENGINE_GROUPS (empty: no engine)
# Prints the TAP streams; exit 77 when the guest cannot be used here.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
command -v qemu-system-x86_64 >/dev/null || { echo "1..0 # SKIP qemu-system-x86_64 is not installed"; exit 77; }
command -v mmdebstrap >/dev/null || { echo "1..0 # SKIP mmdebstrap is not installed (it builds the guest's systemd image)"; exit 77; }
CRL_VM_SYSTEMD=1 exec "$top/tests/vm/run-in-vm.sh" "$top" \
  env CRUN_LITE="$top/crun-lite" TESTS_SRCDIR="$top/tests" TESTS_HELPERS="$top/tests/helpers" \
  E2E_GROUPS="${E2E_GROUPS:-systemd}" ENGINE_GROUPS="${ENGINE_GROUPS-podman cri}" \
  PM_CGROUP_MANAGER=systemd PM_NO_REFERENCE=1 CRL_E2E_GROUP_LIMIT="${CRL_E2E_GROUP_LIMIT:-300}" \
  bash -c 'bash "$0/tests/e2e/run-e2e.sh"; rc=$?
           if [ -n "$ENGINE_GROUPS" ]; then bash "$0/tests/engines/run-engines.sh" || rc=1; fi
           exit $rc' "$top"
