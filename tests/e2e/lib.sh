# crun-lite end-to-end test helpers (sourced).  TAP output; every container
# command runs under a timeout so a hang is a failure, never a stuck suite.

: "${CRUN_LITE:?CRUN_LITE must point at the built binary}"
R="$CRUN_LITE"
T_ROOT=$(mktemp -d /tmp/crl-e2e.XXXXXX)
chmod 755 "$T_ROOT"   # a user namespace's root must reach the rootfs
STATE="$T_ROOT/state"
export STATE
# Compiled seccomp programs are cached here, not in the host's /run.
export CRUN_LITE_SECCOMP_CACHE="$T_ROOT/seccomp-cache"
n=0 failed=0 skipped=0
# CRL_ENOSYS: the system call sets tests/helpers/enosys makes fail for this
# run (the suite runs under it), for the tests whose outcome depends on them.
enosys_has () { case ",${CRL_ENOSYS:-}," in *",all,"*|*",$1,"*) return 0;; esac; return 1; }

crl () { timeout -k 5 30 "$R" --root "$STATE" "$@"; }

ok () { n=$((n+1)); echo "ok $n - $1"; }
not_ok () { n=$((n+1)); failed=$((failed+1)); echo "not ok $n - $1"; shift; for l in "$@"; do printf '#   %s\n' "$l"; done; }
skip () { n=$((n+1)); skipped=$((skipped+1)); echo "ok $n - $1 # SKIP $2"; }

# check NAME COMMAND...: passes when COMMAND succeeds.
# Output goes to a file, not a pipe: a started container inherits stdio
# and would hold a pipe open for as long as it runs.
check () {
  local name=$1; shift
  if "$@" >"$T_ROOT/check.out" 2>&1 </dev/null; then ok "$name"
  else not_ok "$name" "command: $*" "$(tail -n 5 "$T_ROOT/check.out")"; fi
}
# expect_eq NAME GOT WANT
expect_eq () {
  if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
# expect_match NAME TEXT REGEX
expect_match () {
  if printf '%s' "$2" | grep -Eq -- "$3"; then ok "$1"; else not_ok "$1" "text: $(printf '%s' "$2" | head -c 600)" "want: /$3/"; fi
}

# A busybox rootfs, made once and copied per bundle.
BASE_ROOTFS="$T_ROOT/base-rootfs"
make_base_rootfs () {
  mkdir -p "$BASE_ROOTFS"/bin "$BASE_ROOTFS"/etc "$BASE_ROOTFS"/proc "$BASE_ROOTFS"/sys "$BASE_ROOTFS"/dev \
           "$BASE_ROOTFS"/tmp "$BASE_ROOTFS"/root "$BASE_ROOTFS"/home/user
  cp "$(command -v busybox)" "$BASE_ROOTFS/bin/busybox"
  for a in $("$BASE_ROOTFS/bin/busybox" --list); do [ "$a" = busybox ] || ln -sf busybox "$BASE_ROOTFS/bin/$a"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nuser:x:1000:1000:user:/home/user:/bin/sh\n' > "$BASE_ROOTFS/etc/passwd"
  printf 'root:x:0:\nuser:x:1000:\n' > "$BASE_ROOTFS/etc/group"
  chmod 1777 "$BASE_ROOTFS/tmp"
}

# new_bundle NAME: a fresh bundle dir with rootfs and a default spec.
new_bundle () {
  local b="$T_ROOT/bundles/$1"
  mkdir -p "$b"
  cp -a "$BASE_ROOTFS" "$b/rootfs"
  spec_for_scripts "$b"
  echo "$b"
}

# spec_for_scripts DIR: runc's starter spec (which wants a terminal) made
# to run from a script, with the cgroup namespace these tests expect.
spec_for_scripts () {
  (cd "$1" && "$R" spec) || return 1
  jq '.process.terminal = false | .linux.namespaces += [{"type":"cgroup"}]' "$1/config.json" > "$1/config.json.new" \
    && mv "$1/config.json.new" "$1/config.json"
}

# cfg BUNDLE JQ-FILTER [jq args]: edit config.json in place.
cfg () {
  local b=$1; shift
  jq "$@" "$b/config.json" > "$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}
# args BUNDLE ARG...: set process.args.
args () {
  local b=$1; shift
  local list
  list='[]'
  for a in "$@"; do list=$(jq -c --arg x "$a" '. + [$x]' <<<"$list"); done
  cfg "$b" --argjson a "$list" '.process.args = $a'
}

# Nothing of crun-lite's may be left on the host.
leftovers () {
  local out=""
  [ -n "$(ls -A "$STATE" 2>/dev/null)" ] && out="$out state:$(ls -A "$STATE" | tr '\n' ' ')"
  grep -q "$T_ROOT" /proc/self/mountinfo && out="$out mounts:$(grep -c "$T_ROOT" /proc/self/mountinfo)"
  pgrep -f "$T_ROOT" >/dev/null && out="$out procs:$(pgrep -f "$T_ROOT" | tr '\n' ' ')"
  echo "$out"
}
expect_no_leftovers () { expect_eq "$1: nothing left behind" "$(leftovers)" ""; }

cleanup_all () {
  for id in $(ls -A "$STATE" 2>/dev/null); do "$R" --root "$STATE" delete -f "$id" >/dev/null 2>&1; done
  grep "$T_ROOT" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m" 2>/dev/null; done
  rm -rf "$T_ROOT"
}

finish () {
  echo "1..$n"
  echo "# $((n - failed - skipped)) passed, $failed failed, $skipped skipped"
  cleanup_all
  [ "$failed" -eq 0 ]
}
