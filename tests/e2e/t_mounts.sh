# Mounts: bind/rbind with flags, tmpfs options, overlay (as a mount and as
# the rootfs), devices, /dev links, sysctl, --no-pivot.

b=$(new_bundle mnt)
cfg "$b" '.root.readonly = false'
host="$T_ROOT/hostdir"; mkdir -p "$host/sub"; echo host-data > "$host/file"
cfg "$b" --arg src "$host" '.mounts += [
  {"destination":"/data/ro","type":"bind","source":$src,"options":["rbind","ro","nosuid","nodev"]},
  {"destination":"/data/rw","type":"none","source":$src,"options":["bind"]},
  {"destination":"/data/onefile","type":"bind","source":($src + "/file"),"options":["bind","ro"]},
  {"destination":"/data/tmp","type":"tmpfs","source":"tmpfs","options":["size=1m","mode=700","noexec"]}]'
args "$b" sh -c 'cat /data/ro/file; { echo x > /data/ro/new; } 2>&1; echo inside > /data/rw/written; cat /data/onefile;
  grep -E " /data/(ro|rw|onefile|tmp) " /proc/self/mountinfo | awk "{print \$5, \$6}"; stat -c %a /data/tmp'
out=$(crl run --bundle "$b" m1)
expect_match "bind: reads the host file" "$out" '^host-data'
expect_match "bind ro: cannot write" "$out" 'Read-only file system'
expect_eq "bind rw: the write reaches the host" "$(cat "$host/written" 2>/dev/null)" inside
expect_match "a file can be bound onto a file" "$(echo "$out" | sed -n 3p)" 'host-data'
expect_match "ro,nosuid,nodev flags applied" "$out" '/data/ro ro,nosuid,nodev'
expect_match "rw bind stays rw" "$out" '/data/rw rw'
expect_match "tmpfs with noexec" "$out" '/data/tmp rw,.*noexec'
expect_match "tmpfs data options (mode=700)" "$(echo "$out" | tail -n 1)" '^700$'
expect_eq "nothing was created on the host" "$(ls "$host" | tr '\n' ' ')" "file sub written "

# overlay as a config mount, and a rootfs that is itself an overlay mount point.
lower="$T_ROOT/ovl/lower"; upper="$T_ROOT/ovl/upper"; work="$T_ROOT/ovl/work"
mkdir -p "$lower" "$upper" "$work"; echo from-lower > "$lower/l"
cfg "$b" --arg o "lowerdir=$lower,upperdir=$upper,workdir=$work" '.mounts += [{"destination":"/ovl","type":"overlay","source":"overlay","options":[$o]}]'
args "$b" sh -c 'cat /ovl/l; echo from-container > /ovl/u'
expect_eq "overlay mount: lower visible" "$(crl run --bundle "$b" m2)" from-lower
expect_eq "overlay mount: writes land in upperdir" "$(cat "$upper/u" 2>/dev/null)" from-container

b2="$T_ROOT/bundles/ovlroot"; mkdir -p "$b2/rootfs" "$T_ROOT/ovl2/upper" "$T_ROOT/ovl2/work"
spec_for_scripts "$b2"
mount -t overlay overlay -o "lowerdir=$BASE_ROOTFS,upperdir=$T_ROOT/ovl2/upper,workdir=$T_ROOT/ovl2/work" "$b2/rootfs"
cfg "$b2" '.root.readonly = false | .process.args = ["sh","-c","echo ovl > /made-here; cat /made-here"]'
expect_eq "a rootfs that is an overlay mount point works" "$(crl run --bundle "$b2" m3)" ovl
expect_eq "its writes land in the overlay's upperdir" "$(cat "$T_ROOT/ovl2/upper/made-here" 2>/dev/null)" ovl
umount "$b2/rootfs"

# devices
cfg "$b" '.linux.devices = [{"path":"/dev/fuse","type":"c","major":10,"minor":229,"fileMode":384,"uid":0,"gid":0},
                            {"path":"/dev/sub/mynull/","type":"c","major":1,"minor":3}]'
