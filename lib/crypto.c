/*
 * crypto.c: the few primitives Vigil needs, over OpenSSL's libcrypto.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "crypto.h"

static void
hex(const unsigned char *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t		 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * len] = '\0';
}

int
crypto_random(void *p, size_t len)
{
	return RAND_bytes(p, (int)len) == 1 ? 0 : -1;
}

int
crypto_token(char *out, size_t outsz, size_t nbytes)
{
	static const char b64[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	unsigned char	 raw[64];
	size_t		 i, o = 0;
	unsigned int	 acc = 0;
	int		 bits = 0;

	if (nbytes > sizeof(raw) || outsz < (nbytes * 4 + 2) / 3 + 1)
		return -1;
	if (crypto_random(raw, nbytes) == -1)
		return -1;
	for (i = 0; i < nbytes; i++) {
		acc = (acc << 8) | raw[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64[(acc >> bits) & 0x3f];
		}
	}
	if (bits > 0)
		out[o++] = b64[(acc << (6 - bits)) & 0x3f];
	out[o] = '\0';
	crypto_wipe(raw, sizeof(raw));
	return 0;
}

void
crypto_sha256_hex(const void *p, size_t len, char *out)
{
	unsigned char	 md[SHA256_DIGEST_LENGTH];

	SHA256(p, len, md);
	hex(md, sizeof(md), out);
}

int
crypto_hmac_sha256_hex(const void *key, size_t klen, const void *a,
    size_t alen, const void *b, size_t blen, char *out)
{
	static EVP_MAC	*mac;
	unsigned char	 md[EVP_MAX_MD_SIZE];
	size_t		 mdlen = 0;
	EVP_MAC_CTX	*ctx = NULL;
	OSSL_PARAM	 params[2];
	int		 rc = -1;

	/* Fetching the implementation is costly: do it once a process. */
	if (mac == NULL && (mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_MAC_init(ctx, key, klen, params) != 1 ||
	    (alen > 0 && EVP_MAC_update(ctx, a, alen) != 1) ||
	    (blen > 0 && EVP_MAC_update(ctx, b, blen) != 1) ||
	    EVP_MAC_final(ctx, md, &mdlen, sizeof(md)) != 1)
		goto out;
	hex(md, mdlen, out);
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	OPENSSL_cleanse(md, sizeof(md));
	return rc;
}

int
crypto_equal(const void *a, size_t alen, const void *b, size_t blen)
{
	if (alen != blen)
		return 0;
	return CRYPTO_memcmp(a, b, alen) == 0;
}

void
crypto_wipe(void *p, size_t len)
{
	OPENSSL_cleanse(p, len);
}
