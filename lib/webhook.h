/*
 * webhook.h: verifying inbound provider webhooks before anything parses
 * them (SPEC §5, PROVIDERS §1.6 and §2.5).
 */
#ifndef HEADER_VIGIL_WEBHOOK_H
#define HEADER_VIGIL_WEBHOOK_H

#include <stddef.h>

enum webhook_scheme {
	WEBHOOK_MUX = 0,	/* Mux-Signature: t=...,v1=...[,v1=...] */
	WEBHOOK_CLOUDFLARE,	/* Webhook-Signature: time=...,sig1=... */
	WEBHOOK_SCHEME__MAX
};

enum webhook_res {
	WEBHOOK_OK = 0,
	WEBHOOK_MISSING,	/* no header, or no secret configured */
	WEBHOOK_MALFORMED,	/* header not in the scheme's shape */
	WEBHOOK_STALE,		/* timestamp outside LIM_WEBHOOK_SKEW */
	WEBHOOK_MISMATCH,	/* no signature matches */
	WEBHOOK__MAX
};

extern const char *const webhook_res_names[WEBHOOK__MAX];

/*
 * Check header (NULL when absent) against HMAC-SHA256(secret, ts "." body)
 * in constant time; any one matching signature is enough.  The timestamp
 * must be within LIM_WEBHOOK_SKEW of now, either way.
 */
enum webhook_res webhook_verify(enum webhook_scheme scheme,
		    const char *header, const char *body, size_t len,
		    const char *secret, long long now);

/*
 * A shared-secret header (Cloudflare Notifications' cf-webhook-auth),
 * compared in constant time.
 */
enum webhook_res webhook_shared_secret(const char *header,
		    const char *secret);

#endif /* HEADER_VIGIL_WEBHOOK_H */
