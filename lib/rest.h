/*
 * rest.h: outbound HTTPS calls to the providers, several at once.
 * The only module that includes curl.h.
 *
 * A caller fills one struct rest_call per request (usually through
 * cloudflare.h or mux.h), hands an array to rest_run(), and reads
 * status and resp afterwards.  rest_run() drives all calls concurrently
 * (libcurl multi) and retries each on transport errors, 429 and 5xx with
 * exponential backoff (honouring Retry-After) until it succeeds or the
 * time budget would be exceeded.
 */
#ifndef HEADER_VIGIL_REST_H
#define HEADER_VIGIL_REST_H

#include "buf.h"

struct rest;

enum rest_auth {
	REST_AUTH_NONE = 0,
	REST_AUTH_BEARER,	/* Authorization: Bearer <user> */
	REST_AUTH_BASIC,	/* user:pass */
	REST_AUTH__MAX
};

enum rest_err {
	REST_OK = 0,		/* an HTTP answer arrived (see status) */
	REST_TIMEOUT,		/* no final answer within the budget */
	REST_TRANSPORT,		/* connect/TLS/protocol failure */
	REST_TOOBIG,		/* response larger than LIM_PROVIDER_RESP */
	REST_REFUSED,		/* URL not allowed (scheme/host) */
	REST_ERR__MAX
};

struct rest_call {
	/* Filled by the caller (or cloudflare.c / mux.c). */
	const char	*op;		/* for logs: "cf.live_input.create" */
	const char	*method;	/* "GET", "POST", "PUT", "DELETE" */
	char		*url;		/* owned; freed by rest_call_free */
	enum rest_auth	 auth;
	const char	*user;		/* bearer token or basic user */
	const char	*pass;		/* basic password */
	char		*body;		/* owned JSON body, or NULL */
	long		 budget_ms;	/* this call's own, shorter budget;
					   0: the run's */

	/* Filled by rest_run. */
	long		 status;	/* final HTTP status, 0 if none */
	enum rest_err	 err;
	int		 attempts;
	long		 elapsed_ms;
	struct buf	 resp;		/* response body, capped */

	void		*priv;		/* rest.c's per-call state */
};

/* One per process; NULL on failure.  Call after curl is initialised. */
struct rest	*rest_new(void);
void		 rest_free(struct rest *r);

/* Initialise libcurl once in main: 0 or -1. */
int		 rest_global_init(void);
void		 rest_global_cleanup(void);

/*
 * Set up a call; url is copied, body (may be NULL) is copied.
 * 0 or -1 on allocation failure.
 */
int		 rest_call_init(struct rest_call *c, const char *op,
		    const char *method, const char *url, const char *body);

/* Free what a call owns; the struct may then be reused. */
void		 rest_call_free(struct rest_call *c);

/*
 * Run n calls concurrently, each retried within budget_ms.  Returns 0
 * when every call has ended (check each one's err and status), -1 on an
 * internal failure.  Never logs secrets: only op, status, attempts, time.
 */
int		 rest_run(struct rest *r, struct rest_call *calls, size_t n,
		    long budget_ms);

/* Is status a 2xx? */
int		 rest_ok(const struct rest_call *c);

#endif /* HEADER_VIGIL_REST_H */
