# Lifecycle: create/start/state/kill/delete/list and run, as runc does them.

b=$(new_bundle life)
args "$b" sleep 100
check "create succeeds" crl create --bundle "$b" --pid-file "$T_ROOT/life.pid" life
st=$(crl state life)
expect_eq "state after create: created" "$(echo "$st" | jq -r .status)" created
pid=$(echo "$st" | jq -r .pid)
expect_eq "pid file matches state pid" "$(cat "$T_ROOT/life.pid")" "$pid"
expect_eq "state bundle is absolute" "$(echo "$st" | jq -r .bundle)" "$b"
expect_match "state has ociVersion and created" "$(echo "$st" | jq -r '.ociVersion + " " + .created')" '^1\.3\.0 20[0-9-]+T'
# Still the runtime, switched to a private copy of its binary (an
# independent copy: the default, unlinked), never the host's path.
expect_match "init is blocked before exec (still the runtime, from its private copy)" \
  "$(readlink /proc/$pid/exe)|$(cat /proc/$pid/comm)" '^/(memfd:)?crun-lite \(deleted\)\|(memfd:)?crun-lite$'
fds=$(for f in /proc/$pid/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && readlink "$f"; done | sed 's/:\[.*//' | sort | uniq -c | tr -s ' ' | tr '\n' ';')
expect_eq "created init holds only stdio and the start gate (a socket: no file to reopen)" "$fds" " 1 socket;"
out=$(crl list); expect_match "list shows created" "$out" "^life +$pid +created +$b"
out=$(crl create --bundle "$b" life 2>&1); rc=$?
expect_match "create with a used id fails like runc" "rc=$rc $out" '^rc=1 .*container with given ID already exists: life'
check "start succeeds" crl start life
expect_eq "state after start: running" "$(crl state life | jq -r .status)" running
expect_match "the process is the user's now" "$(readlink /proc/$pid/exe)" 'busybox$'
expect_eq "running process has only stdio open" "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" "0 1 2 "
out=$(crl start life 2>&1); rc=$?
expect_match "start twice fails" "rc=$rc $out" '^rc=1 .*cannot start an already running container: life'
out=$(crl delete life 2>&1); rc=$?
expect_match "delete of a running container without -f fails like runc" "rc=$rc $out" '^rc=1 .*cannot delete container life that is not stopped: running'
out=$(crl list -q); expect_eq "list -q" "$out" "life"
expect_eq "list -f json status" "$(crl list -f json | jq -r '.[0].status')" running
check "kill ID 0 probes a running container (runc)" crl kill life 0
check "kill with SIGKILL" crl kill life SIGKILL
for i in $(seq 50); do [ "$(crl state life | jq -r .status)" = stopped ] && break; sleep 0.1; done
expect_eq "state after kill: stopped" "$(crl state life | jq -r .status)" stopped
out=$(crl kill life 2>&1); rc=$?
expect_match "kill of a stopped container fails" "rc=$rc $out" '^rc=1 .*container not running'
check "kill --all of a stopped container succeeds, as runc" crl kill -a life 0
expect_eq "ps of a stopped container: an empty list, as runc" "$(crl ps --format json life 2>&1) $(crl ps life 2>&1 | tail -n +2 | wc -l)" "[] 0"
check "delete a stopped container" crl delete life
out=$(crl state life 2>&1); rc=$?
expect_match "state of a deleted container" "rc=$rc $out" "^rc=1 .*container does not exist: life$"
check "delete --force of a missing container exits 0" crl delete --force life
out=$(crl delete nothere 2>&1); rc=$?
expect_match "delete of a missing container fails" "rc=$rc $out" "^rc=1 .*container does not exist: nothere"
expect_no_leftovers "lifecycle"

# Signal names: with and without SIG, numbers; the trap proves delivery.
args "$b" sh -c 'trap "echo got-usr1 > /tmp/sig; exit 0" USR1; while :; do sleep 0.1; done'
cfg "$b" '.root.readonly = false'
check "run -d" crl run -d --bundle "$b" sig
sleep 0.3
check "kill by name without SIG" crl kill sig USR1
for i in $(seq 50); do [ "$(crl state sig | jq -r .status)" = stopped ] && break; sleep 0.1; done
expect_eq "the signal arrived (the trap ran and the container stopped)" "$(cat "$b/rootfs/tmp/sig" 2>/dev/null)" got-usr1
out=$(crl kill sig NOTASIGNAL 2>&1); rc=$?
expect_match "an invalid signal is refused" "rc=$rc $out" "^rc=1 .*invalid signal \`NOTASIGNAL\`"
check "delete" crl delete sig

