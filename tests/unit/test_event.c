/*
 * test_event.c: lib/event.c, webhook bodies into our structs.
 *
 * Inputs are the verbatim payloads of shared/specs/webhook-test-
 * vectors.json (Cloudflare's "video ready" webhook, its error-state
 * fragment, the live-input notifications, and the "Save and Test"
 * message quoted in PROVIDERS §1.6) and the synthesized Mux events of
 * PROVIDERS §2.5 in tests/data/mux/.  Variants (a field removed, of
 * the wrong type, one byte too long) are derived from those in the
 * tables below with mutate(), as test_mux.c and test_cloudflare.c do.
 * The vectors file is found as test_webhook.c finds it, and its absence
 * is a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "compat.h"
#include "event.h"
#include "log.h"
#include "vlimits.h"

#include "unit.h"

#define VECTORS		"webhook-test-vectors.json"

#define CF_UID		"6b9e68b07dfee8cc2d116e4c51d6a957"
#define CF_INPUT	"eb222fcca08eeb1ae84c981ebe8aeeb6"
#define CF_HLS		"https://customer-f33zs165nr7gyfy4.cloudflarestream.com/" \
			CF_UID "/manifest/video.m3u8"
#define LSID		"ZEBrNTpHC02iUah025KM3te6ylM7W4S4silsrFtUkn3Ag"
#define ASSET		"lJ4bGGsp7ZlPf02nMg015W02iHQLN9XnuuLRBsPS00xqd68"
#define LS_PBID		"HNRDuwff3K2VjTZZAPuvd2Kx6D01XUQFv02GFBHPUka018"
#define ASSET_PBID	"vAFLI2eKFFicXX00iHBS2vqt5JjJGg5HV6fQ4Xijgt1I"

/* The "Save and Test" message, verbatim from PROVIDERS §1.6 (B). */
#define CF_TEST_MSG	"{\"text\": \"Hello World! This is a test message " \
	"sent from https://cloudflare.com. If you can see this, your " \
	"webhook is configured properly.\"}"

static char	*v_ready;	/* video ready, printed from the vectors */
static char	*v_error;	/* the error fragment */
static char	*n_disc;	/* notification: disconnected */
static char	*n_err;		/* notification: errored */
static char	*m_active;	/* tests/data/mux/event_live_stream_active */
static char	*m_done;	/* .../event_asset_live_stream_completed */

static char *
slurp(const char *path)
{
	FILE	*f;
	char	*p = NULL, *np;
	size_t	 len = 0, cap = 0, n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	for (;;) {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 16384;
			if (cap > 4 * 1024 * 1024 ||
			    (np = realloc(p, cap + 1)) == NULL) {
				free(p);
				fclose(f);
				return NULL;
			}
			p = np;
		}
		if ((n = fread(p + len, 1, cap - len, f)) == 0)
			break;
		len += n;
	}
	fclose(f);
	p[len] = '\0';
	return p;
}

/* As in test_webhook.c: $VIGIL_SPECS_DIR, ../shared/specs, argv[0]. */
static char *
load_vectors(const char *argv0)
{
	const char	*dir = getenv("VIGIL_SPECS_DIR");
	char		 path[2048], prog[1024], *p, *slash;

	if (dir != NULL && *dir != '\0') {
		snprintf(path, sizeof(path), "%s/%s", dir, VECTORS);
		if ((p = slurp(path)) == NULL)
			fprintf(stderr, "cannot read %s\n", path);
		return p;
	}
	snprintf(path, sizeof(path), "../shared/specs/%s", VECTORS);
	if ((p = slurp(path)) != NULL)
		return p;
	if (argv0 != NULL && strlcpy(prog, argv0, sizeof(prog)) <
	    sizeof(prog) && (slash = strrchr(prog, '/')) != NULL) {
		*slash = '\0';
		snprintf(path, sizeof(path), "%s/../../../shared/specs/%s",
		    prog, VECTORS);
		if ((p = slurp(path)) != NULL)
			return p;
	}
	fprintf(stderr, "cannot find %s: run from the repository root or "
	    "set VIGIL_SPECS_DIR\n", VECTORS);
	return NULL;
}

/* tests/data/mux/<name>, or under $VIGIL_TEST_DATA. */
static char *
load_data(const char *name)
{
	const char	*dir = getenv("VIGIL_TEST_DATA");
	char		 path[1024], *p;

	snprintf(path, sizeof(path), "%s/mux/%s",
	    dir != NULL ? dir : "tests/data", name);
	if ((p = slurp(path)) == NULL)
		fprintf(stderr, "cannot read %s\n", path);
	return p;
}

/* The "body" of vectors.<a>.<b>, printed (formatted) as a new string. */
static char *
vector_body(const cJSON *doc, const char *a, const char *b)
{
	const cJSON	*o;

	o = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
	    cJSON_GetObjectItemCaseSensitive(doc, a), b), "body");
	return o != NULL ? cJSON_Print(o) : NULL;
}

/*
 * doc with the member at a dotted path replaced by val (JSON text),
 * added when absent, or deleted when val is NULL.  A new string to
 * free, or NULL.
 */
