/*
 * Tests for lib/cpio.c.
 *
 * Real archives come from the system's GNU cpio (`cpio -o -H newc`) run over
 * a temporary tree. GNU cpio drops the "./" that `find .` puts in front of
 * names, so archives with that prefix (other tools keep it) are written here
 * byte by byte, like the hostile ones. Every archive handed to the
 * parser sits in a malloc block of exactly its size, so AddressSanitizer
 * reports any read past its end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <tandem/cpio.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define HDR_LEN		110
#define TRAILER_NAME	"TRAILER!!!"
#define MODE_REG	0100644
#define MODE_DIR	0040755
#define MODE_LNK	0120777
#define MODE_CHR	0020644
#define IMAGE_SIZE	1001	/* not a multiple of 4: the padding matters */

/* --- archives written here -------------------------------------------------- */

struct ar {
	unsigned char buf[16384];
	size_t len;
};

static void ar_put(struct ar *a, const void *d, size_t n)
{
	if (!n)
		return;
	assert_true(a->len + n <= sizeof(a->buf));
	memcpy(a->buf + a->len, d, n);
	a->len += n;
}

static void ar_pad(struct ar *a)
{
	static const unsigned char zero[3];

	ar_put(a, zero, (4 - a->len % 4) % 4);
}

/*
 * One entry with the header fields given, whatever the name and data really
 * are: the hostile tests lie in namesize and filesize.
 */
static void ar_entry_raw(struct ar *a, const char *magic, uint32_t mode,
			 const char *name, uint32_t namesize,
			 const void *data, size_t datalen, uint32_t filesize)
{
	char hdr[HDR_LEN + 1];

	snprintf(hdr, sizeof(hdr),
		 "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 magic, 1u, mode, 0u, 0u, 1u, 0u, filesize, 0u, 0u, 0u, 0u,
		 namesize, 0u);
	assert_int_equal(strlen(hdr), HDR_LEN);
	ar_put(a, hdr, HDR_LEN);
	ar_put(a, name, strlen(name) + 1);
	ar_pad(a);
	ar_put(a, data, datalen);
	ar_pad(a);
}

static void ar_entry(struct ar *a, uint32_t mode, const char *name,
		     const void *data, size_t size)
{
	ar_entry_raw(a, "070701", mode, name, (uint32_t)strlen(name) + 1,
		     data, size, (uint32_t)size);
}

static void ar_file(struct ar *a, const char *name, const char *text)
{
	ar_entry(a, MODE_REG, name, text, strlen(text));
}

static void ar_trailer(struct ar *a)
{
	ar_entry(a, 0, TRAILER_NAME, NULL, 0);
}

/* A copy in a block of exactly len bytes (ASan guards its end). */
static unsigned char *exact(const void *p, size_t len)
{
	unsigned char *copy = malloc(len ? len : 1);

	assert_non_null(copy);
	memcpy(copy, p, len);
	return copy;
}

/*
 * cpio_next over a len-byte prefix of a, in an exact-size block that is gone
 * on return: of *f, only f->size may be looked at.
 */
static int next_in(const struct ar *a, size_t len, size_t *pos,
		   struct cpio_file *f)
{
	unsigned char *copy = exact(a->buf, len);
	int ret = cpio_next(copy, len, pos, f);

	free(copy);
	return ret;
}

static int find_in(const struct ar *a, size_t len, const char *name)
{
	unsigned char *copy = exact(a->buf, len);
	struct cpio_file f;
	int ret = cpio_find(copy, len, name, &f);

	free(copy);
	return ret;
}

/* Overwrite header field i (0 = c_ino) of the entry at off. */
static void poke_field(struct ar *a, size_t off, int i, const char *hex8)
{
	memcpy(a->buf + off + 6 + 8 * i, hex8, 8);
}

#define FIELD_MODE	1
#define FIELD_FILESIZE	6
#define FIELD_NAMESIZE	11

/* --- archives from GNU cpio -------------------------------------------------- */

