/*
 * test_ledger.c: lib/ledger.c (with the db.c functions it rests on)
 * against a temporary SQLite database made from sql/001_init.sql.
 *
 * One memorial and one stream with a Cloudflare live input and a Mux
 * live stream.  Events go in as webhook bodies through event.c, the
 * way the handlers feed them, each in its own transaction:
 *  - the Mux lifecycle connected → recording → active → disconnected →
 *    idle → asset.live_stream_completed, and the Cloudflare one
 *    connected → disconnected → video ready, each event applied twice;
 *  - every permutation of a small set of events, and seeded shuffles
 *    of a larger one with duplicates, must end in the same rows;
 *  - asset.ready mid-broadcast (is_live true) is not a ready recording;
 *    a late "recording" after "ready" neither moves it back nor clears
 *    its URL; provider events never complete a stream;
 *  - unknown streams, uploads without liveInput, and webhook dedupe.
 * The test keeps its own SQLite handle to reset between scenarios and
 * to read every column the module wrote.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>
#include <sqlite3.h>

#include "compat.h"
#include "db.h"
#include "event.h"
#include "ledger.h"
#include "log.h"
#include "stream.h"
#include "vlimits.h"

#include "unit.h"

#define VECTORS		"webhook-test-vectors.json"

#define MEMORIAL	"mem-1"
#define STREAM		"st-abc_123"
#define CF_IN		"eb222fcca08eeb1ae84c981ebe8aeeb6"
#define CF_UID		"6b9e68b07dfee8cc2d116e4c51d6a957"
#define CF_UID2		"0f0e0d0c0b0a09080706050403020100"
#define CF_HLS		"https://customer-f33zs165nr7gyfy4.cloudflarestream.com/" \
			CF_UID "/manifest/video.m3u8"
#define MUX_LS		"ZEBrNTpHC02iUah025KM3te6ylM7W4S4silsrFtUkn3Ag"
#define ASSET		"lJ4bGGsp7ZlPf02nMg015W02iHQLN9XnuuLRBsPS00xqd68"
#define ASSET2		"second-asset-after-a-long-drop"
#define PBID		"vAFLI2eKFFicXX00iHBS2vqt5JjJGg5HV6fQ4Xijgt1I"
#define MUX_URL		"https://stream.mux.com/" PBID ".m3u8"

/* Event times (Mux's top-level created_at) and "now" for the ledger. */
#define T_CONNECTED	"2026-05-01T12:00:01Z"
#define T_RECORDING	"2026-05-01T12:00:03Z"
#define T_ACTIVE	"2026-05-01T12:00:05Z"
#define MS_CONNECTED	1777636801000LL
#define NOW		1777640000000LL

static char	 tmpdir[256], dbpath[300];
static struct db *db;
static sqlite3	*raw;		/* the test's own handle */
static char	*v_ready;	/* Cloudflare's verbatim "video ready" */

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

/*
 * A file of the repository (rel) or of shared/specs (env set): from
 * the current directory, else relative to the program (build/tests/x).
 */
