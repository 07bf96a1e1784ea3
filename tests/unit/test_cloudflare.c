/*
 * test_cloudflare.c: lib/cloudflare.c without a network.  The *_call()
 * functions are checked by the URL, method, auth and body they prepare
 * (bodies parsed back with cJSON); the *_parse() functions by canned
 * answers from tests/data/cloudflare/ put into a struct rest_call by
 * hand, plus table-driven mutations of those answers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "buf.h"
#include "cloudflare.h"
#include "conf.h"
#include "log.h"
#include "rest.h"
#include "vlimits.h"

#include "unit.h"

#define ACCT	"023e105f4ecef8ad9ca31a8372d0c353"
#define BASE	"https://api.cloudflare.test/client/v4"
#define TOKEN	"cf-test-token"
#define INPUT	"66be4bf738797e01e1fca35a7bdecdcd"

static char	 s_base[] = BASE, s_acct[] = ACCT, s_token[] = TOKEN;
static char	 s_bad_acct[] = "../x";

/* The whole fixture file as a string; NULL if it cannot be read. */
static char *
slurp(const char *name)
{
	const char	*dir = getenv("VIGIL_TEST_DATA");
	char		 path[512], chunk[4096];
	struct buf	 b;
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof(path), "%s/cloudflare/%s",
	    dir != NULL ? dir : "tests/data", name);
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return NULL;
	}
	buf_init(&b, 1024 * 1024);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_append(&b, chunk, n) == -1)
			break;
	fclose(f);
	return buf_steal(&b);
}

/* An answer as rest_run() would leave it. */
static void
fill(struct rest_call *c, const char *op, enum rest_err err, long status,
    const char *body)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->resp, LIM_PROVIDER_RESP);
	c->op = op;
	c->method = "POST";
	c->err = err;
	c->status = status;
	c->attempts = 1;
	if (body != NULL)
		buf_puts(&c->resp, body);
}

/*
 * Replace (or with val NULL, delete) the member at a dotted path of doc;
 * val is JSON text.  Returns the new document text (free it) or NULL.
 */