struct tree {
	char root[64];		/* mkdtemp: holds tree/ and the archives */
	char tree[96];
	unsigned char image[IMAGE_SIZE];
	unsigned char *found;	/* `find . | cpio`, with "." itself */
	size_t found_len;
	unsigned char *listed;	/* `find linux configs empty link | cpio` */
	size_t listed_len;
};

static void write_file(const char *dir, const char *rel, const void *d,
		       size_t n)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(d, 1, n, fp), n);
	assert_int_equal(fclose(fp), 0);
}

static void make_dir(const char *dir, const char *rel)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* The whole file in a malloc block of exactly its size. */
static unsigned char *read_whole(const char *path, size_t *len)
{
	unsigned char *p;
	FILE *fp;
	long n;

	fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	n = ftell(fp);
	assert_true(n > 0);
	rewind(fp);
	p = malloc((size_t)n);
	assert_non_null(p);
	assert_int_equal(fread(p, 1, (size_t)n, fp), (size_t)n);
	fclose(fp);
	*len = (size_t)n;
	return p;
}

static unsigned char *run_cpio(const struct tree *t, const char *find_args,
			       const char *out, size_t *len)
{
	char cmd[512], path[160];

	snprintf(path, sizeof(path), "%s/%s", t->root, out);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && find %s | LC_ALL=C sort | cpio -o -H newc --quiet > '%s'",
		 t->tree, find_args, path);
	if (system(cmd) != 0)
		fail_msg("failed: %s", cmd);
	return read_whole(path, len);
}

static int tree_setup(void **state)
{
	struct tree *t;
	char cmd[256];
	int i;

	*state = NULL;
	if (system("command -v cpio >/dev/null 2>&1") != 0) {
		print_message("cpio is not installed (Debian package 'cpio'): "
			      "the tests on real archives are skipped\n");
		return 0;
	}
	t = calloc(1, sizeof(*t));
	assert_non_null(t);
	snprintf(t->root, sizeof(t->root), "/tmp/tandem-cpio-XXXXXX");
	assert_non_null(mkdtemp(t->root));
	snprintf(t->tree, sizeof(t->tree), "%s/tree", t->root);
	assert_int_equal(mkdir(t->tree, 0755), 0);

	for (i = 0; i < IMAGE_SIZE; i++)
		t->image[i] = (unsigned char)(i * 7 + 3);
	make_dir(t->tree, "linux");
	make_dir(t->tree, "configs");
	write_file(t->tree, "linux/Image", t->image, sizeof(t->image));
	write_file(t->tree, "linux/initramfs.cpio.gz", "gz", 2);
	write_file(t->tree, "configs/linux.dtb", "dtb!", 4);
	write_file(t->tree, "empty", "", 0);
	snprintf(cmd, sizeof(cmd), "ln -s linux/Image '%s/link'", t->tree);
	assert_int_equal(system(cmd), 0);

	t->found = run_cpio(t, ".", "found.cpio", &t->found_len);
	t->listed = run_cpio(t, "linux configs empty link", "listed.cpio",
			     &t->listed_len);
	*state = t;
	return 0;
}

static int tree_teardown(void **state)
{
	struct tree *t = *state;
	char cmd[128];

	if (!t)
		return 0;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->root);
	if (system(cmd) != 0)
		print_message("could not remove %s\n", t->root);
	free(t->found);
	free(t->listed);
	free(t);
	return 0;
}

static const struct tree *need_tree(void **state)
{
	if (!*state) {
		print_message("skipped: no cpio tool\n");
		skip();
	}
	return *state;
}

static void expect_file(const struct cpio_file *f, const void *data,
			size_t size)
{
	assert_int_equal(f->size, size);
	if (size)
		assert_memory_equal(f->data, data, size);
}

/* --- real archives ------------------------------------------------------------ */

