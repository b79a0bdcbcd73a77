/*
 * Unit tests for lib/sha256.c against FIPS 180-4's examples ("abc", the
 * 448-bit message, a million 'a'), the empty message, and against the
 * host's sha256sum for random lengths fed in random pieces (every padding
 * case: lengths 0..200 around the 55/56/64-byte edges).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tandem/sha256.h>

static void hex(const uint8_t d[SHA256_DIGEST_LEN], char out[65])
{
	for (unsigned i = 0; i < SHA256_DIGEST_LEN; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

static void check(const void *msg, size_t len, size_t piece, const char *want)
{
	struct sha256 s;
	uint8_t d[SHA256_DIGEST_LEN];
	char got[65];
	const uint8_t *p = msg;

	sha256_init(&s);
	for (size_t off = 0; off < len; off += piece)
		sha256_update(&s, p + off, len - off < piece ? len - off : piece);
	sha256_final(&s, d);
	hex(d, got);
	assert_string_equal(got, want);
}

static void test_fips_examples(void **state)
{
	static char million[1000000];

	check("", 0, 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 3, 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, 7,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	memset(million, 'a', sizeof(million));
	check(million, sizeof(million), 4096,
	      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	check(million, sizeof(million), 1000000,
	      "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* Every length 0..200 in pieces of 1..13 bytes, against sha256sum. */
static void test_against_sha256sum(void **state)
{
	uint8_t buf[200];
	char path[] = "/tmp/tandem-sha-XXXXXX", cmd[96], want[80];

	srand(7);
	for (size_t len = 0; len <= sizeof(buf); len++) {
		int fd = mkstemp(path);
		FILE *f, *p;

		assert_true(fd >= 0);
		for (size_t i = 0; i < len; i++)
			buf[i] = (uint8_t)rand();
		f = fdopen(fd, "wb");
		assert_int_equal(fwrite(buf, 1, len, f), len);
		fclose(f);
		snprintf(cmd, sizeof(cmd), "sha256sum %s", path);
		p = popen(cmd, "r");
		assert_non_null(fgets(want, sizeof(want), p));
		pclose(p);
		remove(path);
		strcpy(path, "/tmp/tandem-sha-XXXXXX");
		want[64] = '\0';
		check(buf, len, 1 + len % 13, want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fips_examples),
		cmocka_unit_test(test_against_sha256sum),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
