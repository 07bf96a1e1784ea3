/*
 * whip: the WHIP resource (RFC 9725, SPEC §5 and §7).
 *
 *   POST    /whip/{streamId}              offer -> 201 answer, Location
 *   PATCH   /whip/{streamId}/{sessionId}  trickle ICE -> 204
 *   DELETE  /whip/{streamId}/{sessionId}  end the session -> 200
 *   OPTIONS on both                       CORS for our own origin
 *   GET     /whip/{streamId}/stats        the relay's session statistics,
 *                                         for the stream's controllers
 *
 * This one long-lived process hosts every session's pipelines (the
 * relay, lib/relay.c, runs in a thread of its own); tools/stack.sh and
 * the systemd unit run it with one worker.  Here are only the front-line
 * checks: type, size, the publish token (its SHA-256, compared in
 * constant time), the offer policy (lib/sdp.c) before GStreamer sees
 * anything.
 *
 * PATCH and DELETE: the session URL holds a 128-bit random id and is the
 * capability, as in most WHIP servers (OBS sends the token, a browser
 * may not); a token that is sent must still be the stream's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access.h"
#include "app.h"
#include "compat.h"
#include "conf.h"
#include "crypto.h"
#include "http.h"
#include "log.h"
#include "relay.h"
#include "sdp.h"
#include "stream.h"
#include "valid.h"
#include "vlimits.h"

/* A publish token is 43 characters; anything far longer is not one. */
#define TOKEN_MAX	512

/* Our origin, scheme://host[:port] of VIGIL_PUBLIC_URL, into out. */
static void
own_origin(const struct conf *c, char *out, size_t outsz)
{
	const char	*p = strstr(c->public_url, "://");
	size_t		 n;

	n = p == NULL ? strlen(c->public_url) :
	    (size_t)(p + 3 - c->public_url) + strcspn(p + 3, "/");
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, c->public_url, n);
	out[n] = '\0';
}

/* CORS headers when the request comes from our own origin. */
static int
cors(struct app *a, struct req *r)
{
	const char	*origin = http_param(r, "HTTP_ORIGIN");
	char		 want[256];

	http_header(r, "Vary", "Origin");
	own_origin(&a->conf, want, sizeof(want));
	if (origin == NULL || strcmp(origin, want) != 0)
		return 0;
	http_header(r, "Access-Control-Allow-Origin", want);
	http_header(r, "Access-Control-Expose-Headers", "Location, ETag, Link");
	return 1;
}

/*
 * The stream and, when a token is given (required unless optional),
 * that it is the stream's publish token.  Replies and returns -1 on
 * failure.
 */
static int
load_stream(struct app *a, struct req *r, const char *id, int optional,
    struct stream *s)
{
	const char	*tok = http_bearer(r);
	char		 hash[CRYPTO_SHA256_HEX];
	enum db_res	 res;
	int		 ok;

	if (tok == NULL && !optional) {
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "send the stream's "
		    "publish token as Authorization: Bearer");
		return -1;
	}
	if (!valid_id(id)) {
		http_error(r, HTTP_ERR_NOT_FOUND, "no such stream");
		return -1;
	}
	if ((res = db_stream_get(a->db, id, s)) != DB_OK) {
		if (res == DB_NOTFOUND)
			http_error(r, HTTP_ERR_NOT_FOUND, "no such stream");
		else
			app_db_error(r, res);
		return -1;
	}
	/* Only browser streams are ours to relay. */
	if (s->method != METHOD_WHIP_BROWSER || s->deleted_at > 0) {
		http_error(r, HTTP_ERR_NOT_FOUND, "no such stream");
		return -1;
	}
	if (tok == NULL)
		return 0;
	ok = strlen(tok) <= TOKEN_MAX && s->publish_hash[0] != '\0';
	crypto_sha256_hex(tok, ok ? strlen(tok) : 0, hash);
	ok = crypto_equal(hash, strlen(hash), s->publish_hash,
	    strlen(s->publish_hash)) && ok;
	crypto_wipe(hash, sizeof(hash));
	if (!ok) {
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "the publish token is "
		    "not valid for this stream");
		return -1;
	}
	return 0;
}

