# Terminals: process.terminal with --console-socket (as engines use it) and
# the foreground relay of `run`; the pty lives in the container's devpts.

b=$(new_bundle tty)
cfg "$b" '.process.terminal = true | .process.consoleSize = {"height": 40, "width": 120}'
args "$b" sh -c 'tty; stty size; readlink /proc/self/fd/0; ls -l /dev/console | cut -c1; read line; echo "got:$line"'
sock="$T_ROOT/console.sock"
"$TESTS_HELPERS/recv_console" "$sock" $'typed\n' > "$T_ROOT/console.out" 2>&1 &
rpid=$!
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
check "create --console-socket" crl create --bundle "$b" --console-socket "$sock" tty1
check "start" crl start tty1
wait $rpid
out=$(tr -d '\r' < "$T_ROOT/console.out")
expect_match "the engine received the pty master" "$out" '^received-fd'
expect_match "the container's stdio is its own pty" "$out" '/dev/pts/0'
expect_match "consoleSize applied" "$out" '40 120'
expect_match "/dev/console is a character device (the pty)" "$out" $'\nc\n'
expect_match "input typed by the engine reaches the process" "$out" 'got:typed'
for i in $(seq 30); do [ "$(crl state tty1 | jq -r .status)" = stopped ] && break; sleep 0.1; done
crl delete tty1
out=$(echo piped-in | crl run --bundle "$b" tty2 | tr -d '\r')
expect_match "run in the foreground relays the terminal itself" "$out" 'got:piped-in'
expect_match "... from a pty in the container" "$out" '/dev/pts/0'
out=$(crl create --bundle "$b" tty3 2>&1); rc=$?
expect_match "a terminal without --console-socket is refused for create" "rc=$rc $out" '^rc=1 crun-lite: process.terminal: a terminal needs --console-socket'
cfg "$b" '.process.terminal = false'
out=$(crl create --bundle "$b" --console-socket "$sock" tty4 2>&1); rc=$?
expect_match "--console-socket without a terminal is refused" "rc=$rc $out" '^rc=1 crun-lite: --console-socket: given, but process.terminal is false'
expect_no_leftovers "terminal"
