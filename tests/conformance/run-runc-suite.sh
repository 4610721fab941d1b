#!/bin/bash
# runc's own integration suite (tests/integration of Debian's source package
# of the installed runc) run against crun-lite, with runc itself on the same
# machine as the reference.  Nothing of runc's is kept in the tree: the
# source, its Go helpers and the test images live in a cache directory
# (CRL_CONFORMANCE_CACHE, default tests/conformance/cache), made on first
# use from Debian's archive (deb-src is added to apt's sources when absent)
# and from packages of this host; nothing is downloaded from elsewhere.
#
# TAP, one line per test of runc's: ok when crun-lite passes, or when runc
# does not pass it here either (a SKIP naming runc's verdict); not ok when
# runc passes and crun-lite does not, unless the test is listed in
# runc-text-only.txt (tests of runc's own wording: --help, --version, its
# debug log lines), reported as SKIP with the reason given there, or listed
# in known-defects.txt (open crun-lite defects, also a SKIP that names them).
#
#   tests/conformance/run-runc-suite.sh [BATS-FILE...]   (as root)
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
CRUN_LITE=${CRUN_LITE:-$top/crun-lite}
CACHE=${CRL_CONFORMANCE_CACHE:-$here/cache}
if [ "$(id -u)" != 0 ]; then echo "1..0 # SKIP runc's suite runs as root"; exit 77; fi
command -v runc >/dev/null || { echo "1..0 # SKIP runc is not installed (the reference)"; exit 77; }
mkdir -p "$CACHE"
log=$CACHE/prepare.log
: > "$log"

fail_prepare () { echo "not ok 1 - prepare runc's suite: $1"; tail -n 15 "$log" | sed 's/^/#   /'; echo "1..1"; exit 1; }

runc_version=$(dpkg-query -W -f '${Version}' runc 2>/dev/null) || fail_prepare "runc is not a Debian package"
SRC=$CACHE/runc-$runc_version

# The source package of the installed runc, and what its build needs (Go
# and the golang-*-dev packages the helpers are built from, GOPATH mode).
prepare_source () {
  [ -f "$SRC/tests/integration/helpers.bash" ] && return 0
  if ! apt-get source --print-uris "runc=$runc_version" >/dev/null 2>&1; then
    "$here/../helpers/add-deb-src.sh" >>"$log" 2>&1 || return 1
  fi
  rm -rf "$CACHE/unpack"; mkdir -p "$CACHE/unpack"
  (cd "$CACHE/unpack" && apt-get source "runc=$runc_version") >>"$log" 2>&1 || return 1
  mv "$CACHE/unpack"/runc-*/ "$SRC" && rm -rf "$CACHE/unpack"
}

prepare_build_deps () {
  command -v go >/dev/null && [ -d /usr/share/gocode/src/github.com/urfave/cli ] && command -v gawk >/dev/null \
    && dpkg -s python3-jsonschema >/dev/null 2>&1 && return 0
  DEBIAN_FRONTEND=noninteractive apt-get build-dep -y runc >>"$log" 2>&1 \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3-jsonschema gawk >>"$log" 2>&1
}

prepare_helpers () {
  local gp=$CACHE/gopath
  [ -x "$SRC/contrib/cmd/recvtty/recvtty" ] && [ -x "$SRC/contrib/cmd/sd-helper/sd-helper" ] \
    && [ -x "$SRC/contrib/cmd/seccompagent/seccompagent" ] && return 0
  mkdir -p "$gp/src/github.com/opencontainers"
  ln -sfn "$SRC" "$gp/src/github.com/opencontainers/runc"
  (cd "$gp/src/github.com/opencontainers/runc" \
    && export GOPATH="$gp:/usr/share/gocode" GO111MODULE=off GOFLAGS= GOCACHE="$CACHE/gocache" \
    && go build -o contrib/cmd/recvtty/recvtty ./contrib/cmd/recvtty \
    && go build -o contrib/cmd/sd-helper/sd-helper ./contrib/cmd/sd-helper \
    && go build -tags seccomp -o contrib/cmd/seccompagent/seccompagent ./contrib/cmd/seccompagent) >>"$log" 2>&1
}

