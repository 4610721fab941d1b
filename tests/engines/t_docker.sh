# Docker 20.10 (a private dockerd: its own data root, exec root, socket and
# pidfile; no bridge, no iptables: every container and build runs with
# networking off) with crun-lite registered by --add-runtime as the default
# runtime; every flow runs again with runc (Docker's built-in "runc") as the
# reference and the results are compared flow by flow.  Sourced by
# run-engines.sh.

docker_group () {
  if ! command -v dockerd >/dev/null || ! command -v docker >/dev/null; then
    skip "docker flows" "docker is not installed (apt-get install docker.io docker-compose)"; return
  fi
  DK_W="$T_ROOT/docker"
  mkdir -p "$DK_W"
  export DOCKER_HOST="unix://$DK_W/docker.sock"
  dockerd --data-root "$DK_W/data" --exec-root "$DK_W/exec" -H "$DOCKER_HOST" --pidfile "$DK_W/docker.pid" \
    --bridge none --iptables=false --ip-masq=false --ip6tables=false --userland-proxy=false \
    --add-runtime "crun-lite=$CRUN_LITE" --default-runtime crun-lite > "$DK_W/dockerd.log" 2>&1 &
  DK_PID=$!
  engine_cleanups+=("docker_stop")
  for _ in $(seq 1 150); do dk version >/dev/null 2>&1 && break; sleep 0.1; done
  if ! dk version >/dev/null 2>&1; then
    not_ok "a private dockerd starts" "$(tail -n 5 "$DK_W/dockerd.log")"; docker_stop; return
  fi
  ok "a private dockerd starts (own data root, exec root, socket; no network)"
  expect_eq "crun-lite is dockerd's default runtime" "$(dk info --format '{{.DefaultRuntime}}' 2>&1)" crun-lite
  if ! dk import "$IMAGE_TAR" crl-busybox:latest > "$DK_W/import.out" 2>&1; then
    not_ok "docker import of the busybox rootfs" "$(tail -n 3 "$DK_W/import.out")"; docker_stop; return
  fi
  ok "docker import of the busybox rootfs"

  docker_flows crun-lite
  if command -v runc >/dev/null; then docker_flows runc
  else skip "docker flows with runc as the reference" "runc is not installed"; fi
  docker_checks
  docker_build_and_compose
  docker_leftovers
  docker_stop
  unset DOCKER_HOST
}

dk () { timeout -k 5 120 docker "$@"; }

docker_stop () {
  [ -n "${DK_PID:-}" ] || return 0
  dk ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1
  kill "$DK_PID" 2>/dev/null
  for _ in $(seq 1 100); do kill -0 "$DK_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$DK_PID" 2>/dev/null; wait "$DK_PID" 2>/dev/null
  DK_PID=
  grep " $DK_W" /proc/self/mountinfo | awk '{print $5}' | sort -r | while read -r m; do umount -l "$m"; done
  find /sys/fs/cgroup -mindepth 1 -maxdepth 2 -type d -name docker -exec rmdir {} + 2>/dev/null
  rm -rf "$DK_W/data" "$DK_W/exec"
}

dk_record () { results_record "$DK_W" "$@"; }   # RUNTIME KEY VALUE
dk_result () { results_get "$DK_W" "$@"; }      # RUNTIME KEY
dk_status () { dk inspect -f '{{.State.Status}}' "$1" 2>/dev/null; }
# dk_tty COMMAND: a docker command run with a terminal (under script).
dk_tty () { sleep 2 | timeout -k 5 60 script -qec "$*" /dev/null | tr -d '\r'; }

# The cgroup files of a container as it sees them (v1 on this host, v2 in
# a pure v2 guest).
CG_FILES='for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes cpu/cpu.cfs_quota_us cpu/cpu.shares pids/pids.max blkio/blkio.bfq.weight memory.max memory.swap.max cpu.max cpu.weight pids.max io.bfq.weight; do [ -f /sys/fs/cgroup/$f ] && printf "%s=%s " "$f" "$(tail -n 1 /sys/fs/cgroup/$f)"; done; true'