args "$b" sh -c 'for d in null zero full random urandom tty fuse sub/mynull; do stat -c "%n %F %t:%T %a" /dev/$d; done;
  for l in fd stdin stdout stderr ptmx; do readlink /dev/$l; done; head -c 4 /dev/zero | wc -c; echo x > /dev/null && echo null-ok'
out=$(crl run --bundle "$b" m4)
for d in "null .* 1:3 666" "zero .* 1:5 666" "full .* 1:7 666" "random .* 1:8 666" "urandom .* 1:9 666" "tty .* 5:0 666"; do
  expect_match "default device /dev/${d%% *}" "$out" "/dev/$d"
done
expect_match "linux.devices node with its mode" "$out" '/dev/fuse character special file a:e5 600'
expect_match "linux.devices node in a new subdirectory (a trailing slash cleaned, as runc)" "$out" '/dev/sub/mynull character special file 1:3 666'
expect_match "/dev links" "$(echo "$out" | grep -A4 '^/proc/self/fd$' | tr '\n' ' ')" '^/proc/self/fd /proc/self/fd/0 /proc/self/fd/1 /proc/self/fd/2 pts/ptmx $'
expect_match "devices work" "$out" 'null-ok'
cfg "$b" '.linux.devices = []'

# sysctl in the container's own namespaces, not the host's.
host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
want=$((1 - host_fwd))
cfg "$b" --arg v "$want" '.linux.sysctl = {"net.ipv4.ip_forward": $v}'
args "$b" cat /proc/sys/net/ipv4/ip_forward
expect_eq "sysctl applied in the container" "$(crl run --bundle "$b" m5)" "$want"
expect_eq "host sysctl unchanged" "$(cat /proc/sys/net/ipv4/ip_forward)" "$host_fwd"
cfg "$b" '.linux.sysctl = {"kernel/../../etc": "x"}'
out=$(crl run --bundle "$b" m6 2>&1); rc=$?
expect_match "a sysctl key with a path in it is refused" "rc=$rc $out" '^rc=1 .*linux.sysctl: invalid key'
cfg "$b" 'del(.linux.sysctl)'

args "$b" sh -c 'cat /proc/self/mountinfo | awk "\$5 == \"/\""'
# A read-only /dev gets its nodes and submounts first, then goes read-only
# with its nosuid/noexec kept (runc); read-only remounts keep nosuid,
# nodev, noexec (/proc/sys); a tmpfs without mode= takes its directory's.
db=$(new_bundle rodev)
mkdir -p "$db/rootfs/t700"; chmod 700 "$db/rootfs/t700"
cfg "$db" '.mounts |= map(if .destination == "/dev" then .options += ["ro"] elif .destination == "/proc" then .options = ["nosuid","noexec","nodev"] else . end)
  | .mounts += [{"destination":"/t700","type":"tmpfs","source":"tmpfs","options":["nosuid"]}]'
args "$db" sh -c 'ls -d /dev/pts /dev/shm /dev/null >/dev/null && echo nodes; touch /dev/x 2>/dev/null && echo dev-rw || echo dev-ro;
  grep " /dev " /proc/self/mountinfo | grep -c "ro,nosuid"; grep " /proc/sys " /proc/self/mountinfo | grep -c "ro,nosuid,nodev,noexec"; stat -c %a /t700'
expect_eq "ro /dev: nodes and submounts made, then read-only with nosuid; /proc/sys ro keeps nosuid,nodev,noexec; tmpfs takes its directory's mode" \
  "$(crl run --bundle "$db" m-rodev 2>&1 | tr '\n' ' ')" "nodes dev-ro 1 1 700 "

# A destination that is a dangling symlink is followed inside the rootfs
# and its target made (runc, crun), absolute or through "..".
sb=$(new_bundle dangling)
ln -s /made/abs "$sb/rootfs/dangle-abs"; ln -s ../../../made/rel "$sb/rootfs/dangle-rel"
cfg "$sb" '.root.readonly = false | .mounts += [{"destination":"/dangle-abs","type":"tmpfs","source":"tmpfs"},{"destination":"/dangle-rel","type":"tmpfs","source":"tmpfs"}]'
args "$sb" sh -c 'grep -c -E " /made/(abs|rel) " /proc/self/mountinfo'
expect_eq "dangling-symlink destinations: targets made and mounted inside the rootfs" \
  "$(crl run --bundle "$sb" m-dangle 2>&1) $(ls -d "$sb"/rootfs/made/abs "$sb"/rootfs/made/rel | wc -l) $(ls -d /made 2>/dev/null | wc -l)" "2 2 0"

