# exec: a second process in a running container, with its namespaces, its
# cgroup and the same confinement as the init.

b=$(new_bundle ex)
cfg "$b" '.root.readonly = false | .linux.resources.pids = {"limit": 40} | .process.env += ["FROM_CONFIG=1"]'
args "$b" sleep 100
crl run -d --bundle "$b" ex >/dev/null 2>&1
init=$(crl state ex | jq -r .pid)

out=$(crl exec ex sh -c 'echo hello; for n in pid net mnt uts ipc cgroup; do readlink /proc/self/ns/$n; done')
expect_eq "exec runs the command" "$(echo "$out" | head -n 1)" hello
want=$(for n in pid net mnt uts ipc cgroup; do readlink /proc/$init/ns/$n; done)
expect_eq "exec joins every namespace of the init" "$(echo "$out" | tail -n +2)" "$want"
out=$(crl exec ex sh -c 'echo $$; ps -o pid,comm | grep -c sleep')
expect_match "exec is inside the container's pid namespace (sees the init, not pid 1 itself)" "$(echo $out)" '^([2-9]|[1-9][0-9]+) 1$'
pids_dir=$(jq -r '.cgroupDirs | to_entries[] | select(.key == "" or (.key | split(",") | index("pids"))) | .value' "$STATE/ex/state.json")
crl exec -d --pid-file "$T_ROOT/ex.pid" ex sleep 30
expid=$(cat "$T_ROOT/ex.pid")
expect_match "exec --detach --pid-file writes the host pid" "$expid" '^[0-9]+$'
expect_eq "the exec'd process is in the container's cgroup" "$(grep -c "^$expid\$" "$pids_dir/cgroup.procs")" 1
expect_eq "the detached process outlives the exec command (no runtime left as its parent)" \
  "$(ps -o comm= -p "$(ps -o ppid= -p "$expid" | tr -d ' ')" | grep -c crun-lite)" 0
crl exec ex sh -c 'exit 7'; expect_eq "exec returns the exit status" "$?" 7
crl exec ex sh -c 'kill -9 $$'; expect_eq "exec returns 128+N when killed" "$?" 137
out=$(crl exec -u 1000:1000 -g 10 --env FOO=bar --cwd /tmp ex sh -c 'id -u; id -g; id -G; echo $FOO $FROM_CONFIG; pwd')
expect_eq "exec --user --additional-gids --env --cwd (config env kept)" "$(echo $out)" "1000 1000 1000 10 bar 1 /tmp"
out=$(crl exec ex sh -c 'echo $(cut -d" " -f5,6 /proc/self/stat) $$')
expect_match "an exec'd process leads its own session and process group in the container (runc)" "$out" '^([1-9][0-9]*) \1 \1$'

out=$(crl exec ex grep -E '^Cap(Inh|Eff|Bnd|Amb)' /proc/self/status | tr -s '\t' ' ')
expect_match "exec gets the config's capabilities" "$out" 'CapEff: 0000000020000420'
expect_match "exec: CapInh stays empty (CVE-2022-29162)" "$out" 'CapInh: 0000000000000000'
out=$(crl exec --cap CAP_SYS_ADMIN ex grep -E '^Cap(Inh|Eff)' /proc/self/status | tr -s '\t' ' ')
expect_match "exec --cap adds a capability" "$out" 'CapEff: 0000000020200420'
expect_match "exec --cap leaves inheritable empty" "$out" 'CapInh: 0000000000000000'
expect_match "exec inherits no_new_privs from the config" "$(crl exec ex grep NoNewPrivs /proc/self/status)" '1$'
echo '{"args":["sh","-c","echo from-process-file $PF; id -u"],"cwd":"/","env":["PF=yes","PATH=/bin"],"user":{"uid":5,"gid":5}}' > "$T_ROOT/proc.json"
expect_eq "exec --process FILE" "$(crl exec --process "$T_ROOT/proc.json" ex | tr '\n' ' ')" "from-process-file yes 5 "
out=$(crl exec ex nosuchcmd 2>&1); rc=$?
expect_match "exec of a missing program: one clear line, exit 255 as runc" "rc=$rc $out" '^rc=255 crun-lite: exec: "nosuchcmd": executable file not found in \$PATH$'
# The process's failure and the helper's "<pid>" line share one pipe: the
# failure must never come first (it read as "could not be started", 1 in 12).
bad=0
for i in $(seq 30); do
  crl exec ex nosuchcmd 2>&1 | grep -q 'executable file not found' || bad=$((bad + 1))
done
expect_eq "exec of a missing program, 30 times: the clear line every time" "$bad" 0
for u in "1" "1:2" "4294967294"; do
  out=$(crl exec -u "$u" ex id -u 2>&1)
  expect_eq "exec -u $u runs as exactly that uid" "$out" "${u%%:*}"
done
for u in "01x" "-1" ":1" "1:" "4294967295" "4294967296" "root" "1:2:3"; do
  out=$(crl exec -u "$u" ex id -u 2>&1); rc=$?
  expect_match "exec -u '$u' is refused" "rc=$rc $out" '^rc=1 .*--user: expected UID or UID:GID'
done
expect_eq "no exec leftovers besides the detached sleep" "$(ps -o comm= --ppid "$init" | sort | tr '\n' ' ')" ""

# seccomp applies to exec'd processes too.
crl delete -f ex
cfg "$b" '.linux.seccomp = {"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir","mkdirat"],"action":"SCMP_ACT_ERRNO","errnoRet":13}]}'
crl run -d --bundle "$b" ex2 >/dev/null 2>&1
expect_match "the container's seccomp filter binds exec'd processes" "$(crl exec ex2 mkdir /tmp/zz 2>&1)" 'Permission denied'
crl pause ex2
out=$(crl exec ex2 true 2>&1); rc=$?
expect_match "exec in a paused container is refused like runc" "rc=$rc $out" '^rc=255 .*cannot exec in a paused container'
crl resume ex2
crl kill ex2 KILL; sleep 0.3
out=$(crl exec ex2 true 2>&1); rc=$?
expect_match "exec in a stopped container is refused like runc" "rc=$rc $out" '^rc=255 .*cannot exec in a stopped container'
crl delete ex2
out=$(crl exec ex2 true 2>&1); rc=$?
expect_match "exec in a missing container" "rc=$rc $out" "^rc=255 crun-lite: container does not exist: ex2$"
expect_no_leftovers "exec"