static char *
mutate(const char *doc, const char *path, const char *val)
{
	cJSON		*d, *o, *v;
	char		 p[128], *k, *next, *out = NULL;

	if ((d = cJSON_Parse(doc)) == NULL)
		return NULL;
	snprintf(p, sizeof(p), "%s", path);
	o = d;
	for (k = p; (next = strchr(k, '.')) != NULL; k = next + 1) {
		*next = '\0';
		if ((o = cJSON_GetObjectItemCaseSensitive(o, k)) == NULL)
			goto out;
	}
	if (val == NULL)
		cJSON_DeleteItemFromObjectCaseSensitive(o, k);
	else if ((v = cJSON_Parse(val)) == NULL)
		goto out;
	else if (cJSON_GetObjectItemCaseSensitive(o, k) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(o, k, v);
	else
		cJSON_AddItemToObject(o, k, v);
	out = cJSON_PrintUnformatted(d);
out:
	cJSON_Delete(d);
	return out;
}

static void
conf_fill(struct conf *cf)
{
	memset(cf, 0, sizeof(*cf));
	cf->cf_enabled = 1;
	cf->cf_api_base = s_base;
	cf->cf_account_id = s_acct;
	cf->cf_api_token = s_token;
}

static void
test_create_call(void)
{
	struct conf		 cf;
	struct rest_call	 c;
	cJSON			*b;
	const cJSON		*meta, *rec, *v;
	const char		*title =
	    "Grandma's \"memorial\" \xc3\xa9t\xc3\xa9";

	conf_fill(&cf);
	CHECK(cf_live_input_create_call(&cf, "s-abc_123", title, &c) == 0);
	CHECK_STR(c.url, BASE "/accounts/" ACCT "/stream/live_inputs");
	CHECK_STR(c.method, "POST");
	CHECK_STR(c.op, "cf.live_input.create");
	CHECK(c.auth == REST_AUTH_BEARER);
	CHECK_STR(c.user, TOKEN);
	CHECK(c.body != NULL);
	b = cJSON_Parse(c.body != NULL ? c.body : "");
	CHECK(b != NULL);
	CHECK(cJSON_GetArraySize(b) == 2);	/* meta and recording only */
	meta = cJSON_GetObjectItemCaseSensitive(b, "meta");
	CHECK(cJSON_IsObject(meta) && cJSON_GetArraySize(meta) == 2);
	v = cJSON_GetObjectItemCaseSensitive(meta, "name");
	CHECK(cJSON_IsString(v));
	CHECK_STR(cJSON_GetStringValue(v), title);
	v = cJSON_GetObjectItemCaseSensitive(meta, "vigilStreamId");
	CHECK_STR(cJSON_GetStringValue(v), "s-abc_123");
	rec = cJSON_GetObjectItemCaseSensitive(b, "recording");
	CHECK(cJSON_IsObject(rec) && cJSON_GetArraySize(rec) == 2);
	v = cJSON_GetObjectItemCaseSensitive(rec, "mode");
	CHECK_STR(cJSON_GetStringValue(v), "automatic");
	/* An integer (the spec says "type": "integer"), and non-zero. */
	v = cJSON_GetObjectItemCaseSensitive(rec, "timeoutSeconds");
	CHECK(cJSON_IsNumber(v) && v->valuedouble == CF_RECONNECT_TIMEOUT &&
	    v->valueint == CF_RECONNECT_TIMEOUT && CF_RECONNECT_TIMEOUT > 0);
	CHECK(strstr(c.body, "\"timeoutSeconds\":60") != NULL);
	cJSON_Delete(b);
	rest_call_free(&c);
}

/* Inputs a *_call() must refuse, leaving c empty. */
static void
test_call_refusals(void)
{
	char			 long_id[LIM_ID + 2], long_title[LIM_TITLE + 2];
	struct conf		 cf, bad;
	struct rest_call	 c;
	size_t			 i;
	int			 rc;
	const struct {
		const char	*id;
		const char	*title;
	} bad_in[] = {
		{ "", "t" },
		{ "a/b", "t" },
		{ "a b", "t" },
		{ "a\"b", "t" },
		{ long_id, "t" },
		{ NULL, "t" },
		{ "ok", "" },
		{ "ok", "   " },
		{ "ok", "line\nbreak" },
		{ "ok", "bad \xff utf-8" },
		{ "ok", long_title },
		{ "ok", NULL },
	};

	memset(long_id, 'a', sizeof(long_id) - 1);
	long_id[sizeof(long_id) - 1] = '\0';
	memset(long_title, 't', sizeof(long_title) - 1);
	long_title[sizeof(long_title) - 1] = '\0';
	conf_fill(&cf);
	for (i = 0; i < sizeof(bad_in) / sizeof(bad_in[0]); i++) {
		rc = cf_live_input_create_call(&cf, bad_in[i].id,
		    bad_in[i].title, &c);
		CHECK(rc == -1);
		CHECK(c.url == NULL && c.body == NULL);
		rest_call_free(&c);
	}

	/* Not configured, or an account id that would change the path. */
	bad = cf;
	bad.cf_api_token = NULL;
	CHECK(cf_live_input_create_call(&bad, "ok", "t", &c) == -1);
	CHECK(c.url == NULL);
	bad = cf;
	bad.cf_account_id = s_bad_acct;
	CHECK(cf_live_input_create_call(&bad, "ok", "t", &c) == -1);
	CHECK(cf_live_input_delete_call(&bad, INPUT, &c) == -1);
	CHECK(cf_live_input_create_call(NULL, "ok", "t", &c) == -1);

	/* Path ids. */
	CHECK(cf_live_input_delete_call(&cf, "../../x", &c) == -1);
	CHECK(cf_live_input_delete_call(&cf, "a?b", &c) == -1);
	CHECK(cf_output_delete_call(&cf, INPUT, "x/y", &c) == -1);
	CHECK(cf_output_delete_call(&cf, "", "abc", &c) == -1);

	/* Output targets: rtmps, or rtmp to loopback; a plain key. */
	CHECK(cf_output_create_call(&cf, INPUT,
	    "rtmp://a.rtmp.youtube.com/live2", "k", &c) == -1);
	CHECK(cf_output_create_call(&cf, INPUT, "https://example.com/",
	    "k", &c) == -1);
	CHECK(cf_output_create_call(&cf, INPUT,
	    "rtmps://global-live.mux.com:443/app", "a key", &c) == -1);
	CHECK(cf_output_create_call(&cf, INPUT,
	    "rtmps://global-live.mux.com:443/app", "", &c) == -1);
	CHECK(cf_output_create_call(&cf, INPUT,
	    "rtmps://global-live.mux.com:443/app", NULL, &c) == -1);
	CHECK(cf_output_create_call(&cf, "a/b",
	    "rtmps://global-live.mux.com:443/app", "k", &c) == -1);
	CHECK(c.url == NULL && c.body == NULL);
	rest_call_free(&c);
}

static void
test_other_calls(void)
{
	struct conf		 cf;
	struct rest_call	 c;
	cJSON			*b;
	const cJSON		*v;

	conf_fill(&cf);
	CHECK(cf_live_input_delete_call(&cf, INPUT, &c) == 0);
	CHECK_STR(c.url, BASE "/accounts/" ACCT "/stream/live_inputs/" INPUT);
	CHECK_STR(c.method, "DELETE");
	CHECK(c.body == NULL);
	CHECK(c.auth == REST_AUTH_BEARER);
	CHECK_STR(c.user, TOKEN);
	rest_call_free(&c);

	CHECK(cf_output_create_call(&cf, INPUT,
	    "rtmps://global-live.mux.com:443/app",
	    "831b5bde-cd8a-5bc4-115d-4ba34b19f481", &c) == 0);
	CHECK_STR(c.url, BASE "/accounts/" ACCT "/stream/live_inputs/" INPUT
	    "/outputs");
	CHECK_STR(c.method, "POST");
	CHECK(c.auth == REST_AUTH_BEARER);
	b = cJSON_Parse(c.body != NULL ? c.body : "");
	CHECK(b != NULL && cJSON_GetArraySize(b) == 3);
	v = cJSON_GetObjectItemCaseSensitive(b, "url");
	CHECK_STR(cJSON_GetStringValue(v),
	    "rtmps://global-live.mux.com:443/app");
	v = cJSON_GetObjectItemCaseSensitive(b, "streamKey");
	CHECK_STR(cJSON_GetStringValue(v),
	    "831b5bde-cd8a-5bc4-115d-4ba34b19f481");
	CHECK(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "enabled")));
	cJSON_Delete(b);
	rest_call_free(&c);

	/* rtmp:// only to loopback (the test fakes). */
	CHECK(cf_output_create_call(&cf, INPUT, "rtmp://127.0.0.1:1935/app",
	    "k", &c) == 0);
	rest_call_free(&c);

	CHECK(cf_output_delete_call(&cf, INPUT,
	    "6f8339ed45fe87daa8e7f0fe4e4ef776", &c) == 0);
	CHECK_STR(c.url, BASE "/accounts/" ACCT "/stream/live_inputs/" INPUT
	    "/outputs/6f8339ed45fe87daa8e7f0fe4e4ef776");
	CHECK_STR(c.method, "DELETE");
	CHECK(c.body == NULL);
	rest_call_free(&c);
}