# kill --all reaches every process of the pid namespace.
args "$b" sh -c 'sleep 100 & sleep 100 & wait'
check "run -d for kill --all" crl run -d --bundle "$b" killall
sleep 0.3
pid=$(crl state killall | jq -r .pid)
nproc=$(ps -o pid= --ppid "$pid" | wc -l)
expect_eq "two children inside" "$nproc" 2
check "kill --all TERM" crl kill --all killall TERM
sleep 0.3
expect_eq "children are gone after kill --all" "$(ps -o pid= --ppid "$pid" | wc -l)" 0
crl delete -f killall

# run in the foreground: exit status, 128+N, removal, --keep.
args "$b" sh -c 'exit 7'
crl run --bundle "$b" fg1; expect_eq "run returns the exit status" "$?" 7
expect_eq "run removed the container" "$(crl list -q)" ""
args "$b" sleep 30
( sleep 0.5; "$R" --root "$STATE" kill fg2 KILL ) &
crl run --bundle "$b" fg2; expect_eq "run returns 128+9 when killed" "$?" 137
wait
args "$b" true
crl run --keep --bundle "$b" fg3; expect_eq "run --keep: exit 0" "$?" 0
expect_eq "run --keep leaves it stopped" "$(crl state fg3 | jq -r .status)" stopped
crl delete fg3
args "$b" sh -c 'trap "exit 3" TERM; while :; do sleep 0.1; done'
"$R" --root "$STATE" run --bundle "$b" fg4 & rpid=$!
sleep 0.5; kill -TERM $rpid; wait $rpid
expect_eq "run forwards SIGTERM to the container" "$?" 3
args "$b" sh -c 'echo out; echo err >&2'
out=$(crl run --bundle "$b" io 2>"$T_ROOT/err"); expect_eq "stdout passes through" "$out" out
expect_eq "stderr passes through" "$(cat "$T_ROOT/err")" err
expect_eq "stdin passes through" "$(echo piped | (args "$b" cat; crl run --bundle "$b" io2))" piped
expect_no_leftovers "run"

# A stale entry whose init died outside our control shows as stopped.
args "$b" sleep 100
crl run -d --bundle "$b" stale >/dev/null 2>&1
kill -9 "$(crl state stale | jq -r .pid)"; sleep 0.2
expect_match "list shows a dead container as stopped" "$(crl list)" '^stale +0 +stopped'
crl delete stale
expect_no_leftovers "stale"

# Two concurrent creates of one id: exactly one wins.
args "$b" sleep 100
( crl create --bundle "$b" race >/dev/null 2>&1 </dev/null; echo $? > "$T_ROOT/r1" ) &
( crl create --bundle "$b" race >/dev/null 2>&1; echo $? > "$T_ROOT/r2" ) &
wait
expect_eq "concurrent create: one wins, one fails" "$(cat "$T_ROOT/r1" "$T_ROOT/r2" | sort | tr '\n' ' ')" "0 1 "
crl delete -f race
expect_no_leftovers "race"

# A created container is deleted without --force (as runc) and its init killed.
crl create --bundle "$b" cdel >/dev/null 2>&1
pid=$(crl state cdel | jq -r .pid)
check "delete a created container" crl delete cdel
sleep 0.1
expect_eq "its init is gone (or a zombie awaiting its reaper)" "$(ps -o stat= -p "$pid" | grep -vc Z)" 0
expect_no_leftovers "delete created"

# --preserve-fds: fds 3..3+N-1 reach the container, the rest do not.
echo preserved-data > "$T_ROOT/pfile"
args "$b" sh -c 'cat <&3; ls /proc/self/fd | sort -n | tr "\n" " "'
out=$(crl run --preserve-fds 1 --bundle "$b" pfd 3<"$T_ROOT/pfile" 4<"$T_ROOT/pfile" </dev/null)
expect_eq "--preserve-fds 1 passes fd 3 and only it" "$(echo "$out" | tr '\n' '|')" "preserved-data|0 1 2 3 4 |"
out=$(crl run --preserve-fds x --bundle "$b" pfd2 2>&1); rc=$?
expect_match "--preserve-fds needs a number" "rc=$rc $out" "^rc=1 .*--preserve-fds: expected a number"
expect_no_leftovers "preserve-fds"

# Socket activation: LISTEN_FDS from the caller reaches the container.
args "$b" sh -c 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3'
out=$(LISTEN_FDS=1 crl run --bundle "$b" sockact 3<"$T_ROOT/pfile" </dev/null)
expect_eq "LISTEN_FDS: the fds and LISTEN_FDS/LISTEN_PID reach the process" "$(echo "$out" | tr '\n' '|')" "1 1|preserved-data|"
expect_no_leftovers "socket activation"

