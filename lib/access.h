/*
 * access.h: who is calling, and what they may do (SPEC §4).
 */
#ifndef HEADER_VIGIL_ACCESS_H
#define HEADER_VIGIL_ACCESS_H

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

#endif /* HEADER_VIGIL_ACCESS_H */