static char *
mutate(const char *doc, const char *path, const char *val)
{
	cJSON	*d, *o, *v;
	char	 p[128], *k, *next, *out = NULL;

	if (doc == NULL || (d = cJSON_Parse(doc)) == NULL)
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

/* A JSON string of n copies of c (with quotes), in a static buffer. */
static const char *
jstr(char c, size_t n)
{
	static char	 b[4][600];
	static int	 which;
	char		*s = b[which++ % 4];

	if (n > sizeof(b[0]) - 3)
		n = sizeof(b[0]) - 3;
	s[0] = '"';
	memset(s + 1, c, n);
	s[n + 1] = '"';
	s[n + 2] = '\0';
	return s;
}

/* ------------------------------------------------------------------ */
/* Cloudflare: the Stream video webhook. */

static void
test_cf_video_verbatim(void)
{
	struct cf_video	 v;
	char		*t;

	CHECK(v_ready != NULL);
	CHECK(event_cf_video_parse(v_ready, strlen(v_ready), &v) == 0);
	CHECK_STR(v.uid, CF_UID);
	CHECK_STR(v.state, "ready");
	CHECK(v.ready_to_stream == 1);
	CHECK(v.duration == 5.5);
	CHECK_STR(v.hls, CF_HLS);
	CHECK_STR(v.live_input, "");	/* an upload: no liveInput */
	CHECK_STR(v.error_code, "");	/* errorReasonCode is "" */

	/* The same video recorded from one of our live inputs. */
	t = mutate(v_ready, "liveInput", "\"" CF_INPUT "\"");
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == 0);
	CHECK_STR(v.live_input, CF_INPUT);
	CHECK_STR(v.state, "ready");
	free(t);

	/* The error example is a fragment: no uid, so not a video. */
	CHECK(v_error != NULL);
	CHECK(event_cf_video_parse(v_error, strlen(v_error), &v) == -1);
	CHECK_STR(v.uid, "");
	CHECK_STR(v.state, "");
	/* Given a uid it is a failed video, with the docs' errReasonCode. */
	t = mutate(v_error, "uid", "\"" CF_UID "\"");
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == 0);
	CHECK_STR(v.state, "error");
	CHECK(v.ready_to_stream == 0);
	CHECK_STR(v.error_code, "ERR_MALFORMED_VIDEO");
	CHECK(v.duration == -1);
	CHECK_STR(v.hls, "");
	free(t);
}

struct video_case {
	const char	*path;
	const char	*val;		/* JSON text; NULL deletes */
	int		 rc;
	const char	*field;		/* uid, state, hls, live_input,
					   error_code, rts, duration */
	const char	*want;		/* the field's value, as text */
};

static const struct video_case video_cases[] = {
	{ "uid", NULL, -1, NULL, NULL },
	{ "uid", "123", -1, NULL, NULL },
	{ "uid", "null", -1, NULL, NULL },
	{ "uid", "\"\"", -1, NULL, NULL },
	{ "uid", "\"a/b\"", -1, NULL, NULL },
	{ "uid", "\"a b\"", -1, NULL, NULL },
	{ "uid", "[\"" CF_UID "\"]", -1, NULL, NULL },
	{ "status", NULL, -1, NULL, NULL },
	{ "status", "\"ready\"", -1, NULL, NULL },
	{ "status", "[]", -1, NULL, NULL },
	{ "status.state", NULL, -1, NULL, NULL },
	{ "status.state", "1", -1, NULL, NULL },
	{ "status.state", "\"\"", -1, NULL, NULL },
	{ "status.state", "\"READY\"", -1, NULL, NULL },
	{ "status.state", "\"re ady\"", -1, NULL, NULL },
	{ "status.state", "\"ready\\n\"", -1, NULL, NULL },
	{ "status.state", "\"live-inprogress\"", 0, "state",
	    "live-inprogress" },
	{ "status.state", "\"pendingupload\"", 0, "state", "pendingupload" },
	{ "status.state", "\"error\"", 0, "state", "error" },
	{ "readyToStream", "\"true\"", 0, "rts", "0" },
	{ "readyToStream", "1", 0, "rts", "0" },
	{ "readyToStream", NULL, 0, "rts", "0" },
	{ "readyToStream", "false", 0, "rts", "0" },
	{ "duration", "\"5.5\"", 0, "duration", "-1" },
	{ "duration", "-1", 0, "duration", "-1" },
	{ "duration", "-0.5", 0, "duration", "-1" },
	{ "duration", "1e10", 0, "duration", "-1" },
	{ "duration", "null", 0, "duration", "-1" },
	{ "duration", "0", 0, "duration", "0" },
	{ "duration", "7200.25", 0, "duration", "7200.25" },
	{ "playback", NULL, 0, "hls", "" },
	{ "playback", "\"x\"", 0, "hls", "" },
	{ "playback.hls", NULL, 0, "hls", "" },
	{ "playback.hls", "42", 0, "hls", "" },
	{ "playback.hls", "\"javascript:alert(1)\"", 0, "hls", "" },
	{ "playback.hls", "\"ftp://example.com/x.m3u8\"", 0, "hls", "" },
	{ "playback.hls", "\"http://user@evil.example/x.m3u8\"", 0, "hls",
	    "" },
	{ "playback.hls", "\"https://ok.example/a\\nb\"", 0, "hls", "" },
	{ "liveInput", "42", 0, "live_input", "" },
	{ "liveInput", "\"../x\"", 0, "live_input", "" },
	{ "liveInput", "null", 0, "live_input", "" },
	{ "status.errorReasonCode", "\"ERR_NON_VIDEO\"", 0, "error_code",
	    "ERR_NON_VIDEO" },
	{ "status.errorReasonCode", "\"has space\"", 0, "error_code", "" },
	{ "status.errorReasonCode", "7", 0, "error_code", "" },
};

