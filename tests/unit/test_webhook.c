/*
 * test_webhook.c: lib/webhook.c, signature checks for inbound webhooks.
 *
 * Every vector of shared/specs/webhook-test-vectors.json is checked
 * (both providers), with `now` set to the vector's own timestamp so the
 * 300 s window holds.  The file is read at run time from
 * ../shared/specs relative to the repository root (where make runs
 * us), or from $VIGIL_SPECS_DIR; when it cannot be found the test
 * FAILS rather than skips, so a moved file cannot silently turn the
 * vectors off.  Then a table of hand-made headers around the same
 * vectors: several v1, only v2, missing/duplicate/non-numeric t, the
 * window's edges both ways, wrong secret, a body altered by one byte,
 * header length limits, spaces after commas, empty secrets, upper-case
 * hex, and the cf-webhook-auth shared secret.
 *
 * Upper-case hex: Mux and Cloudflare both send lower-case hex, and
 * Mux's own SDK compares the hex strings byte for byte, so an
 * upper-case signature is refused (WEBHOOK_MISMATCH).  We do the same
 * on purpose: there is one spelling of a valid signature, and nothing
 * legitimate ever sends another.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "compat.h"
#include "log.h"
#include "vlimits.h"
#include "webhook.h"

#include "unit.h"

#define VECTORS		"webhook-test-vectors.json"

/* The first Mux vector (muxinc/mux-node-sdk tests). */
#define MUX_SECRET	"SuperSecret123"
#define MUX_T		"1565125718"
#define MUX_T_NUM	1565125718LL
#define MUX_BODY	"{\"test\":\"body\"}"
#define MUX_SIG		"854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a7"
#define MUX_SIG_UC	"854ECE4C22ACEF7C66B57D4E504153BC512595E8E9C772ECE2A68150548C19A7"
#define MUX_OK		"t=" MUX_T ",v1=" MUX_SIG

/* The Cloudflare vector: only its header; the body comes from the file. */
#define CF_SECRET	"85011ed3a913c6ad5f9cf6c5573cc0a7"
#define CF_TIME		"1230811200"
#define CF_TIME_NUM	1230811200LL
#define CF_SIG		"1bd9fcac864181467811ffc0ea0bca367fca5ddf565876a4fbbdb84076fa33c8"

