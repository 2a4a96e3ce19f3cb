/*
 * TEMPORARY, for the ext2 branch only: the four VFS helpers ext2 calls,
 * until the VFS core (src/fs/vfs.c) is merged.  Delete this file then.
 */
#include <sluice/string.h>
#include <sluice/uaccess.h>
#include <sluice/vfs.h>

int vfs_copy_out(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_to_user(dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

int vfs_copy_in(void *dst, const void *src, size_t n, bool user)
{
	if (user)
		return copy_from_user(dst, src, n);
	memcpy(dst, src, n);
	return 0;
}

int64_t vfs_now(void)
{
	return 0;
}

uint64_t vfs_new_dev(void)
{
	static uint64_t next = 1;

	return next++;
}
