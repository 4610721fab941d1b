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

# make_oci_image FILE LAYER_TAR NAME CONFIG_JSON: an OCI image layout
# tarball (one uncompressed layer, written by hand) named NAME, for
# `ctr images import`; CONFIG_JSON is merged into the image's config.
make_oci_image () {
  local d="$1.d" l ls c cs m ms
  mkdir -p "$d/blobs/sha256"
  cp "$2" "$d/layer"
  l=$(sha256sum "$d/layer" | cut -d' ' -f1); ls=$(stat -c %s "$d/layer"); mv "$d/layer" "$d/blobs/sha256/$l"
  jq -cn --arg l "sha256:$l" --argjson extra "$4" '{architecture:"amd64",os:"linux",
      config:({Env:["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]} + $extra),rootfs:{type:"layers",diff_ids:[$l]}}' > "$d/cfg"
  c=$(sha256sum "$d/cfg" | cut -d' ' -f1); cs=$(stat -c %s "$d/cfg"); mv "$d/cfg" "$d/blobs/sha256/$c"
  jq -cn --arg c "sha256:$c" --argjson cs "$cs" --arg l "sha256:$l" --argjson ls "$ls" '{schemaVersion:2,
      mediaType:"application/vnd.oci.image.manifest.v1+json",
      config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$c,size:$cs},
      layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar",digest:$l,size:$ls}]}' > "$d/man"
  m=$(sha256sum "$d/man" | cut -d' ' -f1); ms=$(stat -c %s "$d/man"); mv "$d/man" "$d/blobs/sha256/$m"
  jq -cn --arg m "sha256:$m" --argjson ms "$ms" --arg n "$3" '{schemaVersion:2,manifests:[{
      mediaType:"application/vnd.oci.image.manifest.v1+json",digest:$m,size:$ms,
      annotations:{"io.containerd.image.name":$n,"org.opencontainers.image.ref.name":($n | sub(".*:"; ""))}}]}' \
    > "$d/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' > "$d/oci-layout"
  tar -C "$d" -cf "$1" oci-layout index.json blobs
}

engine_cleanups=()
engines_cleanup () {
  local c
  for c in "${engine_cleanups[@]}"; do eval "$c" >/dev/null 2>&1; done
}

# Each flow records what it observed, one KEY=VALUE line per result, in
# DIR/results.RUNTIME; the same flows with runc give the reference.
results_record () { printf '%s=%s\n' "$3" "$4" >> "$1/results.$2"; }   # DIR RUNTIME KEY VALUE
results_get () { sed -n "s/^$3=//p" "$1/results.$2" | head -n 1; }       # DIR RUNTIME KEY
# expect_same_as_runc NAME DIR [SKIP]: every result of crun-lite's equals
# runc's, but keys matching the glob SKIP (a difference named where used).
expect_same_as_runc () {
  local name=$1 dir=$2 skip=${3:-} line key diff=""
  [ -s "$dir/results.runc" ] || return 0
  while IFS= read -r line; do
    key=${line%%=*}
    # shellcheck disable=SC2053
    [ -n "$skip" ] && [[ $key == $skip ]] && continue
    [ "$(results_get "$dir" runc "$key")" = "${line#*=}" ] \
      || diff="$diff $key (crun-lite: ${line#*=} | runc: $(results_get "$dir" runc "$key"))"
  done < "$dir/results.crun-lite"
  expect_eq "$name" "$diff" ""
}

groups=${ENGINE_GROUPS:-"podman podman_rootless containerd cri docker"}
for g in $groups; do
  echo "# --- $g"
  . "$HERE/t_$g.sh"
done
engines_cleanup
engine_cleanups=()
trap - EXIT
finish