static void check_tree_find(const struct tree *t, const unsigned char *ar,
			    size_t len)
{
	struct cpio_file f;

	memset(&f, 0, sizeof(f));
	assert_int_equal(cpio_find(ar, len, "linux/Image", &f), 0);
	assert_string_equal(f.name, "linux/Image");
	expect_file(&f, t->image, IMAGE_SIZE);

	assert_int_equal(cpio_find(ar, len, "linux/initramfs.cpio.gz", &f), 0);
	expect_file(&f, "gz", 2);
	assert_int_equal(cpio_find(ar, len, "configs/linux.dtb", &f), 0);
	expect_file(&f, "dtb!", 4);
	assert_int_equal(cpio_find(ar, len, "empty", &f), 0);
	assert_int_equal(f.size, 0);

	/* A "./" in the name asked for is dropped too. */
	assert_int_equal(cpio_find(ar, len, "./configs/linux.dtb", &f), 0);
	expect_file(&f, "dtb!", 4);

	/* Directories and symlinks are not files; partial names do not match. */
	assert_int_equal(cpio_find(ar, len, "linux", &f), -ENOENT);
	assert_int_equal(cpio_find(ar, len, "link", &f), -ENOENT);
	assert_int_equal(cpio_find(ar, len, "linux/Imag", &f), -ENOENT);
	assert_int_equal(cpio_find(ar, len, "linux/Image2", &f), -ENOENT);
	assert_int_equal(cpio_find(ar, len, "Image", &f), -ENOENT);
	assert_int_equal(cpio_find(ar, len, "", &f), -ENOENT);
}

static void test_find_found(void **state)
{
	const struct tree *t = need_tree(state);

	check_tree_find(t, t->found, t->found_len);
}

static void test_find_listed(void **state)
{
	const struct tree *t = need_tree(state);

	check_tree_find(t, t->listed, t->listed_len);
}

/* Iteration yields the regular files, in archive order, and nothing else. */
static void test_iterate_found(void **state)
{
	static const char *const want[] = {
		"configs/linux.dtb", "empty", "linux/Image",
		"linux/initramfs.cpio.gz",
	};
	const struct tree *t = need_tree(state);
	struct cpio_file f;
	size_t pos = 0, end;
	unsigned int n = 0;
	int ret;

	while ((ret = cpio_next(t->found, t->found_len, &pos, &f)) == 1) {
		assert_true(n < ARRAY_SIZE(want));
		assert_string_equal(f.name, want[n]);
		n++;
	}
	assert_int_equal(ret, 0);
	assert_int_equal(n, ARRAY_SIZE(want));

	/* At the end it stays at the end. */
	end = pos;
	assert_int_equal(cpio_next(t->found, t->found_len, &pos, &f), 0);
	assert_int_equal(pos, end);
}

/*
 * Every prefix of a real archive: the parser must never read past it, and
 * must report -EINVAL until the prefix holds the whole trailer name.
 */
static void test_every_truncation(void **state)
{
	const struct tree *t = need_tree(state);
	size_t pos = 0, trailer_end, len;
	struct cpio_file f;
	unsigned int files, full_files = 0;
	int ret;

	while ((ret = cpio_next(t->found, t->found_len, &pos, &f)) == 1)
		full_files++;
	assert_int_equal(ret, 0);
	trailer_end = pos + HDR_LEN + sizeof(TRAILER_NAME);
	assert_true(trailer_end <= t->found_len);

	for (len = 0; len <= t->found_len; len++) {
		unsigned char *copy = exact(t->found, len);

		pos = 0;
		files = 0;
		while ((ret = cpio_next(copy, len, &pos, &f)) == 1) {
			files++;
			assert_true(files <= full_files);
		}
		if (len >= trailer_end) {
			if (ret != 0)
				fail_msg("prefix of %zu bytes: %d, want 0",
					 len, ret);
			assert_int_equal(files, full_files);
		} else if (ret != -EINVAL) {
			fail_msg("prefix of %zu bytes: %d, want -EINVAL",
				 len, ret);
		}
		free(copy);
	}
}

/* --- archives written here ---------------------------------------------------- */

