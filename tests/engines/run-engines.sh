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

groups=${ENGINE_GROUPS:-"podman podman_rootless containerd"}
for g in $groups; do
  echo "# --- $g"
  . "$HERE/t_$g.sh"
done
engines_cleanup
engine_cleanups=()
trap - EXIT
finish
