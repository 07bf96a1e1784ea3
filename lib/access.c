/*
 * access.c: sessions from requests, and the memorial permission rules.
 */
#include <string.h>

#include "access.h"
#include "conf.h"
#include "crypto.h"
#include "http.h"
#include "stream.h"
#include "vlimits.h"

enum auth_res
access_session(const struct conf *cf, const struct req *r, long long now,
    struct session *out)
{
	char		 cookie[LIM_COOKIE + 1];
	const char	*tok;

	memset(out, 0, sizeof(*out));
	if ((tok = http_bearer(r)) != NULL)
		return auth_verify(cf, tok, now, out);
	switch (http_cookie(r, cf->cookie_name, cookie, sizeof(cookie))) {
	case 1:
		return auth_verify(cf, cookie, now, out);
	case 0:
		return AUTH_NONE;
	default:
		return AUTH_BAD;
	}
}

int
access_controls(const struct session *s, const struct memorial *m)
{
	size_t	 i;

	if (s == NULL || s->sub[0] == '\0')
		return 0;
	if (s->admin || strcmp(s->sub, m->owner) == 0)
		return 1;
	for (i = 0; i < m->npeople; i++)
		if (strcmp(s->sub, m->people[i].uid) == 0)
			return 1;
	return 0;
}

int
access_views(const struct session *s, const struct memorial *m)
{
	return !m->private_ || access_controls(s, m);
}

int
access_publish_token(char *tok, size_t toksz, char *hash)
{
	if (crypto_token(tok, toksz, 32) == -1)
		return -1;
	crypto_sha256_hex(tok, strlen(tok), hash);
	return 0;
}