# rro: a recursive bind is read-only all the way down (its submounts too).
rsrc="$T_ROOT/rro-src"; mkdir -p "$rsrc/sub"; mount -t tmpfs -o size=1m tmpfs "$rsrc/sub"
rb=$(new_bundle rro)
cfg "$rb" --arg s "$rsrc" '.mounts += [{"destination":"/r","type":"bind","source":$s,"options":["rbind","rro","rnosuid"]},
                                       {"destination":"/p","type":"bind","source":$s,"options":["rbind","ro"]}]'
args "$rb" sh -c 'for d in /r /r/sub /p /p/sub; do touch $d/x 2>/dev/null && echo "$d rw" || echo "$d ro"; done; grep " /r/sub " /proc/self/mountinfo | grep -c nosuid'
if enosys_has mount_setattr; then
  expect_match "rro without mount_setattr (before Linux 5.12): refused, naming what it needs" \
    "$(crl run --bundle "$rb" m-rro 2>&1)" 'mounts\[7\] \(/r\): recursive mount options .*needs Linux 5.12'
else
  expect_eq "rro: every mount below a recursive bind is read-only (ro alone: only the top)" \
    "$(crl run --bundle "$rb" m-rro 2>&1 | tr '\n' ' ')" "/r ro /r/sub ro /p ro /p/sub rw 1 "
fi
umount "$rsrc/sub"
expect_match "--no-pivot: MS_MOVE + chroot" "$(crl run --no-pivot --bundle "$b" m7)" 'bundles/mnt/rootfs / '
# Without pivot_root the host's full procfs and sysfs would stay in the
# container's mount namespace, and the kernel would allow a fresh, unmasked
# procfs inside a user namespace made there; they are detached (runc).
# In a container's own user namespace they are locked: covered, with a warning.
nb=$(new_bundle nopivot-userns)
mkdir -p "$nb/rootfs/mnt"; chown -R 100000:100000 "$nb/rootfs"
cfg "$nb" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .process.args = ["true"]'
out=$(crl run --no-pivot --bundle "$nb" m7u 2>&1); rc=$?
expect_match "--no-pivot in a user namespace: runs, and warns that the host's procfs cannot be detached" "rc=$rc $out" \
  '^rc=0 .*--no-pivot: the host.s /proc cannot be detached in this user namespace'
# Bind sources are opened by the runtime as the host's root (runc): in a
# user namespace whose root cannot search a 0700 directory, a source below
# it still binds, in run and for exec; a relative source is the bundle's.
ub=$(new_bundle userns-binds)
chown -R 100000:100000 "$ub/rootfs"
for d in "$T_ROOT/private-1" "$T_ROOT/private-2" "$ub/rel-src"; do mkdir -p "$d/dir"; echo "${d##*/}" > "$d/dir/foo"; chmod 700 "$d"; done
cfg "$ub" --arg p1 "$T_ROOT/private-1/dir" --arg p2 "$T_ROOT/private-2/dir" '.linux.namespaces += [{"type":"user"}]
  | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .mounts += [{"destination":"/m1","type":"bind","source":$p1,"options":["bind"]},
                {"destination":"/m2","source":$p2,"options":["rbind","ro"]},
                {"destination":"/m3","type":"bind","source":"rel-src/dir","options":["bind"]}]'
args "$ub" sh -c 'cat /m1/foo /m2/foo /m3/foo; touch /m2/x 2>/dev/null || echo ro; grep -c " /m[123] " /proc/self/mountinfo'
expect_eq "user namespace: bind sources below 0700 directories (and one relative to the bundle) are bound" \
  "$(cd / && crl run --bundle "$ub" m-ubind 2>&1 | tr '\n' ' ')" "private-1 private-2 rel-src ro 3 "
