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
# What the process writes reaches the caller as written: no "\r" added
# (ONLCR cleared, as runc does), in run and exec alike.
args "$b" printf 'one\ntwo\n'
out=$(crl run --bundle "$b" tty5 </dev/null | od -An -c | tr -s ' ')
expect_eq "run in the foreground: lines come without a carriage return" "$out" " o n e \n t w o \n"
args "$b" sleep 30
"$TESTS_HELPERS/recv_console" "$sock" "" > /dev/null 2>&1 &
for i in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
crl run -d --bundle "$b" --console-socket "$sock" tty6 >/dev/null 2>&1
out=$(crl exec -t tty6 printf 'a\nb\n' </dev/null | od -An -c | tr -s ' ')
expect_eq "exec -t: lines come without a carriage return" "$out" " a \n b \n"
crl delete -f tty6 >/dev/null 2>&1; wait
out=$(crl create --bundle "$b" tty3 2>&1); rc=$?
expect_match "a terminal without --console-socket is refused for create" "rc=$rc $out" '^rc=1 crun-lite: process.terminal: a terminal needs --console-socket'
cfg "$b" '.process.terminal = false'
out=$(crl create --bundle "$b" --console-socket "$sock" tty4 2>&1); rc=$?
expect_match "--console-socket without a terminal is refused" "rc=$rc $out" '^rc=1 crun-lite: --console-socket: given, but process.terminal is false'
expect_no_leftovers "terminal"

# exec --tty: a pty of the container's devpts for the exec'd process.
cfg "$b" '.process.terminal = false'
args "$b" sleep 100
crl run -d --bundle "$b" tty5 >/dev/null 2>&1
out=$(echo typed-exec | crl exec -t tty5 sh -c 'tty; read x; echo "got:$x"' | tr -d '\r')
expect_match "exec -t relays a pty of the container" "$out" '/dev/pts/[0-9]+'
expect_match "exec -t: input reaches the process" "$out" 'got:typed-exec'
sock2="$T_ROOT/console2.sock"
"$TESTS_HELPERS/recv_console" "$sock2" $'from-engine\n' > "$T_ROOT/console2.out" 2>&1 &
rpid=$!
for i in $(seq 50); do [ -S "$sock2" ] && break; sleep 0.05; done
check "exec --tty --console-socket --detach" crl exec -t -d --console-socket "$sock2" tty5 sh -c 'read x; echo "exec-got:$x"'
wait $rpid
expect_match "the engine got the exec's pty and talked to it" "$(tr -d '\r' < "$T_ROOT/console2.out")" 'exec-got:from-engine'
out=$(crl exec -t -d tty5 true 2>&1); rc=$?
expect_match "exec --tty --detach without a console socket is refused" "rc=$rc $out" '^rc=255 crun-lite: exec: a terminal with --detach needs --console-socket'
crl delete -f tty5
expect_no_leftovers "exec terminal"
