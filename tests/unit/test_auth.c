/*
 * test_auth.c: unit tests for lib/auth.c (JWT sessions).
 *
 * Tokens are built here, not taken from auth_mint(), so the verifier
 * is tested against tokens it did not make: HS* tokens by hand with
 * OpenSSL HMAC and a small base64url encoder (so the header can say
 * anything, "none" included), RS256/ES256 tokens with libjwt and key
 * pairs generated at start with OpenSSL (nothing secret in the tree).
 * Every case is one row of a table; the time is fixed at NOW.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jwt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include "auth.h"
#include "conf.h"
#include "log.h"
#include "unit.h"

#define NOW	1700000000LL

/* Claims most cases start from: valid for an hour after NOW. */
#define GOOD	"{\"sub\":\"alice\",\"exp\":1700003600}"
#define EXP	"\"exp\":1700003600"

/* What a tampered payload is swapped for. */
#define EVIL	"{\"sub\":\"mallory\",\"exp\":1700003600,\"role\":\"admin\"}"

#define HDR_HS256	"{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
#define HDR_HS384	"{\"alg\":\"HS384\",\"typ\":\"JWT\"}"
#define HDR_HS512	"{\"alg\":\"HS512\",\"typ\":\"JWT\"}"
#define HDR_NONE	"{\"alg\":\"none\"}"

#define S64 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"
#define A64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

static unsigned char	 secret[] = "test-only-secret-0123456789abcdef-XYZ";
static unsigned char	 secret2[] = "test-only-other-secret-0123456789abcdef";
static char		 issuer[] = "https://id.example.org";
static char		 audience[] = "vigil";

/* PEM text generated at start. */
static char	*rsa_priv, *rsa_pub, *rsa2_priv, *ec_priv, *ec_pub, *ec2_priv;

enum cfg {
	C_HS,		/* HS256, secret, no iss/aud */
	C_HS_IA,	/* HS256 with issuer and audience */
	C_RS,		/* RS256, rsa_pub */
	C_ES,		/* ES256, ec_pub */
	C_NOKEY,	/* HS256 with no key at all */
	C_BADALG,	/* an out-of-range algorithm */
	C__MAX
};

static struct conf	 cfs[C__MAX];

enum how {
	HOW_RAW,	/* claims is the whole token */
	HOW_HS256,	/* by hand: HMAC-SHA256, secret */
	HOW_HS384,	/* by hand: HMAC-SHA384, secret */
	HOW_HS512,	/* by hand: HMAC-SHA512, secret */
	HOW_HS256_STD,	/* by hand, standard base64 (+/ and =), signed */
	HOW_HS256_WRONG, /* by hand: HMAC-SHA256, secret2 */
	HOW_HS256_RSAPUB, /* by hand: HMAC-SHA256 keyed with rsa_pub */
	HOW_HS256_ECPUB, /* by hand: HMAC-SHA256 keyed with ec_pub */
	HOW_NONE_EMPTY,	/* {"alg":"none"}, empty signature */
	HOW_NONE_SIG,	/* {"alg":"none"} with an HMAC-SHA256 signature */
	HOW_RS256,	/* libjwt, rsa_priv */
	HOW_RS256_OTHER, /* libjwt, rsa2_priv */
	HOW_ES256,	/* libjwt, ec_priv */
	HOW_ES256_OTHER, /* libjwt, ec2_priv */
};

enum tamper {
	T_NONE,
	T_PAYLOAD,	/* payload segment replaced with EVIL */
	T_SIG,		/* first signature character changed */
	T_TRAIL,	/* a fourth segment appended */
	T_SPACE,	/* a trailing space */
	T_BEARER,	/* "Bearer " in front */
};

/* The expected-session fields of a row that is not AUTH_OK. */
#define NO_SESSION	NULL, 0, NULL

struct vcase {
	const char	*label;
	enum cfg	 cfg;
	enum how	 how;
	const char	*hdr;		/* hand-built header, NULL: default */
	const char	*claims;
	enum tamper	 tamper;
	enum auth_res	 want;
	const char	*sub;		/* expected on AUTH_OK */
	int		 admin;
	const char	*name;
};

