# Hooks: all six kinds, at the right point, in the right namespaces, with the
# state on stdin; failures fail the operation (poststop only warns).

b=$(new_bundle hk)
out="$T_ROOT/hookout"; mkdir -p "$out"
# A host hook that records its kind, its stdin (the state) and its mount namespace.
cat > "$T_ROOT/hook.sh" <<'HOOK'
#!/bin/sh
kind=$1; dir=$2
cat > "$dir/$kind.state"
readlink /proc/self/ns/mnt > "$dir/$kind.mntns"
echo "$HOOK_ENV" > "$dir/$kind.env"
HOOK
chmod +x "$T_ROOT/hook.sh"
# The startContainer hook runs in the container: its path is inside the rootfs.
printf '#!/bin/sh\ncat > /tmp/startContainer.state\necho in-container > /tmp/startContainer.where\n' > "$b/rootfs/bin/start-hook"
chmod +x "$b/rootfs/bin/start-hook"
cfg "$b" --arg h "$T_ROOT/hook.sh" --arg o "$out" '.root.readonly = false | .annotations = {"org.test": "yes"} | .hooks = {
  "prestart": [{"path": $h, "args": ["hook.sh", "prestart", $o], "env": ["HOOK_ENV=p"]}],
  "createRuntime": [{"path": $h, "args": ["hook.sh", "createRuntime", $o], "env": ["HOOK_ENV=cr"]}],
  "createContainer": [{"path": $h, "args": ["hook.sh", "createContainer", $o], "env": ["HOOK_ENV=cc"]}],
  "startContainer": [{"path": "/bin/start-hook"}],
  "poststart": [{"path": $h, "args": ["hook.sh", "poststart", $o], "env": ["HOOK_ENV=ps"]}],
  "poststop": [{"path": $h, "args": ["hook.sh", "poststop", $o], "env": ["HOOK_ENV=pst"]}]}'
args "$b" sleep 100
check "create with hooks" crl create --bundle "$b" hk
pid=$(crl state hk | jq -r .pid)
for k in prestart createRuntime createContainer; do
  expect_eq "$k hook ran with the state on stdin" "$(jq -r '[.id, .status, (.pid|tostring), .bundle, .annotations["org.test"]] | join(" ")' "$out/$k.state" 2>/dev/null)" "hk creating $pid $b yes"
done
expect_eq "prestart/createRuntime run in the runtime's mount namespace" "$(cat "$out/createRuntime.mntns")" "$(readlink /proc/self/ns/mnt)"
expect_eq "createContainer runs in the container's mount namespace" "$(cat "$out/createContainer.mntns")" "$(readlink /proc/$pid/ns/mnt)"
expect_eq "hook env is the hook's own" "$(cat "$out/prestart.env") $(cat "$out/createContainer.env")" "p cc"
expect_eq "startContainer and poststart have not run before start" "$(ls "$b/rootfs/tmp/startContainer.state" "$out/poststart.state" 2>/dev/null | wc -l)" 0
check "start" crl start hk
sleep 0.3
expect_eq "startContainer ran inside the container, before the process" "$(cat "$b/rootfs/tmp/startContainer.where" 2>/dev/null)" in-container
expect_eq "startContainer got the state" "$(jq -r .id "$b/rootfs/tmp/startContainer.state" 2>/dev/null)" hk
expect_eq "poststart ran after start" "$(jq -r '.status' "$out/poststart.state" 2>/dev/null)" running
check "delete -f" crl delete -f hk
expect_eq "poststop ran on delete" "$(jq -r '.status' "$out/poststop.state" 2>/dev/null)" stopped
expect_no_leftovers "hooks"

