/*
 * cloudflare.c: Cloudflare Stream calls, turned into our own structs.
 *
 * Each operation is a *_call() that prepares a struct rest_call (URL,
 * JSON body built with cJSON, bearer auth) so that several calls can run
 * at once through rest_run(), and, where the answer matters, a *_parse()
 * that reads it.  Cloudflare wraps every answer in an envelope,
 * {"success", "errors": [{"code", "message"}], "messages", "result"}
 * (PROVIDERS.md 1.1); parsers insist on success == true and a result
 * object, validate every id with valid_id() and copy every string with
 * a length check.  No cJSON pointer leaves this file.
 *
 * Logging: a parser that refuses an answer logs one line with the
 * operation, the HTTP status and Cloudflare's numeric error code (never
 * its message, which may echo input, and never a URL, key or token).
 * Transport failures were already logged by rest.c.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "buf.h"
#include "cloudflare.h"
#include "compat.h"
#include "conf.h"
#include "json.h"
#include "log.h"
#include "rest.h"
#include "valid.h"
#include "vlimits.h"

/* Our URLs: base (from conf) plus a path of a few ids. */
#define CF_URL_MAX	2048

/* The longest stream key we forward to an Output (Mux's are 36). */
#define CF_STREAM_KEY_MAX	255

/*
 * Videos we read from one live input's list: one per broadcast (and per
 * reconnect after timeoutSeconds).  A memorial has a handful; the cap
 * only bounds the allocation (the answer itself is capped by
 * LIM_PROVIDER_RESP).
 */
#define CF_VIDEOS_MAX	1000

/* The playback host Cloudflare gives each account. */
#define CF_CUSTOMER_PREFIX	"customer-"
#define CF_CUSTOMER_SUFFIX	".cloudflarestream.com"

/* Start a call from scratch so rest_call_free() is always safe. */
static void
cf_call_clear(struct rest_call *c)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->resp, LIM_PROVIDER_RESP);
}

/* Is the configuration complete enough to talk to Cloudflare? */
static int
cf_conf_ok(const struct conf *cf, const char *op)
{
	if (cf == NULL || cf->cf_api_base == NULL ||
	    cf->cf_api_token == NULL || !valid_id(cf->cf_account_id)) {
		log_warnx("cloudflare: %s: not configured", op);
		return 0;
	}
	return 1;
}

/*
 * Finish a call: URL from u, optional JSON body, bearer token from conf.
 * Returns 0 or -1 (c left empty).
 */
static int
cf_call_finish(const struct conf *cf, struct rest_call *c, const char *op,
    const char *method, struct buf *u, const cJSON *body)
{
	char	*b = NULL;
	int	 rc = -1;

	if (u->data == NULL) {
		log_warnx("cloudflare: %s: URL too long", op);
		goto out;
	}
	if (body != NULL && (b = json_print(body)) == NULL) {
		log_warnx("cloudflare: %s: out of memory", op);
		goto out;
	}
	if (rest_call_init(c, op, method, buf_cstr(u), b) == -1) {
		log_warnx("cloudflare: %s: out of memory", op);
		goto out;
	}
	c->auth = REST_AUTH_BEARER;
	c->user = cf->cf_api_token;
	rc = 0;
out:
	if (b != NULL) {
		explicit_bzero(b, strlen(b));
		free(b);
	}
	buf_free(u);
	if (rc == -1)
		rest_call_free(c);
	return rc;
}

/* First numeric error code in Cloudflare's errors array, or 0. */
static int
cf_error_code(const cJSON *doc)
{
	const cJSON	*errs = NULL, *e;
	double		 code;

	if (doc == NULL || json_get_arr(doc, "errors", &errs) != JSON_OK ||
	    (e = cJSON_GetArrayItem(errs, 0)) == NULL ||
	    json_get_num(e, "code", &code) != JSON_OK ||
	    code < 0 || code > 999999)
		return 0;
	return (int)code;
}

/*
 * Check the envelope of an answer and find its result: an object, or
 * with want_array an array.  Returns the parsed document (free with
 * json_free) or NULL, logged.
 */