static const struct vcase cases[] = {
	/* Valid HS256, hand-built. */
	{ "hs256 admin with name", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"role\":\"admin\","
	  "\"name\":\"Alice \xc3\x81vila\"}", T_NONE, AUTH_OK,
	  "alice", 1, "Alice \xc3\x81vila" },
	{ "hs256 minimal", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"bob_2-X\"," EXP "}", T_NONE, AUTH_OK, "bob_2-X", 0, "" },
	{ "hs256 header without typ", C_HS, HOW_HS256, "{\"alg\":\"HS256\"}",
	  GOOD, T_NONE, AUTH_OK, "alice", 0, "" },
	{ "role user", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"role\":\"user\"}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "role Admin (case)", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"role\":\"Admin\"}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "role true", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"role\":true}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "role array", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"role\":[\"admin\"]}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "iat and nbf in the past", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"iat\":1699999000,\"nbf\":1699999000," EXP "}",
	  T_NONE, AUTH_OK, "alice", 0, "" },
	{ "name null is no name", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"name\":null}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "iss/aud present but not configured", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"x\",\"aud\":\"y\"}", T_NONE,
	  AUTH_OK, "alice", 0, "" },

	/* Algorithm games. */
	{ "alg none, empty signature", C_HS, HOW_NONE_EMPTY, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "alg none, with signature", C_HS, HOW_NONE_SIG, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "alg NONE, with signature", C_HS, HOW_HS256, "{\"alg\":\"NONE\"}",
	  GOOD, T_NONE, AUTH_BAD, NO_SESSION },
	{ "alg missing", C_HS, HOW_HS256, "{\"typ\":\"JWT\"}", GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "alg HS256 but HMAC-SHA512", C_HS, HOW_HS512, HDR_HS256, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "alg HS384, same secret", C_HS, HOW_HS384, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "alg HS512, same secret", C_HS, HOW_HS512, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "RS256 token, HS256 conf", C_HS, HOW_RS256, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },

	/* Signature and integrity. */
	{ "wrong secret", C_HS, HOW_HS256_WRONG, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "tampered payload", C_HS, HOW_HS256, NULL, GOOD, T_PAYLOAD,
	  AUTH_BAD, NO_SESSION },
	{ "tampered signature", C_HS, HOW_HS256, NULL, GOOD, T_SIG,
	  AUTH_BAD, NO_SESSION },
	{ "fourth segment", C_HS, HOW_HS256, NULL, GOOD, T_TRAIL,
	  AUTH_BAD, NO_SESSION },
	{ "trailing space", C_HS, HOW_HS256, NULL, GOOD, T_SPACE,
	  AUTH_BAD, NO_SESSION },
	{ "Bearer prefix", C_HS, HOW_HS256, NULL, GOOD, T_BEARER,
	  AUTH_BAD, NO_SESSION },

	/*
	 * Standard base64 in header and payload, correctly signed over
	 * that text: libjwt 1.10 would take it, the shape check does not.
	 */
	{ "url-safe control for the next ones", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"n\":\"?~\"}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "std base64, '+' and '='", C_HS, HOW_HS256_STD, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"n\":\"?~\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "std base64, '/'", C_HS, HOW_HS256_STD, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"n\":\"??~\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "std base64, '/' and '=='", C_HS, HOW_HS256_STD, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"n\":\"a?>~\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },

	/* Time, with 60 s skew: valid until exp + 60, from nbf - 60. */
	{ "expired long ago", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":1699996400}", T_NONE,
	  AUTH_EXPIRED, NO_SESSION },
	{ "expired at exp + 60", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":1699999940}", T_NONE,
	  AUTH_EXPIRED, NO_SESSION },
	{ "valid at exp + 59", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":1699999941}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "valid at exp", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":1700000000}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "nbf 61 s ahead", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"nbf\":1700000061," EXP "}", T_NONE,
	  AUTH_EXPIRED, NO_SESSION },
	{ "nbf 60 s ahead", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"nbf\":1700000060," EXP "}", T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "iat 61 s ahead", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"iat\":1700000061," EXP "}", T_NONE,
	  AUTH_EXPIRED, NO_SESSION },
	{ "expired and bad sub is bad", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"a b\",\"exp\":1699996400}", T_NONE,
	  AUTH_BAD, NO_SESSION },

	/* exp, nbf, iat types. */
	{ "exp missing", C_HS, HOW_HS256, NULL, "{\"sub\":\"alice\"}",
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "exp string", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":\"1700003600\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "exp real", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":1700003600.0}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "exp exponent", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":1.7000036e9}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "exp null", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":null}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "exp true", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":true}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "exp negative", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":-1}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "exp past year 9999", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":9223372036854775807}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "nbf string", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"nbf\":\"0\"," EXP "}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "nbf null", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"nbf\":null," EXP "}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "iat string", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\",\"iat\":\"0\"," EXP "}", T_NONE,
	  AUTH_BAD, NO_SESSION },

	/* sub. */
	{ "sub missing", C_HS, HOW_HS256, NULL, "{" EXP "}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "sub with space", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"al ice\"," EXP "}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "sub with slash", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice/..\"," EXP "}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "sub non-ASCII", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"\xc3\xa5lice\"," EXP "}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "sub empty", C_HS, HOW_HS256, NULL, "{\"sub\":\"\"," EXP "}",
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "sub number", C_HS, HOW_HS256, NULL, "{\"sub\":42," EXP "}",
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "sub 64 chars", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"" S64 "\"," EXP "}", T_NONE, AUTH_OK, S64, 0, "" },
	{ "sub 65 chars", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"" S64 "x\"," EXP "}", T_NONE, AUTH_BAD, NO_SESSION },

	/* name. */
	{ "name 128 bytes", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"name\":\"" A64 A64 "\"}", T_NONE,
	  AUTH_OK, "alice", 0, A64 A64 },
	{ "name 129 bytes", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"name\":\"" A64 A64 "a\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "name empty", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"name\":\"\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "name newline", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"name\":\"a\\nb\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "name number", C_HS, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"name\":5}", T_NONE,
	  AUTH_BAD, NO_SESSION },

	/* Claims that are not an object, headers that are not JSON. */
	{ "payload array", C_HS, HOW_HS256, NULL, "[1,2]", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "payload not JSON", C_HS, HOW_HS256, NULL, "sub=alice", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "header not JSON", C_HS, HOW_HS256, "HS256", GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },

	/* Issuer and audience when configured. */
	{ "iss and aud match", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\","
	  "\"aud\":\"vigil\"}", T_NONE, AUTH_OK, "alice", 0, "" },
	{ "aud array holds us", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\","
	  "\"aud\":[\"other\",\"vigil\"]}", T_NONE, AUTH_OK, "alice", 0, "" },
	{ "aud array without us", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\","
	  "\"aud\":[\"other\",\"vigil2\"]}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "aud array with a number", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\","
	  "\"aud\":[\"vigil\",1]}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "aud array empty", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\","
	  "\"aud\":[]}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "aud other", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\","
	  "\"aud\":\"Vigil\"}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "aud number", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\","
	  "\"aud\":1}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "aud missing", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org\"}",
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "iss other", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":\"https://id.example.org/\","
	  "\"aud\":\"vigil\"}", T_NONE, AUTH_BAD, NO_SESSION },
	{ "iss missing", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"aud\":\"vigil\"}", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "iss array", C_HS_IA, HOW_HS256, NULL,
	  "{\"sub\":\"alice\"," EXP ",\"iss\":[\"https://id.example.org\"],"
	  "\"aud\":\"vigil\"}", T_NONE, AUTH_BAD, NO_SESSION },

	/* RS256. */
	{ "rs256 valid", C_RS, HOW_RS256, NULL,
	  "{\"sub\":\"carol\"," EXP ",\"role\":\"admin\",\"name\":\"Carol\"}",
	  T_NONE, AUTH_OK, "carol", 1, "Carol" },
	{ "rs256 other key", C_RS, HOW_RS256_OTHER, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "rs256 tampered payload", C_RS, HOW_RS256, NULL, GOOD, T_PAYLOAD,
	  AUTH_BAD, NO_SESSION },
	{ "rs256 tampered signature", C_RS, HOW_RS256, NULL, GOOD, T_SIG,
	  AUTH_BAD, NO_SESSION },
	{ "rs256 expired", C_RS, HOW_RS256, NULL,
	  "{\"sub\":\"alice\",\"exp\":1699996400}", T_NONE,
	  AUTH_EXPIRED, NO_SESSION },
	{ "HS256 keyed with the RSA public key", C_RS, HOW_HS256_RSAPUB,
	  NULL, GOOD, T_NONE, AUTH_BAD, NO_SESSION },
	{ "HS256 with the secret, RS256 conf", C_RS, HOW_HS256, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "ES256 token, RS256 conf", C_RS, HOW_ES256, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "alg none, RS256 conf", C_RS, HOW_NONE_EMPTY, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "alg none signed, RS256 conf", C_RS, HOW_NONE_SIG, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },

	/* ES256. */
	{ "es256 valid", C_ES, HOW_ES256, NULL, GOOD, T_NONE, AUTH_OK,
	  "alice", 0, "" },
	{ "es256 other key", C_ES, HOW_ES256_OTHER, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "es256 tampered signature", C_ES, HOW_ES256, NULL, GOOD, T_SIG,
	  AUTH_BAD, NO_SESSION },
	{ "es256 tampered payload", C_ES, HOW_ES256, NULL, GOOD, T_PAYLOAD,
	  AUTH_BAD, NO_SESSION },
	{ "HS256 keyed with the EC public key", C_ES, HOW_HS256_ECPUB, NULL,
	  GOOD, T_NONE, AUTH_BAD, NO_SESSION },
	{ "RS256 token, ES256 conf", C_ES, HOW_RS256, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },

	/* A configuration without a key never decodes without one. */
	{ "no key: alg none", C_NOKEY, HOW_NONE_EMPTY, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "no key: alg none signed", C_NOKEY, HOW_NONE_SIG, NULL, GOOD,
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "no key: hs256", C_NOKEY, HOW_HS256, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "bad alg in conf", C_BADALG, HOW_HS256, NULL, GOOD, T_NONE,
	  AUTH_BAD, NO_SESSION },

	/* Garbage, shape checked before libjwt. */
	{ "empty", C_HS, HOW_RAW, NULL, "", T_NONE, AUTH_NONE, NO_SESSION },
	{ "one segment", C_HS, HOW_RAW, NULL, "abcd", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "two segments", C_HS, HOW_RAW, NULL, "abcd.abcd", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "three garbage segments", C_HS, HOW_RAW, NULL, "abcd.abcd.abcd",
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "segment of 1 mod 4", C_HS, HOW_RAW, NULL, "abcde.abcd.abcd",
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "dots only", C_HS, HOW_RAW, NULL, "..", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "empty signature", C_HS, HOW_RAW, NULL, "abcd.abcd.", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "padding", C_HS, HOW_RAW, NULL, "eyJhbGciOiJIUzI1NiJ9.e30=.abcd",
	  T_NONE, AUTH_BAD, NO_SESSION },
	{ "plus and slash", C_HS, HOW_RAW, NULL, "ab+d.ab/d.abcd", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "newline", C_HS, HOW_RAW, NULL, "abcd.ab\ncd.abcd", T_NONE,
	  AUTH_BAD, NO_SESSION },
	{ "high bytes", C_HS, HOW_RAW, NULL, "abcd.\xc3\xa9\xc3\xa9.abcd",
	  T_NONE, AUTH_BAD, NO_SESSION },
};

