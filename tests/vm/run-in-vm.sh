#!/bin/bash
# tests/vm/run-in-vm.sh DIR CMD...
#
# Run CMD (with bash, cwd DIR) as root in a throwaway QEMU guest whose only
# cgroup hierarchy is cgroup v2 (cgroup_no_v1=all), and exit with CMD's
# status.  Needs no KVM (TCG).  The guest kernel is Debian's generic
# linux-image package, fetched with apt-get download and unpacked with dpkg -x
# into a cache, never installed on the host.  The guest's root is a tmpfs
# with the host's /usr (read-only) and /etc (read-only, under a writable
# overlay) shared by 9p, so host binaries and libraries run unchanged; DIR is
# shared read-write at the same path.  The host's /, /proc, /sys and cgroups
# are never shared.
#
# With CRL_VM_SYSTEMD=1 the guest boots systemd as init instead, from a
# small Debian image that mmdebstrap builds once (from the host's own apt
# sources) and caches; CMD then runs as a service once D-Bus is up (tests
# of the systemd cgroup driver).
#
# With CRL_VM_CGROUP=hybrid (systemd only) the guest's systemd mounts the v1
# controllers and a controller-less cgroup2 (as on many older hosts) instead
# of pure cgroup v2.
#
# Environment: CRL_VM_TIMEOUT (seconds, default 900), CRL_VM_MEM (default 1G),
# CRL_VM_CACHE (default tests/vm/cache), CRL_VM_KVER (kernel ABI).
# Exit 125: the guest did not report (boot failure or timeout): never a pass.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 2 ] || { echo "usage: $0 DIR CMD..." >&2; exit 2; }
dir=$(realpath "$1"); shift
cache=${CRL_VM_CACHE:-$here/cache}
# In load order.  The *_diag, tun and nf_tables ones are what CRIU probes
# for before it checkpoints anything; nf_conntrack_netlink is what it dumps
# a network namespace's conntrack table through (tests of checkpoint/restore;
# the guest has no modprobe to load them on demand).
modules="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci netfs fscache 9pnet 9pnet_virtio 9p overlay loop veth \
unix_diag inet_diag tcp_diag udp_diag raw_diag netlink_diag af_packet_diag tun nfnetlink crc32c_generic libcrc32c nf_tables \
nf_defrag_ipv4 nf_defrag_ipv6 nf_conntrack nf_conntrack_netlink"
mkdir -p "$cache"

for tool in qemu-system-x86_64 cpio gzip busybox dpkg apt-get; do
  command -v "$tool" >/dev/null || { echo "run-in-vm: $tool is missing (apt-get install qemu-system-x86 cpio busybox-static)" >&2; exit 2; }
done

# 1. The guest kernel, once; concurrent first runs wait on a lock.
exec 9>"$cache/.lock"
flock 9
kver=${CRL_VM_KVER:-$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/.*Depends: linux-image-//p' | head -n 1)}
[ -n "$kver" ] || { echo "run-in-vm: cannot tell the guest kernel version (set CRL_VM_KVER)" >&2; exit 2; }
kdir=$cache/kernel-$kver
have_modules () { for m in $modules; do [ -f "$kdir/modules/$m.ko" ] || return 1; done; }
if [ ! -f "$kdir/vmlinuz" ] || ! have_modules; then
  tmp=$(mktemp -d "$cache/fetch.XXXXXX")
  chmod 755 "$tmp"   # so that apt's unprivileged _apt user may write there
  (cd "$tmp" && apt-get download "linux-image-$kver" >/dev/null)
  dpkg -x "$tmp"/linux-image-"$kver"_*.deb "$tmp/x"
  mkdir -p "$tmp/k/modules"
  cp "$tmp/x/boot/vmlinuz-$kver" "$tmp/k/vmlinuz"
  for m in $modules; do
    f=$(find "$tmp/x/lib/modules/$kver" -name "$m.ko" -o -name "$m.ko.xz" | head -n 1)
    [ -n "$f" ] || { echo "run-in-vm: module $m missing from linux-image-$kver" >&2; exit 3; }
    case $f in *.xz) xz -dc "$f" > "$tmp/k/modules/$m.ko" ;; *) cp "$f" "$tmp/k/modules/$m.ko" ;; esac
  done
  rm -rf "$kdir"; mv "$tmp/k" "$kdir"; rm -rf "$tmp"
fi

