/*
 * Host tests for the tmpfs and ramfs mount-option parser
 * (src/fs/tmpfs_opts.c).  The answers are Linux 6.12's (Debian's kernel,
 * checked through busybox mount in the conformance cases system/tmpfs-*):
 * sizes with suffixes and %, C-style numbers, the options' errors, and
 * what /proc/mounts shows.
 */
#include <string.h>

#include <sluice/errno.h>
#include <sluice/tmpfs.h>

#include "host_stubs.h"

#define RAM 65536 /* pages: 256 MiB */

static struct tmpfs_opts parse_ok(const char *data)
{
	struct tmpfs_opts o = tmpfs_default_opts(RAM);

	CHECK_EQ(tmpfs_parse_options(data, true, RAM, &o), 0);
	return o;
}

static void sizes(void)
{
	CHECK_EQ(parse_ok("size=1m").max_pages, 256);
	CHECK_EQ(parse_ok("size=1M").max_pages, 256);
	CHECK_EQ(parse_ok("size=64k").max_pages, 16);
	CHECK_EQ(parse_ok("size=8191").max_pages, 2); /* rounded up */
	CHECK_EQ(parse_ok("size=0x100000").max_pages, 256);
	CHECK_EQ(parse_ok("size=010").max_pages, 1); /* octal 8 bytes */
	CHECK_EQ(parse_ok("size=3g").max_pages, 3ull << 18);
	CHECK_EQ(parse_ok("size=50%").max_pages, RAM / 2);
	CHECK_EQ(parse_ok("size=1%,size=64k").max_pages, 16); /* the last wins */
	CHECK_EQ(parse_ok("size=0").max_pages, 0);	      /* no limit */
	CHECK_EQ(parse_ok("nr_blocks=10").max_pages, 10);
	CHECK_EQ(parse_ok("nr_inodes=2k").max_inodes, 2048);
	CHECK_EQ(parse_ok(NULL).max_pages, RAM / 2);
	CHECK_EQ(parse_ok("").max_inodes, RAM / 2);
}

static void owner_and_words(void)
{
	struct tmpfs_opts o = parse_ok("mode=700,uid=12,gid=0x22");

	CHECK_EQ(o.mode, 0700);
	CHECK_EQ(o.uid, 12);
	CHECK_EQ(o.gid, 0x22);
	CHECK_EQ(parse_ok("mode=41777").mode, 01777); /* the type bits go */
	CHECK_EQ(parse_ok("size=1m,,mode=755").mode, 0755);
	parse_ok("huge=never,huge=within_size,inode32,noswap");
	parse_ok("inode64,rw,ro,sync,async,lazytime,source=x");
}

static void errors(void)
{
	static const char
		*const
			bad[] =
				{
					"size=1x",	  "size=",
					"size",		  "size=1mb",
					"size=-1",	  "foo=1",
					"nr_inodes=1q",	  "mode=9",
					"mode=",	  "mode",
					"uid=-1",	  "uid=4294967295",
					"huge=sometimes", "inode64=1",
					"size=1,5", /* a comma then a digit stays in the value */
				};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tmpfs_opts o = tmpfs_default_opts(RAM);
		int err = tmpfs_parse_options(bad[i], true, RAM, &o);
		if (err != -EINVAL) {
			fprintf(stderr, "tmpfs -o %s: %d, want -EINVAL\n", bad[i], err);
			exit(1);
		}
	}
}

/* ramfs takes mode= and ignores everything else. */
static void ramfs(void)
{
	struct tmpfs_opts o = {.mode = 0755};

	CHECK_EQ(tmpfs_parse_options("foo=bar,size=1x,mode=711,nosuid", false, RAM, &o), 0);
	CHECK_EQ(o.mode, 0711);
	CHECK_EQ(o.max_pages, 0);
	CHECK_EQ(tmpfs_parse_options("mode=9", false, RAM, &o), -EINVAL);
}

static void show(void)
{
	struct tmpfs_opts d = tmpfs_default_opts(RAM), o = parse_ok("size=1m,mode=700,uid=12");
	char buf[96];

	CHECK_EQ(tmpfs_show_options(&d, &d, buf, sizeof(buf)), 0);
	CHECK(!strcmp(buf, ""));
	tmpfs_show_options(&o, &d, buf, sizeof(buf));
	CHECK(!strcmp(buf, ",size=1024k,mode=700,uid=12"));
	o = parse_ok("nr_inodes=3,gid=5");
	tmpfs_show_options(&o, &d, buf, sizeof(buf));
	CHECK(!strcmp(buf, ",nr_inodes=3,gid=5"));
	CHECK_EQ(tmpfs_show_options(&o, &d, buf, 4), (int)strlen(",nr_inodes=3,gid=5"));
	CHECK_EQ(strlen(buf), 3); /* cut, and terminated */
}

int main(void)
{
	sizes();
	owner_and_words();
	errors();
	ramfs();
	show();
	printf("test_tmpfs_opts: ok\n");
	return 0;
}
