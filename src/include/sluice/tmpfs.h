/*
 * tmpfs and ramfs mount options (src/fs/tmpfs_opts.c): the text mount(2)'s
 * data argument carries ("size=1m,nr_inodes=100,mode=1777"), parsed as
 * Linux's shmem and ramfs parse it.  Pure logic, tested on the host.
 */
#ifndef SLUICE_TMPFS_H
#define SLUICE_TMPFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tmpfs_opts {
	uint64_t max_pages;  /* data pages the file system may hold; 0: no limit */
	uint64_t max_inodes; /* inodes (and extra hard links); 0: no limit */
	uint32_t mode;	     /* of the root directory, 07777 bits */
	uint32_t uid, gid;   /* the root directory's owner */
};

/* Linux's defaults for a tmpfs on a machine of total_pages pages of RAM:
 * half of it for data, as many inodes as that, a root of mode 1777. */
struct tmpfs_opts tmpfs_default_opts(uint64_t total_pages);

/*
 * Parse data (NULL or a NUL-terminated list of comma-separated options)
 * into *o, which holds the defaults on entry.  strict: tmpfs, where an
 * unknown option or a bad value is -EINVAL; otherwise ramfs, which takes
 * only mode= (a bad one is -EINVAL) and ignores everything else, as
 * Linux's ramfs does.  total_pages is what size=N% is a share of.
 */
int tmpfs_parse_options(const char *data, bool strict, uint64_t total_pages, struct tmpfs_opts *o);

/* The options /proc/mounts shows after "rw": those that differ from the
 * defaults d, each with a leading comma ("" when none).  Returns the length
 * the text would have, as snprintf. */
int tmpfs_show_options(const struct tmpfs_opts *o, const struct tmpfs_opts *d, char *buf,
		       size_t size);

#endif