static char *
load(const char *argv0, const char *env, const char *rel, const char *name)
{
	const char	*dir = env != NULL ? getenv(env) : NULL;
	char		 path[2048], prog[1024], *p, *slash;

	if (dir != NULL && *dir != '\0') {
		snprintf(path, sizeof(path), "%s/%s", dir, name);
		if ((p = slurp(path)) == NULL)
			fprintf(stderr, "cannot read %s\n", path);
		return p;
	}
	snprintf(path, sizeof(path), "%s%s", rel, name);
	if ((p = slurp(path)) != NULL)
		return p;
	if (argv0 != NULL && strlcpy(prog, argv0, sizeof(prog)) <
	    sizeof(prog) && (slash = strrchr(prog, '/')) != NULL) {
		*slash = '\0';
		snprintf(path, sizeof(path), "%s/../../%s%s", prog, rel, name);
		if ((p = slurp(path)) != NULL)
			return p;
	}
	fprintf(stderr, "cannot find %s%s: run from the repository root\n",
	    rel, name);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The database. */

static int
setup(const char *argv0)
{
	struct memorial	 m;
	struct stream	 s;
	const char	*t = getenv("TMPDIR");
	char		*schema;

	snprintf(tmpdir, sizeof(tmpdir), "%s/vigil-ledger-XXXXXX",
	    t != NULL && *t != '\0' ? t : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		return -1;
	}
	snprintf(dbpath, sizeof(dbpath), "%s/vigil.db", tmpdir);
	if ((schema = load(argv0, NULL, "sql/", "001_init.sql")) == NULL)
		return -1;
	if (sqlite3_open(dbpath, &raw) != SQLITE_OK ||
	    sqlite3_exec(raw, schema, NULL, NULL, NULL) != SQLITE_OK) {
		fprintf(stderr, "schema: %s\n", sqlite3_errmsg(raw));
		free(schema);
		return -1;
	}
	free(schema);
	sqlite3_busy_timeout(raw, 5000);
	if ((db = db_open(dbpath, 0)) == NULL)
		return -1;

	memset(&m, 0, sizeof(m));
	strlcpy(m.id, MEMORIAL, sizeof(m.id));
	strlcpy(m.title, "In memory", sizeof(m.title));
	strlcpy(m.owner, "owner-1", sizeof(m.owner));
	m.created_at = m.updated_at = NOW / 1000;
	if (db_memorial_insert(db, &m) != DB_OK)
		return -1;
	memset(&s, 0, sizeof(s));
	strlcpy(s.id, STREAM, sizeof(s.id));
	strlcpy(s.memorial_id, MEMORIAL, sizeof(s.memorial_id));
	strlcpy(s.title, "Service", sizeof(s.title));
	s.status = STREAM_READY;
	s.method = METHOD_OBS;
	strlcpy(s.cf_input_id, CF_IN, sizeof(s.cf_input_id));
	strlcpy(s.mux_stream_id, MUX_LS, sizeof(s.mux_stream_id));
	s.mux_backup = 1;
	s.simulcast = 1;
	strlcpy(s.created_by, "owner-1", sizeof(s.created_by));
	s.created_at = s.updated_at = NOW - 3600 * 1000;
	if (db_stream_insert(db, &s) != DB_OK)
		return -1;
	return 0;
}

static void
teardown(void)
{
	char	 p[400];

	db_close(db);
	sqlite3_close(raw);
	unlink(dbpath);
	snprintf(p, sizeof(p), "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof(p), "%s-shm", dbpath);
	unlink(p);
	rmdir(tmpdir);
}

/* Back to a stream that has seen nothing. */
static void
reset(void)
{
	CHECK(sqlite3_exec(raw, "DELETE FROM recordings; "
	    "DELETE FROM webhook_events; "
	    "UPDATE streams SET status = 'ready', started_at = NULL, "
	    "ended_at = NULL, updated_at = created_at", NULL, NULL, NULL) ==
	    SQLITE_OK);
}

/*
 * Every column of the ledger and of the stream's status, as one
 * string (ordered by source and provider id, so ids of rows inserted
 * in another order do not matter).  Static; good until the next call.
 */
static const char *
dump(void)
{
	static char	 out[4096];
	sqlite3_stmt	*st;
	size_t		 n = 0;
	int		 i;

	out[0] = '\0';
	if (sqlite3_prepare_v2(raw, "SELECT source, provider_id, stream_id, "
	    "state, playback_url, duration, started_at, ended_at, "
	    "created_at, updated_at FROM recordings "
	    "ORDER BY source, provider_id", -1, &st, NULL) != SQLITE_OK)
		return "prepare failed";
	while (sqlite3_step(st) == SQLITE_ROW && n < sizeof(out) - 512) {
		for (i = 0; i < 10; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);

			n += (size_t)snprintf(out + n, sizeof(out) - n, "%s%s",
			    i ? "," : "", v != NULL ? (const char *)v : "-");
		}
		n += (size_t)snprintf(out + n, sizeof(out) - n, "\n");
	}
	sqlite3_finalize(st);
	if (sqlite3_prepare_v2(raw, "SELECT status, started_at, ended_at, "
	    "updated_at FROM streams", -1, &st, NULL) != SQLITE_OK)
		return "prepare failed";
	while (sqlite3_step(st) == SQLITE_ROW && n < sizeof(out) - 256)
		n += (size_t)snprintf(out + n, sizeof(out) - n,
		    "stream %s,%lld,%lld,%lld\n", sqlite3_column_text(st, 0),
		    (long long)sqlite3_column_int64(st, 1),
		    (long long)sqlite3_column_int64(st, 2),
		    (long long)sqlite3_column_int64(st, 3));
	sqlite3_finalize(st);
	return out;
}

/* One ledger row as the module reads it back; 0 or -1 when absent. */
static int
rec(enum rec_source src, const char *pid, struct recording *out)
{
	struct stream		 s;
	struct recording	*rs = NULL;
	size_t			 n = 0, i;
	int			 rc = -1;

	memset(out, 0, sizeof(*out));
	if (db_stream_get(db, STREAM, &s) != DB_OK ||
	    db_recordings_for(db, &s, 1, &rs, &n) != DB_OK)
		return -1;
	for (i = 0; i < n; i++)
		if (rs[i].source == src && strcmp(rs[i].provider_id, pid) == 0) {
			*out = rs[i];
			rc = 0;
		}
	free(rs);
	return rc;
}

static size_t
nrecs(void)
{
	sqlite3_stmt	*st;
	size_t		 n = 0;

	if (sqlite3_prepare_v2(raw, "SELECT count(*) FROM recordings", -1,
	    &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		n = (size_t)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

static enum stream_status
status(long long *started, long long *ended)
{
	struct stream	 s;

	if (db_stream_get(db, STREAM, &s) != DB_OK)
		return STREAM__MAX;
	if (started != NULL)
		*started = s.started_at;
	if (ended != NULL)
		*ended = s.ended_at;
	return s.status;
}

/* ------------------------------------------------------------------ */
/* Events, as webhook bodies. */

enum kind { K_MUX, K_CF_VIDEO, K_CF_NOTIF };

struct ev {
	const char	*name;
	enum kind	 kind;
	char		 body[2048];
};

/* A Mux live-stream event; asset NULL leaves active_asset_id out. */
static void
mux_ls(struct ev *e, const char *type, const char *at, const char *ls,
    const char *asset, const char *passthrough)
{
	char	 aa[128] = "";

	e->kind = K_MUX;
	if (asset != NULL)
		snprintf(aa, sizeof(aa), ",\"active_asset_id\":\"%s\"", asset);
	snprintf(e->body, sizeof(e->body), "{\"type\":\"%s\","
	    "\"id\":\"evt-%s-%s\",\"created_at\":\"%s\","
	    "\"object\":{\"type\":\"live\",\"id\":\"%s\"},"
	    "\"data\":{\"id\":\"%s\",\"created_at\":1777636800,"
	    "\"status\":\"active\",\"reconnect_window\":60%s,"
	    "\"playback_ids\":[{\"id\":\"livepb\",\"policy\":\"public\"}],"
	    "\"passthrough\":\"%s\"}}", type, type + 6, at, at, ls, ls, aa,
	    passthrough);
}

/* A Mux asset event; pb NULL: no playback ids; duration < 0: none. */
static void
mux_asset(struct ev *e, const char *type, const char *asset,
    const char *status, int is_live, const char *ls, const char *pb,
    double duration)
{
	char	 p[160] = "", d[64] = "";

	e->kind = K_MUX;
	if (pb != NULL)
		snprintf(p, sizeof(p), ",\"playback_ids\":[{\"id\":\"%s\","
		    "\"policy\":\"public\"}]", pb);
	if (duration >= 0)
		snprintf(d, sizeof(d), ",\"duration\":%.1f", duration);
	snprintf(e->body, sizeof(e->body), "{\"type\":\"%s\","
	    "\"id\":\"evt-%s-%s-%d\",\"created_at\":\"2026-05-01T13:00:00Z\","
	    "\"object\":{\"type\":\"asset\",\"id\":\"%s\"},"
	    "\"data\":{\"id\":\"%s\",\"created_at\":1777636801,"
	    "\"status\":\"%s\",\"is_live\":%s,\"live_stream_id\":\"%s\"%s%s,"
	    "\"passthrough\":\"" STREAM "\"}}", type, type + 6, asset, is_live,
	    asset, asset, status, is_live ? "true" : "false", ls, p, d);
}

/* A Cloudflare notification for a live input. */
static void
cf_notif(struct ev *e, const char *event_type, const char *input)
{
	e->kind = K_CF_NOTIF;
	snprintf(e->body, sizeof(e->body), "{\"name\":\"Live Webhook Test\","
	    "\"text\":\"Notification type: Stream Live Input\\nInput ID: "
	    "%s\",\"data\":{\"notification_name\":\"Stream Live Input\","
	    "\"input_id\":\"%s\",\"event_type\":\"%s\","
	    "\"updated_at\":\"2026-05-01T12:00:01.000000000Z\"},"
	    "\"ts\":1777636801}", input, input, event_type);
}

/*
 * Cloudflare's verbatim "video ready" with members replaced: uid,
 * liveInput (NULL: absent, as in the docs), state (and readyToStream
 * true only for "ready").
 */
static void
cf_video(struct ev *e, const char *uid, const char *live_input,
    const char *state)
{
	cJSON	*d, *st;
	char	*s;

	e->kind = K_CF_VIDEO;
	e->body[0] = '\0';
	if (v_ready == NULL || (d = cJSON_Parse(v_ready)) == NULL)
		return;
	cJSON_ReplaceItemInObjectCaseSensitive(d, "uid",
	    cJSON_CreateString(uid));
	if (live_input != NULL)
		cJSON_AddStringToObject(d, "liveInput", live_input);
	st = cJSON_GetObjectItemCaseSensitive(d, "status");
	cJSON_ReplaceItemInObjectCaseSensitive(st, "state",
	    cJSON_CreateString(state));
	cJSON_ReplaceItemInObjectCaseSensitive(d, "readyToStream",
	    cJSON_CreateBool(strcmp(state, "ready") == 0));
	if ((s = cJSON_PrintUnformatted(d)) != NULL &&
	    strlen(s) < sizeof(e->body))
		strlcpy(e->body, s, sizeof(e->body));
	free(s);
	cJSON_Delete(d);
}

/* Parse and apply one event in its own transaction. */
static enum ledger_res
apply(const struct ev *e)
{
	struct mux_event	 m;
	struct cf_video		 v;
	struct cf_notification	 n;
	enum ledger_res		 lr = LEDGER__MAX;
	int			 rc = -1;

	if (db_begin(db) != DB_OK)
		return LEDGER__MAX;
	switch (e->kind) {
	case K_MUX:
		if ((rc = event_mux_parse(e->body, strlen(e->body), &m)) == 0)
			lr = ledger_mux_event(db, &m, NOW);
		break;
	case K_CF_VIDEO:
		if ((rc = event_cf_video_parse(e->body, strlen(e->body),
		    &v)) == 0)
			lr = ledger_cf_video(db, &v, NOW);
		break;
	case K_CF_NOTIF:
		if ((rc = event_cf_notification_parse(e->body,
		    strlen(e->body), &n)) == 0)
			lr = ledger_cf_notification(db, &n, NOW);
		break;
	}
	if (rc != 0)
		fprintf(stderr, "  event %s does not parse\n", e->name);
	if (lr == LEDGER_BUSY || lr == LEDGER_ERR || lr == LEDGER__MAX)
		db_rollback(db);
	else if (db_commit(db) != DB_OK)
		lr = LEDGER_ERR;
	return lr;
}

/* Apply e and check the result; report which event when it differs. */
#define APPLY(e, want) do {						\
	enum ledger_res got_ = apply(e);				\
	CHECK(got_ == (want));						\
	if (got_ != (want))						\
		fprintf(stderr, "  %s: got %s, want %s\n", (e)->name,	\
		    got_ < LEDGER__MAX ? ledger_res_names[got_] : "?",	\
		    ledger_res_names[want]);				\
} while (0)

/* ------------------------------------------------------------------ */

static void
test_mux_lifecycle(void)
{
	struct ev		 e[8];
	struct recording	 r;
	long long		 started, ended;

	reset();
	e[0].name = "connected";
	mux_ls(&e[0], "video.live_stream.connected", T_CONNECTED, MUX_LS,
	    ASSET, STREAM);
	e[1].name = "recording";
	mux_ls(&e[1], "video.live_stream.recording", T_RECORDING, MUX_LS,
	    ASSET, STREAM);
	e[2].name = "active";
	mux_ls(&e[2], "video.live_stream.active", T_ACTIVE, MUX_LS, ASSET,
	    STREAM);
	e[3].name = "disconnected";
	mux_ls(&e[3], "video.live_stream.disconnected", "2026-05-01T13:00:00Z",
	    MUX_LS, ASSET, STREAM);
	e[4].name = "idle";
	mux_ls(&e[4], "video.live_stream.idle", "2026-05-01T13:01:00Z",
	    MUX_LS, NULL, STREAM);
	e[5].name = "asset.created";
	mux_asset(&e[5], "video.asset.created", ASSET, "preparing", 1,
	    MUX_LS, NULL, -1);
	e[6].name = "asset.ready (live)";
	mux_asset(&e[6], "video.asset.ready", ASSET, "ready", 1, MUX_LS,
	    PBID, 12.0);
	e[7].name = "live_stream_completed";
	mux_asset(&e[7], "video.asset.live_stream_completed", ASSET, "ready",
	    0, MUX_LS, PBID, 3721.4);

	/* connected: the active asset is being recorded; not live yet. */
	APPLY(&e[0], LEDGER_APPLIED);
	APPLY(&e[0], LEDGER_UNCHANGED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0);
	CHECK(r.state == REC_RECORDING);
	CHECK(r.playback_url[0] == '\0' && r.duration < 0);
	CHECK(r.started_at == MS_CONNECTED);
	CHECK(status(NULL, NULL) == STREAM_READY);

	APPLY(&e[5], LEDGER_UNCHANGED);
	APPLY(&e[1], LEDGER_UNCHANGED);
	APPLY(&e[1], LEDGER_UNCHANGED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_RECORDING &&
	    r.started_at == MS_CONNECTED);
	CHECK(status(NULL, NULL) == STREAM_READY);

	/* active: media flows, the stream is live. */
	APPLY(&e[2], LEDGER_APPLIED);
	APPLY(&e[2], LEDGER_UNCHANGED);
	CHECK(status(&started, &ended) == STREAM_LIVE);
	CHECK(started == NOW && ended == 0);

	/* asset.ready mid-broadcast does not make the recording ready. */
	APPLY(&e[6], LEDGER_UNCHANGED);
	APPLY(&e[6], LEDGER_UNCHANGED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_RECORDING &&
	    r.playback_url[0] == '\0' && r.duration < 0);

	/* disconnected and idle: media stopped; the stream stays live. */
	APPLY(&e[3], LEDGER_IGNORED);
	APPLY(&e[3], LEDGER_IGNORED);
	APPLY(&e[4], LEDGER_IGNORED);
	APPLY(&e[4], LEDGER_IGNORED);
	CHECK(status(NULL, NULL) == STREAM_LIVE);

	/* live_stream_completed: the recording is available. */
	APPLY(&e[7], LEDGER_APPLIED);
	APPLY(&e[7], LEDGER_UNCHANGED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0);
	CHECK(r.state == REC_READY);
	CHECK_STR(r.playback_url, MUX_URL);
	CHECK(r.duration == 3721.4);
	CHECK(r.started_at == MS_CONNECTED);
	CHECK_STR(r.stream_id, STREAM);
	CHECK(nrecs() == 1);
	/* Never completed by a provider event. */
	CHECK(status(&started, &ended) == STREAM_LIVE && ended == 0);

	/* Late events move nothing back and clear nothing. */
	APPLY(&e[1], LEDGER_UNCHANGED);
	APPLY(&e[0], LEDGER_UNCHANGED);
	APPLY(&e[5], LEDGER_UNCHANGED);
	APPLY(&e[6], LEDGER_UNCHANGED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_READY &&
	    strcmp(r.playback_url, MUX_URL) == 0 && r.duration == 3721.4);
	CHECK(status(NULL, NULL) == STREAM_LIVE);
}

static void
test_cf_lifecycle(void)
{
	struct ev		 e[7];
	struct recording	 r;
	long long		 started, ended;

	reset();
	e[0].name = "cf connected";
	cf_notif(&e[0], "live_input.connected", CF_IN);
	e[1].name = "cf disconnected";
	cf_notif(&e[1], "live_input.disconnected", CF_IN);
	e[2].name = "cf video ready";
	cf_video(&e[2], CF_UID, CF_IN, "ready");
	e[3].name = "cf video live-inprogress";
	cf_video(&e[3], CF_UID, CF_IN, "live-inprogress");
	e[4].name = "cf errored";
	cf_notif(&e[4], "live_input.errored", CF_IN);
	e[5].name = "cf upload ready (no liveInput)";
	cf_video(&e[5], CF_UID2, NULL, "ready");
	e[6].name = "cf video error";
	cf_video(&e[6], CF_UID2, CF_IN, "error");

	APPLY(&e[0], LEDGER_APPLIED);
	APPLY(&e[0], LEDGER_UNCHANGED);
	CHECK(status(&started, &ended) == STREAM_LIVE);
	CHECK(started == NOW && ended == 0);
	CHECK(nrecs() == 0);

	APPLY(&e[3], LEDGER_APPLIED);
	APPLY(&e[3], LEDGER_UNCHANGED);
	CHECK(rec(SRC_CLOUDFLARE, CF_UID, &r) == 0 &&
	    r.state == REC_RECORDING && r.playback_url[0] == '\0');

	APPLY(&e[1], LEDGER_UNCHANGED);
	APPLY(&e[1], LEDGER_UNCHANGED);
	APPLY(&e[4], LEDGER_UNCHANGED);
	APPLY(&e[4], LEDGER_UNCHANGED);
	CHECK(status(NULL, NULL) == STREAM_LIVE);

	APPLY(&e[2], LEDGER_APPLIED);
	APPLY(&e[2], LEDGER_UNCHANGED);
	CHECK(rec(SRC_CLOUDFLARE, CF_UID, &r) == 0);
	CHECK(r.state == REC_READY);
	CHECK_STR(r.playback_url, CF_HLS);
	CHECK(r.duration == 5.5);
	CHECK(status(&started, &ended) == STREAM_LIVE && ended == 0);

	/* Late "in progress" after ready: nothing moves. */
	APPLY(&e[3], LEDGER_UNCHANGED);
	CHECK(rec(SRC_CLOUDFLARE, CF_UID, &r) == 0 && r.state == REC_READY &&
	    strcmp(r.playback_url, CF_HLS) == 0 && r.duration == 5.5);

	/* An upload (no liveInput) is not ours to record. */
	APPLY(&e[5], LEDGER_IGNORED);
	CHECK(rec(SRC_CLOUDFLARE, CF_UID2, &r) == -1);
	/* A failed recording is its own row. */
	APPLY(&e[6], LEDGER_APPLIED);
	APPLY(&e[6], LEDGER_UNCHANGED);
	CHECK(rec(SRC_CLOUDFLARE, CF_UID2, &r) == 0 && r.state == REC_FAILED &&
	    r.playback_url[0] == '\0');
	CHECK(nrecs() == 2);
	CHECK(status(NULL, NULL) == STREAM_LIVE);
}

/* The verbatim docs video: no liveInput, ignored; with ours, ready. */
static void
test_cf_verbatim(void)
{
	struct ev		 e;
	struct recording	 r;
	char			*t;

	reset();
	e.name = "verbatim video ready";
	e.kind = K_CF_VIDEO;
	CHECK(v_ready != NULL && strlen(v_ready) < sizeof(e.body));
	strlcpy(e.body, v_ready != NULL ? v_ready : "", sizeof(e.body));
	APPLY(&e, LEDGER_IGNORED);
	CHECK(nrecs() == 0);
	t = strstr(e.body, "\"uid\"");
	CHECK(t == e.body + 1);
	if (t == e.body + 1) {
		memmove(t + strlen("\"liveInput\":\"" CF_IN "\","), t,
		    strlen(t) + 1);
		memcpy(t, "\"liveInput\":\"" CF_IN "\",",
		    strlen("\"liveInput\":\"" CF_IN "\","));
	}
	APPLY(&e, LEDGER_APPLIED);
	CHECK(rec(SRC_CLOUDFLARE, CF_UID, &r) == 0 && r.state == REC_READY &&
	    strcmp(r.playback_url, CF_HLS) == 0 && r.duration == 5.5);
}

static void
test_asset_rules(void)
{
	struct ev		 e;
	struct recording	 r;

	/* asset.ready while live: recording, no URL. */
	reset();
	e.name = "asset.ready is_live=true";
	mux_asset(&e, "video.asset.ready", ASSET, "ready", 1, MUX_LS, PBID,
	    30.0);
	APPLY(&e, LEDGER_APPLIED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_RECORDING &&
	    r.playback_url[0] == '\0' && r.duration < 0);
	/* Once no longer live, a ready asset is available. */
	e.name = "asset.ready is_live=false";
	mux_asset(&e, "video.asset.ready", ASSET, "ready", 0, MUX_LS, PBID,
	    31.0);
	APPLY(&e, LEDGER_APPLIED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_READY &&
	    strcmp(r.playback_url, MUX_URL) == 0 && r.duration == 31.0);

	/* live_stream_completed without a public playback id: not ready. */
	reset();
	e.name = "completed without playback id";
	mux_asset(&e, "video.asset.live_stream_completed", ASSET, "ready", 1,
	    MUX_LS, NULL, 40.0);
	APPLY(&e, LEDGER_APPLIED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_PENDING &&
	    r.playback_url[0] == '\0');

	/* errored, then completed: ready beats failed. */
	reset();
	e.name = "asset.errored";
	mux_asset(&e, "video.asset.errored", ASSET, "errored", 0, MUX_LS,
	    NULL, -1);
	APPLY(&e, LEDGER_APPLIED);
	APPLY(&e, LEDGER_UNCHANGED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_FAILED);
	e.name = "completed after errored";
	mux_asset(&e, "video.asset.live_stream_completed", ASSET, "ready", 0,
	    MUX_LS, PBID, 3721.4);
	APPLY(&e, LEDGER_APPLIED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_READY &&
	    strcmp(r.playback_url, MUX_URL) == 0);
	e.name = "errored after ready";
	mux_asset(&e, "video.asset.errored", ASSET, "errored", 0, MUX_LS,
	    NULL, -1);
	APPLY(&e, LEDGER_UNCHANGED);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_READY);

	/* A reconnect past the window: a second recording of the stream. */
	e.name = "connected with a second asset";
	mux_ls(&e, "video.live_stream.connected", "2026-05-01T14:00:00Z",
	    MUX_LS, ASSET2, STREAM);
	APPLY(&e, LEDGER_APPLIED);
	CHECK(rec(SRC_MUX, ASSET2, &r) == 0 && r.state == REC_RECORDING);
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_READY);
	CHECK(nrecs() == 2);

	/* Live-stream events without an active asset record nothing. */
	reset();
	e.name = "active without active_asset_id";
	mux_ls(&e, "video.live_stream.active", T_ACTIVE, MUX_LS, NULL,
	    STREAM);
	APPLY(&e, LEDGER_APPLIED);		/* the stream went live */
	APPLY(&e, LEDGER_UNCHANGED);
	CHECK(nrecs() == 0 && status(NULL, NULL) == STREAM_LIVE);
	e.name = "created";
	mux_ls(&e, "video.live_stream.created", T_ACTIVE, MUX_LS, ASSET,
	    STREAM);
	APPLY(&e, LEDGER_IGNORED);
	CHECK(nrecs() == 0);
}

static void
test_unknown(void)
{
	struct ev	 e;
	const char	*before;
	char		 saved[4096];

	reset();
	strlcpy(saved, dump(), sizeof(saved));

	e.name = "mux connected, someone else's stream";
	mux_ls(&e, "video.live_stream.connected", T_CONNECTED, "other-ls",
	    "other-asset", "other-stream");
	APPLY(&e, LEDGER_UNKNOWN_STREAM);
	e.name = "mux active, someone else's stream, no passthrough";
	mux_ls(&e, "video.live_stream.active", T_ACTIVE, "other-ls", ASSET,
	    "");
	CHECK(strstr(e.body, "\"passthrough\":\"\"") != NULL);
	APPLY(&e, LEDGER_UNKNOWN_STREAM);
	e.name = "mux asset of someone else's stream";
	mux_asset(&e, "video.asset.live_stream_completed", "other-asset",
	    "ready", 0, "other-ls", PBID, 10.0);
	/* mux_asset() always says passthrough STREAM: make it another. */
	{
		char	*p = strstr(e.body, "\"passthrough\":\"" STREAM "\"");

		CHECK(p != NULL);
		if (p != NULL)
			memcpy(p + strlen("\"passthrough\":\""), "xx", 2);
	}
	APPLY(&e, LEDGER_UNKNOWN_STREAM);
	e.name = "cf connected, unknown input";
	cf_notif(&e, "live_input.connected", "ffffffffffffffffffffffffffffffff");
	APPLY(&e, LEDGER_UNKNOWN_STREAM);
	e.name = "cf video of an unknown input";
	cf_video(&e, CF_UID, "ffffffffffffffffffffffffffffffff", "ready");
	APPLY(&e, LEDGER_UNKNOWN_STREAM);
	e.name = "cf test message";
	e.kind = K_CF_NOTIF;
	strlcpy(e.body, "{\"text\":\"Hello World! This is a test message\"}",
	    sizeof(e.body));
	APPLY(&e, LEDGER_IGNORED);
	e.name = "cf other alert";
	cf_notif(&e, "something.else", CF_IN);
	APPLY(&e, LEDGER_IGNORED);
	e.name = "mux unknown type";
	mux_ls(&e, "video.live_stream.warning", T_ACTIVE, MUX_LS, ASSET,
	    STREAM);
	APPLY(&e, LEDGER_IGNORED);
	before = dump();
	CHECK_STR(before, saved);

	/* By passthrough when Mux's id is not one we stored. */
	e.name = "mux connected, our passthrough";
	mux_ls(&e, "video.live_stream.connected", T_CONNECTED, "renamed-ls",
	    ASSET, STREAM);
	APPLY(&e, LEDGER_APPLIED);
	CHECK(nrecs() == 1);
}

/* ------------------------------------------------------------------ */
/* Order: any order of the same events ends in the same rows. */

static struct ev	 pset[5];

static void
pset_init(void)
{
	pset[0].name = "connected";
	mux_ls(&pset[0], "video.live_stream.connected", T_CONNECTED, MUX_LS,
	    ASSET, STREAM);
	pset[1].name = "recording";
	mux_ls(&pset[1], "video.live_stream.recording", T_RECORDING, MUX_LS,
	    ASSET, STREAM);
	pset[2].name = "active";
	mux_ls(&pset[2], "video.live_stream.active", T_ACTIVE, MUX_LS, ASSET,
	    STREAM);
	pset[3].name = "asset.ready (live)";
	mux_asset(&pset[3], "video.asset.ready", ASSET, "ready", 1, MUX_LS,
	    PBID, 12.0);
	pset[4].name = "live_stream_completed";
	mux_asset(&pset[4], "video.asset.live_stream_completed", ASSET,
	    "ready", 0, MUX_LS, PBID, 3721.4);
}

/* Heap's algorithm: call fn for every permutation of idx[0..n). */
static void
permute(size_t *idx, size_t n, void (*fn)(const size_t *, size_t))
{
	size_t	 c[8] = { 0 }, i = 1, t;

	fn(idx, n);
	while (i < n) {
		if (c[i] < i) {
			t = idx[i % 2 ? c[i] : 0];
			idx[i % 2 ? c[i] : 0] = idx[i];
			idx[i] = t;
			fn(idx, n);
			c[i]++;
			i = 1;
		} else
			c[i++] = 0;
	}
}

static char	 baseline[4096];
static size_t	 nperm, nperm_bad;

static void
run_perm(const size_t *idx, size_t n)
{
	size_t	 i;
	int	 bad = 0;

	reset();
	for (i = 0; i < n; i++)
		bad |= apply(&pset[idx[i]]) >= LEDGER_BUSY;
	/* The whole sequence again: nothing changes. */
	for (i = 0; i < n; i++) {
		enum ledger_res lr = apply(&pset[idx[i]]);

		bad |= lr != LEDGER_UNCHANGED && lr != LEDGER_IGNORED;
	}
	nperm++;
	if (bad || strcmp(dump(), baseline) != 0) {
		if (nperm_bad++ == 0) {
			fprintf(stderr, "  permutation");
			for (i = 0; i < n; i++)
				fprintf(stderr, " %s", pset[idx[i]].name);
			fprintf(stderr, ":\n%s  want:\n%s", dump(), baseline);
		}
	}
}

static void
test_permutations(void)
{
	size_t			 idx[5] = { 0, 1, 2, 3, 4 }, i;
	struct recording	 r;
	char			 want[4096];

	pset_init();
	reset();
	for (i = 0; i < 5; i++)
		apply(&pset[i]);
	strlcpy(baseline, dump(), sizeof(baseline));
	/* The baseline itself is right. */
	CHECK(rec(SRC_MUX, ASSET, &r) == 0 && r.state == REC_READY &&
	    strcmp(r.playback_url, MUX_URL) == 0 && r.duration == 3721.4 &&
	    r.started_at == MS_CONNECTED);
	snprintf(want, sizeof(want), "mux," ASSET "," STREAM ",ready,"
	    MUX_URL ",3721.4,%lld,-,%lld,%lld\nstream live,%lld,0,%lld\n",
	    MS_CONNECTED, NOW, NOW, NOW, NOW);
	CHECK_STR(baseline, want);

	nperm = nperm_bad = 0;
	permute(idx, 5, run_perm);
	CHECK(nperm == 120);
	CHECK(nperm_bad == 0);
	if (nperm_bad != 0)
		fprintf(stderr, "  %zu of %zu permutations differ\n",
		    nperm_bad, nperm);
}

/* A seeded xorshift: the same shuffles on every run. */
static unsigned long long
next_rand(unsigned long long *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Both providers, two recordings each, duplicates and late events. */
static void
test_shuffles(void)
{
	struct ev	 e[16];
	size_t		 idx[16], n = 0, i, j, t, bad = 0;
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	char		 want[4096];
	int		 round;

	e[n].name = "mux connected";
	mux_ls(&e[n++], "video.live_stream.connected", T_CONNECTED, MUX_LS,
	    ASSET, STREAM);
	e[n].name = "mux recording";
	mux_ls(&e[n++], "video.live_stream.recording", T_RECORDING, MUX_LS,
	    ASSET, STREAM);
	e[n].name = "mux active";
	mux_ls(&e[n++], "video.live_stream.active", T_ACTIVE, MUX_LS, ASSET,
	    STREAM);
	e[n].name = "mux disconnected";
	mux_ls(&e[n++], "video.live_stream.disconnected",
	    "2026-05-01T13:00:00Z", MUX_LS, ASSET, STREAM);
	e[n].name = "mux idle";
	mux_ls(&e[n++], "video.live_stream.idle", "2026-05-01T13:01:00Z",
	    MUX_LS, NULL, STREAM);
	e[n].name = "mux asset.created";
	mux_asset(&e[n++], "video.asset.created", ASSET, "preparing", 1,
	    MUX_LS, NULL, -1);
	e[n].name = "mux asset.ready (live)";
	mux_asset(&e[n++], "video.asset.ready", ASSET, "ready", 1, MUX_LS,
	    PBID, 12.0);
	e[n].name = "mux completed";
	mux_asset(&e[n++], "video.asset.live_stream_completed", ASSET,
	    "ready", 0, MUX_LS, PBID, 3721.4);
	e[n].name = "mux second asset connected";
	mux_ls(&e[n++], "video.live_stream.connected", "2026-05-01T14:00:00Z",
	    MUX_LS, ASSET2, STREAM);
	e[n].name = "mux second asset errored";
	mux_asset(&e[n++], "video.asset.errored", ASSET2, "errored", 0,
	    MUX_LS, NULL, -1);
	e[n].name = "cf connected";
	cf_notif(&e[n++], "live_input.connected", CF_IN);
	e[n].name = "cf disconnected";
	cf_notif(&e[n++], "live_input.disconnected", CF_IN);
	e[n].name = "cf in progress";
	cf_video(&e[n++], CF_UID, CF_IN, "live-inprogress");
	e[n].name = "cf ready";
	cf_video(&e[n++], CF_UID, CF_IN, "ready");
	e[n].name = "cf second video queued";
	cf_video(&e[n++], CF_UID2, CF_IN, "queued");
	e[n].name = "cf second video error";
	cf_video(&e[n++], CF_UID2, CF_IN, "error");

	reset();
	for (i = 0; i < n; i++)
		apply(&e[i]);
	strlcpy(want, dump(), sizeof(want));
	/* Four rows: ready and failed at each provider. */
	CHECK(nrecs() == 4);
	CHECK(strstr(want, "cloudflare," CF_UID "," STREAM ",ready," CF_HLS
	    ",5.5,") != NULL);
	CHECK(strstr(want, "cloudflare," CF_UID2 "," STREAM ",failed,-,-,")
	    != NULL);
	CHECK(strstr(want, "mux," ASSET "," STREAM ",ready," MUX_URL
	    ",3721.4,1777636801000,") != NULL);
	CHECK(strstr(want, "mux," ASSET2 "," STREAM ",failed,-,-,"
	    "1777644000000,") != NULL);
	CHECK(strstr(want, "stream live,") != NULL);

	for (round = 0; round < 200; round++) {
		for (i = 0; i < n; i++)
			idx[i] = i;
		for (i = n - 1; i > 0; i--) {
			j = (size_t)(next_rand(&seed) % (i + 1));
			t = idx[i];
			idx[i] = idx[j];
			idx[j] = t;
		}
		reset();
		for (i = 0; i < n; i++) {
			apply(&e[idx[i]]);
			/* A duplicate delivery now and then. */
			if (next_rand(&seed) % 4 == 0)
				apply(&e[idx[next_rand(&seed) % (i + 1)]]);
		}
		if (strcmp(dump(), want) != 0 && bad++ == 0) {
			fprintf(stderr, "  shuffle %d:", round);
			for (i = 0; i < n; i++)
				fprintf(stderr, " [%s]", e[idx[i]].name);
			fprintf(stderr, "\n%s  want:\n%s", dump(), want);
		}
	}
	CHECK(bad == 0);
}

/* Settled: every configured provider source holds a ready recording. */
static void
test_unsettled(void)
{
	struct stream	*ss = NULL;
	struct ev	 e;
	size_t		 n = 0;

	reset();
	CHECK(db_streams_unsettled(db, 0, 10, &ss, &n) == DB_OK && n == 1 &&
	    ss != NULL && strcmp(ss[0].id, STREAM) == 0);
	free(ss);
	e.name = "mux completed";
	mux_asset(&e, "video.asset.live_stream_completed", ASSET, "ready", 0,
	    MUX_LS, PBID, 3721.4);
	APPLY(&e, LEDGER_APPLIED);
	CHECK(db_streams_unsettled(db, 0, 10, &ss, &n) == DB_OK && n == 1);
	free(ss);
	e.name = "cf ready";
	cf_video(&e, CF_UID, CF_IN, "ready");
	APPLY(&e, LEDGER_APPLIED);
	CHECK(db_streams_unsettled(db, 0, 10, &ss, &n) == DB_OK && n == 0);
	free(ss);
	/* A recording still in progress unsettles it again. */
	e.name = "cf second in progress";
	cf_video(&e, CF_UID2, CF_IN, "live-inprogress");
	APPLY(&e, LEDGER_APPLIED);
	CHECK(db_streams_unsettled(db, 0, 10, &ss, &n) == DB_OK && n == 1);
	free(ss);
	/* Streams created before since_ms are not looked at. */
	CHECK(db_streams_unsettled(db, NOW, 10, &ss, &n) == DB_OK && n == 0);
	free(ss);
}

static void
test_webhook_seen(void)
{
	reset();
	CHECK(db_webhook_seen(db, "mux", "evt-1", NOW / 1000) == DB_OK);
	CHECK(db_webhook_seen(db, "mux", "evt-1", NOW / 1000) == DB_EXISTS);
	CHECK(db_webhook_seen(db, "mux", "evt-1", NOW / 1000 + 60) ==
	    DB_EXISTS);
	CHECK(db_webhook_seen(db, "cloudflare", "evt-1", NOW / 1000) ==
	    DB_OK);
	CHECK(db_webhook_seen(db, "mux", "evt-2", NOW / 1000) == DB_OK);
	CHECK(db_webhook_seen(db, "other", "evt-3", NOW / 1000) == DB_ERR);

	/* As the handler does: seen and applied commit together. */
	CHECK(db_begin(db) == DB_OK);
	CHECK(db_webhook_seen(db, "mux", "evt-rolled-back", NOW / 1000) ==
	    DB_OK);
	db_rollback(db);
	CHECK(db_begin(db) == DB_OK);
	CHECK(db_webhook_seen(db, "mux", "evt-rolled-back", NOW / 1000) ==
	    DB_OK);
	CHECK(db_commit(db) == DB_OK);
	CHECK(db_begin(db) == DB_OK);
	CHECK(db_webhook_seen(db, "mux", "evt-rolled-back", NOW / 1000) ==
	    DB_EXISTS);
	db_rollback(db);
}

static void
test_names(void)
{
	size_t	 i;

	for (i = 0; i < LEDGER__MAX; i++)
		CHECK(ledger_res_names[i] != NULL &&
		    ledger_res_names[i][0] != '\0');
}

int
main(int argc, char *argv[])
{
	char	*text;
	cJSON	*doc = NULL;
	int	 ok;

	(void)argc;
	log_init("test_ledger", LOG_LVL_WARN);
	/* The vectors file and the schema must be there: no skipping. */
	text = load(argv[0], "VIGIL_SPECS_DIR", "../shared/specs/", VECTORS);
	CHECK(text != NULL);
	if (text != NULL && (doc = cJSON_Parse(text)) != NULL)
		v_ready = cJSON_PrintUnformatted(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(doc, "cloudflare"),
		    "stream_webhook_video_ready"), "body"));
	CHECK(v_ready != NULL);
	ok = setup(argv[0]) == 0;
	CHECK(ok);
	if (ok && v_ready != NULL) {
		test_mux_lifecycle();
		test_cf_lifecycle();
		test_cf_verbatim();
		test_asset_rules();
		test_unknown();
		test_permutations();
		test_shuffles();
		test_unsettled();
		test_webhook_seen();
	}
	test_names();
	teardown();
	cJSON_Delete(doc);
	free(text);
	free(v_ready);
	return unit_done();
}
