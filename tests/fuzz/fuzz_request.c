/*
 * fuzz_request.c: the request side of lib/http.c in CGI mode (the body
 * reader, Content-Type, query, cookies, bearer token, path) and the
 * session path of lib/access.c and lib/auth.c, on arbitrary CGI
 * variables and bodies.
 *
 * Input, one CGI variable a line, so corpus files stay readable:
 *
 *	CONTENT_LENGTH\n
 *	CONTENT_TYPE\n
 *	REQUEST_URI\n		path, then '?' and QUERY_STRING
 *	HTTP_COOKIE\n
 *	HTTP_AUTHORIZATION\n
 *	<body...>
 *
 * A line the input does not reach leaves its variable (and the later
 * ones) unset; an empty line sets it to "".  Like any environment
 * variable a value ends at its first NUL.  QUERY_STRING is what follows
 * the first '?' of the third line (unset without one).  The body is
 * every byte after the fifth newline, NULs included: it is what stdin
 * holds, whatever CONTENT_LENGTH says.
 *
 * Each input is served twice through http_serve() exactly as a program
 * run as CGI is (one request from the environment and stdin, no -s),
 * so serve_one() builds the struct req with a NULL FastCGI handle and
 * http_param() reads the environment.  lib/http.c is not #included as
 * tests/unit/test_http.c does: make fuzz and SAN=1 replays link every
 * file of lib/, and a second copy of its functions would not link.  The
 * handler reads the body with a cap of LIM_BODY_API in the first
 * request, of FUZZ_SMALL_CAP in the second (stdin rewound), and runs
 * every other check in the first.  Then the body, as a string, goes to
 * auth_verify() as a token, and its claims are signed a few ways.
 *
 * Beyond not crashing under ASan/UBSan, the target checks:
 *  - http_body(): with CONTENT_LENGTH unset, empty or all digits the
 *    result is exactly the one expected from the declared length, the
 *    cap and the bytes on stdin (refused before reading when over the
 *    cap, short bodies not kept); for any other CONTENT_LENGTH, OK only
 *    with a body whose length is the number the text denotes.  OK means
 *    bodylen <= cap, the bytes read from stdin, NUL-terminated; a
 *    second call answers the same, and never turns a refusal into OK;
 *  - http_content_type_is() says 1 only for that media type (any case,
 *    spaces, parameters), and always for the type itself;
 *  - http_query() and http_cookie() for the keys the programs use and
 *    one taken from the input, into exact-size buffers of 1 to the
 *    limit's bytes: 1 exactly when the value fits (NUL-terminated, the
 *    same value at every size), 0 or -1 the same at every size; a
 *    cookie value is a piece of the header; a found query value,
 *    percent-encoded again, decodes to itself;
 *  - http_bearer() is the token after "Bearer " and its spaces, or NULL
 *    when there is none; http_path_after() the rest after a prefix;
 *  - access_session() gives what auth_verify() gives on the bearer
 *    token, or else on the session cookie (none: AUTH_NONE, malformed:
 *    AUTH_BAD); a session that is not AUTH_OK is zeroed;
 *  - every accepted session, by either path: the sub passes valid_id(),
 *    the name is "" or valid_text(), exp + AUTH_SKEW is after the fixed
 *    clock, and the token's signature is HMAC-SHA256 with the test
 *    secret over header.payload (see signed_by());
 *  - the body's claims (the payload when the body is base64url and
 *    dots, like a token, or else the body itself as claims JSON),
 *    signed with the test secret under {"alg":"HS256","typ":"JWT"},
 *    verify exactly like the body's own token when that one is
 *    accepted and like the same signed without "typ", stay valid until
 *    exp + AUTH_SKEW - 1 and are AUTH_EXPIRED at exp + AUTH_SKEW;
 *    signed with another secret, under alg "none" (with or without a
 *    signature), "RS256" (HMAC keyed with our secret: key confusion),
 *    "HS384" or "HS512", they are never accepted.
 *
 * Seeds include tokens minted with auth_mint() with the test secret at
 * FUZZ_NOW (the one test_auth.c uses), so the fuzzer starts from
 * accepted sessions.
 */
#include <sys/mman.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "access.h"
#include "auth.h"
#include "conf.h"
#include "http.h"
#include "valid.h"
#include "vlimits.h"

