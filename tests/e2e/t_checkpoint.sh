# checkpoint / restore through CRIU.  Where criu cannot work on this kernel
# (`criu check` fails: here, the host's 6.18 kernel), checkpoint must say
# precisely what criu refuses and leave the container running; where it
# works (the v2 guest's Debian 6.1 kernel), a container is dumped and
# restored with its memory, and nothing is left behind.

b=$(new_bundle ckpt)
cfg "$b" '.root.readonly = false'
# The counter lives in the shell's memory only: a restore that lost the
# process would start again from 1.
# Each count is written aside and renamed over the file, so a read (or the
# dump) never meets the file truncated and still empty.
counter='i=0; while :; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.2; done'
args "$b" sh -c "$counter"
img="$T_ROOT/ckpt-images"

if ! command -v criu >/dev/null; then
  skip "checkpoint/restore" "criu is not installed"
elif ! criu check >/dev/null 2>&1; then
  why=$(criu check 2>&1 | grep -m1 Error | sed 's/^([^)]*) *//')
  crl run -d --bundle "$b" ck0 >/dev/null 2>&1
  out=$(crl checkpoint --image-path "$img" ck0 2>&1); rc=$?
  expect_match "checkpoint where criu cannot work fails with criu's own reason" "rc=$rc $out" \
    "^rc=1 crun-lite: checkpoint \`ck0\`: criu dump failed \\(exit status 1\\): $(printf '%s' "$why" | sed 's/[][\\.*^$()]/\\&/g')"
  expect_eq "... and the container keeps running" "$(crl state ck0 | jq -r .status)" running
  crl delete -f ck0
  skip "checkpoint and restore of a running container" "criu check fails on this kernel: $why"
else
  crl run -d --bundle "$b" ck1 >/dev/null 2>&1
  sleep 1.5
  check "checkpoint" crl checkpoint --image-path "$img" ck1
  at_dump=$(cat "$b/rootfs/tmp/count")
  out=$(crl state ck1 2>&1); rc=$?
  expect_match "after checkpoint (without --leave-running) the container is gone, as with runc" "rc=$rc $out" 'container does not exist: ck1'
  expect_match "the images are there" "$(ls "$img")" 'pstree.img'
  expect_no_leftovers "checkpoint"
  sleep 0.5
  expect_eq "nothing runs between checkpoint and restore" "$(cat "$b/rootfs/tmp/count")" "$at_dump"
  check "restore --detach" crl restore --bundle "$b" --image-path "$img" --detach --pid-file "$T_ROOT/ck.pid" ck1
  expect_eq "the restored container is running" "$(crl state ck1 | jq -r .status)" running
  expect_eq "--pid-file names the restored init" "$(cat "$T_ROOT/ck.pid")" "$(crl state ck1 | jq -r .pid)"
  sleep 1
  now=$(cat "$b/rootfs/tmp/count")
  if [ "$now" -gt "$at_dump" ]; then ok "the restored process counts on from its memory ($at_dump -> $now)"
  else not_ok "the restored process counts on from its memory" "at dump $at_dump, now $now"; fi
  expect_eq "exec works in the restored container (its pid 1 is the shell)" \
    "$(crl exec ck1 sh -c 'cat /proc/1/cmdline | tr "\0" " "')" "sh -c $counter "
  if [ -d /sys/fs/cgroup/unified ] || [ ! -f /sys/fs/cgroup/cgroup.controllers ]; then v2=false; else v2=true; fi
  pid=$(crl state ck1 | jq -r .pid)
  expect_match "the restored init is in the container's cgroup" "$(cat /proc/$pid/cgroup)" 'ck1'
  check "checkpoint --leave-running" crl checkpoint --image-path "$img.2" --leave-running ck1
  expect_eq "... leaves it running" "$(crl state ck1 | jq -r .status)" running
  out=$(crl restore --bundle "$b" --image-path "$img.2" -d ck1 2>&1); rc=$?
  expect_eq "restore under the id of a live container is refused" "rc=$rc $out" \
    "rc=1 crun-lite: container with given ID already exists: ck1"
  crl delete -f ck1
  expect_no_leftovers "delete of a restored container"

  # A foreground restore waits for the restored init and exits with its status.
  b2=$(new_bundle ckpt-fg)
  cfg "$b2" '.root.readonly = false'
  args "$b2" sh -c 'i=0; while [ $i -lt 12 ]; do i=$((i+1)); echo $i > /tmp/count; sleep 0.25; done; exit 7'
  crl run -d --bundle "$b2" ck3 >/dev/null 2>&1
  sleep 1
  check "checkpoint of a container that will exit" crl checkpoint --image-path "$img.3" ck3
  out=$(timeout 60 "$R" --root "$STATE" restore --bundle "$b2" --image-path "$img.3" ck3 </dev/null 2>&1); rc=$?
  expect_eq "a foreground restore exits with the restored init's status" "rc=$rc $out" "rc=7 "
  expect_eq "... after the process finished its work" "$(cat "$b2/rootfs/tmp/count")" 12
  expect_eq "... and the container is stopped" "$(crl state ck3 | jq -r .status)" stopped
  crl delete ck3
  expect_no_leftovers "foreground restore"

  out=$(crl restore --bundle "$b" --image-path "$T_ROOT/no-such-images" -d ck2 2>&1); rc=$?
  expect_eq "restore from a missing image dir fails, naming it" "rc=$rc $out" \
    "rc=1 crun-lite: restore \`ck2\`: --image-path \`$T_ROOT/no-such-images\`: No such file or directory"
  expect_no_leftovers "restore"
