/*
 * test_mux.c: lib/mux.c without a network.  The *_call() functions are
 * checked by the URL, method, auth and body they prepare (the body
 * parsed back with cJSON); mux_live_stream_parse() by canned answers
 * from tests/data/mux/ put into a struct rest_call by hand, plus
 * table-driven mutations of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "buf.h"
#include "conf.h"
#include "log.h"
#include "mux.h"
#include "rest.h"
#include "vlimits.h"

#include "unit.h"

#define BASE	"https://api.mux.test"
#define TOKID	"mux-token-id"
#define TOKSEC	"mux-token-secret"
#define LSID	"ZEBrNTpHC02iUah025KM3te6ylM7W4S4silsrFtUkn3Ag"
#define PBID	"HNRDuwff3K2VjTZZAPuvd2Kx6D01XUQFv02GFBHPUka018"

static char	 s_base[] = BASE, s_id[] = TOKID, s_sec[] = TOKSEC;

static char *
slurp(const char *name)
{
	const char	*dir = getenv("VIGIL_TEST_DATA");
	char		 path[512], chunk[4096];
	struct buf	 b;
	FILE		*f;
	size_t		 n;

	snprintf(path, sizeof(path), "%s/mux/%s",
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

static void
fill(struct rest_call *c, enum rest_err err, long status, const char *body)
{
	memset(c, 0, sizeof(*c));
	buf_init(&c->resp, LIM_PROVIDER_RESP);
	c->op = "mux.live_stream.create";
	c->method = "POST";
	c->err = err;
	c->status = status;
	c->attempts = 1;
	if (body != NULL)
		buf_puts(&c->resp, body);
}

/* Replace (val JSON text) or delete (val NULL) a dotted path's member. */
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
	cf->mux_enabled = 1;
	cf->mux_api_base = s_base;
	cf->mux_token_id = s_id;
	cf->mux_token_secret = s_sec;
}

/* An array holding exactly the one string "public"? */
static int
is_public_only(const cJSON *a)
{
	return cJSON_IsArray(a) && cJSON_GetArraySize(a) == 1 &&
	    cJSON_IsString(cJSON_GetArrayItem(a, 0)) &&
	    strcmp(cJSON_GetArrayItem(a, 0)->valuestring, "public") == 0;
}

static void
test_create_call(void)
{
	struct conf		 cf;
	struct rest_call	 c;
	cJSON			*b;
	const cJSON		*v, *nas;

	conf_fill(&cf);
	CHECK(mux_live_stream_create_call(&cf, "s-abc_123", &c) == 0);
	CHECK_STR(c.url, BASE "/video/v1/live-streams");
	CHECK_STR(c.method, "POST");
	CHECK_STR(c.op, "mux.live_stream.create");
	CHECK(c.auth == REST_AUTH_BASIC);
	CHECK_STR(c.user, TOKID);
	CHECK_STR(c.pass, TOKSEC);
	b = cJSON_Parse(c.body != NULL ? c.body : "");
	CHECK(b != NULL && cJSON_GetArraySize(b) == 5);
	CHECK(is_public_only(cJSON_GetObjectItemCaseSensitive(b,
	    "playback_policy")));
	nas = cJSON_GetObjectItemCaseSensitive(b, "new_asset_settings");
	CHECK(cJSON_IsObject(nas) && cJSON_GetArraySize(nas) == 2);
	CHECK(is_public_only(cJSON_GetObjectItemCaseSensitive(nas,
	    "playback_policy")));
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(nas,
	    "passthrough")), "s-abc_123");
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b,
	    "latency_mode")), "reduced");
	v = cJSON_GetObjectItemCaseSensitive(b, "reconnect_window");
	CHECK(cJSON_IsNumber(v) && v->valuedouble == MUX_RECONNECT_WINDOW &&
	    MUX_RECONNECT_WINDOW > 0 && MUX_RECONNECT_WINDOW <= 1800);
	CHECK_STR(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b,
	    "passthrough")), "s-abc_123");
	cJSON_Delete(b);
	rest_call_free(&c);
}