/* Read a whole file; NULL when it cannot be read. */
static char *
slurp(const char *path)
{
	FILE	*f;
	char	*p = NULL, *np;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 16384;
			if (cap > 4 * 1024 * 1024 ||
			    (np = realloc(p, cap + 1)) == NULL) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = np;
		}
		if ((n = fread(p + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	p[len] = '\0';
	return p;
}

/*
 * The vectors file: $VIGIL_SPECS_DIR, else ../shared/specs from the
 * repository root (the current directory under make), else the same
 * relative to the program (build/tests/x: the root is two up).
 */
static char *
load_vectors(const char *argv0)
{
	const char	*dir = getenv("VIGIL_SPECS_DIR");
	char		 path[2048], prog[1024], *p, *slash;

	if (dir != NULL && *dir != '\0') {
		snprintf(path, sizeof(path), "%s/%s", dir, VECTORS);
		if ((p = slurp(path)) == NULL)
			fprintf(stderr, "cannot read %s\n", path);
		return p;
	}
	snprintf(path, sizeof(path), "../shared/specs/%s", VECTORS);
	if ((p = slurp(path)) != NULL)
		return p;
	if (argv0 != NULL && strlcpy(prog, argv0, sizeof(prog)) <
	    sizeof(prog) && (slash = strrchr(prog, '/')) != NULL) {
		*slash = '\0';
		snprintf(path, sizeof(path), "%s/../../../shared/specs/%s",
		    prog, VECTORS);
		if ((p = slurp(path)) != NULL)
			return p;
	}
	fprintf(stderr, "cannot find %s: run from the repository root or "
	    "set VIGIL_SPECS_DIR\n", VECTORS);
	return NULL;
}

static const char *
str(const cJSON *o, const char *key)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
}

static long long
num(const char *s)
{
	const char	*errstr;
	long long	 v;

	v = strtonum(s != NULL ? s : "", 1, 1LL << 40, &errstr);
	return errstr == NULL ? v : -1;
}

/* Every vector in the file, as the file says it should come out. */
static void
test_vectors(const cJSON *doc)
{
	const cJSON	*vs, *v, *ready;
	const char	*secret, *ts, *body, *hv, *sig, *expect;
	char		 hdr[LIM_SIG_HEADER + 1], *compact;
	enum webhook_res want;
	int		 n = 0;

	/* Cloudflare Stream: Webhook-Signature time=...,sig1=... */
	vs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "cloudflare"),
	    "stream_webhook_signature"), "vectors");
	CHECK(cJSON_IsArray(vs) && cJSON_GetArraySize(vs) >= 1);
	cJSON_ArrayForEach(v, vs) {
		secret = str(v, "secret");
		ts = str(v, "time");
		body = str(v, "body");
		hv = str(v, "header_value");
		sig = str(v, "sig1");
		CHECK(secret != NULL && ts != NULL && body != NULL &&
		    hv != NULL && sig != NULL);
		if (secret == NULL || ts == NULL || body == NULL ||
		    hv == NULL || sig == NULL)
			continue;
		/* The header is exactly time=...,sig1=... */
		snprintf(hdr, sizeof(hdr), "time=%s,sig1=%s", ts, sig);
		CHECK_STR(hdr, hv);
		CHECK(webhook_verify(WEBHOOK_CLOUDFLARE, hv, body,
		    strlen(body), secret, num(ts)) == WEBHOOK_OK);
		/* The same header under Mux's scheme has no t: malformed. */
		CHECK(webhook_verify(WEBHOOK_MUX, hv, body, strlen(body),
		    secret, num(ts)) == WEBHOOK_MALFORMED);
		n++;
	}

	/*
	 * The signed body is the docs' "video ready" example serialised
	 * compactly: cJSON's compact print of the verbatim object gives
	 * the same bytes, so the signature covers the payload test_event
	 * and test_ledger use.
	 */
	ready = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "cloudflare"),
	    "stream_webhook_video_ready"), "body");
	compact = ready != NULL ? cJSON_PrintUnformatted(ready) : NULL;
	v = cJSON_GetArrayItem(vs, 0);
	CHECK(compact != NULL && str(v, "body") != NULL &&
	    strcmp(compact, str(v, "body")) == 0);
	if (compact != NULL)
		CHECK(webhook_verify(WEBHOOK_CLOUDFLARE, str(v,
		    "header_value"), compact, strlen(compact), CF_SECRET,
		    CF_TIME_NUM) == WEBHOOK_OK);
	free(compact);

	/* Mux: Mux-Signature t=...,v1=...[,v1=...] */
	vs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, "mux"), "signature"),
	    "vectors");
	CHECK(cJSON_IsArray(vs) && cJSON_GetArraySize(vs) >= 4);
	cJSON_ArrayForEach(v, vs) {
		secret = str(v, "secret");
		ts = str(v, "t");
		body = str(v, "body");
		hv = str(v, "header_value");
		expect = str(v, "expect");
		CHECK(secret != NULL && ts != NULL && body != NULL &&
		    hv != NULL);
		if (secret == NULL || ts == NULL || body == NULL ||
		    hv == NULL)
			continue;
		if (expect == NULL || strcmp(expect, "valid") == 0)
			want = WEBHOOK_OK;
		else {
			/* "invalid": only a v2, i.e. no v1 at all. */
			CHECK_STR(expect, "invalid");
			want = WEBHOOK_MALFORMED;
		}
		if ((sig = str(v, "v1")) != NULL) {
			snprintf(hdr, sizeof(hdr), "t=%s,v1=%s", ts, sig);
			CHECK_STR(hdr, hv);
		}
		CHECK(webhook_verify(WEBHOOK_MUX, hv, body, strlen(body),
		    secret, num(ts)) == want);
		/* Never valid under the other provider's scheme. */
		CHECK(webhook_verify(WEBHOOK_CLOUDFLARE, hv, body,
		    strlen(body), secret, num(ts)) == WEBHOOK_MALFORMED);
		n++;
	}
	CHECK(n >= 5);
	CHECK(cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    doc, "mux"), "signature"), "tolerance_seconds_in_official_sdk")) ==
	    LIM_WEBHOOK_SKEW);
}