/* Parse outcomes for live inputs: files and mutations of the fixture. */
struct pcase {
	const char	*name;
	const char	*file;		/* fixture, or NULL: the main one */
	const char	*path;		/* member to change, or NULL */
	const char	*val;		/* new JSON value, NULL: delete */
	long		 status;
	enum rest_err	 err;
	int		 rc;
	const char	*base;		/* expected playback_base */
};

static char	 longurl[1200];

static void
test_live_input_parse(void)
{
	const struct pcase cases[] = {
	{ "spec example", NULL, NULL, NULL, 200, REST_OK, 0,
	    "https://customer-m033z5x00ks6nunl.cloudflarestream.com" },
	{ "loopback fake", "live_input_create_loopback.json", NULL, NULL,
	    200, REST_OK, 0, "http://127.0.0.1:8443" },
	{ "2021 docs example: no WebRTC URLs",
	    "live_input_create_docs2021.json", NULL, NULL, 200, REST_OK, -1,
	    NULL },
	{ "error envelope, 404", "error_no_route.json", NULL, NULL, 404,
	    REST_OK, -1, NULL },
	{ "error envelope, 200", "error_no_route.json", NULL, NULL, 200,
	    REST_OK, -1, NULL },
	{ "good body, status 500", NULL, NULL, NULL, 500, REST_OK, -1,
	    NULL },
	{ "good body, status 429", NULL, NULL, NULL, 429, REST_OK, -1,
	    NULL },
	{ "timeout", NULL, NULL, NULL, 0, REST_TIMEOUT, -1, NULL },
	{ "too big", NULL, NULL, NULL, 200, REST_TOOBIG, -1, NULL },
	{ "success false", NULL, "success", "false", 200, REST_OK, -1,
	    NULL },
	{ "success missing", NULL, "success", NULL, 200, REST_OK, -1,
	    NULL },
	{ "success a string", NULL, "success", "\"true\"", 200, REST_OK, -1,
	    NULL },
	{ "result null", NULL, "result", "null", 200, REST_OK, -1, NULL },
	{ "result an array", NULL, "result", "[]", 200, REST_OK, -1, NULL },
	{ "uid missing", NULL, "result.uid", NULL, 200, REST_OK, -1, NULL },
	{ "uid a number", NULL, "result.uid", "123", 200, REST_OK, -1,
	    NULL },
	{ "uid with a slash", NULL, "result.uid", "\"ab/cd\"", 200, REST_OK,
	    -1, NULL },
	{ "uid empty", NULL, "result.uid", "\"\"", 200, REST_OK, -1, NULL },
	{ "uid too long", NULL, "result.uid", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", 200, REST_OK, -1, NULL },
	{ "rtmps missing", NULL, "result.rtmps", NULL, 200, REST_OK, -1,
	    NULL },
	{ "rtmps a string", NULL, "result.rtmps", "\"rtmps://x/\"", 200,
	    REST_OK, -1, NULL },
	{ "rtmps.url not rtmps", NULL, "result.rtmps.url",
	    "\"http://live.cloudflare.com/\"", 200, REST_OK, -1, NULL },
	{ "rtmps.streamKey a number", NULL, "result.rtmps.streamKey", "42",
	    200, REST_OK, -1, NULL },
	{ "rtmps.streamKey with a control char", NULL,
	    "result.rtmps.streamKey", "\"ab\\u0001cd\"", 200, REST_OK, -1,
	    NULL },
	{ "rtmps.streamKey with a space", NULL, "result.rtmps.streamKey",
	    "\"ab cd\"", 200, REST_OK, -1, NULL },
	{ "webRTC missing", NULL, "result.webRTC", NULL, 200, REST_OK, -1,
	    NULL },
	{ "webRTC.url plain http", NULL, "result.webRTC.url",
	    "\"http://customer-a.cloudflarestream.com/x/webRTC/publish\"",
	    200, REST_OK, -1, NULL },
	{ "webRTC.url javascript", NULL, "result.webRTC.url",
	    "\"javascript:alert(1)\"", 200, REST_OK, -1, NULL },
	{ "webRTC.url with user info", NULL, "result.webRTC.url",
	    "\"https://127.0.0.1@evil.example/x/webRTC/publish\"", 200,
	    REST_OK, -1, NULL },
	{ "rtmps.url with user info", NULL, "result.rtmps.url",
	    "\"rtmps://u:p@live.cloudflare.com:443/live/\"", 200, REST_OK,
	    -1, NULL },
	{ "webRTCPlayback missing", NULL, "result.webRTCPlayback", NULL, 200,
	    REST_OK, -1, NULL },
	{ "webRTCPlayback.url an object", NULL, "result.webRTCPlayback.url",
	    "{}", 200, REST_OK, -1, NULL },
	{ "WHEP on another host: no base", NULL, "result.webRTCPlayback.url",
	    "\"https://evil.example/x/webRTC/play\"", 200, REST_OK, 0, "" },
	{ "WHEP host with a suffix: no base", NULL,
	    "result.webRTCPlayback.url", "\"https://customer-abc."
	    "cloudflarestream.com.evil.example/x\"", 200, REST_OK, 0, "" },
	{ "WHEP with a port: no base", NULL, "result.webRTCPlayback.url",
	    "\"https://customer-abc.cloudflarestream.com:8443/x\"", 200,
	    REST_OK, 0, "" },
	{ "WHEP with user info", NULL, "result.webRTCPlayback.url",
	    "\"https://u@customer-abc.cloudflarestream.com/x\"", 200,
	    REST_OK, -1, NULL },
	{ "WHEP customer code with a dot: no base", NULL,
	    "result.webRTCPlayback.url",
	    "\"https://customer-a.b.cloudflarestream.com/x\"", 200,
	    REST_OK, 0, "" },
	{ "WHEP on localhost", NULL, "result.webRTCPlayback.url",
	    "\"http://localhost:9000/x/webRTC/play\"", 200, REST_OK, 0,
	    "http://localhost:9000" },
	{ "WHEP on [::1]", NULL, "result.webRTCPlayback.url",
	    "\"http://[::1]:9000/x/webRTC/play\"", 200, REST_OK, 0,
	    "http://[::1]:9000" },
	{ "WHEP URL too long for the struct", NULL,
	    "result.webRTCPlayback.url", longurl, 200, REST_OK, -1, NULL },
	};
	struct cf_live_input	 li;
	struct rest_call	 c;
	char			*main_doc, *doc, *text;
	size_t			 i, off;
	int			 rc;

	if ((main_doc = slurp("live_input_create.json")) == NULL) {
		CHECK(main_doc != NULL);
		return;
	}
	/* A JSON string of over 1100 bytes: more than whep_url holds. */
	off = (size_t)snprintf(longurl, sizeof(longurl),
	    "\"https://customer-abc.cloudflarestream.com/");
	memset(longurl + off, 'a', 1100);
	longurl[off + 1100] = '"';
	longurl[off + 1101] = '\0';
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *t = &cases[i];
		const char *val = t->val;

		doc = t->file != NULL ? slurp(t->file) : strdup(main_doc);
		text = doc;
		if (doc != NULL && t->path != NULL) {
			text = mutate(doc, t->path, val);
			free(doc);
		}
		CHECK(text != NULL);
		fill(&c, "cf.live_input.create", t->err, t->status, text);
		rc = cf_live_input_parse(&c, &li);
		if (rc != t->rc)
			fprintf(stderr, "case \"%s\": rc %d\n", t->name, rc);
		CHECK(rc == t->rc);
		if (rc == 0 && t->base != NULL)
			CHECK_STR(li.playback_base, t->base);
		if (rc == -1)	/* nothing half-filled, no secret left */
			CHECK(li.uid[0] == '\0' && li.rtmps_key[0] == '\0' &&
			    li.whip_url[0] == '\0');
		rest_call_free(&c);
		free(text);
	}

	/* Every field of the spec example. */
	fill(&c, "cf.live_input.create", REST_OK, 200, main_doc);
	CHECK(cf_live_input_parse(&c, &li) == 0);
	CHECK_STR(li.uid, INPUT);
	CHECK_STR(li.rtmps_url, "rtmps://live.cloudflare.com:443/live/");
	CHECK_STR(li.rtmps_key, "2fb3cb9f17e68a2568d6ebed8d5505eak3ceaf8c9b1f"
	    "395e1b76b79332497cada");
	CHECK_STR(li.whip_url, "https://customer-m033z5x00ks6nunl."
	    "cloudflarestream.com/b236bde30eb07b9d01318940e5fc3edake34a3efb38"
	    "96e18f2dc277ce6cc993ad/webRTC/publish");
	CHECK_STR(li.whep_url, "https://customer-m033z5x00ks6nunl."
	    "cloudflarestream.com/b236bde30eb07b9d01318940e5fc3edake34a3efb38"
	    "96e18f2dc277ce6cc993ad/webRTC/play");
	rest_call_free(&c);

	/* Not JSON at all, or JSON with trailing garbage. */
	fill(&c, "cf.live_input.create", REST_OK, 200, "<html>oops</html>");
	CHECK(cf_live_input_parse(&c, &li) == -1);
	rest_call_free(&c);
	fill(&c, "cf.live_input.create", REST_OK, 200, "{\"success\":true,"
	    "\"result\":{}} x");
	CHECK(cf_live_input_parse(&c, &li) == -1);
	rest_call_free(&c);
	fill(&c, "cf.live_input.create", REST_OK, 200, NULL);
	CHECK(cf_live_input_parse(&c, &li) == -1);
	rest_call_free(&c);
	free(main_doc);
}