/* Read a body of at most LIM_BODY_WHIP; replies and -1 on failure. */
static int
whip_body(struct req *r)
{
	switch (http_body(r, LIM_BODY_WHIP)) {
	case HTTP_BODY_OK:
		if (r->bodylen > 0)
			return 0;
		http_error(r, HTTP_ERR_INVALID, "the body is empty");
		return -1;
	case HTTP_BODY_TOO_LARGE:
		http_error(r, HTTP_ERR_TOO_LARGE, NULL);
		return -1;
	default:
		http_error(r, HTTP_ERR_INVALID, "the body could not be read");
		return -1;
	}
}

/* An RTMP(S) location: base URL, "/", key; NULL when not usable. */
static const char *
push_url(const char *stream_id, const char *what, const char *base,
    const char *key, char *out, size_t outsz)
{
	size_t	 n = strlen(base);
	int	 w;

	if (base[0] == '\0' || key[0] == '\0')
		return NULL;
	w = snprintf(out, outsz, "%s%s%s", base,
	    n > 0 && base[n - 1] == '/' ? "" : "/", key);
	if (w < 0 || (size_t)w >= outsz || !conf_url_ok(out, "rtmp")) {
		/* Never log the URL: it holds the stream key. */
		log_warnx("stream %s: the %s ingest URL is not rtmps:// (or "
		    "rtmp:// to loopback); not pushing there", stream_id,
		    what);
		crypto_wipe(out, outsz);
		return NULL;
	}
	return out;
}

static void
publish(struct app *a, struct req *r, const char *id)
{
	struct relay_publish in;
	struct relay_answer ans;
	struct sdp_offer offer;
	struct stream	 s;
	const char	*why;
	char		 cf[1024], mux[1024], loc[128], *answer = NULL;
	enum relay_res	 res;

	if (!http_content_type_is(r, "application/sdp")) {
		http_error(r, HTTP_ERR_MEDIA_TYPE, "send application/sdp");
		return;
	}
	if (http_bearer(r) == NULL) {
		http_error(r, HTTP_ERR_UNAUTHENTICATED, "send the stream's "
		    "publish token as Authorization: Bearer");
		return;
	}
	if (whip_body(r) == -1 || load_stream(a, r, id, 0, &s) == -1)
		return;
	if (s.status == STREAM_COMPLETED) {
		http_error(r, HTTP_ERR_GONE, "this stream has ended; "
		    "create a new one");
		return;
	}
	switch (sdp_offer_check(r->body, r->bodylen, &offer, &why)) {
	case SDP_OK:
		break;
	case SDP_UNACCEPTABLE:
		http_error(r, HTTP_ERR_NOT_ACCEPTABLE, why);
		return;
	default:
		http_error(r, HTTP_ERR_INVALID, why);
		return;
	}
	memset(&in, 0, sizeof(in));
	in.stream_id = s.id;
	in.offer = r->body;
	in.policy = &offer;
	in.cf_url = push_url(s.id, "Cloudflare", s.rtmps_url, s.stream_key,
	    cf, sizeof(cf));
	in.mux_url = push_url(s.id, "Mux", s.mux_rtmps_url, s.mux_stream_key,
	    mux, sizeof(mux));
	res = relay_publish(a->priv, &in, &ans);
	crypto_wipe(cf, sizeof(cf));
	crypto_wipe(mux, sizeof(mux));
	crypto_wipe(s.stream_key, sizeof(s.stream_key));
	crypto_wipe(s.mux_stream_key, sizeof(s.mux_stream_key));
	switch (res) {
	case RELAY_OK:
		break;
	case RELAY_CONFLICT:
		http_error(r, HTTP_ERR_CONFLICT, "this stream already has a "
		    "publisher whose media is flowing");
		return;
	case RELAY_FULL:
		http_header(r, "Retry-After", "30");
		http_error(r, HTTP_ERR_UNAVAILABLE, "the relay is at its "
		    "session limit; try again later");
		return;
	case RELAY_TIMEOUT:
		http_header(r, "Retry-After", "2");
		http_error(r, HTTP_ERR_UNAVAILABLE, "the relay did not answer "
		    "in time; try again");
		return;
	default:
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		return;
	}
	/* Tell the browser the bitrate it may send (b=AS, b=TIAS). */
	if ((answer = sdp_answer_bandwidth(ans.sdp,
	    (unsigned int)a->conf.relay_max_kbps)) == NULL) {
		free(ans.sdp);
		relay_end(a->priv, s.id, ans.session_id);
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		return;
	}
	snprintf(loc, sizeof(loc), "/whip/%s/%s", s.id, ans.session_id);
	http_header(r, "Location", loc);
	http_header(r, "ETag", ans.etag);
	http_reply(r, 201, "application/sdp", answer, strlen(answer));
	free(answer);
	free(ans.sdp);
}