# NOTIFY_SOCKET: the container gets a socket of its own; start relays READY=1.
ns="$T_ROOT/notify.sock"
"$TESTS_HELPERS/notify_recv" "$ns" > "$T_ROOT/notify.out" 2>&1 &
npid=$!
for i in $(seq 50); do [ -S "$ns" ] && break; sleep 0.05; done
cp "$TESTS_HELPERS/notify_send" "$b/rootfs/bin/notify_send"
args "$b" sh -c 'echo "$NOTIFY_SOCKET" > /tmp/notify-env; sleep 0.3; notify_send "STATUS=booting"; notify_send "READY=1"; sleep 30'
cfg "$b" '.root.readonly = false'
NOTIFY_SOCKET="$ns" crl create --bundle "$b" ntf >/dev/null 2>&1
# The container must not touch the runtime's state directory through it.
notify_host="$STATE/ntf/notify"
before=$(ls -lA "$notify_host" 2>&1)
out=$(crl exec ntf sh -c 'exec 2>/dev/null; touch /run/notify/planted && echo CREATED; ln -s /etc/passwd /run/notify/link && echo LINKED;
  mkdir /run/notify/d && echo MKDIR; rm -f /run/notify/notify.sock 2>/dev/null; [ -e /run/notify/notify.sock ] || true;
  grep " /run/notify " /proc/self/mountinfo | grep -c " ro,"' 2>&1)
expect_eq "NOTIFY_SOCKET: the container can create nothing in the notify directory, which it sees read-only" \
  "$(echo "$out" | tr '\n' ' ')" "1 "
expect_eq "NOTIFY_SOCKET: the notify directory on the host is as the runtime made it" "$(ls -lA "$notify_host" 2>&1)" "$before"
t0=$(date +%s%N)
check "start with NOTIFY_SOCKET returns once the container is ready" env NOTIFY_SOCKET="$ns" timeout 10 "$R" --root "$STATE" start ntf
waited=$(( ($(date +%s%N) - t0) / 1000000 ))
wait $npid
expect_eq "the container sees its own NOTIFY_SOCKET" "$(cat "$b/rootfs/tmp/notify-env" 2>/dev/null)" /run/notify/notify.sock
expect_eq "the caller's socket got READY=1 with the host pid, nothing else (the STATUS stays inside)" "$(tr '\n' ' ' < "$T_ROOT/notify.out")" "READY=1 MAINPID=$(crl state ntf | jq -r .pid) "
if [ "$waited" -ge 250 ]; then ok "start waited for READY=1 (${waited} ms)"; else not_ok "start waited for READY=1" "${waited} ms"; fi
crl delete -f ntf
expect_no_leftovers "notify"

# Engines match on runc's error texts: each of crun-lite's contains runc's
# (runc's own prefixes like "runc create failed: " aside), then names the id.
if command -v runc >/dev/null; then
  b=$(new_bundle errtexts); args "$b" sleep 30
  # runc's own bundle, in a cgroup of its own: neither runtime runs in a
  # cgroup that already holds processes.
  rb="$b-runc"; cp -a "$b" "$rb"; cfg "$rb" '.linux.cgroupsPath = "/crl-e2e-runc-errtexts"'
  rroot="$T_ROOT/runc-state"
  both () {   # both ARGS...: runc's msg, then crun-lite's stderr, one per line
    timeout 30 runc --root "$rroot" "${@/#$b/$rb}" 2>&1 >/dev/null | sed -n 's/.*msg="\(runc [a-z]* failed: \)\{0,1\}\(.*\)"$/\2/p' | tail -n 1
    crl "$@" 2>&1 >/dev/null | tail -n 1
  }
  diffs=""
  compare () { local r c; { read -r r; read -r c; } < <(both "$@"); [ -n "$r" ] || r="(runc printed nothing)"; case $c in *"$r"*) ;; *) diffs="$diffs [$* runc: $r | crun-lite: $c]";; esac; }
  compare state nosuch
  compare kill nosuch 9
  compare delete nosuch
  (cd "$rb" && timeout 30 runc --root "$rroot" create et >/dev/null 2>&1); crl create --bundle "$b" et
  compare create --bundle "$b" et
  runc --root "$rroot" start et; crl start et
  compare start et
  runc --root "$rroot" kill et 9; crl kill et 9; sleep 0.5
  compare kill et 9
  compare start et
  expect_eq "error texts contain runc's (missing, exists, not running, stopped)" "$diffs" ""
  runc --root "$rroot" delete -f et >/dev/null 2>&1; crl delete -f et