#include "fuzz.h"

/* The fixed clock, 2023-11-14T22:13:20Z. */
#define FUZZ_NOW	1700000000LL

/* auth.c's AUTH_SKEW and AUTH_TIME_MAX (private to it). */
#define FUZZ_SKEW	60
#define FUZZ_TIME_MAX	253402300799LL

/* The second request's cap: small, so short seeds cross it. */
#define FUZZ_SMALL_CAP	10

/* The largest value CONTENT_LENGTH may carry (http.c's strtonum max). */
#define FUZZ_CL_MAX	(1ULL << 40)

/* The test secrets: only ever in test code. */
static unsigned char	 secret[] = "test-only-secret-0123456789abcdef-XYZ";
static unsigned char	 secret2[] =
    "test-only-other-secret-0123456789abcdef";
#define SECRET_LEN	(sizeof(secret) - 1)
#define SECRET2_LEN	(sizeof(secret2) - 1)

static char	 cookie_name[] = "session";
static char	 issuer[] = "https://id.example.org";
static char	 audience[] = "vigil";

/* HS256 with the test secret; the same with issuer and audience. */
static struct conf	 cf_plain, cf_ia;

enum var {
	V_CL,
	V_CT,
	V_URI,
	V_QS,
	V_COOKIE,
	V_AUTH,
	V__MAX
};

static const char *const var_names[V__MAX] = {
	"CONTENT_LENGTH",	/* V_CL */
	"CONTENT_TYPE",		/* V_CT */
	"REQUEST_URI",		/* V_URI */
	"QUERY_STRING",		/* V_QS */
	"HTTP_COOKIE",		/* V_COOKIE */
	"HTTP_AUTHORIZATION",	/* V_AUTH */
};

/*
 * "NAME=value" strings handed to putenv(3), freed once unset.  Not
 * setenv(3): glibc keeps every value it was ever given, so a million
 * runs would grow without bound.
 */
static char	*env_strs[V__MAX];

/* Fixed for every request; putenv keeps the pointers. */
static char	 env_method[] = "REQUEST_METHOD=POST";
static char	 env_reqid[] = "REQUEST_ID=fuzz-request";

static FILE	*devnull;	/* where replies go */

/* What the handler is told, and what it has to compare with. */
struct run {
	int		 full;		/* every check, not just the body */
	size_t		 cap;		/* for http_body() */
	const char	*vars[V__MAX];	/* values set, NULL: unset */
	const uint8_t	*data;		/* what stdin holds */
	size_t		 datalen;
	int		 handled;
};

/* ---- input and environment ---------------------------------------- */

static void
env_set(enum var v, const char *value)
{
	size_t	 n;

	if (value == NULL)
		return;
	n = strlen(var_names[v]) + strlen(value) + 2;
	if ((env_strs[v] = malloc(n)) == NULL)
		return;
	snprintf(env_strs[v], n, "%s=%s", var_names[v], value);
	putenv(env_strs[v]);
}

/* Unset first: the environment must not point at freed memory. */
static void
env_clear(void)
{
	int	 v;

	for (v = 0; v < V__MAX; v++) {
		unsetenv(var_names[v]);
		free(env_strs[v]);
		env_strs[v] = NULL;
	}
}

/*
 * stdin is a memfd (a temporary file where there is none) for the
 * whole process: each input truncates and refills it, so no run leaves
 * a descriptor behind.  http.c reads it with read(2) on descriptor 0,
 * never through the stdin FILE, so there is no stdio state to clear.
 */
static int
stdin_init(void)
{
	char	 path[] = "/tmp/fuzz_request.XXXXXX";
	int	 fd;

	if ((fd = memfd_create("fuzz_request", 0)) == -1 &&
	    (fd = mkstemp(path)) != -1)
		unlink(path);
	if (fd == -1)
		return -1;
	if (fd != STDIN_FILENO) {
		if (dup2(fd, STDIN_FILENO) == -1) {
			close(fd);
			return -1;
		}
		close(fd);
	}
	return 0;
}