/* Base64url without padding of p; free(3) the result. */
static char *
b64url(const void *p, size_t len)
{
	static const char	 tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char	*s = p;
	char			*out, *o;
	uint32_t		 v;
	size_t			 i;

	if ((out = o = malloc(len / 3 * 4 + 5)) == NULL)
		abort();
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = tab[v >> 6 & 63];
		*o++ = tab[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)s[i] << 16;
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		*o++ = tab[v >> 18 & 63];
		*o++ = tab[v >> 12 & 63];
		*o++ = tab[v >> 6 & 63];
	}
	*o = '\0';
	return out;
}

/* "a.b.c" (c may be ""); free(3) the result. */
static char *
join3(const char *a, const char *b, const char *c)
{
	size_t	 n = strlen(a) + strlen(b) + strlen(c) + 3;
	char	*s;

	if ((s = malloc(n)) == NULL)
		abort();
	if ((size_t)snprintf(s, n, "%s.%s.%s", a, b, c) >= n)
		abort();
	return s;
}

/*
 * Turn base64url s (from b64url()) into standard base64 with '='
 * padding, in place: b64url() leaves room for the padding.
 */
static void
b64std(char *s)
{
	size_t	 n;

	for (n = 0; s[n] != '\0'; n++)
		if (s[n] == '-')
			s[n] = '+';
		else if (s[n] == '_')
			s[n] = '/';
	while (n % 4 != 0)
		s[n++] = '=';
	s[n] = '\0';
}