# 2. The base initramfs: busybox, the modules, the two init stages.
base=$cache/base-$kver.cpio.gz
if [ ! -f "$base" ] || [ "$here/guest/init" -nt "$base" ] || [ "$here/guest/stage2" -nt "$base" ] \
   || [ "$kdir/vmlinuz" -nt "$base" ]; then
  t=$(mktemp -d "$cache/initrd.XXXXXX")
  mkdir -p "$t/bin" "$t/proc" "$t/sys" "$t/dev" "$t/crl/modules"
  cp "$(command -v busybox)" "$t/bin/busybox"
  ln -s busybox "$t/bin/sh"
  install -m 755 "$here/guest/init" "$t/init"
  install -m 644 "$here/guest/stage2" "$t/crl/stage2"
  cp "$kdir"/modules/*.ko "$t/crl/modules/"
  echo "$modules" > "$t/crl/module-order"
  (cd "$t" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$base.new"
  mv "$base.new" "$base"; rm -rf "$t"
fi
# 2b. The systemd image, once (mmdebstrap, the host's apt sources).
sdroot=$cache/systemd-root
sdpkgs=systemd,systemd-sysv,dbus,dbus-user-session,libpam-systemd,libseccomp2,libcap2,libyajl2,libmount1,libsystemd0,jq,busybox-static,procps,podman,conmon,runc,bsdutils,containerd,containernetworking-plugins,python3-grpcio,iproute2
if [ -n "${CRL_VM_SYSTEMD:-}" ] && [ "$(cat "$sdroot/.complete" 2>/dev/null)" != "$sdpkgs" ]; then
  command -v mmdebstrap >/dev/null || { echo "run-in-vm: mmdebstrap is missing (apt-get install mmdebstrap)" >&2; exit 2; }
  suite=$(. /etc/os-release && echo "$VERSION_CODENAME")
  rm -rf "$sdroot" "$cache/systemd-root.tar"
  mmdebstrap --quiet --variant=minbase --include="$sdpkgs" \
    "$suite" "$cache/systemd-root.tar" >&2 || { echo "run-in-vm: mmdebstrap failed" >&2; exit 2; }
  mkdir -p "$sdroot" && tar -C "$sdroot" -xf "$cache/systemd-root.tar" && rm -f "$cache/systemd-root.tar"
  echo "$sdpkgs" > "$sdroot/.complete"
fi
flock -u 9

# 3. This run's command, as a second archive appended to the base.
run=$(mktemp -d /tmp/crl-vm.XXXXXX)
trap 'rm -rf "$run"' EXIT
mkdir -p "$run/l/crl"
printf 'CRL_DIR=%q\n' "$dir" > "$run/l/crl/env"
[ -z "${CRL_VM_SYSTEMD:-}" ] || touch "$run/l/crl/systemd"
{ printf '%q ' "$@"; echo; } > "$run/l/crl/cmd"
(cd "$run/l" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) > "$run/layer.cpio.gz"
cat "$base" "$run/layer.cpio.gz" > "$run/initrd"

# 4. Boot.  ttyS0: kernel console + the exit marker; ttyS1: the command's output.
console=${CRL_VM_CONSOLE:-$run/console.log}
append="console=ttyS0 loglevel=4 panic=-1 oops=panic cgroup_no_v1=all rdinit=/init mitigations=off cryptomgr.notests"
if [ -n "${CRL_VM_SYSTEMD:-}" ]; then
  # systemd reads its target from the kernel command line (not from the
  # arguments switch_root passes); no getty waits for the serial devices.
  if [ "${CRL_VM_CGROUP:-}" = hybrid ]; then
    append="${append/cgroup_no_v1=all/systemd.unified_cgroup_hierarchy=0}"
  fi
  append="$append systemd.unit=crl.service systemd.show_status=0 systemd.mask=serial-getty@ttyS0.service systemd.mask=serial-getty@ttyS1.service systemd.mask=getty.target"
  shares=(-virtfs "local,path=$sdroot,mount_tag=sdroot,security_model=passthrough,readonly=on,multidevs=remap")
else
  shares=(-virtfs local,path=/usr,mount_tag=hostusr,security_model=none,readonly=on,multidevs=remap
          -virtfs local,path=/etc,mount_tag=hostetc,security_model=none,readonly=on,multidevs=remap)
fi
set +e
timeout -k 10 "${CRL_VM_TIMEOUT:-900}" qemu-system-x86_64 \
  -accel tcg -cpu Nehalem -m "${CRL_VM_MEM:-1G}" -smp 2 -nodefaults -display none -no-reboot \
  -kernel "$kdir/vmlinuz" -initrd "$run/initrd" \
  -append "$append" \
  -serial "file:$console" -chardev stdio,id=out,signal=off -serial chardev:out \
  "${shares[@]}" \
  -virtfs local,path="$dir",mount_tag=work,security_model=passthrough,multidevs=remap \
  </dev/null
qemu_rc=$?
set -e
rc=$(sed -n 's/^CRL_EXIT=\([0-9]*\).*/\1/p' "$console" | tail -n 1)
if [ -z "$rc" ]; then
  echo "run-in-vm: the guest did not report an exit status (qemu exit $qemu_rc; 124 is a timeout). Console tail:" >&2
  tail -n 30 "$console" >&2
  exit 125
fi
exit "$rc"
