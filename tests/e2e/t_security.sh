# A hostile rootfs and config must not reach the host: mount destinations
# through symlinks stay inside the rootfs; no runtime fd reaches the
# container; /dev/null used for masking is the real one.

b=$(new_bundle sec)
cfg "$b" '.root.readonly = false'
victim="$T_ROOT/victim"; mkdir -p "$victim"; echo precious > "$victim/keep"
src="$T_ROOT/secsrc"; mkdir -p "$src"; echo mounted > "$src/marker"

# Absolute, relative-escaping and dangling symlinks as mount destinations.
ln -s "$victim" "$b/rootfs/abs-link"
ln -s "../../../../../../../../$victim" "$b/rootfs/rel-link"
ln -s "$victim/newdir" "$b/rootfs/dangling"
cfg "$b" --arg s "$src" '.mounts += [
  {"destination":"/abs-link","type":"bind","source":$s,"options":["bind"]},
  {"destination":"/rel-link/sub","type":"bind","source":$s,"options":["bind"]},
  {"destination":"/../../../escape","type":"tmpfs","source":"tmpfs"}]'
args "$b" sh -c 'cat /abs-link/marker; cat /rel-link/sub/marker; grep -c " /escape " /proc/self/mountinfo'
out=$(crl run --bundle "$b" s1 2>&1)
expect_eq "absolute/relative symlinks and .. in destinations resolve inside the rootfs" "$(echo "$out" | tr '\n' ' ')" "mounted mounted 1 "
expect_eq "the host directory the links point at is untouched" "$(ls -A "$victim" | tr '\n' ' ')" "keep "
# (/rel-link/sub resolves to the path /abs-link's bind now covers: its
# directory is made in that volume, which is where the container sees it.)
expect_eq "the mounts landed inside the rootfs" "$(ls -d "$b/rootfs$victim" "$src/sub" "$b/rootfs/escape" 2>/dev/null | wc -l)" 3
cfg "$b" --arg s "$src" '.mounts += [{"destination":"/dangling","type":"bind","source":$s,"options":["bind"]}]'
args "$b" cat /dangling/marker
expect_eq "a dangling symlink as a destination: its target is made inside the rootfs" "$(crl run --bundle "$b" s2 2>&1)" mounted
expect_eq "nothing created on the host through the dangling link" "$(ls -A "$victim" | tr '\n' ' ')" "keep "
expect_eq "the target was created inside the container's view (the volume at that path)" "$(ls -d "$src/newdir" 2>/dev/null | wc -l)" 1
expect_no_leftovers "symlink destinations"
cfg "$b" '.mounts |= map(select(.destination != "/abs-link" and .destination != "/rel-link/sub" and .destination != "/dangling" and .destination != "/../../../escape"))'

# A device path through a symlink out of the rootfs stays inside.
ln -s "$victim" "$b/rootfs/devlink"
cfg "$b" '.linux.devices = [{"path":"/devlink/evilnull","type":"c","major":1,"minor":3}]'
args "$b" true
crl run --bundle "$b" s3 >/dev/null 2>&1
expect_eq "linux.devices through a symlink never creates a host node" "$(ls -A "$victim" | tr '\n' ' ')" "keep "
cfg "$b" '.linux.devices = []'

# /dev is a symlink in the image: device setup still stays inside.
b2=$(new_bundle devlink)
cfg "$b2" '.mounts |= map(select(.destination | startswith("/dev") | not)) | .root.readonly = false'
rm -rf "$b2/rootfs/dev"; ln -s "$victim" "$b2/rootfs/dev"
args "$b2" true
crl run --bundle "$b2" s4 >/dev/null 2>&1
expect_eq "a rootfs whose /dev links to a host dir: host dir untouched" "$(ls -A "$victim" | tr '\n' ' ')" "keep "

# No runtime fd reaches the container: extra fds from the caller are closed,
# and cwd through /proc/self/fd/N finds nothing of the host's.
exec 7<"$victim/keep" 8<"$T_ROOT"
args "$b" sh -c 'ls /proc/self/fd | sort -n | tr "\n" " "'
expect_eq "only stdio is open in the container (fds of the caller are not passed)" "$(crl run --bundle "$b" s5 </dev/null)" "0 1 2 3 "
for fd in 3 4 5 6 7 8 9; do
  cfg "$b" --arg c "/proc/self/fd/$fd" '.process.cwd = $c'
  out=$(crl run --bundle "$b" s6 2>&1 </dev/null); rc=$?
  if [ $rc -ne 0 ]; then ok "cwd /proc/self/fd/$fd cannot reach the host"
  else not_ok "cwd /proc/self/fd/$fd cannot reach the host" "$out"; fi
done
exec 7<&- 8<&-
cfg "$b" '.process.cwd = "/"'

# The masking source must be the real null device.
b3=$(new_bundle fakenull)
cfg "$b3" '.mounts |= map(select(.destination != "/dev")) | .root.readonly = false'
args "$b3" sh -c 'cat /proc/timer_list | wc -c'
out=$(crl run --bundle "$b3" s7 2>&1)
expect_eq "masking uses the null device the runtime made" "$out" 0
expect_no_leftovers "security"