args "$ub" sleep 30
crl run -d --bundle "$ub" m-ubind2 >/dev/null 2>&1 </dev/null
expect_eq "user namespace: exec sees the inaccessible binds" "$(crl exec m-ubind2 cat /m1/foo /m2/foo 2>&1 | tr '\n' ' ')" "private-1 private-2 "
crl delete -f m-ubind2 >/dev/null 2>&1
chmod 700 "$T_ROOT/private-1/dir"; chown 100000 "$T_ROOT/private-1/dir/foo"
cfg "$ub" --arg p1 "$T_ROOT/private-1/dir/missing" '.mounts[-3].source = $p1'
args "$ub" true
out=$(crl run --bundle "$ub" m-ubind3 2>&1); rc=$?
expect_match "user namespace: a missing bind source is named" "rc=$rc $out" "^rc=1 .*private-1/dir/missing"
cfg "$b" '.linux.rootfsPropagation = "rprivate"'
args "$b" true
check "rootfsPropagation rprivate" crl run --bundle "$b" m8
expect_no_leftovers "mounts"

# tmpcopyup (podman sends it for /run and /tmp): the tmpfs starts with the
# directory's content, links stay links, nothing is followed out of the rootfs.
b=$(new_bundle copyup)
mkdir -p "$b/rootfs/seed/sub"; echo seeded > "$b/rootfs/seed/sub/f"; chmod 640 "$b/rootfs/seed/sub/f"
chown 1000:1000 "$b/rootfs/seed/sub"; ln -s /etc/shadow "$b/rootfs/seed/escape"; mkfifo "$b/rootfs/seed/fifo"
cfg "$b" '.mounts += [{"destination":"/seed","type":"tmpfs","source":"tmpfs","options":["rw","nosuid","nodev","tmpcopyup"]},
                      {"destination":"/seed-ro","type":"tmpfs","source":"tmpfs","options":["ro","tmpcopyup"]}]'
mkdir -p "$b/rootfs/seed-ro"; echo ro-seed > "$b/rootfs/seed-ro/g"
args "$b" sh -c 'cat /seed/sub/f; stat -c "%a %u" /seed/sub/f /seed/sub; readlink /seed/escape; test -p /seed/fifo && echo fifo;
  grep " /seed " /proc/self/mountinfo | cut -d" " -f9; echo new > /seed/new && echo written; cat /seed-ro/g; touch /seed-ro/x 2>/dev/null || echo ro'
out=$(crl run --bundle "$b" cu1 2>&1)
expect_eq "tmpcopyup: content, modes, owners, links and fifos are copied into the tmpfs" "$(echo $out)" \
  "seeded 640 0 755 1000 /etc/shadow fifo tmpfs written ro-seed ro"
expect_eq "tmpcopyup: the rootfs directory itself is untouched" "$(ls "$b/rootfs/seed" | tr '\n' ' ')" "escape fifo sub "

# Idmapped mounts (runtime-spec 1.2): a host directory owned by root, seen by
# a container whose root is host uid 100000 as its own (ext4, then tmpfs),
# writes landing as host root; a mount's own mappings without a user
# namespace; ridmap reaching an rbind's submounts; refusals.
idsrc="$T_ROOT/idmap-src"; mkdir -p "$idsrc/sub"; echo hostfile > "$idsrc/f"
idtmp="$T_ROOT/idmap-tmpfs"; mkdir -p "$idtmp"; mount -t tmpfs -o size=1m tmpfs "$idtmp"; echo t > "$idtmp/f"
mount -t tmpfs -o size=1m tmpfs "$idsrc/sub"; echo subfile > "$idsrc/sub/s"
ib=$(new_bundle idmap); chown -R 100000:100000 "$ib/rootfs"
cfg "$ib" --arg s "$idsrc" --arg t "$idtmp" '.linux.namespaces += [{"type":"user"}]
  | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .mounts += [{"destination":"/id","type":"bind","source":$s,"options":["rbind","idmap"]},
                {"destination":"/rid","type":"bind","source":$s,"options":["rbind","ridmap"]},
                {"destination":"/plain","type":"bind","source":$s,"options":["rbind"]},
                {"destination":"/tmpfs","type":"bind","source":$t,"options":["bind","idmap"]}]'