static cJSON *
cf_envelope(const struct rest_call *c, int want_array, const cJSON **result)
{
	cJSON		*doc;
	char		 code[32] = "no error code";
	int		 ok = 0, n;

	*result = NULL;
	if (c->err != REST_OK)
		return NULL;	/* rest.c logged the cause */
	doc = json_parse(c->resp.data, c->resp.len);
	if ((n = cf_error_code(doc)) > 0)
		snprintf(code, sizeof(code), "error code %d", n);
	if (!rest_ok(c)) {
		log_warnx("cloudflare: %s: HTTP %ld, %s", c->op, c->status,
		    code);
		goto out;
	}
	if (doc == NULL) {
		log_warnx("cloudflare: %s: HTTP %ld, malformed JSON", c->op,
		    c->status);
		goto out;
	}
	if (json_get_bool(doc, "success", &ok) != JSON_OK || !ok) {
		log_warnx("cloudflare: %s: HTTP %ld, success is not true, "
		    "%s", c->op, c->status, code);
		goto out;
	}
	if ((want_array ? json_get_arr(doc, "result", result) :
	    json_get_obj(doc, "result", result)) != JSON_OK) {
		log_warnx("cloudflare: %s: HTTP %ld, no result %s", c->op,
		    c->status, want_array ? "array" : "object");
		goto out;
	}
	return doc;
out:
	json_free(doc);
	return NULL;
}

/*
 * Copy member key of o (o may be NULL) into dst: a string without
 * control characters that fits.  0 or -1.
 */
static int
cf_copy(const cJSON *o, const char *key, char *dst, size_t dsz)
{
	const char	*s;

	if (json_get_str(o, key, dsz - 1, &s) != JSON_OK || *s == '\0')
		return -1;
	return strlcpy(dst, s, dsz) >= dsz ? -1 : 0;
}

/*
 * A URL from an answer that we store and hand on (to the relay or to
 * browsers): conf_url_ok() for the scheme, and never user info, which
 * no Cloudflare URL carries and which could hide the real host.
 */
static int
cf_url_ok(const char *url, const char *scheme)
{
	const char	*a;

	if (!conf_url_ok(url, scheme) || (a = strstr(url, "://")) == NULL)
		return 0;
	a += 3;
	return memchr(a, '@', strcspn(a, "/?#")) == NULL;
}

