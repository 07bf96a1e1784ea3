/*
 * webhook.c: signature checks for inbound webhooks.
 *
 * The body is an opaque byte string here: it is signed as received, and
 * nothing looks inside it until a signature has matched.
 */
#include <string.h>

#include "compat.h"
#include "crypto.h"
#include "vlimits.h"
#include "webhook.h"

const char *const webhook_res_names[WEBHOOK__MAX] = {
	"ok",			/* WEBHOOK_OK */
	"missing",		/* WEBHOOK_MISSING */
	"malformed",		/* WEBHOOK_MALFORMED */
	"stale",		/* WEBHOOK_STALE */
	"mismatch",		/* WEBHOOK_MISMATCH */
};

static const struct {
	const char	*ts;	/* the timestamp's key */
	const char	*sig;	/* the signature's key */
} schemes[WEBHOOK_SCHEME__MAX] = {
	{ "t", "v1" },		/* WEBHOOK_MUX */
	{ "time", "sig1" },	/* WEBHOOK_CLOUDFLARE */
};

/* At most this many signatures in one header (several during rotation). */
#define WEBHOOK_SIGS_MAX	8

enum webhook_res
webhook_verify(enum webhook_scheme scheme, const char *header,
    const char *body, size_t len, const char *secret, long long now)
{
	const char	*p, *end, *eq, *sigs[WEBHOOK_SIGS_MAX], *errstr;
	size_t		 siglens[WEBHOOK_SIGS_MAX], nsigs = 0, klen, i;
	char		 ts[24], mac[CRYPTO_SHA256_HEX];
	long long	 t;
	int		 have_ts = 0, match = 0;

	if (header == NULL || *header == '\0' || secret == NULL ||
	    *secret == '\0')
		return WEBHOOK_MISSING;
	if (strlen(header) > LIM_SIG_HEADER)
		return WEBHOOK_MALFORMED;
	for (p = header; *p != '\0'; p = *end == ',' ? end + 1 : end) {
		while (*p == ' ')
			p++;
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		if ((eq = memchr(p, '=', (size_t)(end - p))) == NULL)
			return WEBHOOK_MALFORMED;
		klen = (size_t)(eq - p);
		eq++;
		if (klen == strlen(schemes[scheme].ts) &&
		    strncmp(p, schemes[scheme].ts, klen) == 0) {
			if (have_ts || (size_t)(end - eq) >= sizeof(ts))
				return WEBHOOK_MALFORMED;
			memcpy(ts, eq, (size_t)(end - eq));
			ts[end - eq] = '\0';
			have_ts = 1;
		} else if (klen == strlen(schemes[scheme].sig) &&
		    strncmp(p, schemes[scheme].sig, klen) == 0) {
			if (nsigs == WEBHOOK_SIGS_MAX)
				return WEBHOOK_MALFORMED;
			sigs[nsigs] = eq;
			siglens[nsigs++] = (size_t)(end - eq);
		}
		/* Other schemes (v0, v2, ...) are ignored, as Mux's SDK does. */
	}
	if (!have_ts || nsigs == 0)
		return WEBHOOK_MALFORMED;
	t = strtonum(ts, 1, 1LL << 40, &errstr);
	if (errstr != NULL)
		return WEBHOOK_MALFORMED;
	if (t < now - LIM_WEBHOOK_SKEW || t > now + LIM_WEBHOOK_SKEW)
		return WEBHOOK_STALE;
	{
		/* The signed string is ts "." body. */
		char	 prefix[sizeof(ts) + 1];
		size_t	 n = strlcpy(prefix, ts, sizeof(prefix));

		prefix[n++] = '.';
		prefix[n] = '\0';
		if (crypto_hmac_sha256_hex(secret, strlen(secret), prefix, n,
		    body, len, mac) == -1)
			return WEBHOOK_MISMATCH;
	}
	/* Compare with every candidate so timing says nothing of which. */
	for (i = 0; i < nsigs; i++)
		match |= crypto_equal(mac, strlen(mac), sigs[i], siglens[i]);
	crypto_wipe(mac, sizeof(mac));
	return match ? WEBHOOK_OK : WEBHOOK_MISMATCH;
}

enum webhook_res
webhook_shared_secret(const char *header, const char *secret)
{
	char	 a[CRYPTO_SHA256_HEX], b[CRYPTO_SHA256_HEX];
	int	 ok;

	if (header == NULL || secret == NULL || *secret == '\0')
		return WEBHOOK_MISSING;
	if (strlen(header) > LIM_SIG_HEADER)
		return WEBHOOK_MALFORMED;
	/* Hash both so the comparison's length is fixed too. */
	crypto_sha256_hex(header, strlen(header), a);
	crypto_sha256_hex(secret, strlen(secret), b);
	ok = crypto_equal(a, sizeof(a), b, sizeof(b));
	return ok ? WEBHOOK_OK : WEBHOOK_MISMATCH;
}