static void
stdin_load(const uint8_t *p, size_t len)
{
	size_t	 off = 0;
	ssize_t	 n;

	FUZZ_ASSERT(ftruncate(STDIN_FILENO, 0) == 0);
	while (off < len) {
		n = pwrite(STDIN_FILENO, p + off, len - off, (off_t)off);
		if (n == -1 && errno == EINTR)
			continue;
		FUZZ_ASSERT(n > 0);
		off += (size_t)n;
	}
	FUZZ_ASSERT(lseek(STDIN_FILENO, 0, SEEK_SET) == 0);
}

static size_t
stdin_consumed(void)
{
	return (size_t)lseek(STDIN_FILENO, 0, SEEK_CUR);
}

/* ---- base64url and signatures ------------------------------------- */

#define B64URL \
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

static const char b64url_chars[] = B64URL;

/* Unpadded base64url of [in, in+len) into out (4 * len / 3 + 4). */
static size_t
b64url(const unsigned char *in, size_t len, char *out)
{
	size_t		 i, o = 0;
	unsigned int	 v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8 |
		    in[i + 2];
		out[o++] = b64url_chars[v >> 18 & 63];
		out[o++] = b64url_chars[v >> 12 & 63];
		out[o++] = b64url_chars[v >> 6 & 63];
		out[o++] = b64url_chars[v & 63];
	}
	if (len - i == 1) {
		v = (unsigned int)in[i] << 16;
		out[o++] = b64url_chars[v >> 18 & 63];
		out[o++] = b64url_chars[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (unsigned int)in[i] << 16 | (unsigned int)in[i + 1] << 8;
		out[o++] = b64url_chars[v >> 18 & 63];
		out[o++] = b64url_chars[v >> 12 & 63];
		out[o++] = b64url_chars[v >> 6 & 63];
	}
	out[o] = '\0';
	return o;
}

/*
 * Decode base64url leniently: every 8 bits become a byte and leftover
 * bits are dropped, whatever their value.  Returns the byte count, or
 * -1 for a character outside the alphabet or more than max bytes.
 */
static long
b64url_decode(const char *s, size_t len, unsigned char *out, size_t max)
{
	const char	*c;
	unsigned int	 acc = 0;
	size_t		 i, o = 0;
	int		 bits = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '\0' || (c = strchr(b64url_chars, s[i])) == NULL)
			return -1;
		acc = (acc << 6 | (unsigned int)(c - b64url_chars)) & 0xffff;
		if ((bits += 6) >= 8) {
			if (o == max)
				return -1;
			bits -= 8;
			out[o++] = (unsigned char)(acc >> bits);
		}
	}
	return (long)o;
}

/*
 * Is tok three segments whose last is HMAC-SHA256(key, header.payload)?
 *
 * The signature is decoded and compared as bytes, not the token
 * re-encoded and compared as text: libjwt 1.10 compares its own
 * canonical encoding as a string, but a verifier that decodes and
 * compares bytes is just as correct and would also take a last
 * character differing only in the two bits base64url leaves unused.
 * Both accept only tokens this returns 1 for, so it cannot raise a
 * false alarm on a correct implementation, while any token accepted
 * with another secret, another algorithm's MAC ("none", "RS256" or
 * "HS512" headers) or a truncated MAC fails it.
 */
static int
signed_by(const char *tok, const unsigned char *key, size_t klen)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE], sig[EVP_MAX_MD_SIZE + 1];
	unsigned int	 maclen = 0;
	const char	*d1, *d2;
	long		 n;

	if ((d1 = strchr(tok, '.')) == NULL ||
	    (d2 = strchr(d1 + 1, '.')) == NULL || strchr(d2 + 1, '.') != NULL)
		return 0;
	if (HMAC(EVP_sha256(), key, (int)klen, (const unsigned char *)tok,
	    (size_t)(d2 - tok), mac, &maclen) == NULL)
		return 0;
	n = b64url_decode(d2 + 1, strlen(d2 + 1), sig, sizeof(sig));
	return n == (long)maclen && memcmp(sig, mac, maclen) == 0;
}

/*
 * A compact token: base64url(header) "." payload "." the MAC of md (or
 * no signature when md is NULL) keyed with key over the first two.
 * Returns a string to free, or NULL.
 */
