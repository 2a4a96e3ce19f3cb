/*
 * Host tests for the fuzzer's reading of /proc/mounts
 * (userland/fuzz/mount_line.c): the mount point is the second field, also
 * when the source is empty, with the \ooo escapes Linux writes (and Sluice
 * since finding 19 of robustness.md) turned back.  The lines are as
 * Debian's Linux 6.12 wrote them in the conformance case
 * system/mount-names-escaped.
 */
#include <stdio.h>
#include <string.h>

#include "../../userland/fuzz/mount_line.h"
#include "host_stubs.h"

static void expect(const char *line, const char *want)
{
	char dir[64];

	CHECK(fz_mount_point(line, dir, sizeof(dir)));
	if (strcmp(dir, want)) {
		printf("line \"%s\": mount point \"%s\", want \"%s\"\n", line, dir, want);
		CHECK(!"the right mount point");
	}
}

int main(void)
{
	char small[8];

	expect("tmpfs /tmp/fuzz-s tmpfs rw 0 0\n", "/tmp/fuzz-s");
	expect("/dev/vda /mnt ext2 rw 0 0", "/mnt");
	/* an empty source: the type is not the mount point (finding 19) */
	expect(" /tmp/fuzz-s ramfs rw 0 0\n", "/tmp/fuzz-s");
	expect("my\\040src\\134 /t/s\\040p\\011q\\012r\\134 tmpfs rw 0 0\n", "/t/s p\tq\nr\\");
	/* a backslash not followed by three octal digits stays */
	expect("none /a\\9b\\04 ramfs rw 0 0", "/a\\9b\\04");
	/* no second field, or one that does not fit */
	CHECK(!fz_mount_point("none\n/x ramfs", small, sizeof(small)));
	CHECK(!fz_mount_point("", small, sizeof(small)));
	CHECK(!fz_mount_point("none  ramfs", small, sizeof(small)));
	CHECK(!fz_mount_point("none /12345678 ramfs", small, sizeof(small)));
	CHECK(fz_mount_point("none /123456 ramfs", small, sizeof(small)));
	CHECK(!strcmp(small, "/123456"));
	printf("test_fuzz_mount_line: ok\n");
	return 0;
}
