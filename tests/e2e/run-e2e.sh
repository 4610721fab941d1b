#!/bin/bash
# crun-lite end-to-end suite: real containers, checked inside and outside.
# Needs root; exits 77 (skip, for automake) otherwise.
set -u
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP end-to-end tests need root"; exit 77; fi
for tool in jq busybox timeout; do
  command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 77; }
done
HERE=$(cd "$(dirname "$0")" && pwd)
# Orphans of a runtime the tests kill are reaped here, whatever PID 1 does
# (tests/helpers/subreaper.c says why).
if [ -z "${CRL_E2E_REAPED:-}" ] && [ -x "${TESTS_HELPERS:-}/subreaper" ]; then
  CRL_E2E_REAPED=1 exec "$TESTS_HELPERS/subreaper" bash "$0" "$@"
fi
. "$HERE/lib.sh"
trap cleanup_all EXIT
make_base_rootfs

groups=${E2E_GROUPS:-"cli lifecycle isolation process mounts config_errors security cgroups seccomp exec hooks terminal rootless cves cve_exe lsm checkpoint systemd"}
for g in $groups; do
  echo "# --- $g"
  group_start=$SECONDS
  # The CVE regression tests live in tests/security, named after the CVEs.
  if [ -f "$HERE/t_$g.sh" ]; then . "$HERE/t_$g.sh"; else . "$HERE/../security/t_$g.sh"; fi
  echo "# --- $g took $((SECONDS - group_start)) s"
done
trap - EXIT
finish