static char *
forge(const char *header, const char *payload, const EVP_MD *md,
    const unsigned char *key, size_t klen)
{
	unsigned char	 mac[EVP_MAX_MD_SIZE];
	unsigned int	 maclen = 0;
	size_t		 hlen = strlen(header), plen = strlen(payload), n;
	char		*t;

	n = 4 * hlen / 3 + 4 + 1 + plen + 1 + 4 * EVP_MAX_MD_SIZE / 3 + 4;
	if ((t = malloc(n)) == NULL)
		return NULL;
	n = b64url((const unsigned char *)header, hlen, t);
	t[n++] = '.';
	memcpy(t + n, payload, plen);
	n += plen;
	if (md != NULL && HMAC(md, key, (int)klen, (unsigned char *)t, n, mac,
	    &maclen) == NULL) {
		free(t);
		return NULL;
	}
	t[n++] = '.';
	b64url(mac, maclen, t + n);
	return t;
}

/* ---- sessions ------------------------------------------------------ */

static int
zeroed(const struct session *s)
{
	static const struct session	 zero;

	return memcmp(s, &zero, sizeof(zero)) == 0;
}

static int
same_session(const struct session *a, const struct session *b)
{
	return strcmp(a->sub, b->sub) == 0 && a->admin == b->admin &&
	    strcmp(a->name, b->name) == 0 && a->exp == b->exp;
}

/* What every result of auth_verify()/access_session() must satisfy. */
static void
check_result(enum auth_res res, const struct session *s, const char *tok)
{
	FUZZ_ASSERT((unsigned int)res < AUTH__MAX);
	if (res != AUTH_OK) {
		FUZZ_ASSERT(zeroed(s));
		return;
	}
	FUZZ_ASSERT(tok != NULL && strlen(tok) <= LIM_JWT);
	FUZZ_ASSERT(memchr(s->sub, '\0', sizeof(s->sub)) != NULL &&
	    valid_id(s->sub));
	FUZZ_ASSERT(memchr(s->name, '\0', sizeof(s->name)) != NULL);
	FUZZ_ASSERT(s->name[0] == '\0' || valid_text(s->name, LIM_NAME));
	FUZZ_ASSERT(s->admin == 0 || s->admin == 1);
	FUZZ_ASSERT(s->exp <= FUZZ_TIME_MAX && s->exp + FUZZ_SKEW > FUZZ_NOW);
	FUZZ_ASSERT(signed_by(tok, secret, SECRET_LEN));
	FUZZ_ASSERT(!signed_by(tok, secret2, SECRET2_LEN));
}

static enum auth_res
verify(const struct conf *cf, const char *tok, long long now,
    struct session *s)
{
	enum auth_res	 res;

	memset(s, 0xa5, sizeof(*s));	/* must be overwritten */
	res = auth_verify(cf, tok, now, s);
	if (now == FUZZ_NOW)
		check_result(res, s, tok);
	else
		FUZZ_ASSERT((unsigned int)res < AUTH__MAX &&
		    (res == AUTH_OK || zeroed(s)));
	return res;
}

/* A token that must never be accepted; tok may be NULL (no memory). */
static void
never_accepted(const struct conf *cf, char *tok)
{
	struct session	 s;

	if (tok != NULL)
		FUZZ_ASSERT(verify(cf, tok, FUZZ_NOW, &s) != AUTH_OK);
	free(tok);
}

/*
 * The body as a token, and its claims signed every which way.  The
 * claims are the payload segment when the body looks like a token
 * (base64url and dots only), else the body itself, base64url-encoded,
 * so seeds can hold readable JSON.
 */