static void
trickle(struct app *a, struct req *r, const char *id, const char *sid)
{
	struct stream	 s;

	if (!http_content_type_is(r, "application/trickle-ice-sdpfrag")) {
		http_error(r, HTTP_ERR_MEDIA_TYPE, "send "
		    "application/trickle-ice-sdpfrag");
		return;
	}
	if (whip_body(r) == -1 || load_stream(a, r, id, 1, &s) == -1)
		return;
	switch (relay_trickle(a->priv, s.id, sid, r->body, r->bodylen,
	    http_param(r, "HTTP_IF_MATCH"))) {
	case RELAY_OK:
		http_reply_empty(r, 204);
		break;
	case RELAY_NOT_FOUND:
		http_error(r, HTTP_ERR_NOT_FOUND, "no such session");
		break;
	case RELAY_PRECONDITION:
		http_error(r, HTTP_ERR_PRECONDITION, "If-Match does not match "
		    "the session's ETag");
		break;
	case RELAY_RESTART:
		http_error(r, HTTP_ERR_UNPROCESSABLE, "ICE restarts are not "
		    "supported: DELETE this session and POST a new offer");
		break;
	case RELAY_BAD:
		http_error(r, HTTP_ERR_INVALID, "the body is not a "
		    "trickle-ice-sdpfrag");
		break;
	case RELAY_TIMEOUT:
		http_header(r, "Retry-After", "2");
		http_error(r, HTTP_ERR_UNAVAILABLE, NULL);
		break;
	default:
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		break;
	}
}

static void
end(struct app *a, struct req *r, const char *id, const char *sid)
{
	struct stream	 s;

	if (load_stream(a, r, id, 1, &s) == -1)
		return;
	switch (relay_end(a->priv, s.id, sid)) {
	case RELAY_OK:
		http_reply_empty(r, 200);
		break;
	case RELAY_NOT_FOUND:
		http_error(r, HTTP_ERR_NOT_FOUND, "no such session");
		break;
	case RELAY_TIMEOUT:
		http_header(r, "Retry-After", "2");
		http_error(r, HTTP_ERR_UNAVAILABLE, NULL);
		break;
	default:
		http_error(r, HTTP_ERR_INTERNAL, NULL);
		break;
	}
}