static void
test_other_calls(void)
{
	struct conf		 cf, bad;
	struct rest_call	 c;
	const char		*bad_ids[] = { "", "a/b", "../x", "a?b", "a b",
	    NULL };
	size_t			 i;

	conf_fill(&cf);
	CHECK(mux_live_stream_delete_call(&cf, LSID, &c) == 0);
	CHECK_STR(c.url, BASE "/video/v1/live-streams/" LSID);
	CHECK_STR(c.method, "DELETE");
	CHECK(c.body == NULL);
	CHECK(c.auth == REST_AUTH_BASIC);
	CHECK_STR(c.user, TOKID);
	CHECK_STR(c.pass, TOKSEC);
	rest_call_free(&c);

	CHECK(mux_live_stream_complete_call(&cf, LSID, &c) == 0);
	CHECK_STR(c.url, BASE "/video/v1/live-streams/" LSID "/complete");
	CHECK_STR(c.method, "PUT");
	CHECK(c.body == NULL);		/* the spec has no request body */
	CHECK(c.auth == REST_AUTH_BASIC);
	rest_call_free(&c);

	for (i = 0; i < sizeof(bad_ids) / sizeof(bad_ids[0]); i++) {
		CHECK(mux_live_stream_delete_call(&cf, bad_ids[i], &c) == -1);
		CHECK(c.url == NULL);
		CHECK(mux_live_stream_complete_call(&cf, bad_ids[i], &c) ==
		    -1);
		CHECK(mux_live_stream_create_call(&cf, bad_ids[i], &c) == -1);
		CHECK(c.url == NULL && c.body == NULL);
		rest_call_free(&c);
	}

	bad = cf;
	bad.mux_token_secret = NULL;
	CHECK(mux_live_stream_create_call(&bad, "ok", &c) == -1);
	CHECK(mux_live_stream_delete_call(&bad, LSID, &c) == -1);
	bad = cf;
	bad.mux_api_base = NULL;
	CHECK(mux_live_stream_complete_call(&bad, LSID, &c) == -1);
	CHECK(mux_live_stream_create_call(NULL, "ok", &c) == -1);
	CHECK(c.url == NULL);
	rest_call_free(&c);
}

struct pcase {
	const char	*name;
	const char	*file;		/* fixture, or NULL: the create one */
	const char	*path;		/* member to change, or NULL */
	const char	*val;		/* new JSON value, NULL: delete */
	long		 status;
	enum rest_err	 err;
	int		 rc;
	const char	*playback;	/* expected playback_id */
};

