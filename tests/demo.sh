#!/bin/sh
# crun-lite demo: make a busybox bundle and run a container from it.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
bundle=${1:-/tmp/crun-lite-demo}
rm -rf "$bundle"
mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/proc" "$bundle/rootfs/sys" "$bundle/rootfs/dev" "$bundle/rootfs/etc"
cp "$(command -v busybox)" "$bundle/rootfs/bin/busybox"
for applet in $("$bundle/rootfs/bin/busybox" --list); do
  [ "$applet" = busybox ] || ln -s busybox "$bundle/rootfs/bin/$applet"
done
cd "$bundle"
"$top/crun-lite" spec
# The spec runs `sh`; make it say something and show where it is.
sed -i 's|"terminal": true|"terminal": false|; s|"args": \[ "sh" \]|"args": [ "sh", "-c", "echo Hello from a crun-lite container: pid $$, host $(hostname); id; ls /" ]|' config.json
exec "$top/crun-lite" run demo
