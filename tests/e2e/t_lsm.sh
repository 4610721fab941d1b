# AppArmor and SELinux: a label in the config is applied where its LSM is
# enabled, and refused (before anything is made) where it is not.  The host
# here has neither; the v2 guest's kernel enables AppArmor, so there a real
# profile is loaded and enforced.

b=$(new_bundle lsm)
cfg "$b" '.root.readonly = false'
echo secret > "$b/rootfs/etc/secret"

if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" != Y ]; then
  cfg "$b" '.process.apparmorProfile = "crl-test"'
  args "$b" true
  out=$(crl run --bundle "$b" aa0 2>&1); rc=$?
  expect_eq "AppArmor disabled: a profile in the config is refused, naming it" "rc=$rc $out" \
    'rc=1 crun-lite: process.apparmorProfile `crl-test`: AppArmor is not enabled on this host'
  expect_no_leftovers "refused AppArmor profile"
  cfg "$b" 'del(.process.apparmorProfile)'
  args "$b" sleep 30
  crl run -d --bundle "$b" aa1 >/dev/null 2>&1
  out=$(crl exec --apparmor crl-test aa1 true 2>&1); rc=$?
  expect_eq "AppArmor disabled: exec --apparmor is refused" "rc=$rc $out" \
    'rc=255 crun-lite: process.apparmorProfile `crl-test`: AppArmor is not enabled on this host'
  crl delete -f aa1
else
  if ! command -v apparmor_parser >/dev/null || [ ! -d /sys/kernel/security/apparmor ]; then
    skip "AppArmor profiles enforced" "apparmor_parser or securityfs missing"
  else
    # Everything allowed but reading /etc/secret; attach_disconnected because
    # the container's paths are outside the host's mount tree.
    cat > "$T_ROOT/crl-test.aa" <<'PROFILE'
profile crl-test flags=(attach_disconnected,mediate_deleted) {
  file,
  capability,
  network,
  signal,
  ptrace,
  unix,
  mount,
  umount,
  pivot_root,
  deny /etc/secret rw,
}
PROFILE
    check "a test profile loads" apparmor_parser -r "$T_ROOT/crl-test.aa"
    cfg "$b" '.process.apparmorProfile = "crl-test"'
    args "$b" sh -c 'cat /proc/self/attr/current; cat /etc/secret 2>&1; cat /etc/passwd | head -1'
    out=$(crl run --bundle "$b" aa2 2>&1)
    expect_match "the container's process runs under the profile" "$out" '^crl-test \(enforce\)'
    expect_match "... which denies what it denies" "$out" "can't open '/etc/secret': Permission denied"
    expect_match "... and allows the rest" "$out" 'root:x:0:0'
    cfg "$b" 'del(.process.apparmorProfile)'
    args "$b" sleep 30
    crl run -d --bundle "$b" aa3 >/dev/null 2>&1
    expect_eq "without a profile the container is unconfined" "$(crl exec aa3 cat /proc/self/attr/current)" "unconfined"
    expect_eq "exec --apparmor confines the exec'd process" "$(crl exec --apparmor crl-test aa3 cat /proc/self/attr/current)" "crl-test (enforce)"
    out=$(crl exec --apparmor crl-missing aa3 true 2>&1); rc=$?
    expect_match "a profile that is not loaded fails exec, naming it" "rc=$rc $out" '^rc=255 .*process.apparmorProfile `crl-missing`'
    crl delete -f aa3
    cfg "$b" '.process.apparmorProfile = "crl-missing"'
    out=$(crl run --bundle "$b" aa4 2>&1); rc=$?
    echo "# $out"
    expect_match "a profile that is not loaded fails create, naming it" "rc=$rc $out" '^rc=1 .*process.apparmorProfile `crl-missing`.*loaded'
    cfg "$b" 'del(.process.apparmorProfile)'
    apparmor_parser -R "$T_ROOT/crl-test.aa" >/dev/null 2>&1
  fi
fi

if [ ! -d /sys/fs/selinux ]; then
  cfg "$b" '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
  args "$b" true
  out=$(crl run --bundle "$b" se0 2>&1); rc=$?
  expect_eq "SELinux disabled: a process label is refused, as runc refuses it" "rc=$rc $out" \
    'rc=1 crun-lite: process.selinuxLabel `system_u:system_r:container_t:s0`: SELinux is disabled or not supported on this host'
  cfg "$b" 'del(.process.selinuxLabel) | .linux.mountLabel = "system_u:object_r:container_file_t:s0"'
  out=$(crl run --bundle "$b" se1 2>&1); rc=$?
  expect_eq "SELinux disabled: a mount label is refused" "rc=$rc $out" \
    'rc=1 crun-lite: linux.mountLabel `system_u:object_r:container_file_t:s0`: SELinux is disabled or not supported on this host'
  cfg "$b" 'del(.linux.mountLabel)'
  args "$b" sleep 30
  crl run -d --bundle "$b" se2 >/dev/null 2>&1
  out=$(crl exec --process-label system_u:system_r:container_t:s0 se2 true 2>&1); rc=$?
  expect_match "SELinux disabled: exec --process-label is refused" "rc=$rc $out" '^rc=255 crun-lite: process.selinuxLabel'
  crl delete -f se2
else
  skip "SELinux labels applied" "SELinux is enabled here, but no test policy is shipped"
fi
expect_no_leftovers "lsm"
