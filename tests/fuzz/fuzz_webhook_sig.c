/*
 * fuzz_webhook_sig.c: webhook_verify() and webhook_shared_secret()
 * (lib/webhook.c) on arbitrary headers, secrets and bodies.
 *
 * Input, so that corpus files stay readable and editable:
 *
 *	<mode><now>\n<header>\n<secret>\n<body...>
 *
 * mode is 'm' (Mux-Signature), 'c' (Cloudflare Webhook-Signature) or
 * 's' (cf-webhook-auth shared secret); any other byte picks one.  now
 * is optional decimal Unix seconds (0 when absent).  Without a second
 * line the header is absent (NULL); without a third, the secret.  The
 * body is every byte after the third newline, NULs included.
 *
 * Beyond not crashing, the target checks:
 *  - a result is always one of enum webhook_res;
 *  - WEBHOOK_OK only when the header really holds, under the scheme's
 *    keys, a fresh timestamp and the HMAC-SHA256 of "ts.body" with the
 *    secret (recomputed here from the raw pieces);
 *  - the canonical header we build for the same body, secret and now
 *    always verifies, and fails once one body byte changes.
 */
#include <string.h>

#include "compat.h"
#include "crypto.h"
#include "vlimits.h"
#include "webhook.h"

#include "fuzz.h"

static const char *const ts_key[] = { "t", "time" };
static const char *const sig_key[] = { "v1", "sig1" };

/*
 * Does header hold key=ts with ts fresh, and key=mac of ts "." body?
 * A second, simpler reading of the header than webhook.c's.
 */
static int
really_signed(enum webhook_scheme sch, const char *header, const char *body,
    size_t len, const char *secret, long long now)
{
	char		 ts[32] = "", mac[CRYPTO_SHA256_HEX], prefix[40];
	const char	*p, *end, *eq, *errstr;
	size_t		 klen, n;
	long long	 t;
	int		 found = 0;

	/* The timestamp first. */
	for (p = header; *p != '\0'; p = *end ? end + 1 : end) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, ",");
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return 0;
		klen = (size_t)(eq - p);
		if (klen == strlen(ts_key[sch]) &&
		    memcmp(p, ts_key[sch], klen) == 0) {
			if (ts[0] != '\0' || (size_t)(end - eq - 1) >=
			    sizeof(ts))
				return 0;
			memcpy(ts, eq + 1, (size_t)(end - eq - 1));
			ts[end - eq - 1] = '\0';
		}
	}
	t = strtonum(ts, 1, 1LL << 40, &errstr);
	if (errstr != NULL || t < now - LIM_WEBHOOK_SKEW ||
	    t > now + LIM_WEBHOOK_SKEW)
		return 0;
	n = (size_t)snprintf(prefix, sizeof(prefix), "%s.", ts);
	if (crypto_hmac_sha256_hex(secret, strlen(secret), prefix, n, body,
	    len, mac) == -1)
		return 0;
	for (p = header; *p != '\0'; p = *end ? end + 1 : end) {
		while (*p == ' ')
			p++;
		end = p + strcspn(p, ",");
		eq = memchr(p, '=', (size_t)(end - p));
		klen = (size_t)(eq - p);
		if (klen == strlen(sig_key[sch]) &&
		    memcmp(p, sig_key[sch], klen) == 0 &&
		    (size_t)(end - eq - 1) == strlen(mac) &&
		    memcmp(eq + 1, mac, strlen(mac)) == 0)
			found = 1;
	}
	return found;
}