/*
 * A hand-built token: base64url(hdr).base64url(claims) (standard base64
 * when std) and, when md is not NULL, the base64url HMAC of those two
 * with key.
 */
static char *
hs_token_enc(const EVP_MD *md, const void *key, size_t klen,
    const char *hdr, const char *claims, int std)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	char		*h, *p, *s, *hp, *tok;

	h = b64url(hdr, strlen(hdr));
	p = b64url(claims, strlen(claims));
	if (std) {
		b64std(h);
		b64std(p);
	}
	hp = join3(h, p, "");
	hp[strlen(hp) - 1] = '\0';
	if (md != NULL && HMAC(md, key, (int)klen, (unsigned char *)hp,
	    strlen(hp), mac, &maclen) == NULL)
		abort();
	s = b64url(mac, maclen);
	tok = join3(h, p, s);
	free(h);
	free(p);
	free(s);
	free(hp);
	return tok;
}

static char *
hs_token(const EVP_MD *md, const void *key, size_t klen, const char *hdr,
    const char *claims)
{
	return hs_token_enc(md, key, klen, hdr, claims, 0);
}

/* A token signed by libjwt with a PEM private key. */
static char *
lj_token(jwt_alg_t alg, const char *pem, const char *claims)
{
	jwt_t	*jwt = NULL;
	char	*tok;

	if (jwt_new(&jwt) != 0 || jwt_add_grants_json(jwt, claims) != 0 ||
	    jwt_set_alg(jwt, alg, (const unsigned char *)pem,
	    (int)strlen(pem)) != 0 || (tok = jwt_encode_str(jwt)) == NULL)
		abort();
	jwt_free(jwt);
	return tok;
}