static void
test_output_parse(void)
{
	struct cf_output	 o;
	struct rest_call	 c;
	char			*doc, *m;

	if ((doc = slurp("output_create.json")) == NULL) {
		CHECK(doc != NULL);
		return;
	}
	fill(&c, "cf.output.create", REST_OK, 200, doc);
	CHECK(cf_output_parse(&c, &o) == 0);
	CHECK_STR(o.uid, "6f8339ed45fe87daa8e7f0fe4e4ef776");
	rest_call_free(&c);

	m = mutate(doc, "result.uid", NULL);
	fill(&c, "cf.output.create", REST_OK, 200, m);
	CHECK(cf_output_parse(&c, &o) == -1 && o.uid[0] == '\0');
	rest_call_free(&c);
	free(m);

	m = mutate(doc, "result.uid", "\"a b\"");
	fill(&c, "cf.output.create", REST_OK, 200, m);
	CHECK(cf_output_parse(&c, &o) == -1);
	rest_call_free(&c);
	free(m);

	m = mutate(doc, "success", "false");
	fill(&c, "cf.output.create", REST_OK, 200, m);
	CHECK(cf_output_parse(&c, &o) == -1);
	rest_call_free(&c);
	free(m);

	fill(&c, "cf.output.create", REST_OK, 422, doc);
	CHECK(cf_output_parse(&c, &o) == -1);
	rest_call_free(&c);
	fill(&c, "cf.output.create", REST_TRANSPORT, 0, NULL);
	CHECK(cf_output_parse(&c, &o) == -1);
	rest_call_free(&c);
	free(doc);
}