# A failing or hanging createRuntime hook fails create, and nothing is left.
cfg "$b" '.hooks = {"createRuntime": [{"path": "/bin/sh", "args": ["sh", "-c", "exit 3"]}]}'
o=$(crl run --bundle "$b" hk2 2>&1); rc=$?
expect_match "a failing createRuntime hook fails create, naming it" "rc=$rc $o" '^rc=1 crun-lite: hooks.createRuntime\[0\] \(`/bin/sh`\): error running hook: exited with status 3$'
expect_no_leftovers "failed hook"
cfg "$b" '.hooks = {"prestart": [{"path": "/bin/sleep", "args": ["sleep", "30"], "timeout": 1}]}'
o=$(crl run --bundle "$b" hk3 2>&1); rc=$?
expect_match "a hook past its timeout is killed and fails create" "rc=$rc $o" '^rc=1 crun-lite: hooks.prestart\[0\] \(`/bin/sleep`\): timed out after 1 s$'
expect_no_leftovers "hook timeout"
cfg "$b" '.hooks = {"poststop": [{"path": "/bin/false"}]}'
args "$b" true
o=$(crl run --bundle "$b" hk4 2>&1); rc=$?
expect_match "a failing poststop hook is only a warning" "rc=$rc $o" '^rc=0 crun-lite: warning: hooks.poststop\[0\] \(`/bin/false`\): error running hook: exited with status 1$'
expect_no_leftovers "poststop failure"

# startContainer hooks run under the container's seccomp filter (runc), with
# and without noNewPrivileges.
for nnp in true false; do
  hb=$(new_bundle hook-seccomp-$nnp)
  printf '#!/bin/sh\nmkdir /tmp/hook-made 2>/dev/null && echo made > /tmp/hook-out || echo blocked > /tmp/hook-out\n' > "$hb/rootfs/bin/sc-hook"
  chmod 755 "$hb/rootfs/bin/sc-hook"
  cfg "$hb" --argjson n "$nnp" '.root.readonly = false | .process.noNewPrivileges = $n | .process.args = ["true"]
    | .hooks = {"startContainer": [{"path": "/bin/sc-hook"}]}
    | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
  crl run --bundle "$hb" hsc >/dev/null 2>&1
  expect_eq "the startContainer hook runs under the seccomp filter (noNewPrivileges=$nnp)" "$(cat "$hb/rootfs/tmp/hook-out" 2>&1)" blocked
done
expect_no_leftovers "startContainer under seccomp"

# A createContainer hook starts in the container's rootfs (runc): a
# relative path is the container's.
cb=$(new_bundle hook-cwd)
cfg "$cb" '.root.readonly = false | .process.args = ["true"] | .hooks = {"createContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "touch ./hook-was-here"]}]}'
crl run --bundle "$cb" hkcwd >/dev/null 2>&1
expect_eq "a createContainer hook's working directory is the rootfs" "$(ls "$cb/rootfs/hook-was-here" 2>&1)" "$cb/rootfs/hook-was-here"

# A hook without env runs with the runtime's environment (runc, crun); a
# failing poststop hook does not stop the next one.
eb=$(new_bundle hook-env)
cfg "$eb" --arg o "$T_ROOT/hook-env.out" '.process.args = ["true"] | .hooks = {"poststop": [
  {"path": "/bin/false"},
  {"path": "/bin/sh", "args": ["sh", "-c", "echo \"$CRL_HOOK_PROBE\" > \"$0\"", $o]}]}'
CRL_HOOK_PROBE=from-the-runtime crl run --bundle "$eb" hkenv >/dev/null 2>&1
expect_eq "a hook without env sees the runtime's environment, and runs after a failing one" \
  "$(cat "$T_ROOT/hook-env.out" 2>&1)" from-the-runtime
expect_no_leftovers "hook env"

# A startContainer hook without env runs in the container with the
# process's environment (runc), never the runtime's (the engine's, the host's).
cfg "$eb" '.root.readonly = false | .process.env = ["PATH=/bin", "FROM_PROCESS=1"]
  | .hooks = {"startContainer": [{"path": "/bin/sh", "args": ["sh", "-c", "env > /hook-env"]}]}'