else
  skip "error texts contain runc's" "runc is not installed"
fi

# --pidfd-socket (runc 1.2): a pidfd of the init (create, run -d) or of the
# exec'd process goes to the socket; the engine can signal through it.
pb=$(new_bundle pidfd)
args "$pb" sleep 60
pidfd_round () {  # ID SIGNAL SUBCOMMAND ARG...: "rc=N", the helper's "tag pid", the command's output
  local sock="$T_ROOT/pidfd-$1.sock" sig=$2 sub=$3 out rc; shift 3
  rm -f "$sock"; timeout 10 "$TESTS_HELPERS/pidfd_kill" "$sock" "$sig" > "$T_ROOT/pidfd.out" 2>&1 &
  local helper=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
  crl "$sub" --pidfd-socket "$sock" "$@" > "$T_ROOT/pidfd.cmd" 2>&1 </dev/null; rc=$?
  wait "$helper"
  echo "rc=$rc $(cat "$T_ROOT/pidfd.out") $(cat "$T_ROOT/pidfd.cmd")"
}
if enosys_has pidfd; then
  out=$(pidfd_round pf1 0 create --bundle "$pb" pf1)
  expect_match "--pidfd-socket without pidfds (before Linux 5.3): refused, naming what it needs" "$out" \
    '^rc=1 .*--pidfd-socket: pidfd_open \(needs Linux 5.3\)'
  expect_eq "--pidfd-socket refused: nothing left" "$(crl list -q | grep -c pf1)" 0
else
  out=$(pidfd_round pf1 9 create --bundle "$pb" --pid-file "$T_ROOT/pf1.pid" pf1)
  pid=$(cat "$T_ROOT/pf1.pid")
  expect_eq "create --pidfd-socket: the engine gets a pidfd of the init" "$out" "rc=0 pidfd $pid "
  sleep 0.3
  expect_eq "create --pidfd-socket: a signal through it reaches the init" "$(crl state pf1 | jq -r .status)" stopped
  crl delete pf1
  out=$(pidfd_round pf2 0 run -d --bundle "$pb" pf2)
  expect_eq "run -d --pidfd-socket: the pidfd is the running init's" "$out" "rc=0 pidfd $(crl state pf2 | jq -r .pid) "
  out=$(pidfd_round pf2x 9 exec -d pf2 sleep 50)
  expect_match "exec --pidfd-socket: the pidfd is the exec'd process's, and the signal ends it" \
    "$out|$(crl ps pf2 2>&1 | grep -c 'sleep 50')" '^rc=0 pidfd [0-9]+ \|0$'
  out=$(crl run -d --bundle "$pb" --pidfd-socket "$T_ROOT/nobody-listens.sock" pf3 2>&1); rc=$?
  expect_match "--pidfd-socket with no listener: one line naming it, nothing left" "rc=$rc $out $(crl list -q | grep -c pf3)" \
    '^rc=1 crun-lite: --pidfd-socket: connect to `.*nobody-listens.sock`: No such file or directory 0$'
  crl delete -f pf2
fi
expect_no_leftovers "--pidfd-socket"

# kill KILL of a container without a pid namespace of its own reaches the
# processes exec'd into it too (runc 1.2+), and a created container stops
# on SIGTERM (its init, pid 1 of nothing, would ignore it unhandled).
kb=$(new_bundle killall)
cfg "$kb" '.linux.namespaces |= map(select(.type != "pid"))'
args "$kb" sleep 300
crl run -d --bundle "$kb" ka >/dev/null 2>&1
crl exec -d ka sleep 301 >/dev/null 2>&1
sleep 0.3
check "kill KILL of a container sharing the host's pid namespace" crl kill ka KILL
sleep 0.5
expect_eq "...killed the exec'd process too" "$(pgrep -f 'sleep 301' | wc -l)" 0
crl delete -f ka >/dev/null 2>&1
args "$kb" sleep 300
cfg "$kb" '.linux.namespaces += [{"type":"pid"}]'
crl create --bundle "$kb" kterm >/dev/null 2>&1
kpid=$(crl state kterm | jq -r .pid)
crl kill kterm TERM
for i in $(seq 50); do kill -0 "$kpid" 2>/dev/null || break; sleep 0.05; done
expect_eq "a created container stops on SIGTERM (runc)" "$(crl state kterm | jq -r .status)" stopped
crl delete -f kterm >/dev/null 2>&1
expect_no_leftovers "kill"
