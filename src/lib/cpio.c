/*
 * cpio "newc" archives: see <sluice/cpio.h>.
 *
 * A member is laid out as
 *
 *	"070701"  13 fields of 8 ASCII hex digits  name NUL  pad  data  pad
 *	|<------------- 110 bytes ------------->|
 *
 * where the name (with its NUL, counted in c_namesize) is padded so the data
 * starts at a multiple of 4 from the start of the archive, and the data is
 * padded so the next header does too.  "070702" is the same with c_check
 * holding a sum of the data bytes; the sum is not verified here.
 *
 * The archive comes from the boot loader and is trusted no further than a
 * file: every length is checked against what is left of it, by subtraction,
 * so no offset arithmetic can wrap.
 */
#include <sluice/cpio.h>
#include <sluice/errno.h>
#include <sluice/string.h>

#define CPIO_MAGIC_LEN 6
#define CPIO_FIELD_LEN 8
#define CPIO_HDR_SIZE  110 /* magic + 13 fields */
#define CPIO_TRAILER   "TRAILER!!!"

/* The fields, in header order. */
enum {
	F_INO,
	F_MODE,
	F_UID,
	F_GID,
	F_NLINK,
	F_MTIME,
	F_FILESIZE,
	F_DEVMAJOR,
	F_DEVMINOR,
	F_RDEVMAJOR,
	F_RDEVMINOR,
	F_NAMESIZE,
	F_CHECK,
	F_COUNT
};

/* Exactly 8 hex digits (no sign, no spaces): -EINVAL otherwise. */
static int cpio_field(const char *p, uint32_t *val)
{
	uint32_t v = 0;

	for (int i = 0; i < CPIO_FIELD_LEN; i++) {
		int d = hex_digit(p[i]);
		if (d < 0)
			return -EINVAL;
		v = v << 4 | (uint32_t)d;
	}
	*val = v;
	return 0;
}

static int cpio_header(const char *h, uint32_t f[F_COUNT])
{
	int err;

	if (memcmp(h, "070701", CPIO_MAGIC_LEN) != 0 && memcmp(h, "070702", CPIO_MAGIC_LEN) != 0)
		return -EINVAL;
	for (int i = 0; i < F_COUNT; i++) {
		err = cpio_field(h + CPIO_MAGIC_LEN + i * CPIO_FIELD_LEN, &f[i]);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Skip n bytes and then the padding to a multiple of 4 after them, from
 * *pos, without going past len.
 */
static int cpio_skip(size_t len, size_t *pos, size_t n)
{
	size_t pad;

	if (n > len - *pos)
		return -EINVAL;
	*pos += n;
	pad = (4 - (*pos & 3)) & 3;
	if (pad > len - *pos)
		return -EINVAL;
	*pos += pad;
	return 0;
}

int cpio_next(const void *archive, size_t len, size_t *offset, struct cpio_entry *e)
{
	const char *base = archive;
	uint32_t f[F_COUNT];
	size_t pos = *offset;
	int err;

	if (pos > len || len - pos < CPIO_HDR_SIZE)
		return -EINVAL;
	err = cpio_header(base + pos, f);
	if (err)
		return err;
	pos += CPIO_HDR_SIZE;
	e->name = base + pos;
	/* The name and its NUL: no NUL before the end, which would hide bytes. */
	if (f[F_NAMESIZE] == 0 || f[F_NAMESIZE] > len - pos ||
	    strnlen(e->name, f[F_NAMESIZE]) != f[F_NAMESIZE] - 1)
		return -EINVAL;
	err = cpio_skip(len, &pos, f[F_NAMESIZE]);
	if (err)
		return err;
	e->data = base + pos;
	e->size = f[F_FILESIZE];
	e->mode = f[F_MODE];
	e->uid = f[F_UID];
	e->gid = f[F_GID];
	e->nlink = f[F_NLINK];
	e->mtime = f[F_MTIME];
	if (e->size > len - pos)
		return -EINVAL;
	if (strcmp(e->name, CPIO_TRAILER) == 0)
		return 0;
	/* The last member's data padding may be cut off: the archive ends anyway. */
	pos += e->size;
	*offset = MIN(ALIGN_UP(pos, 4), len);
	return 1;
}

/* Leading "/" and "./" (any number, in any order), and a lone ".", are the root. */
static const char *cpio_norm(const char *p)
{
	for (;;) {
		if (p[0] == '/')
			p++;
		else if (p[0] == '.' && p[1] == '/')
			p += 2;
		else if (p[0] == '.' && p[1] == '\0')
			p++;
		else
			return p;
	}
}

int cpio_find(const void *archive, size_t len, const char *path, struct cpio_entry *e)
{
	size_t off = 0;
	int ret;

	path = cpio_norm(path);
	while ((ret = cpio_next(archive, len, &off, e)) == 1)
		if (strcmp(cpio_norm(e->name), path) == 0)
			return 0;
	return ret == 0 ? -ENOENT : ret;
}