/* Finding our Output again by its stream key, when its answer was lost. */
static void
test_outputs_find(void)
{
	struct conf		 cf;
	struct rest_call	 c;
	struct cf_output	 o;
	const char		*list = "{\"success\":true,\"errors\":[],"
	    "\"messages\":[],\"result\":["
	    "{\"uid\":\"o1\",\"url\":\"rtmps://a/app\",\"streamKey\":\"k1\","
	    "\"enabled\":true},"
	    "{\"url\":\"rtmps://a/app\",\"streamKey\":\"k-nouid\"},"
	    "{\"uid\":\"o3\",\"streamKey\":5}, 7,"
	    "{\"uid\":\"o4\",\"url\":\"rtmps://b/app/\",\"streamKey\":"
	    "\"k4\",\"enabled\":false}]}";

	conf_fill(&cf);
	CHECK(cf_outputs_list_call(&cf, INPUT, &c) == 0);
	CHECK_STR(c.url, BASE "/accounts/" ACCT "/stream/live_inputs/" INPUT
	    "/outputs");
	CHECK_STR(c.method, "GET");
	CHECK(c.body == NULL);
	CHECK(c.auth == REST_AUTH_BEARER);
	rest_call_free(&c);
	CHECK(cf_outputs_list_call(&cf, "a/b", &c) == -1);
	CHECK(c.url == NULL);

	fill(&c, "cf.output.list", REST_OK, 200, list);
	CHECK(cf_outputs_find(&c, "k1", &o) == 0);
	CHECK_STR(o.uid, "o1");
	/* The key decides, whatever URL Cloudflare wrote back. */
	CHECK(cf_outputs_find(&c, "k4", &o) == 0);
	CHECK_STR(o.uid, "o4");
	CHECK(cf_outputs_find(&c, "k2", &o) == 1 && o.uid[0] == '\0');
	CHECK(cf_outputs_find(&c, "k", &o) == 1);
	CHECK(cf_outputs_find(&c, "k-nouid", &o) == -1 && o.uid[0] == '\0');
	CHECK(cf_outputs_find(&c, "", &o) == -1);
	CHECK(cf_outputs_find(&c, NULL, &o) == -1);
	rest_call_free(&c);

	fill(&c, "cf.output.list", REST_OK, 200, "{\"success\":true,"
	    "\"errors\":[],\"messages\":[],\"result\":[]}");
	CHECK(cf_outputs_find(&c, "k1", &o) == 1);
	rest_call_free(&c);
	fill(&c, "cf.output.list", REST_OK, 200, "{\"success\":true,"
	    "\"result\":{}}");
	CHECK(cf_outputs_find(&c, "k1", &o) == -1);
	rest_call_free(&c);
	fill(&c, "cf.output.list", REST_OK, 404, list);
	CHECK(cf_outputs_find(&c, "k1", &o) == -1);
	rest_call_free(&c);
	fill(&c, "cf.output.list", REST_TIMEOUT, 0, NULL);
	CHECK(cf_outputs_find(&c, "k1", &o) == -1);
	rest_call_free(&c);
	fill(&c, "cf.output.list", REST_OK, 200, "{\"success\":true,\"res");
	CHECK(cf_outputs_find(&c, "k1", &o) == -1);
	rest_call_free(&c);
}

