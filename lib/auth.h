/*
 * auth.h: JWT sessions.  The only module that includes jwt.h.
 *
 * libjwt 1.10 takes the algorithm from the token header and checks no
 * claim, so auth_verify() compares jwt_get_alg() with the algorithm
 * pinned in conf and checks exp (required), nbf, iss and aud itself.
 */
#ifndef HEADER_VIGIL_AUTH_H
#define HEADER_VIGIL_AUTH_H

#include "vlimits.h"

struct conf;

enum auth_res {
	AUTH_OK = 0,	/* a valid session */
	AUTH_NONE,	/* no token at all */
	AUTH_BAD,	/* malformed, wrong alg, bad signature, bad claims */
	AUTH_EXPIRED,	/* exp passed or nbf not reached */
	AUTH__MAX
};

struct session {
	char		sub[LIM_ID + 1];	/* user id, a valid_id() */
	int		admin;			/* role == "admin" */
	char		name[LIM_NAME + 1];	/* display name or "" */
	long long	exp;			/* Unix seconds */
};

/*
 * Check a compact JWT (NULL or "" gives AUTH_NONE) at time now.  On
 * AUTH_OK fills out; otherwise out is zeroed.  Tokens over LIM_JWT are
 * AUTH_BAD before any decoding.
 */
enum auth_res	 auth_verify(const struct conf *cf, const char *token,
		    long long now, struct session *out);

/*
 * Mint a token for sub (HS256 configurations only) with iat/nbf = now,
 * exp = now + ttl, iss/aud from conf when set, role "admin" when admin,
 * name when non-NULL.  Returns a string to free(3), or NULL.
 */
char		*auth_mint(const struct conf *cf, const char *sub, int admin,
		    const char *name, long long now, long ttl);

#endif /* HEADER_VIGIL_AUTH_H */
