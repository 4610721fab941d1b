"""Kubernetes' node path, driven as kubelet drives it: over the CRI API of a
containerd whose CRI plugin runs one runtime handler.  Every flow records
what it observed as KEY=VALUE lines (values made comparable between
runtimes: no ids, addresses or times), for t_cri.sh to check and to compare
with runc's.

usage: cri_flows.py STUBS_DIR SOCKET HANDLER WORKDIR CGROUP_PARENT
(CGROUP_PARENT: each pod's, {} standing for the pod's name)
"""
import base64
import json
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, sys.argv[1])
import grpc  # noqa: E402
import api_pb2 as cri  # noqa: E402
import api_pb2_grpc as cri_grpc  # noqa: E402

SOCKET, HANDLER, WORK, CG_PARENT = sys.argv[2:6]
BUSYBOX = "localhost/crl-busybox:latest"
channel = grpc.insecure_channel("unix://" + SOCKET)
rt = cri_grpc.RuntimeServiceStub(channel)
results = []
# What kubelet puts in every container's security context unless the pod
# asks for an unmasked /proc (its DefaultMaskedPaths, DefaultReadonlyPaths).
MASKED = ["/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
          "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"]
READONLY = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]


def record(key, value):
    results.append("%s=%s" % (key, str(value).replace("\n", "\\n")))


def call(method, request, timeout=60):
    """The RPC's response, or the gRPC status code's name on failure."""
    try:
        return method(request, timeout=timeout)
    except grpc.RpcError as e:
        sys.stderr.write("%s: %s: %s\n" % (HANDLER, e.code().name, e.details()))
        return e.code().name


def run_pod(name, network=cri.POD, pid=cri.CONTAINER, privileged=False):
    logs = os.path.join(WORK, "logs", HANDLER, name)
    os.makedirs(logs, exist_ok=True)
    config = cri.PodSandboxConfig(
        metadata=cri.PodSandboxMetadata(name=name, uid="uid-%s-%s" % (HANDLER, name), namespace="crl"),
        # kubelet names only pods with a network of their own (a host-network
        # pod has the node's UTS namespace, where a hostname cannot be set).
        hostname="pod-" + name if network != cri.NODE else "", log_directory=logs,
        linux=cri.LinuxPodSandboxConfig(
            cgroup_parent=CG_PARENT.replace("{}", name),
            security_context=cri.LinuxSandboxSecurityContext(
                privileged=privileged,
                namespace_options=cri.NamespaceOption(network=network, pid=pid))))
    got = call(rt.RunPodSandbox, cri.RunPodSandboxRequest(config=config, runtime_handler=HANDLER), 120)
    return (got.pod_sandbox_id if not isinstance(got, str) else None), config


def container(pod, sandbox_config, name, command, security=None, resources=None, mounts=(), start=True):
    """Create (and start) a container as kubelet does: the pod's namespace
    options and, unless privileged, kubelet's masked and read-only paths."""
    security = security or cri.LinuxContainerSecurityContext()
    security.namespace_options.CopyFrom(sandbox_config.linux.security_context.namespace_options)
    if not security.privileged:
        security.masked_paths.extend(MASKED)
        security.readonly_paths.extend(READONLY)
    config = cri.ContainerConfig(
        metadata=cri.ContainerMetadata(name=name), image=cri.ImageSpec(image=BUSYBOX),
        command=command, log_path=name + ".log", mounts=list(mounts),
        linux=cri.LinuxContainerConfig(security_context=security,
                                       resources=resources))
    got = call(rt.CreateContainer, cri.CreateContainerRequest(pod_sandbox_id=pod, config=config,
                                                              sandbox_config=sandbox_config))
    if isinstance(got, str):
        return None, got
    cid = got.container_id
    if start:
        started = call(rt.StartContainer, cri.StartContainerRequest(container_id=cid))
        if isinstance(started, str):
            return cid, started
    return cid, "OK"


def exec_sync(cid, cmd, timeout=20):
    got = call(rt.ExecSync, cri.ExecSyncRequest(container_id=cid, cmd=cmd, timeout=timeout), timeout + 30)
    if isinstance(got, str):
        return got
    return "%d|%s|%s" % (got.exit_code, got.stdout.decode().strip(), got.stderr.decode().strip())


def outcome(got):
    """OK, or the name of the gRPC status code the call failed with."""
    return got if isinstance(got, str) else "OK"


