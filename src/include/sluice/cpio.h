/*
 * Reading cpio archives in the "newc" format (magic "070701"), the format of
 * Linux initramfs images: each member is a 110-byte ASCII-hex header, the
 * name (NUL-terminated, padded to 4 bytes with the header), then the data
 * (padded to 4 bytes).  The archive ends with a member named "TRAILER!!!".
 */
#ifndef SLUICE_CPIO_H
#define SLUICE_CPIO_H

#include <sluice/types.h>

struct cpio_entry {
	const char *name; /* as stored, NUL-terminated (e.g. "bin/init" or "./bin/init") */
	uint32_t mode; /* file type and permission bits (S_IFREG 0100000, S_IFDIR 0040000, ...) */
	uint32_t uid, gid, nlink, mtime;
	const void *data; /* the member's bytes, inside the archive */
	size_t size;
};

/*
 * The member at *offset (start with 0).  Returns 1 and advances *offset past
 * it, 0 at the trailer, or -EINVAL for a malformed or truncated archive (bad
 * magic, non-hex digits, a name or data running past the end, an
 * unterminated name).
 */
int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *e);

/*
 * Find path (leading "/" and "./" ignored on both sides, so "/bin/init",
 * "bin/init" and "./bin/init" are the same).  Returns 0, -ENOENT, or
 * -EINVAL for a malformed archive before the member was found.
 */
int cpio_find(const void *archive, size_t len, const char *path, struct cpio_entry *e);

#endif
