/*
 * access.h: who is calling, and what they may do (SPEC §4).
 */
#ifndef HEADER_VIGIL_ACCESS_H
#define HEADER_VIGIL_ACCESS_H

#include <stddef.h>

#include "auth.h"

struct conf;
struct memorial;
struct req;

/*
 * The caller's session from "Authorization: Bearer" or, failing that,
 * the session cookie.  AUTH_NONE when neither is present.
 */
enum auth_res	access_session(const struct conf *cf, const struct req *r,
		    long long now, struct session *out);

/* May s create and control streams of m?  (admin, owner, people) */
int		access_controls(const struct session *s,
		    const struct memorial *m);

/* May s (NULL for anonymous) see m and its streams? */
int		access_views(const struct session *s, const struct memorial *m);

/*
 * Mint a stream's WHIP publish token: 32 random bytes, base64url, into
 * tok (at least 44 bytes), and its SHA-256 hex into hash (65 bytes),
 * which is all we store.  0 or -1.
 */
int		access_publish_token(char *tok, size_t toksz, char *hash);

#endif /* HEADER_VIGIL_ACCESS_H */
