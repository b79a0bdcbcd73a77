/*
 * Reading a cpio "newc" archive in memory (the boot bundle): walking its
 * entries and finding a file by name.
 *
 * Layout of one entry: a 110-byte ASCII header ("070701" and thirteen 8-digit
 * hex fields), the name (namesize bytes including its NUL), padding to a
 * multiple of 4 from the archive's start, the data (filesize bytes), padding
 * to 4 again. The entry named "TRAILER!!!" ends the archive. Only the newc
 * magic is accepted: "070702" (newc with checksums) would need the sums
 * verified to mean anything.
 *
 * The archive comes from outside the hypervisor, so every offset is checked
 * against its size before anything is read there, in an order that cannot
 * overflow: a truncated or hostile archive yields -EINVAL, never a read past
 * its end. GNU cpio stores a hard-linked file's data only with its last
 * link; the earlier links read as empty files.
 */
#include <tandem/cpio.h>

#include <errno.h>
#include <string.h>

#define NEWC_MAGIC	"070701"
#define NEWC_HDR_LEN	110
#define NEWC_TRAILER	"TRAILER!!!"

/* Field offsets in the header: each is 8 hex digits after the magic. */
#define NEWC_FIELD(i)	(6 + 8 * (i))
#define NEWC_MODE	NEWC_FIELD(1)
#define NEWC_FILESIZE	NEWC_FIELD(6)
#define NEWC_NAMESIZE	NEWC_FIELD(11)

#define S_IFMT_MASK	0170000
#define S_IFREG_BITS	0100000

/* Eight hex digits (either case); false on anything else. */
static bool hex8(const char *p, uint32_t *out)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		char ch = p[i];
		uint32_t d;

		if (ch >= '0' && ch <= '9')
			d = (uint32_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			d = (uint32_t)(ch - 'a' + 10);
		else if (ch >= 'A' && ch <= 'F')
			d = (uint32_t)(ch - 'A' + 10);
		else
			return false;
		v = v << 4 | d;
	}
	*out = v;
	return true;
}

/*
 * newc pads names and data to 4 bytes. off never exceeds size, the length of
 * something in memory, so off + 3 cannot wrap.
 */
static size_t align4(size_t off)
{
	return (off + 3) & ~(size_t)3;
}

int cpio_next(const void *archive, size_t size, size_t *pos, struct cpio_file *f)
{
	const char *base = archive;
	uint32_t mode, filesize, namesize;
	const char *hdr, *name;
	size_t off, data;

	for (;;) {
		off = *pos;
		if (off > size || size - off < NEWC_HDR_LEN)
			return -EINVAL;	/* truncated, or no trailer */
		hdr = base + off;
		if (memcmp(hdr, NEWC_MAGIC, 6) ||
		    !hex8(hdr + NEWC_MODE, &mode) ||
		    !hex8(hdr + NEWC_FILESIZE, &filesize) ||
		    !hex8(hdr + NEWC_NAMESIZE, &namesize))
			return -EINVAL;

		/* The name and its NUL must fit, with no NUL inside. */
		off += NEWC_HDR_LEN;
		if (namesize == 0 || namesize > size - off)
			return -EINVAL;
		name = base + off;
		if (name[namesize - 1] != '\0' ||
		    strlen(name) != namesize - 1)
			return -EINVAL;
		/* The trailer ends the archive even if its padding was cut. */
		if (!strcmp(name, NEWC_TRAILER))
			return 0;

		/* off + namesize <= size, so aligning cannot overflow. */
		data = align4(off + namesize);
		if (data > size || filesize > size - data)
			return -EINVAL;
		/* The next header may lie beyond size: the next call says so. */
		*pos = align4(data + filesize);

		if ((mode & S_IFMT_MASK) != S_IFREG_BITS)
			continue;
		f->name = name;
		f->data = base + data;
		f->size = filesize;
		return 1;
	}
}

/* GNU `find . | cpio -o` stores names as "./dir/file". */
static const char *strip_dot_slash(const char *name)
{
	return name[0] == '.' && name[1] == '/' ? name + 2 : name;
}

int cpio_find(const void *archive, size_t size, const char *name, struct cpio_file *f)
{
	struct cpio_file cur;
	size_t pos = 0;
	int ret;

	name = strip_dot_slash(name);
	while ((ret = cpio_next(archive, size, &pos, &cur)) == 1) {
		if (!strcmp(strip_dot_slash(cur.name), name)) {
			*f = cur;
			return 0;
		}
	}
	return ret ? ret : -ENOENT;
}
