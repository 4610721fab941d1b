/* crun-lite: the new mount API's constants (Linux 5.2: open_tree,
 * move_mount; 5.12: mount_setattr), for C libraries whose headers predate
 * them.  The calls go through syscall(2). */
#ifndef CRL_MOUNT_API_H
#define CRL_MOUNT_API_H

#include <fcntl.h>
#include <sys/syscall.h>

#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef MOVE_MOUNT_T_EMPTY_PATH
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
/* mount_setattr(2)'s argument (linux/mount.h's struct mount_attr, which
 * older headers lack), under a name of ours so the two never clash. */
struct crl_mount_attr
{
  unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

/* fsopen/fsconfig/fsmount (5.2). */
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#endif
#ifndef FSCONFIG_SET_STRING
#define FSCONFIG_SET_STRING 1
#endif
#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef FSMOUNT_CLOEXEC
#define FSMOUNT_CLOEXEC 0x00000001
#endif
#ifndef MOUNT_ATTR_NOSUID
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#endif

#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

#endif
