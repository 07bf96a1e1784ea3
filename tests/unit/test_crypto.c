/*
 * test_crypto.c: unit tests for lib/crypto.c.
 *
 * HMAC-SHA256 is checked against published vectors: RFC 4231's test
 * cases (1, 2, 3, 4, 6, 7) and the example of Mux's webhook guide
 * (secret "SuperSecret123" over "<t>.<body>").  Since the function
 * MACs the concatenation of two parts, every vector is also split at
 * every position, which is how webhook code calls it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#include "unit.h"

struct hcase {
	const char	*name;
	const unsigned char *key;
	size_t		 klen;
	const unsigned char *msg;
	size_t		 mlen;
	const char	*hex;
};

static unsigned char	 k0b[20], kaa20[20], kaa131[131], k0125[25];
static unsigned char	 mdd[50], mcd[50];

static void
test_hmac(void)
{
	static const char m6[] =
	    "Test Using Larger Than Block-Size Key - Hash Key First";
	static const char m7[] =
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.";
	static const char mux[] = "1565125718.{\"test\":\"body\"}";
	static const char fox[] =
	    "The quick brown fox jumps over the lazy dog";
	const struct hcase cases[] = {
	{ "RFC 4231 case 1", k0b, sizeof(k0b),
	    (const unsigned char *)"Hi There", 8,
	    "b0344c61d8db38535ca8afceaf0bf12b"
	    "881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 case 2", (const unsigned char *)"Jefe", 4,
	    (const unsigned char *)"what do ya want for nothing?", 28,
	    "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 case 3", kaa20, sizeof(kaa20), mdd, sizeof(mdd),
	    "773ea91e36800e46854db8ebd09181a7"
	    "2959098b3ef8c122d9635514ced565fe" },
	{ "RFC 4231 case 4", k0125, sizeof(k0125), mcd, sizeof(mcd),
	    "82558a389a443c0ea4cc819899f2083a"
	    "85f0faa3e578f8077a2e3ff46729665b" },
	{ "RFC 4231 case 6", kaa131, sizeof(kaa131),
	    (const unsigned char *)m6, sizeof(m6) - 1,
	    "60e431591ee0b67f0d8a26aacbf5b77f"
	    "8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 case 7", kaa131, sizeof(kaa131),
	    (const unsigned char *)m7, sizeof(m7) - 1,
	    "9b09ffa71b942fcb27635fbcd5b0e944"
	    "bfdc63644f0713938a7f51535c3a35e2" },
	{ "Mux webhook guide", (const unsigned char *)"SuperSecret123", 14,
	    (const unsigned char *)mux, sizeof(mux) - 1,
	    "854ece4c22acef7c66b57d4e504153bc"
	    "512595e8e9c772ece2a68150548c19a7" },
	{ "quick brown fox", (const unsigned char *)"key", 3,
	    (const unsigned char *)fox, sizeof(fox) - 1,
	    "f7bc83f430538424b13298e6aa6fb143"
	    "ef4d59a14946175997479dbc2d1a3cd8" },
	};
	char	 out[CRYPTO_SHA256_HEX], *copy;
	size_t	 i, cut;
	int	 ok;

	for (i = 0; i < sizeof(k0b); i++)
		k0b[i] = 0x0b;
	memset(kaa20, 0xaa, sizeof(kaa20));
	memset(kaa131, 0xaa, sizeof(kaa131));
	for (i = 0; i < sizeof(k0125); i++)
		k0125[i] = (unsigned char)(i + 1);
	memset(mdd, 0xdd, sizeof(mdd));
	memset(mcd, 0xcd, sizeof(mcd));

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct hcase *t = &cases[i];

		/* Whole message as a, as b. */
		memset(out, 'X', sizeof(out));
		CHECK(crypto_hmac_sha256_hex(t->key, t->klen, t->msg,
		    t->mlen, NULL, 0, out) == 0);
		if (strcmp(out, t->hex) != 0)
			fprintf(stderr, "%s: %s\n", t->name, out);
		CHECK_STR(out, t->hex);
		memset(out, 'X', sizeof(out));
		CHECK(crypto_hmac_sha256_hex(t->key, t->klen, "", 0, t->msg,
		    t->mlen, out) == 0);
		CHECK_STR(out, t->hex);

		/* Split at every position. */
		ok = 1;
		for (cut = 0; cut <= t->mlen; cut++) {
			memset(out, 'X', sizeof(out));
			if (crypto_hmac_sha256_hex(t->key, t->klen, t->msg,
			    cut, t->msg + cut, t->mlen - cut, out) != 0 ||
			    strcmp(out, t->hex) != 0)
				ok = 0;
		}
		CHECK(ok);

		/* One flipped bit in the message or key changes the MAC. */
		if ((copy = malloc(t->mlen)) != NULL) {
			memcpy(copy, t->msg, t->mlen);
			copy[t->mlen - 1] ^= 1;
			CHECK(crypto_hmac_sha256_hex(t->key, t->klen, copy,
			    t->mlen, NULL, 0, out) == 0);
			CHECK(strcmp(out, t->hex) != 0);
			CHECK(strlen(out) == 64);
			free(copy);
		}
		if ((copy = malloc(t->klen)) != NULL) {
			memcpy(copy, t->key, t->klen);
			copy[0] ^= 0x80;
			CHECK(crypto_hmac_sha256_hex(copy, t->klen, t->msg,
			    t->mlen, NULL, 0, out) == 0);
			CHECK(strcmp(out, t->hex) != 0);
			free(copy);
		}
	}

	/* The Mux signed string as webhook code builds it: "t" "." body. */
	CHECK(crypto_hmac_sha256_hex("SuperSecret123", 14, "1565125718.", 11,
	    "{\"test\":\"body\"}", 15, out) == 0);
	CHECK_STR(out,
	    "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7");
	/* Another timestamp is another MAC (the replay window relies on it). */
	CHECK(crypto_hmac_sha256_hex("SuperSecret123", 14, "1565125719.", 11,
	    "{\"test\":\"body\"}", 15, out) == 0);
	CHECK(strcmp(out, "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ec"
	    "e2a68150548c19a7") != 0);
	/* An empty key and message: HMAC-SHA256("", ""). */
	memset(out, 'X', sizeof(out));
	CHECK(crypto_hmac_sha256_hex("", 0, "", 0, "", 0, out) == 0);
	CHECK_STR(out,
	    "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
	/* Many calls in a row reuse the fetched MAC and stay right. */
	ok = 1;
	for (i = 0; i < 200; i++)
		if (crypto_hmac_sha256_hex("Jefe", 4,
		    "what do ya want ", 16, "for nothing?", 12, out) != 0 ||
		    strcmp(out, "5bdcc146bf60754e6a042426089575c75a003f089d"
		    "2739839dec58b964ec3843") != 0)
			ok = 0;
	CHECK(ok);
}