def streaming_exec(cid, cmd):
    """Exec through the URL the CRI Exec call returns, as kubectl exec does
    over a websocket (v4.channel.k8s.io: a channel byte before each frame's
    data; channel 3 carries the exit status)."""
    got = call(rt.Exec, cri.ExecRequest(container_id=cid, cmd=cmd, stdout=True, stderr=True))
    if isinstance(got, str):
        return got
    rest = got.url.split("://", 1)[1]
    hostport, path = rest.split("/", 1)
    host, port = hostport.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=20)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(("GET /%s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n"
                  "Sec-WebSocket-Protocol: v4.channel.k8s.io\r\n\r\n" % (path, hostport, key)).encode())
    stream = sock.makefile("rb")
    if b" 101 " not in stream.readline():
        return "no websocket upgrade"
    while stream.readline() not in (b"\r\n", b""):
        pass
    channels = {}
    while True:
        head = stream.read(2)
        if len(head) < 2 or head[0] & 0x0F == 8:   # closed
            break
        size = head[1] & 0x7F
        if size == 126:
            size = int.from_bytes(stream.read(2), "big")
        elif size == 127:
            size = int.from_bytes(stream.read(8), "big")
        data = stream.read(size)
        if data:
            channels[data[0]] = channels.get(data[0], b"") + data[1:]
    sock.close()
    exit_status = json.loads(channels.get(3, b"{}") or b"{}")
    return "%s|%s|%s" % (exit_status.get("status", "?"), channels.get(1, b"").decode().strip(),
                         channels.get(2, b"").decode().strip())


def status(cid):
    got = call(rt.ContainerStatus, cri.ContainerStatusRequest(container_id=cid, verbose=True))
    return None if isinstance(got, str) else got


def host_pid(cid=None, pod=None):
    if pod:
        got = call(rt.PodSandboxStatus, cri.PodSandboxStatusRequest(pod_sandbox_id=pod, verbose=True))
    else:
        got = status(cid)
    if got is None or isinstance(got, str):
        return 0
    return json.loads(got.info.get("info", "{}")).get("pid", 0)


def ns(pid, kind):
    try:
        return os.readlink("/proc/%d/ns/%s" % (pid, kind))
    except OSError:
        return "gone:" + os.urandom(8).hex()   # equal to nothing


