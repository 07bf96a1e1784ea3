/*
 * session: sign-in by a one-time link.
 *
 *   POST /api/session {"token": "..."}  use a link's token once, set the
 *                                       session cookie, answer who you are
 *   GET /api/session                    who you are (401 when signed out)
 *   DELETE /api/session                 sign out (clear the cookie)
 *
 * The link (vigil login-link) is {VIGIL_PUBLIC_URL}/signin#t=TOKEN: the
 * token sits in the fragment, which browsers never send, so it reaches
 * no access log; the page POSTs it here.  A GET never signs anyone in,
 * so a link preview cannot use the token up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "app.h"
#include "crypto.h"
#include "http.h"
#include "json.h"
#include "log.h"
#include "valid.h"
#include "vlimits.h"

static void
set_cookie(struct app *a, struct req *r, const char *value, long max_age)
{
	char	 c[LIM_JWT + 256];
	int	 secure = strncmp(a->conf.public_url, "https://", 8) == 0;

	/* Secure is dropped only for http:// loopback development. */
	if ((size_t)snprintf(c, sizeof(c), "%s=%s; Path=/; Max-Age=%ld; "
	    "HttpOnly; SameSite=Lax%s", a->conf.cookie_name, value, max_age,
	    secure ? "; Secure" : "") >= sizeof(c)) {
		log_warnx("session: cookie too long");
		return;
	}
	http_header(r, "Set-Cookie", c);
	crypto_wipe(c, sizeof(c));
}

static void
whoami(struct req *r, int status, const struct session *s)
{
	cJSON	*o;
	char	*body;

	if ((o = cJSON_CreateObject()) == NULL)
		goto fail;
	cJSON_AddStringToObject(o, "sub", s->sub);
	if (s->admin)
		cJSON_AddStringToObject(o, "role", "admin");
	else
		cJSON_AddNullToObject(o, "role");
	if (s->name[0] != '\0')
		cJSON_AddStringToObject(o, "name", s->name);
	cJSON_AddNumberToObject(o, "exp", (double)s->exp);
	body = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (body == NULL)
		goto fail;
	http_reply_json(r, status, body);
	free(body);
	return;
fail:
	http_error(r, HTTP_ERR_INTERNAL, NULL);
}

static void
sign_in(struct app *a, struct req *r)
{
	struct session	 s;
	struct cJSON	*j = NULL;
	const char	*tok;
	char		 hash[CRYPTO_SHA256_HEX], *jwt = NULL;
	enum db_res	 res;

	if (app_json_body(r, LIM_BODY_API) == -1)
		return;
	if ((j = json_parse(r->body, r->bodylen)) == NULL ||
	    json_get_str(j, "token", 128, &tok) != JSON_OK ||
	    !valid_id(tok)) {
		http_error(r, HTTP_ERR_INVALID, "token must be the sign-in "
		    "link's token");
		goto out;
	}
	memset(&s, 0, sizeof(s));
	crypto_sha256_hex(tok, strlen(tok), hash);
	res = db_login_consume(a->db, hash, app_now(), s.sub, sizeof(s.sub),
	    &s.admin);
	if (res == DB_NOTFOUND) {
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "this sign-in link is "
		    "unknown, used or expired; ask for a new one");
		goto out;
	}
	if (res != DB_OK) {
		app_db_error(r, res);
		goto out;
	}
	s.exp = app_now() + LIM_SESSION_TTL;
	if ((jwt = auth_mint(&a->conf, s.sub, s.admin, NULL, app_now(),
	    LIM_SESSION_TTL)) == NULL) {
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		goto out;
	}
	set_cookie(a, r, jwt, LIM_SESSION_TTL);
	log_info("session: %s signed in by link", s.sub);
	whoami(r, 200, &s);
out:
	if (jwt != NULL) {
		crypto_wipe(jwt, strlen(jwt));
		free(jwt);
	}
	json_free(j);
}

static void
handle(struct req *r, struct app *a)
{
	struct session	 s;
	int		 sr;

	if (strcmp(r->path, "/api/session") != 0) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	switch (r->method) {
	case HTTP_POST:
		sign_in(a, r);
		break;
	case HTTP_GET:
	case HTTP_HEAD:
		if ((sr = app_session(a, r, &s)) == 0)
			http_error(r, HTTP_ERR_UNAUTHENTICATED, "signed out");
		else if (sr == 1)
			whoami(r, 200, &s);
		break;
	case HTTP_DELETE:
		set_cookie(a, r, "", 0);
		http_reply_empty(r, 204);
		break;
	default:
		http_header(r, "Allow", "GET, POST, DELETE");
		http_error(r, HTTP_ERR_METHOD, NULL);
		break;
	}
}

int
main(int argc, char *argv[])
{
	return app_main(argc, argv, "session", APP_DB | APP_JWT, handle);
}
