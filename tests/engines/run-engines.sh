#!/bin/bash
# crun-lite under the real engines: podman (through conmon) and containerd
# (ctr and its runc shim) drive the built binary exactly as they drive runc.
# Every engine runs with its own root, state and configuration under a
# temporary directory; the machine's own engine storage is never touched.
# TAP output; exits 77 (skip) when not root.
set -u
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP engine tests need root"; exit 77; fi
for tool in jq busybox timeout; do
  command -v "$tool" >/dev/null || { echo "1..0 # SKIP $tool is not installed"; exit 77; }
done
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../e2e/lib.sh"
trap 'engines_cleanup; cleanup_all' EXIT
make_base_rootfs

# An image tarball of the busybox rootfs, shared by both engines.
IMAGE_TAR="$T_ROOT/busybox-rootfs.tar"
tar -C "$BASE_ROOTFS" -cf "$IMAGE_TAR" .

engine_cleanups=()
engines_cleanup () {
  local c
  for c in "${engine_cleanups[@]}"; do eval "$c" >/dev/null 2>&1; done
}

# Each flow records what it observed, one KEY=VALUE line per result, in
# DIR/results.RUNTIME; the same flows with runc give the reference.
results_record () { printf '%s=%s\n' "$3" "$4" >> "$1/results.$2"; }   # DIR RUNTIME KEY VALUE
results_get () { sed -n "s/^$3=//p" "$1/results.$2" | head -n 1; }       # DIR RUNTIME KEY
# expect_same_as_runc NAME DIR: every result of crun-lite's equals runc's.
expect_same_as_runc () {
  local name=$1 dir=$2 line key diff=""
  [ -s "$dir/results.runc" ] || return 0
  while IFS= read -r line; do
    key=${line%%=*}
    [ "$(results_get "$dir" runc "$key")" = "${line#*=}" ] \
      || diff="$diff $key (crun-lite: ${line#*=} | runc: $(results_get "$dir" runc "$key"))"
  done < "$dir/results.crun-lite"
  expect_eq "$name" "$diff" ""
}

groups=${ENGINE_GROUPS:-"podman podman_rootless containerd docker"}
for g in $groups; do
  echo "# --- $g"
  . "$HERE/t_$g.sh"
done
engines_cleanup
engine_cleanups=()
trap - EXIT
finish