def wait_exited(cid, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        st = status(cid)
        if st and st.status.state == cri.CONTAINER_EXITED:
            return st.status
        time.sleep(0.2)
    return None


def cgroup_file(pid, controller, v1_name, v2_name):
    """A cgroup file of the process's cgroup as the host sees it."""
    with open("/proc/%d/cgroup" % pid) as f:
        lines = [line.strip().split(":", 2) for line in f]
    for hid, ctrls, path in lines:
        if controller in ctrls.split(","):
            return open("/sys/fs/cgroup/%s%s/%s" % (ctrls, path, v1_name)).read().strip()
    for hid, ctrls, path in lines:
        if hid == "0" and os.path.exists("/sys/fs/cgroup/cgroup.controllers"):
            return open("/sys/fs/cgroup%s/%s" % (path, v2_name)).read().strip()
    return "none"


def flow_pod_basics():
    pod, pod_config = run_pod("basic")
    record("pod_run", "OK" if pod else "failed")
    if not pod:
        return
    st = call(rt.PodSandboxStatus, cri.PodSandboxStatusRequest(pod_sandbox_id=pod))
    record("pod_state", cri.PodSandboxState.Name(st.status.state) if not isinstance(st, str) else st)
    ip = "" if isinstance(st, str) else st.status.network.ip
    record("pod_ip_from_cni", ip.startswith("10.233."))
    res = cri.LinuxContainerResources(cpu_shares=512, memory_limit_in_bytes=128 << 20)
    c1, started = container(pod, pod_config, "c1",
                            ["sh", "-c", "echo hello-log; echo err-log >&2; exec sleep 3600"], resources=res)
    record("container_start", started)
    st = status(c1)
    record("container_state", cri.ContainerState.Name(st.status.state) if st else "none")
    record("exec_sync", exec_sync(c1, ["sh", "-c", "echo out; echo err >&2; exit 3"]))
    record("streaming_exec", streaming_exec(c1, ["sh", "-c", "echo via-stream; echo e >&2"]))
    record("streaming_exec_failing", streaming_exec(c1, ["sh", "-c", "exit 7"]))
    t0 = time.time()
    timed = exec_sync(c1, ["sleep", "30"], timeout=2)
    record("exec_sync_timeout", "%s within %s" % (timed.split("|")[0], "10s" if time.time() - t0 < 10 else "more"))
    time.sleep(0.5)
    log = open(os.path.join(WORK, "logs", HANDLER, "basic", "c1.log")).read()
    record("log_stdout", " stdout F hello-log" in log)
    record("log_stderr", " stderr F err-log" in log)
    ppid, cpid = host_pid(pod=pod), host_pid(cid=c1)
    for kind in ("net", "ipc", "uts"):
        record("joins_pod_" + kind, ns(ppid, kind) == ns(cpid, kind))
    record("own_pid_ns", ns(ppid, "pid") != ns(cpid, "pid"))
    record("own_mnt_ns", ns(ppid, "mnt") != ns(cpid, "mnt"))
    record("hostname", exec_sync(c1, ["hostname"]))
    record("eth0_has_pod_ip", exec_sync(c1, ["sh", "-c", "ip -4 addr show eth0 | grep -c 'inet %s/'" % ip]))
    record("limits_applied", "%s %s" % (cgroup_file(cpid, "memory", "memory.limit_in_bytes", "memory.max"),
                                         cgroup_file(cpid, "cpu", "cpu.shares", "cpu.weight")))
    stats = call(rt.ContainerStats, cri.ContainerStatsRequest(container_id=c1))
    if isinstance(stats, str):
        record("container_stats", stats)
    else:
        record("container_stats", "cpu>0 %s mem>0 %s" % (stats.stats.cpu.usage_core_nano_seconds.value > 0,
                                                          stats.stats.memory.working_set_bytes.value > 0))
    pstats = call(rt.PodSandboxStats, cri.PodSandboxStatsRequest(pod_sandbox_id=pod))
    record("pod_stats", outcome(pstats))
    upd = cri.LinuxContainerResources(cpu_shares=256, memory_limit_in_bytes=64 << 20,
                                      cpu_period=100000, cpu_quota=50000)
    got = call(rt.UpdateContainerResources, cri.UpdateContainerResourcesRequest(container_id=c1, linux=upd))
    record("update_resources", outcome(got))
    record("limits_updated", "%s %s %s" % (cgroup_file(cpid, "memory", "memory.limit_in_bytes", "memory.max"),
                                            cgroup_file(cpid, "cpu", "cpu.shares", "cpu.weight"),
                                            cgroup_file(cpid, "cpu", "cpu.cfs_quota_us", "cpu.max")))
    t0 = time.time()
    call(rt.StopContainer, cri.StopContainerRequest(container_id=c1, timeout=2))
    st = status(c1)
    record("stop", "%s exit %d reason %s" % (cri.ContainerState.Name(st.status.state), st.status.exit_code,
                                             st.status.reason) if st else "none")
    record("remove", outcome(call(rt.RemoveContainer, cri.RemoveContainerRequest(container_id=c1))))

    c2, started = container(pod, pod_config, "oom", ["sh", "-c", "tail /dev/zero"],
                            resources=cri.LinuxContainerResources(memory_limit_in_bytes=32 << 20))
    st = wait_exited(c2)
    record("oom", "%s exit %d" % (st.reason, st.exit_code) if st else "still running")
    security_contexts(pod, pod_config)
    record("pod_stop_remove", stop_pod(pod))


def security_contexts(pod, pod_config):
    sc = cri.LinuxContainerSecurityContext
    cases = {
        "user": (sc(run_as_user=cri.Int64Value(value=1000), run_as_group=cri.Int64Value(value=1000),
                    supplemental_groups=[2000, 3000]), "id -u; id -g; id -G"),
        "caps": (sc(capabilities=cri.Capability(drop_capabilities=["ALL"], add_capabilities=["NET_ADMIN"])),
                 "grep -E '^Cap(Eff|Bnd|Prm)' /proc/self/status | tr -s '\\t' ' '"),
        "readonly_rootfs": (sc(readonly_rootfs=True), "touch /x 2>/dev/null; echo $?; touch /tmp/x; echo $?"),
        "masked_paths": (sc(), "head -c1 /proc/timer_list | wc -c; echo 1 2>/dev/null >/proc/sys/kernel/shmmni; echo $?"),
        "seccomp_default": (sc(seccomp=cri.SecurityProfile(profile_type=cri.SecurityProfile.RuntimeDefault)),
                            "grep ^Seccomp: /proc/self/status | tr -s '\\t' ' '; unshare -m true 2>&1 | head -c 60"),
        "no_new_privs": (sc(no_new_privs=True), "grep ^NoNewPrivs: /proc/self/status | tr -s '\\t' ' '"),
    }
    for key, (context, script) in cases.items():
        cid, started = container(pod, pod_config, key, ["sleep", "3600"], security=context)
        record("sc_" + key, exec_sync(cid, ["sh", "-c", script]) if started == "OK" else started)
        remove(cid)


def remove(cid):
    if cid:
        call(rt.StopContainer, cri.StopContainerRequest(container_id=cid, timeout=0))
        call(rt.RemoveContainer, cri.RemoveContainerRequest(container_id=cid))


def stop_pod(pod):
    stopped = outcome(call(rt.StopPodSandbox, cri.StopPodSandboxRequest(pod_sandbox_id=pod)))
    removed = outcome(call(rt.RemovePodSandbox, cri.RemovePodSandboxRequest(pod_sandbox_id=pod)))
    return "%s %s" % (stopped, removed)


def flow_pod_pid_and_host_network():
    pod, config = run_pod("pidpod", pid=cri.POD)
    cid, started = container(pod, config, "c", ["sleep", "3600"])
    record("pod_pid_ns_sees_pause", exec_sync(cid, ["sh", "-c", "tr -d '\\0' < /proc/1/cmdline; echo; pidof sleep >/dev/null && echo sleep"]))
    record("pod_pid_ns_shared", ns(host_pid(pod=pod), "pid") == ns(host_pid(cid=cid), "pid"))
    remove(cid)
    stop_pod(pod)
    pod, config = run_pod("hostnet", network=cri.NODE)
    cid, started = container(pod, config, "c", ["sleep", "3600"])
    record("host_network", ns(host_pid(cid=cid), "net") == ns(os.getpid(), "net"))
    remove(cid)
    stop_pod(pod)


def flow_privileged_and_propagation():
    src = os.path.join(WORK, "prop", HANDLER)
    os.makedirs(src, exist_ok=True)
    subprocess.run(["mount", "--bind", src, src], check=True)
    subprocess.run(["mount", "--make-rshared", src], check=True)
    try:
        pod, config = run_pod("priv", privileged=True)
        mounts = [cri.Mount(container_path=path, host_path=src, propagation=mode)
                  for path, mode in (("/private", cri.PROPAGATION_PRIVATE),
                                     ("/h2c", cri.PROPAGATION_HOST_TO_CONTAINER),
                                     ("/bidir", cri.PROPAGATION_BIDIRECTIONAL))]
        cid, started = container(pod, config, "c", ["sleep", "3600"], security=cri.LinuxContainerSecurityContext(
            privileged=True), mounts=mounts)
        record("privileged_start", started)
        record("privileged_caps", exec_sync(cid, ["sh", "-c", "grep ^CapEff /proc/self/status | tr -s '\\t' ' '"]))
        record("privileged_devices", exec_sync(cid, ["sh", "-c", "test -c /dev/kmsg && echo kmsg"]))
        os.makedirs(os.path.join(src, "fromhost"), exist_ok=True)
        subprocess.run(["mount", "-t", "tmpfs", "crl-fromhost", os.path.join(src, "fromhost")], check=True)
        seen = "for d in /private /h2c /bidir; do grep -q \" $d/fromhost \" /proc/self/mountinfo && echo -n \"$d \"; done"
        record("propagation_host_to_container", exec_sync(cid, ["sh", "-c", seen]))
        exec_sync(cid, ["sh", "-c", "mkdir -p /bidir/fromctr && mount -t tmpfs crl-fromctr /bidir/fromctr"])
        exec_sync(cid, ["sh", "-c", "mkdir -p /private/fromctr2 && mount -t tmpfs crl-fromctr2 /private/fromctr2"])
        with open("/proc/self/mountinfo") as f:
            host_mounts = f.read()
        record("propagation_container_to_host", "%s %s" % (" %s/fromctr " % src in host_mounts,
                                                          " %s/fromctr2 " % src in host_mounts))
        remove(cid)
        stop_pod(pod)
    finally:
        subprocess.run(["umount", "-R", src])


for flow in (flow_pod_basics, flow_pod_pid_and_host_network, flow_privileged_and_propagation):
    try:
        flow()
    except Exception as e:  # a flow that breaks is recorded, the rest still run
        record(flow.__name__, "raised %s: %s" % (type(e).__name__, e))
print("\n".join(results))