/* Names and data of every length mod 4, so each padding case is walked. */
static void build_mixed(struct ar *a)
{
	a->len = 0;
	ar_entry(a, MODE_DIR, ".", NULL, 0);
	ar_file(a, "a", "1");
	ar_file(a, "ab", "22");
	ar_entry(a, MODE_DIR, "dir", NULL, 0);
	ar_file(a, "abc", "333");
	ar_entry(a, MODE_LNK, "sym", "a", 1);
	ar_entry(a, MODE_CHR, "dev", NULL, 0);
	ar_file(a, "abcd", "4444");
	ar_file(a, "./abcde", "55555");
	ar_trailer(a);
}

static void test_crafted_walk(void **state)
{
	static const char *const names[] = { "a", "ab", "abc", "abcd", "./abcde" };
	static const char *const data[] = { "1", "22", "333", "4444", "55555" };
	unsigned char *copy;
	struct cpio_file f;
	struct ar a;
	size_t pos = 0;
	unsigned int i;

	build_mixed(&a);
	copy = exact(a.buf, a.len);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		assert_int_equal(cpio_next(copy, a.len, &pos, &f), 1);
		assert_string_equal(f.name, names[i]);
		expect_file(&f, data[i], strlen(data[i]));
		assert_int_equal(pos % 4, 0);
	}
	assert_int_equal(cpio_next(copy, a.len, &pos, &f), 0);

	assert_int_equal(cpio_find(copy, a.len, "abcde", &f), 0);
	expect_file(&f, "55555", 5);
	assert_int_equal(cpio_find(copy, a.len, "ab", &f), 0);
	expect_file(&f, "22", 2);
	assert_int_equal(cpio_find(copy, a.len, "dir", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, "sym", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, "dev", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, ".", &f), -ENOENT);
	free(copy);
}

/*
 * Names as `find . | bsdcpio` and other tools store them: "./" goes on
 * neither side of the comparison, and "." itself is a directory.
 */
static void test_find_dot_slash(void **state)
{
	unsigned char *copy;
	struct cpio_file f;
	struct ar a = { .len = 0 };

	ar_entry(&a, MODE_DIR, ".", NULL, 0);
	ar_entry(&a, MODE_DIR, "./linux", NULL, 0);
	ar_file(&a, "./linux/Image", "kernel");
	ar_file(&a, "linux/initrd", "ramdisk");
	ar_file(&a, "././twice", "2");
	ar_trailer(&a);
	copy = exact(a.buf, a.len);

	assert_int_equal(cpio_find(copy, a.len, "linux/Image", &f), 0);
	assert_string_equal(f.name, "./linux/Image");
	expect_file(&f, "kernel", 6);
	assert_int_equal(cpio_find(copy, a.len, "./linux/Image", &f), 0);
	expect_file(&f, "kernel", 6);
	assert_int_equal(cpio_find(copy, a.len, "./linux/initrd", &f), 0);
	expect_file(&f, "ramdisk", 7);
	/* One "./" is stripped, not a path normalisation. */
	assert_int_equal(cpio_find(copy, a.len, "twice", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, "./twice", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, "././twice", &f), 0);
	assert_int_equal(cpio_find(copy, a.len, "linux", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, ".", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, "./", &f), -ENOENT);
	assert_int_equal(cpio_find(copy, a.len, "/linux/Image", &f), -ENOENT);
	free(copy);
}

/* Upper- and lower-case hex are both hex. */
static void test_lowercase_hex(void **state)
{
	struct cpio_file f;
	struct ar a = { .len = 0 };
	size_t pos = 0;

	ar_file(&a, "x", "data");
	ar_trailer(&a);
	poke_field(&a, 0, FIELD_MODE, "000081a4");
	poke_field(&a, 0, FIELD_NAMESIZE, "00000002");
	assert_int_equal(next_in(&a, a.len, &pos, &f), 1);
	assert_int_equal(f.size, 4);
}

static void test_empty_archive(void **state)
{
	struct cpio_file f;
	size_t pos = 0;
	unsigned char byte = 0;

	assert_int_equal(cpio_next(&byte, 0, &pos, &f), -EINVAL);
	assert_int_equal(cpio_find(&byte, 0, "x", &f), -EINVAL);
}