CRL_HOOK_PROBE=from-the-runtime crl run --bundle "$eb" hkenv2 >/dev/null 2>&1
expect_eq "a startContainer hook without env sees the process's environment, not the runtime's" \
  "$(grep -c -E '^FROM_PROCESS=1$' "$eb/rootfs/hook-env") $(grep -c CRL_HOOK_PROBE "$eb/rootfs/hook-env")" "1 0"

# runtime-spec 1.3: poststart runs once the process has started, and its
# failure fails start and stops the container.
cfg "$eb" '.hooks = {"poststart": [{"path": "/bin/sh", "args": ["sh", "-c", "cat > /dev/null; exit 4"]}]} | .process.args = ["sleep", "30"]'
crl create --bundle "$eb" hkps >/dev/null 2>&1
o=$(crl start hkps 2>&1); rc=$?
expect_match "a failing poststart hook fails start (runtime-spec 1.3)" "rc=$rc $o" '^rc=1 crun-lite: hooks.poststart\[0\] \(`/bin/sh`\): error running hook: exited with status 4$'
expect_eq "... and the container is stopped" "$(crl state hkps | jq -r .status)" stopped
crl delete -f hkps >/dev/null 2>&1
expect_no_leftovers "startContainer env, poststart failure"

# Start-up spans (containerd's trace context): with TRACEPARENT and a trace
# file, each command writes its span (the caller's span its parent) and one
# span per phase (the command's its parent); hooks get the command's span as
# their TRACEPARENT; without a trace file, nothing is written.
sb=$(new_bundle spans)
cfg "$sb" --arg o "$T_ROOT/span-hook" '.process.args = ["true"] | .hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", "echo $TRACEPARENT > \($o)"], "env": ["PATH=/bin"]}]}'
tp=00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01
sf="$T_ROOT/spans.json"
TRACEPARENT=$tp crl --trace-file "$sf" create --bundle "$sb" spn >/dev/null 2>&1
TRACEPARENT=$tp crl --trace-file "$sf" start spn >/dev/null 2>&1
sleep 0.2
TRACEPARENT=$tp crl --trace-file "$sf" delete spn >/dev/null 2>&1
spans=$(jq -c '.resourceSpans[0].scopeSpans[0].spans[0] | [.traceId, .name, .parentSpanId, .spanId]' "$sf" 2>&1)
commands=$(echo "$spans" | jq -r 'select(.[2] == "b7ad6b7169203331") | .[1]' | tr '\n' ' ')
expect_eq "spans: one per command, children of the caller's span, in the caller's trace" "$commands" "crun-lite create crun-lite start crun-lite delete "
create_id=$(echo "$spans" | jq -r 'select(.[1] == "crun-lite create") | .[3]')
# (The binary's image is made while the init works: where it falls among
# the init's steps is the scheduler's, and with the re-executing fallback
# there is none.)
expect_eq "spans: create's phases are children of create's span" \
  "$(echo "$spans" | jq -r --arg p "$create_id" 'select(.[2] == $p and .[1] != "binary image made") | .[1]' | tr '\n' ' ')" \
  "create: config loaded create: recorded, cgroup made create: init cloned create: init ready create: created "
expect_eq "spans: every span is in the caller's trace" "$(echo "$spans" | jq -r '.[0]' | sort -u)" 0af7651916cd43dd8448eb211c80319c
expect_eq "spans: the hook's TRACEPARENT names create's span" "$(cat "$T_ROOT/span-hook")" "00-0af7651916cd43dd8448eb211c80319c-$create_id-01"
TRACEPARENT=$tp crl run --bundle "$sb" spn2 >/dev/null 2>&1
expect_eq "spans: without a trace file nothing is written" "$(wc -l < "$sf")" "$(echo "$spans" | wc -l)"
expect_no_leftovers "spans"