/* Video objects: uid and status.state required, the rest lenient. */
struct vcase {
	const char	*name;
	const char	*path;		/* member of the fixture's video */
	const char	*val;		/* new JSON value, NULL: delete */
	int		 rc;
};

static void
test_video_from_json(void)
{
	const struct vcase cases[] = {
	{ "docs example", NULL, NULL, 0 },
	{ "uid missing", "uid", NULL, -1 },
	{ "uid a number", "uid", "5", -1 },
	{ "uid with a slash", "uid", "\"a/b\"", -1 },
	{ "status missing", "status", NULL, -1 },
	{ "status a string", "status", "\"ready\"", -1 },
	{ "state missing", "status.state", NULL, -1 },
	{ "state not a word", "status.state", "\"Ready!\"", -1 },
	{ "state empty", "status.state", "\"\"", -1 },
	{ "state too long", "status.state",
	    "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", -1 },
	{ "state live-inprogress", "status.state", "\"live-inprogress\"",
	    0 },
	{ "liveInput bad: ignored", "liveInput", "\"a/b\"", 0 },
	{ "liveInput missing", "liveInput", NULL, 0 },
	{ "readyToStream a string", "readyToStream", "\"yes\"", 0 },
	{ "duration -1", "duration", "-1", 0 },
	{ "duration a string", "duration", "\"7272\"", 0 },
	{ "hls not https", "playback.hls", "\"http://evil.example/x.m3u8\"",
	    0 },
	{ "playback missing", "playback", NULL, 0 },
	{ "error code", "status.errorReasonCode", "\"ERR_NON_VIDEO\"", 0 },
	{ "error code with a space", "status.errorReasonCode", "\"a b\"",
	    0 },
	};
	struct cf_video		 v;
	const cJSON		*vid;
	cJSON			*doc, *list;
	char			*file, *one, *m;
	size_t			 i;
	int			 rc;

	if ((file = slurp("videos_list.json")) == NULL) {
		CHECK(file != NULL);
		return;
	}
	list = cJSON_Parse(file);
	vid = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(list,
	    "result"), 0);
	one = cJSON_PrintUnformatted(vid);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		m = cases[i].path != NULL ?
		    mutate(one, cases[i].path, cases[i].val) : strdup(one);
		doc = cJSON_Parse(m != NULL ? m : "");
		rc = cf_video_from_json(doc, &v);
		if (rc != cases[i].rc)
			fprintf(stderr, "case \"%s\": rc %d\n", cases[i].name,
			    rc);
		CHECK(rc == cases[i].rc);
		if (rc == -1)
			CHECK(v.uid[0] == '\0' && v.state[0] == '\0');
		cJSON_Delete(doc);
		free(m);
	}

	/* Field by field, and the fallbacks. */
	doc = cJSON_Parse(one);
	CHECK(cf_video_from_json(doc, &v) == 0);
	CHECK_STR(v.uid, "6b9e68b07dfee8cc2d116e4c51d6a957");
	CHECK_STR(v.live_input, "34036a0695ab5237ce757ac53fd158a2");
	CHECK_STR(v.state, "ready");
	CHECK(v.ready_to_stream == 1);
	CHECK(v.duration == 7272);
	CHECK_STR(v.hls, "https://customer-f33zs165nr7gyfy4.cloudflarestream"
	    ".com/6b9e68b07dfee8cc2d116e4c51d6a957/manifest/video.m3u8");
	CHECK_STR(v.error_code, "");
	cJSON_Delete(doc);
	doc = cJSON_Parse("{\"uid\":\"abc\",\"status\":{\"state\":\"error\","
	    "\"errReasonCode\":\"ERR_DURATION_EXCEED_CONSTRAINT\"}}");
	CHECK(cf_video_from_json(doc, &v) == 0);
	CHECK_STR(v.state, "error");
	CHECK_STR(v.error_code, "ERR_DURATION_EXCEED_CONSTRAINT");
	CHECK_STR(v.live_input, "");
	CHECK_STR(v.hls, "");
	CHECK(v.ready_to_stream == 0 && v.duration < 0);
	cJSON_Delete(doc);
	CHECK(cf_video_from_json(NULL, &v) == -1);
	doc = cJSON_Parse("[]");
	CHECK(cf_video_from_json(doc, &v) == -1);
	cJSON_Delete(doc);
	free(one);
	cJSON_Delete(list);
	free(file);
}