/* GET /whip/{id}/stats: the stream's controllers only. */
static void
stats(struct app *a, struct req *r, const char *id)
{
	struct session	 who;
	struct stream	 s;
	struct memorial	 m;
	enum db_res	 res;
	char		*json = NULL;
	int		 sr;

	if ((sr = app_session(a, r, &who)) <= 0) {
		if (sr == 0)
			http_error(r, HTTP_ERR_UNAUTHENTICATED, NULL);
		return;
	}
	if (!valid_id(id) || (res = db_stream_get(a->db, id, &s)) ==
	    DB_NOTFOUND || (res == DB_OK && (res = db_memorial_get(a->db,
	    s.memorial_id, &m)) == DB_NOTFOUND)) {
		http_error(r, HTTP_ERR_NOT_FOUND, "no such stream");
		return;
	}
	if (res != DB_OK) {
		app_db_error(r, res);
		return;
	}
	if (!access_controls(&who, &m)) {
		http_error(r, access_views(&who, &m) ? HTTP_ERR_FORBIDDEN :
		    HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	if (relay_stats(a->priv, s.id, &json) != RELAY_OK) {
		http_error(r, HTTP_ERR_UNAVAILABLE, NULL);
		return;
	}
	http_reply_json(r, 200, json);
	free(json);
}

static void
options(struct app *a, struct req *r, int session)
{
	const char	*allow = session ? "OPTIONS, PATCH, DELETE" :
			    "OPTIONS, POST";

	if (cors(a, r)) {
		http_header(r, "Access-Control-Allow-Methods", allow);
		http_header(r, "Access-Control-Allow-Headers",
		    "Authorization, Content-Type, If-Match");
		http_header(r, "Access-Control-Max-Age", "86400");
	}
	http_header(r, "Allow", allow);
	if (session)
		http_header(r, "Accept-Patch",
		    "application/trickle-ice-sdpfrag");
	else
		http_header(r, "Accept-Post", "application/sdp");
	http_reply_empty(r, 204);
}

static void
handle(struct req *r, struct app *a)
{
	const char	*rest, *slash;
	char		 id[LIM_ID + 1], sid[RELAY_SESSION_ID_MAX + 1];
	size_t		 n;

	/* Front line: /whip/{id} or /whip/{id}/{session or "stats"}. */
	if ((rest = http_path_after(r, "/whip/")) == NULL ||
	    (n = (slash = strchr(rest, '/')) != NULL ?
	    (size_t)(slash - rest) : strlen(rest)) == 0 || n > LIM_ID) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	memcpy(id, rest, n);
	id[n] = '\0';
	if (r->method != HTTP_OPTIONS)
		cors(a, r);
	if (slash == NULL) {
		if (r->method == HTTP_POST)
			publish(a, r, id);
		else if (r->method == HTTP_OPTIONS)
			options(a, r, 0);
		else {
			http_header(r, "Allow", "OPTIONS, POST");
			http_error(r, HTTP_ERR_METHOD, NULL);
		}
		return;
	}
	rest = slash + 1;
	if (strlen(rest) > RELAY_SESSION_ID_MAX || !valid_id(rest)) {
		http_error(r, HTTP_ERR_NOT_FOUND, NULL);
		return;
	}
	strlcpy(sid, rest, sizeof(sid));
	if (strcmp(sid, "stats") == 0) {
		if (r->method == HTTP_GET || r->method == HTTP_HEAD)
			stats(a, r, id);
		else {
			http_header(r, "Allow", "GET");
			http_error(r, HTTP_ERR_METHOD, NULL);
		}
		return;
	}
	switch (r->method) {
	case HTTP_PATCH:
		trickle(a, r, id, sid);
		break;
	case HTTP_DELETE:
		end(a, r, id, sid);
		break;
	case HTTP_OPTIONS:
		options(a, r, 1);
		break;
	default:
		http_header(r, "Allow", "OPTIONS, PATCH, DELETE");
		http_error(r, HTTP_ERR_METHOD, NULL);
		break;
	}
}

/* Each worker (there is one) starts the relay, and finalizes it. */
static int
whip_init(struct app *a)
{
	return (a->priv = relay_new(&a->conf)) == NULL ? -1 : 0;
}

static void
whip_fini(struct app *a)
{
	relay_free(a->priv);
	a->priv = NULL;
}

int
main(int argc, char *argv[])
{
	return app_main_hooks(argc, argv, "whip", APP_DB | APP_JWT, handle,
	    whip_init, whip_fini);
}