/* Replace segment idx (0, 1, 2) of tok with seg; frees tok. */
static char *
swap_seg(char *tok, int idx, const char *seg)
{
	char	*d1, *d2, *out;

	d1 = strchr(tok, '.');
	d2 = strchr(d1 + 1, '.');
	*d1 = *d2 = '\0';
	out = join3(idx == 0 ? seg : tok, idx == 1 ? seg : d1 + 1,
	    idx == 2 ? seg : d2 + 1);
	free(tok);
	return out;
}

static char *
make_token(const struct vcase *c)
{
	const char	*hdr = c->hdr;
	char		*tok = NULL, *t, *p;
	size_t		 n;

	switch (c->how) {
	case HOW_RAW:
		if ((tok = strdup(c->claims)) == NULL)
			abort();
		break;
	case HOW_HS256:
		tok = hs_token(EVP_sha256(), secret, sizeof(secret) - 1,
		    hdr ? hdr : HDR_HS256, c->claims);
		break;
	case HOW_HS384:
		tok = hs_token(EVP_sha384(), secret, sizeof(secret) - 1,
		    hdr ? hdr : HDR_HS384, c->claims);
		break;
	case HOW_HS512:
		tok = hs_token(EVP_sha512(), secret, sizeof(secret) - 1,
		    hdr ? hdr : HDR_HS512, c->claims);
		break;
	case HOW_HS256_STD:
		tok = hs_token_enc(EVP_sha256(), secret, sizeof(secret) - 1,
		    hdr ? hdr : HDR_HS256, c->claims, 1);
		break;
	case HOW_HS256_WRONG:
		tok = hs_token(EVP_sha256(), secret2, sizeof(secret2) - 1,
		    hdr ? hdr : HDR_HS256, c->claims);
		break;
	case HOW_HS256_RSAPUB:
		tok = hs_token(EVP_sha256(), rsa_pub, strlen(rsa_pub),
		    hdr ? hdr : HDR_HS256, c->claims);
		break;
	case HOW_HS256_ECPUB:
		tok = hs_token(EVP_sha256(), ec_pub, strlen(ec_pub),
		    hdr ? hdr : HDR_HS256, c->claims);
		break;
	case HOW_NONE_EMPTY:
		tok = hs_token(NULL, NULL, 0, hdr ? hdr : HDR_NONE, c->claims);
		break;
	case HOW_NONE_SIG:
		tok = hs_token(EVP_sha256(), secret, sizeof(secret) - 1,
		    hdr ? hdr : HDR_NONE, c->claims);
		break;
	case HOW_RS256:
		tok = lj_token(JWT_ALG_RS256, rsa_priv, c->claims);
		break;
	case HOW_RS256_OTHER:
		tok = lj_token(JWT_ALG_RS256, rsa2_priv, c->claims);
		break;
	case HOW_ES256:
		tok = lj_token(JWT_ALG_ES256, ec_priv, c->claims);
		break;
	case HOW_ES256_OTHER:
		tok = lj_token(JWT_ALG_ES256, ec2_priv, c->claims);
		break;
	}

	switch (c->tamper) {
	case T_NONE:
		break;
	case T_PAYLOAD:
		p = b64url(EVIL, strlen(EVIL));
		tok = swap_seg(tok, 1, p);
		free(p);
		break;
	case T_SIG:
		p = strrchr(tok, '.') + 1;
		*p = *p == 'A' ? 'B' : 'A';
		break;
	case T_TRAIL:
	case T_SPACE:
	case T_BEARER:
		n = strlen(tok) + 8;
		if ((t = malloc(n)) == NULL)
			abort();
		snprintf(t, n, "%s%s%s", c->tamper == T_BEARER ? "Bearer " : "",
		    tok, c->tamper == T_TRAIL ? ".AAAA" :
		    c->tamper == T_SPACE ? " " : "");
		free(tok);
		tok = t;
		break;
	}
	return tok;
}