static void
test_videos_list(void)
{
	struct conf		 cf;
	struct rest_call	 c;
	struct cf_video		*v = NULL;
	char			*file, *m;
	size_t			 n = 99;

	conf_fill(&cf);
	CHECK(cf_videos_list_call(&cf, INPUT, &c) == 0);
	CHECK_STR(c.url, BASE "/accounts/" ACCT "/stream/live_inputs/" INPUT
	    "/videos");
	CHECK_STR(c.method, "GET");
	CHECK(c.body == NULL);
	CHECK(c.auth == REST_AUTH_BEARER);
	rest_call_free(&c);
	CHECK(cf_videos_list_call(&cf, "a/b", &c) == -1);
	CHECK(c.url == NULL);

	if ((file = slurp("videos_list.json")) == NULL) {
		CHECK(file != NULL);
		return;
	}
	fill(&c, "cf.videos.list", REST_OK, 200, file);
	CHECK(cf_videos_list_parse(&c, &v, &n) == 0);
	CHECK(n == 1 && v != NULL);
	if (n == 1 && v != NULL) {
		CHECK_STR(v[0].uid, "6b9e68b07dfee8cc2d116e4c51d6a957");
		CHECK_STR(v[0].state, "ready");
	}
	free(v);
	rest_call_free(&c);

	/* A good video, one without a uid, one without a state. */
	fill(&c, "cf.videos.list", REST_OK, 200, "{\"success\":true,"
	    "\"errors\":[],\"messages\":[],\"result\":["
	    "{\"uid\":\"v1\",\"status\":{\"state\":\"live-inprogress\"}},"
	    "{\"status\":{\"state\":\"ready\"}},"
	    "{\"uid\":\"v3\"}, 7,"
	    "{\"uid\":\"v5\",\"status\":{\"state\":\"ready\"}}]}");
	CHECK(cf_videos_list_parse(&c, &v, &n) == 0);
	CHECK(n == 2 && v != NULL);
	if (n == 2 && v != NULL) {
		CHECK_STR(v[0].uid, "v1");
		CHECK_STR(v[1].uid, "v5");
	}
	free(v);
	rest_call_free(&c);

	m = mutate(file, "result", "[]");
	fill(&c, "cf.videos.list", REST_OK, 200, m);
	CHECK(cf_videos_list_parse(&c, &v, &n) == 0);
	CHECK(n == 0 && v == NULL);
	rest_call_free(&c);
	free(m);

	m = mutate(file, "result", "{}");
	fill(&c, "cf.videos.list", REST_OK, 200, m);
	CHECK(cf_videos_list_parse(&c, &v, &n) == -1);
	CHECK(n == 0 && v == NULL);
	rest_call_free(&c);
	free(m);

	fill(&c, "cf.videos.list", REST_OK, 404, file);
	CHECK(cf_videos_list_parse(&c, &v, &n) == -1 && v == NULL);
	rest_call_free(&c);
	fill(&c, "cf.videos.list", REST_TIMEOUT, 0, NULL);
	CHECK(cf_videos_list_parse(&c, &v, &n) == -1 && v == NULL);
	rest_call_free(&c);
	free(file);
}

