/*
 * streams: the stream listing and one stream (public or full view), and
 * the lifecycle: POST /api/streams/{id}/start|end, DELETE /api/streams/{id},
 * and POST /api/streams/{id}/publish-token (a new WHIP publish token).
 * Also nginx's auth_request for the relay's media (MEDIA_ACCESS_PATH).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "access.h"
#include "app.h"
#include "compat.h"
#include "crypto.h"
#include "http.h"
#include "log.h"
#include "provision.h"
#include "stream.h"
#include "valid.h"
#include "vlimits.h"

/* nginx's internal location for /media/ (nginx/vigil.conf.in). */
#define MEDIA_ACCESS_PATH	"/_vigil/media-access"

/* Parse "<created_ms>.<id>" from a listing's nextCursor. */
static int
cursor_parse(const char *c, long long *created, char *id, size_t idsz)
{
	const char	*dot, *errstr;
	char		 num[24];

	if ((dot = strchr(c, '.')) == NULL || (size_t)(dot - c) >= sizeof(num))
		return -1;
	memcpy(num, c, (size_t)(dot - c));
	num[dot - c] = '\0';
	*created = strtonum(num, 0, 1LL << 50, &errstr);
	if (errstr != NULL || !valid_id(dot + 1))
		return -1;
	strlcpy(id, dot + 1, idsz);
	return 0;
}

