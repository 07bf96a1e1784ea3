/*
 * mux.c: Mux Video calls, turned into our own structs; the same
 * *_call() and *_parse() pairs as cloudflare.c.
 *
 * Mux answers {"data": ...} (PROVIDERS.md 2.1) and authenticates with
 * HTTP Basic (access token id and secret).  Its error body is not in
 * the published spec; clients observe {"error": {"type", "messages"}},
 * so a refused answer is logged with the operation, the HTTP status and
 * error.type only (the messages may echo input).  Transport failures
 * were already logged by rest.c.  No cJSON pointer leaves this file.
 */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "buf.h"
#include "compat.h"
#include "conf.h"
#include "json.h"
#include "log.h"
#include "mux.h"
#include "rest.h"
#include "valid.h"
#include "vlimits.h"

/* Our URLs: base (from conf) plus a path of one id. */
#define MUX_URL_MAX		2048

/* An error.type worth logging: Mux uses short snake_case words. */
#define MUX_ERROR_TYPE_MAX	64

/* Playback ids we look through for a public one. */
#define MUX_PLAYBACK_IDS_MAX	16

/* Start a call from scratch so rest_call_free() is always safe. */
static void
mux_call_clear(struct rest_call *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->resp, LIM_PROVIDER_RESP);
}

static int
mux_conf_ok(const struct conf *cf, const char *op)
{
	if (cf == NULL || cf->mux_api_base == NULL ||
	    cf->mux_token_id == NULL || cf->mux_token_secret == NULL) {
		log_warnx("mux: %s: not configured", op);
		return 0;
	}
	return 1;
}

/*
 * Finish a call: URL from u, optional JSON body, basic auth from conf.
 * Returns 0 or -1 (c left empty).
 */
static int
mux_call_finish(const struct conf *cf, struct rest_call *c, const char *op,
    const char *method, struct buf *u, const cJSON *body)
{
	char	*b = NULL;
	int	 rc = -1;

	if (u->data == NULL) {
		log_warnx("mux: %s: URL too long", op);
		goto out;
	}
	if (body != NULL && (b = json_print(body)) == NULL) {
		log_warnx("mux: %s: out of memory", op);
		goto out;
	}
	if (rest_call_init(c, op, method, buf_cstr(u), b) == -1) {
		log_warnx("mux: %s: out of memory", op);
		goto out;
	}
	c->auth = REST_AUTH_BASIC;
	c->user = cf->mux_token_id;
	c->pass = cf->mux_token_secret;
	rc = 0;
out:
	free(b);
	buf_free(u);
	if (rc == -1)
		rest_call_free(c);
	return rc;
}

/* Prepare a body-less call on /video/v1/live-streams/{id}[suffix]. */
static int
mux_live_stream_id_call(const struct conf *cf, const char *op,
    const char *method, const char *id, const char *suffix,
    struct rest_call *c)
{
	struct buf	 u;

	mux_call_clear(c);
	buf_init(&u, MUX_URL_MAX);
	if (!mux_conf_ok(cf, op))
		return -1;
	if (!valid_id(id)) {
		log_warnx("mux: %s: bad live stream id", op);
		return -1;
	}
	buf_printf(&u, "%s/video/v1/live-streams/%s%s", cf->mux_api_base,
	    id, suffix);
	return mux_call_finish(cf, c, op, method, &u, NULL);
}

/*
 * Check an answer and find its data object.  Returns the parsed
 * document (free with json_free) or NULL, logged.
 */
