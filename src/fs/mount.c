/*
 * Setting up the name space at boot, and mount(2)/umount2(2).
 *
 * At boot the root is a ramfs filled from the initramfs, with /dev (device
 * nodes for the console, tty, null, zero, the disk and the real-time clocks;
 * the fd, stdin, stdout and stderr links), /proc, /mnt and /tmp
 * made if the archive lacks them, and /proc mounted.  init mounts the rest
 * (docs/filesystems.md).
 */
#include <sluice/blk.h>
#include <sluice/cred.h>
#include <sluice/errno.h>
#include <sluice/exec.h>
#include <sluice/ext2.h>
#include <sluice/mm.h>
#include <sluice/panic.h>
#include <sluice/printk.h>
#include <sluice/rtc.h>
#include <sluice/string.h>
#include <sluice/syscall.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>
#include <sluice/vfs_internal.h>

struct super_block *ramfs_create_sb(const char *type);
int ramfs_mount_sb(const char *type, const char *data, struct super_block **out);
int ramfs_unpack(struct super_block *sb, const void *archive, size_t len);
struct super_block *procfs_create_sb(void);

/* Make a directory or node at path (kernel string) unless it exists. */
static int make_node(const char *path, uint32_t mode, uint32_t rdev)
{
	char last[NAME_MAX + 1];
	struct inode *dir, *old;
	bool slash;
	int err = vfs_lookup_parent(AT_FDCWD, path, &dir, last, &slash);

	if (err)
		return err;
	if (!vfs_lookup_in(dir, last, &old)) {
		vfs_put(old);
		err = 0;
	} else if (S_ISDIR(mode)) {
		err = dir->ops->mkdir(dir, last, strlen(last), mode & 07777);
	} else {
		err = dir->ops->mknod(dir, last, strlen(last), mode, rdev);
	}
	vfs_put(dir);
	return err;
}

/* A ramfs holding the device nodes, for /dev (Linux calls it devtmpfs). */
static struct super_block *devtmpfs_create_sb(void)
{
	struct super_block *sb = ramfs_create_sb("devtmpfs");
	const struct {
		const char *name;
		uint32_t mode, rdev;
	} nodes[] = {
		{"console", S_IFCHR | 0620, DEV_CONSOLE}, {"tty", S_IFCHR | 0666, DEV_TTY},
		{"null", S_IFCHR | 0666, DEV_NULL},	  {"zero", S_IFCHR | 0666, DEV_ZERO},
		{"full", S_IFCHR | 0666, DEV_FULL},	  {"random", S_IFCHR | 0666, DEV_RANDOM},
		{"urandom", S_IFCHR | 0666, DEV_URANDOM}, {"vda", S_IFBLK | 0660, DEV_VDA},
	};

	for (size_t i = 0; sb && i < ARRAY_SIZE(nodes); i++) {
		if (nodes[i].rdev == DEV_VDA && !blk_present())
			continue;
		int err = sb->root->ops->mknod(sb->root, nodes[i].name, strlen(nodes[i].name),
					       nodes[i].mode, nodes[i].rdev);
		if (err)
			printk("fs: cannot make /dev/%s: error %d\n", nodes[i].name, err);
	}
	/* The real-time clocks the drivers registered; root's alone, as Linux's devtmpfs. */
	for (unsigned int i = 0; sb && i < rtc_count(); i++) {
		char name[16];
		snprintf(name, sizeof(name), "rtc%u", i);
		int err = sb->root->ops->mknod(sb->root, name, strlen(name), S_IFCHR | 0600,
					       MKDEV(RTC_MAJOR, i));
		if (err)
			printk("fs: cannot make /dev/%s: error %d\n", name, err);
	}
	/* The fds of the process that looks, through /proc, as udev makes them. */
	static const char *const links[][2] = {
		{"fd", "/proc/self/fd"},
		{"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"},
		{"stderr", "/proc/self/fd/2"},
	};
	for (size_t i = 0; sb && i < ARRAY_SIZE(links); i++) {
		int err = sb->root->ops->symlink(sb->root, links[i][0], strlen(links[i][0]),
						 links[i][1]);
		if (err)
			printk("fs: cannot make /dev/%s: error %d\n", links[i][0], err);
	}
	return sb;
}

/* Mount a fresh file system of type on path at boot; complain if it fails. */
static void boot_mount(struct super_block *sb, const char *source, const char *path)
{
	if (!sb || vfs_mount_sb(sb, path, source))
		printk("fs: cannot mount %s on %s\n", source, path);
}

void fs_init(void)
{
	struct super_block *root = ramfs_create_sb("rootfs");
	const void *archive;
	size_t len;

	if (!root)
		panic("fs_init: no memory for the root file system");
	vfs_set_root(root);
	if (initramfs_get(&archive, &len))
		ramfs_unpack(root, archive, len);
	else
		printk("fs: no initramfs: the root is empty\n");
	const struct {
		const char *path;
		uint32_t mode, rdev;
	} nodes[] = {
		{"/dev", S_IFDIR | 0755, 0},
		{"/proc", S_IFDIR | 0555, 0},
		{"/mnt", S_IFDIR | 0755, 0},
		{"/tmp", S_IFDIR | 01777, 0},
	};
	for (size_t i = 0; i < ARRAY_SIZE(nodes); i++) {
		int err = make_node(nodes[i].path, nodes[i].mode, nodes[i].rdev);
		if (err)
			printk("fs: cannot make %s: error %d\n", nodes[i].path, err);
	}
	boot_mount(devtmpfs_create_sb(), "devtmpfs", "/dev");
	boot_mount(procfs_create_sb(), "proc", "/proc");
	shmem_init(); /* after the mounts: their st_dev numbers stay as they were */
}