/* Is every byte of p zero? */
static int
all_zero(const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	for (i = 0; i < len; i++)
		if (s[i] != 0)
			return 0;
	return 1;
}

static void
run_cases(void)
{
	struct session	 s;
	enum auth_res	 res;
	char		*tok;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tok = make_token(&cases[i]);
		memset(&s, 0xa5, sizeof(s));
		res = auth_verify(&cfs[cases[i].cfg], tok, NOW, &s);
		if (res != cases[i].want)
			fprintf(stderr, "case \"%s\": got %d, want %d\n",
			    cases[i].label, res, cases[i].want);
		CHECK(res == cases[i].want);
		if (cases[i].want != AUTH_OK) {
			CHECK(all_zero(&s, sizeof(s)));
		} else {
			CHECK_STR(s.sub, cases[i].sub);
			CHECK(s.admin == cases[i].admin);
			CHECK_STR(s.name, cases[i].name);
			CHECK(s.exp > 0);
		}
		free(tok);
	}
}

/* Claim padding to start from: the token is about 3 KiB there. */
#define PAD_FROM	2300

static void
test_null_and_sizes(void)
{
	struct session	 s;
	char		*tok, *big;
	char		 pad[LIM_JWT + 1], claims[LIM_JWT + 128];
	size_t		 n, below = 0, above = 0;
	enum auth_res	 res;

	memset(&s, 0xa5, sizeof(s));
	CHECK(auth_verify(&cfs[C_HS], NULL, NOW, &s) == AUTH_NONE);
	CHECK(all_zero(&s, sizeof(s)));

	/* Far over the cap: refused on length alone. */
	if ((big = malloc(LIM_JWT * 4)) == NULL)
		abort();
	memset(big, 'A', LIM_JWT * 4 - 1);
	big[LIM_JWT * 4 - 1] = '\0';
	big[10] = big[20] = '.';
	CHECK(auth_verify(&cfs[C_HS], big, NOW, &s) == AUTH_BAD);
	free(big);

	/*
	 * A genuinely signed token grown one claim byte at a time: every
	 * size up to LIM_JWT passes, every size above it fails.
	 */
	for (n = PAD_FROM; n < sizeof(pad) - 1; n++) {
		memset(pad, 'x', n);
		pad[n] = '\0';
		snprintf(claims, sizeof(claims),
		    "{\"sub\":\"alice\"," EXP ",\"pad\":\"%s\"}", pad);
		tok = hs_token(EVP_sha256(), secret, sizeof(secret) - 1,
		    HDR_HS256, claims);
		res = auth_verify(&cfs[C_HS], tok, NOW, &s);
		if (strlen(tok) <= LIM_JWT) {
			if (res == AUTH_OK)
				below++;
			else
				fprintf(stderr, "size %zu refused\n",
				    strlen(tok));
		} else {
			if (res == AUTH_BAD)
				above++;
			else
				fprintf(stderr, "size %zu accepted\n",
				    strlen(tok));
			free(tok);
			break;
		}
		free(tok);
	}
	CHECK(below > 0 && below == n - PAD_FROM);
	CHECK(above == 1);
}