# The images get-images.sh would download, made here: busybox from Debian's
# busybox-static, a small "debian" from this host's dash, libc and grep.
prepare_images () {
  local td=$SRC/tests/integration/testdata arch r
  arch=$(dpkg --print-architecture)
  if [ ! -f "$td/busybox-$arch.tar.xz" ]; then
    r=$CACHE/busybox-root; rm -rf "$r"
    mkdir -p "$r"/bin "$r"/etc "$r"/proc "$r"/sys "$r"/dev "$r"/tmp "$r"/root "$r"/home "$r"/var/spool/mail "$r"/usr/sbin
    cp /bin/busybox "$r/bin/busybox" || return 1
    for a in $("$r/bin/busybox" --list); do [ -e "$r/bin/$a" ] || ln -s busybox "$r/bin/$a"; done
    printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'daemon:x:1:1:daemon:/usr/sbin:/bin/false' 'bin:x:2:2:bin:/bin:/bin/false' \
      'sys:x:3:3:sys:/dev:/bin/false' 'sync:x:4:100:sync:/bin:/bin/sync' 'mail:x:8:8:mail:/var/spool/mail:/bin/false' \
      'www-data:x:33:33:www-data:/var/www:/bin/false' 'operator:x:37:37:Operator:/var:/bin/false' \
      'nobody:x:65534:65534:nobody:/home:/bin/false' > "$r/etc/passwd"
    printf '%s\n' 'root:x:0:' 'daemon:x:1:' 'bin:x:2:' 'sys:x:3:' 'adm:x:4:' 'tty:x:5:' 'disk:x:6:' 'wheel:x:10:root' \
      'mail:x:12:' 'www-data:x:33:' 'operator:x:37:' 'staff:x:50:' 'users:x:100:' 'nogroup:x:65534:' > "$r/etc/group"
    chmod 1777 "$r/tmp"
    tar -C "$r" -cJf "$td/busybox-$arch.tar.xz" . || return 1
    rm -rf "$r"
  fi
  if [ ! -f "$td/debian-$arch.tar.xz" ]; then
    r=$CACHE/debian-root; rm -rf "$r"
    mkdir -p "$r"/usr/bin "$r"/usr/sbin "$r"/usr/lib "$r"/usr/lib64 "$r"/etc "$r"/proc "$r"/sys "$r"/dev "$r"/tmp "$r"/root "$r"/var/tmp
    for l in bin sbin lib lib64; do ln -s "usr/$l" "$r/$l"; done
    # Every file of these packages, under /usr (the merged layout).
    dpkg -L dash libc6 libc-bin grep libpcre2-8-0 coreutils libselinux1 libacl1 libattr1 libgmp10 libcap2 base-files 2>/dev/null |
      while read -r f; do
        [ -f "$f" ] || [ -L "$f" ] || continue
        case $f in /usr/*) t=$f ;; /bin/*|/sbin/*|/lib/*|/lib64/*) t=/usr$f ;; /etc/*) t=$f ;; *) continue ;; esac
        mkdir -p "$r$(dirname "$t")" && cp -a "$f" "$r$t" 2>/dev/null
      done
    ln -sf dash "$r/usr/bin/sh"
    printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' > "$r/etc/passwd"
    printf 'root:x:0:\nnogroup:x:65534:\n' > "$r/etc/group"
    chmod 1777 "$r/tmp"
    tar -C "$r" -cJf "$td/debian-$arch.tar.xz" . || return 1
    rm -rf "$r"
  fi
}

# The spec validator test clones runtime-spec from the network; here it
# validates against the schema Debian ships (golang-github-opencontainers-specs-dev).
patch_spec_validator () {
  local f=$SRC/tests/integration/spec.bats
  grep -q 'crl: validate' "$f" && return 0
  python3 - "$f" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
start = s.index('\tgit clone https://github.com/opencontainers/runtime-spec.git')
end = s.index('\t./validate "$SCHEMA" config.json\n') + len('\t./validate "$SCHEMA" config.json\n')
s = s[:start] + '''\t# crl: validate against the schema Debian ships (no network here)
\tSCHEMA=/usr/share/gocode/src/github.com/opencontainers/runtime-spec/schema/config-schema.json
\t[ -e "$SCHEMA" ]
\t/usr/bin/python3 -c 'import json, sys, pathlib, jsonschema
schema = json.load(open(sys.argv[1]))
resolver = jsonschema.RefResolver(pathlib.Path(sys.argv[1]).parent.as_uri() + "/", schema)
jsonschema.Draft4Validator(schema, resolver=resolver).validate(json.load(open(sys.argv[2])))' "$SCHEMA" config.json
''' + s[end:]
open(p, 'w').write(s)
PY
}

prepare_source || fail_prepare "apt-get source runc=$runc_version"
prepare_build_deps || fail_prepare "apt-get build-dep runc"
prepare_helpers || fail_prepare "build recvtty, sd-helper, seccompagent"
prepare_images || fail_prepare "make the busybox and debian images"
patch_spec_validator || fail_prepare "patch the spec validator test"

files=(); for f in "$@"; do files+=("$(readlink -f "$f")"); done
[ ${#files[@]} -gt 0 ] || files=("$SRC"/tests/integration/*.bats)

out=$CACHE/results; mkdir -p "$out"

# run_suite BINARY OUT: bats over the files, TAP into OUT.  Under a
# terminal of its own (script): runc's starter spec asks for one, and the
# suite runs `runc run` in the foreground.  A helper a failed test left
# behind (recvtty, seccompagent) would hold bats' output open: once every
# test has reported, they are stopped.
run_suite () {
  local bats_pid want idle_pid criu_conf=/etc/criu/default.conf had_conf=false
  : > "$2"
  # checkpoint.bats writes the host's CRIU default.conf and leaves it when
  # the test fails (here: CRIU refuses this kernel); every later criu run
  # would follow it.  The host's file is kept and put back.
  if [ -e "$criu_conf" ]; then had_conf=true; cp -a "$criu_conf" "$out/criu-default.conf.saved"; fi
  # script's input stays open and silent (an EOF there would reach the
  # foreground `run`s through the terminal).
  mkfifo "$out/idle.$$" && { sleep 3600 > "$out/idle.$$" & idle_pid=$!; }
  RUNC="$1" script -qec "cd '$SRC/tests/integration' && timeout --foreground -k 10 1500 bats --tap $(printf "'%s' " "${files[@]}") > '$2' 2>&1" /dev/null \
    > /dev/null 2>&1 < "$out/idle.$$" &
  bats_pid=$!
  while kill -0 "$bats_pid" 2>/dev/null; do
    want=$(sed -n '1s/^1\.\.//p' "$2")
    if [ -n "$want" ] && [ "$(grep -cE '^(ok|not ok) ' "$2")" -ge "$want" ]; then
      sleep 2
      pkill -f "contrib/cmd/(recvtty|sd-helper|seccompagent)/" 2>/dev/null
    fi
    sleep 1
  done
  wait "$bats_pid"
  kill "$idle_pid" 2>/dev/null
  rm -f "$out/idle.$$"
  if $had_conf; then mv -f "$out/criu-default.conf.saved" "$criu_conf"; else rm -f "$criu_conf"; fi
}

# verdicts TAP: "pass|fail|skip<TAB>name" per test.
verdicts () {
  sed -n -E 's/^(not ok|ok) [0-9]+ (.*)$/\1\t\2/p' "$1" | while IFS=$'\t' read -r v name; do
    case $name in *' # skip'*|*' # SKIP'*) echo "skip	${name%% # [sS][kK][iI][pP]*}" ;;
      *) [ "$v" = ok ] && echo "pass	$name" || echo "fail	$name" ;; esac
  done
}

# runc's suite leaves its parent cgroup behind (with the whole realtime
# budget of the cpu hierarchy, which later stages need): removed after
# each run, deepest first.
remove_suite_cgroups () {
  find /sys/fs/cgroup -depth -type d -name 'runc-cgroups-integration-test*' 2>/dev/null | while read -r d; do
    find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
}
t0=$SECONDS
run_suite "$(command -v runc)" "$out/runc.tap"
remove_suite_cgroups
t_runc=$((SECONDS - t0)); t0=$SECONDS
run_suite "$CRUN_LITE" "$out/crun-lite.tap"
remove_suite_cgroups
t_ours=$((SECONDS - t0))
verdicts "$out/runc.tap" > "$out/runc.v"
verdicts "$out/crun-lite.tap" > "$out/crun-lite.v"

n=0 bad=0
declare -A ref exempt defect changed
while IFS=$'\t' read -r v name; do ref[$name]=$v; done < "$out/runc.v"
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  exempt[${line%% | *}]=${line#* | }
done < "$here/runc-text-only.txt"
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  defect[${line%% | *}]=${line#* | }
done < "$here/known-defects.txt"
while IFS= read -r line; do
  case $line in ''|'#'*) continue ;; esac
  changed[${line%% | *}]=${line#* | }
done < "$here/changed-since-1.1.txt"
count () { awk -F'\t' -v v="$1" '$1 == v' "$2" | wc -l; }
while IFS=$'\t' read -r v name; do
  n=$((n + 1))
  r=${ref[$name]:-missing}
  if [ "$v" = pass ] || [ "$r" != pass ]; then
    if [ "$r" = pass ] || [ "$v" = pass ]; then echo "ok $n - $name"
    else echo "ok $n - $name # SKIP runc: $r here too (crun-lite: $v)"; fi
  elif [ -n "${exempt[$name]:-}" ]; then
    echo "ok $n - $name # SKIP checks runc's own text: ${exempt[$name]}"
  elif [ -n "${changed[$name]:-}" ]; then
    echo "ok $n - $name # SKIP runc changed this after 1.1 and crun-lite follows (tests/conformance/changed-since-1.1.txt): ${changed[$name]}"
  elif [ -n "${defect[$name]:-}" ]; then
    echo "ok $n - $name # SKIP known crun-lite defect (tests/conformance/known-defects.txt): ${defect[$name]}"
  else
    bad=$((bad + 1)); echo "not ok $n - $name (runc: pass, crun-lite: $v)"
    awk -v t="$name" 'index($0, t) && /^not ok/ {p=1; next} p && /^(ok|not ok) / {exit} p' "$out/crun-lite.tap" | head -n 12 | sed 's/^/#   /'
  fi
done < "$out/crun-lite.v"
echo "1..$n"
echo "# runc $(runc --version | head -n 1 | awk '{print $3}'): $(count pass "$out/runc.v") passed, $(count fail "$out/runc.v") failed, $(count skip "$out/runc.v") skipped (${t_runc} s)"
echo "# crun-lite: $(count pass "$out/crun-lite.v") passed, $(count fail "$out/crun-lite.v") failed, $(count skip "$out/crun-lite.v") skipped (${t_ours} s)"
echo "# tests runc passes and crun-lite does not: $bad, and $(grep -c '^[^#]' "$here/known-defects.txt") known defects listed in known-defects.txt"
[ "$bad" -eq 0 ]
