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

groups=${E2E_GROUPS:-"cli lifecycle isolation process mounts config_errors security cgroups seccomp exec hooks terminal rootless cves cve_exe attacks lsm checkpoint systemd"}
# A command that hangs must not take the run (or a whole guest) with it, and
# must say where it hangs: after CRL_E2E_GROUP_LIMIT seconds (default 600)
# a watchdog prints, as TAP comments, every process with its state and
# kernel wait channel (the kernel stack of those in D state, and systemd's
# journal tail where there is one), then kills what the group is running,
# so that the test at hand fails and the rest go on.
descendants () { local c; for c in $(pgrep -P "$1"); do echo "$c"; descendants "$c"; done; }
group_watchdog () {
  local shell=$1 name=$2 limit=$3 self=$BASHPID p sleeper
  trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
  sleep "$limit" & sleeper=$!
  wait "$sleeper"
  echo "# watchdog: group $name still running after $limit s; processes:"
  ps --ppid 2 -p 2 --deselect -o pid,ppid,stat,etimes,wchan:28,args | sed 's/^/#   /'
  for p in /proc/[0-9]*; do
    [ "$(awk '{print $3}' "$p/stat" 2>/dev/null)" = D ] || continue
    echo "#   ${p#/proc/} is in D state; its kernel stack:"; sed 's/^/#     /' "$p/stack" 2>/dev/null
  done
  if [ -d /run/systemd/system ]; then journalctl -b -n 40 --no-pager 2>&1 | sed 's/^/#   journal: /'; fi
  for p in $(descendants "$shell"); do [ "$p" = "$self" ] || [ "$p" = "$sleeper" ] || kill -KILL "$p" 2>/dev/null; done
}
for g in $groups; do
  echo "# --- $g"
  group_start=$SECONDS
  # Not a child of this shell: a test's bare `wait` must not wait for it.
  ( group_watchdog $$ "$g" "${CRL_E2E_GROUP_LIMIT:-600}" & echo $! > "$T_ROOT/watchdog.pid" )
  watchdog_pid=$(cat "$T_ROOT/watchdog.pid")
  # The CVE regression tests live in tests/security, named after the CVEs.
  if [ -f "$HERE/t_$g.sh" ]; then . "$HERE/t_$g.sh"; else . "$HERE/../security/t_$g.sh"; fi
  kill "$watchdog_pid" 2>/dev/null
  echo "# --- $g took $((SECONDS - group_start)) s"
done
trap - EXIT
finish
