#!/bin/bash
# Install everything crun-lite's build and its whole test suite need on
# Debian 12, as root: the libraries, the engines the suite drives (podman,
# containerd, Docker), runc and crun as references, QEMU and mmdebstrap for
# the cgroup v2 and systemd guests, strace for fault injection, and the
# sources and build dependencies of runc's own integration suite (a deb-src
# entry derived from the configured deb entries is added when none exists).
# The README and .ci/run both start with it.
set -eu
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends build-essential autoconf automake pkg-config \
  libseccomp-dev libcap-dev libyajl-dev \
  busybox-static jq procps util-linux iproute2 uidmap passwd bsdutils strace \
  qemu-system-x86 cpio xz-utils mmdebstrap criu apparmor clang libclang-rt-14-dev \
  podman catatonit containerd runc crun docker.io docker-compose \
  bats gawk golang-go python3-jsonschema dpkg-dev \
  containernetworking-plugins python3-grpcio python3-grpc-tools
"$(dirname "$0")"/tests/helpers/add-deb-src.sh
apt-get build-dep -y runc