/* A loopback host ("localhost", 127/8, [::1]); host is len bytes. */
static int
cf_host_loopback(const char *host, size_t len)
{
	char		 tmp[INET6_ADDRSTRLEN + 2];
	struct in_addr	 a4;
	struct in6_addr	 a6;

	if (len == 0 || len >= sizeof(tmp))
		return 0;
	memcpy(tmp, host, len);
	tmp[len] = '\0';
	if (strcmp(tmp, "localhost") == 0)
		return 1;
	if (inet_pton(AF_INET, tmp, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	if (len < 3 || tmp[0] != '[' || tmp[len - 1] != ']')
		return 0;
	tmp[len - 1] = '\0';
	return inet_pton(AF_INET6, tmp + 1, &a6) == 1 &&
	    IN6_IS_ADDR_LOOPBACK(&a6);
}

/* Is h (len bytes) customer-<code>.cloudflarestream.com? */
static int
cf_host_customer(const char *h, size_t len)
{
	size_t	 pl = strlen(CF_CUSTOMER_PREFIX);
	size_t	 sl = strlen(CF_CUSTOMER_SUFFIX);
	size_t	 i;

	if (len <= pl + sl || len - pl - sl > 63 ||
	    strncmp(h, CF_CUSTOMER_PREFIX, pl) != 0 ||
	    strncmp(h + len - sl, CF_CUSTOMER_SUFFIX, sl) != 0)
		return 0;
	for (i = pl; i < len - sl; i++)
		if (!((h[i] >= 'a' && h[i] <= 'z') ||
		    (h[i] >= '0' && h[i] <= '9')))
			return 0;
	return 1;
}

/*
 * The scheme and host of a WHEP URL, when it is Cloudflare's customer
 * playback host over https (or any loopback host, for the test fakes):
 * "https://customer-X.cloudflarestream.com".  Otherwise dst is "".
 */
static void
cf_playback_base(const char *url, char *dst, size_t dsz)
{
	const char	*a, *e;
	size_t		 alen, hlen;
	int		 https;

	dst[0] = '\0';
	if (strncmp(url, "https://", 8) == 0)
		https = 1;
	else if (strncmp(url, "http://", 7) == 0)
		https = 0;
	else
		return;
	a = url + (https ? 8 : 7);
	alen = strcspn(a, "/?#");
	if (alen == 0 || memchr(a, '@', alen) != NULL)
		return;
	if (a[0] == '[') {
		if ((e = memchr(a, ']', alen)) == NULL)
			return;
		hlen = (size_t)(e - a) + 1;
	} else
		hlen = strcspn(a, ":/?#");
	if (hlen > alen)
		return;
	if (!cf_host_loopback(a, hlen) &&
	    !(https && hlen == alen && cf_host_customer(a, hlen)))
		return;
	if ((size_t)(a - url) + alen >= dsz)
		return;
	memcpy(dst, url, (size_t)(a - url) + alen);
	dst[(size_t)(a - url) + alen] = '\0';
}

/*
 * Prepare POST /accounts/{acct}/stream/live_inputs for our stream:
 * meta {name: title, vigilStreamId: stream_id}, recording automatic with
 * a CF_RECONNECT_TIMEOUT so a short drop does not split the recording.
 * Returns 0, or -1 (logged) with c left empty; free c with
 * rest_call_free() either way.
 */
int
cf_live_input_create_call(const struct conf *cf, const char *stream_id,
    const char *title, struct rest_call *c)
{
	const char	*op = "cf.live_input.create";
	struct buf	 u;
	cJSON		*body = NULL, *meta, *rec;
	int		 rc = -1;

	cf_call_clear(c);
	buf_init(&u, CF_URL_MAX);
	if (!cf_conf_ok(cf, op))
		goto out;
	if (!valid_id(stream_id) || !valid_text(title, LIM_TITLE)) {
		log_warnx("cloudflare: %s: bad stream id or title", op);
		goto out;
	}
	if ((body = cJSON_CreateObject()) == NULL ||
	    (meta = cJSON_AddObjectToObject(body, "meta")) == NULL ||
	    cJSON_AddStringToObject(meta, "name", title) == NULL ||
	    cJSON_AddStringToObject(meta, "vigilStreamId", stream_id) ==
	    NULL ||
	    (rec = cJSON_AddObjectToObject(body, "recording")) == NULL ||
	    cJSON_AddStringToObject(rec, "mode", "automatic") == NULL ||
	    cJSON_AddNumberToObject(rec, "timeoutSeconds",
	    CF_RECONNECT_TIMEOUT) == NULL) {
		log_warnx("cloudflare: %s: out of memory", op);
		goto out;
	}
	buf_printf(&u, "%s/accounts/%s/stream/live_inputs", cf->cf_api_base,
	    cf->cf_account_id);
	rc = cf_call_finish(cf, c, op, "POST", &u, body);
out:
	cJSON_Delete(body);
	buf_free(&u);
	return rc;
}

/*
 * Read a live input from a create (or get) answer.  uid, rtmps.url,
 * rtmps.streamKey, webRTC.url and webRTCPlayback.url are all required:
 * every streaming method needs one ingest and the WHEP playback, and a
 * half-filled struct would fail later and less clearly.  playback_base
 * may come out "".  Returns 0, or -1 (logged) with *out zeroed.
 */
int
cf_live_input_parse(const struct rest_call *c, struct cf_live_input *out)
{
	const cJSON	*res, *rtmps, *whip, *whep;
	const char	*uid, *bad = NULL;
	cJSON		*doc;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((doc = cf_envelope(c, 0, &res)) == NULL)
		return -1;
	/* Each is NULL when absent or not an object: cf_copy() fails. */
	(void)json_get_obj(res, "rtmps", &rtmps);
	(void)json_get_obj(res, "webRTC", &whip);
	(void)json_get_obj(res, "webRTCPlayback", &whep);
	if (json_get_id(res, "uid", &uid) != JSON_OK ||
	    strlcpy(out->uid, uid, sizeof(out->uid)) >= sizeof(out->uid))
		bad = "uid";
	else if (cf_copy(rtmps, "url", out->rtmps_url,
	    sizeof(out->rtmps_url)) == -1 ||
	    !cf_url_ok(out->rtmps_url, "rtmp"))
		bad = "rtmps.url";
	else if (cf_copy(rtmps, "streamKey", out->rtmps_key,
	    sizeof(out->rtmps_key)) == -1 ||
	    !valid_token(out->rtmps_key, sizeof(out->rtmps_key) - 1))
		bad = "rtmps.streamKey";
	else if (cf_copy(whip, "url", out->whip_url,
	    sizeof(out->whip_url)) == -1 ||
	    !cf_url_ok(out->whip_url, "http"))
		bad = "webRTC.url";
	else if (cf_copy(whep, "url", out->whep_url,
	    sizeof(out->whep_url)) == -1 ||
	    !cf_url_ok(out->whep_url, "http"))
		bad = "webRTCPlayback.url";
	if (bad != NULL) {
		log_warnx("cloudflare: %s: HTTP %ld, bad or missing %s",
		    c->op, c->status, bad);
		goto out;
	}
	cf_playback_base(out->whep_url, out->playback_base,
	    sizeof(out->playback_base));
	rc = 0;
out:
	if (rc == -1)
		explicit_bzero(out, sizeof(*out));
	json_free(doc);
	return rc;
}

/*
 * Prepare a bodiless METHOD on /accounts/{acct}/stream/live_inputs/{uid}
 * followed by suffix ("" or "/outputs", ...).  0, or -1 (logged).
 */
static int
cf_input_call(const struct conf *cf, struct rest_call *c, const char *op,
    const char *method, const char *uid, const char *suffix)
{
	struct buf	 u;

	cf_call_clear(c);
	buf_init(&u, CF_URL_MAX);
	if (!cf_conf_ok(cf, op))
		return -1;
	if (!valid_id(uid)) {
		log_warnx("cloudflare: %s: bad live input id", op);
		return -1;
	}
	buf_printf(&u, "%s/accounts/%s/stream/live_inputs/%s%s",
	    cf->cf_api_base, cf->cf_account_id, uid, suffix);
	return cf_call_finish(cf, c, op, method, &u, NULL);
}

/*
 * Prepare DELETE /accounts/{acct}/stream/live_inputs/{uid}.  Success is
 * rest_ok(c) (404 means it was already gone).  0, or -1 (logged).
 */
int
cf_live_input_delete_call(const struct conf *cf, const char *uid,
    struct rest_call *c)
{
	return cf_input_call(cf, c, "cf.live_input.delete", "DELETE", uid,
	    "");
}

/*
 * Prepare POST .../live_inputs/{uid}/outputs {url, streamKey, enabled:
 * true}: Cloudflare restreams the input's RTMPS feed to url.  url must
 * be rtmps:// (or rtmp:// to loopback).  0, or -1 (logged).
 */
int
cf_output_create_call(const struct conf *cf, const char *input_uid,
    const char *url, const char *stream_key, struct rest_call *c)
{
	const char	*op = "cf.output.create";
	struct buf	 u;
	cJSON		*body = NULL, *k;
	int		 rc = -1;

	cf_call_clear(c);
	buf_init(&u, CF_URL_MAX);
	if (!cf_conf_ok(cf, op))
		goto out;
	if (!valid_id(input_uid) || url == NULL ||
	    strlen(url) > CF_URL_MAX || !conf_url_ok(url, "rtmp") ||
	    !valid_token(stream_key, CF_STREAM_KEY_MAX)) {
		log_warnx("cloudflare: %s: bad input id, URL or key", op);
		goto out;
	}
	if ((body = cJSON_CreateObject()) == NULL ||
	    cJSON_AddStringToObject(body, "url", url) == NULL ||
	    cJSON_AddStringToObject(body, "streamKey", stream_key) == NULL ||
	    cJSON_AddTrueToObject(body, "enabled") == NULL) {
		log_warnx("cloudflare: %s: out of memory", op);
		goto out;
	}
	buf_printf(&u, "%s/accounts/%s/stream/live_inputs/%s/outputs",
	    cf->cf_api_base, cf->cf_account_id, input_uid);
	rc = cf_call_finish(cf, c, op, "POST", &u, body);
out:
	/* The body holds a stream key. */
	if ((k = cJSON_GetObjectItemCaseSensitive(body, "streamKey")) !=
	    NULL && cJSON_IsString(k) && k->valuestring != NULL)
		explicit_bzero(k->valuestring, strlen(k->valuestring));
	cJSON_Delete(body);
	buf_free(&u);
	return rc;
}

/* Read an Output from its create answer: result.uid.  0 or -1 (logged). */
int
cf_output_parse(const struct rest_call *c, struct cf_output *out)
{
	const cJSON	*res;
	const char	*uid;
	cJSON		*doc;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((doc = cf_envelope(c, 0, &res)) == NULL)
		return -1;
	if (json_get_id(res, "uid", &uid) != JSON_OK ||
	    strlcpy(out->uid, uid, sizeof(out->uid)) >= sizeof(out->uid)) {
		log_warnx("cloudflare: %s: HTTP %ld, bad or missing uid",
		    c->op, c->status);
		memset(out, 0, sizeof(*out));
		goto out;
	}
	rc = 0;
out:
	json_free(doc);
	return rc;
}

/*
 * Prepare GET .../live_inputs/{uid}/outputs.  0, or -1 (logged).
 */
int
cf_outputs_list_call(const struct conf *cf, const char *input_uid,
    struct rest_call *c)
{
	return cf_input_call(cf, c, "cf.output.list", "GET", input_uid,
	    "/outputs");
}

/*
 * Find the Output that forwards with stream_key.  The key alone decides:
 * it is unique to one Mux live stream, while Cloudflare may write the
 * URL back differently from how we sent it.  0 (*out filled), 1 when no
 * Output has the key, -1 on a failed or unusable answer (logged).
 */
int
cf_outputs_find(const struct rest_call *c, const char *stream_key,
    struct cf_output *out)
{
	const cJSON	*res, *e;
	const char	*key, *uid;
	cJSON		*doc;
	int		 rc = 1;

	memset(out, 0, sizeof(*out));
	if (stream_key == NULL || *stream_key == '\0')
		return -1;
	if ((doc = cf_envelope(c, 1, &res)) == NULL)
		return -1;
	cJSON_ArrayForEach(e, res) {
		if (json_get_str(e, "streamKey", CF_STREAM_KEY_MAX, &key) !=
		    JSON_OK || strcmp(key, stream_key) != 0)
			continue;
		if (json_get_id(e, "uid", &uid) != JSON_OK ||
		    strlcpy(out->uid, uid, sizeof(out->uid)) >=
		    sizeof(out->uid)) {
			log_warnx("cloudflare: %s: HTTP %ld, the Output has "
			    "no usable uid", c->op, c->status);
			memset(out, 0, sizeof(*out));
			rc = -1;
		} else
			rc = 0;
		break;
	}
	json_free(doc);
	return rc;
}

/*
 * Prepare DELETE .../live_inputs/{uid}/outputs/{output_uid}.  Success
 * is rest_ok(c).  0, or -1 (logged).
 */
int
cf_output_delete_call(const struct conf *cf, const char *input_uid,
    const char *output_uid, struct rest_call *c)
{
	const char	*op = "cf.output.delete";
	struct buf	 u;

	cf_call_clear(c);
	buf_init(&u, CF_URL_MAX);
	if (!cf_conf_ok(cf, op))
		return -1;
	if (!valid_id(input_uid) || !valid_id(output_uid)) {
		log_warnx("cloudflare: %s: bad live input or output id", op);
		return -1;
	}
	buf_printf(&u, "%s/accounts/%s/stream/live_inputs/%s/outputs/%s",
	    cf->cf_api_base, cf->cf_account_id, input_uid, output_uid);
	return cf_call_finish(cf, c, op, "DELETE", &u, NULL);
}

/* status.state: a short lower-case word with '-' ("live-inprogress"). */
static int
cf_word_ok(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++)
		if ((*s < 'a' || *s > 'z') && (*s < '0' || *s > '9') &&
		    *s != '-' && *s != '_')
			return 0;
	return 1;
}

/*
 * Read a Stream video object (a webhook body, or one element of a
 * live input's video list).  uid and status.state are required; every
 * other field falls back to "", 0 or -1 when absent or malformed, so
 * that a new or odd field never makes us drop a recording's state.
 * Returns 0, or -1 with *out zeroed.  Does not log: the caller knows
 * where the object came from.
 */
int
cf_video_from_json(const struct cJSON *o, struct cf_video *out)
{
	const cJSON	*st = NULL, *pb = NULL;
	const char	*v;
	double		 d;
	int		 b;

	memset(out, 0, sizeof(*out));
	out->duration = -1;
	if (json_get_id(o, "uid", &v) != JSON_OK ||
	    strlcpy(out->uid, v, sizeof(out->uid)) >= sizeof(out->uid))
		goto fail;
	if (json_get_obj(o, "status", &st) != JSON_OK ||
	    json_get_str(st, "state", sizeof(out->state) - 1, &v) !=
	    JSON_OK || !cf_word_ok(v) ||
	    strlcpy(out->state, v, sizeof(out->state)) >= sizeof(out->state))
		goto fail;
	if (json_get_id(o, "liveInput", &v) == JSON_OK)
		strlcpy(out->live_input, v, sizeof(out->live_input));
	if (json_get_bool(o, "readyToStream", &b) == JSON_OK)
		out->ready_to_stream = b;
	if (json_get_num(o, "duration", &d) == JSON_OK && d >= 0 &&
	    d < 1e9)
		out->duration = d;
	if (json_get_obj(o, "playback", &pb) == JSON_OK &&
	    json_get_str(pb, "hls", sizeof(out->hls) - 1, &v) == JSON_OK &&
	    cf_url_ok(v, "http"))
		strlcpy(out->hls, v, sizeof(out->hls));
	/* The API says errorReasonCode; some docs say errReasonCode. */
	if ((json_get_str(st, "errorReasonCode", sizeof(out->error_code) - 1,
	    &v) == JSON_OK || json_get_str(st, "errReasonCode",
	    sizeof(out->error_code) - 1, &v) == JSON_OK) &&
	    valid_token(v, sizeof(out->error_code) - 1))
		strlcpy(out->error_code, v, sizeof(out->error_code));
	return 0;
fail:
	memset(out, 0, sizeof(*out));
	return -1;
}

/*
 * Prepare GET /accounts/{acct}/stream/live_inputs/{uid}/videos (docs
 * only, absent from Cloudflare's spec).  0, or -1 (logged).
 */
int
cf_videos_list_call(const struct conf *cf, const char *input_uid,
    struct rest_call *c)
{
	return cf_input_call(cf, c, "cf.videos.list", "GET", input_uid,
	    "/videos");
}

/*
 * Read a live input's videos.  Videos without a usable uid or state
 * are skipped (and counted in one log line); at most CF_VIDEOS_MAX are
 * kept.  On success *out (free(3) it; NULL when *n is 0) holds *n
 * videos and 0 is returned; on failure -1 (logged), *out NULL, *n 0.
 */
int
cf_videos_list_parse(const struct rest_call *c, struct cf_video **out,
    size_t *n)
{
	const cJSON	*res, *e;
	cJSON		*doc;
	struct cf_video	*v = NULL;
	size_t		 total, skipped = 0, i;
	int		 rc = -1;

	*out = NULL;
	*n = 0;
	if ((doc = cf_envelope(c, 1, &res)) == NULL)
		return -1;
	total = (size_t)cJSON_GetArraySize(res);
	if (total > CF_VIDEOS_MAX)
		total = CF_VIDEOS_MAX;
	if (total > 0 && (v = calloc(total, sizeof(*v))) == NULL) {
		log_warn("cloudflare: %s", c->op);
		goto out;
	}
	i = 0;
	cJSON_ArrayForEach(e, res) {
		if (i == total)
			break;
		if (cf_video_from_json(e, &v[i]) == 0)
			i++;
		else
			skipped++;
	}
	if (skipped > 0)
		log_warnx("cloudflare: %s: HTTP %ld, skipped %zu unusable "
		    "video(s)", c->op, c->status, skipped);
	if (i == 0) {
		free(v);
		v = NULL;
	}
	*out = v;
	*n = i;
	rc = 0;
out:
	json_free(doc);
	return rc;
}