args "$ib" sh -c 'stat -c "%n %u:%g" /id/f /id/sub/s /rid/sub/s /plain/f /tmpfs/f; echo w > /id/written; echo w > /tmpfs/written'
out=$(crl run --bundle "$ib" idm1 2>&1); rc=$?
# tmpfs can be idmapped from Linux 6.3; the guests' kernel is older and
# their e2e root (where the sources live) a tmpfs.
kver=$(uname -r); kmaj=${kver%%.*}; kmin=${kver#*.}; kmin=${kmin%%.*}
old_tmpfs=""
if [ "$kmaj" -lt 6 ] || { [ "$kmaj" -eq 6 ] && [ "$kmin" -lt 3 ]; }; then old_tmpfs="tmpfs can be idmapped from Linux 6.3 (this is $kver)"; fi
if enosys_has mount-api || enosys_has mount_setattr; then
  expect_match "idmap without open_tree/mount_setattr (before Linux 5.12): refused, naming what it needs" "rc=$rc $out" \
    '^rc=1 .*mounts\[[0-9]+\] \(/id\): idmap: .*Linux 5.12'
elif [ -n "$old_tmpfs" ]; then
  expect_match "idmap of a tmpfs on a kernel that cannot: refused, naming it" "rc=$rc $out" \
    '^rc=1 crun-lite: mounts\[[0-9]+\] \(/[a-z]+\): idmap: tmpfs \(the filesystem of `[^`]+`\) cannot be idmapped here'
  skip "idmap of ext4 and tmpfs, its writes, the mount's own mappings" "$old_tmpfs"
else
  expect_eq "idmap: the container's root owns the host root's files (ext4 and tmpfs); idmap maps only the top of an rbind, ridmap all of it; a plain bind shows nobody" \
    "rc=$rc $(echo $out)" "rc=0 /id/f 0:0 /id/sub/s 65534:65534 /rid/sub/s 0:0 /plain/f 65534:65534 /tmpfs/f 0:0"
  expect_eq "idmap: its writes land as the host's root" "$(stat -c %u:%g "$idsrc/written" "$idtmp/written" | tr '\n' ' ')" "0:0 0:0 "
  nb=$(new_bundle idmap-own)
  cfg "$nb" --arg s "$idsrc" '.mounts += [{"destination":"/id","type":"bind","source":$s,"options":["bind","idmap"],
      "uidMappings":[{"containerID":0,"hostID":1000,"size":1}],"gidMappings":[{"containerID":0,"hostID":2000,"size":1}]}]'
  args "$nb" stat -c %u:%g /id/f
  expect_eq "idmap with the mount's own mappings, no user namespace: host 0 is seen as 1000:2000" "$(crl run --bundle "$nb" idm2 2>&1)" "1000:2000"
  cfg "$nb" '.mounts[-1].source = "/sys/kernel"'
  out=$(crl run --bundle "$nb" idm3 2>&1); rc=$?
  expect_match "idmap of a filesystem the kernel cannot idmap: refused, naming it" "rc=$rc $out" \
    '^rc=1 crun-lite: mounts\[[0-9]+\] \(/id\): idmap: sysfs \(the filesystem of `/sys/kernel`\) cannot be idmapped here'
fi
nb=$(new_bundle idmap-nouserns)
cfg "$nb" --arg s "$idsrc" '.mounts += [{"destination":"/id","type":"bind","source":$s,"options":["bind","idmap"]}]'
out=$(crl run --bundle "$nb" idm4 2>&1); rc=$?
expect_match "idmap without mappings or a user namespace: refused, naming the mount" "rc=$rc $out" \
  "^rc=1 crun-lite: mounts\[[0-9]+\] \(/id\): idmap without uidMappings/gidMappings uses the container's user namespace"
umount "$idsrc/sub" "$idtmp"
expect_no_leftovers "idmapped mounts"

# A tmpfs without mode= over a directory the runtime makes keeps tmpfs'
# own 1777 (runc issue 4971); over a directory of the image, its mode.
mb=$(new_bundle mounts-1-3)
mkdir -p "$mb/rootfs/image-dir"; chmod 0750 "$mb/rootfs/image-dir"
cfg "$mb" '.mounts += [{"destination":"/made-here","type":"tmpfs","source":"tmpfs"},{"destination":"/image-dir","type":"tmpfs","source":"tmpfs"}]
  | .process.args = ["stat", "-c", "%a", "/made-here", "/image-dir"]'