/* Minted tokens verify, carry the claims asked for, and expire. */
static void
test_mint(void)
{
	struct session	 s;
	jwt_t		*jwt = NULL;
	char		*tok;
	const char	*bad[] = { "", "a b", "alice/x", S64 "x", NULL };
	size_t		 i;

	/* Full set of claims, issuer and audience configured. */
	tok = auth_mint(&cfs[C_HS_IA], "dave", 1, "Dave \xc3\x89", NOW, 3600);
	CHECK(tok != NULL);
	if (tok == NULL)
		return;
	CHECK(auth_verify(&cfs[C_HS_IA], tok, NOW, &s) == AUTH_OK);
	CHECK_STR(s.sub, "dave");
	CHECK(s.admin == 1);
	CHECK_STR(s.name, "Dave \xc3\x89");
	CHECK(s.exp == NOW + 3600);
	CHECK(auth_verify(&cfs[C_HS_IA], tok, NOW + 3600 + 59, &s) ==
	    AUTH_OK);
	CHECK(auth_verify(&cfs[C_HS_IA], tok, NOW + 3600 + 60, &s) ==
	    AUTH_EXPIRED);
	CHECK(auth_verify(&cfs[C_HS_IA], tok, NOW - 61, &s) == AUTH_EXPIRED);
	CHECK(auth_verify(&cfs[C_RS], tok, NOW, &s) == AUTH_BAD);

	/* What is inside, read back with libjwt and the secret. */
	CHECK(jwt_decode(&jwt, tok, secret, sizeof(secret) - 1) == 0);
	if (jwt != NULL) {
		CHECK(jwt_get_alg(jwt) == JWT_ALG_HS256);
		CHECK(jwt_get_grant_int(jwt, "iat") == NOW);
		CHECK(jwt_get_grant_int(jwt, "nbf") == NOW);
		CHECK(jwt_get_grant_int(jwt, "exp") == NOW + 3600);
		CHECK_STR(jwt_get_grant(jwt, "iss"), issuer);
		CHECK_STR(jwt_get_grant(jwt, "aud"), audience);
		CHECK_STR(jwt_get_grant(jwt, "role"), "admin");
		jwt_free(jwt);
	}
	free(tok);

	/* Plain user, no name, no iss/aud: none of those claims. */
	tok = auth_mint(&cfs[C_HS], "erin", 0, NULL, NOW, LIM_SESSION_TTL);
	CHECK(tok != NULL);
	CHECK(auth_verify(&cfs[C_HS], tok, NOW, &s) == AUTH_OK);
	CHECK_STR(s.sub, "erin");
	CHECK(s.admin == 0);
	CHECK_STR(s.name, "");
	/* Issuer and audience configured: a token without them fails. */
	CHECK(auth_verify(&cfs[C_HS_IA], tok, NOW, &s) == AUTH_BAD);
	jwt = NULL;
	CHECK(jwt_decode(&jwt, tok, secret, sizeof(secret) - 1) == 0);
	if (jwt != NULL) {
		CHECK(jwt_get_grant(jwt, "role") == NULL);
		CHECK(jwt_get_grant(jwt, "name") == NULL);
		CHECK(jwt_get_grant(jwt, "iss") == NULL);
		jwt_free(jwt);
	}
	free(tok);

	/* HS256 only. */
	CHECK(auth_mint(&cfs[C_RS], "erin", 0, NULL, NOW, 60) == NULL);
	CHECK(auth_mint(&cfs[C_ES], "erin", 0, NULL, NOW, 60) == NULL);
	CHECK(auth_mint(&cfs[C_NOKEY], "erin", 0, NULL, NOW, 60) == NULL);
	CHECK(auth_mint(&cfs[C_BADALG], "erin", 0, NULL, NOW, 60) == NULL);

	/* Bad arguments. */
	CHECK(auth_mint(&cfs[C_HS], NULL, 0, NULL, NOW, 60) == NULL);
	for (i = 0; bad[i] != NULL; i++)
		CHECK(auth_mint(&cfs[C_HS], bad[i], 0, NULL, NOW, 60) == NULL);
	CHECK(auth_mint(&cfs[C_HS], "erin", 0, "", NOW, 60) == NULL);
	CHECK(auth_mint(&cfs[C_HS], "erin", 0, "a\nb", NOW, 60) == NULL);
	CHECK(auth_mint(&cfs[C_HS], "erin", 0, A64 A64 "a", NOW, 60) ==
	    NULL);
	CHECK(auth_mint(&cfs[C_HS], "erin", 0, NULL, NOW, 0) == NULL);
	CHECK(auth_mint(&cfs[C_HS], "erin", 0, NULL, NOW, -1) == NULL);
	CHECK(auth_mint(&cfs[C_HS], "erin", 0, NULL, NOW,
	    LIM_SESSION_TTL_MAX + 1L) == NULL);
	CHECK(auth_mint(&cfs[C_HS], "erin", 0, NULL, -1, 60) == NULL);

	/* Longest name and id still fit under LIM_JWT and verify. */
	tok = auth_mint(&cfs[C_HS_IA], S64, 1, A64 A64, NOW, 60);
	CHECK(tok != NULL);
	CHECK(auth_verify(&cfs[C_HS_IA], tok, NOW, &s) == AUTH_OK);
	CHECK_STR(s.name, A64 A64);
	free(tok);
}

/*
 * At debug level, failures log their class and never the token: catch
 * stderr in a temporary file around a few refusals.
 */