/* A refused answer logs op, status and code; never message or secret. */
static void
test_error_log(void)
{
	struct cf_live_input	 li;
	struct rest_call	 c;
	char			 path[] = "/tmp/test_cf_log.XXXXXX";
	char			 log[4096], *doc, *m;
	ssize_t			 n;
	int			 fd, saved;

	if ((doc = slurp("error_no_route.json")) == NULL ||
	    (fd = mkstemp(path)) == -1) {
		CHECK(0);
		free(doc);
		return;
	}
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);

	fill(&c, "cf.live_input.create", REST_OK, 404, doc);
	CHECK(cf_live_input_parse(&c, &li) == -1);
	rest_call_free(&c);
	free(doc);
	/* A good answer whose WHIP URL is wrong: the key must not leak. */
	doc = slurp("live_input_create.json");
	m = mutate(doc, "result.webRTC.url", "\"ftp://SECRETPATH/\"");
	fill(&c, "cf.live_input.create", REST_OK, 200, m);
	CHECK(cf_live_input_parse(&c, &li) == -1);
	rest_call_free(&c);
	free(m);
	free(doc);

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, log, sizeof(log) - 1, 0);
	close(fd);
	log[n > 0 ? n : 0] = '\0';
	CHECK(strstr(log, "cf.live_input.create: HTTP 404, error code 7003")
	    != NULL);
	CHECK(strstr(log, "bad or missing webRTC.url") != NULL);
	CHECK(strstr(log, "No route") == NULL);
	CHECK(strstr(log, "SECRETPATH") == NULL);
	CHECK(strstr(log, "2fb3cb9f") == NULL);
}

int
main(void)
{
	log_init("test_cloudflare", LOG_LVL_WARN);
	test_create_call();
	test_call_refusals();
	test_other_calls();
	test_live_input_parse();
	test_output_parse();
	test_outputs_find();
	test_video_from_json();
	test_videos_list();
	test_error_log();
	return unit_done();
}