static void
list(struct app *a, struct req *r, const struct session *who)
{
	char		 mid[LIM_ID + 1], st[16], lim[8], cur[96], next[96];
	char		 after_id[LIM_ID + 1], *body = NULL;
	struct stream	*ss = NULL;
	struct recording *recs = NULL;
	enum stream_view *views = NULL, v;
	struct memorial	 m;
	long long	 after_created = 0;
	const char	*errstr;
	size_t		 n = 0, nrecs = 0, limit = LIM_PAGE_DEFAULT, i;
	enum db_res	 res;
	int		 status = -1, has_cursor;

	if (http_query(r, "memorialId", mid, sizeof(mid)) != 1 ||
	    !valid_id(mid)) {
		http_error(r, HTTP_ERR_INVALID, "memorialId must be given "
		    "once and be an id");
		return;
	}
	switch (http_query(r, "status", st, sizeof(st))) {
	case 1:
		if ((status = stream_status_parse(st)) < 0) {
			http_error(r, HTTP_ERR_INVALID, "status must be "
			    "ready, live or completed");
			return;
		}
		break;
	case 0:
		break;
	default:
		http_error(r, HTTP_ERR_INVALID, "status must be given once");
		return;
	}
	switch (http_query(r, "limit", lim, sizeof(lim))) {
	case 1:
		limit = (size_t)strtonum(lim, 1, LIM_PAGE_MAX, &errstr);
		if (errstr == NULL)
			break;
		/* FALLTHROUGH */
	case -1:
		http_error(r, HTTP_ERR_INVALID, "limit must be 1 to 100");
		return;
	default:
		break;
	}
	if ((has_cursor = http_query(r, "cursor", cur, sizeof(cur))) == -1 ||
	    (has_cursor == 1 && cursor_parse(cur, &after_created, after_id,
	    sizeof(after_id)) == -1)) {
		http_error(r, HTTP_ERR_INVALID, "cursor is not one we gave");
		return;
	}

	if ((res = db_memorial_get(a->db, mid, &m)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if (!access_views(who, &m)) {
		if (who == NULL)
			http_error(r, HTTP_ERR_UNAUTHENTICATED, "this memorial "
			    "is private: sign in");
		else
			http_error(r, HTTP_ERR_FORBIDDEN, NULL);
		return;
	}
	/* One more than asked tells whether there is a next page. */
	if ((res = db_stream_list(a->db, mid, status, after_created,
	    has_cursor == 1 ? after_id : NULL, limit + 1, &ss, &n)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	next[0] = '\0';
	if (n > limit) {
		n = limit;
		snprintf(next, sizeof(next), "%lld.%s", ss[n - 1].created_at,
		    ss[n - 1].id);
	}
	if ((res = db_recordings_for(a->db, ss, n, &recs, &nrecs)) != DB_OK) {
		app_db_error(r, res);
		goto out;
	}
	v = access_controls(who, &m) ? VIEW_FULL : VIEW_PUBLIC;
	if ((views = calloc(n + 1, sizeof(*views))) == NULL)
		goto internal;
	for (i = 0; i < n; i++)
		views[i] = v;
	if ((body = stream_list_json(ss, views, n, recs, nrecs,
	    next[0] ? next : NULL)) == NULL)
		goto internal;
	http_reply_json(r, 200, body);
	goto out;
internal:
	http_error(r, HTTP_ERR_INTERNAL, NULL);
out:
	free(body);
	free(views);
	free(recs);
	free(ss);
}

/* Load stream id and its memorial; replies and returns -1 on failure. */
static int
load(struct app *a, struct req *r, const char *id, struct stream *s,
    struct memorial *m)
{
	enum db_res	 res;

	if (!valid_id(id)) {
		http_error(r, HTTP_ERR_NOT_FOUND, "no such stream");
		return -1;
	}
	if ((res = db_stream_get(a->db, id, s)) != DB_OK ||
	    (res = db_memorial_get(a->db, s->memorial_id, m)) != DB_OK) {
		if (res == DB_NOTFOUND)
			http_error(r, HTTP_ERR_NOT_FOUND, "no such stream");
		else
			app_db_error(r, res);
		return -1;
	}
	return 0;
}

static void
one(struct app *a, struct req *r, const struct session *who, const char *id)
{
	struct stream		 s;
	struct memorial		 m;
	struct recording	*recs = NULL;
	size_t			 nrecs = 0;
	char			*body;
	enum db_res		 res;

	if (load(a, r, id, &s, &m) == -1)
		return;
	if (!access_views(who, &m)) {
		/* A private stream does not exist for outsiders. */
		http_error(r, HTTP_ERR_NOT_FOUND, "no such stream");
		return;
	}
	if ((res = db_recordings_for(a->db, &s, 1, &recs, &nrecs)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if ((body = stream_one_json(&s, access_controls(who, &m) ?
	    VIEW_FULL : VIEW_PUBLIC, recs, nrecs)) == NULL)
		http_error(r, HTTP_ERR_INTERNAL, NULL);
	else
		http_reply_json(r, 200, body);
	free(body);
	free(recs);
}

enum action {
	ACT_START = 0,
	ACT_END,
	ACT_DELETE,
	ACT_PUBLISH_TOKEN,
	ACT__MAX
};

/*
 * A fresh WHIP publish token for a whip_browser stream, so a stream made
 * on one device can go live from another (the phone): the token is shown
 * once and only its hash is kept, so it cannot be shown again, only
 * replaced.  The previous token stops working for new sessions.
 */
static void
publish_token(struct app *a, struct req *r, const struct stream *s)
{
	char		 tok[64], hash[CRYPTO_SHA256_HEX], *body = NULL;
	struct cJSON	*o = NULL;
	enum db_res	 res;

	if (s->method != METHOD_WHIP_BROWSER) {
		http_error(r, HTTP_ERR_CONFLICT, "only browser (whip_browser) "
		    "streams have a publish token");
		return;
	}
	if (s->status == STREAM_COMPLETED) {
		http_error(r, HTTP_ERR_CONFLICT, "the stream has ended");
		return;
	}
	if (access_publish_token(tok, sizeof(tok), hash) == -1) {
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		return;
	}
	if ((res = db_stream_set_publish_hash(a->db, s->id, hash,
	    app_now_ms())) != DB_OK) {
		app_db_error(r, res);
		goto out;
	}
	if ((o = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(o, "publishToken", tok) == NULL ||
	    cJSON_AddStringToObject(o, "whipUrl", s->whip_url) == NULL ||
	    (body = cJSON_PrintUnformatted(o)) == NULL) {
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		goto out;
	}
	http_reply_json(r, 200, body);
out:
	crypto_wipe(tok, sizeof(tok));
	if (body != NULL) {
		crypto_wipe(body, strlen(body));
		free(body);
	}
	cJSON_Delete(o);
}

static void
lifecycle(struct app *a, struct req *r, const struct session *who,
    const char *id, enum action act)
{
	struct stream	 s;
	struct memorial	 m;
	enum db_res	 res;
	long long	 now = app_now_ms();

	if (who == NULL) {
		http_error(r, HTTP_ERR_UNAUTHENTICATED, NULL);
		return;
	}
	if (load(a, r, id, &s, &m) == -1)
		return;
	if (!access_controls(who, &m)) {
		http_error(r, access_views(who, &m) ? HTTP_ERR_FORBIDDEN :
		    HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (s.deleted_at > 0 && act != ACT_DELETE) {
		http_error(r, HTTP_ERR_CONFLICT, "the stream was deleted");
		return;
	}
	switch (act) {
	case ACT_PUBLISH_TOKEN:
		publish_token(a, r, &s);
		if (r->status == 200)
			log_info("stream %s: publish token replaced by %s",
			    s.id, who->sub);
		return;
	case ACT_START:
		res = db_stream_advance(a->db, s.id, STREAM_LIVE, now);
		break;
	case ACT_END:
	case ACT_DELETE:
		/* Finalise the Mux recording now, not after the window. */
		if (s.status != STREAM_COMPLETED &&
		    provision_end(&a->conf, a->rest, &s) == -1) {
			http_error(r, HTTP_ERR_PROVIDER, "could not end the "
			    "stream at a provider; try again");
			return;
		}
		res = db_stream_advance(a->db, s.id, STREAM_COMPLETED, now);
		if (res != DB_OK || act == ACT_END || s.deleted_at > 0)
			break;
		if (provision_teardown(&a->conf, a->rest, &s) == -1) {
			http_error(r, HTTP_ERR_PROVIDER, "could not remove the "
			    "stream at a provider; try again");
			return;
		}
		res = db_stream_mark_deleted(a->db, s.id, now);
		break;
	default:
		res = DB_ERR;
		break;
	}
	if (res != DB_OK) {
		app_db_error(r, res);
		return;
	}
	log_info("stream %s: %s by %s", s.id, act == ACT_START ? "started" :
	    act == ACT_END ? "ended" : "deleted", who->sub);
	if (act == ACT_DELETE) {
		http_reply_empty(r, 204);
		return;
	}
	one(a, r, who, s.id);
}

/*
 * nginx's auth_request for /media/{id}/... (the relay's HLS and local
 * recordings): may this caller watch stream id?  SPEC §4: anyone for a
 * public memorial, only its people for a private one.  Only nginx's
 * internal location sets VIGIL_MEDIA_STREAM (a request cannot: its
 * headers arrive as HTTP_*).  204 yes; 401 anonymous and 403 signed in
 * otherwise, and 403 for a name that is no stream (nothing of ours, so
 * nothing to serve); nginx answers any other status with a 500, which
 * keeps the media shut when the database fails.  A session that is not
 * valid (expired, say) counts as none here: it must not cost a viewer
 * a public memorial's picture.
 */
static void
media_access(struct app *a, struct req *r, const char *id)
{
	struct session	 who;
	struct stream	 s;
	struct memorial	 m;
	enum db_res	 res;
	int		 signed_in;

	signed_in = access_session(&a->conf, r, app_now(), &who) == AUTH_OK;
	if (!valid_id(id) ||
	    (res = db_stream_get(a->db, id, &s)) == DB_NOTFOUND) {
		http_reply_empty(r, 403);
		return;
	}
	if (res != DB_OK ||
	    (res = db_memorial_get(a->db, s.memorial_id, &m)) != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if (access_views(signed_in ? &who : NULL, &m))
		http_reply_empty(r, 204);
	else
		http_reply_empty(r, signed_in ? 403 : 401);
}

static void
handle(struct req *r, struct app *a)
{
	struct session	 who;
	const char	*rest, *slash, *media;
	char		 id[LIM_ID + 1];
	size_t		 n;
	int		 sr;

	if (strcmp(r->path, MEDIA_ACCESS_PATH) == 0 &&
	    (media = http_param(r, "VIGIL_MEDIA_STREAM")) != NULL) {
		media_access(a, r, media);
		return;
	}
	if ((sr = app_session(a, r, &who)) < 0)
		return;
	if (strcmp(r->path, "/api/streams") == 0) {
		if (r->method != HTTP_GET && r->method != HTTP_HEAD) {
			http_header(r, "Allow", "GET");
			http_error(r, HTTP_ERR_METHOD, NULL);
			return;
		}
		list(a, r, sr ? &who : NULL);
		return;
	}
	if ((rest = http_path_after(r, "/api/streams/")) == NULL ||
	    (n = (slash = strchr(rest, '/')) ? (size_t)(slash - rest) :
	    strlen(rest)) == 0 || n > LIM_ID) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	if (slash == NULL) {
		if (r->method == HTTP_GET || r->method == HTTP_HEAD)
			one(a, r, sr ? &who : NULL, id);
		else if (r->method == HTTP_DELETE)
			lifecycle(a, r, sr ? &who : NULL, id, ACT_DELETE);
		else {
			http_header(r, "Allow", "GET, DELETE");
			http_error(r, HTTP_ERR_METHOD, NULL);
		}
		return;
	}
	if (strcmp(slash, "/start") != 0 && strcmp(slash, "/end") != 0 &&
	    strcmp(slash, "/publish-token") != 0) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (r->method != HTTP_POST) {
		http_header(r, "Allow", "POST");
		http_error(r, HTTP_ERR_METHOD, NULL);
		return;
	}
	lifecycle(a, r, sr ? &who : NULL, id,
	    strcmp(slash, "/start") == 0 ? ACT_START :
	    strcmp(slash, "/end") == 0 ? ACT_END : ACT_PUBLISH_TOKEN);
}

int
main(int argc, char *argv[])
{
	return app_main(argc, argv, "streams", APP_DB | APP_REST | APP_JWT,
	    handle);
}