static void
test_cf_video_cases(void)
{
	const struct video_case	*c;
	struct cf_video		 v;
	char			*t, got[64];
	const char		*g;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(video_cases) / sizeof(video_cases[0]); i++) {
		c = &video_cases[i];
		t = mutate(v_ready, c->path, c->val);
		CHECK(t != NULL);
		if (t == NULL)
			continue;
		rc = event_cf_video_parse(t, strlen(t), &v);
		CHECK(rc == c->rc);
		if (rc != c->rc)
			fprintf(stderr, "  video case %s=%s: rc %d\n", c->path,
			    c->val ? c->val : "(deleted)", rc);
		if (rc == -1)
			CHECK(v.uid[0] == '\0' && v.state[0] == '\0');
		if (c->field != NULL) {
			if (strcmp(c->field, "state") == 0)
				g = v.state;
			else if (strcmp(c->field, "hls") == 0)
				g = v.hls;
			else if (strcmp(c->field, "live_input") == 0)
				g = v.live_input;
			else if (strcmp(c->field, "error_code") == 0)
				g = v.error_code;
			else if (strcmp(c->field, "rts") == 0) {
				snprintf(got, sizeof(got), "%d",
				    v.ready_to_stream);
				g = got;
			} else {
				snprintf(got, sizeof(got), "%g", v.duration);
				g = got;
			}
			CHECK_STR(g, c->want);
		}
		free(t);
	}

	/* Lengths: uid up to LIM_ID, state up to 23 bytes. */
	t = mutate(v_ready, "uid", jstr('u', LIM_ID));
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == 0 &&
	    strlen(v.uid) == LIM_ID);
	free(t);
	t = mutate(v_ready, "uid", jstr('u', LIM_ID + 1));
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == -1);
	free(t);
	t = mutate(v_ready, "status.state", jstr('s', sizeof(v.state) - 1));
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == 0 &&
	    strlen(v.state) == sizeof(v.state) - 1);
	free(t);
	t = mutate(v_ready, "status.state", jstr('s', sizeof(v.state)));
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == -1);
	free(t);
	t = mutate(v_ready, "liveInput", jstr('i', LIM_ID + 1));
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == 0 &&
	    v.live_input[0] == '\0');
	free(t);
	t = mutate(v_ready, "status.errorReasonCode",
	    jstr('E', sizeof(v.error_code) - 1));
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == 0 &&
	    strlen(v.error_code) == sizeof(v.error_code) - 1);
	free(t);
	t = mutate(v_ready, "status.errorReasonCode",
	    jstr('E', sizeof(v.error_code)));
	CHECK(t != NULL && event_cf_video_parse(t, strlen(t), &v) == 0 &&
	    v.error_code[0] == '\0');
	free(t);

	/* Not a video object at all. */
	CHECK(event_cf_video_parse("[]", 2, &v) == -1);
	CHECK(event_cf_video_parse("{}", 2, &v) == -1);
	CHECK(event_cf_video_parse("null", 4, &v) == -1);
	CHECK(event_cf_video_parse("{", 1, &v) == -1);
	CHECK(event_cf_video_parse("", 0, &v) == -1);
	CHECK(event_cf_video_parse(v_ready, strlen(v_ready) - 1, &v) == -1);
}

/* ------------------------------------------------------------------ */
/* Cloudflare: live-input notifications (cf-webhook-auth). */

struct notif_case {
	const char	*base;		/* "disc", "err", "test" */
	const char	*path;		/* NULL: the base as it is */
	const char	*val;
	int		 rc;
	enum cf_notif	 type;
	const char	*input_id;
	const char	*error_code;
};