static void
check_tokens(const char *body, const uint8_t *raw, size_t rawlen)
{
	static const struct conf *const cfs[] = { &cf_plain, &cf_ia };
	static const char hs256[] = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
	static const char hs256_notyp[] = "{\"alg\":\"HS256\"}";
	struct session	 s, sg, sn;
	enum auth_res	 res, rg, rn;
	const char	*d1, *d2;
	char		*payload = NULL, *good = NULL, *notyp = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(cfs) / sizeof(cfs[0]); i++) {
		FUZZ_ASSERT(verify(cfs[i], NULL, FUZZ_NOW, &s) == AUTH_NONE);
		FUZZ_ASSERT(verify(cfs[i], "", FUZZ_NOW, &s) == AUTH_NONE);
	}

	if (strspn(body, B64URL ".") == strlen(body) &&
	    (d1 = strchr(body, '.')) != NULL) {
		if ((d2 = strchr(d1 + 1, '.')) == NULL)
			d2 = d1 + 1 + strlen(d1 + 1);
		payload = strndup(d1 + 1, (size_t)(d2 - d1 - 1));
	} else if ((payload = malloc(4 * rawlen / 3 + 4)) != NULL)
		b64url(raw, rawlen, payload);
	if (payload == NULL)
		return;
	good = forge(hs256, payload, EVP_sha256(), secret, SECRET_LEN);
	notyp = forge(hs256_notyp, payload, EVP_sha256(), secret, SECRET_LEN);

	for (i = 0; i < sizeof(cfs) / sizeof(cfs[0]); i++) {
		const struct conf *cf = cfs[i];

		res = verify(cf, body, FUZZ_NOW, &s);
		if (good == NULL || notyp == NULL)
			continue;
		rg = verify(cf, good, FUZZ_NOW, &sg);
		rn = verify(cf, notyp, FUZZ_NOW, &sn);
		/* Neither typ nor other header bytes change the verdict. */
		if (strlen(good) <= LIM_JWT) {
			FUZZ_ASSERT(rg == rn);
			if (rg == AUTH_OK)
				FUZZ_ASSERT(same_session(&sg, &sn));
			if (res == AUTH_OK)
				FUZZ_ASSERT(rg == AUTH_OK &&
				    same_session(&s, &sg));
		}
		if (rg == AUTH_OK) {
			/* Valid up to exp + skew - 1, expired from then. */
			FUZZ_ASSERT(verify(cf, good, sg.exp + FUZZ_SKEW - 1,
			    &s) == AUTH_OK && same_session(&s, &sg));
			FUZZ_ASSERT(verify(cf, good, sg.exp + FUZZ_SKEW,
			    &s) == AUTH_EXPIRED);
		}

		never_accepted(cf, forge(hs256, payload, EVP_sha256(),
		    secret2, SECRET2_LEN));
		never_accepted(cf, forge("{\"alg\":\"none\"}", payload, NULL,
		    NULL, 0));
		never_accepted(cf, forge("{\"alg\":\"none\"}", payload,
		    EVP_sha256(), secret, SECRET_LEN));
		never_accepted(cf, forge("{\"alg\":\"RS256\",\"typ\":\"JWT\"}",
		    payload, EVP_sha256(), secret, SECRET_LEN));
		never_accepted(cf, forge("{\"alg\":\"HS384\",\"typ\":\"JWT\"}",
		    payload, EVP_sha384(), secret, SECRET_LEN));
		never_accepted(cf, forge("{\"alg\":\"HS512\",\"typ\":\"JWT\"}",
		    payload, EVP_sha512(), secret, SECRET_LEN));
	}
	free(good);
	free(notyp);
	free(payload);
}

/* ---- the request --------------------------------------------------- */

/* All digits: 1, with the value (capped past FUZZ_CL_MAX); else 0. */
static int
digits_value(const char *s, unsigned long long *v)
{
	*v = 0;
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		if (*v <= FUZZ_CL_MAX)
			*v = *v * 10 + (unsigned long long)(*s - '0');
	}
	return 1;
}

static void
check_body(struct req *r, const struct run *run)
{
	const char		*cl = run->vars[V_CL];
	unsigned long long	 declared = 0;
	enum http_body_res	 res, want;
	size_t			 consumed;
	int			 exact;

	res = http_body(r, run->cap);
	consumed = stdin_consumed();
	FUZZ_ASSERT((unsigned int)res < HTTP_BODY__MAX);
	if (res == HTTP_BODY_OK) {
		FUZZ_ASSERT(r->body != NULL && r->bodylen <= run->cap);
		FUZZ_ASSERT(r->body[r->bodylen] == '\0');
		FUZZ_ASSERT(r->bodylen <= run->datalen &&
		    memcmp(r->body, run->data, r->bodylen) == 0);
		FUZZ_ASSERT(consumed == r->bodylen);
	} else
		FUZZ_ASSERT(r->body == NULL && r->bodylen == 0);

	exact = cl == NULL || *cl == '\0' || digits_value(cl, &declared);
	if (exact) {
		if (declared > FUZZ_CL_MAX)
			want = HTTP_BODY_BAD;
		else if (declared > run->cap)
			want = HTTP_BODY_TOO_LARGE;
		else if (declared > run->datalen)
			want = HTTP_BODY_BAD;
		else
			want = HTTP_BODY_OK;
		FUZZ_ASSERT(res == want);
		if (res == HTTP_BODY_OK)
			FUZZ_ASSERT(r->bodylen == declared);
		if (declared <= FUZZ_CL_MAX && declared > run->cap)
			FUZZ_ASSERT(consumed == 0);	/* refused unread */
	} else
		/* Content-Length is 1*DIGIT: "\v5", "-0", "+5" are refused. */
		FUZZ_ASSERT(res == HTTP_BODY_BAD);

	/* Asking again answers the same, never a refusal turned OK. */
	if (res == HTTP_BODY_OK) {
		const char	*body = r->body;
		size_t		 len = r->bodylen;

		FUZZ_ASSERT(http_body(r, run->cap) == HTTP_BODY_OK);
		FUZZ_ASSERT(r->body == body && r->bodylen == len &&
		    stdin_consumed() == consumed);
	} else
		FUZZ_ASSERT(http_body(r, run->cap) != HTTP_BODY_OK);
}