struct sig_case {
	const char		*name;
	enum webhook_scheme	 scheme;
	const char		*header;	/* NULL: absent */
	const char		*body;		/* NULL: the Mux vector's */
	const char		*secret;	/* NULL: absent */
	long long		 now;
	enum webhook_res	 want;
};

#define M	WEBHOOK_MUX
#define C	WEBHOOK_CLOUDFLARE

static const struct sig_case sig_cases[] = {
	{ "mux vector", M, MUX_OK, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "several v1, the valid one last", M, "t=" MUX_T ",v1=invalid-sig,"
	    "v1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "several v1, the valid one first", M, "t=" MUX_T ",v1=" MUX_SIG
	    ",v1=0000000000000000000000000000000000000000000000000000000000000000",
	    NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "several v1, none valid", M, "t=" MUX_T ",v1=aa,v1=bb", NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "v0 and v2 beside a valid v1 are ignored", M, "t=" MUX_T ",v0=x,"
	    "v1=" MUX_SIG ",v2=y", NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "only v2", M, "t=" MUX_T ",v2=" MUX_SIG, NULL, MUX_SECRET,
	    MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "v1 before t", M, "v1=" MUX_SIG ",t=" MUX_T, NULL, MUX_SECRET,
	    MUX_T_NUM, WEBHOOK_OK },
	{ "missing t", M, "v1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MALFORMED },
	{ "upper-case T is not t", M, "T=" MUX_T ",v1=" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "duplicate t, same value", M, "t=" MUX_T ",t=" MUX_T ",v1="
	    MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "duplicate t, other value", M, "t=" MUX_T ",v1=" MUX_SIG
	    ",t=1565125719", NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "non-numeric t", M, "t=abc,v1=" MUX_SIG, NULL, MUX_SECRET,
	    MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "t with trailing junk", M, "t=" MUX_T "x,v1=" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "t with a sign", M, "t=+" MUX_T ",v1=" MUX_SIG, NULL, MUX_SECRET,
	    MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "negative t", M, "t=-" MUX_T ",v1=" MUX_SIG, NULL, MUX_SECRET,
	    -MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "empty t", M, "t=,v1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MALFORMED },
	{ "t zero", M, "t=0,v1=" MUX_SIG, NULL, MUX_SECRET, 0,
	    WEBHOOK_MALFORMED },
	{ "t absurdly large", M, "t=99999999999999999999,v1=" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "t longer than any timestamp", M, "t=000000000000000000000000001"
	    MUX_T ",v1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MALFORMED },
	{ "stale: 301 s old", M, MUX_OK, NULL, MUX_SECRET, MUX_T_NUM + 301,
	    WEBHOOK_STALE },
	{ "stale: 301 s in the future", M, MUX_OK, NULL, MUX_SECRET,
	    MUX_T_NUM - 301, WEBHOOK_STALE },
	{ "edge: exactly 300 s old", M, MUX_OK, NULL, MUX_SECRET,
	    MUX_T_NUM + 300, WEBHOOK_OK },
	{ "edge: exactly 300 s in the future", M, MUX_OK, NULL, MUX_SECRET,
	    MUX_T_NUM - 300, WEBHOOK_OK },
	{ "stale and forged: stale wins", M, "t=" MUX_T ",v1=00", NULL,
	    MUX_SECRET, MUX_T_NUM + 1000, WEBHOOK_STALE },
	{ "wrong secret", M, MUX_OK, NULL, "SuperSecret124", MUX_T_NUM,
	    WEBHOOK_MISMATCH },
	{ "the other provider's secret", M, MUX_OK, NULL, CF_SECRET,
	    MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "body altered by one byte", M, MUX_OK, "{\"test\":\"bodz\"}",
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "body with a byte added", M, MUX_OK, "{\"test\":\"body\"} ",
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "empty body", M, MUX_OK, "", MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MISMATCH },
	{ "signature for another t", M, "t=1565125717,v1=" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "spaces after commas", M, "t=" MUX_T ", v1=" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "several spaces after commas", M, "t=" MUX_T ",   v1=bad,  v1="
	    MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "leading space", M, " t=" MUX_T ",v1=" MUX_SIG, NULL, MUX_SECRET,
	    MUX_T_NUM, WEBHOOK_OK },
	{ "space before a comma is part of the value", M, "t=" MUX_T
	    " ,v1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "space after = is part of the value", M, "t=" MUX_T ",v1= "
	    MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "trailing comma", M, MUX_OK ",", NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_OK },
	{ "empty element", M, "t=" MUX_T ",,v1=" MUX_SIG, NULL, MUX_SECRET,
	    MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "element without =", M, "t=" MUX_T ",v1" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "semicolons are not separators", M, "t=" MUX_T ";v1=" MUX_SIG,
	    NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "upper-case hex is refused", M, "t=" MUX_T ",v1=" MUX_SIG_UC, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "signature one digit short", M, "t=" MUX_T ",v1="
	    "854ece4c22acef7c66b57d4e504153bc512595e8e9c772ece2a68150548c19a",
	    NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "signature one digit long", M, MUX_OK "7", NULL, MUX_SECRET,
	    MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "empty v1", M, "t=" MUX_T ",v1=", NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MISMATCH },
	{ "eight v1, the last valid", M, "t=" MUX_T ",v1=1,v1=2,v1=3,v1=4,"
	    "v1=5,v1=6,v1=7,v1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_OK },
	{ "nine v1 is too many", M, "t=" MUX_T ",v1=1,v1=2,v1=3,v1=4,v1=5,"
	    "v1=6,v1=7,v1=8,v1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MALFORMED },
	{ "empty secret", M, MUX_OK, NULL, "", MUX_T_NUM, WEBHOOK_MISSING },
	{ "no secret", M, MUX_OK, NULL, NULL, MUX_T_NUM, WEBHOOK_MISSING },
	{ "no header", M, NULL, NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MISSING },
	{ "empty header", M, "", NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MISSING },
	{ "garbage header", M, "garbage", NULL, MUX_SECRET, MUX_T_NUM,
	    WEBHOOK_MALFORMED },
	/* Cloudflare's keys are time and sig1. */
	{ "cf: time/sig1 keys with the Mux scheme", M, "time=" MUX_T
	    ",sig1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "cf: a Mux header under the Cloudflare scheme", C, MUX_OK, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "cf: Mux's vector signed under time/sig1", C, "time=" MUX_T
	    ",sig1=" MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "cf: sig1 before time, with a space", C, "sig1=" MUX_SIG ", time="
	    MUX_T, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_OK },
	{ "cf: only sig2", C, "time=" MUX_T ",sig2=" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "cf: stale", C, "time=" MUX_T ",sig1=" MUX_SIG, NULL, MUX_SECRET,
	    MUX_T_NUM + 301, WEBHOOK_STALE },
	{ "cf: future", C, "time=" MUX_T ",sig1=" MUX_SIG, NULL, MUX_SECRET,
	    MUX_T_NUM - 301, WEBHOOK_STALE },
	{ "cf: wrong secret", C, "time=" MUX_T ",sig1=" MUX_SIG, NULL,
	    CF_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
	{ "cf: empty secret", C, "time=" MUX_T ",sig1=" MUX_SIG, NULL, "",
	    MUX_T_NUM, WEBHOOK_MISSING },
	{ "cf: duplicate time", C, "time=" MUX_T ",time=" MUX_T ",sig1="
	    MUX_SIG, NULL, MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "cf: non-numeric time", C, "time=now,sig1=" MUX_SIG, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MALFORMED },
	{ "cf: upper-case hex", C, "time=" MUX_T ",sig1=" MUX_SIG_UC, NULL,
	    MUX_SECRET, MUX_T_NUM, WEBHOOK_MISMATCH },
};

static void
test_sig_cases(void)
{
	const struct sig_case	*c;
	const char		*body;
	enum webhook_res	 got;
	size_t			 i;

	for (i = 0; i < sizeof(sig_cases) / sizeof(sig_cases[0]); i++) {
		c = &sig_cases[i];
		body = c->body != NULL ? c->body : MUX_BODY;
		got = webhook_verify(c->scheme, c->header, body, strlen(body),
		    c->secret, c->now);
		CHECK(got == c->want);
		if (got != c->want)
			fprintf(stderr, "  case \"%s\": got %s, want %s\n",
			    c->name, got < WEBHOOK__MAX ?
			    webhook_res_names[got] : "?",
			    webhook_res_names[c->want]);
	}

	/* The length is the body's, not strlen: a NUL inside is signed. */
	CHECK(webhook_verify(M, MUX_OK, MUX_BODY "\0junk", sizeof(MUX_BODY) +
	    4, MUX_SECRET, MUX_T_NUM) == WEBHOOK_MISMATCH);
	CHECK(webhook_verify(M, MUX_OK, MUX_BODY "\0junk", sizeof(MUX_BODY) -
	    1, MUX_SECRET, MUX_T_NUM) == WEBHOOK_OK);
	/* One byte short of the body. */
	CHECK(webhook_verify(M, MUX_OK, MUX_BODY, sizeof(MUX_BODY) - 2,
	    MUX_SECRET, MUX_T_NUM) == WEBHOOK_MISMATCH);
}

/* Headers at LIM_SIG_HEADER bytes pass; one more is malformed. */
static void
test_header_limit(void)
{
	char	 hdr[LIM_SIG_HEADER + 64];
	size_t	 n;

	/* A valid header padded with an ignored v0 to exactly the limit. */
	n = strlcpy(hdr, MUX_OK ",v0=", sizeof(hdr));
	while (n < LIM_SIG_HEADER)
		hdr[n++] = 'a';
	hdr[n] = '\0';
	CHECK(strlen(hdr) == LIM_SIG_HEADER);
	CHECK(webhook_verify(M, hdr, MUX_BODY, strlen(MUX_BODY), MUX_SECRET,
	    MUX_T_NUM) == WEBHOOK_OK);
	hdr[n++] = 'a';
	hdr[n] = '\0';
	CHECK(strlen(hdr) == LIM_SIG_HEADER + 1);
	CHECK(webhook_verify(M, hdr, MUX_BODY, strlen(MUX_BODY), MUX_SECRET,
	    MUX_T_NUM) == WEBHOOK_MALFORMED);

	/* The same with the valid v1 last (it is never reached). */
	n = strlcpy(hdr, "t=" MUX_T ",v0=", sizeof(hdr));
	while (n < LIM_SIG_HEADER + 1 - strlen(",v1=" MUX_SIG))
		hdr[n++] = 'b';
	hdr[n] = '\0';
	strlcpy(hdr + n, ",v1=" MUX_SIG, sizeof(hdr) - n);
	CHECK(strlen(hdr) == LIM_SIG_HEADER + 1);
	CHECK(webhook_verify(M, hdr, MUX_BODY, strlen(MUX_BODY), MUX_SECRET,
	    MUX_T_NUM) == WEBHOOK_MALFORMED);
	hdr[n - 1] = '\0';
	strlcpy(hdr + n - 1, ",v1=" MUX_SIG, sizeof(hdr) - n + 1);
	CHECK(strlen(hdr) == LIM_SIG_HEADER);
	CHECK(webhook_verify(M, hdr, MUX_BODY, strlen(MUX_BODY), MUX_SECRET,
	    MUX_T_NUM) == WEBHOOK_OK);

	/* A 4 KiB header: refused before it is split. */
	memset(hdr, 0, sizeof(hdr));
	{
		char	*big = malloc(4097);

		CHECK(big != NULL);
		if (big != NULL) {
			memset(big, ',', 4096);
			memcpy(big, MUX_OK, strlen(MUX_OK));
			big[4096] = '\0';
			CHECK(webhook_verify(M, big, MUX_BODY,
			    strlen(MUX_BODY), MUX_SECRET, MUX_T_NUM) ==
			    WEBHOOK_MALFORMED);
			CHECK(webhook_shared_secret(big, "s") ==
			    WEBHOOK_MALFORMED);
			free(big);
		}
	}
}

struct shared_case {
	const char		*header;
	const char		*secret;
	enum webhook_res	 want;
};

static const struct shared_case shared_cases[] = {
	{ "s3cret-value", "s3cret-value", WEBHOOK_OK },
	{ "s3cret-valuf", "s3cret-value", WEBHOOK_MISMATCH },
	{ "s3cret-valu", "s3cret-value", WEBHOOK_MISMATCH },
	{ "s3cret-value ", "s3cret-value", WEBHOOK_MISMATCH },
	{ "S3CRET-VALUE", "s3cret-value", WEBHOOK_MISMATCH },
	{ "", "s3cret-value", WEBHOOK_MISMATCH },
	{ NULL, "s3cret-value", WEBHOOK_MISSING },
	{ "s3cret-value", "", WEBHOOK_MISSING },
	{ "", "", WEBHOOK_MISSING },
	{ "s3cret-value", NULL, WEBHOOK_MISSING },
	{ NULL, NULL, WEBHOOK_MISSING },
	{ "x", "x", WEBHOOK_OK },
	/* Longer than a SHA-256 hex: still compared in full. */
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef", "0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef", WEBHOOK_OK },
	{ "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdeX", "0123456789abcdef0123456789abcdef0123456789abcdef"
	  "0123456789abcdef0123456789abcdef", WEBHOOK_MISMATCH },
};

static void
test_shared_secret(void)
{
	char	 hdr[LIM_SIG_HEADER + 2];
	size_t	 i;

	for (i = 0; i < sizeof(shared_cases) / sizeof(shared_cases[0]); i++) {
		CHECK(webhook_shared_secret(shared_cases[i].header,
		    shared_cases[i].secret) == shared_cases[i].want);
		if (webhook_shared_secret(shared_cases[i].header,
		    shared_cases[i].secret) != shared_cases[i].want)
			fprintf(stderr, "  shared case %zu\n", i);
	}
	/* LIM_SIG_HEADER bytes are compared; one more is malformed. */
	memset(hdr, 'k', LIM_SIG_HEADER);
	hdr[LIM_SIG_HEADER] = '\0';
	CHECK(webhook_shared_secret(hdr, hdr) == WEBHOOK_OK);
	CHECK(webhook_shared_secret(hdr, "k") == WEBHOOK_MISMATCH);
	hdr[LIM_SIG_HEADER] = 'k';
	hdr[LIM_SIG_HEADER + 1] = '\0';
	CHECK(webhook_shared_secret(hdr, "k") == WEBHOOK_MALFORMED);
}

static void
test_names(void)
{
	size_t	 i;

	for (i = 0; i < WEBHOOK__MAX; i++)
		CHECK(webhook_res_names[i] != NULL &&
		    webhook_res_names[i][0] != '\0');
	CHECK_STR(webhook_res_names[WEBHOOK_OK], "ok");
	CHECK_STR(webhook_res_names[WEBHOOK_STALE], "stale");
}

int
main(int argc, char *argv[])
{
	char	*text;
	cJSON	*doc = NULL;

	(void)argc;
	log_init("test_webhook", LOG_LVL_WARN);
	/* Missing vectors are a failure, never a skip. */
	text = load_vectors(argv[0]);
	CHECK(text != NULL);
	if (text != NULL) {
		doc = cJSON_Parse(text);
		CHECK(doc != NULL);
		if (doc != NULL)
			test_vectors(doc);
	}
	test_sig_cases();
	test_header_limit();
	test_shared_secret();
	test_names();
	cJSON_Delete(doc);
	free(text);
	return unit_done();
}