static const struct notif_case notif_cases[] = {
	{ "disc", NULL, NULL, 0, CF_NOTIF_DISCONNECTED, CF_INPUT, "" },
	{ "err", NULL, NULL, 0, CF_NOTIF_ERRORED, CF_INPUT,
	    "ERR_GOP_OUT_OF_RANGE" },
	{ "test", NULL, NULL, 0, CF_NOTIF_TEST, "", "" },
	{ "disc", "data.event_type", "\"live_input.connected\"", 0,
	    CF_NOTIF_CONNECTED, CF_INPUT, "" },
	{ "disc", "data.event_type", "\"live_input.errored\"", 0,
	    CF_NOTIF_ERRORED, CF_INPUT, "" },
	/* Other alerts are acknowledged, not acted on. */
	{ "disc", "data.event_type", NULL, 0, CF_NOTIF_OTHER, "", "" },
	{ "disc", "data.event_type", "\"live_input.created\"", 0,
	    CF_NOTIF_OTHER, "", "" },
	{ "disc", "data.event_type", "\"LIVE_INPUT.CONNECTED\"", 0,
	    CF_NOTIF_OTHER, "", "" },
	{ "disc", "data.event_type", "42", 0, CF_NOTIF_OTHER, "", "" },
	{ "disc", "data", "{}", 0, CF_NOTIF_OTHER, "", "" },
	/* An event we act on needs a usable input id. */
	{ "disc", "data.input_id", NULL, -1, 0, NULL, NULL },
	{ "disc", "data.input_id", "42", -1, 0, NULL, NULL },
	{ "disc", "data.input_id", "\"\"", -1, 0, NULL, NULL },
	{ "disc", "data.input_id", "\"../etc\"", -1, 0, NULL, NULL },
	{ "err", "data.input_id", NULL, -1, 0, NULL, NULL },
	/* The error code is optional and checked. */
	{ "err", "data.live_input_errored", NULL, 0, CF_NOTIF_ERRORED,
	    CF_INPUT, "" },
	{ "err", "data.live_input_errored", "\"x\"", 0, CF_NOTIF_ERRORED,
	    CF_INPUT, "" },
	{ "err", "data.live_input_errored.error", "[]", 0, CF_NOTIF_ERRORED,
	    CF_INPUT, "" },
	{ "err", "data.live_input_errored.error.code", "12", 0,
	    CF_NOTIF_ERRORED, CF_INPUT, "" },
	{ "err", "data.live_input_errored.error.code", "\"two words\"", 0,
	    CF_NOTIF_ERRORED, CF_INPUT, "" },
	{ "err", "data.live_input_errored.error.code",
	    "\"ERR_STORAGE_QUOTA_EXHAUSTED\"", 0, CF_NOTIF_ERRORED, CF_INPUT,
	    "ERR_STORAGE_QUOTA_EXHAUSTED" },
	/* The test message: a text and no data. */
	{ "test", "name", "\"Test\"", 0, CF_NOTIF_TEST, "", "" },
	{ "test", "text", "42", -1, 0, NULL, NULL },
	{ "test", "text", NULL, -1, 0, NULL, NULL },
	{ "disc", "data", NULL, 0, CF_NOTIF_TEST, "", "" },
};

static void
test_cf_notifications(void)
{
	const struct notif_case	*c;
	struct cf_notification	 n;
	const char		*base;
	char			*t;
	size_t			 i;
	int			 rc;

	CHECK(n_disc != NULL && n_err != NULL);
	for (i = 0; i < sizeof(notif_cases) / sizeof(notif_cases[0]); i++) {
		c = &notif_cases[i];
		base = strcmp(c->base, "disc") == 0 ? n_disc :
		    strcmp(c->base, "err") == 0 ? n_err : CF_TEST_MSG;
		t = c->path != NULL ? mutate(base, c->path, c->val) :
		    strdup(base != NULL ? base : "");
		CHECK(t != NULL);
		if (t == NULL)
			continue;
		rc = event_cf_notification_parse(t, strlen(t), &n);
		CHECK(rc == c->rc);
		if (rc != c->rc)
			fprintf(stderr, "  notification case %zu: rc %d\n",
			    i, rc);
		if (rc == 0 && c->rc == 0) {
			CHECK(n.type == c->type);
			CHECK_STR(n.input_id, c->input_id);
			CHECK_STR(n.error_code, c->error_code);
		}
		free(t);
	}

	/* Lengths of the input id and the error code. */
	t = mutate(n_disc, "data.input_id", jstr('i', LIM_ID));
	CHECK(t != NULL && event_cf_notification_parse(t, strlen(t), &n) ==
	    0 && strlen(n.input_id) == LIM_ID);
	free(t);
	t = mutate(n_disc, "data.input_id", jstr('i', LIM_ID + 1));
	CHECK(t != NULL && event_cf_notification_parse(t, strlen(t), &n) ==
	    -1);
	free(t);
	t = mutate(n_err, "data.live_input_errored.error.code",
	    jstr('E', sizeof(n.error_code) - 1));
	CHECK(t != NULL && event_cf_notification_parse(t, strlen(t), &n) ==
	    0 && strlen(n.error_code) == sizeof(n.error_code) - 1);
	free(t);
	t = mutate(n_err, "data.live_input_errored.error.code",
	    jstr('E', sizeof(n.error_code)));
	CHECK(t != NULL && event_cf_notification_parse(t, strlen(t), &n) ==
	    0 && n.error_code[0] == '\0' && n.type == CF_NOTIF_ERRORED);
	free(t);
	/* A long event_type is another alert, not an error. */
	t = mutate(n_disc, "data.event_type", jstr('e', 500));
	CHECK(t != NULL && event_cf_notification_parse(t, strlen(t), &n) ==
	    0 && n.type == CF_NOTIF_OTHER);
	free(t);

	/* An escaped NUL cannot shorten an id into a valid one. */
	{
		const char	*b = "{\"data\":{\"event_type\":"
		    "\"live_input.connected\",\"input_id\":\"a\\u0000b\"}}";

		CHECK(event_cf_notification_parse(b, strlen(b), &n) == -1);
	}
	/* A multi-line text without data (another alert) is acknowledged. */
	t = mutate(n_err, "data", NULL);
	CHECK(t != NULL && event_cf_notification_parse(t, strlen(t), &n) ==
	    0 && n.type == CF_NOTIF_TEST && n.input_id[0] == '\0');
	free(t);

	/* Neither a notification nor JSON. */
	CHECK(event_cf_notification_parse("{}", 2, &n) == -1);
	CHECK(event_cf_notification_parse("[]", 2, &n) == -1);
	CHECK(event_cf_notification_parse("\"text\"", 6, &n) == -1);
	CHECK(event_cf_notification_parse("Hello World!", 12, &n) == -1);
	CHECK(event_cf_notification_parse("", 0, &n) == -1);
	CHECK(event_cf_notification_parse("{\"text\":\"a\"}x", 13, &n) == -1);
	CHECK(event_cf_notification_parse("{\"text\":\"a\"}\0", 13, &n) == -1);
	CHECK(event_cf_notification_parse("{\"text\":\"a\"}", 12, &n) == 0 &&
	    n.type == CF_NOTIF_TEST);
}