static cJSON *
mux_envelope(const struct rest_call *c, const cJSON **data)
{
	const cJSON	*err;
	const char	*type = NULL;
	cJSON		*doc;

	*data = NULL;
	if (c->err != REST_OK)
		return NULL;	/* rest.c logged the cause */
	doc = json_parse(c->resp.data, c->resp.len);
	if (!rest_ok(c)) {
		if (json_get_obj(doc, "error", &err) == JSON_OK &&
		    (json_get_str(err, "type", MUX_ERROR_TYPE_MAX, &type) !=
		    JSON_OK || !valid_token(type, MUX_ERROR_TYPE_MAX)))
			type = NULL;
		log_warnx("mux: %s: HTTP %ld, error type %s", c->op,
		    c->status, type != NULL ? type : "-");
		goto out;
	}
	if (doc == NULL) {
		log_warnx("mux: %s: HTTP %ld, malformed JSON", c->op,
		    c->status);
		goto out;
	}
	if (json_get_obj(doc, "data", data) != JSON_OK) {
		log_warnx("mux: %s: HTTP %ld, no data object", c->op,
		    c->status);
		goto out;
	}
	return doc;
out:
	json_free(doc);
	return NULL;
}

/*
 * The first playback id with policy "public" into dst ("" when there is
 * none).  An id array of the wrong shape, or a public playback id that
 * is not a valid id, is an error: -1, and dst is "".  Otherwise 0.
 */
static int
mux_public_playback_id(const cJSON *data, char *dst, size_t dsz)
{
	const cJSON	*ids, *e;
	const char	*policy, *id;
	int		 i, n;

	dst[0] = '\0';
	switch (json_get_arr(data, "playback_ids", &ids)) {
	case JSON_MISSING:
		return 0;
	case JSON_OK:
		break;
	default:
		return -1;
	}
	n = cJSON_GetArraySize(ids);
	for (i = 0; i < n && i < MUX_PLAYBACK_IDS_MAX; i++) {
		if ((e = cJSON_GetArrayItem(ids, i)) == NULL ||
		    !cJSON_IsObject(e))
			return -1;
		if (json_get_str(e, "policy", 16, &policy) != JSON_OK ||
		    strcmp(policy, "public") != 0)
			continue;
		if (json_get_id(e, "id", &id) != JSON_OK ||
		    strlcpy(dst, id, dsz) >= dsz) {
			dst[0] = '\0';
			return -1;
		}
		return 0;
	}
	return 0;
}

/* A live stream status: a short lower-case word ("idle", "active"...). */
static int
mux_status_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((*s < 'a' || *s > 'z') && *s != '_')
			return 0;
	return 1;
}

/*
 * Prepare POST /video/v1/live-streams for our stream: public playback,
 * reduced latency, a MUX_RECONNECT_WINDOW so a short drop does not end
 * the recording, passthrough = stream_id on the stream and on its
 * recorded assets.  Returns 0, or -1 (logged) with c left empty; free c
 * with rest_call_free() either way.
 */
int
mux_live_stream_create_call(const struct conf *cf, const char *stream_id,
    struct rest_call *c)
{
	const char	*op = "mux.live_stream.create";
	const char	*pub[] = { "public" };
	struct buf	 u;
	cJSON		*body = NULL, *p, *nas;
	int		 rc = -1;

	mux_call_clear(c);
	buf_init(&u, MUX_URL_MAX);
	if (!mux_conf_ok(cf, op))
		goto out;
	if (!valid_id(stream_id)) {
		log_warnx("mux: %s: bad stream id", op);
		goto out;
	}
	if ((body = cJSON_CreateObject()) == NULL ||
	    (p = cJSON_CreateStringArray(pub, 1)) == NULL ||
	    !cJSON_AddItemToObject(body, "playback_policy", p) ||
	    (nas = cJSON_AddObjectToObject(body, "new_asset_settings")) ==
	    NULL ||
	    (p = cJSON_CreateStringArray(pub, 1)) == NULL ||
	    !cJSON_AddItemToObject(nas, "playback_policy", p) ||
	    cJSON_AddStringToObject(nas, "passthrough", stream_id) == NULL ||
	    cJSON_AddStringToObject(body, "latency_mode", "reduced") == NULL ||
	    cJSON_AddNumberToObject(body, "reconnect_window",
	    MUX_RECONNECT_WINDOW) == NULL ||
	    cJSON_AddStringToObject(body, "passthrough", stream_id) == NULL) {
		log_warnx("mux: %s: out of memory", op);
		goto out;
	}
	buf_printf(&u, "%s/video/v1/live-streams", cf->mux_api_base);
	rc = mux_call_finish(cf, c, op, "POST", &u, body);
out:
	cJSON_Delete(body);
	buf_free(&u);
	return rc;
}