static void
test_logs(void)
{
	struct vcase	 c = { "log", C_HS, HOW_HS512, NULL, GOOD, T_NONE,
			    AUTH_BAD, NULL, 0, NULL };
	FILE		*f;
	char		*tok, *tok2, buf[8192], *payload, *sig;
	size_t		 n;
	int		 saved;

	tok = make_token(&c);
	c.how = HOW_HS256;
	c.claims = "{\"sub\":\"alice\",\"exp\":1}";
	tok2 = make_token(&c);
	if ((f = tmpfile()) == NULL || (saved = dup(2)) == -1)
		abort();
	fflush(stderr);
	if (dup2(fileno(f), 2) == -1)
		abort();
	log_init("test_auth", LOG_LVL_DEBUG);
	CHECK(auth_verify(&cfs[C_HS], tok, NOW, &(struct session){0}) ==
	    AUTH_BAD);
	CHECK(auth_verify(&cfs[C_HS], tok2, NOW, &(struct session){0}) ==
	    AUTH_EXPIRED);
	log_init("test_auth", LOG_LVL_WARN);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);

	CHECK(strstr(buf, "auth: alg mismatch") != NULL);
	CHECK(strstr(buf, "auth: token expired") != NULL);
	payload = strchr(tok, '.') + 1;
	sig = strrchr(tok, '.') + 1;
	sig[-1] = '\0';
	CHECK(strstr(buf, payload) == NULL);
	CHECK(strstr(buf, sig) == NULL);
	CHECK(strstr(buf, strrchr(tok2, '.') + 1) == NULL);
	CHECK(strstr(buf, "alice") == NULL);
	free(tok);
	free(tok2);
}

/* PEM text of a key, private or public; free(3) the result. */
static char *
pem(EVP_PKEY *k, int priv)
{
	BIO	*b;
	char	*p, *out;
	long	 n;

	if ((b = BIO_new(BIO_s_mem())) == NULL)
		abort();
	if ((priv ? PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL,
	    NULL) : PEM_write_bio_PUBKEY(b, k)) != 1)
		abort();
	n = BIO_get_mem_data(b, &p);
	if (n <= 0 || (out = malloc((size_t)n + 1)) == NULL)
		abort();
	memcpy(out, p, (size_t)n);
	out[n] = '\0';
	BIO_free(b);
	return out;
}

static void
keys_init(void)
{
	EVP_PKEY	*rsa, *rsa2, *ec, *ec2;

	if ((rsa = EVP_RSA_gen(2048)) == NULL ||
	    (rsa2 = EVP_RSA_gen(2048)) == NULL ||
	    (ec = EVP_EC_gen("P-256")) == NULL ||
	    (ec2 = EVP_EC_gen("P-256")) == NULL)
		abort();
	rsa_priv = pem(rsa, 1);
	rsa_pub = pem(rsa, 0);
	rsa2_priv = pem(rsa2, 1);
	ec_priv = pem(ec, 1);
	ec_pub = pem(ec, 0);
	ec2_priv = pem(ec2, 1);
	EVP_PKEY_free(rsa);
	EVP_PKEY_free(rsa2);
	EVP_PKEY_free(ec);
	EVP_PKEY_free(ec2);

	cfs[C_HS].jwt_alg = CONF_JWT_HS256;
	cfs[C_HS].jwt_key = secret;
	cfs[C_HS].jwt_key_len = sizeof(secret) - 1;
	cfs[C_HS_IA] = cfs[C_HS];
	cfs[C_HS_IA].jwt_issuer = issuer;
	cfs[C_HS_IA].jwt_audience = audience;
	cfs[C_RS].jwt_alg = CONF_JWT_RS256;
	cfs[C_RS].jwt_key = (unsigned char *)rsa_pub;
	cfs[C_RS].jwt_key_len = strlen(rsa_pub);
	cfs[C_ES].jwt_alg = CONF_JWT_ES256;
	cfs[C_ES].jwt_key = (unsigned char *)ec_pub;
	cfs[C_ES].jwt_key_len = strlen(ec_pub);
	cfs[C_NOKEY].jwt_alg = CONF_JWT_HS256;
	cfs[C_BADALG] = cfs[C_HS];
	cfs[C_BADALG].jwt_alg = CONF_JWT__MAX;
}

int
main(void)
{
	log_init("test_auth", LOG_LVL_WARN);
	keys_init();
	run_cases();
	test_null_and_sizes();
	test_mint();
	test_logs();
	free(rsa_priv);
	free(rsa_pub);
	free(rsa2_priv);
	free(ec_priv);
	free(ec_pub);
	free(ec2_priv);
	return unit_done();
}
