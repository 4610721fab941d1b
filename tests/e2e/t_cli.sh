# CLI surface: help, version, flags, spec.

out=$("$R" --version); expect_match "--version prints the version" "$out" '^crun-lite version [0-9]'
out=$("$R" --help); expect_match "--help lists the commands" "$out" 'create.*' 
for c in create start run state kill delete list spec; do
  out=$("$R" "$c" --help 2>&1); rc=$?
  expect_match "$c --help" "rc=$rc $out" '^rc=0 Usage: crun-lite '"$c"
done
out=$(crl --bogus list 2>&1); rc=$?
expect_match "unknown global flag: exit 1 and names it" "rc=$rc $out" "^rc=1 .*unknown global option \`--bogus\`"
out=$(crl list --bogus 2>&1); rc=$?
expect_match "unknown command flag: exit 1 and names it" "rc=$rc $out" "^rc=1 .*list: unknown option \`--bogus\`"
out=$(crl frobnicate 2>&1); rc=$?
expect_match "unknown command: exit 1" "rc=$rc $out" "^rc=1 .*unknown command \`frobnicate\`"
out=$(crl create 2>&1); rc=$?
expect_match "create without id: exit 1" "rc=$rc $out" "^rc=1 .*missing container id"

d="$T_ROOT/spec1"; mkdir -p "$d"
check "spec writes config.json" "$R" spec --bundle "$d"
check "spec output is valid JSON with sh" jq -e '.process.args == ["sh"] and .root.path == "rootfs"' "$d/config.json"
out=$("$R" spec --bundle "$d" 2>&1); rc=$?
expect_match "spec refuses to overwrite" "rc=$rc $out" '^rc=1 .*config.json exists'
if command -v runc >/dev/null; then
  for variant in "" --rootless; do
    d="$T_ROOT/spec-runc$variant"; mkdir -p "$d/runc" "$d/ours"
    (cd "$d/runc" && runc spec $variant) && "$R" spec $variant --bundle "$d/ours"
    expect_eq "spec $variant writes what runc writes (terminal, namespaces, mounts; but hostname and version)" \
      "$(diff <(jq -S 'del(.hostname, .ociVersion)' "$d/runc/config.json") <(jq -S 'del(.hostname, .ociVersion)' "$d/ours/config.json"))" ""
  done
else
  skip "spec writes what runc writes" "runc is not installed"
fi
d="$T_ROOT/spec2"; mkdir -p "$d"
check "spec --rootless maps the caller" sh -c "'$R' spec --rootless --bundle '$d' && jq -e '(.linux.uidMappings[0].hostID == $(id -u)) and ([.linux.namespaces[].type] | index(\"user\") != null) and ([.linux.namespaces[].type] | index(\"network\") == null)' '$d/config.json'"

mkdir -p "$STATE"
out=$(timeout 10 "$R" --root "$T_ROOT/no-such-root" list 2>&1); rc=$?
expect_match "list with a --root that does not exist fails, naming it (runc 1.2+)" "rc=$rc $out" "^rc=1 crun-lite: open state root .$T_ROOT/no-such-root.: No such file or directory$"
out=$(crl list); expect_match "list with no containers prints the header" "$out" '^ID +PID +STATUS +BUNDLE'
out=$(crl list -f json); expect_eq "list -f json with no containers" "$out" "[]"
out=$(crl list --format yaml 2>&1); rc=$?
expect_match "list --format yaml is refused" "rc=$rc $out" "^rc=1 .*expected table or json"

f=$("$R" features)
expect_eq "features: valid JSON with the six hook kinds" "$(echo "$f" | jq -r '.hooks | join(",")')" "prestart,createRuntime,createContainer,startContainer,poststart,poststop"
expect_eq "features: true to what is implemented (systemd driver, time ns, seccomp with notify, AppArmor, SELinux)" \
  "$(echo "$f" | jq -r '[.linux.cgroup.systemd, (.linux.namespaces | index("time") != null), .linux.seccomp.enabled, (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null), .linux.apparmor.enabled, .linux.selinux.enabled] | map(tostring) | join(" ")')" "true true true true true true"
expect_eq "features: every mount option it lists is one it accepts" "$(echo "$f" | jq -r '.mountOptions | index("rbind") != null and index("ro") != null')" true

# crun's --cgroup-manager, for scripts written for crun.
cb=$(new_bundle cgmgr)
args "$cb" sh -c 'cat /proc/self/cgroup | grep -c cgmgr-off; true'
out=$("$R" --root "$STATE" --cgroup-manager disabled run --bundle "$cb" cgmgr-off 2>&1); rc=$?
expect_eq "--cgroup-manager disabled: runs without a cgroup of its own" "rc=$rc $out" "rc=0 0"
cfg "$cb" '.linux.resources = {"pids": {"limit": 10}}'
out=$("$R" --root "$STATE" --cgroup-manager=disabled run --bundle "$cb" cgmgr-off 2>&1); rc=$?
expect_match "--cgroup-manager disabled with limits is refused" "rc=$rc $out" '^rc=1 .*limits need a cgroup, and --cgroup-manager=disabled gives none'
out=$("$R" --root "$STATE" --cgroup-manager cgroupfs run --bundle "$cb" cgmgr-fs 2>&1); rc=$?
expect_eq "--cgroup-manager cgroupfs is the default driver" "rc=$rc" "rc=0"
out=$("$R" --cgroup-manager bogus list 2>&1); rc=$?
expect_match "--cgroup-manager with an unknown value is refused" "rc=$rc $out" '^rc=1 .*--cgroup-manager: expected cgroupfs, systemd or disabled, got `bogus`'
expect_no_leftovers "--cgroup-manager"