static void
test_sha256(void)
{
	static const struct {
		const char	*in;
		const char	*hex;
	} cases[] = {
	{ "",
	    "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855" },
	{ "abc",
	    "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad" },
	{ "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1" },
	};
	char	 out[CRYPTO_SHA256_HEX];
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(out, 'X', sizeof(out));
		crypto_sha256_hex(cases[i].in, strlen(cases[i].in), out);
		CHECK_STR(out, cases[i].hex);
	}
}

static void
test_equal(void)
{
	static const struct {
		const char	*a;
		size_t		 alen;
		const char	*b;
		size_t		 blen;
		int		 eq;
	} cases[] = {
	{ "abc", 3, "abc", 3, 1 },
	{ "", 0, "", 0, 1 },
	{ "abc", 3, "abd", 3, 0 },		/* last byte */
	{ "abc", 3, "xbc", 3, 0 },		/* first byte */
	{ "abc", 3, "abcd", 4, 0 },		/* prefix */
	{ "abcd", 4, "abc", 3, 0 },
	{ "abc", 3, "", 0, 0 },
	{ "a\0b", 3, "a\0c", 3, 0 },		/* past a NUL */
	{ "a\0b", 3, "a\0b", 3, 1 },
	{ "ABC", 3, "abc", 3, 0 },		/* case matters */
	{ "\x80", 1, "\x00", 1, 0 },		/* high bit */
	{ "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7",
	    64,
	    "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7",
	    64, 1 },
	{ "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7",
	    64,
	    "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a6",
	    64, 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		CHECK(crypto_equal(cases[i].a, cases[i].alen, cases[i].b,
		    cases[i].blen) == cases[i].eq);
}

static int
in_b64url(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '-' || c == '_';
}

static int
cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_token(void)
{
	/* nbytes → characters: ceil(8 * nbytes / 6). */
	static const struct {
		size_t	 nbytes;
		size_t	 chars;
	} lens[] = {
	{ 0, 0 }, { 1, 2 }, { 2, 3 }, { 3, 4 }, { 4, 6 }, { 12, 16 },
	{ 16, 22 }, { 24, 32 }, { 32, 43 }, { 63, 84 }, { 64, 86 },
	};
	enum { NTOK = 2000 };
	static char	 toks[NTOK][44];
	char		*ptrs[NTOK];
	char		 out[100];
	size_t		 i, k, need;
	int		 ok, seen[64];

	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		need = lens[i].chars + 1;
		memset(out, '#', sizeof(out));
		CHECK(crypto_token(out, need, lens[i].nbytes) == 0);
		CHECK(strlen(out) == lens[i].chars);
		ok = 1;
		for (k = 0; k < lens[i].chars; k++)
			if (!in_b64url(out[k]))
				ok = 0;
		CHECK(ok);
		CHECK(out[need] == '#');	/* nothing past the NUL */
		/* One byte less room is refused, nothing written. */
		memset(out, '#', sizeof(out));
		CHECK(crypto_token(out, need - 1, lens[i].nbytes) == -1);
		if (need > 1)
			CHECK(out[0] == '#');
	}
	/* More randomness than the function holds. */
	CHECK(crypto_token(out, sizeof(out), 65) == -1);
	CHECK(crypto_token(out, sizeof(out), 1000) == -1);
	CHECK(crypto_token(out, 0, 0) == -1);

	/*
	 * The last character carries only the leftover bits: 1 byte leaves
	 * 2 bits (A, Q, g, w), 2 bytes leave 4 bits (every 4th letter).
	 * Checked over many draws, so a wrong shift would show.
	 */
	ok = 1;
	for (i = 0; i < 500; i++) {
		if (crypto_token(out, sizeof(out), 1) != 0 ||
		    strchr("AQgw", out[1]) == NULL || out[1] == '\0')
			ok = 0;
		if (crypto_token(out, sizeof(out), 2) != 0 ||
		    strchr("AEIMQUYcgkosw048", out[2]) == NULL ||
		    out[2] == '\0')
			ok = 0;
	}
	CHECK(ok);

	/* Unique over many 32-byte tokens; every character shows up. */
	memset(seen, 0, sizeof(seen));
	ok = 1;
	for (i = 0; i < NTOK; i++) {
		if (crypto_token(toks[i], sizeof(toks[i]), 32) != 0 ||
		    strlen(toks[i]) != 43)
			ok = 0;
		for (k = 0; toks[i][k] != '\0'; k++) {
			const char *set = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij"
			    "klmnopqrstuvwxyz0123456789-_";
			const char *p = strchr(set, toks[i][k]);

			if (p == NULL)
				ok = 0;
			else
				seen[p - set] = 1;
		}
		ptrs[i] = toks[i];
	}
	CHECK(ok);
	for (k = 0, ok = 1; k < 64; k++)
		if (!seen[k])
			ok = 0;
	CHECK(ok);
	qsort(ptrs, NTOK, sizeof(ptrs[0]), cmpstr);
	for (i = 1, ok = 1; i < NTOK; i++)
		if (strcmp(ptrs[i - 1], ptrs[i]) == 0)
			ok = 0;
	CHECK(ok);

	/* crypto_random fills and differs between calls. */
	{
		unsigned char a[32], b[32];

		memset(a, 0, sizeof(a));
		memset(b, 0, sizeof(b));
		CHECK(crypto_random(a, sizeof(a)) == 0);
		CHECK(crypto_random(b, sizeof(b)) == 0);
		CHECK(memcmp(a, b, sizeof(a)) != 0);
		CHECK(crypto_random(a, 0) == 0);
	}
}

static void
test_wipe(void)
{
	unsigned char	 s[33];
	size_t		 i;
	int		 ok = 1;

	memset(s, 0x5a, sizeof(s));
	crypto_wipe(s, 32);
	for (i = 0; i < 32; i++)
		if (s[i] != 0)
			ok = 0;
	CHECK(ok);
	CHECK(s[32] == 0x5a);		/* only len bytes */
	crypto_wipe(s, 0);
}

int
main(void)
{
	test_hmac();
	test_sha256();
	test_equal();
	test_token();
	test_wipe();
	return unit_done();
}