docker_flows () {
  local rt=$1 img=crl-busybox:latest out c run
  run="docker run --network none --runtime $rt"
  : > "$DK_W/results.$rt"
  out=$(timeout 60 $run --rm $img echo hi 2>&1); dk_record "$rt" run_echo "$? $out"
  out=$(timeout 60 $run --rm --entrypoint /bin/echo $img a b 2>&1); dk_record "$rt" entrypoint "$? $out"
  timeout 60 $run --rm $img sh -c 'exit 3' >/dev/null 2>&1; dk_record "$rt" exit_code "$?"
  out=$(timeout 60 $run --rm $img /no/such/binary 2>&1); dk_record "$rt" missing_binary_rc "$?"
  printf '%s' "$out" > "$DK_W/missing.$rt"
  out=$(dk_tty "$run -it --rm $img sh -c 'test -t 0 && tty'"); dk_record "$rt" run_tty "$(printf '%s' "$out" | grep -o '/dev/pts/[0-9]*')"

  c="d-$rt"
  timeout 60 $run -d --name "$c" $img sh -c 'echo out; echo err >&2; exec sleep 300' >/dev/null 2>&1; dk_record "$rt" run_d "$? $(dk_status "$c")"
  out=$(dk exec "$c" sh -c 'echo $((40+2))' 2>&1); dk_record "$rt" exec "$? $out"
  dk exec "$c" sh -c 'exit 5' >/dev/null 2>&1; dk_record "$rt" exec_exit "$?"
  dk_record "$rt" exec_user "$(dk exec -u 1000:1000 "$c" id 2>&1)"
  dk_record "$rt" exec_workdir "$(dk exec -w /tmp "$c" pwd 2>&1)"
  dk_record "$rt" exec_env "$(dk exec -e FOO=bar "$c" sh -c 'echo $FOO' 2>&1)"
  out=$(dk_tty "docker exec -it $c sh -c 'test -t 0 && tty'"); dk_record "$rt" exec_tty "$(printf '%s' "$out" | grep -o '/dev/pts/[0-9]*' | sed 's/[0-9]*$/N/')"
  sleep 0.3
  dk_record "$rt" logs "$(dk logs "$c" 2>&1 | sort | tr '\n' ' ')"
  dk_record "$rt" top "$(dk top "$c" 2>&1 | tail -n +2 | grep -c 'sleep 300')"
  dk_record "$rt" stats "$(dk stats --no-stream --format '{{.PIDs}} {{.MemUsage}}' "$c" 2>&1 | sed 's/[0-9.]*[KMG]iB/SIZE/g')"
  dk pause "$c" >/dev/null 2>&1; dk_record "$rt" pause "$? $(dk_status "$c")"
  dk unpause "$c" >/dev/null 2>&1; dk_record "$rt" unpause "$? $(dk_status "$c")"
  dk update --memory 64m --memory-swap 128m --pids-limit 30 --cpu-shares 256 "$c" >/dev/null 2>&1
  dk_record "$rt" update "$? $(dk exec "$c" sh -c "$CG_FILES" 2>&1)"
  echo copied-in > "$DK_W/cp-in"
  dk cp "$DK_W/cp-in" "$c:/tmp/cp-in" >/dev/null 2>&1; dk_record "$rt" cp_in "$? $(dk exec "$c" cat /tmp/cp-in 2>&1)"
  dk_record "$rt" cp_out "$(dk cp "$c:/etc/passwd" - 2>/dev/null | tar -xO 2>/dev/null | head -n 1)"
  dk stop -t 1 "$c" >/dev/null 2>&1; dk_record "$rt" stop "$? $(dk_status "$c") $(dk inspect -f '{{.State.ExitCode}}' "$c" 2>&1)"
  dk rm "$c" >/dev/null 2>&1; dk_record "$rt" rm "$?"

  c="k-$rt"
  timeout 60 $run -d --name "$c" $img sh -c 'trap "exit 9" USR1; while :; do sleep 0.1; done' >/dev/null 2>&1
  sleep 0.5
  dk kill -s USR1 "$c" >/dev/null 2>&1; dk_record "$rt" kill_s "$? $(dk wait "$c" 2>&1)"
  dk rm -f "$c" >/dev/null 2>&1
  c="r-$rt"
  timeout 60 $run -d --restart on-failure:2 --name "$c" $img sh -c 'exit 1' >/dev/null 2>&1
  for _ in $(seq 1 100); do
    [ "$(dk inspect -f '{{.RestartCount}} {{.State.Status}}' "$c" 2>/dev/null)" = "2 exited" ] && break; sleep 0.1
  done
  dk_record "$rt" restart "$(dk inspect -f '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}' "$c" 2>&1)"
  dk rm -f "$c" >/dev/null 2>&1

  out=$(timeout 60 $run --rm --memory 64m --memory-swap 128m --cpus 0.5 --cpu-shares 512 --pids-limit 20 --blkio-weight 300 $img sh -c "$CG_FILES" 2>/dev/null)
  dk_record "$rt" limits "$? $out"
  out=$(timeout 60 $run --rm --device /dev/fuse:/dev/fuse:r $img sh -c 'exec 2>/dev/null; (exec </dev/fuse) && echo r-ok || echo r-no; (exec >/dev/fuse) && echo w-ok || echo w-no' 2>&1)
  dk_record "$rt" device_r "$(echo $out)"
  dk_record "$rt" caps "$(timeout 60 $run --rm --cap-drop ALL --cap-add NET_ADMIN --cap-add CHOWN $img grep CapEff /proc/self/status 2>&1)"
  dk_record "$rt" nnp "$(timeout 60 $run --rm --security-opt no-new-privileges $img grep NoNewPrivs /proc/self/status 2>&1)"
  dk_record "$rt" seccomp_default "$(timeout 60 $run --rm $img grep Seccomp: /proc/self/status 2>&1)"
  dk_record "$rt" seccomp_unconfined "$(timeout 60 $run --rm --security-opt seccomp=unconfined $img grep Seccomp: /proc/self/status 2>&1)"
  dk_record "$rt" user "$(timeout 60 $run --rm --user 1000:1000 $img id 2>&1)"
  dk_record "$rt" read_only "$(timeout 60 $run --rm --read-only $img sh -c 'touch /x 2>&1 | grep -o "Read-only file system"' 2>&1)"
  dk_record "$rt" tmpfs "$(timeout 60 $run --rm --tmpfs /t:size=1m $img sh -c 'grep " /t " /proc/mounts | cut -d" " -f1,3' 2>&1)"
  mkdir -p "$DK_W/vol-$rt"; echo host-file > "$DK_W/vol-$rt/in"
  out=$(timeout 60 $run --rm -v "$DK_W/vol-$rt:/rw" -v "$DK_W/vol-$rt:/ro:ro" $img sh -c 'cat /rw/in; echo from-container > /rw/out; touch /ro/x 2>&1 | grep -o "Read-only file system"' 2>&1)
  dk_record "$rt" volumes "$(echo $out) $(cat "$DK_W/vol-$rt/out" 2>&1)"
  dk_record "$rt" init "$(timeout 60 $run --rm --init $img sh -c 'cat /proc/1/comm' 2>&1)"
  dk_record "$rt" ulimit "$(timeout 60 $run --rm --ulimit nofile=1024:2048 $img sh -c 'echo $(ulimit -n) $(ulimit -Hn)' 2>&1)"
  dk_record "$rt" sysctl "$(timeout 60 $run --rm --sysctl net.ipv4.ip_forward=1 --sysctl kernel.msgmax=65536 $img sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/msgmax' 2>&1 | tr '\n' ' ')"
  dk_record "$rt" shm "$(timeout 60 $run --rm --shm-size 8m $img sh -c 'df -k /dev/shm | tail -n 1' 2>&1 | awk '{print $2}')"
}