/* Is ct that media type, with only spaces, tabs and parameters added? */
static int
media_type_is(const char *ct, const char *type)
{
	size_t	 n = strlen(type);

	ct += strspn(ct, " \t");
	if (strncasecmp(ct, type, n) != 0)
		return 0;
	ct += n;
	ct += strspn(ct, " \t");
	return *ct == '\0' || *ct == ';';
}

static void
check_content_type(const struct req *r, const struct run *run)
{
	static const char *const types[] = {
		"application/json",
		"application/sdp",
		"application/trickle-ice-sdpfrag",
	};
	const char	*ct = run->vars[V_CT];
	size_t		 i;
	int		 is;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		is = http_content_type_is(r, types[i]);
		FUZZ_ASSERT(is == 0 || is == 1);
		if (is)
			FUZZ_ASSERT(ct != NULL && media_type_is(ct, types[i]));
		if (ct != NULL && strcasecmp(ct, types[i]) == 0)
			FUZZ_ASSERT(is == 1);
	}
}

/* The first name of a "name=value" list, if short and plain. */
static int
first_name(const char *s, const char *skip, const char *stop, char *out,
    size_t outsz)
{
	size_t	 n;

	s += strspn(s, skip);
	n = strcspn(s, stop);
	if (n == 0 || n >= outsz)
		return 0;
	memcpy(out, s, n);
	out[n] = '\0';
	return 1;
}

/* Percent-encode everything but unreserved characters. */
static void
pct_encode(const char *s, char *out)
{
	static const char	 hex[] = "0123456789ABCDEF";
	const unsigned char	*p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p) != NULL)
			*out++ = (char)*p;
		else {
			*out++ = '%';
			*out++ = hex[*p >> 4];
			*out++ = hex[*p & 15];
		}
	}
	*out = '\0';
}

typedef int (*lookup_fn)(const struct req *, const char *, char *, size_t);

/*
 * A lookup (http_query or http_cookie) for key at several output sizes,
 * each an exact allocation so a write past it is caught.  maxsz fits
 * any value under the limit.  Returns the result at maxsz, the value
 * (when 1) in vmax.
 */
static int
lookup_sizes(const struct req *r, lookup_fn fn, const char *key,
    char *vmax, size_t maxsz)
{
	static const size_t	 sizes[] = { 1, 2, 8, 65 };
	size_t			 i, vlen = 0;
	char			*out;
	int			 rmax, rc;

	memset(vmax, 'Z', maxsz);
	rmax = fn(r, key, vmax, maxsz);
	FUZZ_ASSERT(rmax >= -1 && rmax <= 1);
	if (rmax == 1) {
		FUZZ_ASSERT(memchr(vmax, '\0', maxsz) != NULL);
		vlen = strlen(vmax);
	}
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if ((out = malloc(sizes[i])) == NULL)
			continue;
		memset(out, 'Z', sizes[i]);
		rc = fn(r, key, out, sizes[i]);
		if (rmax == 1) {
			FUZZ_ASSERT(rc == (vlen < sizes[i] ? 1 : -1));
			if (rc == 1)
				FUZZ_ASSERT(memchr(out, '\0', sizes[i]) !=
				    NULL && strcmp(out, vmax) == 0);
		} else
			FUZZ_ASSERT(rc == rmax);
		free(out);
	}
	return rmax;
}