static void
test_parse(void)
{
	const struct pcase cases[] = {
	{ "spec create example", NULL, NULL, NULL, 201, REST_OK, 0, PBID },
	{ "spec get example", "live_stream_get.json", NULL, NULL, 200,
	    REST_OK, 0, PBID },
	{ "error body, 400", "error_invalid_parameters.json", NULL, NULL,
	    400, REST_OK, -1, NULL },
	{ "error body, 201", "error_invalid_parameters.json", NULL, NULL,
	    201, REST_OK, -1, NULL },
	{ "complete's empty data", "complete.json", NULL, NULL, 200, REST_OK,
	    -1, NULL },
	{ "good body, 500", NULL, NULL, NULL, 500, REST_OK, -1, NULL },
	{ "good body, 401", NULL, NULL, NULL, 401, REST_OK, -1, NULL },
	{ "timeout", NULL, NULL, NULL, 0, REST_TIMEOUT, -1, NULL },
	{ "transport", NULL, NULL, NULL, 0, REST_TRANSPORT, -1, NULL },
	{ "data missing", NULL, "data", NULL, 201, REST_OK, -1, NULL },
	{ "data an array", NULL, "data", "[]", 201, REST_OK, -1, NULL },
	{ "data a string", NULL, "data", "\"x\"", 201, REST_OK, -1, NULL },
	{ "id missing", NULL, "data.id", NULL, 201, REST_OK, -1, NULL },
	{ "id a number", NULL, "data.id", "7", 201, REST_OK, -1, NULL },
	{ "id with a slash", NULL, "data.id", "\"ab/cd\"", 201, REST_OK, -1,
	    NULL },
	{ "id too long", NULL, "data.id", "\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"", 201, REST_OK, -1, NULL },
	{ "stream_key missing", NULL, "data.stream_key", NULL, 201, REST_OK,
	    -1, NULL },
	{ "stream_key empty", NULL, "data.stream_key", "\"\"", 201, REST_OK,
	    -1, NULL },
	{ "stream_key a number", NULL, "data.stream_key", "12345", 201,
	    REST_OK, -1, NULL },
	{ "stream_key with a newline", NULL, "data.stream_key",
	    "\"ab\\ncd\"", 201, REST_OK, -1, NULL },
	{ "stream_key with a space", NULL, "data.stream_key", "\"ab cd\"",
	    201, REST_OK, -1, NULL },
	{ "status missing", NULL, "data.status", NULL, 201, REST_OK, -1,
	    NULL },
	{ "status too long", NULL, "data.status",
	    "\"idleidleidleidleidle\"", 201, REST_OK, -1, NULL },
	{ "status not a word", NULL, "data.status", "\"Idle!\"", 201,
	    REST_OK, -1, NULL },
	{ "status active", NULL, "data.status", "\"active\"", 201, REST_OK,
	    0, PBID },
	{ "no playback ids", NULL, "data.playback_ids", NULL, 201, REST_OK,
	    0, "" },
	{ "empty playback ids", NULL, "data.playback_ids", "[]", 201,
	    REST_OK, 0, "" },
	{ "only a signed playback id", NULL, "data.playback_ids",
	    "[{\"id\":\"abc\",\"policy\":\"signed\"}]", 201, REST_OK, 0, "" },
	{ "signed first, then public", NULL, "data.playback_ids",
	    "[{\"id\":\"sig\",\"policy\":\"signed\"},"
	    "{\"id\":\"pub1\",\"policy\":\"public\"},"
	    "{\"id\":\"pub2\",\"policy\":\"public\"}]", 201, REST_OK, 0,
	    "pub1" },
	{ "playback ids an object", NULL, "data.playback_ids", "{}", 201,
	    REST_OK, -1, NULL },
	{ "playback id entry a string", NULL, "data.playback_ids",
	    "[\"abc\"]", 201, REST_OK, -1, NULL },
	{ "public playback id invalid", NULL, "data.playback_ids",
	    "[{\"id\":\"a/b\",\"policy\":\"public\"}]", 201, REST_OK, -1,
	    NULL },
	{ "public playback id missing", NULL, "data.playback_ids",
	    "[{\"policy\":\"public\"}]", 201, REST_OK, -1, NULL },
	};
	struct mux_live_stream	 ls;
	struct rest_call	 c;
	char			*main_doc, *doc, *text;
	size_t			 i;
	int			 rc;

	if ((main_doc = slurp("live_stream_create.json")) == NULL) {
		CHECK(main_doc != NULL);
		return;
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct pcase *t = &cases[i];

		doc = t->file != NULL ? slurp(t->file) : strdup(main_doc);
		text = doc;
		if (doc != NULL && t->path != NULL) {
			text = mutate(doc, t->path, t->val);
			free(doc);
		}
		CHECK(text != NULL);
		fill(&c, t->err, t->status, text);
		rc = mux_live_stream_parse(&c, &ls);
		if (rc != t->rc)
			fprintf(stderr, "case \"%s\": rc %d\n", t->name, rc);
		CHECK(rc == t->rc);
		if (rc == 0 && t->playback != NULL)
			CHECK_STR(ls.playback_id, t->playback);
		if (rc == -1)
			CHECK(ls.id[0] == '\0' && ls.stream_key[0] == '\0');
		rest_call_free(&c);
		free(text);
	}

	fill(&c, REST_OK, 201, main_doc);
	CHECK(mux_live_stream_parse(&c, &ls) == 0);
	CHECK_STR(ls.id, LSID);
	CHECK_STR(ls.stream_key, "abcdefgh");
	CHECK_STR(ls.playback_id, PBID);
	CHECK_STR(ls.status, "idle");
	rest_call_free(&c);
	free(main_doc);

	if ((doc = slurp("live_stream_get.json")) != NULL) {
		fill(&c, REST_OK, 200, doc);
		CHECK(mux_live_stream_parse(&c, &ls) == 0);
		CHECK_STR(ls.stream_key,
		    "831b5bde-cd8a-5bc4-115d-4ba34b19f481");
		CHECK_STR(ls.passthrough, "");
		CHECK(ls.nrecent == 0);
		rest_call_free(&c);
		free(doc);
	}

	fill(&c, REST_OK, 201, "not json");
	CHECK(mux_live_stream_parse(&c, &ls) == -1);
	rest_call_free(&c);
	fill(&c, REST_OK, 201, NULL);
	CHECK(mux_live_stream_parse(&c, &ls) == -1);
	rest_call_free(&c);
	fill(&c, REST_OK, 201, "{\"data\":{}}{}");
	CHECK(mux_live_stream_parse(&c, &ls) == -1);
	rest_call_free(&c);
}

/* The data object of a fixture (an event or a GET answer). */
static cJSON *
fixture_data(const char *name, cJSON **doc)
{
	char	*f;

	*doc = NULL;
	if ((f = slurp(name)) == NULL)
		return NULL;
	*doc = cJSON_Parse(f);
	free(f);
	return cJSON_GetObjectItemCaseSensitive(*doc, "data");
}

static void
test_live_stream_from_json(void)
{
	struct mux_live_stream	 ls;
	cJSON			*doc, *data, *a;
	char			 id[8];
	int			 i;

	if ((data = fixture_data("event_live_stream_active.json",
	    &doc)) == NULL) {
		CHECK(data != NULL);
		cJSON_Delete(doc);
		return;
	}
	CHECK(mux_live_stream_from_json(data, &ls) == 0);
	CHECK_STR(ls.id, LSID);
	CHECK_STR(ls.status, "active");
	CHECK_STR(ls.stream_key, "831b5bde-cd8a-5bc4-115d-4ba34b19f481");
	CHECK_STR(ls.passthrough, "room-42");
	CHECK_STR(ls.active_asset_id,
	    "lJ4bGGsp7ZlPf02nMg015W02iHQLN9XnuuLRBsPS00xqd68");
	CHECK(ls.nrecent == 1);
	CHECK_STR(ls.recent_asset_ids[0],
	    "lJ4bGGsp7ZlPf02nMg015W02iHQLN9XnuuLRBsPS00xqd68");
	CHECK_STR(ls.playback_id, PBID);

	/* Webhooks may leave the key out; odd optional fields are "". */
	cJSON_DeleteItemFromObjectCaseSensitive(data, "stream_key");
	cJSON_ReplaceItemInObjectCaseSensitive(data, "passthrough",
	    cJSON_CreateString("not/an/id"));
	cJSON_ReplaceItemInObjectCaseSensitive(data, "active_asset_id",
	    cJSON_CreateNumber(5));
	cJSON_ReplaceItemInObjectCaseSensitive(data, "playback_ids",
	    cJSON_CreateString("oops"));
	CHECK(mux_live_stream_from_json(data, &ls) == 0);
	CHECK_STR(ls.stream_key, "");
	CHECK_STR(ls.passthrough, "");
	CHECK_STR(ls.active_asset_id, "");
	CHECK_STR(ls.playback_id, "");

	/* 20 recent ids, one of them bad: the newest 16 valid ones. */
	a = cJSON_CreateArray();
	for (i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "a%02d", i);
		cJSON_AddItemToArray(a, i == 18 ? cJSON_CreateString("x/y") :
		    cJSON_CreateString(id));
	}
	cJSON_ReplaceItemInObjectCaseSensitive(data, "recent_asset_ids", a);
	CHECK(mux_live_stream_from_json(data, &ls) == 0);
	CHECK(ls.nrecent == MUX_RECENT_MAX - 1);
	CHECK_STR(ls.recent_asset_ids[0], "a04");
	CHECK_STR(ls.recent_asset_ids[ls.nrecent - 1], "a19");

	/* id and status are required. */
	cJSON_ReplaceItemInObjectCaseSensitive(data, "status",
	    cJSON_CreateString("Active!"));
	CHECK(mux_live_stream_from_json(data, &ls) == -1 && ls.id[0] == '\0');
	cJSON_DeleteItemFromObjectCaseSensitive(data, "status");
	CHECK(mux_live_stream_from_json(data, &ls) == -1);
	cJSON_AddStringToObject(data, "status", "idle");
	CHECK(mux_live_stream_from_json(data, &ls) == 0);
	cJSON_DeleteItemFromObjectCaseSensitive(data, "id");
	CHECK(mux_live_stream_from_json(data, &ls) == -1);
	CHECK(mux_live_stream_from_json(NULL, &ls) == -1);
	cJSON_Delete(doc);
}