/* ------------------------------------------------------------------ */
/* Mux events. */

static void
test_mux_examples(void)
{
	struct mux_event ev;

	CHECK(m_active != NULL && m_done != NULL);
	if (m_active == NULL || m_done == NULL)
		return;
	CHECK(event_mux_parse(m_active, strlen(m_active), &ev) == 0);
	CHECK(ev.type == MUX_EVT_LS_ACTIVE);
	CHECK(!ev.is_asset);
	CHECK_STR(ev.id, "3a56ac3d-33da-4366-855b-f592d898409d");
	CHECK_STR(ev.type_name, "video.live_stream.active");
	CHECK(ev.created_at_ms == 1777636805000LL);
	CHECK_STR(ev.live.id, LSID);
	CHECK_STR(ev.live.status, "active");
	CHECK_STR(ev.live.active_asset_id, ASSET);
	CHECK_STR(ev.live.passthrough, "room-42");
	CHECK_STR(ev.live.playback_id, LS_PBID);
	CHECK_STR(ev.live.stream_key, "831b5bde-cd8a-5bc4-115d-4ba34b19f481");
	CHECK(ev.live.nrecent == 1);
	CHECK_STR(ev.live.recent_asset_ids[0], ASSET);

	CHECK(event_mux_parse(m_done, strlen(m_done), &ev) == 0);
	CHECK(ev.type == MUX_EVT_ASSET_LIVE_COMPLETED);
	CHECK(ev.is_asset);
	CHECK_STR(ev.id, "0c1f1e7a-7b7e-4a64-9d2f-2b1d5d0b9a11");
	CHECK(ev.created_at_ms == 1777640531000LL);
	CHECK_STR(ev.asset.id, ASSET);
	CHECK_STR(ev.asset.live_stream_id, LSID);
	CHECK_STR(ev.asset.status, "ready");
	CHECK(ev.asset.is_live == 0);
	CHECK(ev.asset.duration == 3721.4);
	CHECK_STR(ev.asset.playback_id, ASSET_PBID);
	CHECK_STR(ev.asset.passthrough, "room-42");
}

/* Each known type name maps to its enum; data parsed by its kind. */
static void
test_mux_types(void)
{
	struct mux_event ev;
	char		 q[128], *t;
	int		 i;

	for (i = 0; i < MUX_EVT__MAX; i++) {
		snprintf(q, sizeof(q), "\"%s\"", mux_evt_names[i]);
		t = mutate(i >= MUX_EVT_ASSET_CREATED ? m_done : m_active,
		    "type", q);
		CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0);
		CHECK(ev.type == (enum mux_evt)i);
		CHECK(ev.is_asset == (i >= MUX_EVT_ASSET_CREATED));
		CHECK_STR(ev.type_name, mux_evt_names[i]);
		free(t);
		/* The other kind of data does not fit: -1. */
		t = mutate(i >= MUX_EVT_ASSET_CREATED ? m_active : m_done,
		    "type", q);
		if (i >= MUX_EVT_ASSET_CREATED) {
			/* A live stream's data has id and status: an asset
			   without a live_stream_id. */
			CHECK(t != NULL && event_mux_parse(t, strlen(t),
			    &ev) == 0 && ev.asset.live_stream_id[0] == '\0');
		} else {
			/* An asset's data reads as a live stream too. */
			CHECK(t != NULL && event_mux_parse(t, strlen(t),
			    &ev) == 0 && ev.live.active_asset_id[0] == '\0');
		}
		free(t);
	}
}

struct mux_case {
	const char	*base;		/* "active" or "done" */
	const char	*path;
	const char	*val;		/* JSON text; NULL deletes */
	int		 rc;
	enum mux_evt	 type;		/* when rc == 0 */
};