static void test_trailer_only(void **state)
{
	struct cpio_file f;
	struct ar a = { .len = 0 };
	size_t pos = 0;

	ar_trailer(&a);
	assert_int_equal(next_in(&a, a.len, &pos, &f), 0);
	assert_int_equal(pos, 0);
	assert_int_equal(find_in(&a, a.len, "x"), -ENOENT);
}

static void test_pos_past_end(void **state)
{
	struct cpio_file f;
	struct ar a = { .len = 0 };
	size_t pos;

	ar_file(&a, "x", "1");
	ar_trailer(&a);
	pos = a.len + 4;
	assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
	pos = (size_t)-1;
	assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
}

/* --- hostile archives --------------------------------------------------------- */

static void test_bad_magic(void **state)
{
	static const char *const magics[] = { "070707", "070702", "070700",
					      "07070 ", "\0\0\0\0\0\0" };
	struct cpio_file f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(magics); i++) {
		struct ar a = { .len = 0 };
		size_t pos = 0;

		ar_entry_raw(&a, "070701", MODE_REG, "x", 2, "1", 1, 1);
		ar_trailer(&a);
		memcpy(a.buf, magics[i], 6);
		assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
		assert_int_equal(find_in(&a, a.len, "x"), -EINVAL);
	}
}

static void test_truncated_header(void **state)
{
	struct cpio_file f;
	struct ar a = { .len = 0 };
	size_t pos, len;

	ar_file(&a, "x", "1");
	ar_trailer(&a);
	for (len = 0; len < HDR_LEN; len++) {
		pos = 0;
		assert_int_equal(next_in(&a, len, &pos, &f), -EINVAL);
		assert_int_equal(find_in(&a, len, "x"), -EINVAL);
	}
}

/* A header field that is not 8 hex digits. */
static void test_bad_hex(void **state)
{
	static const char *const bad[] = { "0000G1A4", " 00081A4", "0x0081A4",
					   "000081A-" };
	struct cpio_file f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		static const int fields[] = { FIELD_MODE, FIELD_FILESIZE,
					      FIELD_NAMESIZE };
		unsigned int j;

		for (j = 0; j < ARRAY_SIZE(fields); j++) {
			struct ar a = { .len = 0 };
			size_t pos = 0;

			ar_file(&a, "x", "1");
			ar_trailer(&a);
			poke_field(&a, 0, fields[j], bad[i]);
			assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
		}
	}
}

static void test_namesize_past_end(void **state)
{
	static const uint32_t sizes[] = { 0x100, 0x7fffffff, 0xffffffff };
	struct cpio_file f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct ar a = { .len = 0 };
		size_t pos = 0;

		ar_entry_raw(&a, "070701", MODE_REG, "x", sizes[i], "1", 1, 1);
		assert_true(a.len < (size_t)sizes[i] + HDR_LEN);
		assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
		assert_int_equal(find_in(&a, a.len, "x"), -EINVAL);
	}

	/* Exactly one byte past the end: the NUL is missing. */
	{
		struct ar a = { .len = 0 };
		size_t pos = 0;

		ar_entry_raw(&a, "070701", MODE_REG, "abc", 4, NULL, 0, 0);
		assert_int_equal(next_in(&a, HDR_LEN + 3, &pos, &f), -EINVAL);
		pos = 0;
		/* The whole name is there but it is not the trailer: data
		 * offset (aligned) passes the end. */
		assert_int_equal(next_in(&a, HDR_LEN + 4, &pos, &f), -EINVAL);
	}
}

static void test_bad_name(void **state)
{
	struct cpio_file f;
	struct ar a;
	size_t pos;

	/* namesize 0: not even the NUL */
	a.len = 0;
	ar_entry_raw(&a, "070701", MODE_REG, "x", 0, "1", 1, 1);
	ar_trailer(&a);
	pos = 0;
	assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);

	/* namesize stops before the NUL */
	a.len = 0;
	ar_entry_raw(&a, "070701", MODE_REG, "abc", 3, "1", 1, 1);
	ar_trailer(&a);
	pos = 0;
	assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);

	/* a NUL inside the name: "ab\0\0\0" */
	a.len = 0;
	ar_entry_raw(&a, "070701", MODE_REG, "ab", 5, "1", 1, 1);
	ar_trailer(&a);
	pos = 0;
	assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);

	/* a trailer name with a NUL inside is no trailer either */
	a.len = 0;
	ar_entry_raw(&a, "070701", 0, TRAILER_NAME, sizeof(TRAILER_NAME) + 1,
		     NULL, 0, 0);
	pos = 0;
	assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
}