docker_checks () {
  local rt=crun-lite
  expect_eq "docker run --rm echo" "$(dk_result $rt run_echo)" "0 hi"
  expect_eq "docker run --entrypoint with args" "$(dk_result $rt entrypoint)" "0 a b"
  expect_eq "docker run returns the container's exit code" "$(dk_result $rt exit_code)" 3
  expect_eq "a missing binary is exit 127, as with runc" "$(dk_result $rt missing_binary_rc)" 127
  expect_match "the docker user sees crun-lite's error naming the binary" "$(cat "$DK_W/missing.crun-lite")" 'OCI runtime create failed: exec: "/no/such/binary": stat /no/such/binary: no such file or directory'
  expect_eq "docker run -it gets a terminal" "$(dk_result $rt run_tty)" /dev/pts/0
  expect_eq "docker run -d" "$(dk_result $rt run_d)" "0 running"
  expect_eq "docker exec" "$(dk_result $rt exec)" "0 42"
  expect_eq "docker exec returns the exit code" "$(dk_result $rt exec_exit)" 5
  expect_match "docker exec -u 1000:1000" "$(dk_result $rt exec_user)" '^uid=1000.* gid=1000'
  expect_eq "docker exec -w /tmp" "$(dk_result $rt exec_workdir)" /tmp
  expect_eq "docker exec -e" "$(dk_result $rt exec_env)" bar
  expect_eq "docker exec -it gets a terminal" "$(dk_result $rt exec_tty)" /dev/pts/N
  expect_eq "docker logs has stdout and stderr" "$(dk_result $rt logs)" "err out "
  expect_eq "docker top lists the process" "$(dk_result $rt top)" 1
  expect_match "docker stats --no-stream" "$(dk_result $rt stats)" '^1 SIZE / SIZE'
  expect_eq "docker pause" "$(dk_result $rt pause)" "0 paused"
  expect_eq "docker unpause" "$(dk_result $rt unpause)" "0 running"
  expect_match "docker update changes memory, swap, pids and shares" "$(dk_result $rt update)" \
    '^0 .*(memory.limit_in_bytes=67108864 memory/memory.memsw.limit_in_bytes=134217728 .*cpu.shares=256 pids/pids.max=30|memory.max=67108864 memory.swap.max=67108864 .*pids.max=30)'
  expect_eq "docker cp into a running container" "$(dk_result $rt cp_in)" "0 copied-in"
  expect_match "docker cp out of it" "$(dk_result $rt cp_out)" '^root:x:0:0'
  expect_match "docker stop" "$(dk_result $rt stop)" '^0 exited '
  expect_eq "docker rm" "$(dk_result $rt rm)" 0
  expect_eq "docker kill -s USR1, then wait's status" "$(dk_result $rt kill_s)" "0 9"
  expect_eq "--restart on-failure:2 restarts twice" "$(dk_result $rt restart)" "2 exited 1"
  expect_match "--memory --memory-swap --cpus --cpu-shares --pids-limit --blkio-weight" "$(dk_result $rt limits)" \
    '^0 .*(memory.limit_in_bytes=67108864 memory/memory.memsw.limit_in_bytes=134217728 cpu/cpu.cfs_quota_us=50000 cpu/cpu.shares=512 pids/pids.max=20|memory.max=67108864 .*cpu.max=50000 100000 .*pids.max=20)'
  expect_eq "--device PATH:PATH:r opens for reading only" "$(dk_result $rt device_r)" "r-ok w-no"
  expect_match "--cap-drop ALL --cap-add" "$(dk_result $rt caps)" 'CapEff:.*0000000000001001$'
  expect_match "--security-opt no-new-privileges" "$(dk_result $rt nnp)" 'NoNewPrivs:.*1'
  expect_match "Docker's default seccomp profile is loaded" "$(dk_result $rt seccomp_default)" 'Seccomp:.*2'
  expect_match "seccomp=unconfined" "$(dk_result $rt seccomp_unconfined)" 'Seccomp:.*0'
  expect_match "--user 1000:1000" "$(dk_result $rt user)" '^uid=1000(\(user\))? gid=1000'
  expect_eq "--read-only" "$(dk_result $rt read_only)" "Read-only file system"
  expect_eq "--tmpfs" "$(dk_result $rt tmpfs)" "tmpfs tmpfs"
  expect_eq "-v bind mounts, rw and ro" "$(dk_result $rt volumes)" "host-file Read-only file system from-container"
  expect_eq "--init runs docker-init as pid 1" "$(dk_result $rt init)" docker-init
  expect_eq "--ulimit nofile=1024:2048" "$(dk_result $rt ulimit)" "1024 2048"
  expect_eq "--sysctl" "$(dk_result $rt sysctl)" "1 65536 "
  expect_eq "--shm-size 8m" "$(dk_result $rt shm)" 8192
  expect_same_as_runc "every docker flow gives crun-lite the same result as runc" "$DK_W"
}