static const struct mux_case mux_cases[] = {
	/* Unknown types: acknowledged (0) with MUX_EVT__MAX. */
	{ "done", "type", "\"video.asset.static_renditions.ready\"", 0,
	    MUX_EVT__MAX },
	{ "done", "type", "\"video.asset.updated\"", 0, MUX_EVT__MAX },
	{ "active", "type", "\"video.live_stream.warning\"", 0, MUX_EVT__MAX },
	{ "active", "type", "\"video.upload.created\"", 0, MUX_EVT__MAX },
	{ "active", "type", "\"VIDEO.LIVE_STREAM.ACTIVE\"", 0, MUX_EVT__MAX },
	{ "active", "type", "\"video.live_stream.active.\"", 0, MUX_EVT__MAX },
	{ "done", "type", "\"video.asset.track.ready\"", 0, MUX_EVT__MAX },
	/* Missing or bad id/type: not a Mux event. */
	{ "active", "id", NULL, -1, 0 },
	{ "active", "id", "null", -1, 0 },
	{ "active", "id", "42", -1, 0 },
	{ "active", "id", "\"\"", -1, 0 },
	{ "active", "id", "\"two words\"", -1, 0 },
	{ "active", "id", "\"tab\\there\"", -1, 0 },
	{ "active", "id", "{\"id\":\"x\"}", -1, 0 },
	{ "active", "type", NULL, -1, 0 },
	{ "active", "type", "42", -1, 0 },
	{ "active", "type", "\"\"", -1, 0 },
	{ "active", "type", "[\"video.live_stream.active\"]", -1, 0 },
	{ "active", "type", "\"video.live_stream. active\"", -1, 0 },
	/* A known type needs usable data. */
	{ "active", "data", NULL, -1, 0 },
	{ "active", "data", "null", -1, 0 },
	{ "active", "data", "[]", -1, 0 },
	{ "active", "data", "{}", -1, 0 },
	{ "active", "data.id", NULL, -1, 0 },
	{ "active", "data.id", "42", -1, 0 },
	{ "active", "data.id", "\"a/b\"", -1, 0 },
	{ "active", "data.status", NULL, -1, 0 },
	{ "active", "data.status", "1", -1, 0 },
	{ "active", "data.status", "\"Active\"", -1, 0 },
	{ "active", "data.status", "\"\"", -1, 0 },
	{ "done", "data", NULL, -1, 0 },
	{ "done", "data.id", NULL, -1, 0 },
	{ "done", "data.id", "true", -1, 0 },
	{ "done", "data.status", "{}", -1, 0 },
	/* Optional members of the wrong type are left out. */
	{ "active", "data.active_asset_id", "5", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "data.recent_asset_ids", "\"x\"", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "data.recent_asset_ids", "[1, {}, null]", 0,
	    MUX_EVT_LS_ACTIVE },
	{ "active", "data.playback_ids", "{}", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "data.playback_ids", "[\"x\"]", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "data.passthrough", "42", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "data.stream_key", "12", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "data.created_at", "\"yesterday\"", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "created_at", "\"yesterday\"", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "created_at", NULL, 0, MUX_EVT_LS_ACTIVE },
	{ "active", "object", "42", 0, MUX_EVT_LS_ACTIVE },
	{ "active", "attempts", "\"x\"", 0, MUX_EVT_LS_ACTIVE },
	{ "done", "data.is_live", "\"false\"", 0,
	    MUX_EVT_ASSET_LIVE_COMPLETED },
	{ "done", "data.duration", "\"3721.4\"", 0,
	    MUX_EVT_ASSET_LIVE_COMPLETED },
	{ "done", "data.live_stream_id", "[]", 0,
	    MUX_EVT_ASSET_LIVE_COMPLETED },
	{ "done", "data.recording_times", "7", 0,
	    MUX_EVT_ASSET_LIVE_COMPLETED },
};

static void
test_mux_cases(void)
{
	const struct mux_case	*c;
	struct mux_event	 ev;
	char			*t;
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(mux_cases) / sizeof(mux_cases[0]); i++) {
		c = &mux_cases[i];
		t = mutate(strcmp(c->base, "active") == 0 ? m_active : m_done,
		    c->path, c->val);
		CHECK(t != NULL);
		if (t == NULL)
			continue;
		rc = event_mux_parse(t, strlen(t), &ev);
		CHECK(rc == c->rc);
		if (rc != c->rc)
			fprintf(stderr, "  mux case %zu (%s=%s): rc %d\n", i,
			    c->path, c->val ? c->val : "(deleted)", rc);
		if (rc == 0 && c->rc == 0)
			CHECK(ev.type == c->type);
		free(t);
	}

	/* What the wrong-typed optional members came out as. */
	t = mutate(m_active, "data.active_asset_id", "5");
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.live.active_asset_id[0] == '\0');
	free(t);
	t = mutate(m_active, "data.recent_asset_ids", "[1, \"ok-1\", {}]");
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.live.nrecent == 1 &&
	    strcmp(ev.live.recent_asset_ids[0], "ok-1") == 0);
	free(t);
	t = mutate(m_active, "created_at", "\"yesterday\"");
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.created_at_ms == 0);
	free(t);
	t = mutate(m_done, "data.is_live", "\"true\"");
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.asset.is_live == 0);
	free(t);
	t = mutate(m_done, "data.is_live", "true");
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.asset.is_live == 1);
	free(t);
	t = mutate(m_done, "data.duration", "\"3721.4\"");
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.asset.duration == -1);
	free(t);
	/* An unknown type keeps its name for the log, and nothing else. */
	t = mutate(m_done, "type", "\"video.asset.track.ready\"");
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.type == MUX_EVT__MAX && ev.asset.id[0] == '\0' &&
	    strcmp(ev.type_name, "video.asset.track.ready") == 0 &&
	    strcmp(ev.id, "0c1f1e7a-7b7e-4a64-9d2f-2b1d5d0b9a11") == 0);
	free(t);
	/* Unknown types need no data at all. */
	{
		const char	*u = "{\"id\":\"e1\",\"type\":\"video.x\"}";
		const char	*k = "{\"id\":\"e1\",\"type\":\"video.asset.ready\"}";
		const char	*b = "{\"id\":\"e1\",\"type\":\"video.x\","
		    "\"data\":\"not an object\"}";

		CHECK(event_mux_parse(u, strlen(u), &ev) == 0 &&
		    ev.type == MUX_EVT__MAX);
		CHECK(event_mux_parse(b, strlen(b), &ev) == 0 &&
		    ev.type == MUX_EVT__MAX);
		CHECK(event_mux_parse(k, strlen(k), &ev) == -1);
	}

	/* Not JSON, not an object. */
	CHECK(event_mux_parse("", 0, &ev) == -1 && ev.type == MUX_EVT__MAX);
	CHECK(event_mux_parse("[]", 2, &ev) == -1);
	CHECK(event_mux_parse("{}", 2, &ev) == -1);
	CHECK(event_mux_parse("{\"id\":\"e1\"", 10, &ev) == -1);
	CHECK(event_mux_parse(m_active, strlen(m_active) - 2, &ev) == -1);
}