expect_eq "tmpfs on a made destination is 1777, on an image directory its mode" "$(crl run --bundle "$mb" tmpmode 2>&1 | tr '\n' ' ')" "1777 750 "
# A path listed twice in maskedPaths is masked once.
cfg "$mb" '.linux.maskedPaths = ["/proc/timer_list", "/proc/timer_list", "/proc/keys", "/proc/keys"] | .process.args = ["sh", "-c", "grep -c -E \" /proc/(timer_list|keys) \" /proc/self/mountinfo"]'
expect_eq "a path listed twice in maskedPaths is masked once" "$(crl run --bundle "$mb" maskdup 2>&1)" 2
# 256 masks (engines mask every CPU's thermal_throttle): all applied.
cfg "$mb" '.linux.maskedPaths = [range(256) | "/masked/d\(.)"] | .process.args = ["sh", "-c", "grep -c \" /masked/d\" /proc/self/mountinfo"]'
mkdir -p "$mb/rootfs/masked"; for i in $(seq 0 255); do mkdir -p "$mb/rootfs/masked/d$i"; done
expect_eq "256 masked paths are all masked" "$(crl run --bundle "$mb" mask256 2>&1)" 256
expect_no_leftovers "mounts (runtime-spec 1.3)"

# Bidirectional propagation (Kubernetes' mountPropagation: Bidirectional,
# CSI node plugins): a bind of a shared host mount with rshared, under
# rootfsPropagation rshared, is a peer of the host's mount, so a mount made
# in the container appears on the host; nothing of the container's own
# setup does.
bidi="$T_ROOT/bidi"; mkdir -p "$bidi"
mount --bind "$bidi" "$bidi" && mount --make-shared "$bidi"
host_group=$(awk -v m="$bidi" '$5 == m { for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) print $i }' /proc/self/mountinfo)
bb=$(new_bundle bidi)
cfg "$bb" --arg s "$bidi" '.linux.rootfsPropagation = "rshared" | .mounts += [{"destination":"/vol","type":"bind","source":$s,"options":["rbind","rshared"]}]
  | .process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])
  | .process.args = ["sh", "-c", "mkdir -p /vol/sub && mount -t tmpfs crl-bidi /vol/sub && grep \" /vol \" /proc/self/mountinfo; sleep 2"]'
sys_mounts () { awk '$5 ~ /^\/(sys|proc|dev)(\/|$)/' /proc/self/mountinfo | wc -l; }
host_mounts=$(sys_mounts)
out=$(crl run --bundle "$bb" bidi1 2>&1)
expect_match "rshared volume under rootfsPropagation rshared: the host's peer group inside (runc)" "$out" " $host_group( |$)"
expect_eq "... a mount made in the container appears on the host" "$(awk -v m="$bidi/sub" '$5 == m' /proc/self/mountinfo | wc -l)" 1
umount "$bidi/sub" 2>/dev/null
expect_eq "... and nothing of the container's own setup reached the host (below the rootfs, /sys, /proc, /dev)" \
  "$(grep -c "$bb/rootfs" /proc/self/mountinfo) $(sys_mounts)" "0 $host_mounts"
umount "$bidi"
expect_no_leftovers "bidirectional propagation"