/* Copy an optional id member into dst; "" when absent or not an id. */
static void
mux_opt_id(const cJSON *o, const char *key, char *dst, size_t dsz)
{
	const char	*v;

	dst[0] = '\0';
	if (json_get_id(o, key, &v) == JSON_OK && strlcpy(dst, v, dsz) >= dsz)
		dst[0] = '\0';
}

/* A required status word into dst: 0 or -1. */
static int
mux_status_copy(const cJSON *o, char *dst, size_t dsz)
{
	const char	*v;

	if (json_get_str(o, "status", dsz - 1, &v) != JSON_OK ||
	    *v == '\0' || !mux_status_ok(v))
		return -1;
	return strlcpy(dst, v, dsz) >= dsz ? -1 : 0;
}

/*
 * Read a live stream object: a webhook's data or a GET's data.  id and
 * status are required; stream_key, passthrough, active_asset_id, the
 * newest MUX_RECENT_MAX recent_asset_ids and the first public playback
 * id are copied when present and well-formed, else left "" (webhooks
 * may leave the stream key out).  Returns 0, or -1 with *out zeroed.
 * Does not log: the caller knows where the object came from.
 */
int
mux_live_stream_from_json(const struct cJSON *o, struct mux_live_stream *out)
{
	const cJSON	*a, *e;
	const char	*v;
	int		 i, n;

	memset(out, 0, sizeof(*out));
	if (json_get_id(o, "id", &v) != JSON_OK ||
	    strlcpy(out->id, v, sizeof(out->id)) >= sizeof(out->id) ||
	    mux_status_copy(o, out->status, sizeof(out->status)) == -1) {
		explicit_bzero(out, sizeof(*out));
		return -1;
	}
	if (json_get_str(o, "stream_key", sizeof(out->stream_key) - 1,
	    &v) == JSON_OK && valid_token(v, sizeof(out->stream_key) - 1))
		strlcpy(out->stream_key, v, sizeof(out->stream_key));
	mux_opt_id(o, "passthrough", out->passthrough,
	    sizeof(out->passthrough));
	mux_opt_id(o, "active_asset_id", out->active_asset_id,
	    sizeof(out->active_asset_id));
	/* Newest last at Mux: keep the last MUX_RECENT_MAX valid ones. */
	if (json_get_arr(o, "recent_asset_ids", &a) == JSON_OK) {
		n = cJSON_GetArraySize(a);
		for (i = n > MUX_RECENT_MAX ? n - MUX_RECENT_MAX : 0; i < n;
		    i++) {
			e = cJSON_GetArrayItem(a, i);
			if (!cJSON_IsString(e) || !valid_id(e->valuestring))
				continue;
			strlcpy(out->recent_asset_ids[out->nrecent],
			    e->valuestring, sizeof(out->recent_asset_ids[0]));
			out->nrecent++;
		}
	}
	(void)mux_public_playback_id(o, out->playback_id,
	    sizeof(out->playback_id));
	return 0;
}

/*
 * Read a live stream from a create (201) or get (200) answer.  Stricter
 * than mux_live_stream_from_json(): our own request must come back with
 * a usable stream_key, and playback_ids, when present, must be well
 * formed.  Returns 0, or -1 (logged) with *out zeroed.
 */
int
mux_live_stream_parse(const struct rest_call *c, struct mux_live_stream *out)
{
	const cJSON	*data;
	const char	*bad = NULL, *v;
	char		 pb[LIM_ID + 1];
	cJSON		*doc;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((doc = mux_envelope(c, &data)) == NULL)
		return -1;
	if (mux_live_stream_from_json(data, out) == -1)
		bad = json_get_id(data, "id", &v) != JSON_OK ? "id" : "status";
	else if (out->stream_key[0] == '\0')
		bad = "stream_key";
	else if (mux_public_playback_id(data, pb, sizeof(pb)) == -1)
		bad = "playback_ids";
	if (bad != NULL) {
		log_warnx("mux: %s: HTTP %ld, bad or missing %s", c->op,
		    c->status, bad);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1)
		explicit_bzero(out, sizeof(*out));
	json_free(doc);
	return rc;
}