/* Oversize strings, one byte under and at each limit. */
static void
test_mux_sizes(void)
{
	struct mux_event ev;
	char		*t;

	/* Event id: up to 127 bytes. */
	t = mutate(m_active, "id", jstr('i', sizeof(ev.id) - 1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    strlen(ev.id) == sizeof(ev.id) - 1);
	free(t);
	t = mutate(m_active, "id", jstr('i', sizeof(ev.id)));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == -1);
	free(t);
	t = mutate(m_active, "id", jstr('i', 500));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == -1);
	free(t);
	/* Type name: up to 95 bytes (unknown, so acknowledged). */
	t = mutate(m_active, "type", jstr('t', sizeof(ev.type_name) - 1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.type == MUX_EVT__MAX &&
	    strlen(ev.type_name) == sizeof(ev.type_name) - 1);
	free(t);
	t = mutate(m_active, "type", jstr('t', sizeof(ev.type_name)));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == -1);
	free(t);
	/* data.id: LIM_ID. */
	t = mutate(m_active, "data.id", jstr('L', LIM_ID));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    strlen(ev.live.id) == LIM_ID);
	free(t);
	t = mutate(m_active, "data.id", jstr('L', LIM_ID + 1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == -1);
	free(t);
	t = mutate(m_done, "data.id", jstr('A', LIM_ID + 1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == -1);
	free(t);
	/* status: 15 bytes. */
	t = mutate(m_active, "data.status", jstr('s', sizeof(ev.live.status) -
	    1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0);
	free(t);
	t = mutate(m_active, "data.status", jstr('s',
	    sizeof(ev.live.status)));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == -1);
	free(t);
	/* Optional ids one byte too long are dropped, not truncated. */
	t = mutate(m_active, "data.active_asset_id", jstr('a', LIM_ID + 1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.live.active_asset_id[0] == '\0');
	free(t);
	t = mutate(m_active, "data.passthrough", jstr('p', LIM_ID + 1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.live.passthrough[0] == '\0');
	free(t);
	t = mutate(m_done, "data.live_stream_id", jstr('l', LIM_ID + 1));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.asset.live_stream_id[0] == '\0');
	free(t);
	t = mutate(m_active, "data.stream_key", jstr('k',
	    sizeof(ev.live.stream_key)));
	CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0 &&
	    ev.live.stream_key[0] == '\0');
	free(t);
	/* A huge (but valid) body with a long unknown member. */
	{
		size_t	 n = LIM_BODY_WEBHOOK - 1024;
		char	*big = malloc(n + 1);

		CHECK(big != NULL);
		if (big != NULL) {
			memset(big, 'x', n);
			big[n] = '\0';
			big[0] = '"';
			big[n - 1] = '"';
			t = mutate(m_active, "extra", big);
			CHECK(t != NULL && event_mux_parse(t, strlen(t),
			    &ev) == 0 && ev.type == MUX_EVT_LS_ACTIVE);
			free(t);
			free(big);
		}
	}
}

/* ------------------------------------------------------------------ */
/* event_time_ms: every shape a provider time comes in. */

struct time_case {
	const char	*json;
	long long	 want;
};

static const struct time_case time_cases[] = {
	/* Numbers of seconds (Mux data.created_at). */
	{ "1777636805", 1777636805000LL },
	{ "1777636805.25", 1777636805250LL },
	{ "1", 1000LL },
	{ "99999999999", 99999999999000LL },
	{ "0", 0 },
	{ "-5", 0 },
	{ "1e11", 0 },
	{ "1e300", 0 },
	{ "-1e300", 0 },
	/* Strings of digits. */
	{ "\"1777636805\"", 1777636805000LL },
	{ "\"1\"", 1000LL },
	{ "\"0\"", 0 },
	{ "\"-1\"", 0 },
	{ "\"+1777636805\"", 0 },
	{ "\" 1777636805\"", 0 },
	{ "\"1777636805 \"", 0 },
	{ "\"1777636805.5\"", 0 },
	{ "\"100000000000\"", 0 },
	/* ISO-8601 (Mux's top-level created_at, Cloudflare's times). */
	{ "\"2026-05-01T12:00:05Z\"", 1777636805000LL },
	{ "\"2026-05-01T12:00:05.000000Z\"", 1777636805000LL },
	{ "\"2026-05-01t12:00:05z\"", 1777636805000LL },
	{ "\"2022-01-13T11:43:41.855717910Z\"", 1642074221855LL },
	{ "\"2022-01-13T11:43:41.8Z\"", 1642074221800LL },
	{ "\"2026-05-01T14:00:05+02:00\"", 1777636805000LL },
	{ "\"2026-05-01T10:30:05-01:30\"", 1777636805000LL },
	{ "\"2000-02-29T23:59:59Z\"", 951868799000LL },
	{ "\"1970-01-01T00:00:01Z\"", 1000LL },
	{ "\"1970-01-01T00:00:00Z\"", 0 },
	{ "\"1969-12-31T23:59:59Z\"", 0 },
	{ "\"0000-01-01T00:00:00Z\"", 0 },
	{ "\"2026-13-01T00:00:00Z\"", 0 },
	{ "\"2026-05-01 12:00:05Z\"", 0 },
	{ "\"2026-05-01T12:00:05\"", 0 },
	{ "\"2026-05-01T12:00:05.Z\"", 0 },
	{ "\"2026-05-01T12:00:05+0200\"", 0 },
	{ "\"2026-05-01\"", 0 },
	{ "\"\"", 0 },
	{ "\"abc\"", 0 },
	/* {seconds, nanos} (Mux recording_times[].started_at). */
	{ "{\"seconds\":1691711005,\"nanos\":718234}", 1691711005000LL },
	{ "{\"seconds\":1777636803,\"nanos\":500000000}", 1777636803500LL },
	{ "{\"nanos\":500000000,\"seconds\":1777636803}", 1777636803500LL },
	{ "{\"seconds\":1777636803}", 1777636803000LL },
	{ "{\"seconds\":1777636803,\"nanos\":-1}", 1777636803000LL },
	{ "{\"seconds\":1777636803,\"nanos\":1e9}", 1777636803000LL },
	{ "{\"seconds\":1777636803,\"nanos\":\"5\"}", 1777636803000LL },
	{ "{\"seconds\":\"1777636803\"}", 0 },
	{ "{\"seconds\":0,\"nanos\":5}", 0 },
	{ "{\"seconds\":-1}", 0 },
	{ "{\"seconds\":1e11}", 0 },
	{ "{\"nanos\":5}", 0 },
	{ "{}", 0 },
	/* Anything else. */
	{ "null", 0 },
	{ "true", 0 },
	{ "false", 0 },
	{ "[]", 0 },
	{ "[1777636805]", 0 },
};

static void
test_time(void)
{
	cJSON		*j;
	long long	 got;
	size_t		 i;

	for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
		j = cJSON_Parse(time_cases[i].json);
		CHECK(j != NULL);
		got = event_time_ms(j);
		CHECK(got == time_cases[i].want);
		if (got != time_cases[i].want)
			fprintf(stderr, "  time %s: got %lld, want %lld\n",
			    time_cases[i].json, got, time_cases[i].want);
		cJSON_Delete(j);
	}
	CHECK(event_time_ms(NULL) == 0);
}