/* The disk the source path names: 0 if it is /dev/vda's node. */
static int check_source(const char *source)
{
	struct inode *ino;
	int err = vfs_lookup(AT_FDCWD, source, true, &ino);

	if (err)
		return err;
	if (!S_ISBLK(ino->mode))
		err = -ENOTBLK;
	else if (ino->rdev != DEV_VDA || !blk_present())
		err = -ENXIO;
	vfs_put(ino);
	return err;
}

/*
 * mount(2)'s data: file-system options as text, at most a page of it, as
 * Linux copies it (NULL data: no options).  ext2, proc and devtmpfs ignore
 * it, as Linux's ext2 mostly would not; tmpfs and ramfs parse it.
 */
static int mount_options(const void __user *udata, char **out)
{
	long n;

	*out = NULL;
	if (!udata)
		return 0;
	if (!(*out = kmalloc(PAGE_SIZE)))
		return -ENOMEM;
	n = strncpy_from_user(*out, udata, PAGE_SIZE);
	if (n == -ENAMETOOLONG)
		(*out)[PAGE_SIZE - 1] = '\0'; /* Linux reads one page and no more */
	else if (n < 0)
		return (int)n;
	return 0;
}

#define MS_RDONLY  1
#define MS_REMOUNT 32

/*
 * One mount(2) or umount2(2) at a time: the disk may be mounted once, and
 * an umount of it must have written it back before it is mounted again.
 */
static struct mutex mount_op_lock = MUTEX_INIT;

long sys_mount(const char __user *usource, const char __user *utarget, const char __user *utype,
	       unsigned long flags, const void __user *udata)
{
	char *target = NULL, *path = NULL, *data = NULL, type[16];
	const char *source = NULL; /* what /proc/mounts will show */
	struct super_block *sb = NULL;
	long err = user_path(utarget, &target);

	mutex_lock(&mount_op_lock);
	if (!err && (flags & MS_REMOUNT)) {
		/* Only the read-only bit changes: source and type are ignored,
		 * as Linux ignores them. */
		err = vfs_remount(target, flags & MS_RDONLY);
		mutex_unlock(&mount_op_lock);
		kfree(target);
		return err;
	}
	if (!err) {
		err = strncpy_from_user(type, utype, sizeof(type));
		if (err == -ENAMETOOLONG)
			err = -ENODEV; /* no file system type has so long a name */
	}
	if (err >= 0 && !cred_capable(cred_current()))
		err = -EPERM; /* CAP_SYS_ADMIN */
	if (err >= 0 && !strcmp(type, "ext2")) {
		err = user_path(usource, &path);
		source = path;
		if (!err)
			err = check_source(source);
		if (!err) {
			for (int i = 0; i < MOUNT_MAX; i++)
				if (mounts[i].sb && !strcmp(mounts[i].sb->type, "ext2"))
					err = -EBUSY; /* one disk, mounted once */
		}
		if (!err)
			err = ext2_mount(&sb, flags & MS_RDONLY);
	} else if (err >= 0 && !strcmp(type, "devtmpfs")) {
		source = "devtmpfs";
		sb = devtmpfs_create_sb();
		err = sb ? 0 : -ENOMEM;
	} else if (err >= 0 && !strcmp(type, "proc")) {
		source = "proc";
		sb = procfs_create_sb();
		err = sb ? 0 : -ENOMEM;
	} else if (err >= 0 && (!strcmp(type, "tmpfs") || !strcmp(type, "ramfs"))) {
		/* The source names nothing: /proc/mounts shows what was given
		 * ("none", "tmpfs", any string up to PATH_MAX), "none" for
		 * NULL; a bad pointer is EFAULT and a longer string EINVAL, as
		 * Linux's strndup_user(source, PATH_MAX). */
		source = "none";
		err = 0;
		if (usource) {
			err = user_path(usource, &path);
			err = err == -ENAMETOOLONG ? -EINVAL : err;
			source = path;
		}
		if (!err)
			err = mount_options(udata, &data);
		if (!err)
			err = ramfs_mount_sb(!strcmp(type, "tmpfs") ? "tmpfs" : "ramfs", data, &sb);
	} else if (err >= 0) {
		err = -ENODEV;
	}
	if (!err) {
		err = vfs_mount_sb(sb, target, source);
		if (err) {
			inode_put(sb->root);
			if (sb->ops && sb->ops->put_super)
				sb->ops->put_super(sb);
		}
	}
	mutex_unlock(&mount_op_lock);
	kfree(data);
	kfree(path);
	kfree(target);
	return err < 0 ? err : 0;
}

long sys_umount2(const char __user *utarget, int flags)
{
	char *target;
	long err;

	if (flags & ~2) /* MNT_DETACH and friends: not supported */
		return -EINVAL;
	err = user_path(utarget, &target);
	if (err)
		return err;
	if (!cred_capable(cred_current())) {
		kfree(target);
		return -EPERM; /* CAP_SYS_ADMIN */
	}
	mutex_lock(&mount_op_lock);
	err = vfs_umount(target);
	mutex_unlock(&mount_op_lock);
	kfree(target);
	return err;
}