# Bind flags as runc 1.2+ sets them: exactly what the options ask for, the
# source's own dropped; in a user namespace, a flag the kernel has locked
# cannot be cleared, and asking to is an error.
fsrc="$T_ROOT/flagged-src"; mkdir -p "$fsrc"
mount -t tmpfs -o nosuid,nodev,noexec crl-flagged "$fsrc"
fb=$(new_bundle bind-flags)
opts_of () { awk '$5 == "/m" { print $6 }' | tr ',' '\n' | grep -E '^(ro|rw|nosuid|nodev|noexec)$' | sort | tr '\n' ' '; }
cfg "$fb" --arg s "$fsrc" '.mounts += [{"destination":"/m","type":"bind","source":$s,"options":["bind","dev"]}] | .process.args = ["cat", "/proc/self/mountinfo"]'
expect_eq "bind,dev of a nosuid,nodev,noexec source: exactly rw (runc 1.2+)" "$(crl run --bundle "$fb" bf1 2>&1 | opts_of)" "rw "
cfg "$fb" --arg s "$fsrc" '.mounts[-1].options = ["bind","ro"]'
expect_eq "bind,ro of it: exactly ro" "$(crl run --bundle "$fb" bf2 2>&1 | opts_of)" "ro "
cfg "$fb" --arg s "$fsrc" '.mounts[-1].options = ["rbind"]'
expect_eq "rbind without flags: the source's stay" "$(crl run --bundle "$fb" bf3 2>&1 | opts_of)" "nodev noexec nosuid rw "
mount -o remount,ro "$fsrc"
chown -R 100000:100000 "$fb/rootfs"
cfg "$fb" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .mounts[-1].options = ["bind","rw"]'
out=$(crl run --bundle "$fb" bf4 2>&1); rc=$?
expect_match "in a user namespace, bind,rw of a read-only source fails (runc), not silently ro" "rc=$rc $out" \
  "^rc=1 crun-lite: mounts\\[[0-9]+\\] \\(/m\\): remount ./m.: the source's mount has flags this user namespace cannot clear \\( ro\\)"
cfg "$fb" '.mounts[-1].options = ["bind","nodev"]'
expect_eq "in a user namespace, the locked flags stay where not asked to go" "$(crl run --bundle "$fb" bf5 2>&1 | opts_of)" "nodev noexec nosuid ro "
umount "$fsrc"
expect_no_leftovers "bind flags"

# Mount order (runc's tests): a bind whose source lies inside the rootfs,
# under a mount an earlier entry makes, binds what that mount put there,
# with and without a user namespace.
ob=$(new_bundle mount-order)
cfg "$ob" --arg r "$ob/rootfs" '.root.readonly = false | .mounts += [{"source":"tmpfs","destination":"/tmp/foo","type":"tmpfs","options":["rw"]},
  {"source":($r + "/tmp/foo"),"destination":"/tmp/bar","type":"bind","options":["bind"]}]
  | .process.args = ["sh", "-c", "touch /tmp/foo/made && ls /tmp/bar"]'
expect_eq "mount order: a bind of a path an earlier mount made" "$(crl run --bundle "$ob" order1 2>&1)" made
chown -R 100000:100000 "$ob/rootfs"
cfg "$ob" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
expect_eq "mount order: the same in a user namespace" "$(crl run --bundle "$ob" order2 2>&1)" made
expect_no_leftovers "mount order"

# Propagation flags hold on idmapped mounts (and on every mount: the old
# root is made a slave through its own fd, no longer through "." after
# pivot_root, which turned the new tree into slaves).
pb=$(new_bundle idmap-propagation)
psrc="$T_ROOT/idmap-prop-src"; mkdir -p "$psrc"
chown -R 100000:100000 "$pb/rootfs"
cfg "$pb" --arg s "$psrc" '.linux.namespaces += [{"type":"user"}] | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}] | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
  | .mounts += [{"destination":"/a","type":"bind","source":$s,"options":["rbind","idmap","rshared"]},
                {"destination":"/b","type":"bind","source":$s,"options":["rbind","idmap","runbindable"]}]
  | .process.args = ["sh", "-c", "awk '"'"'$5 == \"/a\" || $5 == \"/b\" { print $5, $7 }'"'"' /proc/self/mountinfo"]'
if enosys_has mount-api || enosys_has mount_setattr; then
  skip "propagation flags on idmapped mounts" "idmapped mounts need the mount API, missing in this stage"
elif [ -n "$old_tmpfs" ] && [ "$(stat -f -c %T "$psrc")" = tmpfs ]; then
  skip "propagation flags on idmapped mounts" "$old_tmpfs, and the source is on one"
else
  out=$(crl run --bundle "$pb" idprop 2>&1)
  expect_match "idmapped mount with rshared is shared (runc)" "$out" '^/a shared:[0-9]+$'
  expect_match "idmapped mount with runbindable is unbindable" "$out" '/b unbindable'
fi
expect_no_leftovers "idmapped propagation"