/* Our own canonical header for body must verify; a changed body not. */
static void
canonical(enum webhook_scheme sch, const char *body, size_t len,
    const char *secret, long long now)
{
	char	 hdr[LIM_SIG_HEADER], prefix[40], mac[CRYPTO_SHA256_HEX];
	char	*copy;
	int	 n;

	if (secret == NULL || *secret == '\0' || now < 1 || now > (1LL << 40))
		return;
	n = snprintf(prefix, sizeof(prefix), "%lld.", now);
	FUZZ_ASSERT(crypto_hmac_sha256_hex(secret, strlen(secret), prefix,
	    (size_t)n, body, len, mac) == 0);
	snprintf(hdr, sizeof(hdr), "%s=%lld,%s=%s", ts_key[sch], now,
	    sig_key[sch], mac);
	FUZZ_ASSERT(webhook_verify(sch, hdr, body, len, secret, now) ==
	    WEBHOOK_OK);
	FUZZ_ASSERT(webhook_verify(sch, hdr, body, len, secret,
	    now + LIM_WEBHOOK_SKEW + 1) == WEBHOOK_STALE);
	if (len == 0 || (copy = malloc(len)) == NULL)
		return;
	memcpy(copy, body, len);
	copy[len / 2] ^= 0x01;
	FUZZ_ASSERT(webhook_verify(sch, hdr, copy, len, secret, now) ==
	    WEBHOOK_MISMATCH);
	free(copy);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t		*p = data, *end = data + size;
	char			*first, *header, *secret, *body;
	const char		*errstr;
	enum webhook_scheme	 sch;
	enum webhook_res	 r;
	long long		 now = 0;
	size_t			 len;
	int			 mode;

	if (size == 0)
		return 0;
	first = fuzz_line(&p, end);
	header = fuzz_line(&p, end);
	secret = fuzz_line(&p, end);
	/* The body: the rest, exactly (an allocation of its own size). */
	len = p != NULL ? (size_t)(end - p) : 0;
	body = malloc(len ? len : 1);
	if (first == NULL || body == NULL)
		goto out;
	if (len > 0)
		memcpy(body, p, len);
	mode = first[0] == 'm' ? 0 : first[0] == 'c' ? 1 : first[0] == 's' ?
	    2 : (unsigned char)first[0] % 3;
	if (first[0] != '\0' && first[1] != '\0') {
		now = strtonum(first + 1, 0, 1LL << 40, &errstr);
		if (errstr != NULL)
			now = 0;
	}

	if (mode == 2) {
		r = webhook_shared_secret(header, secret);
		FUZZ_ASSERT(r < WEBHOOK__MAX);
		if (r == WEBHOOK_OK)
			FUZZ_ASSERT(header != NULL && secret != NULL &&
			    strcmp(header, secret) == 0 && *secret != '\0');
		if (header != NULL && secret != NULL && *secret != '\0' &&
		    strlen(header) <= LIM_SIG_HEADER)
			FUZZ_ASSERT((r == WEBHOOK_OK) ==
			    (strcmp(header, secret) == 0));
		/* A secret always matches itself. */
		if (secret != NULL && *secret != '\0' &&
		    strlen(secret) <= LIM_SIG_HEADER)
			FUZZ_ASSERT(webhook_shared_secret(secret, secret) ==
			    WEBHOOK_OK);
		goto out;
	}
	/* The chosen scheme, then the other one on the same input. */
	for (sch = (enum webhook_scheme)mode; ;
	    sch = (enum webhook_scheme)!sch) {
		r = webhook_verify(sch, header, body, len, secret, now);
		FUZZ_ASSERT(r < WEBHOOK__MAX);
		if (r == WEBHOOK_OK) {
			FUZZ_ASSERT(header != NULL && secret != NULL &&
			    *secret != '\0');
			FUZZ_ASSERT(strlen(header) <= LIM_SIG_HEADER);
			FUZZ_ASSERT(really_signed(sch, header, body, len,
			    secret, now));
		}
		if (r == WEBHOOK_MISSING)
			FUZZ_ASSERT(header == NULL || *header == '\0' ||
			    secret == NULL || *secret == '\0');
		canonical(sch, body, len, secret, now);
		if ((int)sch != mode)
			break;
	}
out:
	free(first);
	free(header);
	free(secret);
	free(body);
	return 0;
}