static void
check_query(struct req *r, const struct run *run)
{
	static const char *const keys[] = {
		"memorialId", "status", "limit", "cursor", NULL,
	};
	static char	 vmax[LIM_QUERY + 1], v2[LIM_QUERY + 1];
	static char	 enc[3 * (LIM_QUERY + 64) + 2];
	char		 own[33];
	const char	*key, *saved;
	size_t		 i, n;
	int		 rc;

	FUZZ_ASSERT(r->query != NULL);
	FUZZ_ASSERT(strcmp(r->query, run->vars[V_QS] != NULL ?
	    run->vars[V_QS] : "") == 0);
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if ((key = keys[i]) == NULL) {
			/* The query's first name, when it needs no decoding. */
			if (!first_name(r->query, "&", "=&", own,
			    sizeof(own)) || strpbrk(own, "%+") != NULL)
				continue;
			key = own;
		}
		rc = lookup_sizes(r, http_query, key, vmax, sizeof(vmax));
		if (strlen(r->query) > LIM_QUERY)
			FUZZ_ASSERT(rc == -1);
		if (rc != 1)
			continue;
		/* key=value, encoded again, decodes to the same value. */
		pct_encode(key, enc);
		n = strlen(enc);
		enc[n++] = '=';
		pct_encode(vmax, enc + n);
		if (strlen(enc) > LIM_QUERY)
			continue;
		saved = r->query;
		r->query = enc;
		rc = http_query(r, key, v2, sizeof(v2));
		r->query = saved;
		FUZZ_ASSERT(rc == 1 && strcmp(v2, vmax) == 0);
	}
}

static void
check_cookie(const struct req *r, const struct run *run)
{
	static const char *const names[] = { "session", "sid", "a", NULL };
	static char	 vmax[LIM_COOKIE + 1];
	const char	*hdr = run->vars[V_COOKIE], *name;
	char		 own[33];
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if ((name = names[i]) == NULL) {
			/* The header's first name. */
			if (hdr == NULL ||
			    !first_name(hdr, " ;", "=;", own, sizeof(own)))
				continue;
			name = own;
		}
		rc = lookup_sizes(r, http_cookie, name, vmax, sizeof(vmax));
		/* At the full size only an oversize header is -1. */
		FUZZ_ASSERT((rc == -1) ==
		    (hdr != NULL && strlen(hdr) > LIM_COOKIE));
		if (hdr == NULL)
			FUZZ_ASSERT(rc == 0);
		if (rc == 1)
			FUZZ_ASSERT(strstr(hdr, vmax) != NULL &&
			    strchr(vmax, ';') == NULL);
	}
}

static void
check_bearer(const struct req *r, const struct run *run)
{
	const char	*a = run->vars[V_AUTH], *b, *t = NULL;

	if (a != NULL && strncasecmp(a, "Bearer ", 7) == 0) {
		t = a + 7 + strspn(a + 7, " ");
		if (*t == '\0')
			t = NULL;
	}
	b = http_bearer(r);
	if (t == NULL)
		FUZZ_ASSERT(b == NULL);
	else
		FUZZ_ASSERT(b != NULL && strcmp(b, t) == 0);
}

static void
check_path(const struct req *r)
{
	static const char *const prefixes[] = {
		"/api/streams/", "/api/memorials/", "/whip/", "/", "",
	};
	const char	*rest;
	size_t		 i, n;

	FUZZ_ASSERT(r->path != NULL && r->path[0] == '/' &&
	    strchr(r->path, '?') == NULL);
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		rest = http_path_after(r, prefixes[i]);
		if (strncmp(r->path, prefixes[i], n) == 0)
			FUZZ_ASSERT(rest == r->path + n);
		else
			FUZZ_ASSERT(rest == NULL);
	}
}