fi
out=$(crl checkpoint nosuch 2>&1); rc=$?
expect_eq "checkpoint of an unknown container" "rc=$rc $out" 'rc=1 crun-lite: container does not exist: nosuch'

# go-runc's command lines (containerd's runc shim), replayed: every flag it
# can emit is accepted, and checkpoint/restore hand CRIU what it supports.
# A stand-in criu records what it was given (the real one may refuse this
# kernel) and fails, so nothing is dumped.
fake="$T_ROOT/fake-criu"
printf '#!/bin/sh\nprintf "%%s\\n" "$*" >> "%s/fake-criu.args"\nexit 1\n' "$T_ROOT" > "$fake"
chmod 755 "$fake"
gb=$(new_bundle gorunc)
args "$gb" sleep 300
G="timeout -k 5 30 $R --root $STATE --log $T_ROOT/gorunc.log --log-format json"
check "go-runc create (--bundle --pid-file --no-new-keyring --preserve-fds)" \
  $G create --bundle "$gb" --pid-file "$T_ROOT/gorunc.pid" --no-new-keyring --preserve-fds 0 gorunc
check "go-runc start" $G start gorunc
printf '{"args":["true"],"cwd":"/","env":["PATH=/bin"],"user":{"uid":0,"gid":0}}' > "$T_ROOT/gorunc-process.json"
check "go-runc exec (--process --detach --pid-file)" $G exec --process "$T_ROOT/gorunc-process.json" --detach --pid-file "$T_ROOT/gorunc-exec.pid" gorunc
check "go-runc ps --format json" $G ps --format json gorunc
check "go-runc update --resources -" sh -c "echo '{\"pids\":{\"limit\":50}}' | $G update --resources - gorunc"
check "go-runc pause / resume" sh -c "$G pause gorunc && $G resume gorunc"
mkdir -p "$T_ROOT/pre" "$T_ROOT/gi"; : > "$T_ROOT/fake-criu.args"
out=$($G --criu "$fake" checkpoint --image-path "$T_ROOT/gi" --work-path "$T_ROOT/gw" --parent-path ../pre --leave-running \
  --tcp-established --ext-unix-sk --file-locks --manage-cgroups-mode soft --pre-dump --page-server 127.0.0.1:27 --status-fd 2 \
  --auto-dedup --tcp-skip-in-flight --link-remap --lazy-pages gorunc 2>&1); rc=$?
expect_match "go-runc checkpoint: every flag accepted, criu's refusal reported" "rc=$rc $out" "^rc=1 .*criu pre-dump failed"
expect_match "... and criu got them as its own options" "$(cat "$T_ROOT/fake-criu.args")" \
  '^pre-dump --track-mem .*--tcp-established --ext-unix-sk --file-locks --prev-images-dir \.\./pre --track-mem --page-server --address 127\.0\.0\.1 --port 27 --status-fd 2 --auto-dedup --skip-in-flight --link-remap --lazy-pages .*--manage-cgroups=soft'
expect_eq "... and the container keeps running" "$($G state gorunc | jq -r .status)" running
out=$($G --criu "$fake" checkpoint --image-path "$T_ROOT/gi" --parent-path /abs --pre-dump gorunc 2>&1); rc=$?
expect_match "--parent-path must be relative to the image path (runc)" "rc=$rc $out" '^rc=1 crun-lite: .*--parent-path: ./abs. must be relative to the image path'
out=$($G --criu "$fake" checkpoint --image-path "$T_ROOT/gi" --parent-path ./none --pre-dump gorunc 2>&1); rc=$?
expect_match "--parent-path must name a pre-dump (runc)" "rc=$rc $out" '^rc=1 crun-lite: .*--parent-path: no pre-dump at'
check "go-runc kill --all" $G kill --all gorunc KILL
check "go-runc delete --force" $G delete --force gorunc
mkdir -p "$T_ROOT/gi"; : > "$T_ROOT/fake-criu.args"
out=$(cd "$gb" && $G --criu "$fake" restore --image-path "$T_ROOT/gi" --work-path "$T_ROOT/gw" --detach --pid-file "$T_ROOT/gr.pid" \
  -no-subreaper --no-pivot --bundle "$gb" --tcp-established --ext-unix-sk --file-locks --manage-cgroups-mode soft --lazy-pages gorunc-r 2>&1); rc=$?
expect_match "go-runc restore (-no-subreaper with one dash, --no-pivot, --detach): accepted, criu's refusal reported" "rc=$rc $out" "^rc=1 .*criu restore failed"
expect_match "... criu got its options" "$(cat "$T_ROOT/fake-criu.args")" '^restore .*--lazy-pages'
out=$($G restore --console-socket "$T_ROOT/none.sock" --bundle "$gb" gorunc-c 2>&1); rc=$?
expect_match "restore --console-socket is refused, saying why" "rc=$rc $out" "^rc=1 crun-lite: restore: --console-socket: restoring a container's terminal is not supported"
expect_no_leftovers "go-runc command lines"