# docker build (classic builder: its RUN steps go through the runtime) of a
# multi-stage Dockerfile, and docker-compose of two services.
docker_build_and_compose () {
  local ctx="$DK_W/build" out
  mkdir -p "$ctx"
  echo "from the context" > "$ctx/hello.txt"
  cat > "$ctx/Dockerfile" <<'DOCKERFILE'
FROM crl-busybox:latest AS builder
WORKDIR /src
COPY hello.txt .
RUN echo "built by $(id -u)" > result.txt && cat hello.txt >> result.txt
FROM crl-busybox:latest
ENV GREETING=hello-env
COPY --from=builder /src/result.txt /app/result.txt
RUN mkdir -p /home/user && chown 1000:1000 /home/user
USER 1000
WORKDIR /home/user
ENTRYPOINT ["sh", "-c", "echo $GREETING; cat /app/result.txt; id -u; pwd; echo \"$@\"", "--"]
CMD ["default-cmd"]
DOCKERFILE
  out=$(DOCKER_BUILDKIT=0 dk build --network none -t crl-built "$ctx" 2>&1)
  expect_match "docker build (classic builder) of a multi-stage Dockerfile, its RUN steps through crun-lite" "$out" 'Successfully tagged crl-built'
  out=$(dk run --rm --network none crl-built 2>&1 | tr '\n' ' ')
  expect_eq "the built image runs: ENV, COPY --from, RUN, USER, WORKDIR, ENTRYPOINT, CMD" "$out" \
    "hello-env built by 0 from the context 1000 /home/user default-cmd "
  expect_eq "the build's containers used crun-lite" "$(grep -c 'runtime-crun-lite\|crun-lite' "$DK_W/dockerd.log" >/dev/null; dk info --format '{{.DefaultRuntime}}')" crun-lite

  if ! command -v docker-compose >/dev/null; then
    skip "docker-compose" "docker-compose is not installed"; return
  fi
  mkdir -p "$DK_W/compose"
  cat > "$DK_W/compose/docker-compose.yml" <<'COMPOSE'
version: "2.4"
services:
  web:
    image: crl-busybox:latest
    command: ["sh", "-c", "echo web > /tmp/who; exec sleep 300"]
    network_mode: none
  worker:
    image: crl-busybox:latest
    command: ["sleep", "300"]
    network_mode: none
    environment:
      ROLE: worker
COMPOSE
  (cd "$DK_W/compose" && timeout 120 docker-compose -p crltest up -d) > "$DK_W/compose.out" 2>&1
  expect_eq "docker-compose up -d of two services" "$?" 0
  out=$(cd "$DK_W/compose" && timeout 60 docker-compose -p crltest ps 2>&1 | grep -c ' Up')
  expect_eq "docker-compose ps shows both up" "$out" 2
  out=$(cd "$DK_W/compose" && timeout 60 docker-compose -p crltest exec -T worker sh -c 'echo $ROLE' 2>&1)
  expect_eq "docker-compose exec" "$out" worker
  (cd "$DK_W/compose" && timeout 120 docker-compose -p crltest down -t 1) > "$DK_W/compose-down.out" 2>&1
  expect_eq "docker-compose down" "$? $(dk ps -aq --filter label=com.docker.compose.project=crltest | wc -l)" "0 0"
}

docker_leftovers () {
  local left
  dk ps -aq | xargs -r docker rm -f >/dev/null 2>&1
  dk image prune -f >/dev/null 2>&1
  left=$(find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -type d -path '*/docker/*' 2>/dev/null | tr '\n' ' ')
  expect_eq "no container cgroup is left under docker's parent" "$left" ""
  left=$(ls -A "$DK_W/exec/runtime-crun-lite/moby" 2>/dev/null | tr '\n' ' ')
  expect_eq "no crun-lite state is left under the root docker gave it" "$left" ""
  left=$(grep -c "$DK_W/data/overlay2/.*/merged\|$DK_W/exec/.*rootfs" /proc/self/mountinfo)
  expect_eq "no container rootfs mount is left" "$left" 0
}

docker_group