static void
test_asset(void)
{
	struct conf		 cf;
	struct mux_asset	 as;
	struct rest_call	 c;
	cJSON			*doc, *data;
	char			*f, *m;

	conf_fill(&cf);
	CHECK(mux_asset_get_call(&cf, "lJ4bGGsp7ZlPf02nMg015W02iHQLN9Xnu"
	    "uLRBsPS00xqd68", &c) == 0);
	CHECK_STR(c.url, BASE "/video/v1/assets/lJ4bGGsp7ZlPf02nMg015W02iHQ"
	    "LN9XnuuLRBsPS00xqd68");
	CHECK_STR(c.method, "GET");
	CHECK(c.body == NULL && c.auth == REST_AUTH_BASIC);
	rest_call_free(&c);
	CHECK(mux_asset_get_call(&cf, "../x", &c) == -1 && c.url == NULL);
	CHECK(mux_live_stream_get_call(&cf, LSID, &c) == 0);
	CHECK_STR(c.url, BASE "/video/v1/live-streams/" LSID);
	CHECK_STR(c.method, "GET");
	CHECK(c.body == NULL && c.auth == REST_AUTH_BASIC);
	rest_call_free(&c);
	CHECK(mux_live_stream_get_call(&cf, "a b", &c) == -1);

	/* GET asset: the spec's example. */
	if ((f = slurp("asset_get.json")) == NULL) {
		CHECK(f != NULL);
		return;
	}
	fill(&c, REST_OK, 200, f);
	c.op = "mux.asset.get";
	CHECK(mux_asset_parse(&c, &as) == 0);
	CHECK_STR(as.id, "lJ4bGGsp7ZlPf02nMg015W02iHQLN9XnuuLRBsPS00xqd68");
	CHECK_STR(as.status, "ready");
	CHECK(as.is_live == 0);
	CHECK(as.duration > 23.85 && as.duration < 23.86);
	CHECK_STR(as.playback_id,
	    "vAFLI2eKFFicXX00iHBS2vqt5JjJGg5HV6fQ4Xijgt1I");
	CHECK_STR(as.live_stream_id, "");
	CHECK_STR(as.passthrough, "");
	rest_call_free(&c);
	m = mutate(f, "data.status", NULL);
	fill(&c, REST_OK, 200, m);
	CHECK(mux_asset_parse(&c, &as) == -1 && as.id[0] == '\0');
	rest_call_free(&c);
	free(m);
	m = mutate(f, "data.id", "\"a b\"");
	fill(&c, REST_OK, 200, m);
	CHECK(mux_asset_parse(&c, &as) == -1);
	rest_call_free(&c);
	free(m);
	fill(&c, REST_OK, 404, f);
	CHECK(mux_asset_parse(&c, &as) == -1);
	rest_call_free(&c);
	free(f);

	/* An asset in a webhook. */
	if ((data = fixture_data("event_asset_live_stream_completed.json",
	    &doc)) == NULL) {
		CHECK(data != NULL);
		cJSON_Delete(doc);
		return;
	}
	CHECK(mux_asset_from_json(data, &as) == 0);
	CHECK_STR(as.id, "lJ4bGGsp7ZlPf02nMg015W02iHQLN9XnuuLRBsPS00xqd68");
	CHECK_STR(as.live_stream_id, LSID);
	CHECK_STR(as.passthrough, "room-42");
	CHECK_STR(as.status, "ready");
	CHECK(as.is_live == 0);
	CHECK(as.duration > 3721.3 && as.duration < 3721.5);
	CHECK_STR(as.playback_id,
	    "vAFLI2eKFFicXX00iHBS2vqt5JjJGg5HV6fQ4Xijgt1I");
	cJSON_ReplaceItemInObjectCaseSensitive(data, "is_live",
	    cJSON_CreateTrue());
	cJSON_ReplaceItemInObjectCaseSensitive(data, "duration",
	    cJSON_CreateString("long"));
	cJSON_DeleteItemFromObjectCaseSensitive(data, "live_stream_id");
	CHECK(mux_asset_from_json(data, &as) == 0);
	CHECK(as.is_live == 1 && as.duration < 0);
	CHECK_STR(as.live_stream_id, "");
	cJSON_ReplaceItemInObjectCaseSensitive(data, "id",
	    cJSON_CreateNumber(1));
	CHECK(mux_asset_from_json(data, &as) == -1 && as.status[0] == '\0');
	cJSON_Delete(doc);
}