/*
 * Read an asset object: a webhook's data or a GET's data.  id and
 * status are required; live_stream_id, passthrough, is_live, duration
 * (-1 when unknown) and the first public playback id fall back to
 * "", 0 or -1.  Returns 0, or -1 with *out zeroed.  Does not log.
 */
int
mux_asset_from_json(const struct cJSON *o, struct mux_asset *out)
{
	const char	*v;
	double		 d;
	int		 b;

	memset(out, 0, sizeof(*out));
	out->duration = -1;
	if (json_get_id(o, "id", &v) != JSON_OK ||
	    strlcpy(out->id, v, sizeof(out->id)) >= sizeof(out->id) ||
	    mux_status_copy(o, out->status, sizeof(out->status)) == -1) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	mux_opt_id(o, "live_stream_id", out->live_stream_id,
	    sizeof(out->live_stream_id));
	mux_opt_id(o, "passthrough", out->passthrough,
	    sizeof(out->passthrough));
	if (json_get_bool(o, "is_live", &b) == JSON_OK)
		out->is_live = b;
	if (json_get_num(o, "duration", &d) == JSON_OK && d >= 0 && d < 1e9)
		out->duration = d;
	(void)mux_public_playback_id(o, out->playback_id,
	    sizeof(out->playback_id));
	return 0;
}

/*
 * Read an asset from a GET answer.  Returns 0, or -1 (logged) with
 * *out zeroed.
 */
int
mux_asset_parse(const struct rest_call *c, struct mux_asset *out)
{
	const cJSON	*data;
	cJSON		*doc;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((doc = mux_envelope(c, &data)) == NULL)
		return -1;
	if (mux_asset_from_json(data, out) == -1) {
		log_warnx("mux: %s: HTTP %ld, bad or missing id or status",
		    c->op, c->status);
		goto out;
	}
	rc = 0;
out:
	json_free(doc);
	return rc;
}

/*
 * Prepare GET /video/v1/live-streams/{id}; read the answer with
 * mux_live_stream_parse().  0, or -1 (logged) with c left empty.
 */
int
mux_live_stream_get_call(const struct conf *cf, const char *id,
    struct rest_call *c)
{
	return mux_live_stream_id_call(cf, "mux.live_stream.get", "GET", id,
	    "", c);
}

/*
 * Prepare GET /video/v1/assets/{id}; read the answer with
 * mux_asset_parse().  0, or -1 (logged) with c left empty.
 */
int
mux_asset_get_call(const struct conf *cf, const char *id,
    struct rest_call *c)
{
	const char	*op = "mux.asset.get";
	struct buf	 u;

	mux_call_clear(c);
	buf_init(&u, MUX_URL_MAX);
	if (!mux_conf_ok(cf, op))
		return -1;
	if (!valid_id(id)) {
		log_warnx("mux: %s: bad asset id", op);
		return -1;
	}
	buf_printf(&u, "%s/video/v1/assets/%s", cf->mux_api_base, id);
	return mux_call_finish(cf, c, op, "GET", &u, NULL);
}

/*
 * Prepare DELETE /video/v1/live-streams/{id} (204 on success, see
 * rest_ok()).  0, or -1 (logged) with c left empty.
 */
int
mux_live_stream_delete_call(const struct conf *cf, const char *id,
    struct rest_call *c)
{
	return mux_live_stream_id_call(cf, "mux.live_stream.delete",
	    "DELETE", id, "", c);
}

/*
 * Prepare PUT /video/v1/live-streams/{id}/complete (no body; 200
 * {"data":{}}): end the recording now instead of after the reconnect
 * window.  0, or -1 (logged) with c left empty.
 */
int
mux_live_stream_complete_call(const struct conf *cf, const char *id,
    struct rest_call *c)
{
	return mux_live_stream_id_call(cf, "mux.live_stream.complete",
	    "PUT", id, "/complete", c);
}
