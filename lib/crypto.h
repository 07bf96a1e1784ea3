/*
 * crypto.h: random tokens, hashes, HMAC and constant-time comparison.
 * The only module that includes OpenSSL headers.
 */
#ifndef HEADER_VIGIL_CRYPTO_H
#define HEADER_VIGIL_CRYPTO_H

#include <stddef.h>

#define CRYPTO_SHA256_HEX	65	/* 64 hex digits and a NUL */

/* Fill p with len cryptographically random bytes; 0 or -1. */
int	crypto_random(void *p, size_t len);

/*
 * A random token: nbytes of randomness, base64url without padding, into
 * out (needs 4 * nbytes / 3 + 2 bytes).  0 or -1.
 */
int	crypto_token(char *out, size_t outsz, size_t nbytes);

/* Lower-case hex SHA-256 of p into out[CRYPTO_SHA256_HEX]. */
void	crypto_sha256_hex(const void *p, size_t len, char *out);

/*
 * Lower-case hex HMAC-SHA256 over the concatenation of a and b (either
 * may be empty) into out[CRYPTO_SHA256_HEX].  0 or -1.
 */
int	crypto_hmac_sha256_hex(const void *key, size_t klen, const void *a,
	    size_t alen, const void *b, size_t blen, char *out);

/* 1 when the two byte strings are equal, in time independent of content. */
int	crypto_equal(const void *a, size_t alen, const void *b, size_t blen);

/* Overwrite p so the compiler cannot elide it. */
void	crypto_wipe(void *p, size_t len);

#endif /* HEADER_VIGIL_CRYPTO_H */