/* A refused answer logs op, status and error.type; never messages. */
static void
test_error_log(void)
{
	struct mux_live_stream	 ls;
	struct rest_call	 c;
	char			 path[] = "/tmp/test_mux_log.XXXXXX";
	char			 log[4096], *doc, *m;
	ssize_t			 n;
	int			 fd, saved;

	if ((doc = slurp("error_invalid_parameters.json")) == NULL ||
	    (fd = mkstemp(path)) == -1) {
		CHECK(0);
		free(doc);
		return;
	}
	unlink(path);
	fflush(stderr);
	saved = dup(STDERR_FILENO);
	dup2(fd, STDERR_FILENO);

	fill(&c, REST_OK, 400, doc);
	CHECK(mux_live_stream_parse(&c, &ls) == -1);
	rest_call_free(&c);
	/* An error.type that is not a plain token is not logged. */
	m = mutate(doc, "error.type", "\"a b\\nFORGED\"");
	fill(&c, REST_OK, 400, m);
	CHECK(mux_live_stream_parse(&c, &ls) == -1);
	rest_call_free(&c);
	free(m);
	free(doc);
	/* A good answer with a bad status: the stream key must not leak. */
	doc = slurp("live_stream_create.json");
	m = mutate(doc, "data.status", "\"KEYSECRET\"");
	fill(&c, REST_OK, 201, m);
	CHECK(mux_live_stream_parse(&c, &ls) == -1);
	rest_call_free(&c);
	free(m);
	free(doc);

	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(fd, log, sizeof(log) - 1, 0);
	close(fd);
	log[n > 0 ? n : 0] = '\0';
	CHECK(strstr(log, "mux.live_stream.create: HTTP 400, error type "
	    "invalid_parameters") != NULL);
	CHECK(strstr(log, "HTTP 400, error type -") != NULL);
	CHECK(strstr(log, "bad or missing status") != NULL);
	CHECK(strstr(log, "free plan") == NULL);
	CHECK(strstr(log, "FORGED") == NULL);
	CHECK(strstr(log, "KEYSECRET") == NULL);
	CHECK(strstr(log, "abcdefgh") == NULL);
}

int
main(void)
{
	log_init("test_mux", LOG_LVL_WARN);
	test_create_call();
	test_other_calls();
	test_parse();
	test_live_stream_from_json();
	test_asset();
	test_error_log();
	return unit_done();
}