/* The top-level created_at in each shape, through event_mux_parse. */
static void
test_mux_created_at(void)
{
	static const struct time_case cases[] = {
		{ "1777636805", 1777636805000LL },
		{ "\"1777636805\"", 1777636805000LL },
		{ "\"2026-05-01T12:00:05.000000Z\"", 1777636805000LL },
		{ "{\"seconds\":1777636805,\"nanos\":250000000}",
		    1777636805250LL },
		{ "\"garbage\"", 0 },
		{ "[]", 0 },
	};
	struct mux_event ev;
	char		*t;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = mutate(m_active, "created_at", cases[i].json);
		CHECK(t != NULL && event_mux_parse(t, strlen(t), &ev) == 0);
		CHECK(ev.created_at_ms == cases[i].want);
		free(t);
	}
}

static void
test_names(void)
{
	int	 i, j;

	for (i = 0; i < MUX_EVT__MAX; i++) {
		CHECK(mux_evt_names[i] != NULL &&
		    strncmp(mux_evt_names[i], "video.", 6) == 0);
		for (j = 0; j < i; j++)
			CHECK(strcmp(mux_evt_names[i], mux_evt_names[j]) != 0);
	}
}

int
main(int argc, char *argv[])
{
	char	*text;
	cJSON	*doc = NULL;

	(void)argc;
	log_init("test_event", LOG_LVL_WARN);
	/* Missing vectors or fixtures are a failure, never a skip. */
	text = load_vectors(argv[0]);
	CHECK(text != NULL);
	if (text != NULL && (doc = cJSON_Parse(text)) != NULL) {
		v_ready = vector_body(doc, "cloudflare",
		    "stream_webhook_video_ready");
		v_error = vector_body(doc, "cloudflare",
		    "stream_webhook_video_error_fragment");
		n_disc = vector_body(doc, "cloudflare",
		    "notification_live_input_disconnected");
		n_err = vector_body(doc, "cloudflare",
		    "notification_live_input_errored");
	}
	CHECK(v_ready != NULL && v_error != NULL && n_disc != NULL &&
	    n_err != NULL);
	m_active = load_data("event_live_stream_active.json");
	m_done = load_data("event_asset_live_stream_completed.json");
	CHECK(m_active != NULL && m_done != NULL);

	if (v_ready != NULL && v_error != NULL) {
		test_cf_video_verbatim();
		test_cf_video_cases();
	}
	if (n_disc != NULL && n_err != NULL)
		test_cf_notifications();
	if (m_active != NULL && m_done != NULL) {
		test_mux_examples();
		test_mux_types();
		test_mux_cases();
		test_mux_sizes();
		test_mux_created_at();
	}
	test_time();
	test_names();

	free(v_ready);
	free(v_error);
	free(n_disc);
	free(n_err);
	free(m_active);
	free(m_done);
	cJSON_Delete(doc);
	free(text);
	return unit_done();
}