static void test_filesize_past_end(void **state)
{
	static const char *const sizes[] = { "00000100", "7FFFFFFF",
					     "FFFFFFFF" };
	struct cpio_file f;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct ar a = { .len = 0 };
		size_t pos = 0;

		ar_file(&a, "x", "12345");
		ar_trailer(&a);
		poke_field(&a, 0, FIELD_FILESIZE, sizes[i]);
		assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
		assert_int_equal(find_in(&a, a.len, "x"), -EINVAL);
	}

	/* One byte too many, no trailer to hide it. */
	{
		struct ar a = { .len = 0 };
		size_t pos = 0;

		ar_file(&a, "x", "1234");
		assert_int_equal(a.len % 4, 0);
		assert_int_equal(next_in(&a, a.len, &pos, &f), 1);
		poke_field(&a, 0, FIELD_FILESIZE, "00000005");
		pos = 0;
		assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
	}

	/* A skipped directory lies about its size too. */
	{
		struct ar a = { .len = 0 };
		size_t pos = 0;

		ar_entry(&a, MODE_DIR, "d", NULL, 0);
		ar_file(&a, "x", "1");
		ar_trailer(&a);
		poke_field(&a, 0, FIELD_FILESIZE, "FFFFFFF0");
		assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);
		assert_int_equal(find_in(&a, a.len, "x"), -EINVAL);
	}
}

static void test_missing_trailer(void **state)
{
	struct cpio_file f;
	struct ar a = { .len = 0 };
	size_t pos = 0;

	ar_file(&a, "one", "1");
	ar_file(&a, "two", "22");
	assert_int_equal(next_in(&a, a.len, &pos, &f), 1);
	assert_int_equal(next_in(&a, a.len, &pos, &f), 1);
	assert_int_equal(pos, a.len);
	assert_int_equal(next_in(&a, a.len, &pos, &f), -EINVAL);

	/* Found before the damage: fine. Not found: the damage is the news. */
	assert_int_equal(find_in(&a, a.len, "two"), 0);
	assert_int_equal(find_in(&a, a.len, "three"), -EINVAL);
}

/* Garbage after the trailer is never looked at. */
static void test_stops_at_trailer(void **state)
{
	struct cpio_file f;
	struct ar a = { .len = 0 };
	size_t pos = 0;

	ar_file(&a, "one", "1");
	ar_trailer(&a);
	memset(a.buf + a.len, 0xff, 64);
	a.len += 64;
	assert_int_equal(next_in(&a, a.len, &pos, &f), 1);
	assert_int_equal(next_in(&a, a.len, &pos, &f), 0);
	assert_int_equal(find_in(&a, a.len, "two"), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find_found),
		cmocka_unit_test(test_find_listed),
		cmocka_unit_test(test_iterate_found),
		cmocka_unit_test(test_find_dot_slash),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_crafted_walk),
		cmocka_unit_test(test_lowercase_hex),
		cmocka_unit_test(test_empty_archive),
		cmocka_unit_test(test_trailer_only),
		cmocka_unit_test(test_pos_past_end),
		cmocka_unit_test(test_bad_magic),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_bad_hex),
		cmocka_unit_test(test_namesize_past_end),
		cmocka_unit_test(test_bad_name),
		cmocka_unit_test(test_filesize_past_end),
		cmocka_unit_test(test_missing_trailer),
		cmocka_unit_test(test_stops_at_trailer),
	};

	return cmocka_run_group_tests(tests, tree_setup, tree_teardown);
}