static void
check_session(const struct req *r)
{
	static const struct conf *const cfs[] = { &cf_plain, &cf_ia };
	static char	 cookie[LIM_COOKIE + 1];
	struct session	 s, s2;
	enum auth_res	 res, want;
	const char	*tok;
	size_t		 i;

	for (i = 0; i < sizeof(cfs) / sizeof(cfs[0]); i++) {
		memset(&s, 0xa5, sizeof(s));
		res = access_session(cfs[i], r, FUZZ_NOW, &s);
		if ((tok = http_bearer(r)) == NULL) {
			switch (http_cookie(r, cfs[i]->cookie_name, cookie,
			    sizeof(cookie))) {
			case 1:
				tok = cookie;
				break;
			case 0:
				FUZZ_ASSERT(res == AUTH_NONE);
				break;
			default:
				FUZZ_ASSERT(res == AUTH_BAD);
				break;
			}
		}
		check_result(res, &s, tok);
		if (tok == NULL)
			continue;
		want = verify(cfs[i], tok, FUZZ_NOW, &s2);
		FUZZ_ASSERT(res == want);
		if (res == AUTH_OK)
			FUZZ_ASSERT(same_session(&s, &s2));
	}
}

static void
handle(struct req *r, void *arg)
{
	struct run	*run = arg;
	FILE		*out = stdout;

	run->handled = 1;
	check_body(r, run);
	if (run->full) {
		check_content_type(r, run);
		check_query(r, run);
		check_cookie(r, run);
		check_bearer(r, run);
		check_path(r);
		check_session(r);
	}
	/* The reply to /dev/null; FUZZ_ASSERT still reports on stdout. */
	if (devnull != NULL)
		stdout = devnull;
	http_reply_empty(r, 204);
	stdout = out;
}

static const struct http_ops	 ops = { NULL, NULL, handle };

/* One CGI request, as a program started without -s would serve it. */
static void
serve(struct run *run)
{
	static char	 prog[] = "fuzz_request";
	char		*argv[] = { prog, NULL };

	run->handled = 0;
	FUZZ_ASSERT(http_serve(1, argv, &ops, run) == 0);
	FUZZ_ASSERT(run->handled);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int	 v;

	(void)argc;
	(void)argv;
	fuzz_quiet();
	if ((devnull = fopen("/dev/null", "w")) == NULL ||
	    stdin_init() == -1) {
		fprintf(stdout, "fuzz_request: cannot set up stdin\n");
		exit(1);
	}
	for (v = 0; v < V__MAX; v++)
		unsetenv(var_names[v]);
	unsetenv("DOCUMENT_URI");
	putenv(env_method);
	putenv(env_reqid);

	cf_plain.cookie_name = cookie_name;
	cf_plain.jwt_alg = CONF_JWT_HS256;
	cf_plain.jwt_key = secret;
	cf_plain.jwt_key_len = SECRET_LEN;
	cf_ia = cf_plain;
	cf_ia.jwt_issuer = issuer;
	cf_ia.jwt_audience = audience;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t	*p = data, *end = data + size;
	struct run	 run;
	char		*lines[5] = { NULL }, *body = NULL, *q;
	size_t		 len, i;

	memset(&run, 0, sizeof(run));
	for (i = 0; i < 5; i++)
		lines[i] = fuzz_line(&p, end);
	/* The body: the rest, exactly, NUL-terminated for the token. */
	len = p != NULL ? (size_t)(end - p) : 0;
	if ((body = malloc(len + 1)) == NULL)
		goto out;
	if (len > 0)
		memcpy(body, p, len);
	body[len] = '\0';

	run.vars[V_CL] = lines[0];
	run.vars[V_CT] = lines[1];
	run.vars[V_URI] = lines[2];
	if (lines[2] != NULL && (q = strchr(lines[2], '?')) != NULL)
		run.vars[V_QS] = q + 1;
	run.vars[V_COOKIE] = lines[3];
	run.vars[V_AUTH] = lines[4];
	for (i = 0; i < V__MAX; i++)
		env_set((enum var)i, run.vars[i]);
	run.data = (const uint8_t *)body;
	run.datalen = len;

	stdin_load(run.data, run.datalen);
	run.full = 1;
	run.cap = LIM_BODY_API;
	serve(&run);

	FUZZ_ASSERT(lseek(STDIN_FILENO, 0, SEEK_SET) == 0);
	run.full = 0;
	run.cap = FUZZ_SMALL_CAP;
	serve(&run);
	env_clear();

	check_tokens(body, run.data, run.datalen);
out:
	env_clear();
	for (i = 0; i < 5; i++)
		free(lines[i]);
	free(body);
	return 0;
}
